"""The engagement section of movement and organization pages, as figures and a chart.

The section shows the figures of ``network.insights.measures`` with one-line explanations, the
notes, and a server-rendered SVG bar chart of active people per quarter (no JavaScript, no
inline styles: geometry goes in SVG presentation attributes, looks in CSS classes).
Everything passes through ``engagement_insights(..., curator=...)``, so a suppressed count
never reaches the template: such a quarter is drawn as a hatched "fewer than 5" bar of the
threshold's height, never its value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma

from core import privacy
from core.text import percent
from network import words
from network.insights.measures import Insights, InsightsConfig

# Chart geometry in SVG user units (the SVG scales to its container's width).
CHART_WIDTH = 640
CHART_HEIGHT = 240
CHART_MARGIN = {"top": 24, "right": 8, "bottom": 44, "left": 40}
BAR_SHARE = 0.62  # of each quarter's slot
TICK_STEPS = (1, 2, 5)


@dataclass(frozen=True)
class Figure:
    """One figure of the section: its name, the value as shown and what it means."""

    term: str
    value: str
    explanation: str
    withheld: bool = False  # suppressed for this viewer
    empty: bool = False  # nothing to compute it from
    detail: str = ""  # a gloss shown after the value, e.g. "about 2.1 years"
    number: str = ""  # when the value is a word: the figure behind it ("6.67 per ten people")


@dataclass(frozen=True)
class Bar:
    label: str  # "2026Q3"
    quarter: str  # "Q3"
    year: str  # shown under the first bar and under each Q1, else ""
    value: str  # as shown above the bar and in the table: "8", "0" or "fewer than 5"
    short: str  # above the bar: "8" or "<5"
    withheld: bool
    x: float
    y: float
    width: float
    height: float
    centre: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Chart:
    id: str
    width: int
    height: int
    left: int
    right: float
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    title: str
    description: str
    any_withheld: bool


def figures(insights: Insights) -> list[Figure]:
    """The figures as shown to the viewer, each with a one-line explanation."""
    threshold = privacy.threshold()
    organization = insights.kind == "organization"
    rows = "memberships" if organization else "engagements"
    high = InsightsConfig.from_settings().stretch_high

    def figure(term, name, format_, missing, explanation) -> Figure:
        value = getattr(insights, name)
        if name in insights.withheld:
            shown = f"Not shown: fewer than {threshold} people behind it"
            if name == "active_people":
                shown = f"fewer than {threshold} people"
            return Figure(term, shown, explanation, withheld=True)
        if value is None:
            return Figure(term, missing, explanation, empty=True)
        text, detail, *number = format_(value)
        return Figure(term, text, explanation, detail=detail, number="".join(number))

    result = [
        figure(
            "Active members now" if organization else "Active people now",
            "active_people",
            lambda n: (privacy.people_label(n, curator=True), ""),
            f"fewer than {threshold} people",
            "People with a membership running today."
            if organization
            else "People with an engagement in this movement running today.",
        ),
        figure(
            "Median tenure",
            "median_tenure_days",
            _tenure,
            f"No {rows} with a start date",
            f"Half of the {rows} lasted longer than this; an ongoing one counts up to today.",
        ),
        figure(
            "Early drop-off",
            "early_dropoff_rate",
            lambda rate: (percent(rate), ""),
            "Too early to tell",
            f"Share of {rows} that ended within six months of starting (of those that ended "
            "or have run longer).",
        ),
    ]
    if organization:
        result.append(
            figure(
                "Retention after a focus shift",
                "retention_after_shift",
                lambda rate: (percent(rate), ""),
                "No movement left yet",
                "Of the people who came in through a movement it later left, the share "
                "still active here six months after it left.",
            )
        )
    result += [
        figure(
            "Movements now" if organization else "Other movements now",
            "concurrent_movements",
            lambda n: (intcomma(n), ""),
            "None",
            "Movements it takes part in today."
            if organization
            else "Other movements its active people are also engaged in today.",
        ),
        figure(
            "Stretch",
            "stretch",
            lambda s: (
                words.stretch(s, candid=insights.sees_capacity, high=high).capitalize(),
                "",
                f"{_decimal(s)} movement{'' if s == 1 else 's'} per ten "
                f"{'active members' if organization else 'active people'}",
            ),
            "No active people",
            _stretch_explanation(insights, high),
        ),
    ]
    return result


def _stretch_explanation(insights: Insights, high: float) -> str:
    """What the stretch means; the capacity warning's words only for those who see it."""
    limit = _decimal(high)
    if insights.kind != "organization":
        return (
            "Other movements now per ten active people: focused up to "
            f"{limit}, on many fronts above."
        )
    if insights.sees_capacity:
        return (
            f"Movements now per ten active members; above {limit}, it takes on more than its "
            "people can hold."
        )
    return f"Movements now per ten active members: focused up to {limit}, on many fronts above."


