"""Follow-through (issue 16): exact figures for hand-built networks, one edge of the
definitions (PRODUCT.md, "Follow-through") at a time, and what each viewer may see."""

import datetime

import pytest

from movements.models import EngagementSource
from network.followthrough import (
    bridging_by_quarter,
    compute_network,
    disclose_bridging,
    disclose_event,
    disclose_pair,
    pair_key,
)
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    RSVPFactory,
    local_time,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 14)  # the potluck's local date
NOW = local_time(datetime.date(2026, 11, 1), 12)
W = 180


def day(offset: int) -> datetime.date:
    return DAY + datetime.timedelta(days=offset)


@pytest.fixture
def wages():
    return MovementFactory(slug="fight-for-15", name="Fight for $15", sector="labor")


@pytest.fixture
def food():
    return MovementFactory(slug="food-justice", name="Food Justice", sector="community")


@pytest.fixture
def potluck(wages, food):
    return EventFactory(
        slug="potluck",
        starts_at=local_time(DAY, 18),
        ends_at=local_time(DAY, 21),
        movements=[wages, food],
    )


def attendee(event, **kwargs):
    member = MemberFactory(**kwargs)
    RSVPFactory(event=event, member=member, checked_in_at=event.starts_at)
    return member


def figures(now=NOW, window=W):
    return compute_network(now=now, window=window)


def event_figures(event):
    return figures().events[event.pk]


@pytest.mark.parametrize(
    ("since", "crossed"),
    [
        (day(-1), False),  # before the event: home, not a crossing
        (day(0), True),  # the day of the event
        (day(W), True),  # the last day of the window
        (day(W + 1), False),  # one day after
        (None, False),  # "before anything we know": home, never a crossing
    ],
)
def test_the_edges_of_the_window(potluck, wages, food, since, crossed):
    worker = attendee(potluck)
    EngagementFactory(member=worker, movement=wages, since=day(-400))
    EngagementFactory(member=worker, movement=food, since=since)

    result = event_figures(potluck)

    assert (result.attendees, result.crossers) == (1, int(crossed))
    by = {m.movement_id: (m.came_from, m.crossed_in) for m in result.by_movement}
    food_home = since is None or since < DAY
    assert by[food.pk] == (int(food_home), int(crossed))
    assert by[wages.pk] == (1, 0)


def test_attendance_engagements_never_count(potluck, wages, food):
    worker = attendee(potluck)
    EngagementFactory(member=worker, movement=wages, since=day(-400))
    EngagementFactory(member=worker, movement=food, since=day(10), source=EngagementSource.EVENT)

    assert event_figures(potluck).crossers == 0


def test_imported_engagements_count(potluck, wages, food):
    worker = attendee(potluck)
    EngagementFactory(member=worker, movement=wages, since=day(-400))
    EngagementFactory(member=worker, movement=food, since=day(10), source=EngagementSource.IMPORT)

    assert event_figures(potluck).crossers == 1


def test_a_person_already_in_both_movements_does_not_cross(potluck, wages, food):
    both = attendee(potluck)
    EngagementFactory(member=both, movement=wages, since=day(-400))
    EngagementFactory(member=both, movement=food, since=day(-30))
    EngagementFactory(member=both, movement=food, since=day(20))  # a second, later one

    result = event_figures(potluck)

    assert (result.attendees, result.crossers) == (1, 0)
    assert {m.movement_id: m.came_from for m in result.by_movement} == {wages.pk: 1, food.pk: 1}


def test_an_engagement_ended_before_the_event_is_not_home(potluck, wages, food):
    returning = attendee(potluck)
    EngagementFactory(member=returning, movement=wages, since=day(-400))
    EngagementFactory(member=returning, movement=food, since=day(-400), until=day(-1))
    EngagementFactory(member=returning, movement=food, since=day(30))

    result = event_figures(potluck)

    # Not in Food Justice on the day: coming back afterwards is crossing into it.
    assert result.crossers == 1
    by = {m.movement_id: (m.came_from, m.crossed_in) for m in result.by_movement}
    assert by[food.pk] == (0, 1)


