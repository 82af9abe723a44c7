"""Events between movements, the RSVPs to them, the messages organizers send their people
and the invitations outreach sent.

Models stay thin; the rules (capacity, waitlist, check-in, mail) live in
``events/services.py``, who may manage what in ``events/permissions.py``.
"""

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.roles import is_curator
from movements.models import Member, Movement, Organization, Region, in_region_q


class EventKind(models.TextChoices):
    POTLUCK = "potluck", "Potluck"
    PANEL = "panel", "Panel"
    CONFERENCE = "conference", "Conference"
    WORKSHOP = "workshop", "Workshop"
    OTHER = "other", "Other"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


class EventVisibility(models.TextChoices):
    PUBLIC = "public", "Public — listed for everyone"
    PRIVATE = "private", "Private — reachable by link, not listed"


class RSVPStatus(models.TextChoices):
    GOING = "going", "Going"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"


class MessageAudience(models.TextChoices):
    """Who an organizer's message goes to."""

    GOING = "going", "People going"
    WAITLISTED = "waitlisted", "People on the waitlist"
    GOING_AND_WAITLISTED = "going_and_waitlisted", "Everyone going or waitlisted"


# The RSVP statuses each audience reaches.
AUDIENCE_STATUSES = {
    MessageAudience.GOING: (RSVPStatus.GOING,),
    MessageAudience.WAITLISTED: (RSVPStatus.WAITLISTED,),
    MessageAudience.GOING_AND_WAITLISTED: (RSVPStatus.GOING, RSVPStatus.WAITLISTED),
}

# The longest subject and body an organizer's message may have.
MESSAGE_SUBJECT_MAX_LENGTH = 150
MESSAGE_BODY_MAX_LENGTH = 5000


class HostStatus(models.TextChoices):
    """An event host's status (PRODUCT.md, "Organizing together"): invited organizations
    confirm or decline; only confirmed hosts appear publicly and manage the event."""

    INVITED = "invited", "Invited"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"


# Confirmed hosts standing for this many distinct movements make an event joint.
JOINT_MOVEMENTS = 2


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


def proposal_identity(kind: str, movement_ids: Iterable[int]) -> str:
    """What identifies a proposal: its kind and its set of movements (``potluck:3-7``, ids
    in ascending order). The engine and the import both match proposals by it."""
    return f"{kind}:" + "-".join(str(pk) for pk in sorted(movement_ids))


#: Before the usual identity, a follow-up proposal's (``follow-up:potluck:3-7``): a pair
#: whose joint events worked, proposed to meet again (``network/proposals/engine.py``).
FOLLOW_UP_PREFIX = "follow-up:"


def follow_up_identity(kind: str, movement_ids: Iterable[int]) -> str:
    """A follow-up proposal's identity: ``follow-up:`` and ``proposal_identity``."""
    return FOLLOW_UP_PREFIX + proposal_identity(kind, movement_ids)


def new_link_key() -> str:
    """A private event's link secret: ``secrets.token_urlsafe(16)`` (22 characters)."""
    return secrets.token_urlsafe(16)


def new_manage_key() -> str:
    """The secret behind an RSVP's manage link (``events.manage_links``): changing it
    revokes every link made before."""
    return secrets.token_urlsafe(16)


