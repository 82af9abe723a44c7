"""One run of a task for a burst of changes: ``debounce(task, key=…, delay=…)`` asks for
``task`` after the current transaction commits, and a burst of asks within ``delay``
enqueues it once, ``delay`` after the first.

The burst's flag is a cache entry (``CACHES["default"]``, shared by every process when a
shared cache is configured) ``add()``ed when the task is enqueued and living ``delay``.
The task calls ``debounce_release`` before its work, which ends the burst, so a change
made while it computes asks for (and gets) another run.

A task backend that cannot defer (the immediate one: ``make run``, the tests) runs the
task at once after commit. Then an ask is dropped when a run of the task started after it
was made (``debounce_release`` notes when): the many writes of one transaction (an admin
save sends a signal per row and per many-to-many change) make one run, not one each.
Nothing is kept per transaction, so a rollback leaves nothing behind.
"""

import datetime
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.tasks import Task
from django.utils import timezone

PREFIX = "worker:debounce:"
STARTED = ":started"
# How long the note of a run's start is kept (immediate backend): longer than a commit.
STARTED_KEPT = 3600


@dataclass
class _OnCommit:
    task: Task
    key: str
    delay: datetime.timedelta
    asked_at: float = field(default_factory=time.time)

    def __call__(self) -> None:
        if self.task.get_backend().supports_defer:
            seconds = max(1, int(self.delay.total_seconds()))
            if cache.add(PREFIX + self.key, True, timeout=seconds):
                self.task.using(run_after=timezone.now() + self.delay).enqueue()
            return
        started = cache.get(PREFIX + self.key + STARTED)
        if started is None or started < self.asked_at:
            self.task.enqueue()


def debounce(task: Task, *, key: str, delay: datetime.timedelta) -> None:
    """Ask for ``task`` (no arguments) after commit, once per ``delay`` for ``key``."""
    transaction.on_commit(_OnCommit(task=task, key=key, delay=delay), robust=True)


def debounce_release(key: str) -> None:
    """End ``key``'s burst: the next ask enqueues the task again. The task calls this
    before its work; it also notes when that work started."""
    cache.delete(PREFIX + key)
    cache.set(PREFIX + key + STARTED, time.time(), timeout=STARTED_KEPT)
