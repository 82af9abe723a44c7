import datetime
import pickle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from movements.models import Movement, Sector
from network.overlaps import OverlapConfig, all_overlaps, movement_overlaps, pair_overlap
from tests.factories import (
    EngagementFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    TacticFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)  # window of 1095 days starts 2023-06-02


@pytest.fixture
def network():
    """Fast food (labor, Oakland) and food justice (community, Oakland) share people, an
    organization and the food theme; climate (environmental, Bay Area) shares the strike
    tactic with fast food and the Bay Area with both."""
    bay_area = RegionFactory(slug="bay-area", name="Bay Area")
    oakland = RegionFactory(slug="oakland", name="Oakland", parent=bay_area)
    food, wages = ThemeFactory(slug="food", name="Food"), ThemeFactory(slug="wages", name="Wages")
    climate = ThemeFactory(slug="climate", name="Climate")
    strike = TacticFactory(slug="strike", name="Strike")
    gardening = TacticFactory(slug="urban-gardening", name="Urban gardening")
    fast_food = MovementFactory(
        slug="fight-for-15", name="Fight for $15", sector=Sector.LABOR,
        themes=[wages, food], tactics=[strike], regions=[oakland],
    )  # fmt: skip
    food_justice = MovementFactory(
        slug="food-justice", name="Food justice", sector=Sector.COMMUNITY,
        themes=[food], tactics=[gardening], regions=[oakland],
    )  # fmt: skip
    climate_movement = MovementFactory(
        slug="climate", name="Climate strike", sector=Sector.ENVIRONMENTAL,
        themes=[climate], tactics=[strike], regions=[bay_area],
    )  # fmt: skip
    MovementFactory(slug="isolated", name="Isolated", sector=Sector.OTHER)

    for key in ("p1", "p2"):
        member = MemberFactory(key=key)
        EngagementFactory(member=member, movement=fast_food)
        EngagementFactory(member=member, movement=food_justice)
    p3 = MemberFactory(key="p3")  # left food justice inside the window: still counts
    EngagementFactory(member=p3, movement=fast_food)
    EngagementFactory(member=p3, movement=food_justice, until=datetime.date(2024, 6, 1))
    p4 = MemberFactory(key="p4")  # left food justice before the window: does not count
    EngagementFactory(member=p4, movement=fast_food)
    EngagementFactory(member=p4, movement=food_justice, until=datetime.date(2022, 1, 1))
    EngagementFactory(member=MemberFactory(key="p5"), movement=fast_food)

    both = OrganizationFactory(slug="east-bay-alliance", name="East Bay Alliance")
    ParticipationFactory(organization=both, movement=fast_food)
    ParticipationFactory(organization=both, movement=food_justice)
    ParticipationFactory(movement=fast_food)
    ParticipationFactory(movement=food_justice, until=datetime.date(2021, 1, 1))
    return {"fast_food": fast_food, "food_justice": food_justice, "climate": climate_movement}


def test_pair_overlap_has_exact_counts_and_score(network):
    overlap = pair_overlap(
        network["fast_food"], network["food_justice"], today=TODAY, curator=True
    )

    assert overlap.shared_members == 3
    assert [o.slug for o in overlap.shared_organizations] == ["east-bay-alliance"]
    assert [t.slug for t in overlap.shared_themes] == ["food"]
    assert overlap.shared_tactics == ()
    assert [r.slug for r in overlap.shared_regions] == ["oakland"]
    assert overlap.components == {
        "members": 1.0,  # 3 shared / 3 people in food justice within the window
        "organizations": 1.0,  # 1 shared / 1 current organization in food justice
        "themes": 0.5,  # {food} / {food, wages}
        "tactics": 0.0,
        "regions": 1.0,
        "sector": 0.0,
    }
    assert overlap.score == 0.7
    assert overlap.ties == 1.0
    assert overlap.affinity == 0.4444


def test_overlap_is_symmetric(network):
    forward = pair_overlap(
        network["fast_food"], network["food_justice"], today=TODAY, curator=True
    )
    backward = pair_overlap(
        network["food_justice"], network["fast_food"], today=TODAY, curator=True
    )
    from_food_justice = movement_overlaps(network["food_justice"], today=TODAY, curator=True)

    assert (forward.a, forward.b) == (backward.a, backward.b)
    assert forward.score == backward.score == from_food_justice[0].score


def test_reasons_are_sentences_with_small_counts_suppressed(network):
    overlap = pair_overlap(
        network["fast_food"], network["food_justice"], today=TODAY, curator=True
    )

    assert overlap.reasons == [
        "Fewer than 5 people are engaged in both.",
        "1 organization works on both: East Bay Alliance.",
        "Both work on food.",
        "Both active in Oakland.",
        "Different sectors: labor and community.",
    ]
    assert overlap.shared_members_disclosed() is None
    assert overlap.shared_members_disclosed(curator=True) == 3


def test_a_parent_region_counts_as_shared_at_half_weight(network):
    overlap = pair_overlap(network["fast_food"], network["climate"], today=TODAY, curator=True)

    assert [r.slug for r in overlap.shared_regions] == ["bay-area"]
    assert overlap.components["regions"] == 0.5
    assert overlap.components["tactics"] == 1.0
    assert overlap.score == 0.2  # 0.15 tactics + 0.10 * 0.5 regions


def test_movement_overlaps_ranks_by_score_and_skips_unrelated(network):
    overlaps = movement_overlaps(network["fast_food"], today=TODAY, curator=True)

    assert [(o.other(network["fast_food"]).slug, o.score) for o in overlaps] == [
        ("food-justice", 0.7),
        ("climate", 0.2),
    ]


