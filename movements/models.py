"""The directory: movements, organizations, people and their engagement over time.

Models stay thin. Reads live in the QuerySets below (attached with ``as_manager()``);
writes that touch several rows live in ``movements/services.py`` and
``movements/exchange.py``.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Upper
from django.urls import reverse
from django.utils import timezone

from core.dates import validate_date_in_range
from core.roles import is_curator


def _dates_in_order(prefix: str) -> models.CheckConstraint:
    """``until`` may be empty (ongoing) but never before ``since``."""
    return models.CheckConstraint(
        condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=F("since")),
        name=f"{prefix}_until_after_since",
        violation_error_message="The end date cannot be before the start date.",
    )


def running_between(start: datetime.date, end: datetime.date | None = None, prefix: str = "") -> Q:
    """Q for dated rows (or related rows under ``prefix``) running at any time from
    ``start`` to ``end``, both included: begun by ``end`` (an empty ``since`` means "before
    anything we know") and not ended before ``start`` (an empty ``until`` means ongoing).
    Without ``end``: not ended before ``start``, whenever they began.

    The one definition of "running" for participations, memberships and engagements;
    ``DatedQuerySet`` and aggregate filters (``Count(..., filter=running_between(...))``)
    both use it."""
    not_ended = Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": start})
    if end is None:
        return not_ended
    started = Q(**{f"{prefix}since__isnull": True}) | Q(**{f"{prefix}since__lte": end})
    return started & not_ended


def in_region_q(region, field: str = "region") -> Q:
    """Q for rows whose ``field`` is ``region`` or a region directly inside it."""
    return Q(**{field: region}) | Q(**{f"{field}__parent": region})


def ongoing_on(day: datetime.date, prefix: str = "") -> Q:
    """Q for rows (or related rows under ``prefix``) running on ``day``."""
    return running_between(day, day, prefix)


class Sector(models.TextChoices):
    LABOR = "labor", "Labor"
    ENVIRONMENTAL = "environmental", "Environmental"
    STUDENT = "student", "Student"
    COMMUNITY = "community", "Community"
    FAITH = "faith", "Faith"
    SOLIDARITY = "solidarity", "Solidarity"
    OTHER = "other", "Other"


class MovementStatus(models.TextChoices):
    EMERGING = "emerging", "Emerging"
    ACTIVE = "active", "Active"
    DORMANT = "dormant", "Dormant"


class OrganizationKind(models.TextChoices):
    UNION = "union", "Union"
    COLLECTIVE = "collective", "Collective"
    NONPROFIT = "nonprofit", "Nonprofit"
    STUDENT_GROUP = "student_group", "Student group"
    FAITH_GROUP = "faith_group", "Faith group"
    POLITICAL = "political", "Political organization"
    COALITION = "coalition", "Coalition"
    OTHER = "other", "Other"


class RankedChoices(models.TextChoices):
    """Roles with a strength: ``rank`` is 0 for the strongest. Each subclass lists its
    members strongest first in ``strongest_first()``."""

    @classmethod
    def strongest_first(cls) -> list:
        return list(cls)

    @property
    def rank(self) -> int:
        return type(self).strongest_first().index(self)

    @classmethod
    def rank_of(cls, value: str) -> int:
        """The rank of a stored value; unknown values rank after every known one."""
        try:
            return cls(value).rank
        except ValueError:
            return len(cls)

    @classmethod
    def rank_expression(cls, field: str = "role") -> Case:
        """``rank`` in SQL, to order rows by ``field``'s strength."""
        return Case(
            *[When(**{field: role}, then=role.rank) for role in cls],
            default=len(cls),
            output_field=IntegerField(),
        )


class ParticipationRole(RankedChoices):
    LEAD = "lead", "Lead"
    PARTNER = "partner", "Partner"
    ALLY = "ally", "Ally"


class MembershipRole(RankedChoices):
    MEMBER = "member", "Member"
    ORGANIZER = "organizer", "Organizer"
    LEADER = "leader", "Leader"

    @classmethod
    def strongest_first(cls) -> list:
        return [cls.LEADER, cls.ORGANIZER, cls.MEMBER]

    @classmethod
    def organizing(cls) -> list:
        """The roles that make someone an organizer of their organization."""
        return [cls.ORGANIZER, cls.LEADER]


class EngagementRole(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    VOLUNTEER = "volunteer", "Volunteer"
    ORGANIZER = "organizer", "Organizer"
    LEADER = "leader", "Leader"


class EngagementSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    IMPORT = "import", "Imported roster"
    EVENT = "event", "Event attendance"


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private — only me and curators"
    PUBLIC = "public", "Public — my name and history can be shown"


def _participation_prefetches(other: str, on: datetime.date) -> list[Prefetch]:
    """Prefetch a movement's or organization's participations in two lists:
    ``current_participations`` (leads first, then partners, then allies) and
    ``past_participations`` (latest first), each with its ``other`` side ("movement" or
    "organization") loaded and archived ones left out."""
    role_order = ParticipationRole.rank_expression()
    participations = Participation.objects.filter(
        **{f"{other}__archived_at__isnull": True}
    ).select_related(other)
    return [
        Prefetch(
            "participations",
            queryset=participations.current(on).order_by(role_order, f"{other}__name"),
            to_attr="current_participations",
        ),
        Prefetch(
            "participations",
            queryset=participations.filter(until__lt=on).order_by("-until", f"{other}__name"),
            to_attr="past_participations",
        ),
    ]


class Taxonomy(models.Model):
    """Shared shape of themes and tactics: a name and a unique slug."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Theme(Taxonomy):
    """An issue area: food, wages, climate, Palestine, housing…"""


class Tactic(Taxonomy):
    """A way of acting: strike, blockade, divestment, mutual aid…"""


class RegionQuerySet(models.QuerySet):
    def with_parent(self):
        return self.select_related("parent")


class Region(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The larger region this one lies in (Oakland lies in the Bay Area).",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MovementQuerySet(models.QuerySet):
    def visible(self):
        """Not archived: what the public directory lists."""
        return self.filter(archived_at__isnull=True)

    def active(self):
        return self.visible().exclude(status=MovementStatus.DORMANT)

    def in_region(self, region: Region):
        """Movements in ``region`` or in one of the regions directly inside it."""
        return self.filter(in_region_q(region, "regions")).distinct()

    def with_counts(self, on: datetime.date | None = None):
        """Annotate ``organization_count`` and ``people_count`` (distinct people engaged
        on ``on``, today by default). Counts come from correlated subqueries so that
        they neither multiply each other nor the row count."""
        on = on or timezone.localdate()
        organizations = (
            Participation.objects.filter(movement=OuterRef("pk"))
            .filter(ongoing_on(on), organization__archived_at__isnull=True)
            .order_by()
            .values("movement")
            .annotate(n=Count("organization", distinct=True))
            .values("n")
        )
        people = (
            Engagement.objects.filter(movement=OuterRef("pk"))
            .filter(ongoing_on(on))
            .order_by()
            .values("movement")
            .annotate(n=Count("member", distinct=True))
            .values("n")
        )
        return self.annotate(
            organization_count=Coalesce(Subquery(organizations), 0),
            people_count=Coalesce(Subquery(people), 0),
        )

    def with_taxonomy(self):
        return self.prefetch_related("themes", "tactics", "regions")

    def with_participations(self, on: datetime.date | None = None):
        """``current_participations`` and ``past_participations`` with organizations."""
        return self.prefetch_related(
            *_participation_prefetches("organization", on or timezone.localdate())
        )


class Movement(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=300, blank=True, help_text="One or two sentences.")
    description = models.TextField(blank=True)
    sector = models.CharField(max_length=20, choices=Sector, default=Sector.OTHER)
    constituency = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who the movement organizes, e.g. “fast-food workers”.",
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="movements")
    tactics = models.ManyToManyField(Tactic, blank=True, related_name="movements")
    regions = models.ManyToManyField(Region, blank=True, related_name="movements")
    status = models.CharField(max_length=20, choices=MovementStatus, default=MovementStatus.ACTIVE)
    started_on = models.DateField(null=True, blank=True, validators=[validate_date_in_range])
    website = models.URLField(blank=True)
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text="Archived movements keep their history but leave the public directory.",
    )

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["sector", "status"], name="movement_sector_status")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("movements:movement_detail", kwargs={"slug": self.slug})


class OrganizationQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(archived_at__isnull=True)

    def managed_by(self, user):
        """Organizations ``user`` organizes for: an ongoing organizer or leader membership
        (all visible organizations for curators; none for anyone not signed in)."""
        if is_curator(user):
            return self.visible()
        if not (user is not None and user.is_authenticated and user.is_active):
            return self.none()
        return (
            self.visible()
            .filter(
                memberships__member__user=user,
                memberships__until__isnull=True,
                memberships__role__in=MembershipRole.organizing(),
            )
            .distinct()
        )

    def active(self):
        return self.visible().filter(active=True)

    def with_organize_state(self, user):
        """Annotate what ``user`` stands in each organization, for the "ask to organize"
        buttons: ``viewer_organizes`` (an ongoing organizer or leader membership) and
        ``viewer_asked`` (an open organizer request). Both false for anyone not signed
        in. No query of its own: two EXISTS in the organizations' query."""
        if not (user is not None and user.is_authenticated):
            return self.annotate(
                viewer_organizes=Value(False, output_field=BooleanField()),
                viewer_asked=Value(False, output_field=BooleanField()),
            )
        return self.annotate(
            viewer_organizes=Exists(
                Membership.objects.filter(
                    organization=OuterRef("pk"),
                    member__user=user,
                    until__isnull=True,
                    role__in=MembershipRole.organizing(),
                )
            ),
            viewer_asked=Exists(
                OrganizerRequest.objects.open().filter(
                    organization=OuterRef("pk"), member__user=user
                )
            ),
        )

    def in_region(self, region: Region):
        return self.filter(in_region_q(region))

    def with_counts(self, on: datetime.date | None = None):
        """Annotate ``movement_count`` and ``people_count`` (current members)."""
        on = on or timezone.localdate()
        movements = (
            Participation.objects.filter(organization=OuterRef("pk"))
            .filter(ongoing_on(on), movement__archived_at__isnull=True)
            .order_by()
            .values("organization")
            .annotate(n=Count("movement", distinct=True))
            .values("n")
        )
        people = (
            Membership.objects.filter(organization=OuterRef("pk"))
            .filter(ongoing_on(on))
            .order_by()
            .values("organization")
            .annotate(n=Count("member", distinct=True))
            .values("n")
        )
        return self.annotate(
            movement_count=Coalesce(Subquery(movements), 0),
            people_count=Coalesce(Subquery(people), 0),
        )

    def with_region(self):
        return self.select_related("region")

    def with_participations(self, on: datetime.date | None = None):
        """``current_participations`` and ``past_participations`` with movements."""
        return self.prefetch_related(
            *_participation_prefetches("movement", on or timezone.localdate())
        )

    def with_current_movements(self, on: datetime.date | None = None):
        """``current_participations`` only, by movement name (for lists)."""
        return self.prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.current(on)
                .filter(movement__archived_at__isnull=True)
                .select_related("movement")
                .order_by("movement__name"),
                to_attr="current_participations",
            )
        )


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(
        max_length=20, choices=OrganizationKind, default=OrganizationKind.OTHER
    )
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    contact_email = models.EmailField(
        blank=True, help_text="A public contact address for the organization, not a person's."
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )
    founded_on = models.DateField(null=True, blank=True, validators=[validate_date_in_range])
    active = models.BooleanField(default=True, help_text="Still organizing today.")
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text="Archived organizations keep their history but leave the public directory.",
    )
    movements = models.ManyToManyField(
        Movement, through="Participation", related_name="organizations", blank=True
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("movements:organization_detail", kwargs={"slug": self.slug})


class DatedQuerySet(models.QuerySet):
    """Rows that run from ``since`` to ``until``: participations, memberships, engagements.
    "Running" means ``running_between`` everywhere."""

    def running(self, start: datetime.date, end: datetime.date | None = None):
        """Rows running at any time from ``start`` to ``end`` (not ended before ``start``
        when there is no ``end``)."""
        return self.filter(running_between(start, end))

    def ongoing_on(self, day: datetime.date):
        return self.filter(ongoing_on(day))

    def current(self, on: datetime.date | None = None):
        """Rows running today (or on ``on``)."""
        return self.ongoing_on(on or timezone.localdate())

    def with_running(self, start: datetime.date, end: datetime.date | None = None):
        """Annotate ``running``: whether the row is running from ``start`` to ``end``."""
        return self.annotate(
            running=ExpressionWrapper(running_between(start, end), output_field=BooleanField())
        )


class Participation(models.Model):
    """An organization's part in a movement over time."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="participations"
    )
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(
        max_length=20, choices=ParticipationRole, default=ParticipationRole.PARTNER
    )
    since = models.DateField(null=True, blank=True, validators=[validate_date_in_range])
    until = models.DateField(
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text="Empty while ongoing.",
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["movement__name", "organization__name", "since"]
        constraints = [
            _dates_in_order("participation"),
            models.UniqueConstraint(
                fields=["organization", "movement"],
                condition=Q(until__isnull=True),
                name="participation_one_open_per_pair",
                violation_error_message=(
                    "This organization already takes part in this movement; end that "
                    "participation first."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organization} in {self.movement} ({self.get_role_display()})"


class MemberQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Visibility.PUBLIC)

    def verified(self):
        """People whose current email address was confirmed (``movements.verification``):
        the address they have now is the one they confirmed, exactly."""
        return self.exclude(email="").filter(verified_email=F("email"))

    def outreach_allowed(self):
        """People outreach may mail (PRODUCT.md, "Consent and verification"): they opted
        in (``invites``) and have an address, which they confirmed, or which came with
        their opt-in in an imported roster (a member without a login: nobody signed up
        with it, so the roster's ``"invites": true`` is the consent). People who sign up
        opt in on the site and confirm their address like everyone with a login.
        ``verification.may_receive_outreach`` is the same rule for one person."""
        return (
            self.filter(invites=True)
            .exclude(email="")
            .filter(Q(verified_email=F("email")) | Q(user__isnull=True))
        )


class MemberManager(models.Manager.from_queryset(MemberQuerySet)):
    def for_user(self, user) -> "Member | None":
        """``user``'s Member record, or None for an anonymous visitor or a user without
        one; never creates one (``services.member_for_user`` does). Goes through the
        reverse one-to-one, so the answer (a missing record too) is cached on ``user``."""
        if not user.is_authenticated:
            return None
        try:
            return user.member
        except self.model.DoesNotExist:
            return None


def new_calendar_token() -> str:
    """The secret of a personal calendar feed (``Member.calendar_token``):
    ``secrets.token_urlsafe(24)``, 32 characters."""
    return secrets.token_urlsafe(24)


class Member(models.Model):
    """A person. Rosters are imported before people sign up, so the login is optional."""

    key = models.CharField(
        max_length=64,
        unique=True,
        help_text="Stable identifier used by imports and exports (e.g. m-0001).",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, help_text="Private: never shown publicly.")
    # Set together by ``movements.verification`` when the person proves they read mail at
    # ``email``. The address is kept, not only the time: whatever changes ``email`` (a
    # form, the admin, an import) leaves it unconfirmed until the new one is confirmed.
    verified_email = models.EmailField(
        blank=True, editable=False, help_text="The address the person confirmed."
    )
    email_verified_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When they confirmed it."
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.PRIVATE)
    # Consent to outreach (PRODUCT.md, "Organizing together"): off unless the person (at
    # signup, on /me/) or their imported roster (``"invites": true``) said yes.
    invites = models.BooleanField(
        "invitations to joint events",
        default=False,
        help_text="Invite me to joint events of my movements",
    )
    # The secret of the person's calendar feed (``/me/calendar/<token>.ics``, the events
    # they are going to), turned on, renewed and off on /me/ (``accounts.services``).
    # Empty: no feed.
    calendar_token = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MemberManager()

    class Meta:
        ordering = ["name", "key"]
        # "The same email is the same person" (anonymous RSVPs, linking a new login):
        # found by ``email__iexact``, which compares upper-cased on PostgreSQL.
        indexes = [models.Index(Upper("email"), name="member_email_upper")]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar_token"],
                condition=~Q(calendar_token=""),
                name="member_calendar_token_unique",
            )
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person in an organization over time."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=MembershipRole, default=MembershipRole.MEMBER)
    since = models.DateField(null=True, blank=True, validators=[validate_date_in_range])
    until = models.DateField(
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text="Empty while ongoing.",
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["since", "pk"]
        constraints = [
            _dates_in_order("membership"),
            models.UniqueConstraint(
                fields=["member", "organization"],
                condition=Q(until__isnull=True),
                name="membership_one_open_per_pair",
                violation_error_message=(
                    "This person already has an open membership in this organization."
                ),
            ),
        ]
        indexes = [models.Index(fields=["organization", "member"], name="membership_org_member")]

    def __str__(self):
        return f"{self.member} in {self.organization}"


class OrganizerRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


# How long the note of an organizer request may be (PRODUCT.md: a short note).
ORGANIZER_REQUEST_NOTE_MAX_LENGTH = 500


class OrganizerRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=OrganizerRequestStatus.OPEN)

    def of_user(self, user):
        """The requests ``user`` made (none for anyone not signed in)."""
        if not (user is not None and user.is_authenticated):
            return self.none()
        return self.filter(member__user=user)

    def decidable_by(self, user):
        """The requests ``user`` may decide, whatever their status: those for the
        organizations they organize (every one for curators), never their own
        (``movements.organizing.can_decide_organizer_request`` for one request)."""
        if not (user is not None and user.is_authenticated and user.is_active):
            return self.none()
        requests = self.exclude(member__user=user)
        if is_curator(user):
            return requests
        return requests.filter(organization__in=Organization.objects.managed_by(user))

    def visible_to(self, user):
        """The requests ``user`` may see at all: their own and those they may decide. For
        everyone else a request does not exist."""
        if not (user is not None and user.is_authenticated and user.is_active):
            return self.none()
        if is_curator(user):
            return self
        return self.filter(
            Q(member__user=user)
            | Q(organization__in=Organization.objects.managed_by(user).values("pk"))
        )

    def with_people(self):
        return self.select_related("member", "organization", "decided_by")


class OrganizerRequest(models.Model):
    """A member asking to organize for an organization (PRODUCT.md, "Organizing
    together"). The organization's organizers and the curators approve it (the member gets
    an organizer Membership) or decline it; ``movements/organizing.py`` holds the rules and
    the writes. One open request per person and organization; a declined person may ask
    again later (a new row)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="organizer_requests")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="organizer_requests"
    )
    note = models.CharField(
        max_length=ORGANIZER_REQUEST_NOTE_MAX_LENGTH,
        blank=True,
        help_text="What the person wrote to the organizers.",
    )
    status = models.CharField(
        max_length=10, choices=OrganizerRequestStatus, default=OrganizerRequestStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = OrganizerRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "organization"],
                condition=Q(status=OrganizerRequestStatus.OPEN),
                name="organizer_request_one_open_per_pair",
                violation_error_message=(
                    "This person already asked to organize for this organization; that "
                    "request is waiting for a decision."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=OrganizerRequestStatus.OPEN, decided_at__isnull=True)
                | (~Q(status=OrganizerRequestStatus.OPEN) & Q(decided_at__isnull=False)),
                name="organizer_request_decided_when_closed",
                violation_error_message="A decided request needs the time of its decision.",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="organizer_request_org"),
        ]

    def __str__(self):
        return f"{self.member} asks to organize for {self.organization}"

    @property
    def is_open(self) -> bool:
        return self.status == OrganizerRequestStatus.OPEN


