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

from core import privacy
from core.roles import is_curator
from core.sections import Section
from network.followthrough import bridging_by_quarter, disclose_bridging
from network.insights.chart import Bar, Chart, bars_chart


@dataclass(frozen=True)
class QuarterBar(Bar):
    partial: bool = False  # the current quarter, counted up to today
    end: datetime.date | None = None  # the last day counted


def bridging_chart(quarters: list[dict], *, prefix: str) -> Chart:
    """Bars of people bridging movements per quarter (``disclose_bridging``'s rows)."""
    threshold = privacy.threshold()
    shown = [q["people"] for q in quarters if q["people"] is not None]
    first, last = (quarters[0]["quarter"], quarters[-1]["quarter"]) if quarters else ("", "")
    return bars_chart(
        [
            (
                q["quarter"],
                q["people"],
                {"partial": q["partial"], "end": datetime.date.fromisoformat(q["end"])},
            )
            for q in quarters
        ],
        prefix=prefix,
        title=f"People bridging movements per quarter, {first} to {last}",
        describe=lambda bars: _describe(bars, shown, threshold),
        bar=QuarterBar,
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
