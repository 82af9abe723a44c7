"""The mail outbox: every mail the site sends is written here first and sent by the task
worker, so no request ever waits on (or fails with) the mail server.

``mail_queue`` stores ``EmailMessage`` objects as ``Mail`` rows in the caller's
transaction, the one of the change that causes them: a rollback leaves no mail behind, a
commit leaves every mail. After commit, ``send_mails`` tasks are enqueued with the rows'
ids (task arguments are JSON). The worker sends each row under its row lock
(``mail_send``; ``SKIP LOCKED`` on PostgreSQL) and only while it is pending and due, so a
row is sent once however many tasks name it.

A failing send is tried again after ``RETRY_DELAYS`` (1, 2, 5, 10 and 25 minutes: five
retries, six attempts in all), each retry a task enqueued with ``run_after``; the
attempts and the last error are kept on the row. After the last retry the row is failed:
curators see it in the admin and can send it again (``mails_send_again``). With a task
backend that cannot defer (the immediate one, ``make run`` and the tests) a failed
attempt waits for "Send again".

``mails_sweep`` (a periodic job, ``worker/tasks.py``) enqueues again the pending rows
whose task was lost (a process that died between commit and enqueue) and deletes sent
rows after ``SENT_KEPT``.
"""

import base64
import datetime
import logging
from email.message import MIMEPart
from email.mime.base import MIMEBase
from functools import partial
from itertools import batched

from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q, QuerySet
from django.tasks import default_task_backend
from django.utils import timezone

from worker.models import Mail, MailStatus

logger = logging.getLogger(__name__)

MINUTE = datetime.timedelta(minutes=1)
# The wait before each retry: five retries after the first attempt.
RETRY_DELAYS = (1 * MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 25 * MINUTE)
# A pending row whose attempt is this overdue lost its task: the sweep enqueues it again.
LOST_AFTER = 15 * MINUTE
# How long a sent row (who, what subject, when; no body) is kept.
SENT_KEPT = datetime.timedelta(days=30)
# Ids per send_mails task: one mail server connection each.
BATCH = 100
# How much of an error is kept on the row.
ERROR_LENGTH = 2000
# What an attempt changes on the row.
SEND_FIELDS = ["status", "attempts", "next_attempt_at", "last_error", "sent_at", "body",
               "attachments", "alternatives"]  # fmt: skip


class MailNotSent(Exception):
    """The mail backend accepted no message and raised nothing."""


# --- queueing ----------------------------------------------------------------------------


def mail_queue(*, messages: list[EmailMessage | None]) -> list[Mail]:
    """Store ``messages`` (``None`` entries, people without an address, are skipped) as
    pending mails in the current transaction and enqueue their sending after commit.
    Returns the rows."""
    messages = [message for message in messages if message is not None]
    if not messages:
        return []
    with transaction.atomic():
        mails = Mail.objects.bulk_create([_row(message) for message in messages])
        ids = [mail.pk for mail in mails]
        # robust: a failed enqueue is logged and never undoes the change; the sweep finds
        # the rows again.
        transaction.on_commit(partial(enqueue_sending, ids), robust=True)
    return mails


def enqueue_sending(ids: list[int], *, run_after: datetime.datetime | None = None) -> None:
    """Enqueue ``send_mails`` for ``ids``, ``BATCH`` at a time, at ``run_after`` when the
    task backend can defer (else now)."""
    from worker.tasks import send_mails

    task = send_mails
    if run_after is not None and default_task_backend.supports_defer:
        task = send_mails.using(run_after=run_after)
    for batch in batched(ids, BATCH):
        task.enqueue(list(batch))


def _row(message: EmailMessage) -> Mail:
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase | MIMEPart):
            raise TypeError("The outbox stores attachments given as (filename, content, type).")
        filename, content, mimetype = attachment
        if isinstance(content, bytes):
            stored = {"base64": base64.b64encode(content).decode("ascii")}
        else:
            stored = {"content": content}
        attachments.append({"filename": filename, "mimetype": mimetype, **stored})
    return Mail(
        from_email=message.from_email,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        subject=message.subject,
        body=message.body,
        headers=dict(message.extra_headers),
        attachments=attachments,
        alternatives=[
            {"content": content, "mimetype": mimetype}
            for content, mimetype in getattr(message, "alternatives", [])
        ],
    )


