"""Admin pieces the apps share (this module registers nothing)."""

from django.contrib import admin
from django.contrib.admin import ActionLocation
from django.contrib.admin.options import csrf_protect_m

# The buttons that make a change page's POST a save rather than an action.
SAVE_BUTTONS = ("_save", "_continue", "_addanother")


class ServiceActionsAdmin(admin.ModelAdmin):
    """A ModelAdmin whose actions call services that own their transaction.

    Django runs every POST to a change page in ``transaction.atomic``, an action chosen
    there (``ActionLocation.CHANGE_FORM``) included. The services open durable transactions
    (the outermost, so that what they did is committed, and their mail sent, when they
    return), which cannot nest in Django's. So an action posted from a change page runs
    outside it, exactly as from the change list; saving the form itself stays in Django's
    transaction, and what it calls there uses the services' in-transaction forms."""

    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None and self.is_action_post(request):
            return self._changeform_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def is_action_post(self, request) -> bool:
        """Whether Django's change page will treat this request as an action (the same
        test as ``ModelAdmin._changeform_view``)."""
        location = ActionLocation.CHANGE_FORM
        return (
            request.method == "POST"
            and f"{location.value}-action" in request.POST
            and not any(button in request.POST for button in SAVE_BUTTONS)
            and bool(self.get_actions(request, action_location=location))
        )
