"""The worker's tests queue tasks instead of running them (``task_queue``) and then run
them as the worker would, so they can see what a request left for the worker."""

import datetime

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.tasks import TaskResult, default_task_backend
from django.utils import timezone


class TaskQueue:
    """Django's DummyBackend, read and run: ``results`` are the tasks enqueued so far,
    ``run()`` runs those due as the worker does."""

    def __init__(self):
        self.done: set[str] = set()

    @property
    def results(self) -> list[TaskResult]:
        return list(default_task_backend.results)

    def enqueued(self, name: str) -> list[TaskResult]:
        """The tasks of the function ``name`` enqueued so far."""
        return [result for result in self.results if result.task.name == name]

    def waiting(self) -> list[TaskResult]:
        return [result for result in self.results if result.id not in self.done]

    def run(self, *, now: datetime.datetime | None = None) -> int:
        """Run every waiting task due at ``now`` (default: the clock), and those they
        enqueue, each once, in the order enqueued. Returns how many ran."""
        ran = 0
        while due := [
            result
            for result in self.waiting()
            if result.task.run_after is None or result.task.run_after <= (now or timezone.now())
        ]:
            for result in due:
                self.done.add(result.id)
                result.task.call(*result.args, **result.kwargs)
                ran += 1
        return ran


@pytest.fixture
def task_queue(settings) -> TaskQueue:
    """Tasks wait (Django's DummyBackend, which can defer) instead of running at once."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return TaskQueue()


class BrokenMailServer(BaseEmailBackend):
    """A mail server that refuses every message, as a server that is down does."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def broken_mail_server(settings):
    """The default mailer fails every send (``BrokenMailServer``)."""
    settings.MAILERS = {"default": {"BACKEND": "tests.worker.conftest.BrokenMailServer"}}
