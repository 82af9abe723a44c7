"""Events, RSVPs and proposal decisions in the network document (events/exchange.py, through
movements.exchange's network_import/network_export)."""

import copy
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.cache import events_version
from events.demo import DEMO_EVENTS
from events.models import (
    FOLLOW_UP_PREFIX,
    RSVP,
    Event,
    Proposal,
    ProposalStatus,
    proposal_identity,
)
from events.services import rsvp_check_in
from movements import demo
from movements.exchange import (
    LongNumber,
    NetworkImportError,
    dumps,
    loads,
    network_export,
    network_import,
)
from movements.models import (
    Engagement,
    EngagementSource,
    Member,
    Membership,
    Movement,
    Organization,
    Participation,
    Region,
    Tactic,
    Tension,
    Theme,
)
from network.proposals.engine import proposals_refresh
from network.proposals.services import proposal_accept, proposal_dismiss
from tests.factories import (
    EngagementFactory,
    EventFactory,
    EventHostFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    RSVPFactory,
    UserFactory,
)
from tests.scenarios import cross_movement_event

CONFERENCE_SLUG = "strikes-and-blockades"  # cross_movement_event's

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# The potluck: Sunday 8 November 2026, 18:00 to 21:00 in Oakland (PST).
START = datetime.datetime(2026, 11, 9, 2, 0, tzinfo=UTC)
POTLUCK_KEY = "Gard3n-potluck_secret-key"
SCHOOL_KEY = "strike-school-private-link-key-0042"


@pytest.fixture(autouse=True)
def pacific_time(settings):
    settings.TIME_ZONE = "America/Los_Angeles"


@pytest.fixture
def network():
    """Three movements, two organizations, four people and three events: a published
    public potluck for 4 hosted by SEIN for Fight for $15 and Gardens for Food justice (Ana
    going with a guest through Food justice and checked in, Ben waitlisted, Cleo
    cancelled, Dee going), a private draft strike school online without hosts and a
    cancelled rally hosted by SEIN, which Gardens declined to co-host for Rail strike; the
    potluck came from an accepted proposal, a panel was dismissed and a conference is
    open."""
    oakland = RegionFactory(slug="oakland", name="Oakland")
    fight = MovementFactory(slug="fight-for-15", name="Fight for $15")
    food = MovementFactory(slug="food-justice", name="Food justice")
    rail = MovementFactory(slug="rail-strike", name="Rail strike")
    sein = OrganizationFactory(slug="sein", name="SEIN")
    gardens = OrganizationFactory(slug="gardens", name="Gardens")
    ana, ben, cleo, dee = (
        MemberFactory(key=f"m-000{n}", name=name)
        for n, name in enumerate(["Ana", "Ben", "Cleo", "Dee"], start=1)
    )
    potluck = EventFactory(
        slug="garden-potluck",
        title="Garden potluck",
        movements=[fight, food],
        hosts=[sein],
        region=oakland,
        capacity=4,
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=3),
        link_key=POTLUCK_KEY,
    )
    EventHostFactory(event=potluck, organization=gardens, movement=food, status="confirmed")
    created = datetime.datetime(2026, 10, 1, 17, 0, tzinfo=UTC)
    RSVPFactory(
        event=potluck,
        member=ana,
        guests=1,
        movement=food,
        created_at=created,
        checked_in_at=START + datetime.timedelta(minutes=20),
    )
    EngagementFactory(
        member=ana,
        movement=fight,
        since=datetime.date(2026, 11, 8),
        until=datetime.date(2026, 11, 8),
        source=EngagementSource.EVENT,
    )
    RSVPFactory(event=potluck, member=ben, status="waitlisted", created_at=created)
    RSVPFactory(event=potluck, member=cleo, status="cancelled", guests=2, created_at=created)
    RSVPFactory(event=potluck, member=dee, created_at=created + datetime.timedelta(hours=1))
    EventFactory(
        slug="strike-school",
        title="Strike school",
        kind="workshop",
        movements=[rail],
        capacity=None,
        status="draft",
        visibility="private",
        venue="",
        address="",
        online_link="https://meet.example.org/strike-school",
        starts_at=START + datetime.timedelta(days=7),
        ends_at=START + datetime.timedelta(days=7, hours=2),
        link_key=SCHOOL_KEY,
    )
    rally = EventFactory(
        slug="rail-rally",
        title="Rail rally",
        kind="other",
        movements=[rail, fight],
        hosts=[sein],
        status="cancelled",
        starts_at=START - datetime.timedelta(days=30),
        ends_at=START - datetime.timedelta(days=30, hours=-1),
        link_key="rail-rally-link-key-000000000",
    )
    EventHostFactory(event=rally, organization=gardens, movement=rail, status="declined")
    accepted = _proposal("potluck", [fight, food], status="accepted", title="Potluck in Oakland")
    Event.objects.filter(pk=potluck.pk).update(proposal=accepted)
    _proposal("panel", [rail, fight], status="dismissed", dismissed_reason="Not before May.")
    _proposal("conference", [rail, fight, food], title="An open conference")
    return {"potluck": potluck, "fight": fight, "food": food, "rail": rail}


def _proposal(kind, movements, *, title="A proposal", **fields):
    proposal = Proposal.objects.create(
        identity=proposal_identity(kind, [m.pk for m in movements]),
        kind=kind,
        title=title,
        score=0.5,
        reasons=["Both work on food"],
        **fields,
    )
    proposal.movements.set(movements)
    return proposal


