"""Follow-through in the REST API (issue 16; PRODUCT.md, "Follow-through JSON").

The answers are ``network.followthrough``'s ``disclose_event`` and ``disclose_pair`` as
they are: these serializers describe them for the OpenAPI schema and build the overlap of
a pair around them. People-counts are ``null`` for anyone but a curator below
``COALITION_MIN_DISCLOSED_COUNT``, and a rate is ``null`` when its numerator or
denominator is.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.directory import OverlapSerializer
from network.overlaps import Overlap

PEOPLE = "null when below the disclosure threshold (exact for curators)"


def people_field(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(allow_null=True, read_only=True, help_text=help_text)


def rate_field(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(
        allow_null=True, read_only=True, min_value=0, max_value=1, help_text=help_text
    )


class MovementFollowThroughSerializer(serializers.Serializer):
    """One of the event's movements: who came from it, who crossed into it."""

    movement = serializers.SlugField(read_only=True, help_text="Slug of the movement.")
    came_from = people_field(
        "Attendees engaged in this movement on the day of the event; null (for all the "
        "movements at once) when one of them is withheld."
    )
    crossed_in = people_field(
        "Attendees who took up a real engagement in this movement within the window, not "
        "being in it on the day; null (for all the movements at once) when one is withheld."
    )


class EventFollowThroughSerializer(serializers.Serializer):
    """Did the bridge hold? What came of a joint event (PRODUCT.md, "Follow-through")."""

    measured = serializers.BooleanField(
        read_only=True,
        help_text=(
            "Whether the event is measured: published, ended, with two or more movements. "
            "When false, every figure is null and `by_movement` is empty."
        ),
    )
    attendees = people_field(f"People who checked in; {PEOPLE}.")
    crossers = people_field(
        "Attendees who took up a real engagement (not a check-in) in another of the event's "
        f"movements within `window_days` of its day; {PEOPLE}."
    )
    rate = rate_field("crossers / attendees, 4 places; null when either is.")
    window_days = serializers.IntegerField(
        read_only=True,
        help_text="Days after the event's day that count (COALITION_FOLLOW_THROUGH_DAYS).",
    )
    by_movement = MovementFollowThroughSerializer(many=True, read_only=True)


class PairFollowThroughSerializer(serializers.Serializer):
    """What came of the joint events of two movements, over all of them."""

    events = serializers.IntegerField(
        read_only=True, help_text="Measured events with both movements (a count of events)."
    )
    attendees = people_field(f"Distinct people who checked in at one of them; {PEOPLE}.")
    crossers = people_field(
        "Distinct attendees who took up a real engagement in either movement after one of "
        f"them, within the window; {PEOPLE}."
    )
    rate = rate_field("crossers / attendees, 4 places; null when either is.")


class PairOverlapSerializer(OverlapSerializer):
    """The overlap of two movements, with the figures ``/api/movements/<slug>/overlaps/``
    gives for them, and what came of their joint events."""

    # Serializes network.overlaps.Overlap; context["movements"] holds the two movements in
    # the order asked and context["follow_through"] disclose_pair's answer.

    movement = None
    movements = serializers.SerializerMethodField(
        help_text="The two movements' slugs, in the order of the URL."
    )
    follow_through = serializers.SerializerMethodField()

    def get_fields(self):
        fields = super().get_fields()
        return {"movements": fields.pop("movements"), **fields}

    @extend_schema_field(
        serializers.ListField(child=serializers.SlugField(), min_length=2, max_length=2)
    )
    def get_movements(self, overlap: Overlap) -> list[str]:
        return [movement.slug for movement in self.context["movements"]]

    @extend_schema_field(PairFollowThroughSerializer)
    def get_follow_through(self, overlap: Overlap) -> dict:
        return self.context["follow_through"]
