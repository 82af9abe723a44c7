import datetime
from io import StringIO

import icalendar
import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from events.models import RSVP
from events.services import send_due_reminders
from tests.factories import EventFactory, MemberFactory, RSVPFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def event_in(now, hours: float, **kwargs):
    starts = now + datetime.timedelta(hours=hours)
    return EventFactory(starts_at=starts, ends_at=starts + 2 * HOUR, **kwargs)


def test_send_due_reminders_mails_each_person_going_once_with_the_ics(
    now, django_capture_on_commit_callbacks
):
    event = event_in(now, 5, title="Potluck")
    going = RSVPFactory(event=event, member=MemberFactory(key="m-going"), status="going")

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_due_reminders(now=now)

    assert sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["m-going@people.example.org"]
    assert message.subject.startswith("Reminder: Potluck, ")
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{event.slug}.ics", "text/calendar")
    vevent = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(vevent["UID"]) == f"event-{event.pk}@coalition"
    going.refresh_from_db()
    assert going.reminded_at == now


def test_send_due_reminders_twice_sends_nothing_the_second_time(
    now, django_capture_on_commit_callbacks
):
    event = event_in(now, 5)
    RSVPFactory.create_batch(3, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_reminders(now=now)

    with django_capture_on_commit_callbacks(execute=True):
        second = send_due_reminders(now=now + 10 * datetime.timedelta(minutes=1))

    assert (first, second) == (3, 0)
    assert len(mail.outbox) == 3


def test_send_due_reminders_skips_what_is_not_due(now, django_capture_on_commit_callbacks):
    soon = event_in(now, 23)
    RSVPFactory(event=soon, member=MemberFactory(key="m-due"), status="going")
    RSVPFactory(event=soon, status="waitlisted")
    RSVPFactory(event=soon, status="cancelled")
    RSVPFactory(event=soon, status="going", member=MemberFactory(email=""))
    RSVPFactory(event=soon, status="going", reminded_at=now - HOUR)
    RSVPFactory(event=event_in(now, 25), status="going")
    RSVPFactory(event=event_in(now, -1), status="going")
    RSVPFactory(event=event_in(now, 5, status="cancelled"), status="going")
    RSVPFactory(event=event_in(now, 5, status="draft"), status="going")

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_due_reminders(now=now)

    assert sent == 1
    assert [message.to for message in mail.outbox] == [["m-due@people.example.org"]]


def test_private_event_reminder_has_the_address_for_the_person_going(
    now, django_capture_on_commit_callbacks
):
    event = event_in(now, 5, visibility="private", address="7 Secret Lane")
    RSVPFactory(event=event, status="going")

    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(now=now)

    message = mail.outbox[0]
    assert "Where: Community hall, 7 Secret Lane" in message.body
    vevent = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    assert str(vevent["LOCATION"]) == "Community hall, 7 Secret Lane"


def test_send_due_reminders_uses_the_window(now):
    RSVPFactory(event=event_in(now, 30), status="going")

    assert send_due_reminders(now=now, window=24 * HOUR) == 0
    assert send_due_reminders(now=now, window=48 * HOUR) == 1


def test_send_reminders_command_reports_and_is_idempotent():
    # The command reminds from the real clock: an event three hours after it.
    RSVPFactory.create_batch(2, event=event_in(timezone.now(), 3), status="going")
    first, second = StringIO(), StringIO()

    call_command("send_reminders", stdout=first)
    call_command("send_reminders", stdout=second)

    assert first.getvalue() == "Sent 2 reminders.\n"
    assert second.getvalue() == "Sent 0 reminders.\n"
    assert RSVP.objects.filter(reminded_at__isnull=True).count() == 0


def test_send_reminders_command_refuses_a_bad_window():
    with pytest.raises(CommandError, match="--hours must be at least 1"):
        call_command("send_reminders", "--hours", "0")