def _flush():
    """Empty every table the document fills, as a new database would be."""
    RSVP.objects.all().delete()
    Event.objects.all().delete()
    Proposal.objects.all().delete()
    for model in (Tension, Engagement, Membership, Participation, Member, Organization):
        model.objects.all().delete()
    Movement.objects.all().delete()
    Region.objects.update(parent=None)
    for model in (Region, Theme, Tactic):
        model.objects.all().delete()


def _exported() -> str:
    return dumps(network_export())


def _event(document, slug):
    return next(event for event in document["events"] if event["slug"] == slug)


# --- Export ----------------------------------------------------------------------------------


def test_export_writes_events_with_their_rsvps_in_a_fixed_order(network):
    document = network_export()

    assert [event["slug"] for event in document["events"]] == [
        "garden-potluck",
        "rail-rally",
        "strike-school",
    ]
    assert document["events"][0] == {
        "slug": "garden-potluck",
        "title": "Garden potluck",
        "kind": "potluck",
        "description": "An event used in tests.",
        "movements": ["fight-for-15", "food-justice"],
        "hosts": [
            {"organization": "gardens", "movement": "food-justice", "status": "confirmed"},
            {"organization": "sein", "movement": "fight-for-15", "status": "confirmed"},
        ],
        "starts_at": "2026-11-09T02:00:00+00:00",
        "ends_at": "2026-11-09T05:00:00+00:00",
        "venue": "Community hall",
        "address": "1 Main Street, Oakland",
        "online_link": "",
        "region": "oakland",
        "capacity": 4,
        "status": "published",
        "visibility": "public",
        "link_key": POTLUCK_KEY,
        "rsvps": [
            {
                "member": "m-0001",
                "status": "going",
                "guests": 1,
                "via": "food-justice",
                "checked_in": True,
                "created_at": "2026-10-01T17:00:00+00:00",
            },
            {
                "member": "m-0002",
                "status": "waitlisted",
                "guests": 0,
                "via": None,
                "checked_in": False,
                "created_at": "2026-10-01T17:00:00+00:00",
            },
            {
                "member": "m-0003",
                "status": "cancelled",
                "guests": 2,
                "via": None,
                "checked_in": False,
                "created_at": "2026-10-01T17:00:00+00:00",
            },
            {
                "member": "m-0004",
                "status": "going",
                "guests": 0,
                "via": None,
                "checked_in": False,
                "created_at": "2026-10-01T18:00:00+00:00",
            },
        ],
    }
    school = _event(document, "strike-school")
    assert (school["visibility"], school["status"], school["link_key"]) == (
        "private",
        "draft",
        SCHOOL_KEY,
    )
    assert (school["capacity"], school["hosts"], school["region"]) == (None, [], None)
    assert _event(document, "rail-rally")["hosts"] == [
        {"organization": "gardens", "movement": "rail-strike", "status": "declined"},
        {"organization": "sein", "movement": "fight-for-15", "status": "confirmed"},
    ]


def test_export_lists_only_decided_proposals(network):
    assert network_export()["proposals"] == [
        {
            "kind": "panel",
            "movements": ["fight-for-15", "rail-strike"],
            "status": "dismissed",
            "event": None,
            "reason": "Not before May.",
        },
        {
            "kind": "potluck",
            "movements": ["fight-for-15", "food-justice"],
            "status": "accepted",
            "event": "garden-potluck",
        },
    ]


# --- Round trip ------------------------------------------------------------------------------


def test_export_import_export_is_byte_identical(network, django_capture_on_commit_callbacks):
    exported = _exported()
    engagements = Engagement.objects.count()
    _flush()

    with django_capture_on_commit_callbacks(execute=True):
        summary = network_import(document=loads(exported))

    assert _exported() == exported
    assert {kind: summary.parts[kind].created for kind in ("events", "rsvps", "proposals")} == {
        "events": 3,
        "rsvps": 4,
        "proposals": 2,
    }
    # Private links survive: the same secret opens the same event.
    assert Event.objects.get(link_key=SCHOOL_KEY).slug == "strike-school"
    # Attendance came back with the member's engagements, not from the check-in.
    assert Engagement.objects.count() == engagements


def test_imported_rsvps_are_told_the_events_movements_and_checked_in_at_the_start(network):
    exported = _exported()
    _flush()

    network_import(document=loads(exported))

    ana = RSVP.objects.get(member__key="m-0001")
    assert ana.checked_in_at == START
    assert sorted(ana.told_movements.values_list("slug", flat=True)) == [
        "fight-for-15",
        "food-justice",
    ]
    assert RSVP.objects.get(member__key="m-0004").checked_in_at is None


def test_imported_decisions_keep_their_event_and_get_a_title(network):
    exported = _exported()
    _flush()

    network_import(document=loads(exported))

    accepted = Proposal.objects.get(status=ProposalStatus.ACCEPTED)
    assert accepted.title == "Garden potluck"
    assert list(accepted.events.values_list("slug", flat=True)) == ["garden-potluck"]
    dismissed = Proposal.objects.get(status=ProposalStatus.DISMISSED)
    assert (dismissed.title, dismissed.dismissed_reason) == (
        "Panel between Fight for $15 and Rail strike",
        "Not before May.",
    )
    fight, rail = (Movement.objects.get(slug=s).pk for s in ("fight-for-15", "rail-strike"))
    assert dismissed.identity == proposal_identity("panel", [fight, rail])


# The demo's three proposals (kind and two of their movements).
POTLUCK = ("potluck", demo.FIGHT_FOR_15, demo.FOOD_JUSTICE)
PANEL = ("panel", demo.FOSSIL_FREE, demo.UC_DIVEST)
CONFERENCE = ("conference", demo.RAILROAD, demo.OIL_TRAINS)