class EventQuerySet(models.QuerySet):
    def in_region(self, region):
        """In ``region`` or in a region directly inside it."""
        return self.filter(in_region_q(region))

    def published(self):
        return self.filter(status=EventStatus.PUBLISHED)

    def listed(self):
        """What the public events list shows: published, public events."""
        return self.published().filter(visibility=EventVisibility.PUBLIC)

    def linkable_for(self, user):
        """The events a page may list or link for ``user`` without a private link: public
        events that are published or cancelled, for everyone; drafts and private events
        only for the people who manage them (organizers of a host, curators). Everything
        that lists or links an event (proposals, overlaps, movement pages) goes through
        this, so a private event never shows where its secret link was not given."""
        if is_curator(user):
            return self.all()
        public = Q(visibility=EventVisibility.PUBLIC) & ~Q(status=EventStatus.DRAFT)
        if not (user is not None and user.is_authenticated):
            return self.filter(public)
        # Organizers of a confirmed host manage it; those of an invited one may open it to
        # answer the invitation.
        hosting = EventHost.objects.filter(
            event=OuterRef("pk"),
            organization__in=Organization.objects.managed_by(user),
            status__in=[HostStatus.CONFIRMED, HostStatus.INVITED],
        )
        return self.filter(public | Q(Exists(hosting)))

    def in_calendar_of(self, member):
        """What ``member``'s calendar feed holds: events they are going to that are
        published or cancelled (a cancelled one stays, so calendars can drop it); never a
        draft. Private events too: they are going, so they hold the link."""
        going = RSVP.objects.going().filter(event=OuterRef("pk"), member=member)
        return self.filter(
            Exists(going), status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED]
        )

    def upcoming(self, now=None):
        """Not yet over, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def hosted_by(self, organizations):
        """Events one of ``organizations`` hosts (confirmed)."""
        confirmed = EventHost.objects.confirmed().filter(
            event=OuterRef("pk"), organization__in=organizations
        )
        return self.filter(Exists(confirmed))

    def with_joint(self):
        """Annotate ``joint``: the confirmed hosts stand for two or more distinct
        movements (``JOINT_MOVEMENTS``). A subquery, so it neither multiplies rows nor
        is multiplied by other joins."""
        movements = (
            EventHost.objects.confirmed()
            .filter(event=OuterRef("pk"))
            .order_by()
            .values("event")
            .annotate(n=Count("movement", distinct=True))
            .values("n")
        )
        return self.annotate(
            joint=GreaterThanOrEqual(
                Coalesce(Subquery(movements, output_field=models.IntegerField()), Value(0)),
                JOINT_MOVEMENTS,
            )
        )

    def with_going_count(self):
        """Annotate ``going_count`` (people going, guests included: what fills places),
        ``waitlist_count`` and ``places_left`` (None without a capacity)."""
        taken = (
            RSVP.objects.filter(event=OuterRef("pk"), status=RSVPStatus.GOING)
            .order_by()
            .values("event")
            .annotate(n=Sum(F("guests") + 1))
            .values("n")
        )
        waitlisted = (
            RSVP.objects.filter(event=OuterRef("pk"), status=RSVPStatus.WAITLISTED)
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            going_count=Coalesce(Subquery(taken), Value(0)),
            waitlist_count=Coalesce(Subquery(waitlisted), Value(0)),
        ).annotate(
            places_left=Case(
                When(capacity__isnull=True, then=Value(None)),
                default=Greatest(F("capacity") - F("going_count"), Value(0)),
                output_field=models.IntegerField(),
            )
        )

    def with_relations(self):
        """The region, the movements and ``confirmed_hosts`` (EventHost rows with their
        organization and movement, by movement then organization name): everything an
        event's card, page and API answer show, ``is_joint`` included."""
        return self.select_related("region").prefetch_related(
            "movements",
            Prefetch(
                "event_hosts",
                queryset=EventHost.objects.confirmed().with_relations().in_display_order(),
                to_attr="confirmed_hosts",
            ),
        )