class Engagement(models.Model):
    """A person's engagement in a movement over time: the engagement history."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="engagements")
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="engagements")
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
        help_text="The organization the person came through, if any.",
    )
    role = models.CharField(
        max_length=20, choices=EngagementRole, default=EngagementRole.PARTICIPANT
    )
    since = models.DateField(null=True, blank=True, validators=[validate_date_in_range])
    until = models.DateField(
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text="Empty while ongoing.",
    )
    source = models.CharField(
        max_length=10, choices=EngagementSource, default=EngagementSource.MANUAL
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["since", "pk"]
        constraints = [_dates_in_order("engagement")]
        indexes = [
            # Overlap queries join engagements on movement and group by member, and the
            # look-back window filters on until.
            models.Index(fields=["movement", "member", "until"], name="engagement_movement"),
            models.Index(fields=["member", "movement"], name="engagement_member"),
            models.Index(fields=["organization"], name="engagement_organization"),
        ]

    def __str__(self):
        return f"{self.member} in {self.movement}"


class TensionQuerySet(models.QuerySet):
    def between(self, a: Movement, b: Movement):
        low, high = sorted([a.pk, b.pk])
        return self.filter(movement_a_id=low, movement_b_id=high)

    def involving(self, movement: Movement):
        return self.filter(Q(movement_a=movement) | Q(movement_b=movement)).select_related(
            "movement_a", "movement_b"
        )


class Tension(models.Model):
    """A curated note on a pair of movements: where they pull against each other.

    The pair is stored in a fixed order (lower id first) so each pair has one spelling."""

    movement_a = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="+")
    movement_b = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(help_text="E.g. “higher wages raise food prices”.")

    objects = TensionQuerySet.as_manager()

    class Meta:
        ordering = ["movement_a__name", "movement_b__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(movement_a__lt=F("movement_b")),
                name="tension_pair_in_order",
                violation_error_message="A tension needs two different movements.",
            ),
        ]

    def __str__(self):
        return f"{self.movement_a} ↔ {self.movement_b}"

    def save(self, *args, **kwargs):
        self._order_pair()
        super().save(*args, **kwargs)

    def clean(self):
        self._order_pair()

    def _order_pair(self):
        if self.movement_a_id and self.movement_b_id and self.movement_a_id > self.movement_b_id:
            self.movement_a_id, self.movement_b_id = self.movement_b_id, self.movement_a_id
