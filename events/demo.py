"""The events part of the demo (issue 14 d): joint events around the demo network.

``manage.py seed_demo`` loads the directory (``movements.demo``) and then sends
``movements.signals.demo_seeding``; :func:`demo_events_seed` answers it (connected in
``events/receivers.py``), so ``movements`` never imports this app.

What it adds, dated relative to ``today`` (the day of the first seed):

- past joint events, published, each with confirmed hosts standing for two movements,
  RSVPs and check-ins (through ``rsvp_check_in``, so attendance engagements are exactly
  what a real check-in creates);
- their follow-through (``network/followthrough.py``): some attendees of the Oakland
  potluck between ``fight-for-15-oakland`` and ``oakland-food-justice``
  (``OAKLAND_POTLUCK``) take up a real engagement (source ``manual``, no organization) in
  the other movement weeks after it, three of them ongoing and two short stints, so 5 of
  its 10 attendees crossed (rate 0.5); nobody who attended the other past events crossed;
- upcoming joint events: a public one with RSVPs, a public one that is full with a
  waitlist, and a private one (reachable through its secret link only);
- one upcoming event with a pending co-host invitation (the Fruitvale Garden Collective,
  which the demo organizer of ``bootstrap_demo`` runs, is asked to co-host).

The Oakland potluck proposal (``fight-for-15-oakland`` + ``oakland-food-justice``) is
left open. The pair's past potluck is 1,200 days back, so its attendance engagements and
the two short stints ended outside the overlaps' look-back window (three years), and the
pair's people in both movements now (the one on the roster and the three ongoing
crossers) stay a withheld count, which public proposals never depend on: attendance adds
ties, and ties lower a pair's bridge potential. No other demo event joins the movements
of the three designed proposals.

Idempotent: an event whose slug exists is left alone, whatever changed since. Deterministic:
people are drawn with ``random.Random(EVENTS_SEED)``. ``scale`` N adds N - 1 repeats of
the past events (at most ``MAX_EXTRA_EVENTS``), a week apart, further back."""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from core.cache import network_changed
from events.models import (
    RSVP,
    Event,
    EventHost,
    EventKind,
    EventStatus,
    EventVisibility,
    HostStatus,
    RSVPStatus,
)
from events.services import rsvp_check_in
from movements import demo
from movements.models import (
    Engagement,
    EngagementRole,
    EngagementSource,
    Member,
    Movement,
    Organization,
    Region,
)

EVENTS_SEED = 20261101
MAX_EXTRA_EVENTS = 20


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    title: str
    kind: str
    days: int  # from the day of the first seed; negative = past
    hosts: tuple[tuple[str, str], ...]  # (organization, movement it stands for)
    description: str = ""
    region: str = ""
    venue: str = ""
    capacity: int | None = None
    going: int = 0  # RSVPs going (within capacity)
    waitlisted: int = 0
    checked_in: int = 0
    private: bool = False
    invited: tuple[tuple[str, str], ...] = ()  # pending co-host invitations
    # Follow-through: per crossing attendee (the first checked-in ones with another of the
    # event's movements to cross into), the days after the event their real engagement
    # there starts and how many days it lasts (None: ongoing).
    crossings: tuple[tuple[int, int | None], ...] = ()


