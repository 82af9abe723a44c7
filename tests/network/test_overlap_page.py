"""The overlap table (/map/table/) and the overlap of a pair (/overlaps/<a>/<b>/)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TensionFactory
from tests.scenarios import ZELDA, grow_map_network

pytestmark = pytest.mark.django_db

TABLE = reverse("network:overlap_table")
PAIR = reverse("network:overlap_detail", kwargs={"a": "fight-for-15", "b": "food-justice"})
STUDENTS = reverse("network:overlap_detail", kwargs={"a": "fossil-free", "b": "uc-divest"})
TENSION = "Higher wages raise food prices."


@pytest.fixture
def network(map_network):
    """The map's network with a tension between Fight for $15 and Food justice."""
    TensionFactory(
        movement_a=map_network["food_justice"], movement_b=map_network["fast_food"], note=TENSION
    )
    return map_network


def text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def rows(response) -> list[tuple[str, str, float]]:
    return [
        (r["overlap"].a.slug, r["overlap"].b.slug, r["overlap"].score)
        for r in response.context["rows"]
    ]


# --- the table -----------------------------------------------------------------------------


def test_table_lists_every_overlap_best_first(client, network):
    response = client.get(TABLE)

    assert response.status_code == 200
    # As the public sees them: Zelda, in both, is a withheld count and counts for nothing.
    assert rows(response) == [
        ("fossil-free", "uc-divest", 0.5),
        ("fight-for-15", "food-justice", 0.4),
    ]
    assert [r["url"] for r in response.context["rows"]] == [STUDENTS, PAIR]
    content = response.content.decode()
    assert '<h2 id="results-title" class="results-count">\n      2 overlaps\n' in content
    assert '<a href="/organizations/alliance/">Alliance</a>' in content
    assert f'<a class="overlap-table__details" href="{PAIR}">How they overlap' in content


def test_table_suppresses_shared_people_for_anonymous_visitors(client, network):
    body = text(client.get(TABLE).content.decode())

    assert (
        "Some overlap Overlap score 0.40 0.40 out of 1: from shared people, organizations, "
        "themes, tactics and places. fewer than 5 people Alliance Food none Oakland"
    ) in body


def test_table_shows_exact_shared_people_to_curators(curator_client, network):
    body = text(curator_client.get(TABLE).content.decode())

    assert "Strong overlap Overlap score 0.55 0.55 out of 1" in body
    assert "tactics and places. 1 person Alliance Food none Oakland" in body


def test_table_honours_the_movement_filters(client, network):
    response = client.get(f"{TABLE}?sector=student")

    assert rows(response) == [("fossil-free", "uc-divest", 0.5)]


def test_table_with_bad_filters_answers_400(client, network):
    response = client.get(f"{TABLE}?region=atlantis")

    assert response.status_code == 400
    assert response.context["rows"] == []
    assert "There is no region “atlantis”." in response.content.decode()


def test_table_is_paginated(client, network, settings):
    settings.COALITION_PAGE_SIZE = 1

    first = client.get(TABLE)
    second = client.get(f"{TABLE}?page=2")

    assert rows(first) == [("fossil-free", "uc-divest", 0.5)]
    assert rows(second) == [("fight-for-15", "food-justice", 0.4)]
    assert client.get(f"{TABLE}?page=3").status_code == 404


def test_table_is_empty_when_nothing_matches(client, network):
    response = client.get(f"{TABLE}?status=dormant")

    assert response.status_code == 200
    assert rows(response) == []
    assert "No movements matching these filters overlap." in response.content.decode()


def test_table_links_back_to_the_map_with_the_same_filters(client, network):
    content = client.get(f"{TABLE}?sector=student&page=1").content.decode()

    assert '<a href="/map/?sector=student">Movement map</a>' in content


# --- the pair ------------------------------------------------------------------------------


def test_overlap_page_shows_the_pair_side_by_side(client, network):
    response = client.get(PAIR)

    assert response.status_code == 200
    assert response.context["first"] == network["fast_food"]
    assert response.context["second"] == network["food_justice"]
    overlap = response.context["overlap"]
    assert [o.name for o in overlap.shared_organizations] == ["Alliance"]
    assert [t.name for t in overlap.shared_themes] == ["Food"]
    assert overlap.shared_tactics == ()
    assert [r.name for r in overlap.shared_regions] == ["Oakland"]
    assert overlap.score == 0.4  # the public's: no withheld count behind it
    content = response.content.decode()
    assert '<h1>Fight for $15 <span class="muted">and</span> Food justice</h1>' in content
    assert (
        '<details class="worded worded--overlap overlap-strength"><summary class="worded__word">'
        'Some overlap</summary><p class="worded__figure">Overlap score <strong '
        'class="worded__number">0.40</strong> out of 1'
    ) in content
    assert "Ties (people and organizations already in both)" not in content
    assert (
        '<span class="tag tag--theme tag--shared">Food<span class="visually-hidden"> (shared)'
        "</span></span>"
    ) in content
    assert '<span class="tag tag--theme">Wages</span>' in content
    assert (
        '<dt>Shared organizations</dt><dd><a href="/organizations/alliance/">Alliance</a></dd>'
        in content
    )
    assert "<dt>Constituency</dt><dd>fast-food workers</dd>" in content
    assert "<dt>Constituency</dt><dd>neighbourhood gardeners</dd>" in content


