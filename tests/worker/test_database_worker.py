"""The production setup in one process: tasks wait in the database (django-tasks-db) and
its worker, ``manage.py db_worker`` (what ``make worker`` runs), sends the mail a request
left. Committed transactions, as in
production: each request's commit enqueues its tasks."""

import signal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from worker.models import Mail, MailStatus

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
