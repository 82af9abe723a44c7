"""The mail outbox: mails are rows written with the change that causes them, sent by the
worker once, retried with backoff when the server fails, and shown to curators when they
failed for good."""

import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from worker.models import Mail, MailStatus
from worker.services import (
    RETRY_DELAYS,
    mail_queue,
    mail_send,
    mails_send,
    mails_sweep,
)

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def message(to: str = "ada@example.org", subject: str = "Hello") -> EmailMessage:
    return EmailMessage(subject=subject, body="A body.", to=[to])


def queue(*messages, capture) -> list[Mail]:
    with capture(execute=True):
        return mail_queue(messages=list(messages))


def test_queue_writes_rows_in_the_callers_transaction_and_nothing_on_rollback(
    task_queue, django_capture_on_commit_callbacks
):
    class Refused(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):  # noqa: SIM117
        with transaction.atomic():
            mail_queue(messages=[message()])
            raise Refused

    assert Mail.objects.count() == 0
    assert task_queue.results == []


def test_queue_skips_people_without_an_address_and_enqueues_ids_after_commit(
    task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        rows = mail_queue(messages=[message("a@example.org"), None, message("b@example.org")])

        assert task_queue.results == []  # not before commit

    for callback in callbacks:
        callback()
    [result] = task_queue.enqueued("send_mails")
    assert result.args == [[row.pk for row in rows]]
    assert [row.to for row in rows] == [["a@example.org"], ["b@example.org"]]
    assert mail.outbox == []


def test_the_worker_sends_a_mail_with_everything_it_carried(
    task_queue, django_capture_on_commit_callbacks
):
    original = EmailMultiAlternatives(
        subject="Reminder: Potluck",
        body="See you there.",
        from_email="Ada via Coalition <coalition@localhost>",
        to=["ada@example.org"],
        cc=["cc@example.org"],
        bcc=["bcc@example.org"],
        reply_to=["reply@example.org"],
        headers={"List-Unsubscribe": "<https://coalition.example.org/u/x/>"},
    )
    original.attach("potluck.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    original.attach("map.png", b"\x89PNG\x00\xff", "image/png")
    original.attach_alternative("<p>See you there.</p>", "text/html")
    [row] = queue(original, capture=django_capture_on_commit_callbacks)

    assert task_queue.run() == 1

    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.from_email) == (
        "Reminder: Potluck",
        "See you there.",
        "Ada via Coalition <coalition@localhost>",
    )
    assert (sent.to, sent.cc, sent.bcc, sent.reply_to) == (
        ["ada@example.org"],
        ["cc@example.org"],
        ["bcc@example.org"],
        ["reply@example.org"],
    )
    assert sent.extra_headers == {"List-Unsubscribe": "<https://coalition.example.org/u/x/>"}
    assert [tuple(attachment) for attachment in sent.attachments] == [
        ("potluck.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
        ("map.png", b"\x89PNG\x00\xff", "image/png"),
    ]
    assert [tuple(alternative) for alternative in sent.alternatives] == [
        ("<p>See you there.</p>", "text/html")
    ]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (MailStatus.SENT, 1, "")
    assert row.sent_at is not None
    # What was sent is not kept: it can carry sign-in links and private addresses.
    assert (row.body, row.attachments, row.alternatives) == ("", [], [])


def test_a_mail_is_sent_once_however_many_tasks_name_it(
    task_queue, django_capture_on_commit_callbacks
):
    [row] = queue(message(), capture=django_capture_on_commit_callbacks)

    first = mails_send(mail_ids=[row.pk])
    second = mails_send(mail_ids=[row.pk])

    assert first == {"sent": 1, "retrying": 0, "failed": 0, "skipped": 0}
    assert second == {"sent": 0, "retrying": 0, "failed": 0, "skipped": 1}
    assert len(mail.outbox) == 1


def test_a_failing_mail_is_retried_after_1_2_5_10_25_minutes_then_failed(
    task_queue, broken_mail_server, django_capture_on_commit_callbacks
):
    [row] = queue(message(), capture=django_capture_on_commit_callbacks)
    start = timezone.now()
    now = start

    attempts = []
    for _ in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            row = mail_send(mail_id=row.pk, connection=_default_connection(), now=now)
        attempts.append((row.status, row.attempts, row.next_attempt_at))
        if row.next_attempt_at is not None:
            now = row.next_attempt_at

    waits = [1, 2, 5, 10, 25]
    assert tuple(minutes * MINUTE for minutes in waits) == RETRY_DELAYS
    expected, at = [], start
    for attempt, minutes in enumerate(waits, start=1):
        at += minutes * MINUTE
        expected.append((MailStatus.PENDING, attempt, at))
    expected.append((MailStatus.FAILED, 6, None))
    assert attempts == expected
    # Each retry is a task enqueued to run when it is due.
    retries = task_queue.enqueued("send_mails")[1:]
    assert [(result.args, result.task.run_after) for result in retries] == [
        ([[row.pk]], due) for _, _, due in expected[:5]
    ]
    assert row.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert row.sent_at is None
    assert mail.outbox == []


def test_a_retry_is_not_sent_before_it_is_due(
    task_queue, broken_mail_server, django_capture_on_commit_callbacks, settings
):
    [row] = queue(message(), capture=django_capture_on_commit_callbacks)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        mail_send(mail_id=row.pk, connection=_default_connection(), now=now)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    early = mails_send(mail_ids=[row.pk], now=now + 30 * datetime.timedelta(seconds=1))
    due = mails_send(mail_ids=[row.pk], now=now + MINUTE)

    assert early["skipped"] == 1
    assert due["sent"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_a_task_running_late_does_not_double_a_retry(
    task_queue, broken_mail_server, django_capture_on_commit_callbacks
):
    """The worker may run the first task late, after 'send again' or the sweep named the
    same row again: the row is tried once per due time, never twice."""
    [row] = queue(message(), capture=django_capture_on_commit_callbacks)
    now = timezone.now()

    counts = mails_send(mail_ids=[row.pk, row.pk], now=now)

    assert counts == {"sent": 0, "retrying": 1, "failed": 0, "skipped": 1}
    row.refresh_from_db()
    assert row.attempts == 1


def test_with_the_immediate_backend_a_failed_attempt_waits_for_send_again(
    broken_mail_server, django_capture_on_commit_callbacks
):
    """`make run` and the tests run tasks at once and cannot defer one: the request goes
    on, the row stays pending with its next attempt, and nothing is lost."""
    [row] = queue(message(), capture=django_capture_on_commit_callbacks)

    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.PENDING, 1)
    assert row.next_attempt_at is not None
    assert mail.outbox == []


def test_sweep_enqueues_mails_whose_task_was_lost_and_deletes_old_sent_ones(task_queue):
    now = timezone.now()
    lost = Mail.objects.create(
        from_email="a@localhost", to=["lost@example.org"], subject="Lost", body="x",
        created_at=now - 20 * MINUTE,
    )  # fmt: skip
    overdue_retry = Mail.objects.create(
        from_email="a@localhost", to=["retry@example.org"], subject="Retry", body="x",
        attempts=1, next_attempt_at=now - 16 * MINUTE,
    )  # fmt: skip
    Mail.objects.create(  # just queued: its task is on the way
        from_email="a@localhost", to=["new@example.org"], subject="New", body="x",
        created_at=now - MINUTE,
    )  # fmt: skip
    Mail.objects.create(  # its retry is due in a while
        from_email="a@localhost", to=["later@example.org"], subject="Later", body="x",
        attempts=2, next_attempt_at=now + 5 * MINUTE,
    )  # fmt: skip
    Mail.objects.create(
        from_email="a@localhost", to=["old@example.org"], subject="Old", status=MailStatus.SENT,
        sent_at=now - datetime.timedelta(days=31),
    )  # fmt: skip
    recent = Mail.objects.create(
        from_email="a@localhost", to=["recent@example.org"], subject="Recent",
        status=MailStatus.SENT, sent_at=now - datetime.timedelta(days=29),
    )  # fmt: skip

    result = mails_sweep(now=now)

    assert result == {"enqueued": 2, "deleted": 1}
    [task] = task_queue.enqueued("send_mails")
    assert task.args == [[lost.pk, overdue_retry.pk]]
    assert Mail.objects.sent().get() == recent


def test_file_transport_writes_each_mail_to_the_folder(
    task_queue, settings, tmp_path, django_capture_on_commit_callbacks
):
    """DJANGO_EMAIL_FILE_PATH's mailer (coalition/settings.py): mail checked end to end
    without a mail server."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    queue(message(subject="You're in: Potluck"), capture=django_capture_on_commit_callbacks)

    task_queue.run()

    [written] = list(tmp_path.iterdir())
    text = written.read_text()
    assert "Subject: You're in: Potluck" in text
    assert "To: ada@example.org" in text


def _default_connection():
    from django.core.mail import mailers

    return mailers.default
