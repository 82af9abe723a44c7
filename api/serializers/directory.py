"""Serializers for the read-only REST API (/api/).

Field names and values follow PRODUCT.md ("Public contract"): choices as their values,
themes, tactics, regions, organizations and movements as slugs. No person is ever
serialized; people-counts pass through ``DisclosedCountField``, which answers ``null`` to
anyone but a curator when the count is below ``COALITION_MIN_DISCLOSED_COUNT``.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import (
    BlankableEmailField,
    BlankableURLField,
    DisclosedCountField,
    SlugListField,
    slugs,
    viewer_is_curator,
)
from movements.models import Movement, Organization, Participation
from network.overlaps import Overlap


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

    # Serializes network.overlaps.Overlap seen from the movement in context["movement"].

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
        return overlap.shared_members_disclosed(curator=viewer_is_curator(self.context))
