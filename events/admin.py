"""Events and RSVPs in the curators' admin.

Nothing here bypasses the RSVP rules: an event's status changes only through the
publish/cancel actions, new RSVPs added on an event's page go through ``rsvp_create``
(capacity and waitlist apply), and an RSVP's status changes only through the cancel and
check-in actions. All of them call ``events/services.py``. The messages organizers sent
are a read-only log. Hosts are edited inline (``EventHost``: organization, the movement it
stands for, status); the invitation mails go only through the hosts page and the API.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.forms.models import BaseInlineFormSet

from core.admin import ServiceActionsAdmin
from events import services
from events.models import RSVP, Event, EventHost, EventInvitation, EventMessage
from movements.models import Movement

EVERYWHERE = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class RSVPInline(admin.TabularInline):
    """The RSVPs so far, in queue order; read-only (use the RSVP actions to change them)."""

    model = RSVP
    fields = ["member", "status", "guests", "movement", "created_at", "checked_in_at"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "RSVPs (in queue order)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "movement", "event")

    def has_add_permission(self, request, obj=None):
        return False


class RSVPAddFormSet(BaseInlineFormSet):
    """Marks the formset whose new rows ``EventAdmin.save_formset`` sends through
    ``rsvp_create``."""


class RSVPAddInline(admin.TabularInline):
    """Add people to the event; capacity and waitlist apply as for everyone else."""

    model = RSVP
    formset = RSVPAddFormSet
    fields = ["member", "guests"]
    autocomplete_fields = ["member"]
    extra = 0
    can_delete = False
    verbose_name = "new RSVP"
    verbose_name_plural = "Add RSVPs (capacity and waitlist apply)"

    def get_queryset(self, request):
        return super().get_queryset(request).none()


class EventHostInline(admin.TabularInline):
    """The event's hosts and invitations, each standing for one of the event's movements.
    Curators fix the record here; no mail is sent (invite from the event's hosts page)."""

    model = EventHost
    fields = ["organization", "movement", "status", "invited_by", "invited_at", "decided_at"]
    readonly_fields = ["invited_by", "invited_at", "decided_at"]
    autocomplete_fields = ["organization"]
    extra = 0
    verbose_name_plural = "Hosts (each stands for one of the event's movements)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "movement")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.pk:
            # One of the event's movements (as saved; a movement added in the same save
            # can be chosen after it).
            formset.form.base_fields["movement"].queryset = Movement.objects.filter(events=obj)
        return formset


class EventAdminForm(forms.ModelForm):
    """The admin's change form: refuses a capacity below the places already taken, as
    ``EventForm`` does (``services.event_update`` checks again under the row lock)."""

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        error = services.capacity_error(self.instance, capacity)
        if error:
            raise forms.ValidationError(error)
        return capacity


@admin.register(Event)
class EventAdmin(ServiceActionsAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "kind",
        "status",
        "visibility",
        "starts_at",
        "capacity",
        "going_count",
        "waitlist_count",
    ]
    list_filter = ["status", "kind", "visibility", "movements"]
    search_fields = ["title", "slug", "venue", "description"]
    autocomplete_fields = ["movements", "region"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "created_by", "created_at", "updated_at"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "pk"]
    inlines = [EventHostInline, RSVPInline, RSVPAddInline]
    actions = ["publish", "cancel"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "visibility", "description"]}),
        ("Who", {"fields": ["movements", "capacity"]}),
        ("When and where", {"fields": ["starts_at", "ends_at", "venue", "address", "region"]}),
        ("Online", {"fields": ["online_link"]}),
        ("Record", {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_going_count()

    @admin.display(description="Going (places)", ordering="going_count")
    def going_count(self, obj):
        return obj.going_count

    @admin.display(description="Waitlisted", ordering="waitlist_count")
    def waitlist_count(self, obj):
        return obj.waitlist_count

    def save_model(self, request, obj, form, change):
        if change:
            # Saves and tells the people going, inside the change form's transaction.
            services._event_update(form=form)
            return
        obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, RSVPAddFormSet):
            super().save_formset(request, form, formset, change)
            return
        for new in formset.save(commit=False):
            try:
                # Inside the change form's transaction, so the in-transaction form.
                rsvp = services._rsvp_create(
                    event=form.instance, member=new.member, guests=new.guests
                )
            except services.RSVPError as error:
                self.message_user(request, f"No RSVP for {new.member}: {error}", messages.WARNING)
            else:
                self.message_user(
                    request, f"{rsvp.member} is {rsvp.get_status_display().lower()}."
                )

    @admin.action(permissions=["change"], description="Publish", location=EVERYWHERE)
    def publish(self, request, queryset):
        self._each(request, queryset, services.event_publish, "Published")

    @admin.action(
        permissions=["change"],
        description="Cancel (mails everyone going or waitlisted)",
        location=EVERYWHERE,
    )
    def cancel(self, request, queryset):
        self._each(request, queryset, services.event_cancel, "Cancelled")

    def _each(self, request, queryset, service, verb: str) -> None:
        done = 0
        for event in queryset.order_by("pk"):
            try:
                service(event=event)
            except services.EventError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{verb} {_plural(done, 'event')}.", messages.SUCCESS)


class RSVPAdminForm(forms.ModelForm):
    class Meta:
        model = RSVP
        fields = ["movement"]

    def clean_movement(self):
        movement = self.cleaned_data["movement"]
        event = self.instance.event
        if movement is not None and not event.movements.filter(pk=movement.pk).exists():
            raise forms.ValidationError(f"Choose one of the movements of “{event}”.")
        return movement


@admin.register(RSVP)
class RSVPAdmin(ServiceActionsAdmin):
    """Status, guests and people are read-only: changing them by hand would bypass the
    capacity rule. Use the actions; only the movement someone came through is editable."""

    form = RSVPAdminForm
    list_display = [
        "member",
        "event",
        "status",
        "guests",
        "movement",
        "created_at",
        "checked_in_at",
        "reminded_at",
    ]
    list_filter = ["status", "event"]
    search_fields = ["member__name", "member__key", "name", "event__title"]
    list_select_related = ["member", "event", "movement"]
    fields = [
        "event",
        "member",
        "name",
        "status",
        "guests",
        "movement",
        "told_movements",
        "created_at",
        "updated_at",
        "checked_in_at",
        "reminded_at",
    ]
    readonly_fields = [field for field in fields if field != "movement"]
    ordering = ["event", "created_at", "pk"]
    actions = ["cancel_selected", "check_in_selected", "renew_manage_links"]

    def has_add_permission(self, request):
        # New RSVPs go through the capacity rule: add them on the event's page.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would skip the waitlist promotion; cancel instead.
        return False

    @admin.action(
        permissions=["change"],
        description="Cancel selected RSVPs (promotes the waitlist)",
        location=EVERYWHERE,
    )
    def cancel_selected(self, request, queryset):
        self._each(request, queryset, services.rsvp_cancel, "Cancelled", by=False)

    @admin.action(permissions=["change"], description="Check in selected", location=EVERYWHERE)
    def check_in_selected(self, request, queryset):
        self._each(request, queryset, services.rsvp_check_in, "Checked in", by=True)

    @admin.action(
        permissions=["change"],
        description="Revoke the manage links of selected RSVPs (a new one is mailed)",
    )
    def renew_manage_links(self, request, queryset):
        for rsvp in queryset:
            services.rsvp_manage_link_renew(rsvp=rsvp)
        count = queryset.count()
        self.message_user(
            request,
            f"Revoked the manage links of {_plural(count, 'RSVP')}; each person was mailed a "
            "new one.",
            messages.SUCCESS,
        )

    def _each(self, request, queryset, service, verb: str, *, by: bool) -> None:
        done = 0
        extra = {"by": request.user} if by else {}
        for rsvp in queryset.select_related("member", "event").order_by("created_at", "pk"):
            try:
                service(rsvp=rsvp, **extra)
            except services.RSVPError as error:
                self.message_user(request, f"{rsvp.member}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{verb} {_plural(done, 'RSVP')}.", messages.SUCCESS)


@admin.register(EventMessage)
class EventMessageAdmin(admin.ModelAdmin):
    """The log of the messages organizers sent their events' people: read-only (a message
    is sent from the event's messages page, ``events.services.event_message_send``)."""

    list_display = ["sent_at", "event", "subject", "sender", "audience", "recipients"]
    list_filter = ["audience", "sent_at"]
    search_fields = ["subject", "body", "event__title", "event__slug"]
    list_select_related = ["event", "sender"]
    date_hierarchy = "sent_at"
    ordering = ["-sent_at", "-pk"]
    fields = ["event", "sender", "sent_at", "audience", "recipients", "subject", "body"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EventInvitation)
class EventInvitationAdmin(admin.ModelAdmin):
    """The invitations outreach sent (``events.services.event_outreach_send``): who was
    invited to which event, through which movement, when. Read-only: each is the record
    that keeps a person from being invited to that event again."""

    list_display = ["sent_at", "event", "member", "movement"]
    list_filter = ["sent_at"]
    search_fields = ["event__title", "event__slug", "member__name", "member__key"]
    list_select_related = ["event", "member", "movement"]
    date_hierarchy = "sent_at"
    ordering = ["-sent_at", "pk"]
    fields = ["event", "member", "movement", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
