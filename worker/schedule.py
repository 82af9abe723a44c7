"""Periodic jobs without cron: each is a chain of tasks, every one enqueuing the next with
``run_after`` (neither ``django.tasks`` nor ``django-tasks-db`` schedules by itself).

An app registers a job in its ``tasks.py`` (imported at startup by ``WorkerConfig``)::

    @periodic(every=datetime.timedelta(minutes=5), name="reminders")
    def reminders() -> None:
        send_due_reminders()

``manage.py schedule_tasks`` (``make worker`` runs it before the worker starts) calls
``schedule_ensure``: a job with no live chain gets one, due at once. Each job's
``PeriodicJob`` row holds the token of the one task its chain waits on; ``job_tick``
runs a task only when its token is the row's, and first moves the chain on (a new token,
the next task enqueued in the same transaction) so that a job that fails or a worker
that dies mid-job never breaks it. A task with an older token ends quietly, so calling
``schedule_tasks`` twice, or while the chain is overdue, still leaves exactly one chain.
"""

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone

from worker.models import PeriodicJob

logger = logging.getLogger(__name__)

# A chain whose task is this overdue is taken for dead: schedule_tasks starts another
# (and the old one, should it wake, ends on its stale token).
STALE_AFTER = datetime.timedelta(minutes=2)


@dataclass(frozen=True)
class Job:
    name: str
    every: datetime.timedelta
    function: Callable[[], object]


JOBS: dict[str, Job] = {}


class SchedulingUnavailable(Exception):
    """The task backend cannot defer tasks (the immediate backend): nothing is scheduled."""


def periodic(*, every: datetime.timedelta, name: str):
    """Register the decorated function (no arguments) to run every ``every`` on the
    worker, as job ``name``."""

    def register(function):
        JOBS[name] = Job(name=name, every=every, function=function)
        return function

    return register


def schedule_ensure(*, now: datetime.datetime | None = None) -> list[str]:
    """Give every registered job that has no live chain one, its first task due ``now``.
    Returns the names of the jobs (re)started. Raises ``SchedulingUnavailable`` when the
    task backend cannot defer."""
    if not default_task_backend.supports_defer:
        raise SchedulingUnavailable(
            "The task backend runs tasks at once and cannot schedule them "
            "(DJANGO_TASKS_BACKEND=database can); run send_reminders from cron instead."
        )
    now = now or timezone.now()
    PeriodicJob.objects.bulk_create(
        [PeriodicJob(name=name) for name in JOBS], ignore_conflicts=True
    )
    started = []
    with transaction.atomic():
        for row in PeriodicJob.objects.select_for_update().filter(name__in=JOBS).order_by("name"):
            if row.token and row.next_run_at is not None and row.next_run_at >= now - STALE_AFTER:
                continue
            _chain(row, run_at=now)
            started.append(row.name)
    for name in started:
        logger.info("Periodic job %s scheduled", name)
    return started


def job_tick(*, name: str, token: str, now: datetime.datetime | None = None) -> str:
    """Run job ``name`` if ``token`` is its chain's, after enqueuing the next task. Returns
    "ran", "superseded" (another chain runs it) or "unknown" (no such job any more)."""
    job = JOBS.get(name)
    if job is None:
        return "unknown"
    now = now or timezone.now()
    with transaction.atomic():
        row = PeriodicJob.objects.select_for_update().filter(name=name).first()
        if row is None or row.token != token:
            return "superseded"
        row.last_run_at = now
        _chain(row, run_at=now + job.every)
    job.function()
    return "ran"


def _chain(row: PeriodicJob, *, run_at: datetime.datetime) -> None:
    """Make the task due at ``run_at`` the one ``row``'s chain waits on (in the caller's
    transaction: with the database backend the task row commits with the token)."""
    from worker.tasks import run_periodic

    row.token = uuid.uuid4().hex
    row.next_run_at = run_at
    row.save(update_fields=["token", "next_run_at", "last_run_at"])
    run_periodic.using(run_after=run_at).enqueue(row.name, row.token)
