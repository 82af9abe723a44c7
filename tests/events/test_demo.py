"""The demo's events (events/demo.py), loaded after the directory as seed_demo does."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from events import demo as events_demo
from events.models import (
    FOLLOW_UP_PREFIX,
    RSVP,
    Event,
    EventHost,
    EventStatus,
    EventVisibility,
    HostStatus,
    Proposal,
    ProposalStatus,
    RSVPStatus,
)
from movements import demo
from movements.exchange import dumps, network_export, network_import
from movements.models import Engagement, EngagementSource, Member, OrganizerRequest
from network.followthrough import disclose_event
from tests.factories import local_time

pytestmark = pytest.mark.django_db


def load(today: datetime.date, scale: int = 1) -> list[str]:
    network_import(document=demo.with_attendance(demo.demo_document(scale)))
    return demo.demo_extras_seed(scale=scale, today=today)


def snapshot() -> list[tuple]:
    return list(
        RSVP.objects.order_by("event__slug", "member__key").values_list(
            "event__slug", "member__key", "status", "movement__slug", "checked_in_at", "created_at"
        )
    )


def real_engagements() -> list[tuple]:
    """The roster's engagements and the follow-through events/demo.py adds to it."""
    return list(
        Engagement.objects.exclude(source=EngagementSource.EVENT)
        .order_by("member__key", "movement__slug", "since", "until")
        .values_list("member__key", "movement__slug", "since", "until", "source")
    )


def test_demo_events_past_and_upcoming_joint_events_dated_from_the_first_seed(today):
    lines = load(today)

    def at(days: int) -> datetime.datetime:
        return local_time(today + datetime.timedelta(days=days), 18)

    assert lines == ["Demo organizer request: 1 created.", "Demo events: 7 created."]
    events = {e.slug: e for e in Event.objects.with_joint()}
    assert {slug: (e.starts_at, e.joint) for slug, e in events.items()} == {
        "fast-food-workers-and-gardeners-potluck": (at(-1200), True),
        "refinery-fenceline-and-oil-trains": (at(-45), True),
        "divestment-students-and-palestine": (at(-20), True),
        "tenants-and-solidarity-strategy-session": (at(8), True),
        "climate-and-palestine-divestment-teach-in": (at(12), True),
        "janitors-and-sanctuary-potluck": (at(19), True),
        "warehouse-workers-and-gardeners-workshop": (at(26), False),
    }
    assert {e.status for e in events.values()} == {EventStatus.PUBLISHED}
    assert all(e.region is not None for e in events.values())
    assert [e.slug for e in events.values() if e.visibility == EventVisibility.PRIVATE] == [
        "tenants-and-solidarity-strategy-session"
    ]


def test_demo_events_past_ones_have_check_ins_with_attendance_engagements(today):
    load(today)

    for slug, checked_in in [
        ("fast-food-workers-and-gardeners-potluck", 10),
        ("refinery-fenceline-and-oil-trains", 8),
        ("divestment-students-and-palestine", 6),
    ]:
        event = Event.objects.get(slug=slug)
        rsvps = RSVP.objects.filter(event=event)
        assert rsvps.filter(checked_in_at=event.starts_at).count() == checked_in
        assert rsvps.count() > checked_in
        day = timezone.localdate(event.starts_at)
        for rsvp in rsvps.filter(checked_in_at__isnull=False):
            assert set(
                Engagement.objects.filter(
                    member=rsvp.member, source=EngagementSource.EVENT, since=day, until=day
                ).values_list("movement", "organization", "role")
            ) == {(m.pk, None, "participant") for m in event.movements.all()}
        assert not Engagement.objects.filter(
            member__in=rsvps.filter(checked_in_at=None).values("member"),
            source=EngagementSource.EVENT,
            since=day,
        ).exists()


def test_demo_events_rsvps_come_through_a_movement_of_the_event(today):
    load(today)

    for rsvp in RSVP.objects.select_related("event"):
        assert rsvp.movement in rsvp.event.movements.all()
        assert set(rsvp.told_movements.all()) == set(rsvp.event.movements.all())
    upcoming = RSVP.objects.filter(event__slug="climate-and-palestine-divestment-teach-in")
    assert upcoming.filter(status=RSVPStatus.GOING).count() >= 4
    assert len({r.movement_id for r in upcoming}) == 2


