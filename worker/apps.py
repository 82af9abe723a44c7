from django.apps import AppConfig


class WorkerConfig(AppConfig):
    """What runs on the task worker (``make worker``): the mail outbox, periodic jobs and
    debounced ones. Above ``core``, below every app that has work for it."""

    name = "worker"
    verbose_name = "Background work"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's tasks.py registers its periodic jobs (worker.schedule.periodic), as
        # admin.py modules register their ModelAdmins: the worker then knows every job
        # without importing the apps above it by name.
        autodiscover_modules("tasks")
