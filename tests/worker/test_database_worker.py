"""The production setup in one process: tasks wait in the database (django-tasks-db) and
its worker, ``manage.py db_worker`` (what ``make worker`` runs), sends the mail a request
left and runs the periodic jobs ``schedule_tasks`` set up. Committed transactions, as in
production: each request's commit enqueues its tasks."""

import signal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from worker.models import Mail, MailStatus, PeriodicJob

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """``db_worker --batch``: run every task that is due, then stop. The worker installs
    its own signal handlers; the test process gets its own back."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def test_the_database_worker_sends_the_mail_a_request_left(database_tasks):
    UserFactory(username="ada", email="ada@example.org")

    response = Client().post("/accounts/password/reset/", {"email": "ada@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []
    [task] = DBTaskResult.objects.ready()
    assert task.task_path == "worker.tasks.send_mails"

    run_worker()

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ada@example.org"], "Reset your Coalition password")
    ]
    assert Mail.objects.get().status == MailStatus.SENT
    assert DBTaskResult.objects.successful().count() == 1


def test_schedule_tasks_and_the_worker_keep_one_chain_per_periodic_job(database_tasks):
    call_command("schedule_tasks", verbosity=0)
    call_command("schedule_tasks", verbosity=0)

    assert DBTaskResult.objects.ready().count() == 3

    run_worker()

    # Each job ran once and left exactly one task, due after its interval, carrying the
    # token its row waits for.
    assert DBTaskResult.objects.successful().count() == 3
    waiting = DBTaskResult.objects.filter(status="READY")
    assert sorted(task.args_kwargs["args"] for task in waiting) == sorted(
        [job.name, job.token] for job in PeriodicJob.objects.all()
    )
    assert {job.name for job in PeriodicJob.objects.all()} == {
        "mail-sweep",
        "proposals",
        "reminders",
    }
    assert all(job.last_run_at is not None for job in PeriodicJob.objects.all())
    assert DBTaskResult.objects.ready().count() == 0  # the next ones are not due yet
