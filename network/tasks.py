"""The analysis layer's background work: the proposal refresh, debounced after directory
edits, imports and check-ins (``network/receivers.py``) and run every hour anyway, since
proposals also follow the calendar (look-back windows, events that end: an event ending
writes nothing, so the hourly run is what brings a follow-up proposal once its follow-through
is measured — "once a day" at least, as issue 16 asks)."""

import datetime

from django.tasks import task

from network.proposals.engine import proposals_refresh
from worker.debounce import debounce, debounce_release
from worker.schedule import periodic

DEBOUNCE_KEY = "proposals-refresh"
# One refresh for a burst of edits: the first edit schedules it this long ahead.
DEBOUNCE_DELAY = datetime.timedelta(seconds=30)


@task
def refresh_proposals() -> dict:
    """Recompute the proposals (``proposals_refresh``). The burst ends before the work
    starts, so an edit made meanwhile schedules another refresh."""
    debounce_release(DEBOUNCE_KEY)
    return proposals_refresh()


def schedule_proposals_refresh() -> None:
    """Ask for a proposal refresh after commit; a burst of asks gets one
    (``worker.debounce``)."""
    debounce(refresh_proposals, key=DEBOUNCE_KEY, delay=DEBOUNCE_DELAY)


@periodic(every=datetime.timedelta(hours=1), name="proposals")
def hourly_proposals_refresh() -> None:
    proposals_refresh()


BRIDGING_KEY = "bridging-refresh"
BRIDGING_DELAY = datetime.timedelta(seconds=5)


@task
def refresh_bridging() -> int:
    """Count people bridging movements today and keep the figures
    (``network.followthrough.store_bridging``)."""
    from django.utils import timezone

    from network.followthrough import store_bridging

    debounce_release(BRIDGING_KEY)
    return len(store_bridging(timezone.localdate()))


def schedule_bridging_refresh() -> None:
    """Ask for today's figures in the background; a burst of asks gets one run."""
    debounce(refresh_bridging, key=BRIDGING_KEY, delay=BRIDGING_DELAY)
