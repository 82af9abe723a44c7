"""Sections a higher layer adds to a lower layer's page, without the lower layer knowing it.

Imports run one way (README, "Where code goes"): the movement page lives in ``movements``,
which may not import the analysis layer that knows its related movements, proposals and
engagement figures. So the page sends a signal, and each higher app that has something to
add answers with ``Section``s (pretix's ``presale.signals.front_page_bottom`` does the same
for plugins). The page renders what comes back in the slots it offers; an app that is not
installed simply adds nothing.

We chose a signal over a higher-layer view that extends the lower one: several layers add
to the same pages (the analysis layer today; accounts with "ask to organize" next), and a
chain of subclassed views routed from the project's URLconf would make each of them know
the others. A signal keeps every page in its own app and every addition in the app that
owns its data, and the queries behind a section run in the receiver, in Python, where
query-count tests see them — not hidden in a template tag.

A lower page does::

    context["sections"] = page_sections(movement_page, self.request, movement=movement)

and its template renders ``{% for section in sections.main %}{{ section }}{% endfor %}``.
A receiver (in the higher app's ``receivers.py``) returns a ``Section`` or a list of them::

    def related_section(sender, request, movement, **kwargs):
        return Section("main", "network/includes/related_movements.html", {...}, order=10)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Section:
    """A part of a page: which slot it goes in, its template and context, its place among
    the slot's other sections (lower first)."""

    slot: str
    template_name: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 0


def page_sections(signal: Signal, request: HttpRequest, **kwargs) -> dict[str, list[SafeString]]:
    """Ask the receivers of ``signal`` for their sections of this page and render them,
    grouped by slot. Templates look slots up by name (``sections.main``); an unknown slot
    is simply empty."""
    found: list[Section] = []
    for _receiver, answer in signal.send(sender=signal, request=request, **kwargs):
        if answer is None:
            continue
        found.extend([answer] if isinstance(answer, Section) else answer)
    slots: dict[str, list[SafeString]] = defaultdict(list)
    for section in sorted(found, key=lambda s: (s.slot, s.order)):
        slots[section.slot].append(
            render_to_string(section.template_name, section.context, request=request)
        )
    return dict(slots)
