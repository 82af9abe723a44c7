"""Periodic jobs without cron: ``schedule_tasks`` starts one chain per job, each link runs
its job and enqueues the next with ``run_after``, and however often ``schedule_tasks``
runs, exactly one chain is left."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.factories import EventFactory, MemberFactory, RSVPFactory
from worker.models import Mail, PeriodicJob
from worker.schedule import JOBS, job_tick, periodic, schedule_ensure

pytestmark = pytest.mark.django_db

MINUTES = datetime.timedelta(minutes=1)


def chains(task_queue) -> dict[str, list]:
    """The periodic tasks enqueued so far, by job: [(token, run_after), …]."""
    found = {}
    for result in task_queue.enqueued("run_periodic"):
        name, token = result.args
        found.setdefault(name, []).append((token, result.task.run_after))
    return found


def schedule_tasks() -> str:
    out = StringIO()
    call_command("schedule_tasks", stdout=out)
    return out.getvalue()


def test_schedule_tasks_starts_one_chain_per_job_and_a_second_run_adds_none(task_queue):
    before = timezone.now()

    first = schedule_tasks()
    second = schedule_tasks()

    assert first == "Scheduled: mail-sweep, proposals, reminders; already running: none.\n"
    assert second == "Scheduled: none; already running: mail-sweep, proposals, reminders.\n"
    found = chains(task_queue)
    assert sorted(found) == ["mail-sweep", "proposals", "reminders"]
    for name, [(token, run_after)] in found.items():
        row = PeriodicJob.objects.get(name=name)
        assert (row.token, row.next_run_at) == (token, run_after)
        assert before <= run_after <= timezone.now()


def test_a_link_runs_its_job_then_the_next_comes_after_the_interval(
    task_queue, django_capture_on_commit_callbacks
):
    starts = timezone.now() + datetime.timedelta(hours=5)
    event = EventFactory(title="Potluck", starts_at=starts, ends_at=starts + 120 * MINUTES)
    RSVPFactory(event=event, member=MemberFactory(email="ada@example.org"), status="going")
    schedule_tasks()

    with django_capture_on_commit_callbacks(execute=True):
        task_queue.run()
    task_queue.run()  # the reminder's mail

    assert [message.to for message in mail.outbox] == [["ada@example.org"]]
    assert mail.outbox[0].subject.startswith("Reminder: Potluck, ")
    row = PeriodicJob.objects.get(name="reminders")
    [_first, (token, run_after)] = chains(task_queue)["reminders"]
    assert (row.token, row.next_run_at) == (token, run_after)
    assert run_after == row.last_run_at + 5 * MINUTES


def test_a_link_whose_token_is_not_its_chains_does_nothing(task_queue):
    schedule_tasks()
    row = PeriodicJob.objects.get(name="reminders")

    assert job_tick(name="reminders", token="an-old-chain") == "superseded"

    assert PeriodicJob.objects.get(name="reminders").token == row.token
    assert len(chains(task_queue)["reminders"]) == 1


def test_schedule_tasks_restarts_a_dead_chain_and_the_old_one_ends(task_queue):
    schedule_tasks()
    [(old_token, _)] = chains(task_queue)["reminders"]
    # The worker was down for an hour: the chain's task is long overdue.
    PeriodicJob.objects.filter(name="reminders").update(next_run_at=timezone.now() - 60 * MINUTES)

    output = schedule_tasks()

    assert output == "Scheduled: reminders; already running: mail-sweep, proposals.\n"
    [_, (new_token, _)] = chains(task_queue)["reminders"]
    assert PeriodicJob.objects.get(name="reminders").token == new_token != old_token
    assert job_tick(name="reminders", token=old_token) == "superseded"
    assert len(chains(task_queue)["reminders"]) == 2


def test_a_failing_job_keeps_its_chain(task_queue):
    class JobFailed(Exception):
        pass

    @periodic(every=10 * MINUTES, name="test-failing")
    def failing() -> None:
        raise JobFailed

    try:
        [started] = [name for name in schedule_ensure() if name == "test-failing"]
        [(token, _)] = chains(task_queue)[started]

        with pytest.raises(JobFailed):
            job_tick(name="test-failing", token=token)

        [_, (next_token, run_after)] = chains(task_queue)["test-failing"]
        row = PeriodicJob.objects.get(name="test-failing")
        assert (row.token, row.next_run_at) == (next_token, run_after)
        assert run_after == row.last_run_at + 10 * MINUTES
    finally:
        del JOBS["test-failing"]


def test_a_job_that_no_longer_exists_ends_its_chain(task_queue):
    assert job_tick(name="retired-job", token="whatever") == "unknown"
    assert task_queue.results == []


def test_schedule_tasks_with_the_immediate_backend_schedules_nothing():
    output = schedule_tasks()

    assert output.startswith("Nothing scheduled: The task backend runs tasks at once")
    assert PeriodicJob.objects.count() == 0
    assert Mail.objects.count() == 0


def test_curators_see_when_each_job_ran_and_runs_next(task_queue, curator_client):
    schedule_tasks()

    response = curator_client.get("/admin/worker/periodicjob/")

    assert response.status_code == 200
    assert [row.name for row in response.context["cl"].result_list] == [
        "mail-sweep",
        "proposals",
        "reminders",
    ]
