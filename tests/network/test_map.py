"""The movement map page and its data, /map/graph.json."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from movements.models import Sector
from network.graph import size_class
from tests.factories import (
    MovementFactory,
    ThemeFactory,
)
from tests.scenarios import ZELDA, grow_map_network

pytestmark = pytest.mark.django_db

GRAPH = reverse("network:graph")
MAP = reverse("network:map")
# As the public sees it: Zelda, the one person in both, is a withheld count, so nothing
# about the edge may depend on her (curators: members 1/2 * 0.30 more, 0.55, and the
# "Fewer than 5 people" reason; see test_curators_see_the_edge_from_every_count).
FAST_FOOD_EDGE = {
    "source": "movement:fight-for-15",
    "target": "movement:food-justice",
    # organizations 1/1 * 0.20 + themes 1/2 * 0.20 + regions 0.10
    "score": 0.4,
    "reasons": [
        "1 organization works on both: Alliance.",
        "Both work on food.",
        "Both active in Oakland.",
        "Different sectors: labor and community.",
    ],
    "strength": "some overlap",  # the score in words (network.words), for the side panel
}
CURATORS_FAST_FOOD_EDGE = {
    **FAST_FOOD_EDGE,
    "score": 0.55,
    "reasons": ["Fewer than 5 people are engaged in both.", *FAST_FOOD_EDGE["reasons"]],
    "strength": "strong overlap",
}
STUDENT_EDGE = {
    "source": "movement:fossil-free",
    "target": "movement:uc-divest",
    # organizations 0.20 + tactics 0.15 + regions 0.10 + sector 0.05
    "score": 0.5,
    "reasons": [
        "1 organization works on both: Divest Coalition.",
        "Both use divestment.",
        "Both active in Berkeley.",
        "Both are student movements.",
    ],
    "strength": "strong overlap",
}


def node_ids(data):
    return [node["id"] for node in data["nodes"]]


def test_graph_has_every_visible_movement_and_their_overlaps(client, map_network):
    response = client.get(GRAPH)

    assert response.status_code == 200
    data = response.json()
    assert node_ids(data) == [
        "movement:fight-for-15",
        "movement:food-justice",
        "movement:fossil-free",
        "movement:uc-divest",
    ]
    assert data["nodes"][0] == {
        "id": "movement:fight-for-15",
        "type": "movement",
        "slug": "fight-for-15",
        "name": "Fight for $15",
        "url": "/movements/fight-for-15/",
        "sector": "labor",
        "sector_label": "Labor",
        "status": "active",
        "constituency": "fast-food workers",
        "summary": "A movement used in tests.",
        "people": 6,
        "people_label": "6 people",
        "size": 1,
    }
    assert data["edges"] == [STUDENT_EDGE, FAST_FOOD_EDGE]


@pytest.mark.parametrize(
    ("query", "expected_nodes", "expected_edges"),
    [
        ("sector=student", ["movement:fossil-free", "movement:uc-divest"], [STUDENT_EDGE]),
        ("theme=food", ["movement:fight-for-15", "movement:food-justice"], [FAST_FOOD_EDGE]),
        ("tactic=divestment", ["movement:fossil-free", "movement:uc-divest"], [STUDENT_EDGE]),
        ("region=oakland", ["movement:fight-for-15", "movement:food-justice"], [FAST_FOOD_EDGE]),
        (
            "region=bay-area",
            [
                "movement:fight-for-15",
                "movement:food-justice",
                "movement:fossil-free",
                "movement:uc-divest",
            ],
            [STUDENT_EDGE, FAST_FOOD_EDGE],
        ),
        ("q=divest", ["movement:uc-divest"], []),
        ("q=fast-food", ["movement:fight-for-15"], []),
        ("status=dormant", [], []),
        ("sector=student&region=oakland", [], []),
    ],
)
def test_graph_honours_the_movement_filters(
    client, map_network, query, expected_nodes, expected_edges
):
    data = client.get(f"{GRAPH}?{query}").json()

    assert node_ids(data) == expected_nodes
    assert data["edges"] == expected_edges


def test_graph_with_organizations_links_current_participations(client, map_network):
    data = client.get(f"{GRAPH}?organizations=1").json()

    organizations = [node for node in data["nodes"] if node["type"] == "organization"]
    assert organizations == [
        {
            "id": "organization:alliance",
            "type": "organization",
            "slug": "alliance",
            "name": "Alliance",
            "url": "/organizations/alliance/",
            "kind": "collective",
            "kind_label": "Collective",
        },
        {
            "id": "organization:divest-coalition",
            "type": "organization",
            "slug": "divest-coalition",
            "name": "Divest Coalition",
            "url": "/organizations/divest-coalition/",
            "kind": "collective",
            "kind_label": "Collective",
        },
    ]
    assert data["edges"][2:] == [
        {
            "source": "organization:alliance",
            "target": "movement:fight-for-15",
            "score": None,
            "reasons": ["Lead organization in Fight for $15."],
            "strength": None,
        },
        {
            "source": "organization:alliance",
            "target": "movement:food-justice",
            "score": None,
            "reasons": ["Ally organization in Food justice."],
            "strength": None,
        },
        {
            "source": "organization:divest-coalition",
            "target": "movement:fossil-free",
            "score": None,
            "reasons": ["Lead organization in Fossil Free."],
            "strength": None,
        },
        {
            "source": "organization:divest-coalition",
            "target": "movement:uc-divest",
            "score": None,
            "reasons": ["Partner organization in UC Divest."],
            "strength": None,
        },
    ]


def test_graph_organizations_follow_the_movement_filters(client, map_network):
    data = client.get(f"{GRAPH}?organizations=1&sector=labor").json()

    assert node_ids(data) == ["movement:fight-for-15", "organization:alliance"]
    assert [(e["source"], e["target"]) for e in data["edges"]] == [
        ("organization:alliance", "movement:fight-for-15")
    ]


@pytest.mark.parametrize("value", ["0", "false", "off", ""])
def test_graph_organizations_switched_off(client, map_network, value):
    data = client.get(f"{GRAPH}?organizations={value}").json()

    assert {node["type"] for node in data["nodes"]} == {"movement"}


def test_graph_bad_filters_answer_400_with_the_errors(client, map_network):
    response = client.get(f"{GRAPH}?theme=nope&sector=navy&organizations=maybe&q={'x' * 201}")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["organizations", "q", "sector", "theme"]
    # Our own messages; q's and sector's are Django's wording: one message each.
    assert errors["theme"] == ["There is no theme “nope”."]
    assert errors["organizations"] == ["Use 1 to turn this on or 0 to turn it off."]
    assert [len(errors["q"]), len(errors["sector"])] == [1, 1]


def test_graph_suppresses_small_people_counts_for_anonymous_visitors(client, map_network):
    nodes = {node["slug"]: node for node in client.get(GRAPH).json()["nodes"]}

    assert nodes["fight-for-15"]["people"] == 6
    assert nodes["food-justice"]["people"] is None
    assert nodes["food-justice"]["people_label"] == "fewer than 5 people"
    assert nodes["fossil-free"]["people"] is None
    # Every suppressed count is drawn at the threshold's size: 2 people and 0 look alike.
    assert nodes["food-justice"]["size"] == nodes["fossil-free"]["size"] == 1


def test_graph_suppresses_small_counts_for_ordinary_members(member_client, map_network):
    nodes = {node["slug"]: node for node in member_client.get(GRAPH).json()["nodes"]}

    assert nodes["food-justice"]["people"] is None


def test_graph_shows_exact_counts_to_curators(curator_client, map_network):
    nodes = {node["slug"]: node for node in curator_client.get(GRAPH).json()["nodes"]}

    assert nodes["food-justice"]["people"] == 2
    assert nodes["food-justice"]["people_label"] == "2 people"
    assert nodes["food-justice"]["size"] == 0
    assert nodes["fossil-free"]["people"] == 0


@pytest.mark.parametrize(
    ("people", "curator", "expected"),
    [
        (0, False, 1),
        (4, False, 1),
        (5, False, 1),
        (9, False, 1),
        (10, False, 2),
        (20, False, 3),
        (79, False, 4),
        (10_000, False, 6),
        (0, True, 0),
        (4, True, 0),
        (5, True, 1),
    ],
)
def test_size_class_doubles_from_the_threshold(people, curator, expected):
    assert size_class(people, curator=curator) == expected


def complete_network(n: int):
    """``n`` movements that all share one theme and nothing else: every pair overlaps with
    the same score, so the order is by name."""
    theme = ThemeFactory(slug="shared", name="Shared")
    return [
        MovementFactory(slug=f"m{i:02d}", name=f"Movement {i:02d}", themes=[theme])
        for i in range(n)
    ]


def test_graph_keeps_only_the_best_edges_of_each_movement(client, settings):
    settings.COALITION_MAP_EDGES_PER_NODE = 2
    complete_network(6)

    edges = [(e["source"][9:], e["target"][9:]) for e in client.get(GRAPH).json()["edges"]]

    # An edge stays when it is among the two best of either end (ties broken by name).
    assert edges == [
        ("m00", "m01"),
        ("m00", "m02"),
        ("m00", "m03"),
        ("m00", "m04"),
        ("m00", "m05"),
        ("m01", "m02"),
        ("m01", "m03"),
        ("m01", "m04"),
        ("m01", "m05"),
    ]
    assert len(edges) <= 2 * 6


def test_graph_default_is_five_edges_per_movement(client, settings):
    if hasattr(settings, "COALITION_MAP_EDGES_PER_NODE"):
        del settings.COALITION_MAP_EDGES_PER_NODE
    complete_network(12)

    edges = client.get(GRAPH).json()["edges"]

    degree = {}
    for edge in edges:
        for end in (edge["source"], edge["target"]):
            degree[end] = degree.get(end, 0) + 1
    # Of 66 pairs: m00..m04 keep all eleven of theirs, m05..m11 their five best.
    assert len(edges) == 45
    assert sorted(degree.values()) == [5] * 7 + [11] * 5


def test_no_person_ever_appears_on_the_map(client, curator_client, map_network):
    for viewer in (client, curator_client):
        for url in (GRAPH, f"{GRAPH}?organizations=1", MAP, f"{MAP}?organizations=1"):
            content = viewer.get(url).content.decode()
            for secret in (*ZELDA.values(), "Zelda", "Secretperson", "ff-0", "@people."):
                assert secret not in content, (url, secret)


def network_queries(client, url):
    # Cold: the map page's people bridging movements is otherwise served stale after a
    # write (network.followthrough.bridging_by_quarter).
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    "url", [GRAPH, f"{GRAPH}?organizations=1", f"{GRAPH}?region=bay-area&theme=food", MAP]
)
def test_map_runs_a_fixed_number_of_queries_as_the_network_grows(client, map_network, url):
    small = network_queries(client, url)
    grow_map_network(map_network, 25)

    large = network_queries(client, url)

    assert large == small


def test_map_page_points_the_script_at_the_filtered_graph(client, map_network):
    response = client.get(f"{MAP}?sector=student&organizations=1")

    assert response.status_code == 200
    content = response.content.decode()
    assert f'data-graph-url="{GRAPH}?sector=student"' in content
    assert 'data-overlap-url="/overlaps/__a__/__b__/"' in content
    assert 'id="id_organizations" checked' in content
    assert '<script src="/static/vendor/cytoscape/cytoscape.min.js" defer></script>' in content
    assert '<script src="/static/js/map.js" defer></script>' in content


def test_map_page_has_a_legend_and_a_way_without_javascript(client, map_network):
    content = client.get(MAP).content.decode()

    legend = re.findall(r'<li class="legend__item sector--(\w+)">', content)
    assert legend == [value for value, _ in Sector.choices]
    assert (
        '<noscript><p class="empty">The map needs JavaScript. '
        '<a href="/map/table/">The overlap table</a>' in content
    )
    assert '<a href="/map/table/">See the same overlaps as a table</a>' in content


def test_map_page_has_no_inline_script_or_style(client, map_network):
    content = client.get(MAP).content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", content) == []
    assert re.findall(r"<style\b", content) == []
    assert re.findall(r"\sstyle=", content) == []
    assert re.findall(r"\son[a-z]+=", content) == []


def test_map_page_with_bad_filters_answers_400_and_draws_nothing(client, map_network):
    response = client.get(f"{MAP}?theme=nope")

    assert response.status_code == 400
    content = response.content.decode()
    assert "There is no theme “nope”." in content
    assert "data-graph-url" not in content
    assert "map.js" not in content


def test_nav_links_to_the_map(client, map_network):
    content = client.get(MAP).content.decode()

    assert '<a href="/map/" aria-current="page">Map</a>' in content


def test_curators_see_the_edge_from_every_count(curator_client, map_network):
    data = curator_client.get(GRAPH).json()

    assert data["edges"] == [CURATORS_FAST_FOOD_EDGE, STUDENT_EDGE]


def test_no_public_edge_changes_with_a_withheld_count_of_shared_people(client, map_network):
    from tests.factories import EngagementFactory, MemberFactory

    before = client.get(GRAPH).json()["edges"]
    for i in range(3):  # Zelda and three more: four people in both, still withheld
        member = MemberFactory(key=f"more-{i}")
        EngagementFactory(member=member, movement=map_network["fast_food"])
        EngagementFactory(member=member, movement=map_network["food_justice"])
    after = client.get(GRAPH).json()["edges"]

    assert after == before
