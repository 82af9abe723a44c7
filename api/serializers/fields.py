"""Fields shared by the API's serializers: people-counts, slug lists, blankable strings.

People-counts pass through ``DisclosedCountField``, which answers ``null`` to anyone but a
curator when the count is below ``COALITION_MIN_DISCLOSED_COUNT``.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.privacy import disclosed
from core.roles import is_curator


def viewer_is_curator(context: dict) -> bool:
    """Whether the request a serializer works for comes from a curator."""
    return is_curator(getattr(context.get("request"), "user", None))


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
        return disclosed(value, curator=viewer_is_curator(self.context))


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
