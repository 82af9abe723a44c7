"""The rows the task worker works from: mails waiting to leave (the outbox) and the
periodic jobs' chains. Thin models; the rules are in ``services.py`` and ``schedule.py``."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class MailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class MailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=MailStatus.PENDING)

    def failed(self):
        return self.filter(status=MailStatus.FAILED)

    def sent(self):
        return self.filter(status=MailStatus.SENT)


class Mail(models.Model):
    """One mail as it will leave: written in the transaction of the change that causes it,
    sent by the worker after commit (``services.mail_send``). ``to``, ``cc``, ``bcc`` and
    ``reply_to`` are lists of addresses; ``headers`` a dict; ``attachments`` a list of
    ``{"filename", "mimetype", "content"}`` (text) or ``{…, "base64"}`` (bytes);
    ``alternatives`` a list of ``{"content", "mimetype"}``. Once sent, the body,
    attachments and alternatives are emptied: they carry sign-in links and private
    addresses, and nobody needs them any more."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(
        max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING
    )
    from_email = models.CharField("from", max_length=500)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.TextField()
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True)
    alternatives = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the next attempt is due (empty: at once, for a new mail).",
    )
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=MailStatus.SENT) & Q(sent_at__isnull=False))
                | (~Q(status=MailStatus.SENT) & Q(sent_at__isnull=True)),
                name="mail_sent_at_iff_sent",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"


class PeriodicJob(models.Model):
    """The chain of one periodic job (``schedule.periodic``): the task due at
    ``next_run_at`` carries ``token``; a task with any other token ends its chain, so
    exactly one chain runs however often ``schedule_tasks`` is called."""

    name = models.CharField(max_length=100, unique=True)
    token = models.CharField(max_length=32, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
