"""Signals other layers listen to (``movements`` imports nothing above it)."""

from django.dispatch import Signal

# Sent once an import has committed, with ``summary`` (an ImportSummary). Coalition
# refreshes its proposals on it.
network_imported = Signal()
