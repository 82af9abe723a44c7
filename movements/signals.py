"""Signals other layers listen to (``movements`` imports nothing above it)."""

from django.dispatch import Signal

# Sent once an import has committed, with ``summary`` (an ImportSummary). The analysis
# layer refreshes its proposals on it (network/receivers.py).
network_imported = Signal()

# Sent while a page of the directory is rendered, so that higher layers can add sections to
# it without this app importing them (``core.sections``). Each receiver gets ``request``
# and the page's object, and returns a ``core.sections.Section``, a list of them, or None.
home_page = Signal()  # no object
movement_page = Signal()  # movement=
organization_page = Signal()  # organization=

# Sent by ``organization_merge`` inside its transaction, after the directory's own rows
# moved and before the duplicates are deleted, with ``keep`` (the Organization kept) and
# ``duplicate_ids`` (the pks of those folded into it). Higher layers move their rows that
# point at a duplicate (an event's hosts, a proposal's suggested hosts) to ``keep``,
# resolving doubles; a receiver that raises rolls the whole merge back.
organization_merging = Signal()

# Sent by ``manage.py seed_demo`` after the demo directory is loaded, with ``scale`` and
# ``today`` (the day the demo's dates count from). Higher layers add their part of the demo
# (``events/demo.py``) and return a line for the command to print.
demo_seeding = Signal()