DEMO_EVENTS = [
    DemoEvent(
        slug="refinery-fenceline-and-oil-trains",
        title="The refinery and the rails: a Richmond conference",
        kind=EventKind.CONFERENCE,
        days=-45,
        hosts=(
            ("fenceline-health-project", demo.CLIMATE_JUSTICE),
            ("crude-awakening-richmond", demo.OIL_TRAINS),
        ),
        description="Fenceline neighbours and oil-train blockaders on one refinery.",
        region="richmond",
        venue="Richmond Memorial Auditorium",
        going=10,
        checked_in=8,
    ),
    DemoEvent(
        slug="divestment-students-and-palestine",
        title="Divest together: students and the Palestine solidarity network",
        kind=EventKind.PANEL,
        days=-20,
        hosts=(("sjp-berkeley", demo.UC_DIVEST), ("palestine-action-network", demo.PALESTINE)),
        description="Campus divestment campaigners and community organizers compare notes.",
        region="berkeley",
        venue="Eshleman Hall",
        capacity=60,
        going=8,
        checked_in=6,
    ),
    DemoEvent(
        slug="climate-and-palestine-divestment-teach-in",
        title="Fossil fuels and occupation: a divestment teach-in",
        kind=EventKind.PANEL,
        days=12,
        hosts=(("fossil-free-cal-students", demo.FOSSIL_FREE), ("sjp-berkeley", demo.UC_DIVEST)),
        description="Two student campaigns, one tactic: what each has learned about divesting.",
        region="berkeley",
        venue="Wheeler Hall",
        going=6,
    ),
    DemoEvent(
        slug="janitors-and-sanctuary-potluck",
        title="Janitors and sanctuary circles: a San José potluck",
        kind=EventKind.POTLUCK,
        days=19,
        hosts=(
            ("south-bay-janitors-united", demo.JANITORS),
            ("sacred-heart-sanctuary-circle", demo.SANCTUARY),
        ),
        description="Bring a dish. Night-shift workers and sanctuary volunteers share a table.",
        region="san-jose",
        venue="Sacred Heart parish hall",
        capacity=6,
        going=6,
        waitlisted=2,
    ),
    DemoEvent(
        slug="tenants-and-solidarity-strategy-session",
        title="Tenants and solidarity organizers: a strategy session",
        kind=EventKind.WORKSHOP,
        days=8,
        hosts=(
            ("mission-tenant-mutual-aid", demo.TENANTS),
            ("palestine-action-network", demo.PALESTINE),
        ),
        description="For people already involved; the link is shared by hand.",
        region="san-francisco",
        venue="A member's living room",
        going=3,
        private=True,
    ),
    DemoEvent(
        slug="warehouse-workers-and-gardeners-workshop",
        title="Food at work: warehouse workers meet Oakland gardeners",
        kind=EventKind.WORKSHOP,
        days=26,
        hosts=(("warehouse-workers-committee", demo.WAREHOUSE),),
        invited=((demo.STEADY_COLLECTIVE, demo.FOOD_JUSTICE),),
        description="What a warehouse break room eats, and what a garden could change.",
        region="oakland",
        venue="Fruitvale Garden Collective shed",
    ),
    DemoEvent(
        slug="fast-food-workers-and-gardeners-potluck",
        title="Fast-food workers and gardeners: an Oakland potluck",
        kind=EventKind.POTLUCK,
        days=-1200,
        hosts=(
            ("east-bay-food-workers-union", demo.FIGHT_FOR_15),
            (demo.STEADY_COLLECTIVE, demo.FOOD_JUSTICE),
        ),
        description="Bring a dish. Fast-food workers and neighbourhood gardeners on food.",
        region="oakland",
        venue="Fruitvale Garden Collective shed",
        going=12,
        checked_in=10,
        crossings=((14, None), (30, None), (45, None), (21, 30), (35, 21)),
    ),
]

# The Oakland potluck: the demo's joint event whose bridge held (see the module docstring).
OAKLAND_POTLUCK = "fast-food-workers-and-gardeners-potluck"


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _extra_events(scale: int) -> list[DemoEvent]:
    past = [spec for spec in DEMO_EVENTS if spec.days < 0]
    extra = []
    for number in range(1, min(scale - 1, MAX_EXTRA_EVENTS) + 1):
        spec = past[number % len(past)]
        extra.append(
            DemoEvent(
                **{
                    **spec.__dict__,
                    "slug": f"{spec.slug}-{number:02d}",
                    "title": f"{spec.title} ({number + 1})",
                    "days": spec.days - 60 - 7 * number,
                }
            )
        )
    return extra


def _people_in(movement: Movement) -> list[int]:
    """Members with an ongoing, real engagement in ``movement``, by key."""
    return list(
        Member.objects.filter(
            engagements__movement=movement,
            engagements__until__isnull=True,
            engagements__source__in=[EngagementSource.MANUAL, EngagementSource.IMPORT],
        )
        .distinct()
        .order_by("key")
        .values_list("pk", flat=True)
    )


