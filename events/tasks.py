"""Events' periodic work on the task worker, every few minutes: reminders of the events
people are going to (cron users keep ``manage.py send_reminders``; both may run, each RSVP
is reminded once) and of the host invitations nobody answered for three days (each
invitation reminded once)."""

import datetime

from events.services import send_due_host_reminders, send_due_reminders
from worker.schedule import periodic


@periodic(every=datetime.timedelta(minutes=5), name="reminders")
def reminders() -> None:
    send_due_reminders()
    send_due_host_reminders()
