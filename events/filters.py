"""Filters for the public events list and the calendar feed (query-string shape lives here).

``kind`` is a choice value, ``movement`` and ``region`` are slugs, ``from`` and ``to`` are
ISO dates (``2026-05-01``) between 1900-01-01 and 2100-12-31 (``core.dates``). Without dates
the list shows what is not over yet; past events appear only when ``from`` or ``to``
reaches back for them. Bad values are form errors, which
the views answer with 400.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.utils import timezone

from core.dates import DateRangeFieldMixin
from core.filters import FilterForm, RenamedParameters, slug_filter
from events.models import Event, EventKind
from movements.filters import RegionFilter
from movements.models import Movement


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the current time zone (aware)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DateInput(forms.DateInput):
    """``<input type="date">``: the browser's date picker; it sends YYYY-MM-DD."""

    input_type = "date"


class InRangeDateField(DateRangeFieldMixin, forms.DateField):
    """A date between ``core.dates.EARLIEST`` and ``LATEST``: others are a form error."""


class InRangeDateFilter(django_filters.DateFilter):
    field_class = InRangeDateField


class EventFilterForm(FilterForm):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            raise ValidationError("“From” must be on or before “To”.", code="date_order")
        return cleaned


class EventFilter(RenamedParameters, django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, empty_label="Any kind")
    movement = slug_filter("movement", Movement.objects.visible(), field_name="movements")
    region = RegionFilter()
    # "from" is a Python keyword: declared as ``date_from``, the parameter is ``from``.
    date_from = InRangeDateFilter(
        label="From",
        method="filter_nothing",
        help_text="Earlier dates show past events.",
        widget=DateInput,
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )
    to = InRangeDateFilter(
        label="To",
        method="filter_nothing",
        help_text="Included.",
        widget=DateInput,
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )

    class Meta:
        model = Event
        fields = ["kind", "movement", "region", "date_from", "to"]
        form = EventFilterForm

    parameter_names = {"date_from": "from"}

    def filter_nothing(self, queryset, name, value):
        """The dates are applied together in ``filter_queryset``."""
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        start, end = self.form.cleaned_data.get("from"), self.form.cleaned_data.get("to")
        now = timezone.now()
        if start is not None:
            queryset = queryset.filter(ends_at__gte=start_of_day(start))
        elif end is None or end >= timezone.localdate():
            # No lower bound asked for (or only an upper bound that is still ahead):
            # what is not over yet.
            queryset = queryset.filter(ends_at__gte=now)
        if end is not None:
            queryset = queryset.filter(starts_at__lt=start_of_day(end + datetime.timedelta(1)))
        # Upcoming first, soonest first; past events (when asked for) after them.
        return queryset.annotate(
            is_past=Case(When(ends_at__lt=now, then=Value(1)), default=Value(0))
        ).order_by("is_past", "starts_at", "pk")
