"""Signals other layers listen to (``events`` imports nothing above it)."""

from django.dispatch import Signal

# Sent inside the transaction after a bulk write to events or RSVPs (``QuerySet.update``
# sends no model signals). The analysis layer moves its events version on it (core/cache.py).
events_bulk_changed = Signal()

# Sent while an event's page is rendered (``core.sections``): receivers get ``request`` and
# ``event`` and return a ``core.sections.Section``, a list of them, or None.
event_page = Signal()
