"""Engagement insights (network/insights/measures.py): exact figures on hand-built histories
with a fixed ``today``, suppression, notes, query counts and the demo network."""

import datetime
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.conf import DEFAULTS
from movements import demo
from movements.models import Movement, Organization
from network.insights.measures import (
    InsightsConfig,
    Measures,
    Note,
    compute_measures,
    disclose,
    engagement_insights,
    quarter_bounds,
)
from tests.factories import (
    PINNED_TODAY,
    EngagementFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db

TODAY = PINNED_TODAY  # the quarters below are the twelve ending on it
D = datetime.date
LABELS = [f"{year}Q{q}" for year in (2024, 2025, 2026) for q in (1, 2, 3, 4)]


def members_of(organization, *periods):
    """One member per (since, until) period with a membership in ``organization``."""
    return [
        MembershipFactory(organization=organization, since=since, until=until).member
        for since, until in periods
    ]


def engaged_in(movement, *periods, organization=None):
    return [
        EngagementFactory(
            movement=movement, organization=organization, since=since, until=until
        ).member
        for since, until in periods
    ]


def quarter_counts(measures):
    return {label: count for label, _, _, count in measures.quarters}


# --- Quarters ------------------------------------------------------------------------------


def test_quarter_bounds_are_the_last_twelve_calendar_quarters_ending_today():
    bounds = quarter_bounds(TODAY)

    assert [label for label, _, _ in bounds] == LABELS
    assert bounds[0] == ("2024Q1", D(2024, 1, 1), D(2024, 3, 31))
    assert bounds[1] == ("2024Q2", D(2024, 4, 1), D(2024, 6, 30))
    assert bounds[7] == ("2025Q4", D(2025, 10, 1), D(2025, 12, 31))
    assert bounds[-1] == ("2026Q4", D(2026, 10, 1), TODAY)


def test_quarter_bounds_on_the_first_day_of_a_year():
    bounds = quarter_bounds(D(2025, 1, 1))

    assert bounds[0] == ("2022Q2", D(2022, 4, 1), D(2022, 6, 30))
    assert bounds[-1] == ("2025Q1", D(2025, 1, 1), D(2025, 1, 1))


def test_quarters_count_people_active_at_any_time_in_the_quarter_boundaries_included():
    movement = MovementFactory()
    engaged_in(
        movement,
        (D(2025, 12, 31), D(2026, 3, 31)),  # last day of 2025Q4 to last day of 2026Q1
        (D(2026, 4, 1), D(2026, 4, 1)),  # first day of 2026Q2 only
        (D(2026, 6, 30), D(2026, 7, 1)),  # last day of Q2 and first day of Q3
        (D(2023, 12, 31), D(2024, 1, 1)),  # one day inside the window
        (D(2023, 1, 1), D(2023, 12, 31)),  # ends the day before the window
        (D(2026, 11, 2), None),  # starts after today: not in the current quarter
        (None, None),  # no dates: every quarter
    )
    twice = MemberFactory()
    EngagementFactory(member=twice, movement=movement, since=D(2026, 4, 10), until=D(2026, 4, 20))
    EngagementFactory(member=twice, movement=movement, since=D(2026, 5, 1), until=D(2026, 5, 9))

    counts = quarter_counts(compute_measures(movement, today=TODAY))

    assert counts == {
        "2024Q1": 2, "2024Q2": 1, "2024Q3": 1, "2024Q4": 1,
        "2025Q1": 1, "2025Q2": 1, "2025Q3": 1, "2025Q4": 2,
        "2026Q1": 2, "2026Q2": 4, "2026Q3": 2, "2026Q4": 1,
    }  # fmt: skip


# --- Empty, ongoing, one day, drop-off boundary --------------------------------------------


def test_a_movement_without_engagements_has_zero_people_and_no_rates():
    movement = MovementFactory()

    measures = compute_measures(movement, today=TODAY)
    insights = engagement_insights(movement, today=TODAY, curator=True)

    assert measures.active_people == 0
    assert set(quarter_counts(measures).values()) == {0}
    assert (measures.tenure_rows, measures.dropoff_rows) == (0, 0)
    assert insights.median_tenure_days is None
    assert insights.early_dropoff_rate is None
    assert insights.retention_after_shift is None
    assert insights.concurrent_movements == 0
    assert insights.stretch is None
    assert insights.notes == ()


def test_an_organization_without_members_has_zero_people_and_no_rates():
    organization = OrganizationFactory()
    ParticipationFactory(organization=organization, since=D(2019, 1, 1), until=D(2020, 1, 1))

    insights = engagement_insights(organization, today=TODAY, curator=True)

    assert insights.active_people == 0
    assert [q.active_people for q in insights.quarters] == [0] * 12
    assert insights.median_tenure_days is None
    assert insights.early_dropoff_rate is None
    assert insights.retention_after_shift is None
    assert insights.concurrent_movements == 0
    assert insights.stretch is None
    assert insights.notes == ()


def test_all_ongoing_memberships_count_to_today():
    organization = OrganizationFactory()
    members_of(
        organization,
        (D(2026, 1, 1), None),  # 305 days
        (D(2025, 11, 1), None),  # 366 days
        (D(2020, 1, 1), None),  # 2,497 days
        (D(2026, 6, 1), None),  # 154 days: too young to tell about drop-off
    )

    measures = compute_measures(organization, today=TODAY)

    assert measures.active_people == 4
    assert measures.tenure_rows == 4
    assert measures.median_tenure_days == (305 + 366) / 2
    assert (measures.dropoff_rows, measures.dropoff_early) == (3, 0)
    assert measures.early_dropoff_rate == 0.0


def test_a_one_day_engagement_lasted_one_day_and_dropped_off_early():
    movement = MovementFactory()
    engaged_in(movement, (TODAY, TODAY))

    measures = compute_measures(movement, today=TODAY)

    assert measures.active_people == 1
    assert measures.median_tenure_days == 1
    assert (measures.dropoff_rows, measures.dropoff_early) == (1, 1)
    assert measures.early_dropoff_rate == 1.0


def test_median_tenure_ignores_rows_without_a_start_or_starting_after_today():
    movement = MovementFactory()
    engaged_in(
        movement,
        (None, D(2026, 1, 1)),
        (D(2026, 12, 1), None),
        (D(2026, 10, 1), D(2026, 10, 10)),  # 10 days
        (D(2026, 1, 1), D(2026, 1, 30)),  # 30 days
        (D(2026, 3, 1), D(2026, 3, 20)),  # 20 days
    )

    measures = compute_measures(movement, today=TODAY)

    assert measures.tenure_rows == 3
    assert measures.median_tenure_days == 20


def test_early_drop_off_boundary_is_182_days_with_both_ends_counted():
    movement = MovementFactory()
    start = D(2025, 1, 1)
    engaged_in(
        movement,
        (start, start + datetime.timedelta(days=180)),  # 181 days: early
        (start, start + datetime.timedelta(days=181)),  # 182 days: early
        (start, start + datetime.timedelta(days=182)),  # 183 days: not early
        (TODAY - datetime.timedelta(days=181), None),  # 182 days so far: may still end early
        (TODAY - datetime.timedelta(days=182), None),  # 183 days so far: known not early
    )

    measures = compute_measures(movement, today=TODAY)

    assert (measures.dropoff_early, measures.dropoff_rows) == (2, 4)
    assert measures.early_dropoff_rate == 0.5
    assert measures.median_tenure_days == 182


# --- Retention after a focus shift ---------------------------------------------------------


def test_retention_after_a_shift_counts_arrivals_through_movements_the_organization_left():
    organization = OrganizationFactory()
    left = MovementFactory(name="Left")
    still_in = MovementFactory(name="Still in")
    came_back = MovementFactory(name="Came back")
    recent = MovementFactory(name="Left recently")
    long_ago = MovementFactory(name="Left long ago")
    # Left in two spells; six months after the last one ended is 2025-08-01.
    ParticipationFactory(
        organization=organization, movement=left, since=D(2024, 1, 1), until=D(2024, 6, 30)
    )
    ParticipationFactory(
        organization=organization, movement=left, since=D(2024, 9, 1), until=D(2025, 1, 31)
    )
    ParticipationFactory(organization=organization, movement=still_in, since=D(2020, 1, 1))
    ParticipationFactory(
        organization=organization, movement=came_back, since=D(2020, 1, 1), until=D(2021, 1, 1)
    )
    ParticipationFactory(organization=organization, movement=came_back, since=D(2026, 1, 1))
    ParticipationFactory(
        organization=organization, movement=recent, since=D(2025, 1, 1), until=D(2026, 6, 30)
    )
    # No start; six months after it ended is 2024-06-30.
    ParticipationFactory(
        organization=organization, movement=long_ago, since=None, until=D(2023, 12, 31)
    )

    def through(member, movement, since, until=None):
        EngagementFactory(
            member=member, movement=movement, organization=organization, since=since, until=until
        )

    # Arrivals through "Left": stays a member.
    veteran = MembershipFactory(organization=organization, since=D(2023, 1, 1)).member
    through(veteran, left, D(2024, 1, 1), D(2025, 1, 31))
    # Member until exactly the check day: stayed.
    last_day = MembershipFactory(
        organization=organization, since=D(2024, 2, 1), until=D(2025, 8, 1)
    ).member
    through(last_day, left, D(2024, 2, 1), D(2025, 1, 31))
    # Member until the day before: left.
    day_before = MembershipFactory(
        organization=organization, since=D(2024, 3, 1), until=D(2025, 7, 31)
    ).member
    through(day_before, left, D(2024, 3, 1), D(2025, 1, 31))
    # No membership, but engaged through the organization elsewhere: stayed.
    elsewhere = MemberFactory()
    through(elsewhere, left, D(2024, 10, 1), D(2025, 1, 31))
    through(elsewhere, still_in, D(2025, 6, 1))
    # Two engagements in "Left": one arrival, who left.
    twice = MembershipFactory(
        organization=organization, since=D(2024, 6, 1), until=D(2024, 12, 31)
    ).member
    through(twice, left, D(2024, 6, 1), D(2024, 6, 30))
    through(twice, left, D(2024, 9, 1), D(2024, 12, 31))
    # Not arrivals: started before the participation, in the gap between the two spells,
    # not through the organization, through a movement it came back to or left recently.
    through(MembershipFactory(organization=organization).member, left, D(2023, 12, 31))
    through(MemberFactory(), left, D(2024, 7, 15), D(2024, 8, 15))
    EngagementFactory(movement=left, since=D(2024, 5, 1), until=D(2024, 5, 2))
    through(MemberFactory(), came_back, D(2020, 6, 1), D(2021, 1, 1))
    through(MemberFactory(), recent, D(2025, 6, 1), D(2026, 6, 30))
    # Arrivals through "Left long ago" (no participation start): one left, the veteran stayed.
    early_leaver = MembershipFactory(
        organization=organization, since=D(2015, 1, 1), until=D(2024, 6, 29)
    ).member
    through(early_leaver, long_ago, D(2015, 1, 1), D(2023, 12, 31))
    through(veteran, long_ago, D(2023, 6, 1), D(2023, 12, 31))

    measures = compute_measures(organization, today=TODAY)

    assert measures.retention_arrivals == 7
    assert measures.retention_stayed == 4
    assert measures.retention_people == 6
    assert measures.retention_after_shift == 0.5714
    assert measures.concurrent_movements == 2


def test_retention_is_none_without_arrivals_and_for_movements():
    organization = OrganizationFactory()
    movement = MovementFactory()
    ParticipationFactory(
        organization=organization, movement=movement, since=D(2020, 1, 1), until=D(2021, 1, 1)
    )
    members_of(organization, (D(2020, 1, 1), None))

    assert compute_measures(organization, today=TODAY).retention_after_shift is None
    assert compute_measures(movement, today=TODAY).retention_after_shift is None


# --- Concurrent movements and stretch ------------------------------------------------------


def test_organization_concurrent_movements_are_its_current_participations():
    organization = OrganizationFactory()
    for _ in range(3):
        ParticipationFactory(organization=organization, since=D(2026, 1, 1))
    ParticipationFactory(organization=organization, since=D(2020, 1, 1), until=D(2026, 10, 31))
    ParticipationFactory(organization=organization, since=D(2026, 11, 2))
    ParticipationFactory(
        organization=organization,
        movement=MovementFactory(archived_at=timezone.now()),
        since=D(2026, 1, 1),
    )
    members_of(organization, *[(D(2025, 1, 1), None)] * 5)
    members_of(organization, (D(2025, 1, 1), D(2026, 10, 31)))

    measures = compute_measures(organization, today=TODAY)

    assert measures.concurrent_movements == 3
    assert measures.active_people == 5
    assert measures.stretch == 6.0


def test_movement_concurrent_movements_are_other_movements_of_its_active_people():
    movement, second, third, fourth = MovementFactory.create_batch(4)
    archived = MovementFactory(archived_at=timezone.now())
    first, other, third_person = engaged_in(movement, *[(D(2025, 1, 1), None)] * 3)
    EngagementFactory(member=first, movement=second, since=D(2026, 1, 1))
    EngagementFactory(member=first, movement=archived, since=D(2026, 1, 1))
    EngagementFactory(member=other, movement=second, since=D(2026, 1, 1))
    EngagementFactory(member=other, movement=third, since=D(2026, 1, 1))
    EngagementFactory(
        member=third_person, movement=fourth, since=D(2025, 1, 1), until=D(2026, 1, 1)
    )
    (former,) = engaged_in(movement, (D(2020, 1, 1), D(2021, 1, 1)))
    EngagementFactory(member=former, movement=fourth, since=D(2026, 1, 1))

    measures = compute_measures(movement, today=TODAY)

    assert measures.active_people == 3
    assert measures.concurrent_movements == 2
    assert measures.stretch == 6.67


# --- Notes and suppression -----------------------------------------------------------------


def measures(**overrides) -> Measures:
    values = {
        "kind": "organization",
        "today": TODAY,
        "active_people": 10,
        "quarters": (("2026Q4", D(2026, 10, 1), TODAY, 10),),
        "tenure_rows": 10,
        "tenure_people": 10,
        "median_tenure_days": 400.0,
        "dropoff_rows": 10,
        "dropoff_early": 5,
        "dropoff_people": 10,
        "retention_arrivals": 0,
        "retention_stayed": 0,
        "retention_people": 0,
        "concurrent_movements": 1,
    }
    return Measures(**{**values, **overrides})


def test_a_stretched_organization_gets_the_capacity_note_with_the_disclosed_count():
    stretched = measures(active_people=3, concurrent_movements=2)

    organizer = disclose(stretched, curator=False, organizer=True)
    curator = disclose(stretched, curator=True)

    assert stretched.stretch == 6.67
    assert [note.kind for note in organizer.notes] == ["capacity"]
    assert organizer.sees_capacity is True
    assert organizer.notes[0].text == (
        "Takes on more struggles than its people can hold: 2 movements at once with fewer "
        "than 5 active members. Lasting power comes from staying with a struggle, not from "
        "joining every one."
    )
    assert curator.notes[0].text.startswith(
        "Takes on more struggles than its people can hold: 2 movements at once with 3 active "
        "members."
    )


def test_the_capacity_note_is_withheld_from_everyone_but_organizers_and_curators():
    stretched = measures(active_people=3, concurrent_movements=2)

    public = disclose(stretched, curator=False)

    assert public.notes == ()
    assert public.sees_capacity is False


def test_organizer_of_a_movement_means_nothing_there_is_no_capacity_note_for_movements():
    crowded = measures(kind="movement", active_people=3, concurrent_movements=2)

    insights = disclose(crowded, curator=False, organizer=True)

    assert insights.notes == ()
    assert insights.sees_capacity is False


def test_an_overstretched_organization_gets_no_steady_note_even_where_the_warning_is_withheld():
    stretched = measures(median_tenure_days=1000.0, dropoff_early=0, concurrent_movements=3)

    public = disclose(stretched, curator=False)

    assert stretched.stretch == 3.0
    assert public.notes == ()


def test_stretch_at_the_threshold_gets_no_capacity_note():
    insights = disclose(
        measures(active_people=10, concurrent_movements=2), curator=False, organizer=True
    )

    assert insights.stretch == 2.0
    assert insights.notes == ()


def test_poor_retention_gets_a_note():
    insights = disclose(
        measures(retention_arrivals=8, retention_stayed=2, retention_people=6), curator=False
    )

    assert insights.retention_after_shift == 0.25
    assert insights.notes == (
        Note(
            "retention",
            "When it moved on from a struggle, most of the people who came in through it left "
            "too: 25% were still active here six months later.",
        ),
    )


def test_steady_long_engagement_gets_an_encouraging_note():
    steady = measures(median_tenure_days=1000.0, dropoff_early=1)

    insights = disclose(steady, curator=False)

    assert insights.notes == (
        Note(
            "steady",
            "Steady, long engagement: half of its memberships have lasted more than 2 years, "
            "and only 10% ended within six months. This is the kind of commitment lasting "
            "coalitions grow from.",
        ),
    )


def test_no_steady_note_for_short_tenure_high_drop_off_or_an_overstretched_organization():
    assert disclose(measures(median_tenure_days=730.0, dropoff_early=0), curator=True).notes == ()
    assert disclose(measures(median_tenure_days=1000.0, dropoff_early=3), curator=True).notes == ()
    stretched = disclose(
        measures(median_tenure_days=1000.0, dropoff_early=0, concurrent_movements=3),
        curator=True,
    )
    assert [note.kind for note in stretched.notes] == ["capacity"]


def test_thresholds_come_from_settings(settings):
    settings.COALITION_INSIGHTS = {"STRETCH_HIGH": 5}

    insights = disclose(
        measures(active_people=10, concurrent_movements=4), curator=True,
        config=InsightsConfig.from_settings(),
    )  # fmt: skip

    assert insights.stretch == 4.0
    assert insights.notes == ()


def test_unknown_threshold_settings_are_refused(settings):
    settings.COALITION_INSIGHTS = {"STRECH_HIGH": 5}

    with pytest.raises(
        ImproperlyConfigured, match="^COALITION_INSIGHTS has an unknown key 'STRECH_HIGH'"
    ):
        InsightsConfig.from_settings()


def test_figures_about_fewer_people_than_the_threshold_are_withheld_from_non_curators():
    small = measures(
        kind="movement",
        active_people=4,
        quarters=(
            ("2026Q3", D(2026, 7, 1), D(2026, 9, 30), 5),
            ("2026Q4", D(2026, 10, 1), TODAY, 4),
        ),
        tenure_people=4,
        dropoff_people=5,
        concurrent_movements=3,
    )

    anonymous = disclose(small, curator=False)
    curator = disclose(small, curator=True)

    assert anonymous.active_people is None
    assert [q.active_people for q in anonymous.quarters] == [5, None]
    assert anonymous.median_tenure_days is None
    assert anonymous.early_dropoff_rate == 0.5
    assert anonymous.concurrent_movements is None
    assert anonymous.stretch is None
    assert anonymous.withheld == {
        "active_people", "median_tenure_days", "concurrent_movements", "stretch"
    }  # fmt: skip
    assert anonymous.measures is None
    assert curator.active_people == 4
    assert [q.active_people for q in curator.quarters] == [5, 4]
    assert curator.median_tenure_days == 400.0
    assert curator.concurrent_movements == 3
    assert curator.stretch == 7.5
    assert curator.withheld == frozenset()
    assert curator.measures == small


def test_retention_over_fewer_arrivals_than_the_threshold_is_withheld():
    few = measures(retention_arrivals=6, retention_stayed=1, retention_people=4)

    assert disclose(few, curator=False).retention_after_shift is None
    assert disclose(few, curator=True).retention_after_shift == 0.1667


def test_an_organization_s_concurrent_movements_are_public():
    insights = disclose(measures(active_people=2, concurrent_movements=3), curator=False)

    assert insights.concurrent_movements == 3
    assert insights.stretch is None


def test_insights_refuse_other_subjects():
    with pytest.raises(TypeError):
        compute_measures(MemberFactory(), today=TODAY)


# --- Query counts --------------------------------------------------------------------------


def grow(organization, movement, start, count):
    """``count`` more people, each in ``organization`` and ``movement``, and a movement the
    organization left."""
    for number in range(start, start + count):
        left = MovementFactory()
        ParticipationFactory(
            organization=organization, movement=left, since=D(2020, 1, 1), until=D(2021, 1, 1)
        )
        member = MembershipFactory(
            organization=organization, since=D(2019, 1, 1 + number % 27), until=None
        ).member
        EngagementFactory(
            member=member, movement=left, organization=organization, since=D(2020, 2, 1),
            until=D(2021, 1, 1),
        )  # fmt: skip
        EngagementFactory(member=member, movement=movement, since=D(2022, 1, 1))
        EngagementFactory(member=member, movement=MovementFactory(), since=D(2025, 1, 1))


def count_queries(subject):
    with CaptureQueriesContext(connection) as queries:
        engagement_insights(subject, today=TODAY, curator=True)
    return len(queries)


def test_insights_run_a_fixed_number_of_queries_whatever_the_data_size():
    organization, movement = OrganizationFactory(), MovementFactory()
    ParticipationFactory(organization=organization, movement=movement, since=D(2022, 1, 1))
    grow(organization, movement, 0, 2)
    small = (count_queries(organization), count_queries(movement))

    grow(organization, movement, 2, 25)
    large = (count_queries(organization), count_queries(movement))

    assert small == large == (5, 4)  # each with the cache versions
    assert compute_measures(organization, today=TODAY).retention_arrivals == 27


# --- The demo network ----------------------------------------------------------------------


def test_demo_hopping_organization_is_stretched_and_loses_people_the_steady_ones_keep_them():
    call_command("seed_demo", stdout=io.StringIO())
    hopper = compute_measures(Organization.objects.get(slug=demo.HOPPER), today=TODAY)
    union = compute_measures(Organization.objects.get(slug=demo.STEADY_UNION), today=TODAY)
    collective = compute_measures(
        Organization.objects.get(slug=demo.STEADY_COLLECTIVE), today=TODAY
    )

    assert (hopper.concurrent_movements, hopper.active_people, hopper.stretch) == (2, 7, 2.86)
    assert (union.concurrent_movements, union.active_people, union.stretch) == (1, 8, 1.25)
    assert hopper.stretch > union.stretch
    assert (hopper.retention_arrivals, hopper.retention_stayed) == (46, 21)
    assert hopper.retention_after_shift == 0.4565 < DEFAULTS["INSIGHTS"]["LOW_RETENTION"]
    assert union.median_tenure_days == 4203
    assert collective.median_tenure_days == 4264
    assert union.median_tenure_days > 5 * hopper.median_tenure_days
    assert union.early_dropoff_rate == collective.early_dropoff_rate == 0.0


def test_demo_notes_warn_the_hopping_organization_and_encourage_the_steady_union():
    call_command("seed_demo", stdout=io.StringIO())
    hopper = engagement_insights(
        Organization.objects.get(slug=demo.HOPPER), today=TODAY, organizer=True
    )
    union = engagement_insights(Organization.objects.get(slug=demo.STEADY_UNION), today=TODAY)
    railroad = engagement_insights(Movement.objects.get(slug=demo.RAILROAD), today=TODAY)

    assert [note.kind for note in hopper.notes] == ["capacity", "retention"]
    public = engagement_insights(Organization.objects.get(slug=demo.HOPPER), today=TODAY)
    assert [note.kind for note in public.notes] == ["retention"]
    assert hopper.notes[1].text.endswith("46% were still active here six months later.")
    assert [note.kind for note in union.notes] == ["steady"]
    assert union.notes[0].text.startswith(
        "Steady, long engagement: half of its memberships have lasted more than 11 years, "
        "and none ended within six months."
    )
    assert [note.kind for note in railroad.notes] == ["steady"]


def test_cached_insights_follow_new_engagements(today):
    from network.insights.measures import engagement_insights
    from tests.factories import EngagementFactory, MovementFactory

    movement = MovementFactory()
    before = engagement_insights(movement, today=today, curator=True)

    EngagementFactory(movement=movement, since=datetime.date(2025, 1, 1))
    after = engagement_insights(movement, today=today, curator=True)

    assert (before.active_people, after.active_people) == (0, 1)
