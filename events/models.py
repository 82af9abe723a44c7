"""Events between movements, and the RSVPs to them.

Models stay thin; the rules (capacity, waitlist, check-in, mail) live in
``events/services.py``, who may manage what in ``events/permissions.py``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from movements.models import Movement, Organization, Region


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


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EventStatus.PUBLISHED)

    def listed(self):
        """What the public events list shows: published, public events."""
        return self.published().filter(visibility=EventVisibility.PUBLIC)

    def upcoming(self, now=None):
        """Not yet over, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def hosted_by(self, organizations):
        return self.filter(hosts__in=organizations).distinct()

    def with_going_count(self):
        """Annotate ``going_count``: people going, guests included (what fills places)."""
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
        )

    def with_relations(self):
        return self.select_related("region").prefetch_related("movements", "hosts")


class Event(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=EventKind, default=EventKind.OTHER)
    description = models.TextField(blank=True)
    movements = models.ManyToManyField(Movement, related_name="events")
    hosts = models.ManyToManyField(
        Organization,
        related_name="hosted_events",
        help_text="Organizations hosting the event; their organizers manage it.",
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

    @property
    def is_private(self) -> bool:
        return self.visibility == EventVisibility.PRIVATE


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