def test_demo_events_one_full_event_has_a_waitlist_within_capacity(today):
    load(today)

    event = Event.objects.get(slug="janitors-and-sanctuary-potluck")
    rsvps = RSVP.objects.filter(event=event)
    assert event.capacity == 6
    assert sum(r.places for r in rsvps.filter(status=RSVPStatus.GOING)) == 6
    assert rsvps.filter(status=RSVPStatus.WAITLISTED).count() == 2
    assert [
        e.slug
        for e in Event.objects.all()
        if e.capacity is not None and e.rsvps.filter(status=RSVPStatus.WAITLISTED).exists()
    ] == ["janitors-and-sanctuary-potluck"]


def test_demo_events_pending_co_host_invitation_and_organizer_request(today):
    load(today)

    assert list(
        EventHost.objects.filter(status=HostStatus.INVITED).values_list(
            "event__slug", "organization__slug", "movement__slug"
        )
    ) == [("warehouse-workers-and-gardeners-workshop", demo.STEADY_COLLECTIVE, demo.FOOD_JUSTICE)]
    request = OrganizerRequest.objects.get()
    assert (request.organization.slug, request.status) == (demo.STEADY_COLLECTIVE, "open")
    assert request.member.key.startswith("m-")


def test_demo_events_leave_the_oakland_potluck_proposal_open(
    today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # proposals refresh on commit
        load(today)

    identity = Proposal.objects.exclude(identity__startswith=FOLLOW_UP_PREFIX).get(
        kind="potluck",
        movements__slug=demo.FIGHT_FOR_15,
        status=ProposalStatus.OPEN,
    )
    assert set(identity.movements.values_list("slug", flat=True)) == {
        demo.FIGHT_FOR_15,
        demo.FOOD_JUSTICE,
    }
    # The pair's one event is its potluck of 1,200 days ago, older than the overlaps'
    # look-back window (events/demo.py).
    assert list(
        Event.objects.filter(movements__slug=demo.FIGHT_FOR_15).values_list("slug", flat=True)
    ) == [events_demo.OAKLAND_POTLUCK]


def test_demo_events_are_deterministic(today):
    load(today)
    first, engagements = snapshot(), real_engagements()
    RSVP.objects.all().delete()
    EventHost.objects.all().delete()
    Event.objects.all().delete()
    Engagement.objects.filter(source=EngagementSource.EVENT, organization=None).delete()

    load(today)

    assert snapshot() == first
    assert real_engagements() == engagements


def test_demo_events_reseeding_leaves_existing_events_alone(today):
    load(today)
    first = dumps(network_export())
    event = Event.objects.get(slug="climate-and-palestine-divestment-teach-in")
    event.title = "Renamed by its organizers"
    event.save(update_fields=["title"])
    RSVP.objects.filter(event=event).delete()

    lines = load(today + datetime.timedelta(days=30))

    assert lines == ["Demo events: already there, left alone."]
    assert Event.objects.get(pk=event.pk).title == "Renamed by its organizers"
    assert not RSVP.objects.filter(event=event).exists()
    assert OrganizerRequest.objects.count() == 1
    assert Engagement.objects.filter(source=EngagementSource.EVENT).count() == first.count(
        '"source": "event"'
    )


def test_seed_demo_twice_keeps_attendance_and_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    first = dumps(network_export())

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert out.getvalue().endswith(
        "already loaded, nothing changed.\nDemo events: already there, left alone.\n"
    )
    assert dumps(network_export()) == first


def test_demo_events_scale_adds_past_events_modestly(today):
    lines = load(today, scale=3)

    assert lines[-1] == "Demo events: 9 created."
    extra = Event.objects.filter(slug__regex=r"-0[12]$").order_by("slug")
    assert [e.slug for e in extra] == [
        "divestment-students-and-palestine-01",
        "fast-food-workers-and-gardeners-potluck-02",
    ]
    assert all(e.starts_at < local_time(today, 0) for e in extra)
    assert events_demo.MAX_EXTRA_EVENTS == 20
    assert len(events_demo._extra_events(500)) == 20


def test_demo_events_show_no_person_on_public_pages(client, today):
    load(today)
    people = Member.objects.filter(rsvps__isnull=False).distinct()
    names = [m.name for m in people]
    emails = [m.email for m in people]

    pages = [
        "/events/",
        "/events/feed.ics",
        *[f"/events/{e.slug}/" for e in Event.objects.filter(visibility="public")],
        *[f"/events/{e.slug}.ics" for e in Event.objects.filter(visibility="public")],
        "/api/events/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert [n for n in names if n in body] == [], url
        assert [e for e in emails if e in body] == [], url


def test_demo_private_event_is_unknown_without_its_link(client, today):
    load(today)
    event = Event.objects.get(slug="tenants-and-solidarity-strategy-session")

    assert client.get(f"/events/{event.slug}/").status_code == 404
    assert client.get(f"/api/events/{event.slug}/").status_code == 404
    assert event.slug not in client.get("/events/").content.decode()
    assert client.get(f"/events/{event.slug}/?key={event.link_key}").status_code == 200


def test_demo_organizer_me_shows_the_invitation_the_request_and_the_potluck(
    client, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):  # proposals refresh on commit
        call_command("bootstrap_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert client.login(username="organizer", password="coalition-demo")

    page = client.get("/me/").content.decode()

    assert 'action="/events/warehouse-workers-and-gardeners-workshop/hosts/' in page
    assert OrganizerRequest.objects.get().member.name in page
    assert "Potluck in Oakland: fast-food workers and neighbourhood gardeners on food" in page


def test_demo_oakland_potluck_follow_through_five_of_ten_crossed(today, now):
    load(today)
    potluck = Event.objects.get(slug=events_demo.OAKLAND_POTLUCK)
    day = today - datetime.timedelta(days=1200)

    assert disclose_event(potluck, curator=True, now=now) == {
        "measured": True,
        "attendees": 10,
        "crossers": 5,
        "rate": 0.5,
        "window_days": 180,
        "by_movement": [
            {"movement": demo.FIGHT_FOR_15, "came_from": 5, "crossed_in": 2},
            {"movement": demo.FOOD_JUSTICE, "came_from": 5, "crossed_in": 3},
        ],
    }
    # The public sees the same totals; the per-movement crossings are fewer than 5 each.
    public = disclose_event(potluck, curator=False, now=now)
    assert (public["attendees"], public["crossers"], public["rate"]) == (10, 5, 0.5)
    assert [m["crossed_in"] for m in public["by_movement"]] == [None, None]
    # Real engagements (entered by hand) weeks after it: three ongoing, two short stints.
    crossings = Engagement.objects.filter(
        member__rsvps__event=potluck, source=EngagementSource.MANUAL, since__gte=day
    )
    assert sorted(((e.since - day).days, e.until and (e.until - day).days) for e in crossings) == [
        (14, None),
        (21, 51),
        (30, None),
        (35, 56),
        (45, None),
    ]
    assert {e.organization for e in crossings} == {None}


def test_demo_other_past_joint_events_measured_and_nobody_crossed(today, now):
    load(today)

    figures = {
        slug: disclose_event(Event.objects.get(slug=slug), curator=True, now=now)
        for slug in ("refinery-fenceline-and-oil-trains", "divestment-students-and-palestine")
    }

    shown = {slug: (f["measured"], f["attendees"], f["crossers"]) for slug, f in figures.items()}
    assert shown == {
        "refinery-fenceline-and-oil-trains": (True, 8, 0),
        "divestment-students-and-palestine": (True, 6, 0),
    }


def test_seed_demo_twice_keeps_the_follow_through(now):
    call_command("seed_demo", stdout=io.StringIO())
    potluck = Event.objects.get(slug=events_demo.OAKLAND_POTLUCK)
    first = disclose_event(potluck, curator=True)

    call_command("seed_demo", stdout=io.StringIO())

    assert disclose_event(potluck, curator=True) == first
    assert (first["attendees"], first["crossers"]) == (10, 5)