def _demo_proposal(kind, a, b) -> Proposal:
    """The pair's proposal of ``kind`` (not a follow-up of the demo's past events)."""
    return (
        Proposal.objects.filter(kind=kind, movements__slug=a)
        .filter(movements__slug=b)
        .exclude(identity__startswith=FOLLOW_UP_PREFIX)
        .get()
    )


def _demo_events():
    """Events on the demo network: the proposed Oakland potluck accepted (a draft, linked),
    the panel dismissed with a reason; a published conference between railroad workers
    and oil-train blockaders for 6, with people going (with guests, through a movement),
    checked in, waitlisted and cancelled; a private published meeting that is full; a
    cancelled public rally."""
    # The demo's events are seeded around the real date (events/demo.py), so proposals are
    # computed on it too: with a pinned day, the distance between the two moves the demo's
    # past potluck in or out of the overlaps' look-back window.
    proposals_refresh(today=timezone.localdate())
    curator = UserFactory(username="curator", is_staff=True, is_superuser=True)
    host = Organization.objects.get(slug="east-bay-food-workers-union")
    potluck = _demo_proposal(*POTLUCK)
    proposal_accept(
        proposal=potluck,
        user=curator,
        organization=host,
        movement=potluck.movements.get(slug=demo.FIGHT_FOR_15),
    )
    proposal_dismiss(proposal=_demo_proposal(*PANEL), user=curator, reason="Exams that month.")
    people = list(Member.objects.order_by("key")[:9])
    conference = cross_movement_event()
    Event.objects.filter(pk=conference.pk).update(capacity=6)
    railroad, oil_trains = (Movement.objects.get(slug=s) for s in (demo.RAILROAD, demo.OIL_TRAINS))
    going = [
        RSVPFactory(event=conference, member=people[0], guests=2, movement=railroad),
        RSVPFactory(event=conference, member=people[1], movement=oil_trains),
        RSVPFactory(event=conference, member=people[2]),
    ]
    RSVPFactory(event=conference, member=people[3], status="waitlisted", guests=1)
    RSVPFactory(event=conference, member=people[4], status="cancelled", movement=railroad)
    for rsvp in going[:2]:
        rsvp_check_in(rsvp=rsvp, now=conference.starts_at)
    meeting = EventFactory(
        slug="tenant-strategy-meeting",
        title="Tenant strategy meeting",
        kind="workshop",
        visibility="private",
        capacity=2,
        movements=[Movement.objects.get(slug=demo.TENANTS)],
        hosts=[Organization.objects.order_by("slug").first()],
    )
    RSVPFactory(event=meeting, member=people[5], guests=1)
    RSVPFactory(event=meeting, member=people[6], status="waitlisted")
    EventFactory(
        slug="divestment-rally",
        title="Divestment rally",
        status="cancelled",
        movements=list(Movement.objects.filter(slug__in=[demo.UC_DIVEST, demo.FOSSIL_FREE])),
    )


def test_the_demo_network_with_events_round_trips_byte_identical(
    django_capture_on_commit_callbacks, mailoutbox
):
    call_command("seed_demo", verbosity=0)
    _demo_events()
    exported = _exported()
    document = json.loads(exported)
    _flush()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):  # the refresh after the import
        network_import(document=loads(exported))

    assert _exported() == exported
    assert mailoutbox == []
    # What the document carried, so that the comparison above is not an empty one: the
    # demo's own events (events/demo.py) and those made here.
    seeded = {spec.slug for spec in DEMO_EVENTS}
    assert len([event for event in document["events"] if event["slug"] in seeded]) == 7
    made_here = [event for event in document["events"] if event["slug"] not in seeded]
    rsvps = [rsvp for event in made_here for rsvp in event["rsvps"]]
    assert len(made_here) == 4
    assert sorted({event["visibility"] for event in made_here}) == ["private", "public"]
    assert sorted({event["status"] for event in made_here}) == [
        "cancelled",
        "draft",
        "published",
    ]
    assert sorted(rsvp["status"] for rsvp in rsvps) == [
        "cancelled",
        "going",
        "going",
        "going",
        "going",
        "waitlisted",
        "waitlisted",
    ]
    assert sum(rsvp["checked_in"] for rsvp in rsvps) == 2
    assert [(p["kind"], p["status"]) for p in document["proposals"]] == [
        ("panel", "dismissed"),
        ("potluck", "accepted"),
    ]
    assert _event(document, document["proposals"][1]["event"])["status"] == "draft"
    # Accepting the potluck confirmed the union for Fight for $15 and invited Food
    # Justice's first suggested host: both travel as host objects.
    assert _event(document, document["proposals"][1]["event"])["hosts"] == [
        {
            "organization": "east-bay-food-workers-union",
            "movement": demo.FIGHT_FOR_15,
            "status": "confirmed",
        },
        {
            "organization": demo.STEADY_COLLECTIVE,
            "movement": demo.FOOD_JUSTICE,
            "status": "invited",
        },
    ]
    # Two people checked in at the conference: an attendance engagement in each movement.
    day = timezone.localdate(
        datetime.datetime.fromisoformat(_event(document, CONFERENCE_SLUG)["starts_at"])
    )
    attended = [
        (m["key"], e["movement"])
        for m in document["members"]
        for e in m["engagements"]
        if e["source"] == "event" and e["since"] == day.isoformat()
    ]
    assert len(attended) == 4
    # The decisions stand after the refresh the import triggers.
    assert _demo_proposal(*PANEL).status == ProposalStatus.DISMISSED
    assert _demo_proposal(*POTLUCK).events.get().slug == document["proposals"][1]["event"]
    assert _demo_proposal(*CONFERENCE).status == ProposalStatus.OPEN