def test_overlap_page_lists_reasons_and_tensions(client, network):
    content = client.get(PAIR).content.decode()

    assert '<h2 id="contradictions-title">Overlaps and contradictions</h2>' in content
    reasons = re.search(r'<ul class="reasons">(.*?)</ul>', content, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", reasons) == [
        "1 organization works on both: Alliance.",
        "Both work on food.",
        "Both active in Oakland.",
        "Different sectors: labor and community.",
    ]
    tensions = re.search(r'<ul class="tensions">(.*?)</ul>', content, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", tensions) == [TENSION]


def test_overlap_page_without_tension_says_so(client, network):
    content = client.get(STUDENTS).content.decode()

    assert "No curator has noted a tension between these two movements yet." in content
    assert '<ul class="tensions">' not in content


def test_overlap_page_suppresses_shared_people_for_anonymous_visitors(client, network):
    body = text(client.get(PAIR).content.decode())

    assert "Shared people fewer than 5 people" in body


def test_overlap_page_shows_exact_shared_people_to_curators(curator_client, network):
    body = text(curator_client.get(PAIR).content.decode())

    assert "Shared people 1 person" in body


def test_overlap_page_of_movements_sharing_nothing(client, network):
    response = client.get(
        reverse("network:overlap_detail", kwargs={"a": "fight-for-15", "b": "fossil-free"})
    )

    assert response.status_code == 200
    assert response.context["has_overlap"] is False
    assert "These two movements share nothing in the directory yet" in response.content.decode()


def test_overlap_page_in_the_other_order_redirects_to_the_canonical_one(client, network):
    response = client.get(
        reverse("network:overlap_detail", kwargs={"a": "food-justice", "b": "fight-for-15"})
    )

    assert response.status_code == 301
    assert response["Location"] == PAIR


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("fight-for-15", "nowhere"),
        ("nowhere", "fight-for-15"),
        ("archived-food", "food-justice"),
        ("food-justice", "archived-food"),
        ("fight-for-15", "fight-for-15"),
    ],
)
def test_overlap_page_of_unknown_archived_or_same_movements_is_404(client, network, a, b):
    response = client.get(reverse("network:overlap_detail", kwargs={"a": a, "b": b}))

    assert response.status_code == 404


def test_no_person_ever_appears_on_the_overlap_pages(client, curator_client, network):
    for viewer in (client, curator_client):
        for url in (TABLE, PAIR, f"{TABLE}?theme=food"):
            content = viewer.get(url).content.decode()
            for secret in (*ZELDA.values(), "Zelda", "Secretperson", "ff-0", "@people."):
                assert secret not in content, (url, secret)


@pytest.mark.parametrize("url", [TABLE, f"{TABLE}?region=bay-area", PAIR])
def test_overlap_pages_run_a_fixed_number_of_queries_as_the_network_grows(client, network, url):
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow_map_network(network, 25)

    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


# --- joint events and proposals ------------------------------------------------------------


def test_overlap_page_lists_upcoming_joint_events_with_suppressed_per_movement_counts(
    client, curator_client, network
):
    from tests.factories import EventFactory, RSVPFactory

    fast_food, food_justice = network["fast_food"], network["food_justice"]
    potluck = EventFactory(title="Fruitvale potluck", movements=[fast_food, food_justice])
    EventFactory(title="Only fast food", movements=[fast_food])
    EventFactory(title="Draft together", movements=[fast_food, food_justice], status="draft")
    EventFactory(
        title="Private together", movements=[fast_food, food_justice], visibility="private"
    )
    for _ in range(5):
        RSVPFactory(event=potluck, movement=fast_food)
    RSVPFactory(event=potluck, movement=food_justice)

    page = text(client.get(PAIR).content.decode())
    curator_page = text(curator_client.get(PAIR).content.decode())

    assert "Fruitvale potluck Potluck" in page
    assert "Only fast food" not in page
    assert "Draft together" not in page
    assert "Private together" not in page and "Private together" not in curator_page
    assert "6 going; from Fight for $15: 5 people; from Food justice: fewer than 5 people" in page
    assert "from Food justice: 1 person" in curator_page


def test_overlap_page_lists_open_proposals_of_the_pair(client, network):
    from events.models import Proposal

    proposal = Proposal.objects.create(
        identity="potluck:test", kind="potluck", title="Potluck in Oakland", score=0.5
    )
    proposal.movements.set([network["fast_food"], network["food_justice"]])

    page = text(client.get(PAIR).content.decode())

    assert "Proposed Potluck Potluck in Oakland" in page


def test_curators_see_the_overlap_from_every_count(curator_client, network):
    response = curator_client.get(PAIR)
    content = response.content.decode()

    assert response.context["overlap"].score == 0.55
    assert '<summary class="worded__word">Strong overlap</summary>' in content
    assert 'Overlap score <strong class="worded__number">0.55</strong> out of 1' in content
    assert "Fewer than 5 people are engaged in both." in content
    assert "Ties (people and organizations already in both)" in content
