"""People bridging movements, the headline figure, as a chart on the home and map pages.

The figure is ``network.followthrough``'s (``bridging_by_quarter``): per calendar quarter,
the distinct members with real engagements running in two or more movements of different
sectors; the last 12 complete quarters and the current one, partial. Everything passes
through ``disclose_bridging(..., curator=...)`` first, so a withheld count never reaches the
chart: such a quarter is drawn as a hatched "fewer than 5" bar of the threshold's height,
as the engagement chart does (``network/insights/chart.py``, whose geometry this reuses),
and the table under it says "fewer than 5". The current quarter is drawn lighter and
marked "so far" in the table.

The page context comes from ``bridging_context`` (the map view) and ``home_section`` (the
home page, through ``movements.signals.home_page``). Both read the cached figures (per
network version and day, ``core/cache.py``); the home page's page cache is keyed by the
network version and the day as well (``core/pagecache.py``), so it never shows an old chart.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma

from core import privacy
from core.roles import is_curator
from core.sections import Section
from network.followthrough import bridging_by_quarter, disclose_bridging
from network.insights.chart import (
    BAR_SHARE,
    CHART_HEIGHT,
    CHART_MARGIN,
    CHART_WIDTH,
    Bar,
    Chart,
    Tick,
    _round_up,
    _tick_step,
)


@dataclass(frozen=True)
class QuarterBar(Bar):
    partial: bool = False  # the current quarter, counted up to today
    end: datetime.date | None = None  # the last day counted


def bridging_chart(quarters: list[dict], *, prefix: str) -> Chart:
    """Bars of people bridging movements per quarter (``disclose_bridging``'s rows)."""
    threshold = privacy.threshold()
    shown = [q["people"] for q in quarters if q["people"] is not None]
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
    for index, quarter in enumerate(quarters):
        withheld = quarter["people"] is None
        value = threshold if withheld else quarter["people"]
        year, number = quarter["quarter"].split("Q")
        x = left + slot * index + (slot - width) / 2
        bars.append(
            QuarterBar(
                label=quarter["quarter"],
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
                partial=quarter["partial"],
                end=datetime.date.fromisoformat(quarter["end"]),
            )
        )
    first, last = (bars[0].label, bars[-1].label) if bars else ("", "")
    return Chart(
        id=prefix,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=left,
        right=right,
        baseline=baseline,
        bars=bars,
        ticks=[Tick(value, y_of(value)) for value in range(0, top + 1, step)],
        title=f"People bridging movements per quarter, {first} to {last}",
        description=_describe(bars, shown, threshold),
        any_withheld=any_withheld,
    )


def _describe(bars: list[QuarterBar], shown: list[int], threshold: int) -> str:
    """A sentence for screen readers: the range and the latest quarter."""
    if not bars:
        return "No quarters to show."
    parts = [
        f"Bar chart of the people bridging movements in each of the last {len(bars)} quarters."
    ]
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


def bridging_context(*, user, prefix: str) -> dict:
    """The template context of ``network/includes/bridging.html`` for ``user``."""
    quarters = disclose_bridging(bridging_by_quarter(), curator=is_curator(user))
    return {
        "bridging_chart": bridging_chart(quarters, prefix=prefix),
        "threshold": privacy.threshold(),
    }


def home_section(sender, request, **kwargs) -> Section:
    """``movements.signals.home_page``: the chart under the home page's introduction."""
    context = bridging_context(user=request.user, prefix="bridging-home")
    return Section("main", "network/includes/bridging.html", context, order=10)