# --- Upserts ---------------------------------------------------------------------------------


def _summary_counts(summary) -> dict[str, tuple[int, int]]:
    return {kind: (c.created, c.updated) for kind, c in summary.parts.items()}


def test_import_twice_changes_nothing(network):
    document = network_export()
    exported, pks = _exported(), sorted(RSVP.objects.values_list("pk", flat=True))

    first = network_import(document=copy.deepcopy(document))
    second = network_import(document=copy.deepcopy(document))

    assert (first.changed, second.changed) == (False, False)
    assert _exported() == exported
    assert sorted(RSVP.objects.values_list("pk", flat=True)) == pks
    assert Proposal.objects.count() == 3


def test_rsvps_in_the_database_but_not_in_the_file_stay(network):
    document = network_export()
    potluck = _event(document, "garden-potluck")
    potluck["rsvps"] = potluck["rsvps"][:1]

    summary = network_import(document=document)

    assert RSVP.objects.filter(event__slug="garden-potluck").count() == 4
    assert _summary_counts(summary)["rsvps"] == (0, 0)


def test_import_updates_an_rsvp_found_by_event_and_member(network):
    ben = RSVP.objects.get(member__key="m-0002")
    document = {
        "events": [
            {
                "slug": "garden-potluck",
                "title": "Garden potluck",
                "rsvps": [{"member": "m-0002", "status": "going", "via": "fight-for-15"}],
            }
        ]
    }

    summary = network_import(document=document)

    rsvp = RSVP.objects.get(member__key="m-0002")
    assert (rsvp.pk, rsvp.status, rsvp.movement.slug) == (ben.pk, "going", "fight-for-15")
    # Keys missing from the RSVP leave the stored values alone.
    assert (rsvp.created_at, rsvp.guests) == (ben.created_at, 0)
    assert _summary_counts(summary) == {
        "events": (0, 0),
        "rsvps": (0, 1),
        "proposals": (0, 0),
    }


def test_a_new_rsvp_gets_the_defaults_and_is_told_the_events_movements(network):
    document = {
        "members": [{"key": "m-0005", "name": "Eve"}],
        "events": [
            {"slug": "strike-school", "title": "Strike school", "rsvps": [{"member": "m-0005"}]}
        ],
    }

    network_import(document=document)

    rsvp = RSVP.objects.get(member__key="m-0005")
    assert (rsvp.event.slug, rsvp.status, rsvp.guests, rsvp.movement) == (
        "strike-school",
        "going",
        0,
        None,
    )
    assert (rsvp.checked_in_at, rsvp.reminded_at) == (None, None)
    assert list(rsvp.told_movements.values_list("slug", flat=True)) == ["rail-strike"]


def test_checked_in_keeps_a_stored_time_and_false_clears_it(network):
    ana_before = RSVP.objects.get(member__key="m-0001").checked_in_at
    document = network_export()
    rsvps = _event(document, "garden-potluck")["rsvps"]
    rsvps[3]["checked_in"] = True  # Dee
    engagements = Engagement.objects.count()

    network_import(document=copy.deepcopy(document))
    dee_checked_in = RSVP.objects.get(member__key="m-0004").checked_in_at
    rsvps[0]["checked_in"] = False  # Ana
    network_import(document=document)

    assert ana_before == START + datetime.timedelta(minutes=20)
    assert dee_checked_in == START  # no time in the file: the event's start
    assert RSVP.objects.get(member__key="m-0001").checked_in_at is None
    # Checking in through an import adds no attendance engagement.
    assert Engagement.objects.count() == engagements


def test_a_checked_in_rsvp_keeps_its_time_when_re_imported(network):
    network_import(document=network_export())

    assert RSVP.objects.get(member__key="m-0001").checked_in_at == START + datetime.timedelta(
        minutes=20
    )


def test_import_creates_an_event_with_host_objects_and_a_fresh_link_key(network):
    ParticipationFactory(
        organization=Organization.objects.get(slug="gardens"), movement=network["food"]
    )
    document = {
        "events": [
            {
                "slug": "food-fair",
                "title": "Food fair",
                "movements": ["fight-for-15", "food-justice"],
                "hosts": [
                    {"organization": "sein", "movement": "food-justice", "status": "invited"},
                    "gardens",
                ],
                "starts_at": "2027-03-01T18:00:00-08:00",
                "ends_at": "2027-03-01T21:00:00-08:00",
            }
        ]
    }

    summary = network_import(document=document)

    event = Event.objects.get(slug="food-fair")
    hosts = event.event_hosts.order_by("organization__slug")
    # A plain slug: confirmed, for the first of the event's movements it takes part in.
    assert [(h.organization.slug, h.movement.slug, h.status) for h in hosts] == [
        ("gardens", "food-justice", "confirmed"),
        ("sein", "food-justice", "invited"),
    ]
    assert (event.status, event.visibility, event.kind, event.capacity) == (
        "draft",
        "public",
        "other",
        None,
    )
    assert event.starts_at == datetime.datetime(2027, 3, 2, 2, tzinfo=UTC)
    assert len(event.link_key) == 22
    assert Event.objects.count() == 4  # the events not in the file stay
    assert _summary_counts(summary)["events"] == (1, 0)
    assert _event(network_export(), "food-fair")["hosts"] == [
        {"organization": "gardens", "movement": "food-justice", "status": "confirmed"},
        {"organization": "sein", "movement": "food-justice", "status": "invited"},
    ]