def _create(spec: DemoEvent, *, today: datetime.date, rng: random.Random) -> Event:
    organizations = Organization.objects.in_bulk(
        [slug for slug, _ in spec.hosts + spec.invited], field_name="slug"
    )
    movements = Movement.objects.in_bulk(
        [slug for _, slug in spec.hosts + spec.invited], field_name="slug"
    )
    day = today + datetime.timedelta(days=spec.days)
    event = Event.objects.create(
        slug=spec.slug,
        title=spec.title,
        kind=spec.kind,
        description=spec.description,
        starts_at=_at(day, 18),
        ends_at=_at(day, 21),
        venue=spec.venue,
        region=Region.objects.filter(slug=spec.region).first(),
        capacity=spec.capacity,
        status=EventStatus.PUBLISHED,
        visibility=EventVisibility.PRIVATE if spec.private else EventVisibility.PUBLIC,
    )
    event.movements.set(movements.values())
    EventHost.objects.bulk_create(
        [
            EventHost(
                event=event,
                organization=organizations[org],
                movement=movements[movement],
                status=HostStatus.CONFIRMED,
            )
            for org, movement in spec.hosts
        ]
        + [
            EventHost(
                event=event,
                organization=organizations[org],
                movement=movements[movement],
                status=HostStatus.INVITED,
                invited_at=_at(today, 9),
            )
            for org, movement in spec.invited
        ]
    )

    # People from each side, alternating, drawn once for the whole event.
    sides = [(movements[m], _people_in(movements[m])) for _, m in spec.hosts]
    chosen: list[tuple[int, Movement]] = []
    taken: set[int] = set()
    wanted = spec.going + spec.waitlisted
    for index in range(wanted * 2):
        movement, people = sides[index % len(sides)]
        free = [pk for pk in people if pk not in taken]
        if not free or len(chosen) == wanted:
            continue
        person = rng.choice(free)
        taken.add(person)
        chosen.append((person, movement))
    rsvps = RSVP.objects.bulk_create(
        RSVP(
            event=event,
            member_id=person,
            status=RSVPStatus.GOING if index < spec.going else RSVPStatus.WAITLISTED,
            movement=movement,
            created_at=_at(min(day, today) - datetime.timedelta(days=14 - index), 10),
        )
        for index, (person, movement) in enumerate(chosen)
    )
    told = RSVP.told_movements.through
    told.objects.bulk_create(
        told(rsvp_id=rsvp.pk, movement_id=movement.pk)
        for rsvp in rsvps
        for movement in movements.values()
    )
    for rsvp in rsvps[: spec.checked_in]:
        rsvp_check_in(rsvp=rsvp, now=event.starts_at)
    _cross(spec, rsvps[: spec.checked_in], movements=list(movements.values()), day=day)
    return event


def _cross(
    spec: DemoEvent, attendees: list[RSVP], *, movements: list[Movement], day: datetime.date
) -> None:
    """The event's follow-through: ``spec.crossings`` attendees, in check-in order, take up
    a real engagement in a movement of the event they had none in (one bulk insert)."""
    if not spec.crossings:
        return
    engaged: dict[int, set[int]] = {}
    for member_id, movement_id in Engagement.objects.filter(
        member__in=[rsvp.member_id for rsvp in attendees],
        movement__in=movements,
        source__in=[EngagementSource.MANUAL, EngagementSource.IMPORT],
    ).values_list("member_id", "movement_id"):
        engaged.setdefault(member_id, set()).add(movement_id)
    rows = []
    crossings = iter(spec.crossings)
    for rsvp in attendees:
        other = [m for m in movements if m.pk not in engaged.get(rsvp.member_id, set())]
        if not other:  # already in every movement of the event: nowhere to cross into
            continue
        crossing = next(crossings, None)
        if crossing is None:
            break
        after, lasting = crossing
        since = day + datetime.timedelta(days=after)
        rows.append(
            Engagement(
                member_id=rsvp.member_id,
                movement=other[0],
                organization=None,
                role=EngagementRole.PARTICIPANT,
                since=since,
                until=since + datetime.timedelta(days=lasting) if lasting is not None else None,
                source=EngagementSource.MANUAL,
            )
        )
    Engagement.objects.bulk_create(rows)
    # A bulk insert sends no model signal: move the network version on ourselves.
    network_changed()


def demo_events_seed(*, scale: int = 1, today: datetime.date) -> list[Event]:
    """Add the demo events missing from the database (see the module docstring); return
    those created. Existing slugs are left alone."""
    specs = DEMO_EVENTS + _extra_events(scale)
    existing = set(
        Event.objects.filter(slug__in=[s.slug for s in specs]).values_list("slug", flat=True)
    )
    created = []
    for spec in specs:
        if spec.slug in existing:
            continue
        # One generator per event: the people drawn never depend on which events exist.
        rng = random.Random(f"{EVENTS_SEED}:{spec.slug}")
        created.append(_create(spec, today=today, rng=rng))
    return created
