"""Signals other layers listen to (``events`` imports nothing above it)."""

from django.dispatch import Signal

# Sent inside the transaction after a bulk write to events or RSVPs (``QuerySet.update``
# sends no model signals). Coalition moves its events version on it (coalition/cache.py).
events_bulk_changed = Signal()