def test_import_updates_an_event_and_replaces_its_lists(network):
    document = {
        "events": [
            {
                "slug": "rail-rally",
                "title": "Rail rally, again",
                "movements": ["rail-strike"],
                "hosts": [],
                "region": "oakland",
                "status": "published",
                "visibility": "private",
                "link_key": "a-new-secret-for-the-rally",
            }
        ]
    }

    summary = network_import(document=document)

    event = Event.objects.get(slug="rail-rally")
    assert (event.title, event.status, event.visibility, event.region.slug) == (
        "Rail rally, again",
        "published",
        "private",
        "oakland",
    )
    assert event.link_key == "a-new-secret-for-the-rally"
    assert list(event.movements.values_list("slug", flat=True)) == ["rail-strike"]
    assert list(event.hosts.all()) == []
    assert event.starts_at == START - datetime.timedelta(days=30)  # absent: kept
    assert _summary_counts(summary)["events"] == (0, 1)


def test_import_decides_an_open_proposal_found_by_kind_and_movements(network):
    document = {
        "proposals": [
            {
                "kind": "conference",
                "movements": ["food-justice", "rail-strike", "fight-for-15"],
                "status": "dismissed",
                "reason": "Too big for now.",
            }
        ]
    }

    summary = network_import(document=document)

    proposal = Proposal.objects.get(kind="conference")
    assert (proposal.status, proposal.dismissed_reason, proposal.title) == (
        "dismissed",
        "Too big for now.",
        "An open conference",
    )
    assert Proposal.objects.count() == 3
    assert _summary_counts(summary)["proposals"] == (0, 1)


def test_import_moves_an_accepted_proposals_event(network):
    document = {
        "proposals": [
            {
                "kind": "potluck",
                "movements": ["fight-for-15", "food-justice"],
                "status": "accepted",
                "event": "rail-rally",
            }
        ]
    }

    network_import(document=document)
    moved = list(Event.objects.filter(proposal__kind="potluck").values_list("slug", flat=True))
    document["proposals"][0]["event"] = None
    network_import(document=document)

    assert moved == ["rail-rally"]
    assert Event.objects.filter(proposal__isnull=False).count() == 0
    assert Proposal.objects.get(kind="potluck").status == "accepted"


def test_importing_sends_no_mail(network, django_capture_on_commit_callbacks, mailoutbox):
    """What the services would mail about (a promotion, a cancellation, a new time, new
    movements), imported: nobody is mailed."""
    document = network_export()
    potluck = _event(document, "garden-potluck")
    potluck["rsvps"][3]["status"] = "cancelled"  # Dee: her place goes to Ben
    potluck["rsvps"][1]["status"] = "going"
    potluck["starts_at"] = "2026-11-09T03:00:00+00:00"
    potluck["movements"].append("rail-strike")
    _event(document, "strike-school")["status"] = "cancelled"

    with django_capture_on_commit_callbacks(execute=True):
        network_import(document=document)

    assert RSVP.objects.get(member__key="m-0002").status == "going"
    assert mailoutbox == []


def _events_document(slugs) -> dict:
    return {
        "events": [
            {
                "slug": slug,
                "title": slug,
                "movements": ["fight-for-15", "food-justice"],
                "hosts": ["sein"],
                "starts_at": "2027-01-01T18:00:00+00:00",
                "ends_at": "2027-01-01T20:00:00+00:00",
                "capacity": 10,
                "rsvps": [
                    {"member": "m-0001", "guests": 1, "via": "food-justice", "checked_in": True},
                    {"member": "m-0002", "status": "waitlisted"},
                ],
            }
            for slug in slugs
        ],
        "proposals": [
            {
                "kind": "potluck",
                "movements": ["fight-for-15", "food-justice"],
                "status": "accepted",
                "event": slugs[-1],
            }
        ],
    }


def test_import_query_count_does_not_grow_with_the_events(network):
    network_import(document=_events_document(["a-1", "a-2"]))
    with CaptureQueriesContext(connection) as two:
        network_import(document=_events_document(["a-1", "a-2", "b-3"]))
    with CaptureQueriesContext(connection) as five:
        network_import(document=_events_document(["a-1", "a-2", "c-3", "c-4", "c-5"]))

    assert len(five) == len(two)
    assert RSVP.objects.filter(event__slug="c-5").count() == 2


def test_an_import_with_events_moves_the_events_version(network):
    before = events_version()

    network_import(document={"events": [{"slug": "rail-rally", "title": "Rally"}]})

    assert events_version() > before


def test_commands_carry_events_through_files(network, tmp_path):
    path = tmp_path / "network.json"
    out = io.StringIO()
    call_command("export_network", str(path), stdout=out)
    exported = path.read_text(encoding="utf-8")
    _flush()

    call_command("import_network", str(path), stdout=io.StringIO())

    assert out.getvalue() == (
        f"Wrote 3 movements, 2 organizations, 4 members, 3 events to {path}.\n"
    )
    assert _exported() == exported
    assert json.loads(exported)["events"][0]["rsvps"][0]["member"] == "m-0001"


# --- Bad documents ---------------------------------------------------------------------------