class Event(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=EventKind, default=EventKind.OTHER)
    description = models.TextField(blank=True)
    movements = models.ManyToManyField(Movement, related_name="events")
    hosts = models.ManyToManyField(
        Organization,
        through="EventHost",
        related_name="hosted_events",
        help_text=(
            "Organizations hosting the event or invited to, each standing for one of its "
            "movements (EventHost, with the status); confirmed hosts' organizers manage it."
        ),
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    address = models.CharField(
        max_length=300,
        blank=True,
        help_text="For private events, shown only to people who are going.",
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    online_link = models.URLField(blank=True)
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Places, guests included. Leave empty for no limit.",
    )
    status = models.CharField(max_length=20, choices=EventStatus, default=EventStatus.DRAFT)
    visibility = models.CharField(
        max_length=10, choices=EventVisibility, default=EventVisibility.PUBLIC
    )
    link_key = models.CharField(
        max_length=64,
        unique=True,
        default=new_link_key,
        editable=False,
        help_text="The secret in a private event's link (/events/<slug>/?key=…).",
    )
    proposal = models.ForeignKey(
        "Proposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text="The proposed joint event this one came from.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message="The event must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
                violation_error_message="Capacity must be at least 1, or empty for no limit.",
            ),
        ]
        indexes = [models.Index(fields=["status", "visibility", "starts_at"], name="event_list")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event_detail", kwargs={"slug": self.slug})

    def get_link_url(self):
        """The path to share: a private event's carries its secret (``?key=…``)."""
        url = self.get_absolute_url()
        return f"{url}?{urlencode({'key': self.link_key})}" if self.is_private else url

    @property
    def is_private(self) -> bool:
        return self.visibility == EventVisibility.PRIVATE

    @property
    def is_joint(self) -> bool:
        """Whether the confirmed hosts stand for two or more movements: the ``joint``
        annotation (``with_joint()``) or the ``confirmed_hosts`` prefetch
        (``with_relations()``) when present, else one query."""
        if hasattr(self, "joint"):
            return bool(self.joint)
        if hasattr(self, "confirmed_hosts"):
            movements = {host.movement_id for host in self.confirmed_hosts}
        else:
            movements = set(
                self.event_hosts.confirmed().values_list("movement", flat=True).distinct()
            )
        return len(movements) >= JOINT_MOVEMENTS


class EventHostQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=HostStatus.CONFIRMED)

    def invited(self):
        """Invitations waiting for an answer."""
        return self.filter(status=HostStatus.INVITED)

    def with_relations(self):
        return self.select_related("organization", "movement")

    def in_display_order(self):
        """By the movement they stand for, then by organization (as pages group them)."""
        return self.order_by("movement__name", "movement__pk", "organization__name", "pk")

    def answerable_by(self, user):
        """Invitations ``user`` may answer: those of organizations they organize (every
        organization's for curators)."""
        return self.invited().filter(organization__in=Organization.objects.managed_by(user))


