"""The outbox and the periodic jobs in the curators' admin.

Mails are read-only: a curator filters them by status, reads why one failed and sends
failed ones again (``services.mails_send_again``). The body is never shown: it can carry a
person's sign-in, password-reset or RSVP link."""

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation

from core.admin import ServiceActionsAdmin
from worker import services
from worker.models import Mail, PeriodicJob

EVERYWHERE = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


@admin.register(Mail)
class MailAdmin(ServiceActionsAdmin):
    list_display = [
        "created_at",
        "subject",
        "recipients",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    fields = [
        "status",
        "created_at",
        "from_email",
        "to",
        "cc",
        "bcc",
        "reply_to",
        "subject",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description="to")
    def recipients(self, mail: Mail) -> str:
        return ", ".join(mail.to)

    @admin.display(description="last error")
    def error(self, mail: Mail) -> str:
        return mail.last_error[:120]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_send_again_permission(self, request) -> bool:
        return request.user.has_perm("worker.change_mail")

    @admin.action(
        permissions=["send_again"],
        description="Send again (failed mails; sent ones are left alone)",
        location=EVERYWHERE,
    )
    def send_again(self, request, queryset):
        queued = services.mails_send_again(mails=queryset)
        skipped = queryset.count() - queued
        text = f"{queued} mail{'' if queued == 1 else 's'} queued to be sent again."
        if skipped:
            text += f" {skipped} already sent left alone."
        self.message_user(request, text, messages.SUCCESS if queued else messages.WARNING)


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    """When each periodic job last ran and runs next (``manage.py schedule_tasks``)."""

    list_display = ["name", "last_run_at", "next_run_at"]
    fields = ["name", "last_run_at", "next_run_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
