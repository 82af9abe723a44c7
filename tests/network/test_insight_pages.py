"""The "Engagement" section on organization and movement pages: figures, notes, the SVG
chart, suppression for non-curators, no inline styles, fixed query counts."""

import dataclasses
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.insights.chart import figures, quarter_chart
from network.insights.measures import engagement_insights
from tests.factories import (
    EngagementFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
)
from tests.helpers import ORGANIZATION_ROLES, SEES_CAPACITY_WARNING, organization_viewer

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def network():
    """A steady union of six members for 2,000 days in one movement; a small front of
    three members for 101 days in two movements. Member names are private."""
    rail = MovementFactory(slug="rail", name="Rail")
    union = OrganizationFactory(slug="steady-union", name="Steady Union")
    ParticipationFactory(organization=union, movement=rail, since=days_ago(3000))
    for number in range(6):
        member = MemberFactory(name=f"Private Unionist {number}")
        MembershipFactory(member=member, organization=union, since=days_ago(1999))
        EngagementFactory(member=member, movement=rail, organization=union, since=days_ago(1999))
    front = OrganizationFactory(slug="small-front", name="Small Front")
    ParticipationFactory(organization=front, movement=rail, since=days_ago(200))
    ParticipationFactory(organization=front, since=days_ago(200))
    for number in range(3):
        member = MemberFactory(name=f"Private Militant {number}")
        MembershipFactory(member=member, organization=front, since=days_ago(100))
    return {"rail": rail, "union": union, "front": front}


def value(text: str, detail: str = "") -> str:
    """A figure's value as the section renders it."""
    gloss = f' <span class="figure__detail">{detail}</span>' if detail else ""
    return f'<dd class="figure__value">{text}{gloss}</dd>'


def worded(word: str, number: str) -> str:
    """A figure read as a word, the number behind it in a details element."""
    return (
        '<dd class="figure__value"><details class="worded worded--figure"><summary '
        f'class="worded__word">{word}</summary><p class="worded__figure">{number}</p></details>'
        "</dd>"
    )