class EventHost(models.Model):
    """An organization hosting an event, standing for one of the event's movements
    (PRODUCT.md, "Event hosts"). Invited organizations confirm or decline; only
    confirmed hosts appear publicly, and every confirmed host's organizers manage the
    event. The rules (who invites whom, answering, withdrawing, the mails) live in
    ``events/services.py``."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_hosts")
    # PROTECT: merging organizations moves these rows first (events/receivers.py);
    # an organization with events is otherwise archived, not deleted.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="event_hosts"
    )
    movement = models.ForeignKey(
        Movement,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The event's movement this organization stands for.",
    )
    status = models.CharField(max_length=20, choices=HostStatus, default=HostStatus.CONFIRMED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(
        null=True, blank=True, help_text="When the invitation was confirmed or declined."
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the unanswered invitation was reminded."
    )

    objects = EventHostQuerySet.as_manager()

    class Meta:
        verbose_name = "event host"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization"],
                name="event_host_once_per_event",
                violation_error_message="This organization is already a host of this event.",
            ),
        ]
        indexes = [models.Index(fields=["status", "invited_at"], name="event_host_pending")]

    def __str__(self):
        return f"{self.organization} for {self.movement} ({self.get_status_display()})"


class RSVPQuerySet(models.QuerySet):
    def going(self):
        return self.filter(status=RSVPStatus.GOING)

    def waitlisted(self):
        return self.filter(status=RSVPStatus.WAITLISTED)

    def active(self):
        """Going or waitlisted: not cancelled."""
        return self.exclude(status=RSVPStatus.CANCELLED)

    def in_queue_order(self):
        return self.order_by("created_at", "pk")

    def ahead_of(self, rsvp: "RSVP"):
        """RSVPs to the same event that come before ``rsvp`` in the queue (``created_at``,
        then ``pk``): ``waitlisted().ahead_of(rsvp).count() + 1`` is its waitlist place."""
        return self.filter(event_id=rsvp.event_id).filter(
            Q(created_at__lt=rsvp.created_at) | Q(created_at=rsvp.created_at, pk__lt=rsvp.pk)
        )

    def for_audience(self, audience: str):
        """The RSVPs a message to ``audience`` (a ``MessageAudience``) goes to."""
        return self.filter(status__in=AUDIENCE_STATUSES[audience])

    def reachable(self):
        """Those whose person has an email address, so that a message can reach them."""
        return self.exclude(member__email="")

    def audience_counts(self) -> dict[str, int]:
        """Over these RSVPs, in one query: ``going`` and ``waitlisted``, the people a
        message can reach (they have an email address), and ``unreachable``, the people
        going or waitlisted it cannot. People, not places: guests get no mail."""
        has_email = ~Q(member__email="")
        return self.aggregate(
            going=Count("pk", filter=Q(status=RSVPStatus.GOING) & has_email),
            waitlisted=Count("pk", filter=Q(status=RSVPStatus.WAITLISTED) & has_email),
            unreachable=Count(
                "pk",
                filter=Q(status__in=[RSVPStatus.GOING, RSVPStatus.WAITLISTED]) & ~has_email,
            ),
        )

    def going_by_movement(self) -> dict[tuple[int, int], int]:
        """``{(event id, movement id): people going who came through that movement}`` over
        these RSVPs, in one query; RSVPs without a movement are left out, and so are pairs
        with nobody going. Filter first: ``RSVP.objects.filter(event=event)``."""
        rows = (
            self.going()
            .filter(movement__isnull=False)
            .order_by()
            .values_list("event", "movement")
            .annotate(n=Count("pk"))
        )
        return {(event_id, movement_id): n for event_id, movement_id, n in rows}


class RSVP(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="rsvps")
    member = models.ForeignKey("movements.Member", on_delete=models.CASCADE, related_name="rsvps")
    status = models.CharField(max_length=20, choices=RSVPStatus, default=RSVPStatus.GOING)
    guests = models.PositiveSmallIntegerField(
        default=0, help_text="People coming along, counted against capacity."
    )
    movement = models.ForeignKey(
        Movement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Which of the event's movements the member comes through.",
    )
    told_movements = models.ManyToManyField(
        Movement,
        blank=True,
        related_name="+",
        verbose_name="movements told about",
        help_text=(
            "The event's movements this person was told about: when they RSVP'd, and by "
            "mail when the movements changed. Check-in records attendance in these only."
        ),
    )
    name = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "The name typed with an RSVP made without an account. It never renames the "
            "member (an email already known keeps its person's name)."
        ),
    )
    manage_key = models.CharField(
        max_length=32,
        default=new_manage_key,
        editable=False,
        help_text="The secret of the manage link mailed to the person; a new one revokes it.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = RSVPQuerySet.as_manager()

    class Meta:
        verbose_name = "RSVP"
        verbose_name_plural = "RSVPs"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"],
                name="rsvp_one_per_member_per_event",
                violation_error_message="This person already has an RSVP for this event.",
            ),
            models.CheckConstraint(condition=Q(guests__lte=20), name="rsvp_guests_bounded"),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="rsvp_queue")]

    def __str__(self):
        return f"{self.member} → {self.event} ({self.get_status_display()})"

    @property
    def places(self) -> int:
        return 1 + self.guests


class EventMessageQuerySet(models.QuerySet):
    def sent_since(self, moment):
        """Sent after ``moment``."""
        return self.filter(sent_at__gt=moment)

    def latest_first(self):
        return self.order_by("-sent_at", "-pk")

    def with_sender(self):
        """With the sender and their member record (``sender_name``) in the same query."""
        return self.select_related("sender__member")


class EventMessage(models.Model):
    """A message an event's organizers sent through the app to its people (going,
    waitlisted or both), one mail to each, so that nobody reads another's address
    (``events.services.event_message_send``). The rows are the log of what was sent; who
    received it is not kept, only how many."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(max_length=MESSAGE_SUBJECT_MAX_LENGTH)
    body = models.TextField()
    audience = models.CharField(max_length=20, choices=MessageAudience)
    recipients = models.PositiveIntegerField(help_text="How many people it was mailed to.")
    sent_at = models.DateTimeField(default=timezone.now)

    objects = EventMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["event", "sent_at"], name="event_message_log")]

    def __str__(self):
        return self.subject

    @property
    def sender_name(self) -> str:
        """How recipients and the log name the sender: their member name, else their full
        name; never their username, which may be an email address."""
        if self.sender is None:
            return "A former organizer"
        member = Member.objects.for_user(self.sender)
        return " ".join(
            (
                (member.name if member else "") or self.sender.get_full_name() or "An organizer"
            ).split()
        )


