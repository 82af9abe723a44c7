"""``manage.py schedule_tasks``: start the chain of every periodic job that has none.

Idempotent: ``make worker`` runs it before each start of the worker, and however often it
runs exactly one chain per job exists (``worker.schedule``)."""

from django.core.management.base import BaseCommand

from worker.schedule import JOBS, SchedulingUnavailable, schedule_ensure


class Command(BaseCommand):
    help = "Start the chain of every periodic job that has none (idempotent)."

    def handle(self, *args, **options):
        try:
            started = schedule_ensure()
        except SchedulingUnavailable as error:
            self.stdout.write(f"Nothing scheduled: {error}")
            return
        running = sorted(set(JOBS) - set(started))
        self.stdout.write(
            f"Scheduled: {', '.join(started) or 'none'}; "
            f"already running: {', '.join(running) or 'none'}."
        )