def section(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<section class="engagement".*?</section>', html, re.S)
    assert match, "no Engagement section"
    return match.group(0)


def test_small_organization_section_hides_small_counts_from_anonymous_visitors(client, network):
    html = section(client.get("/organizations/small-front/"))

    assert '<h2 id="engagement-organization-' in html
    assert ">Engagement</h2>" in html
    assert html.count("chart__bar--withheld") == 12
    assert "chart__bar--shown" not in html
    assert html.count("&lt;5</text>") == 12
    assert html.count("<td>fewer than 5</td>") == 12
    assert value("fewer than 5 people") in html
    assert "Not shown: fewer than 5 people behind it" in html
    # The capacity warning is for its organizers and curators, not the public.
    assert "Takes on more struggles" not in html
    assert "note--capacity" not in html
    assert "more than its people can hold" not in html
    assert "Private Militant" not in html


def test_small_organization_section_is_exact_for_curators(curator_client, network):
    html = section(curator_client.get("/organizations/small-front/"))

    assert "chart__bar--withheld" not in html
    assert "fewer than 5" not in html
    assert value("3 people") in html
    assert value("101 days", "about 3 months") in html
    assert worded("Spread thin", "6.67 movements per ten active members") in html
    assert "2 movements at once with 3 active members." in html
    assert "above 2, it takes on more than its people can hold." in html
    assert html.count("chart__bar--shown") == 12


def test_steady_union_section_shows_its_figures_chart_and_encouraging_note(client, network):
    html = section(client.get("/organizations/steady-union/"))

    assert html.count("chart__bar--shown") == 12
    assert html.count('class="chart__value">6</text>') == 12
    assert html.count("<td>6</td>") == 12
    assert value("6 people") in html
    assert value("2,000 days", "about 5.5 years") in html
    assert value("0%") in html
    assert worded("Focused", "1.67 movements per ten active members") in html
    assert "Movements now per ten active members: focused up to 2, on many fronts above." in html
    assert value("No movement left yet") in html
    assert '<li class="note note--steady">Steady, long engagement:' in html
    assert "Private Unionist" not in html


def test_chart_is_accessible_and_has_no_inline_styles(client, network):
    html = section(client.get("/organizations/steady-union/"))

    assert re.search(
        r'<svg class="chart" viewBox="0 0 640 240" role="img" aria-labelledby="', html
    )
    assert "<title id=" in html
    assert "<desc id=" in html
    assert "6 people in each quarter shown" in html
    assert "<summary>The figures as a table</summary>" in html
    assert "style=" not in html
    assert "<script" not in html


def test_movement_page_has_an_engagement_section(client, network):
    html = section(client.get("/movements/rail/"))

    assert "Active people now" in html
    assert value("6 people") in html
    assert "Other movements now" in html
    assert "Retention after a focus shift" not in html
    assert "Private" not in html


def test_movement_without_people_renders_without_error(client):
    MovementFactory(slug="quiet")

    html = section(client.get("/movements/quiet/"))

    assert html.count("chart__bar--withheld") == 12
    assert value("No engagements with a start date") in html


def grow(network, start, count):
    for number in range(start, start + count):
        left = MovementFactory()
        ParticipationFactory(
            organization=network["union"], movement=left, since=days_ago(900),
            until=days_ago(700),
        )  # fmt: skip
        member = MemberFactory(name=f"Grown {number}")
        MembershipFactory(member=member, organization=network["union"], since=days_ago(800))
        EngagementFactory(
            member=member, movement=left, organization=network["union"], since=days_ago(800),
            until=days_ago(700),
        )  # fmt: skip
        EngagementFactory(member=member, movement=network["rail"], since=days_ago(800))
        EngagementFactory(member=member, movement=MovementFactory(), since=days_ago(10))


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/organizations/steady-union/", "/movements/rail/"])
def test_page_query_count_does_not_grow_with_the_data(client, network, url):
    grow(network, 0, 2)
    small = count_queries(client, url)

    grow(network, 2, 20)
    large = count_queries(client, url)

    assert small == large


@pytest.mark.parametrize(
    ("stretch", "word", "shown"),
    [
        (0.0, "Focused", "0 movements"),
        (6.666, "On many fronts", "6.67 movements"),
        (2.0, "Focused", "2 movements"),
        (2.01, "On many fronts", "2.01 movements"),
        (1.0, "Focused", "1 movement"),
        (1.25, "Focused", "1.25 movements"),
    ],
)
def test_stretch_reads_as_a_word_with_at_most_two_decimals_behind_it(today, stretch, word, shown):
    insights = engagement_insights(MovementFactory(), today=today, curator=True)

    stretch_figure = figures(dataclasses.replace(insights, stretch=stretch))[-1]

    assert (stretch_figure.term, stretch_figure.value) == ("Stretch", word)
    assert stretch_figure.number == f"{shown} per ten active people"
    assert stretch_figure.detail == ""


@pytest.mark.parametrize(
    ("days", "value", "detail"),
    [
        (770.5, "771 days", "about 2.1 years"),
        (101.0, "101 days", "about 3 months"),
        (1.0, "1 day", ""),
    ],
)
def test_median_tenure_shows_whole_days_and_a_gloss(today, days, value, detail):
    insights = engagement_insights(MovementFactory(), today=today, curator=True)

    tenure = figures(dataclasses.replace(insights, median_tenure_days=days))[1]

    assert (tenure.term, tenure.value, tenure.detail) == ("Median tenure", value, detail)


def test_chart_scale_rounds_up_to_a_step_of_one_two_or_five(today):
    insights = engagement_insights(MovementFactory(), today=today, curator=True)
    insights = dataclasses.replace(
        insights,
        quarters=tuple(
            dataclasses.replace(quarter, active_people=number + 2)
            for number, quarter in enumerate(insights.quarters)
        ),
    )

    chart = quarter_chart(insights, prefix="test")

    assert [tick.value for tick in chart.ticks] == [0, 5, 10, 15]
    assert [tick.y for tick in chart.ticks] == [196.0, 138.7, 81.3, 24.0]
    assert chart.bars[-1].height == round(196 - (196 - 172 * 13 / 15), 1)
    assert chart.bars[-1].short == "13"
    assert not chart.any_withheld


# --- The capacity warning: its organizers and curators only -------------------------------


@pytest.mark.parametrize("role", ORGANIZATION_ROLES)
def test_capacity_warning_on_the_page_only_for_its_organizers_and_curators(network, role):
    client = organization_viewer(role, network["front"])

    html = section(client.get("/organizations/small-front/"))

    warned = role in SEES_CAPACITY_WARNING
    assert ("Takes on more struggles than its people can hold" in html) is warned
    assert ('<li class="note note--capacity">' in html) is warned
    assert ("more than its people can hold" in html) is warned  # the stretch's explanation
    if role == "curator":
        assert worded("Spread thin", "6.67 movements per ten active members") in html
    else:  # fewer than 5 active members: the stretch itself is withheld
        assert "Spread thin" not in html and "On many fronts" not in html


def test_stretched_organization_reads_on_many_fronts_to_the_public_spread_thin_to_its_own(
    network,
):
    for _ in range(4):  # seven active members in two movements: stretch 2.86
        MembershipFactory(organization=network["front"], since=days_ago(100))
    public = organization_viewer("anonymous", network["front"])
    # The organizer's own membership makes eight: 2.5.
    own = organization_viewer("host_organizer", network["front"])

    public_html = section(public.get("/organizations/small-front/"))
    own_html = section(own.get("/organizations/small-front/"))

    assert worded("On many fronts", "2.5 movements per ten active members") in public_html
    assert "Spread thin" not in public_html
    assert "Takes on more struggles" not in public_html
    assert worded("Spread thin", "2.5 movements per ten active members") in own_html
    assert (
        "Takes on more struggles than its people can hold: 2 movements at once with 8 active "
        "members."
    ) in own_html


def test_the_table_of_the_chart_is_not_inside_its_figure(client, network):
    """A figure's figcaption must be its first or last child (Nu HTML checker): the table
    behind the chart follows the figure."""
    html = section(client.get("/organizations/steady-union/"))

    figure = re.search(r"<figure.*?</figure>", html, re.S).group(0)
    assert "<details" not in figure
    assert figure.rstrip().endswith("</figcaption>\n</figure>")
    assert re.search(r'</figure>\s*<details class="engagement-chart__table">', html)