def quarter_chart(insights: Insights, *, prefix: str) -> Chart:
    """Bars of active people per quarter, scaled to a round top value."""
    threshold = privacy.threshold()
    quarters = insights.quarters
    first, last = (quarters[0].label, quarters[-1].label) if quarters else ("", "")
    return bars_chart(
        [(q.label, q.active_people, {}) for q in quarters],
        prefix=prefix,
        title=f"Active people per quarter, {first} to {last}",
        describe=lambda bars: _describe(insights, bars, threshold),
    )


def bars_chart(
    quarters: list[tuple[str, int | None, dict]],
    *,
    prefix: str,
    title: str,
    describe: Callable[[list[Bar]], str],
    bar: type[Bar] | None = None,
) -> Chart:
    """The geometry of a bar chart per quarter: ``quarters`` are (label "2026Q3", people or
    None when withheld, extra fields of ``bar``, a subclass of ``Bar``). A withheld
    quarter is a bar of the threshold's height, drawn hatched without its number; the
    top of the scale is a round value at or above every bar."""
    bar = bar or Bar
    threshold = privacy.threshold()
    shown = [people for _label, people, _extra in quarters if people is not None]
    any_withheld = len(shown) < len(quarters)
    top = _round_up(max([*shown, threshold if any_withheld else 0, 1]))
    step = _tick_step(top)
    left, right = CHART_MARGIN["left"], CHART_WIDTH - CHART_MARGIN["right"]
    baseline = CHART_HEIGHT - CHART_MARGIN["bottom"]
    plot_height = baseline - CHART_MARGIN["top"]
    slot = (right - left) / max(len(quarters), 1)
    width = slot * BAR_SHARE

    def y_of(value: float) -> float:
        return round(baseline - plot_height * value / top, 1)

    bars = []
    for index, (label, people, extra) in enumerate(quarters):
        withheld = people is None
        value = threshold if withheld else people
        year, number = label.split("Q")
        x = left + slot * index + (slot - width) / 2
        bars.append(
            bar(
                label=label,
                quarter=f"Q{number}",
                year=year if index == 0 or number == "1" else "",
                value=f"fewer than {threshold}" if withheld else intcomma(value),
                short=f"<{threshold}" if withheld else intcomma(value),
                withheld=withheld,
                x=round(x, 1),
                y=y_of(value),
                width=round(width, 1),
                height=round(baseline - y_of(value), 1),
                centre=round(x + width / 2, 1),
                **extra,
            )
        )
    return Chart(
        id=prefix,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=left,
        right=right,
        baseline=baseline,
        bars=bars,
        ticks=[Tick(value, y_of(value)) for value in range(0, top + 1, step)],
        title=title,
        description=describe(bars),
        any_withheld=any_withheld,
    )


def _describe(insights: Insights, bars: list[Bar], threshold: int) -> str:
    """A sentence for screen readers: the range and the latest quarter."""
    if not bars:
        return "No quarters to show."
    shown = [q.active_people for q in insights.quarters if q.active_people is not None]
    parts = [f"Bar chart of the distinct people active in each of the last {len(bars)} quarters."]
    if shown and min(shown) == max(shown):
        parts.append(f"{shown[0]} people in each quarter shown.")
    elif shown:
        parts.append(f"Between {min(shown)} and {max(shown)} people in the quarters shown.")
    if len(shown) < len(bars):
        parts.append(
            f"Quarters with fewer than {threshold} people are drawn hatched, without their number."
        )
    parts.append(f"{bars[-1].label} so far: {bars[-1].value}. The figures are in the table.")
    return " ".join(parts)


def _round_up(value: int) -> int:
    """The smallest round number (1, 2 or 5 times a power of ten, or a multiple of the
    tick step) at or above ``value``."""
    step = _tick_step(value)
    return max(step, math.ceil(value / step) * step)


def _tick_step(top: int) -> int:
    """A step giving at most five gridlines above zero."""
    magnitude = 1
    while True:
        for step in TICK_STEPS:
            if top <= step * magnitude * 5:
                return step * magnitude
        magnitude *= 10


def _decimal(value: float) -> str:
    """At most two decimals, without trailing zeros: 6.67, 1.25, 2."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _tenure(days: float) -> tuple[str, str]:
    """Whole days (a median between two rows rounds half up) and a gloss in years or
    months."""
    whole = math.floor(days + 0.5)
    years = days / 365.25
    if years >= 1:
        detail = f"about {round(years, 1):g} years"
    elif days >= 60:
        detail = f"about {round(days / 30.44)} months"
    else:
        detail = ""
    return f"{intcomma(whole)} day{'' if whole == 1 else 's'}", detail
