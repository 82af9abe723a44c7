"""Words before numbers on the pages (``network.words`` holds the thresholds).

``{% overlap_strength score %}`` and ``{% bridge_potential score %}`` render the word, with
the number one click away in a ``<details>`` element (``network/includes/worded.html``); the
filters ``|overlap_strength`` and ``|bridge_potential`` give the word alone.
"""

from django import template

from network import words

register = template.Library()

WORDED = "network/includes/worded.html"


@register.filter(name="overlap_strength")
def overlap_strength_word(score) -> str:
    return words.overlap_strength(float(score))


@register.filter(name="bridge_potential")
def bridge_potential_word(score) -> str:
    return words.bridge_potential(float(score))


@register.inclusion_tag(WORDED)
def overlap_strength(score) -> dict:
    """The overlap strength in words; the score out of 1 behind it."""
    return {
        "kind": "overlap",
        "word": words.overlap_strength(float(score)),
        "label": "Overlap score",
        "number": words.score(float(score)),
        "explanation": "from shared people, organizations, themes, tactics and places",
    }


@register.inclusion_tag(WORDED)
def bridge_potential(score) -> dict:
    """A proposal's bridge potential in words; its score out of 1 behind it."""
    return {
        "kind": "bridge",
        "word": words.bridge_potential(float(score)),
        "label": "Bridge potential",
        "number": words.score(float(score)),
        "explanation": "shared causes, few existing ties",
    }
