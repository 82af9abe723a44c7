"""The date range of core/dates.py (PRODUCT.md, "Date range")."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.dates import (
    validate_date_in_range,
    validate_not_too_far_ahead,
    years_after,
)

UTC = datetime.UTC


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(1900, 1, 1),
        datetime.date(2100, 12, 31),
        datetime.datetime(2100, 12, 31, 23, 59, tzinfo=UTC),
        None,
    ],
)
def test_the_edges_are_in_range(value):
    validate_date_in_range(value)


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(1, 1, 1),
        datetime.date(1899, 12, 31),
        datetime.date(2101, 1, 1),
        datetime.datetime(9999, 12, 31, 18, tzinfo=UTC),
    ],
)
def test_out_of_range_is_refused_with_a_code(value):
    with pytest.raises(ValidationError) as caught:
        validate_date_in_range(value)
    assert caught.value.code == "date_out_of_range"


def test_ten_years_ahead_is_the_limit():
    now = datetime.datetime(2024, 2, 29, 12, tzinfo=UTC)
    assert years_after(now, 10) == datetime.datetime(2034, 2, 28, 12, tzinfo=UTC)
    validate_not_too_far_ahead(datetime.datetime(2034, 2, 28, 12, tzinfo=UTC), now=now)
    with pytest.raises(ValidationError) as caught:
        validate_not_too_far_ahead(datetime.datetime(2034, 2, 28, 12, 1, tzinfo=UTC), now=now)
    assert caught.value.code == "too_far_ahead"
