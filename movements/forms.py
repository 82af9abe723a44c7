"""Forms of the directory's own pages: asking to organize for an organization."""

from django import forms

from movements.models import ORGANIZER_REQUEST_NOTE_MAX_LENGTH


class OrganizerRequestForm(forms.Form):
    note = forms.CharField(
        label="A short note to its organizers (optional)",
        required=False,
        max_length=ORGANIZER_REQUEST_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            f"Up to {ORGANIZER_REQUEST_NOTE_MAX_LENGTH} characters: who you are to the "
            "group, what you would like to organize."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
