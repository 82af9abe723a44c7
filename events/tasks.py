"""Events' periodic work on the task worker: reminders every few minutes (cron users keep
``manage.py send_reminders``; both may run, each RSVP is reminded once)."""

import datetime

from events.services import send_due_reminders
from worker.schedule import periodic


@periodic(every=datetime.timedelta(minutes=5), name="reminders")
def reminders() -> None:
    send_due_reminders()
