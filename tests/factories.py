"""factory_boy factories: predictable values, no randomness."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from movements import models

# The one pinned "today" of the test suite (see the ``today`` fixture in tests/conftest.py):
# the day the demo network is designed around, so its proposals, insights and overlaps
# never drift with the calendar. Code that takes ``today=`` gets this day.
PINNED_TODAY = datetime.date(2026, 11, 1)

# Events start at this local hour and last three hours, so they never cross midnight.
EVENT_HOUR = 18


def local_time(day: datetime.date, hour: int = EVENT_HOUR, minute: int = 0) -> datetime.datetime:
    """``hour:minute`` local time (America/Los_Angeles in the tests) on ``day``, aware."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def days_from_now(days: int, hour: int = EVENT_HOUR, minute: int = 0) -> datetime.datetime:
    """``hour:minute`` local time, ``days`` days after the real local date.

    For code that reads the real clock inside (upcoming events, open RSVPs, forms refusing
    past starts). With ``days`` other than 0, which side of now the moment falls on does
    not depend on the time of day, and its local day is known: no midnight in between."""
    return local_time(timezone.localdate() + datetime.timedelta(days=days), hour, minute)


def next_year() -> int:
    """The local year after this one: any day in it is months ahead, whenever the suite runs."""
    return timezone.localdate().year + 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.LazyAttribute(lambda t: t.slug.replace("-", " ").title())


class TacticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tactic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tactic-{n}")
    name = factory.LazyAttribute(lambda t: t.slug.replace("-", " ").title())


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Region
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"region-{n}")
    name = factory.LazyAttribute(lambda r: r.slug.replace("-", " ").title())
    parent = None


class MovementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Movement
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Movement {n}")
    slug = factory.Sequence(lambda n: f"movement-{n}")
    summary = "A movement used in tests."
    sector = models.Sector.COMMUNITY
    constituency = "neighbours"
    status = models.MovementStatus.ACTIVE

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def tactics(self, create, extracted, **kwargs):
        if create and extracted:
            self.tactics.set(extracted)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    kind = models.OrganizationKind.COLLECTIVE
    contact_email = factory.LazyAttribute(lambda o: f"hello@{o.slug}.example.org")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Participation

    organization = factory.SubFactory(OrganizationFactory)
    movement = factory.SubFactory(MovementFactory)
    role = models.ParticipationRole.PARTNER
    since = datetime.date(2020, 1, 1)
    until = None


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Member
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"m-{n:04d}")
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda m: f"{m.key}@people.example.org")
    visibility = models.Visibility.PRIVATE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    member = factory.SubFactory(MemberFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = models.MembershipRole.MEMBER
    since = datetime.date(2020, 1, 1)
    until = None


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Engagement

    member = factory.SubFactory(MemberFactory)
    movement = factory.SubFactory(MovementFactory)
    organization = None
    role = models.EngagementRole.PARTICIPANT
    since = datetime.date(2020, 1, 1)
    until = None
    source = models.EngagementSource.MANUAL


class TensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tension

    movement_a = factory.SubFactory(MovementFactory)
    movement_b = factory.SubFactory(MovementFactory)
    note = "Higher wages raise food prices."


class EventFactory(factory.django.DjangoModelFactory):
    """A published public potluck a week from today at 18:00 local time, three hours long
    (never across midnight), for 20 people."""

    class Meta:
        model = "events.Event"
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = "potluck"
    description = "An event used in tests."
    starts_at = factory.LazyFunction(lambda: days_from_now(7))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + datetime.timedelta(hours=3))
    venue = "Community hall"
    address = "1 Main Street, Oakland"
    capacity = 20
    status = "published"
    visibility = "public"

    @factory.post_generation
    def movements(self, create, extracted, **kwargs):
        if create:
            self.movements.set(extracted if extracted is not None else [MovementFactory()])

    @factory.post_generation
    def hosts(self, create, extracted, **kwargs):
        """Confirmed hosts, each standing for the first of the event's movements it takes
        part in (else the first): ``events.services.default_host_movement``."""
        if create and extracted:
            from events.models import EventHost
            from events.services import default_host_movement

            movements = list(self.movements.all())
            for organization in extracted:
                EventHost.objects.create(
                    event=self,
                    organization=organization,
                    movement=default_host_movement(organization=organization, movements=movements),
                )


class EventHostFactory(factory.django.DjangoModelFactory):
    """An invitation (status invited, sent now) of a new organization to host a new
    event, standing for the event's first movement; pass ``status`` for another."""

    class Meta:
        model = "events.EventHost"

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(OrganizationFactory)
    movement = factory.LazyAttribute(lambda host: host.event.movements.order_by("slug").first())
    status = "invited"
    invited_at = factory.LazyFunction(timezone.now)


class RSVPFactory(factory.django.DjangoModelFactory):
    """An RSVP as ``rsvp_create`` makes it: the person was told about the event's movements
    (``told_movements``; pass a list, e.g. ``[]``, for an RSVP told about others)."""

    class Meta:
        model = "events.RSVP"
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    member = factory.SubFactory(MemberFactory)
    status = "going"
    guests = 0

    @factory.post_generation
    def told_movements(self, create, extracted, **kwargs):
        if create:
            self.told_movements.set(
                extracted if extracted is not None else self.event.movements.all()
            )
