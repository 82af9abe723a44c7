"""Small text helpers shared by pages, mail, exports and reasons."""

import datetime
from collections.abc import Iterable


def join_names(items: Iterable) -> str:
    """ "A", "A and B", "A, B and C" (each item as ``str``)."""
    names = [str(item) for item in items]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    """ISO 8601 for JSON: dates as they are, datetimes in UTC with their offset."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return value.isoformat()


def percent(rate: float) -> str:
    """0.256 → "26%"."""
    return f"{round(rate * 100)}%"
