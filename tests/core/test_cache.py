import datetime

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import cache
from events.services import rsvp_check_in
from movements.exchange import network_import
from network.overlaps import all_overlaps, movement_overlaps
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    RSVPFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def fresh_cache():
    django_cache.clear()
    yield
    django_cache.clear()


@pytest.fixture
def pair():
    """Two movements sharing two people."""
    a = MovementFactory(slug="a", name="A")
    b = MovementFactory(slug="b", name="B")
    for _ in range(2):
        member = MemberFactory()
        EngagementFactory(member=member, movement=a, since=datetime.date(2025, 1, 1))
        EngagementFactory(member=member, movement=b, since=datetime.date(2025, 1, 1))
    return a, b


def shared(overlaps) -> list[int]:
    return [o.shared_members for o in overlaps]


def test_all_overlaps_is_served_from_the_cache_with_one_query_for_the_versions(pair):
    first = all_overlaps(today=TODAY, curator=True)

    with CaptureQueriesContext(connection) as queries:
        again = all_overlaps(today=TODAY, curator=True)

    assert len(queries) == 1  # the versions, from the database (core/cache.py)
    assert shared(again) == shared(first) == [2]


def test_a_new_engagement_invalidates_all_overlaps(pair):
    a, b = pair
    assert shared(all_overlaps(today=TODAY, curator=True)) == [2]
    member = MemberFactory()
    EngagementFactory(member=member, movement=a, since=datetime.date(2025, 1, 1))
    EngagementFactory(member=member, movement=b, since=datetime.date(2025, 1, 1))

    assert shared(all_overlaps(today=TODAY, curator=True)) == [3]


def test_a_deleted_engagement_invalidates_movement_overlaps(pair):
    a, b = pair
    assert shared(movement_overlaps(a, today=TODAY, curator=True)) == [2]

    a.engagements.order_by("pk").first().delete()

    assert shared(movement_overlaps(a, today=TODAY, curator=True)) == [1]


def test_a_shared_theme_added_to_a_movement_invalidates_overlaps():
    a, b = MovementFactory(slug="a", name="A"), MovementFactory(slug="b", name="B")
    food = ThemeFactory(slug="food", name="Food")
    a.themes.add(food)
    assert all_overlaps(today=TODAY, curator=True) == []

    b.themes.add(food)

    assert [
        [t.slug for t in o.shared_themes] for o in all_overlaps(today=TODAY, curator=True)
    ] == [["food"]]


def test_the_map_json_is_cached_and_follows_a_write(curator_client, pair):
    # A curator: the pairs share fewer people than the threshold, withheld from the public.
    client = curator_client
    a, b = pair
    client.get("/map/graph.json")
    with CaptureQueriesContext(connection) as queries:
        cached_response = client.get("/map/graph.json")
    cached_queries = len(queries)
    c = MovementFactory(slug="c", name="C")
    member = MemberFactory()
    EngagementFactory(member=member, movement=a, since=datetime.date(2025, 1, 1))
    EngagementFactory(member=member, movement=c, since=datetime.date(2025, 1, 1))

    fresh = client.get("/map/graph.json").json()

    assert len(cached_response.json()["edges"]) == 1
    # The session lookups and the versions at most; no overlap or movement query.
    assert cached_queries <= 3
    assert sorted((e["source"], e["target"]) for e in fresh["edges"]) == [
        ("movement:a", "movement:b"),
        ("movement:a", "movement:c"),
    ]


def test_an_import_bumps_the_network_version(django_capture_on_commit_callbacks):
    before = cache.network_version()

    with django_capture_on_commit_callbacks(execute=True):
        network_import(document={"themes": [{"slug": "food", "name": "Food"}]})

    assert cache.network_version() > before


def test_a_check_in_bumps_the_network_version_for_its_bulk_engagements(pair):
    a, b = pair
    event = EventFactory(
        starts_at=datetime.datetime(2026, 5, 1, 18, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 5, 1, 21, tzinfo=datetime.UTC),
    )
    event.movements.set([a, b])
    rsvp = RSVPFactory(event=event)
    assert shared(all_overlaps(today=TODAY, curator=True)) == [2]

    rsvp_check_in(rsvp=rsvp, now=event.starts_at)

    assert shared(all_overlaps(today=TODAY, curator=True)) == [3]


def test_the_cache_is_keyed_by_the_day(pair):
    a, b = pair
    member = MemberFactory()
    for movement in (a, b):
        EngagementFactory(
            member=member,
            movement=movement,
            since=datetime.date(2020, 1, 1),
            until=datetime.date(2023, 6, 1),
        )

    assert shared(all_overlaps(today=TODAY, curator=True)) == [2]
    assert shared(all_overlaps(today=datetime.date(2024, 1, 1), curator=True)) == [3]
