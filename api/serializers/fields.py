"""Fields shared by the API's serializers: people-counts, slug lists, blankable strings.

People-counts pass through ``DisclosedCountField``, which answers ``null`` to anyone but a
curator when the count is below ``COALITION_MIN_DISCLOSED_COUNT``.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.conf import app_settings


def is_curator(request) -> bool:
    """Curators are active staff users (as for ``{% people_count %}`` on the pages)."""
    user = getattr(request, "user", None)
    return bool(user and user.is_active and user.is_staff)


class DisclosedCountField(serializers.IntegerField):
    """A people-count: exact for curators, ``null`` for everyone else below the threshold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault(
            "help_text",
            "Number of people, or null when it is below the disclosure threshold "
            "(exact for curators).",
        )
        super().__init__(**kwargs)

    def to_representation(self, value):
        count = int(value or 0)
        if count < app_settings.MIN_DISCLOSED_COUNT and not is_curator(
            self.context.get("request")
        ):
            return None
        return count


class SlugListField(serializers.ListField):
    """A list of objects shown as their slugs."""

    child = serializers.SlugField()

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, data):
        return [item.slug for item in data]


def or_empty(format_: str) -> dict:
    """A ``format_`` string or an empty string, for a blank-allowed model field: ``format``
    alone would make the empty string a schema violation."""
    return {"anyOf": [{"type": "string", "format": format_}, {"type": "string", "maxLength": 0}]}


@extend_schema_field(or_empty("uri"))
class BlankableURLField(serializers.URLField):
    """A URL, or an empty string."""


@extend_schema_field(or_empty("email"))
class BlankableEmailField(serializers.EmailField):
    """An email address, or an empty string."""


def slugs(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="slug", read_only=True, **kwargs)
