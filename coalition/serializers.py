"""Serializers for the read-only REST API (/api/).

Field names and values follow PRODUCT.md ("Public contract"): choices as their values,
themes, tactics, regions, organizations and movements as slugs. No person is ever
serialized; people-counts pass through ``DisclosedCountField``, which answers ``null`` to
anyone but a curator when the count is below ``COALITION_MIN_DISCLOSED_COUNT``.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coalition.overlaps import Overlap
from coalition.proposal_filters import PROPOSAL_KINDS
from events.models import RSVP, Event, Proposal
from events.services import MAX_GUESTS
from movements.models import Movement, Organization, Participation


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
        if count < settings.COALITION_MIN_DISCLOSED_COUNT and not is_curator(
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


class MovementSerializer(serializers.ModelSerializer):
    """A movement in the directory."""

    # Reads the annotations and prefetches of Movement.objects.with_counts().with_taxonomy().

    themes = slugs(many=True, help_text="Theme slugs.")
    tactics = slugs(many=True, help_text="Tactic slugs.")
    regions = slugs(many=True, help_text="Region slugs.")
    organization_count = serializers.IntegerField(
        read_only=True, help_text="Organizations taking part now."
    )
    people_count = DisclosedCountField()
    website = BlankableURLField(read_only=True, help_text="Website, or an empty string.")
    url = serializers.HyperlinkedIdentityField(
        view_name="movements:movement_detail",
        lookup_field="slug",
        help_text="The movement's page on the site.",
    )

    class Meta:
        model = Movement
        fields = [
            "slug",
            "name",
            "summary",
            "description",
            "sector",
            "constituency",
            "status",
            "started_on",
            "website",
            "themes",
            "tactics",
            "regions",
            "organization_count",
            "people_count",
            "url",
        ]
        read_only_fields = fields


class ParticipationSerializer(serializers.ModelSerializer):
    """An organization's current part in a movement."""

    movement = slugs(help_text="Slug of the movement.")

    class Meta:
        model = Participation
        fields = ["movement", "role", "since", "until"]
        read_only_fields = fields
        extra_kwargs = {"until": {"help_text": "null while ongoing."}}


class OrganizationSerializer(serializers.ModelSerializer):
    """An organization in the directory."""

    # Reads the annotations and prefetches of
    # Organization.objects.with_counts().with_region().with_current_movements().
    region = slugs(allow_null=True, help_text="Slug of the organization's region.")
    movements = ParticipationSerializer(
        source="current_participations",
        many=True,
        read_only=True,
        help_text="Movements the organization takes part in now.",
    )
    people_count = DisclosedCountField()
    website = BlankableURLField(read_only=True, help_text="Website, or an empty string.")
    contact_email = BlankableEmailField(
        read_only=True, help_text="Contact address, or an empty string."
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="movements:organization_detail",
        lookup_field="slug",
        help_text="The organization's page on the site.",
    )

    class Meta:
        model = Organization
        fields = [
            "slug",
            "name",
            "kind",
            "description",
            "website",
            "contact_email",
            "region",
            "founded_on",
            "active",
            "movements",
            "people_count",
            "url",
        ]
        read_only_fields = fields


class OverlapSerializer(serializers.Serializer):
    """Where the movement meets another one: what they share, a score in [0, 1] and the
    reasons behind it."""

    # Serializes coalition.overlaps.Overlap seen from the movement in context["movement"].

    movement = serializers.SerializerMethodField(help_text="Slug of the other movement.")
    score = serializers.FloatField(read_only=True, min_value=0, max_value=1)
    shared_members = serializers.SerializerMethodField(
        help_text=(
            "People engaged in both within the look-back window, or null when it is below "
            "the disclosure threshold (exact for curators)."
        )
    )
    shared_organizations = SlugListField()
    shared_themes = SlugListField()
    shared_tactics = SlugListField()
    shared_regions = SlugListField()
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    def get_movement(self, overlap: Overlap) -> str:
        return overlap.other(self.context["movement"]).slug

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_shared_members(self, overlap: Overlap) -> int | None:
        return overlap.shared_members_disclosed(curator=is_curator(self.context.get("request")))


# --- Events and RSVPs ----------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    """A published event between movements. Attendees are never serialized, only counts
    (RSVP counts are public)."""

    # Reads the annotations and prefetches of Event.objects.with_going_count().with_relations().
    # A private event's address and online link are shown only when the view says so in
    # context["address_visible"] (the caller is going, or manages the event).

    movements = slugs(many=True, help_text="Slugs of the movements the event sits between.")
    hosts = slugs(many=True, help_text="Slugs of the host organizations.")
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
    """What a POST to an event's rsvp endpoint may carry; every key is optional."""

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
            "Slug of the event's movement you come through; by default the one you are engaged in."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.context.get("event")
        if event is not None:
            self.fields["movement"].queryset = event.movements.all()


# --- Proposals -----------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):
    """A proposed joint event between movements, with the reasons behind it."""

    # Reads the prefetches of Proposal.objects.with_relations().

    movements = slugs(many=True, help_text="Slugs of the movements it would bring together.")
    organizations = slugs(many=True, help_text="Slugs of the suggested host organizations.")
    region = slugs(allow_null=True, help_text="Slug of the region it would take place in.")
    kind = serializers.ChoiceField(
        choices=PROPOSAL_KINDS, read_only=True, help_text="The kinds the proposal engine makes."
    )
    score = serializers.FloatField(
        read_only=True,
        min_value=0,
        max_value=1,
        help_text="Bridge potential: strong affinity with few existing ties ranks first.",
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Why, as sentences."
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="proposals:proposal_detail", help_text="The proposal's page on the site."
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "kind",
            "title",
            "movements",
            "organizations",
            "region",
            "score",
            "reasons",
            "status",
            "url",
        ]
        read_only_fields = fields


class ProposalAcceptSerializer(serializers.Serializer):
    """What a POST to a proposal's accept endpoint may carry; the body may be empty."""

    # context["hosts"]: the suggested hosts the caller may host for (proposal_hosts_for).

    hosts = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        allow_empty=False,
        help_text=(
            "Slugs of the organizations that will host, among the suggested hosts you may "
            "host for; all of those by default."
        ),
    )

    def validate_hosts(self, value: list[str]) -> list[Organization]:
        allowed = {organization.slug: organization for organization in self.context["hosts"]}
        for slug in value:
            if slug not in allowed:
                raise serializers.ValidationError(
                    f"“{slug}” is not a suggested host you can host for."
                )
        return [allowed[slug] for slug in dict.fromkeys(value)]


class ProposalAcceptedSerializer(serializers.Serializer):
    """The draft event a proposal became."""

    event = serializers.SlugField(help_text="Slug of the event.")
    status = serializers.CharField(
        help_text="The event's status (see events): draft until its organizers publish it."
    )
    url = serializers.URLField(help_text="The event's page on the site.")


class ProposalDismissSerializer(serializers.Serializer):
    """What a POST to a proposal's dismiss endpoint may carry; the body may be empty."""

    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=1000,
        help_text="Why it does not fit; kept with the proposal for curators.",
    )
