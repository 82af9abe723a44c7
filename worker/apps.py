from django.apps import AppConfig


class WorkerConfig(AppConfig):
    """What runs on the task worker (``make worker``): the mail outbox. Above ``core``,
    below every app that has work for it."""

    name = "worker"
    verbose_name = "Background work"