class EventInvitationQuerySet(models.QuerySet):
    def count_by_movement(self) -> dict[int | None, int]:
        """``{movement id: invitations}`` over these, in one query (``None`` for
        invitations whose movement is gone). Filter first:
        ``EventInvitation.objects.filter(event=event)``."""
        rows = self.order_by().values_list("movement").annotate(n=Count("pk"))
        return dict(rows)


class EventInvitation(models.Model):
    """The one invitation mail a member got for a joint event (outreach,
    ``events.outreach``; sent by ``events.services.event_outreach_send``). The row is what
    makes it one: a member is never invited to the same event twice, whatever is
    re-published or edited. ``movement`` is the movement the invitation came through
    (the link's ``?via=``). Organizers see counts per movement, never who."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="event_invitations")
    movement = models.ForeignKey(
        Movement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The event's movement the invitation came through (?via=).",
    )
    sent_at = models.DateTimeField(default=timezone.now)

    objects = EventInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"],
                name="invitation_one_per_member_per_event",
                violation_error_message="This person was already invited to this event.",
            ),
        ]

    def __str__(self):
        return f"{self.member} invited to {self.event}"


class ProposalQuerySet(models.QuerySet):
    def in_region(self, region):
        """In ``region`` or in a region directly inside it."""
        return self.filter(in_region_q(region))

    def open(self):
        return self.filter(status=ProposalStatus.OPEN)

    def ranked(self):
        return self.order_by("-score", "kind", "title", "pk")

    def with_relations(self):
        """The region, the movements and ``ranked_hosts`` (the suggested hosts as
        ProposalHost rows with organization and movement, best first)."""
        return self.select_related("region").prefetch_related(
            "movements",
            Prefetch(
                "suggested_hosts",
                queryset=ProposalHost.objects.select_related("organization", "movement"),
                to_attr="ranked_hosts",
            ),
        )

    def involving(self, movement):
        return self.filter(movements=movement)


class Proposal(models.Model):
    """A suggested joint event between movements, made by ``network/proposals/engine.py``.

    Identified by its kind and its set of movements (``identity``; a follow-up's starts
    with ``follow-up:``), so a refresh updates the same row, a dismissed proposal stays
    dismissed and an accepted one keeps its event."""

    identity = models.CharField(
        max_length=255, unique=True, help_text="Kind and movement ids, e.g. potluck:3-7."
    )
    kind = models.CharField(max_length=20, choices=EventKind)
    title = models.CharField(max_length=200)
    movements = models.ManyToManyField(Movement, related_name="proposals")
    organizations = models.ManyToManyField(
        Organization,
        through="ProposalHost",
        blank=True,
        related_name="proposals",
        help_text="Suggested hosts: one or two per movement (ProposalHost, ranked).",
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    score = models.FloatField(default=0, help_text="Bridge potential in [0, 1].")
    reasons = models.JSONField(default=list, blank=True)
    agenda = models.TextField(blank=True, help_text="A suggested description and agenda.")
    shared_themes = models.JSONField(default=list, blank=True)
    shared_tactics = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=ProposalStatus, default=ProposalStatus.OPEN)
    dismissed_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "kind", "title", "pk"]
        indexes = [models.Index(fields=["status", "-score"], name="proposal_rank")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:proposal_detail", kwargs={"pk": self.pk})

    @property
    def is_follow_up(self) -> bool:
        """A follow-up of joint events that worked (its identity starts ``follow-up:``)."""
        return self.identity.startswith(FOLLOW_UP_PREFIX)


class ProposalHost(models.Model):
    """A suggested host of a proposal: an organization, the proposal's movement it was
    suggested for, and its rank among that movement's suggested hosts (1: first).
    Written by the engine (``network/proposals/engine.py``); accepting the proposal
    invites the first-ranked host of each movement the accepting organizer does not
    stand for."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="suggested_hosts"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="proposal_hosts"
    )
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(
        default=1, help_text="1 for the first suggested host of its movement."
    )

    class Meta:
        verbose_name = "suggested host"
        ordering = ["rank", "movement__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organization"], name="proposal_host_once"
            ),
        ]

    def __str__(self):
        return f"{self.organization} for {self.movement} (#{self.rank})"