def test_an_engagement_ending_on_the_day_is_home(potluck, wages, food):
    member = attendee(potluck)
    EngagementFactory(member=member, movement=food, since=day(-400), until=day(0))

    by = {m.movement_id: m.came_from for m in event_figures(potluck).by_movement}

    assert by[food.pk] == 1


def test_only_checked_in_people_are_attendees(potluck, wages, food):
    going = MemberFactory()
    RSVPFactory(event=potluck, member=going)  # going, never checked in
    EngagementFactory(member=going, movement=food, since=day(5))
    worker = attendee(potluck)
    EngagementFactory(member=worker, movement=wages, since=day(-400))

    result = event_figures(potluck)

    assert (result.attendees, result.crossers) == (1, 0)


def test_what_is_not_measured(wages, food):
    one_movement = EventFactory(
        starts_at=local_time(DAY), ends_at=local_time(DAY, 21), movements=[wages]
    )
    upcoming = EventFactory(
        starts_at=local_time(datetime.date(2026, 12, 1)),
        ends_at=local_time(datetime.date(2026, 12, 1), 21),
        movements=[wages, food],
    )
    cancelled = EventFactory(
        starts_at=local_time(DAY),
        ends_at=local_time(DAY, 21),
        movements=[wages, food],
        status="cancelled",
    )
    for event in (one_movement, upcoming, cancelled):
        attendee(event)

    assert figures().events == {}
    assert disclose_event(upcoming, curator=True, now=NOW) == {
        "measured": False,
        "attendees": None,
        "crossers": None,
        "rate": None,
        "window_days": 180,
        "by_movement": [],
    }


def test_a_pair_over_several_events_counts_distinct_people(potluck, wages, food):
    """Two potlucks of the same pair: a person at both counts once; crossing from either
    counts once."""
    second = EventFactory(
        slug="second",
        starts_at=local_time(day(60)),
        ends_at=local_time(day(60), 21),
        movements=[wages, food],
    )
    regular = attendee(potluck)
    attendee(second, key="x")  # only at the second
    RSVPFactory(event=second, member=regular, checked_in_at=second.starts_at)
    EngagementFactory(member=regular, movement=wages, since=day(-400))
    EngagementFactory(member=regular, movement=food, since=day(70))  # crossed after both

    result = figures()

    assert result.events[potluck.pk].crossers == 1
    assert result.events[second.pk].crossers == 1
    pair = result.pairs[pair_key(wages.pk, food.pk)]
    assert (pair.events, pair.attendees, pair.crossers) == (2, 2, 1)
    assert pair.rate == 0.5


def test_a_three_movement_event_feeds_each_of_its_pairs(wages, food):
    climate = MovementFactory(slug="climate", sector="environmental")
    panel = EventFactory(
        starts_at=local_time(DAY), ends_at=local_time(DAY, 21), movements=[wages, food, climate]
    )
    member = attendee(panel)
    EngagementFactory(member=member, movement=wages, since=day(-400))
    EngagementFactory(member=member, movement=climate, since=day(3))

    pairs = figures().pairs

    assert pairs[pair_key(wages.pk, climate.pk)].crossers == 1
    assert pairs[pair_key(food.pk, climate.pk)].crossers == 1
    # Crossing into climate is not crossing into wages or food.
    assert pairs[pair_key(wages.pk, food.pk)].crossers == 0
    assert all(p.events == 1 and p.attendees == 1 for p in pairs.values())


# --- what each viewer sees ------------------------------------------------------------------


@pytest.fixture
def crowd(potluck, wages, food):
    """Eight attendees from Fight for $15, five of whom joined Food Justice afterwards, and
    three from Food Justice, none of whom crossed."""
    for n in range(8):
        member = attendee(potluck, key=f"w-{n}")
        EngagementFactory(member=member, movement=wages, since=day(-400))
        if n < 5:
            EngagementFactory(member=member, movement=food, since=day(n * 10))
    for n in range(3):
        member = attendee(potluck, key=f"f-{n}")
        EngagementFactory(member=member, movement=food, since=day(-400))
    return potluck


