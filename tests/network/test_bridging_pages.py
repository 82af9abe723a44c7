"""People bridging movements on the home and map pages (network/bridging.py): the chart,
its table, withheld quarters drawn without their number, the partial current quarter,
curators' exact figures and the home page's page cache."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from core.pagecache import HEADER
from network.bridging import bridging_chart
from network.followthrough import bridging_by_quarter
from network.insights.measures import quarter_bounds
from network.tasks import refresh_bridging
from tests.factories import EngagementFactory, MemberFactory, MovementFactory

pytestmark = pytest.mark.django_db

THRESHOLD = 5  # COALITION_MIN_DISCLOSED_COUNT's default


def quarters() -> list[tuple[str, datetime.date, datetime.date]]:
    """(label, first day, last day counted) of the chart's 13 quarters, oldest first."""
    return quarter_bounds(timezone.localdate(), 13)


@pytest.fixture
def movements():
    return {
        "wages": MovementFactory(slug="wages", name="Wages", sector="labor"),
        "rail": MovementFactory(slug="rail", name="Rail", sector="labor"),
        "food": MovementFactory(slug="food", name="Food", sector="community"),
    }


def bridges(movements, count: int, *, since: datetime.date, until=None, name="Bridge") -> None:
    """``count`` people engaged in a labor and a community movement from ``since``."""
    for number in range(count):
        member = MemberFactory(name=f"Private {name} {number}")
        EngagementFactory(member=member, movement=movements["wages"], since=since, until=until)
        EngagementFactory(member=member, movement=movements["food"], since=since, until=until)


@pytest.fixture
def network(movements):
    """Seven people bridging sectors in the current quarter, three of them since two
    quarters back (so that quarter counts three: fewer than five); one more person in two
    labor movements only, and one whose second movement is event attendance."""
    labels = quarters()
    current_start, earlier_start = labels[-1][1], labels[-3][1]
    bridges(movements, 3, since=earlier_start, name="Old")
    bridges(movements, 4, since=current_start, name="New")
    same_sector = MemberFactory(name="Private Samesector")
    EngagementFactory(member=same_sector, movement=movements["wages"], since=earlier_start)
    EngagementFactory(member=same_sector, movement=movements["rail"], since=earlier_start)
    attendee = MemberFactory(name="Private Attendee")
    EngagementFactory(member=attendee, movement=movements["wages"], since=earlier_start)
    EngagementFactory(
        member=attendee,
        movement=movements["food"],
        since=current_start,
        until=current_start,
        source="event",
    )
    return movements


def section(html: str) -> str:
    match = re.search(r'<section class="bridging".*?</section>', html, re.S)
    assert match, "no people-bridging section"
    return match.group(0)


def table(html: str) -> list[tuple[str, str]]:
    """The table's rows: (quarter as shown, people as shown)."""
    body = section(html).split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', body)


def bars(html: str) -> list[tuple[str, str]]:
    """Each bar's class and height."""
    return re.findall(
        r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"'
        r'[^>]*class="(chart__bar[^"]*)"',
        section(html),
    )


def expected_rows(counts: dict[int, str], default: str) -> list[tuple[str, str]]:
    """The 13 rows, ``default`` but where ``counts`` says otherwise (by index)."""
    labels = quarters()
    rows = []
    for index, (label, _start, end) in enumerate(labels):
        shown = label
        if index == len(labels) - 1:
            shown = f"{label} (so far, to {end.day} {end:%B} {end.year})"
        rows.append((shown, counts.get(index, default)))
    return rows


@pytest.mark.parametrize("url", ["/", "/map/"])
def test_bridging_chart_withholds_small_quarters_from_the_public(client, network, url):
    html = client.get(url).content.decode()

    # 3 in the two quarters before, 0 before them: all fewer than 5.
    assert table(html) == expected_rows({12: "7"}, default="fewer than 5")
    heights = bars(html)
    assert len(heights) == 13
    # A withheld quarter is a hatched bar of the threshold's height, whatever its count
    # (3 or 0 here).
    assert heights[0] == heights[10] == heights[11]
    assert heights[10][1] == "chart__bar chart__bar--withheld"
    assert heights[12][1] == "chart__bar chart__bar--shown chart__bar--current"
    assert float(heights[10][0]) / float(heights[12][0]) == pytest.approx(5 / 7, abs=0.01)
    assert "Hatched: fewer than 5 people." in section(html)
    assert "Private" not in html