def _message(mail: Mail) -> EmailMultiAlternatives:
    """The mail as Django sends it, rebuilt from its row."""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=mail.from_email,
        to=mail.to,
        cc=mail.cc,
        bcc=mail.bcc,
        reply_to=mail.reply_to,
        headers=mail.headers,
    )
    for attachment in mail.attachments:
        content = (
            base64.b64decode(attachment["base64"])
            if "base64" in attachment
            else attachment["content"]
        )
        message.attach(attachment["filename"], content, attachment["mimetype"])
    for alternative in mail.alternatives:
        message.attach_alternative(alternative["content"], alternative["mimetype"])
    return message


# --- sending (on the worker) ---------------------------------------------------------------


def mails_send(*, mail_ids: list[int], now: datetime.datetime | None = None) -> dict:
    """Send the pending, due mails among ``mail_ids`` over one connection of the default
    mailer (``mail_send`` each). Returns how many were sent, failed for now, failed for
    good, and skipped (sent already, not due, being sent by another worker)."""
    counts = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    connection = mailers.default
    try:
        for mail_id in mail_ids:
            mail = mail_send(mail_id=mail_id, connection=connection, now=now)
            if mail is None:
                counts["skipped"] += 1
            elif mail.status == MailStatus.SENT:
                counts["sent"] += 1
            else:
                counts["retrying" if mail.status == MailStatus.PENDING else "failed"] += 1
                _close_quietly(connection)  # a broken connection is opened afresh
    finally:
        _close_quietly(connection)
    return counts


def mail_send(*, mail_id: int, connection, now: datetime.datetime | None = None) -> Mail | None:
    """Send the mail ``mail_id`` over ``connection`` if it is pending and due, holding its
    row lock meanwhile; record the outcome and return the row. ``None`` when there was
    nothing to do: sent already, failed for good, not due yet, gone, or locked by another
    worker sending it right now."""
    now = now or timezone.now()
    with transaction.atomic():
        mail = (
            Mail.objects.select_for_update(skip_locked=True)
            .pending()
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(pk=mail_id)
            .first()
        )
        if mail is None:
            return None
        mail.attempts += 1
        try:
            if not connection.send_messages([_message(mail)]):
                raise MailNotSent("The mail backend sent nothing.")
        except Exception as error:
            _failed(mail, error, now=now)
        else:
            mail.status = MailStatus.SENT
            mail.sent_at = now
            mail.next_attempt_at = None
            mail.last_error = ""
            mail.body, mail.attachments, mail.alternatives = "", [], []
        mail.save(update_fields=SEND_FIELDS)
    return mail


def _failed(mail: Mail, error: Exception, *, now: datetime.datetime) -> None:
    """Record a failed attempt: retry after the next delay, or give up after the last."""
    mail.last_error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    if mail.attempts > len(RETRY_DELAYS):
        mail.status = MailStatus.FAILED
        mail.next_attempt_at = None
        logger.error("Mail %s failed for good after %s attempts: %s", mail.pk, mail.attempts,
                     mail.last_error)  # fmt: skip
        return
    mail.next_attempt_at = now + RETRY_DELAYS[mail.attempts - 1]
    logger.warning("Mail %s failed (attempt %s), retrying at %s: %s", mail.pk, mail.attempts,
                   mail.next_attempt_at, mail.last_error)  # fmt: skip
    transaction.on_commit(
        partial(enqueue_sending, [mail.pk], run_after=mail.next_attempt_at), robust=True
    )


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # a connection already broken has nothing left to close
        logger.debug("Closing the mail connection failed", exc_info=True)


# --- curators and the sweep ----------------------------------------------------------------


def mails_send_again(*, mails: QuerySet) -> int:
    """Send the failed (or pending) ``mails`` again now, with a fresh round of retries.
    Sent mails are left alone. Returns how many were queued."""
    with transaction.atomic():
        ids = list(
            mails.select_for_update()
            .filter(status__in=[MailStatus.FAILED, MailStatus.PENDING])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Mail.objects.filter(pk__in=ids).update(
            status=MailStatus.PENDING, attempts=0, next_attempt_at=None
        )
        if ids:
            transaction.on_commit(partial(enqueue_sending, ids), robust=True)
    return len(ids)


def mails_sweep(*, now: datetime.datetime | None = None) -> dict:
    """Enqueue again the pending mails whose task was lost (their attempt ``LOST_AFTER``
    overdue), and delete sent mails older than ``SENT_KEPT``. Returns both counts."""
    now = now or timezone.now()
    overdue = now - LOST_AFTER
    lost = list(
        Mail.objects.pending()
        .filter(
            Q(next_attempt_at__isnull=True, created_at__lt=overdue)
            | Q(next_attempt_at__lt=overdue)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if lost:
        enqueue_sending(lost)
    deleted, _ = Mail.objects.sent().filter(sent_at__lt=now - SENT_KEPT).delete()
    return {"enqueued": len(lost), "deleted": deleted}