def test_curators_see_every_figure(crowd, wages, food):
    assert disclose_event(crowd, curator=True, now=NOW) == {
        "measured": True,
        "attendees": 11,
        "crossers": 5,
        "rate": 0.4545,
        "window_days": 180,
        "by_movement": [
            {"movement": "fight-for-15", "came_from": 8, "crossed_in": 0},
            {"movement": "food-justice", "came_from": 3, "crossed_in": 5},
        ],
    }


def test_everyone_else_sees_no_count_under_five_nor_what_would_give_one_away(crowd):
    shown = disclose_event(crowd, curator=False, now=NOW)

    assert (shown["attendees"], shown["crossers"], shown["rate"]) == (11, 5, 0.4545)
    # 3 came from Food Justice (withheld), so 8 from Fight for $15 would tell it (11 − 8):
    # the whole kind is withheld. Likewise crossed_in (0 into Fight for $15).
    assert shown["by_movement"] == [
        {"movement": "fight-for-15", "came_from": None, "crossed_in": None},
        {"movement": "food-justice", "came_from": None, "crossed_in": None},
    ]


def test_a_rate_is_withheld_with_its_numerator(potluck, wages, food):
    for n in range(6):
        member = attendee(potluck, key=f"m-{n}")
        EngagementFactory(member=member, movement=wages, since=day(-400))
    EngagementFactory(member=potluck.rsvps.first().member, movement=food, since=day(3))

    shown = disclose_event(potluck, curator=False, now=NOW)

    assert (shown["attendees"], shown["crossers"], shown["rate"]) == (6, None, None)
    assert disclose_pair(wages, food, curator=False, now=NOW) == {
        "events": 1,
        "attendees": 6,
        "crossers": None,
        "rate": None,
    }
    assert disclose_pair(food, wages, curator=True, now=NOW)["rate"] == round(1 / 6, 4)


def test_a_pair_without_joint_events(wages, food):
    assert disclose_pair(wages, food, curator=True, now=NOW) == {
        "events": 0,
        "attendees": None,
        "crossers": None,
        "rate": None,
    }


# --- people bridging movements --------------------------------------------------------------


def test_people_bridging_movements_per_quarter(wages, food):
    other_labor = MovementFactory(sector="labor")
    today = datetime.date(2026, 11, 1)
    bridge = MemberFactory()
    EngagementFactory(member=bridge, movement=wages, since=datetime.date(2025, 1, 1))
    EngagementFactory(
        member=bridge,
        movement=food,
        since=datetime.date(2026, 2, 15),
        until=datetime.date(2026, 4, 2),
    )
    same_sector = MemberFactory()  # two labor movements: not bridging sectors
    EngagementFactory(member=same_sector, movement=wages, since=datetime.date(2025, 1, 1))
    EngagementFactory(member=same_sector, movement=other_labor, since=datetime.date(2025, 1, 1))
    by_event = MemberFactory()  # attendance engagements do not count
    EngagementFactory(member=by_event, movement=wages, since=datetime.date(2025, 1, 1))
    EngagementFactory(
        member=by_event, movement=food, since=datetime.date(2026, 1, 5), source="event"
    )

    quarters = bridging_by_quarter(today=today)

    assert len(quarters) == 13
    assert (quarters[0].label, quarters[-1].label) == ("2023Q4", "2026Q4")
    assert [q.partial for q in quarters] == [False] * 12 + [True]
    people = {q.label: q.people for q in quarters}
    assert (people["2025Q4"], people["2026Q1"], people["2026Q2"], people["2026Q3"]) == (
        0,
        1,
        1,
        0,
    )
    shown = disclose_bridging(quarters, curator=False)
    assert shown[9] == {
        "quarter": "2026Q1",
        "start": "2026-01-01",
        "end": "2026-03-31",
        "partial": False,
        "people": None,
    }
    assert {q["people"] for q in shown} == {None}


def test_private_events_stay_out_of_the_pairs(potluck, wages, food):
    potluck.visibility = "private"
    potluck.save()
    worker = attendee(potluck)
    EngagementFactory(member=worker, movement=food, since=day(3))

    result = figures()

    assert result.events[potluck.pk].crossers == 1  # for those who may open it
    assert result.pairs == {}
    assert disclose_pair(wages, food, curator=True, now=NOW)["events"] == 0
