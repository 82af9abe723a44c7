"""Words before numbers: how the pages say overlap strength, bridge potential and stretch.

People read "strong overlap" faster than "0.64", and a word does not pretend to a precision
the data does not have. The public pages lead with the word and keep the number one step
away — in a ``<details>`` element (``network/includes/worded.html``) or, in the map's side
panel, a tooltip. The figures stay numbers wherever a program reads them: the REST API,
``/map/graph.json``'s ``score`` (its edges carry the word as ``strength`` besides).

One function per measure; a value exactly on a threshold takes the word above it.

=======================  ==========================  =========================================
measure                  word                        when
=======================  ==========================  =========================================
overlap strength         "strong overlap"            score ≥ ``STRONG_OVERLAP`` (0.5)
(``Overlap.score``,      "some overlap"              score ≥ ``SOME_OVERLAP`` (0.25)
0 to 1)                  "light overlap"             score ≥ ``LIGHT_OVERLAP`` (0.1)
                         "few ties yet"              below that
bridge potential         "high bridge potential"     score ≥ ``HIGH_BRIDGE`` (0.6)
(``Proposal.score``,     "good bridge potential"     score ≥ ``GOOD_BRIDGE`` (0.4)
0 to 1)                  "modest bridge potential"   below that
stretch (movements now   "focused"                   stretch ≤ ``COALITION_INSIGHTS
per ten active people)                               ["STRETCH_HIGH"]`` (2 by default)
                         "spread thin"               above it, said of an organization to
                                                     those who see its capacity warning (its
                                                     organizers and curators)
                         "on many fronts"            above it, to everyone else, and for a
                                                     movement (whose people are also in
                                                     other movements)
=======================  ==========================  =========================================

The stretch threshold is the capacity warning's own (``network.insights.measures``), so the
word and the warning never disagree; "spread thin" *is* that warning in two words, and it
goes only where the warning goes: the app helps groups, it does not shame them in public.
"""

from __future__ import annotations

from core.conf import app_settings

STRONG_OVERLAP = 0.5
SOME_OVERLAP = 0.25
LIGHT_OVERLAP = 0.1

HIGH_BRIDGE = 0.6
GOOD_BRIDGE = 0.4


def overlap_strength(score: float) -> str:
    """How strongly two movements overlap, from their overlap score in [0, 1]."""
    if score >= STRONG_OVERLAP:
        return "strong overlap"
    if score >= SOME_OVERLAP:
        return "some overlap"
    if score >= LIGHT_OVERLAP:
        return "light overlap"
    return "few ties yet"


def bridge_potential(score: float) -> str:
    """How valuable a new joint space would be, from a proposal's score in [0, 1]."""
    if score >= HIGH_BRIDGE:
        return "high bridge potential"
    if score >= GOOD_BRIDGE:
        return "good bridge potential"
    return "modest bridge potential"


def stretch(value: float, *, candid: bool = False, high: float | None = None) -> str:
    """How thinly a group spreads itself, from its stretch (movements now per ten active
    people). ``candid``: the viewer may see the capacity warning ("spread thin"); ``high``
    defaults to ``COALITION_INSIGHTS["STRETCH_HIGH"]``."""
    if high is None:
        high = app_settings.INSIGHTS["STRETCH_HIGH"]
    if value <= high:
        return "focused"
    return "spread thin" if candid else "on many fronts"


def score(value: float) -> str:
    """A score as the number behind the word: two decimals, "0.64"."""
    return f"{value:.2f}"
