"""Forms for events: the organizer's event form, the RSVP form, the cancel form and the
organizers' message to an event's people.

Request shape and field-level rules live here; the rules about places, the waitlist and
closing RSVPs live in ``events/services.py``.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from core.dates import DateRangeFieldMixin, validate_not_too_far_ahead
from events.models import (
    MESSAGE_BODY_MAX_LENGTH,
    MESSAGE_SUBJECT_MAX_LENGTH,
    Event,
    EventKind,
    HostStatus,
    MessageAudience,
)
from events.services import MAX_GUESTS, _hosts_choose, capacity_error
from movements.models import Movement, Organization, Participation, Region

DATETIME_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type="datetime-local">``: the browser's picker, minute precision."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_INPUT_FORMAT)


class LocalDateTimeField(DateRangeFieldMixin, forms.DateTimeField):
    """A datetime typed as local wall-clock time to the minute, read in the current time
    zone, between 1900-01-01 and 2100-12-31 (``core.dates``). Seconds the stored value may
    have do not count as a change."""

    widget = DateTimeLocalInput

    def __init__(self, *, required_message: str, **kwargs):
        super().__init__(
            input_formats=[DATETIME_INPUT_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
            error_messages={
                "required": required_message,
                "invalid": "Enter a date and time, like 2026-05-01 18:00.",
            },
            **kwargs,
        )

    def has_changed(self, initial, data):
        if isinstance(initial, datetime.datetime):
            initial = initial.replace(second=0, microsecond=0)
        return super().has_changed(initial, data)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, except that an id too large for the database is an unknown choice like any
    other (on SQLite the lookup raises OverflowError, a 500)."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            too_large = next((v for v in value if str(v).strip().lstrip("+-").isdigit()), "")
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": too_large},
            ) from None


class EventForm(forms.ModelForm):
    """Create or edit an event. ``user`` limits the host choices to organizations they
    organize: each one chosen is a confirmed host (a new one standing for the first of
    the event's movements it takes part in: ``services.default_host_movement``), each one
    left out that was confirmed leaves. Hosts they do not organize, and invitations, stay
    on the event untouched (invitations live on the event's hosts page)."""

    starts_at = LocalDateTimeField(label="Starts", required_message="Enter when the event starts.")
    ends_at = LocalDateTimeField(label="Ends", required_message="Enter when the event ends.")
    movements = ModelMultipleChoiceField(
        queryset=Movement.objects.visible(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The movements this event brings together.",
        error_messages={"required": "Choose at least one movement."},
    )
    hosts = ModelMultipleChoiceField(
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Their organizers can manage the event.",
        error_messages={
            "required": "Choose at least one host organization.",
            "invalid_choice": "You can only add organizations you organize as hosts.",
        },
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), required=False, empty_label="No region"
    )
    capacity = forms.IntegerField(
        required=False,
        min_value=1,
        help_text="Places, guests included. Leave empty for no limit.",
        error_messages={"min_value": "Capacity must be at least 1, or empty for no limit."},
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "description",
            "movements",
            "starts_at",
            "ends_at",
            "venue",
            "address",
            "region",
            "online_link",
            "capacity",
            "visibility",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "visibility": forms.RadioSelect,
        }
        labels = {"online_link": "Online link"}
        error_messages = {"title": {"required": "Give the event a title."}}

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        managed = Organization.objects.managed_by(user).order_by("name")
        self.fields["hosts"].queryset = managed
        self.other_hosts: list[Organization] = []
        if self.instance.pk:
            confirmed = Organization.objects.filter(
                event_hosts__event=self.instance, event_hosts__status=HostStatus.CONFIRMED
            ).order_by("name")
            self.initial.setdefault(
                "hosts",
                list(confirmed.filter(pk__in=managed.values("pk")).values_list("pk", flat=True)),
            )
            self.other_hosts = list(confirmed.exclude(pk__in=managed.values("pk")))
            if self.other_hosts:
                names = ", ".join(o.name for o in self.other_hosts)
                self.fields["hosts"].help_text = (
                    f"Their organizers can manage the event. Also hosting: {names} "
                    "(they stay hosts)."
                )
        zone = timezone.get_current_timezone_name()
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = f"Local time ({zone})."
        self.fields["kind"].choices = EventKind.choices

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        error = capacity_error(self.instance, capacity)
        if error:
            raise ValidationError(error)
        return capacity

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        validate_not_too_far_ahead(starts_at)
        return starts_at

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The event must end after it starts.")
        moved = self.instance.pk is None or "starts_at" in self.changed_data
        if starts_at and moved and starts_at < timezone.now():
            self.add_error("starts_at", "The start time is in the past.")
        return cleaned

    def save(self, commit=True):
        if not commit:
            raise ValueError("EventForm saves its hosts itself: call save() with commit=True.")
        event = super().save()
        _hosts_choose(
            event=event,
            chosen=list(self.cleaned_data["hosts"]),
            choosable=self.fields["hosts"].queryset,
            by=self.user,
        )
        return event


class RSVPForm(forms.Form):
    """How many guests come along, and which of the event's movements the person says they
    come through. Nothing is preselected from their engagements (those are private); the
    only default is the movement of the share link they came by (``?via=<slug>``)."""

    guests = forms.IntegerField(
        min_value=0,
        max_value=MAX_GUESTS,
        initial=0,
        label="Guests",
        help_text="People coming with you.",
        error_messages={
            "min_value": "Guests cannot be negative.",
            "max_value": f"Bring at most {MAX_GUESTS} guests.",
            "invalid": "Enter a whole number of guests.",
        },
    )
    movement = forms.ModelChoiceField(
        queryset=Movement.objects.none(),
        required=False,
        label="I come through",
        empty_label="Not saying",
        help_text="Optional. The event's organizers see what you choose here.",
        error_messages={"invalid_choice": "Choose one of the event's movements."},
    )

    def __init__(self, *args, event: Event, via: str = "", **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        movements: QuerySet = event.movements.all()
        self.fields["movement"].queryset = movements
        if via and not self.is_bound:
            self.fields["movement"].initial = next(
                (movement.pk for movement in movements if movement.slug == via), None
            )
        self.fields["guests"].widget.attrs.update({"inputmode": "numeric"})


class AnonymousRSVPForm(RSVPForm):
    """The RSVP form for visitors without an account: their name and email address, then
    guests and movement. ``website`` is a honeypot: hidden from people (CSS, out of the
    tab order, hidden from screen readers), filled only by bots; the view then answers as
    if all went well and does nothing."""

    name = forms.CharField(
        max_length=200,
        label="Your name",
        error_messages={"required": "Enter your name.", "max_length": "Shorten your name."},
    )
    email = forms.EmailField(
        max_length=254,
        label="Email",
        help_text="We mail you a confirmation with a link to change or cancel your RSVP.",
        error_messages={
            "required": "Enter your email address: the confirmation goes there.",
            "invalid": "Enter a valid email address, like name@example.org.",
        },
    )
    website = forms.CharField(required=False, label="Leave this field empty")

    field_order = ["name", "email", "guests", "movement", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Enter your name.")
        return name

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ManageLinkForm(forms.Form):
    """ "I lost my link": the address the RSVP was made with."""

    email = forms.EmailField(
        max_length=254,
        label="Your email",
        error_messages={
            "required": "Enter the email address you RSVP'd with.",
            "invalid": "Enter a valid email address, like name@example.org.",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        # It shares the event page with the RSVP form: its own field names and ids.
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})


class GuestsForm(forms.Form):
    """The manage page's guest count."""

    guests = forms.IntegerField(
        min_value=0,
        max_value=MAX_GUESTS,
        label="Guests",
        help_text="People coming with you.",
        error_messages={
            "required": "Enter a number of guests (0 for none).",
            "min_value": "Guests cannot be negative.",
            "max_value": f"Bring at most {MAX_GUESTS} guests.",
            "invalid": "Enter a whole number of guests.",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["guests"].widget.attrs.update({"inputmode": "numeric"})


class CancelEventForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Sent to everyone who RSVP'd. Optional.",
    )


def people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


class EventMessageForm(forms.Form):
    """An organizer's message to the people of an event. ``counts`` is
    ``RSVP.objects.filter(event=…).audience_counts()``: each choice says how many it
    reaches."""

    audience = forms.ChoiceField(
        choices=MessageAudience.choices,
        initial=MessageAudience.GOING_AND_WAITLISTED,
        widget=forms.RadioSelect,
        label="To",
        error_messages={
            "required": "Choose who the message goes to.",
            "invalid_choice": "Choose who the message goes to.",
        },
    )
    subject = forms.CharField(
        max_length=MESSAGE_SUBJECT_MAX_LENGTH,
        error_messages={
            "required": "Give the message a subject.",
            "max_length": (
                f"Keep the subject to {MESSAGE_SUBJECT_MAX_LENGTH} characters "
                "(it has %(show_value)d)."
            ),
        },
    )
    body = forms.CharField(
        label="Message",
        max_length=MESSAGE_BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Plain text. Your name is shown as the sender; your address is not.",
        error_messages={
            "required": "Write the message.",
            "max_length": (
                f"Keep the message to {MESSAGE_BODY_MAX_LENGTH} characters "
                "(it has %(show_value)d)."
            ),
        },
    )

    def __init__(self, *args, counts: dict[str, int], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        going, waitlisted = counts["going"], counts["waitlisted"]
        reach = {
            MessageAudience.GOING_AND_WAITLISTED: going + waitlisted,
            MessageAudience.GOING: going,
            MessageAudience.WAITLISTED: waitlisted,
        }
        self.fields["audience"].choices = [
            (audience.value, f"{audience.label} ({people(count)})")
            for audience, count in reach.items()
        ]

    def clean_subject(self) -> str:
        """One line: a mail subject cannot hold a line break."""
        return " ".join(self.cleaned_data["subject"].split())


class HostInviteForm(forms.Form):
    """Invite an organization to co-host ``event``, standing for one of its movements.
    The choices are the organizations that take part now in one of the event's
    movements and are not already hosting or invited; ``services.event_host_invite``
    checks the pair."""

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        empty_label="Choose an organization",
        help_text="Organizations taking part in one of the event's movements.",
        error_messages={
            "required": "Choose the organization to invite.",
            "invalid_choice": "Choose one of the organizations listed.",
        },
    )
    movement = forms.ModelChoiceField(
        queryset=Movement.objects.none(),
        empty_label="Choose a movement",
        label="Standing for",
        help_text="The event's movement it would stand for (one it takes part in).",
        error_messages={
            "required": "Choose the movement it would stand for.",
            "invalid_choice": "Choose one of the event's movements.",
        },
    )

    def __init__(self, *args, event: Event, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        movements = event.movements.order_by("name")
        self.fields["movement"].queryset = movements
        hosting = event.event_hosts.exclude(status=HostStatus.DECLINED).values("organization")
        self.fields["organization"].queryset = (
            Organization.objects.visible()
            .filter(
                pk__in=Participation.objects.current()
                .filter(movement__in=movements.values("pk"))
                .values("organization")
            )
            .exclude(pk__in=hosting)
            .order_by("name")
        )
