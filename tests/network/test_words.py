"""Words before numbers (network/words.py): each word at each threshold, and the pages that
lead with the word and keep the number behind a details element (or, on the map's side
panel, a tooltip) while the API and graph.json keep the numbers."""

import re

import pytest
from django.template import Context, Template

from events.models import Proposal
from network import words
from tests.factories import MovementFactory

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- the thresholds, at each boundary -----------------------------------------------------


@pytest.mark.parametrize(
    ("score", "word"),
    [
        (1.0, "strong overlap"),
        (0.5, "strong overlap"),
        (0.4999, "some overlap"),
        (0.25, "some overlap"),
        (0.2499, "light overlap"),
        (0.1, "light overlap"),
        (0.0999, "few ties yet"),
        (0.0, "few ties yet"),
    ],
)
def test_overlap_strength_at_each_threshold(score, word):
    assert words.overlap_strength(score) == word


@pytest.mark.parametrize(
    ("score", "word"),
    [
        (1.0, "high bridge potential"),
        (0.6, "high bridge potential"),
        (0.5999, "good bridge potential"),
        (0.4, "good bridge potential"),
        (0.3999, "modest bridge potential"),
        (0.0, "modest bridge potential"),
    ],
)
def test_bridge_potential_at_each_threshold(score, word):
    assert words.bridge_potential(score) == word


@pytest.mark.parametrize(
    ("stretch", "candid", "word"),
    [
        (0.0, False, "focused"),
        (2.0, False, "focused"),
        (2.0, True, "focused"),
        (2.01, False, "on many fronts"),
        (2.01, True, "spread thin"),
        (30.0, True, "spread thin"),
    ],
)
def test_stretch_at_the_capacity_threshold(stretch, candid, word):
    assert words.stretch(stretch, candid=candid) == word


def test_stretch_follows_the_capacity_setting(settings):
    settings.COALITION_INSIGHTS = {"STRETCH_HIGH": 5}

    assert words.stretch(5.0, candid=True) == "focused"
    assert words.stretch(5.01, candid=True) == "spread thin"
    assert words.stretch(3.0, candid=True, high=2) == "spread thin"


def test_the_word_leads_and_the_number_is_behind_a_details_element():
    html = Template("{% load network_words %}{% overlap_strength score %}").render(
        Context({"score": 0.5})
    )

    assert html == (
        '<details class="worded worded--overlap"><summary class="worded__word">Strong overlap'
        '</summary><p class="worded__figure">Overlap score <meter min="0" max="1" value="0.50" '
        'aria-label="Overlap score">0.50</meter> <strong class="worded__number">0.50</strong> '
        "out of 1: from shared people, organizations, themes, tactics and places.</p></details>"
    )


# --- the pages -------------------------------------------------------------------------------


def test_related_movements_read_as_words(client, map_network):
    html = client.get("/movements/fight-for-15/").content.decode()

    related = re.search(r'<section aria-labelledby="related-title">.*?</section>', html, re.S)
    body = text(related.group(0))
    # As the public sees it: 0.40 (the withheld shared person counts for nothing).
    assert "Food justice Some overlap Overlap score 0.40 0.40 out of 1" in body
    assert "overlap 0.40" not in body
    assert '<summary class="worded__word">Some overlap</summary>' in related.group(0)


def test_overlap_table_reads_as_words(client, map_network):
    html = client.get("/map/table/").content.decode()

    assert '<th scope="col">Overlap</th>' in html
    assert '<th scope="col" class="numeric">Score</th>' not in html
    cells = re.findall(r'<td class="overlap-table__strength">(.*?)</td>', html, re.S)
    assert [re.search(r"<summary[^>]*>(.*?)</summary>", c).group(1) for c in cells] == [
        "Strong overlap",  # the student pair, 0.50
        "Some overlap",  # Fight for $15 and Food justice, 0.40
    ]
    assert all("<details" in cell for cell in cells)


def test_overlap_page_leads_with_the_word(client, map_network):
    html = client.get("/overlaps/fossil-free/uc-divest/").content.decode()

    assert '<summary class="worded__word">Strong overlap</summary>' in html
    assert 'Overlap score <strong class="worded__number">0.50</strong> out of 1' in html


def test_overlap_page_of_a_pair_sharing_nothing_says_so(client, map_network):
    html = client.get("/overlaps/fight-for-15/uc-divest/").content.decode()

    assert '<p class="lead">These two movements share nothing in the directory yet.</p>' in html
    assert "worded__word" not in html


def test_graph_edges_carry_the_strength_besides_the_score(client, map_network):
    edges = client.get("/map/graph.json?organizations=1").json()["edges"]

    assert [(e["score"], e["strength"]) for e in edges] == [
        (0.5, "strong overlap"),
        (0.4, "some overlap"),
        (None, None),
        (None, None),
        (None, None),
        (None, None),
    ]


def test_the_api_keeps_the_numbers(client, map_network):
    overlaps = client.get("/api/movements/fight-for-15/overlaps/").json()["results"]

    assert [(o["movement"], o["score"]) for o in overlaps] == [("food-justice", 0.4)]
    assert "strength" not in overlaps[0]


@pytest.mark.parametrize(
    ("score", "word"),
    [
        (0.71, "High bridge potential"),
        (0.4, "Good bridge potential"),
        (0.3, "Modest bridge potential"),
    ],
)
def test_proposal_pages_read_bridge_potential_as_words(client, score, word):
    proposal = Proposal.objects.create(
        identity="potluck:test", kind="potluck", title="Potluck in Oakland", score=score
    )
    proposal.movements.set([MovementFactory(), MovementFactory()])

    listing = client.get("/proposals/").content.decode()
    detail = client.get(f"/proposals/{proposal.pk}/").content.decode()

    number = f"{score:.2f}"
    for html in (listing, detail):
        block = re.search(r'<div class="proposal-score">(.*?)</div>', html, re.S).group(1)
        assert f'<summary class="worded__word">{word}</summary>' in block
        assert f'<strong class="worded__number">{number}</strong> out of 1' in block
        assert "proposal-score__number" not in html
    assert [p["score"] for p in client.get("/api/proposals/").json()["results"]] == [score]