POTLUCK_LABEL = "events[0] (slug 'garden-potluck')"
SCHOOL_LABEL = "events[2] (slug 'strike-school')"
ANA = "rsvps[0] (member 'm-0001')"
IN_RANGE = "must lie between 1900-01-01 and 2100-12-31 (America/Los_Angeles time)"
WITH_OFFSET = "must be an ISO date and time with a UTC offset (2024-05-01T18:00:00+00:00)"
LINK_KEY = "must be 16 to 64 letters, digits, '-' or '_' (a secrets.token_urlsafe secret)"


def _potluck(document):
    return document["events"][0]


def _rsvp(document, index=0):
    return _potluck(document)["rsvps"][index]


def _host(document, host):
    _potluck(document)["hosts"][0] = host


def _new_event(document, **fields):
    event = {
        "slug": "new-event",
        "title": "New event",
        "movements": ["rail-strike"],
        "starts_at": "2027-01-01T18:00:00+00:00",
        "ends_at": "2027-01-01T20:00:00+00:00",
    }
    document["events"].append({**event, **fields})


def _decision(document, **fields):
    document["proposals"][0].update(fields)


BAD_DOCUMENTS = [
    # References
    (
        "unknown member key",
        lambda d: _rsvp(d).update(member="m-9999"),
        POTLUCK_LABEL,
        "unknown member 'm-9999' in rsvps[0] (member 'm-9999')",
    ),
    (
        "unknown movement",
        lambda d: _potluck(d)["movements"].append("no-such-movement"),
        POTLUCK_LABEL,
        "unknown movement 'no-such-movement' in 'movements'",
    ),
    (
        "unknown region",
        lambda d: _potluck(d).update(region="atlantis"),
        POTLUCK_LABEL,
        "unknown region 'atlantis'",
    ),
    (
        "via not one of the event's movements",
        lambda d: _rsvp(d).update(via="rail-strike"),
        POTLUCK_LABEL,
        f"movement 'rail-strike' ('via') in {ANA} is not one of the event's movements",
    ),
    (
        "via unknown",
        lambda d: _rsvp(d).update(via="no-such-movement"),
        POTLUCK_LABEL,
        f"unknown movement 'no-such-movement' ('via') in {ANA}",
    ),
    (
        "unknown host",
        lambda d: _host(d, "no-such-org"),
        POTLUCK_LABEL,
        "unknown organization 'no-such-org' in hosts[0]",
    ),
    (
        "host for a movement not the event's",
        lambda d: _host(d, {"organization": "gardens", "movement": "rail-strike"}),
        POTLUCK_LABEL,
        "movement 'rail-strike' in hosts[0] is not one of the event's movements",
    ),
    # Capacity
    (
        "capacity below the people going",
        lambda d: _potluck(d).update(capacity=2),
        POTLUCK_LABEL,
        "its RSVPs going take 3 places (people and their guests), more than its capacity of 2",
    ),
    (
        "a waitlisted RSVP going into a full event",
        lambda d: _rsvp(d, 1).update(status="going", guests=1),
        POTLUCK_LABEL,
        "its RSVPs going take 5 places (people and their guests), more than its capacity of 4",
    ),
    (
        "RSVPs stored but not in the file count",
        lambda d: _potluck(d).update(rsvps=[{"member": "m-0004", "guests": 2}]),
        POTLUCK_LABEL,
        "its RSVPs going take 5 places (people and their guests), more than its capacity of 4",
    ),
    (
        "a new event overfull",
        lambda d: _new_event(
            d, capacity=1, rsvps=[{"member": "m-0001"}, {"member": "m-0002", "guests": 1}]
        ),
        "events[3] (slug 'new-event')",
        "its RSVPs going take 3 places (people and their guests), more than its capacity of 1",
    ),
    # Repeats
    (
        "duplicate RSVP member",
        lambda d: _potluck(d)["rsvps"].append({"member": "m-0001", "status": "cancelled"}),
        POTLUCK_LABEL,
        f"rsvps[4] (member 'm-0001') is a second RSVP of member 'm-0001' ({ANA})",
    ),
    (
        "duplicate event slug",
        lambda d: d["events"].append(dict(_potluck(d), link_key="another-key-for-the-copy")),
        "events[3] (slug 'garden-potluck')",
        "slug 'garden-potluck' appears twice (first at events[0])",
    ),
    (
        "duplicate host",
        lambda d: _potluck(d)["hosts"].append({"organization": "sein"}),
        POTLUCK_LABEL,
        "hosts[2] names organization 'sein' again (first at hosts[1])",
    ),
    # Link keys
    (
        "link key too short",
        lambda d: _potluck(d).update(link_key="short"),
        POTLUCK_LABEL,
        f"'link_key' {LINK_KEY}, not \"short\"",
    ),
    (
        "link key with other characters",
        lambda d: _potluck(d).update(link_key="not/a url-safe key!!"),
        POTLUCK_LABEL,
        f"'link_key' {LINK_KEY}, not \"not/a url-safe key!!\"",
    ),
    (
        "link key too long",
        lambda d: _potluck(d).update(link_key="k" * 65),
        POTLUCK_LABEL,
        f"'link_key' {LINK_KEY}, not \"{'k' * 60}…\"",
    ),
    (
        "link key null",
        lambda d: _potluck(d).update(link_key=None),
        POTLUCK_LABEL,
        f"'link_key' {LINK_KEY}, not null",
    ),
    (
        "link key of another event in the file",
        lambda d: _potluck(d).update(link_key=SCHOOL_KEY),
        SCHOOL_LABEL,
        "'link_key' is the same as another event's (first at events[0])",
    ),
    (
        "link key of a stored event",
        lambda d: d.update(events=[dict(_potluck(d), link_key=SCHOOL_KEY)]),
        POTLUCK_LABEL,
        "'link_key' is already the link key of event 'strike-school'",
    ),
    # Dates and times
    (
        "start after 2100",
        lambda d: _potluck(d).update(starts_at="2101-01-01T12:00:00+00:00"),
        POTLUCK_LABEL,
        f"'starts_at' {IN_RANGE}, not \"2101-01-01T12:00:00+00:00\"",
    ),
    (
        "end before 1900",
        lambda d: _potluck(d).update(ends_at="1899-12-31T12:00:00+00:00"),
        POTLUCK_LABEL,
        f"'ends_at' {IN_RANGE}, not \"1899-12-31T12:00:00+00:00\"",
    ),
    (
        "start without an offset",
        lambda d: _potluck(d).update(starts_at="2026-11-08T18:00:00"),
        POTLUCK_LABEL,
        f"'starts_at' {WITH_OFFSET} or null, not \"2026-11-08T18:00:00\"",
    ),
    (
        "start null",
        lambda d: _potluck(d).update(starts_at=None),
        POTLUCK_LABEL,
        f"'starts_at' {WITH_OFFSET}, not null",
    ),
    (
        "end at the start",
        lambda d: _potluck(d).update(ends_at=_potluck(d)["starts_at"]),
        POTLUCK_LABEL,
        "'ends_at' (2026-11-09T02:00:00+00:00) must be after 'starts_at' "
        "(2026-11-09T02:00:00+00:00)",
    ),
    (
        "end before the stored start",
        lambda d: d.update(
            events=[
                {
                    "slug": "garden-potluck",
                    "title": "Garden potluck",
                    "ends_at": "2026-11-01T00:00:00+00:00",
                }
            ]
        ),
        "events[0] (slug 'garden-potluck')",
        "'ends_at' (2026-11-01T00:00:00+00:00) must be after 'starts_at' "
        "(2026-11-09T02:00:00+00:00)",
    ),
    (
        "RSVP created after 2100",
        lambda d: _rsvp(d).update(created_at="2200-01-01T00:00:00+00:00"),
        POTLUCK_LABEL,
        f"'created_at' in {ANA} {IN_RANGE}, not \"2200-01-01T00:00:00+00:00\"",
    ),
    (
        "RSVP created null",
        lambda d: _rsvp(d).update(created_at=None),
        POTLUCK_LABEL,
        f"'created_at' in {ANA} {WITH_OFFSET}, not null",
    ),
    # Choices
    (
        "event status",
        lambda d: _potluck(d).update(status="open"),
        POTLUCK_LABEL,
        "'status' must be one of draft, published, cancelled, not \"open\"",
    ),
    (
        "event visibility",
        lambda d: _potluck(d).update(visibility="secret"),
        POTLUCK_LABEL,
        "'visibility' must be one of public, private, not \"secret\"",
    ),
    (
        "event kind",
        lambda d: _potluck(d).update(kind="rave"),
        POTLUCK_LABEL,
        "'kind' must be one of potluck, panel, conference, workshop, other, not \"rave\"",
    ),
    (
        "RSVP status",
        lambda d: _rsvp(d).update(status="maybe"),
        POTLUCK_LABEL,
        f"'status' in {ANA} must be one of going, waitlisted, cancelled, not \"maybe\"",
    ),
    (
        "RSVP checked in not a boolean",
        lambda d: _rsvp(d).update(checked_in="yes"),
        POTLUCK_LABEL,
        f"'checked_in' in {ANA} must be true or false, not \"yes\"",
    ),
    (
        "host status unknown",
        lambda d: _host(d, {"organization": "sein", "status": "maybe"}),
        POTLUCK_LABEL,
        "'status' in hosts[0] must be one of invited, confirmed, declined, not \"maybe\"",
    ),
    (
        "host neither slug nor object",
        lambda d: _host(d, 7),
        POTLUCK_LABEL,
        "hosts[0] must be an organization slug or an object, not 7",
    ),
    # Numbers
    (
        "capacity zero",
        lambda d: _potluck(d).update(capacity=0),
        POTLUCK_LABEL,
        "'capacity' must be a whole number from 1 to 2147483647 or null, not 0",
    ),
    (
        "capacity beyond the column",
        lambda d: _potluck(d).update(capacity=2**31),
        POTLUCK_LABEL,
        "'capacity' must be a whole number from 1 to 2147483647 or null, not 2147483648",
    ),
    (
        "capacity too long to read",
        lambda d: _potluck(d).update(capacity=LongNumber(5000)),
        POTLUCK_LABEL,
        "'capacity' must be a whole number from 1 to 2147483647 or null, "
        "not a number of 5000 digits",
    ),
    (
        "guests beyond 20",
        lambda d: _rsvp(d).update(guests=21),
        POTLUCK_LABEL,
        f"'guests' in {ANA} must be a whole number from 0 to 20, not 21",
    ),
    (
        "guests negative",
        lambda d: _rsvp(d).update(guests=-1),
        POTLUCK_LABEL,
        f"'guests' in {ANA} must be a whole number from 0 to 20, not -1",
    ),
    (
        "guests a fraction",
        lambda d: _rsvp(d).update(guests=1.5),
        POTLUCK_LABEL,
        f"'guests' in {ANA} must be a whole number from 0 to 20, not 1.5",
    ),
    (
        "guests as text",
        lambda d: _rsvp(d).update(guests="2"),
        POTLUCK_LABEL,
        f"'guests' in {ANA} must be a whole number from 0 to 20, not \"2\"",
    ),
    # Text
    (
        "title with a NUL",
        lambda d: _potluck(d).update(title="Pot\x00luck"),
        POTLUCK_LABEL,
        "'title' must not contain NUL characters",
    ),
    (
        "venue too long",
        lambda d: _potluck(d).update(venue="v" * 201),
        POTLUCK_LABEL,
        "'venue' must be at most 200 characters long",
    ),
    (
        "online link not a URL",
        lambda d: _potluck(d).update(online_link="javascript:alert(1)"),
        POTLUCK_LABEL,
        "'online_link' must be a URL (http:// or https://), not 'javascript:alert(1)'",
    ),
    # Shape
    (
        "unknown event key",
        lambda d: _potluck(d).update(proposal="potluck"),
        POTLUCK_LABEL,
        "unknown key 'proposal'",
    ),
    (
        "unknown RSVP key",
        lambda d: _rsvp(d).update(checked_in_at="2026-11-09T02:20:00+00:00"),
        POTLUCK_LABEL,
        f"unknown key 'checked_in_at' in {ANA}",
    ),
    (
        "RSVP without a member",
        lambda d: _rsvp(d).pop("member"),
        POTLUCK_LABEL,
        "missing required key 'member' in rsvps[0]",
    ),
    (
        "rsvps not a list",
        lambda d: _potluck(d).update(rsvps={"member": "m-0001"}),
        POTLUCK_LABEL,
        "'rsvps' must be a list, not an object",
    ),
    (
        "event without movements",
        lambda d: _potluck(d).update(movements=[]),
        POTLUCK_LABEL,
        "'movements' must name at least 1 movement",
    ),
    (
        "new event without movements",
        lambda d: _new_event(d) or d["events"][3].pop("movements"),
        "events[3] (slug 'new-event')",
        "missing required key 'movements' (a new event needs it)",
    ),
    # Proposals
    (
        "proposal open",
        lambda d: _decision(d, status="open"),
        "proposals[0] (panel of 'fight-for-15', 'rail-strike')",
        "'status' must be accepted or dismissed (the file holds decisions; open proposals "
        'come from the data), not "open"',
    ),
    (
        "proposal of one movement",
        lambda d: _decision(d, movements=["rail-strike"]),
        "proposals[0]",
        "'movements' must name at least 2 movements",
    ),
    (
        "proposal of an unknown movement",
        lambda d: _decision(d, movements=["rail-strike", "no-such-movement"]),
        "proposals[0] (panel of 'rail-strike', 'no-such-movement')",
        "unknown movement 'no-such-movement' in 'movements'",
    ),
    (
        "proposal kind",
        lambda d: _decision(d, kind="rave"),
        "proposals[0]",
        "'kind' must be one of potluck, panel, conference, workshop, other, not \"rave\"",
    ),
    (
        "the same proposal twice",
        lambda d: d["proposals"].append(
            {"kind": "panel", "movements": ["rail-strike", "fight-for-15"], "status": "accepted"}
        ),
        "proposals[2] (panel of 'rail-strike', 'fight-for-15')",
        "repeats a proposal (the same kind and movements) (first at proposals[0])",
    ),
    (
        "a dismissed proposal with an event",
        lambda d: _decision(d, event="garden-potluck"),
        "proposals[0] (panel of 'fight-for-15', 'rail-strike')",
        "'event' must be null for a dismissed proposal, not 'garden-potluck'",
    ),
    (
        "an accepted proposal with a reason",
        lambda d: d["proposals"][1].update(reason="Why not."),
        "proposals[1] (potluck of 'fight-for-15', 'food-justice')",
        "'reason' is for dismissed proposals, not accepted ones",
    ),
    (
        "an accepted proposal of an unknown event",
        lambda d: d["proposals"][1].update(event="no-such-event"),
        "proposals[1] (potluck of 'fight-for-15', 'food-justice')",
        "unknown event 'no-such-event' in 'event'",
    ),
    (
        "two proposals of one event",
        lambda d: d["proposals"].append(
            {
                "kind": "conference",
                "movements": ["fight-for-15", "food-justice"],
                "status": "accepted",
                "event": "garden-potluck",
            }
        ),
        "proposals[2] (conference of 'fight-for-15', 'food-justice')",
        "'event' 'garden-potluck' is already the event of another proposal "
        "(first at proposals[1])",
    ),
    (
        "proposal without status",
        lambda d: d["proposals"][0].pop("status"),
        "proposals[0]",
        "missing required key 'status'",
    ),
    (
        "unknown proposal key",
        lambda d: _decision(d, score=0.9),
        "proposals[0]",
        "unknown key 'score'",
    ),
    (
        "proposals not a list",
        lambda d: d.update(proposals={}),
        "proposals",
        "must be a list, not an object",
    ),
]


def _row_counts():
    return {model.__name__: model.objects.count() for model in (Event, RSVP, Proposal, Member)}


@pytest.mark.parametrize(
    ("spoil", "record", "message"),
    [case[1:] for case in BAD_DOCUMENTS],
    ids=[case[0] for case in BAD_DOCUMENTS],
)
def test_a_bad_value_is_refused_naming_the_record_and_nothing_changes(
    network, spoil, record, message
):
    document = network_export()
    document["members"][0]["name"] = "Ana Renamed"  # written first, if anything were
    _event(document, "rail-rally")["title"] = "Rail rally, renamed"
    spoil(document)
    before, counts = _exported(), _row_counts()

    with pytest.raises(NetworkImportError) as raised:
        network_import(document=document)

    assert (raised.value.record, raised.value.message) == (record, message)
    assert _exported() == before
    assert _row_counts() == counts