@pytest.mark.parametrize("url", ["/", "/map/"])
def test_bridging_chart_is_exact_for_curators(curator_client, network, url):
    html = curator_client.get(url).content.decode()

    assert table(html) == expected_rows({10: "3", 11: "3", 12: "7"}, default="0")
    assert "chart__bar--withheld" not in section(html)
    assert "Hatched" not in section(html)


def test_bridging_section_says_what_it_counts_and_has_no_inline_styles(client, network):
    html = section(client.get("/").content.decode())

    assert '<h2 id="bridging-home-title">People bridging movements</h2>' in html
    assert "engaged in two or more movements of different sectors" in html
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "style=" not in html and "<script" not in html
    assert "<details" in html and "<caption" in html


def test_map_page_keeps_the_map_and_adds_the_chart(client, network):
    html = client.get("/map/").content.decode()

    assert 'id="map-graph"' in html
    assert html.index('id="legend-title"') < html.index('id="bridging-map-title"')


def test_bridging_chart_geometry_and_description():
    rows = [
        {"quarter": "2026Q3", "start": "2026-07-01", "end": "2026-09-30", "partial": False}
        | {"people": None},
        {"quarter": "2026Q4", "start": "2026-10-01", "end": "2026-11-01", "partial": True}
        | {"people": 12},
    ]

    chart = bridging_chart(rows, prefix="x")

    assert [t.value for t in chart.ticks] == [0, 5, 10, 15]
    assert [(b.label, b.value, b.short, b.withheld, b.partial) for b in chart.bars] == [
        ("2026Q3", "fewer than 5", "<5", True, False),
        ("2026Q4", "12", "12", False, True),
    ]
    assert chart.bars[0].height == round(chart.bars[1].height * 5 / 12, 1)
    assert chart.description == (
        "Bar chart of the people bridging movements in each of the last 2 quarters. "
        "12 people in each quarter shown. Quarters with fewer than 5 people are drawn "
        "hatched, without their number. 2026Q4 so far: 12. The figures are in the table."
    )


# --- the home page's page cache ----------------------------------------------------------------


@pytest.fixture
def anonymous(settings):
    settings.COALITION_CACHE_HEADER = True
    return Client()


def test_home_page_cache_serves_the_chart_and_a_new_bridge_shows(anonymous, network):
    first = anonymous.get("/")
    again = anonymous.get("/")
    assert (first[HEADER], again[HEADER]) == ("miss", "hit")
    assert again.content == first.content
    assert table(first.content.decode())[12][1] == "7"

    bridges(network, 1, since=quarters()[-1][1], name="Newest")
    refresh_bridging.call()  # what the worker does after the write (see below)

    fresh = anonymous.get("/")
    assert fresh[HEADER] == "miss"
    assert table(fresh.content.decode())[12][1] == "8"


def test_after_a_write_the_latest_figures_serve_while_they_are_refreshed(
    anonymous, network, django_capture_on_commit_callbacks
):
    """Counting takes seconds at scale: the page right after a write does not wait for
    it. It shows the latest figures and asks the worker for new ones."""
    assert table(anonymous.get("/").content.decode())[12][1] == "7"
    bridges(network, 1, since=quarters()[-1][1], name="Newest")

    with django_capture_on_commit_callbacks(execute=False) as asked:
        stale = anonymous.get("/")

    assert table(stale.content.decode())[12][1] == "7"
    assert len(asked) == 1  # the refresh, after commit
    asked[0]()  # the immediate backend runs it at once
    assert [q.people for q in bridging_by_quarter()][-1] == 8
