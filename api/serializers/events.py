"""Serializers of the events API: events and the caller's own RSVP."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import BlankableURLField, slugs
from events.models import RSVP, Event
from events.services import MAX_GUESTS
from movements.models import Movement


class EventSerializer(serializers.ModelSerializer):
    """A published event between movements. Attendees are never serialized, only counts
    (RSVP counts are public)."""

    # Reads the annotations and prefetches of Event.objects.with_going_count().with_relations()
    # (``confirmed_hosts``: hosts and joint).
    # A private event's address and online link are shown only when the view says so in
    # context["address_visible"] (the caller is going, or manages the event).

    movements = slugs(many=True, help_text="Slugs of the movements the event sits between.")
    hosts = serializers.SerializerMethodField(
        help_text=(
            "Slugs of the confirmed host organizations, by the movement they stand for "
            "(invitations: `/api/events/<slug>/hosts/`)."
        )
    )
    joint = serializers.SerializerMethodField(
        help_text="Whether the confirmed hosts stand for two or more of its movements."
    )
    region = slugs(allow_null=True, help_text="Slug of the event's region.")
    address = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=(
            "Street address. null for a private event unless the caller is going or manages it."
        ),
    )
    online_link = BlankableURLField(
        read_only=True,
        allow_null=True,
        help_text=(
            "Link to join online, or an empty string. null for a private event unless the "
            "caller is going or manages it."
        ),
    )
    capacity = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Places, guests included; null: no limit."
    )
    going_count = serializers.IntegerField(
        read_only=True, help_text="People going, guests included."
    )
    places_left = serializers.SerializerMethodField(
        help_text="Places still free (0 when full: new RSVPs are waitlisted); null: no limit."
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="events:event_detail",
        lookup_field="slug",
        help_text="The event's page on the site.",
    )

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "kind",
            "description",
            "movements",
            "hosts",
            "joint",
            "starts_at",
            "ends_at",
            "venue",
            "address",
            "region",
            "online_link",
            "capacity",
            "places_left",
            "going_count",
            "status",
            "visibility",
            "url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "starts_at": {"help_text": "ISO 8601 with the offset."},
            "ends_at": {"help_text": "ISO 8601 with the offset."},
        }

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_hosts(self, event: Event) -> list[str]:
        return [host.organization.slug for host in event.confirmed_hosts]

    @extend_schema_field(serializers.BooleanField())
    def get_joint(self, event: Event) -> bool:
        return event.is_joint

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=0))
    def get_places_left(self, event: Event) -> int | None:
        if event.capacity is None:
            return None
        return max(event.capacity - event.going_count, 0)

    def to_representation(self, event: Event):
        data = super().to_representation(event)
        if event.is_private and not self.context.get("address_visible", False):
            data["address"] = None
            data["online_link"] = None
        return data


class RSVPSerializer(serializers.ModelSerializer):
    """The caller's own RSVP to an event."""

    movement = slugs(
        allow_null=True, help_text="Slug of the event's movement the caller comes through."
    )

    class Meta:
        model = RSVP
        fields = ["status", "guests", "movement", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "status": {"help_text": "going or waitlisted; cancelled after a DELETE."},
            "created_at": {"help_text": "When the RSVP took its place in the queue."},
        }


class RSVPRequestSerializer(serializers.Serializer):
    """What a POST to an event's rsvp endpoint may carry. Signed in, every key is optional
    (``name`` and ``email`` are ignored); without an account ``name`` and ``email`` are
    required (``AnonymousRSVPRequestSerializer``)."""

    name = serializers.CharField(
        max_length=200,
        required=False,
        help_text=(
            "Without an account (required then): your name, kept on the RSVP; it never "
            "renames a person already known."
        ),
    )
    email = serializers.EmailField(
        max_length=254,
        required=False,
        help_text=(
            "Without an account (required then): where the confirmation and the link to "
            "change or cancel the RSVP go."
        ),
    )

    guests = serializers.IntegerField(
        min_value=0,
        max_value=MAX_GUESTS,
        default=0,
        help_text="People coming along, counted against capacity.",
    )
    movement = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Movement.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        error_messages={"does_not_exist": "“{value}” is not one of this event's movements."},
        help_text=(
            "Slug of the event's movement you come through (optional; shown to the organizers)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.context.get("event")
        if event is not None:
            self.fields["movement"].queryset = event.movements.all()


class AnonymousRSVPRequestSerializer(RSVPRequestSerializer):
    """An RSVP without an account: the person's name and email address are required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["email"].required = True

    def validate_name(self, value: str) -> str:
        name = " ".join(value.split())
        if not name:
            raise serializers.ValidationError("Enter your name.")
        return name


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()
