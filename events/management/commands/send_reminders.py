"""``manage.py send_reminders``: mail the people going to events that start within the
next 24 hours, once each, with the event's .ics attached; and remind the invitations to
co-host nobody answered for three days, once each.

Idempotent and safe to run from cron every few minutes, even two runs at once: each RSVP
and each invitation is reminded once (see ``events.services.send_due_reminders`` and
``send_due_host_reminders``)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from events.services import REMINDER_WINDOW, send_due_host_reminders, send_due_reminders


class Command(BaseCommand):
    help = "Mail a reminder (with the .ics) to each person going to an event starting soon."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=int(REMINDER_WINDOW.total_seconds() // 3600),
            help="Remind about events starting within this many hours (default: %(default)s).",
        )

    def handle(self, *args, hours: int, **options):
        if hours < 1:
            raise CommandError("--hours must be at least 1.")
        sent = send_due_reminders(window=datetime.timedelta(hours=hours))
        self.stdout.write(f"Sent {sent} reminder{'' if sent == 1 else 's'}.")
        invitations = send_due_host_reminders()
        if invitations:
            plural = "" if invitations == 1 else "s"
            self.stdout.write(f"Reminded {invitations} invitation{plural} to co-host.")