def test_all_overlaps_lists_each_pair_once(network):
    pairs = [(o.a.slug, o.b.slug, o.score) for o in all_overlaps(today=TODAY, curator=True)]

    assert pairs == [
        ("fight-for-15", "food-justice", 0.7),
        ("climate", "fight-for-15", 0.2),
        ("climate", "food-justice", 0.05),
    ]


def test_overlaps_come_back_whole_from_the_cache(network):
    """The cache pickles overlaps as constructor calls; every field survives, reasons are
    rebuilt from them, and a cached read runs one query: the cache versions."""
    computed = all_overlaps(today=TODAY, curator=True)
    with CaptureQueriesContext(connection) as queries:
        cached = all_overlaps(today=TODAY, curator=True)

    def fields(overlap):
        return (
            overlap.a.slug,
            overlap.b.slug,
            overlap.shared_members,
            [o.slug for o in overlap.shared_organizations],
            [t.slug for t in overlap.shared_themes],
            [t.slug for t in overlap.shared_tactics],
            [r.slug for r in overlap.shared_regions],
            overlap.components,
            overlap.score,
            overlap.ties,
            overlap.affinity,
            overlap.reasons,
        )

    assert len(queries) == 1
    assert cached[0] is not computed[0]
    assert [fields(o) for o in cached] == [fields(o) for o in computed]
    assert cached[0].shared_organizations[0].name == "East Bay Alliance"


def test_overlap_movements_are_cached_as_plain_rows(network):
    """No prefetched QuerySets ride along into the cache: each one pickles its whole query,
    and they made a cached read of one movement's overlaps cost ~50 ms at scale."""
    computed = movement_overlaps(network["fast_food"], today=TODAY, curator=True)
    cached = movement_overlaps(network["fast_food"], today=TODAY, curator=True)

    for overlap in computed + cached:
        for movement in (overlap.a, overlap.b):
            assert "_prefetched_objects_cache" not in movement.__dict__
    assert b"QuerySet" not in pickle.dumps(cached)


def test_look_back_window_is_a_setting(network, settings):
    settings.COALITION_OVERLAP = {"WINDOW_DAYS": 10 * 365}

    overlap = pair_overlap(
        network["fast_food"], network["food_justice"], today=TODAY, curator=True
    )

    assert overlap.shared_members == 4


def test_weights_are_settings_and_normalised(network, settings):
    only_regions = dict.fromkeys(["members", "organizations", "themes", "tactics", "sector"], 0)
    settings.COALITION_OVERLAP = {"WEIGHTS": {**only_regions, "regions": 2}}
    overlap = pair_overlap(network["fast_food"], network["climate"], today=TODAY, curator=True)

    assert OverlapConfig.from_settings().weights["regions"] == 1.0
    assert overlap.score == 0.5


def test_all_pairs_run_a_fixed_number_of_queries_as_the_network_grows(network):
    with CaptureQueriesContext(connection) as small:
        all_overlaps(today=TODAY, curator=True)
    strike = network["climate"].tactics.get()
    for n in range(30):
        movement = MovementFactory(slug=f"extra-{n}", tactics=[strike])
        member = MemberFactory(key=f"extra-{n}")
        EngagementFactory(member=member, movement=movement)
        EngagementFactory(member=member, movement=network["climate"])
        ParticipationFactory(movement=movement)

    with CaptureQueriesContext(connection) as large:
        overlaps = all_overlaps(today=TODAY, curator=True)

    assert len(overlaps) > 400
    assert len(large.captured_queries) == len(small.captured_queries) == 9  # versions too


def test_archived_movements_are_left_out(network):
    Movement.objects.filter(pk=network["food_justice"].pk).update(archived_at=datetime.datetime(
        2026, 1, 1, tzinfo=datetime.UTC))  # fmt: skip

    overlaps = movement_overlaps(network["fast_food"], today=TODAY, curator=True)

    assert [o.other(network["fast_food"]).slug for o in overlaps] == ["climate"]


# --- what the public sees ----------------------------------------------------------------


def _pair_sharing(shared: int, *, theme=None):
    """Two movements of seven people each (shared ones included), sharing ``shared`` people
    and nothing else unless a ``theme`` is given."""
    a = MovementFactory(slug=f"a{shared}", name=f"A{shared}", sector=Sector.LABOR)
    b = MovementFactory(slug=f"b{shared}", name=f"B{shared}", sector=Sector.COMMUNITY)
    if theme is not None:
        a.themes.add(theme)
        b.themes.add(theme)
    for i in range(shared):
        member = MemberFactory(key=f"both-{shared}-{i}")
        for movement in (a, b):
            EngagementFactory(member=member, movement=movement, since=datetime.date(2025, 1, 1))
    for movement in (a, b):
        for _ in range(7 - shared):
            EngagementFactory(movement=movement, since=datetime.date(2025, 1, 1))
    return a, b


def test_a_pair_sharing_only_a_withheld_number_of_people_is_no_pair_for_the_public():
    a, b = _pair_sharing(4)

    public = all_overlaps(today=TODAY)
    exact = all_overlaps(today=TODAY, curator=True)

    assert public == []
    assert [(o.shared_members, o.score) for o in exact] == [(4, 0.1714)]


@pytest.mark.parametrize("shared", [0, 1, 4])
def test_no_public_figure_depends_on_a_withheld_count(shared):
    a, b = _pair_sharing(shared, theme=ThemeFactory(slug="food", name="Food"))

    (overlap,) = all_overlaps(today=TODAY)

    assert (overlap.score, overlap.ties, overlap.reasons) == (
        0.2,  # themes 1/1 * 0.20: the same whether 0, 1 or 4 people are in both
        0.0,
        ["Both work on food.", "Different sectors: labor and community."],
    )
    assert overlap.shared_members_disclosed() is None
