"""The range of dates and datetimes a person can send (PRODUCT.md, "Date range").

Every date and datetime typed into a form, a filter or the API lies between ``EARLIEST``
and ``LATEST``; event starts also at most ``MAX_YEARS_AHEAD`` years after now. Dates
outside the range make 500s (SQLite overflows, PostgreSQL stores rows Python cannot read
back), so they are refused as field errors: code ``date_out_of_range`` or ``too_far_ahead``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
MAX_YEARS_AHEAD = 10

OUT_OF_RANGE_MESSAGE = f"Enter a date between {EARLIEST.isoformat()} and {LATEST.isoformat()}."


def validate_date_in_range(value: datetime.date | datetime.datetime | None) -> None:
    """Refuse a date, or a datetime (naive or aware, read as its own wall-clock day),
    outside ``EARLIEST``..``LATEST`` with code ``date_out_of_range``."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(OUT_OF_RANGE_MESSAGE, code="date_out_of_range")


def years_after(moment: datetime.datetime, years: int) -> datetime.datetime:
    """``moment`` ``years`` later on the calendar (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def validate_not_too_far_ahead(
    value: datetime.datetime | None, *, now: datetime.datetime | None = None
) -> None:
    """Refuse a start more than ``MAX_YEARS_AHEAD`` years after now (code
    ``too_far_ahead``)."""
    if value is None:
        return
    validate_date_in_range(value)
    limit = years_after(now or timezone.now(), MAX_YEARS_AHEAD)
    if value > limit:
        raise ValidationError(
            f"An event can start at most {MAX_YEARS_AHEAD} years from now.",
            code="too_far_ahead",
        )


class DateRangeFieldMixin:
    """For a form field of dates or datetimes (put it first among the bases): values
    outside ``EARLIEST``..``LATEST`` are a field error (code ``date_out_of_range``)."""

    default_validators = [validate_date_in_range]
