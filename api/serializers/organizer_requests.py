"""Serializers of the organizer requests API: a request to organize for an organization,
and what a POST that makes one carries."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import slugs
from movements.models import (
    ORGANIZER_REQUEST_NOTE_MAX_LENGTH,
    Organization,
    OrganizerRequest,
    OrganizerRequestStatus,
)


class OrganizerRequestSerializer(serializers.ModelSerializer):
    """A member's request to organize for an organization (PRODUCT.md, "Organizing
    together"), as the person asking and those who decide it see it."""

    # context["names_for"]: the ids of the organizations whose requests the caller may
    # decide (names shown), or None for every one (curators); the caller's own request
    # always shows their name.

    organization = slugs(help_text="Slug of the organization.")
    member = serializers.SerializerMethodField(
        help_text=(
            "The name of the person asking: shown to them and to those who decide the "
            "request (the organization's organizers and curators), null to anyone else. "
            "Never their email address."
        )
    )
    note = serializers.CharField(read_only=True, help_text="What the person wrote; may be empty.")
    status = serializers.ChoiceField(
        choices=OrganizerRequestStatus.choices,
        read_only=True,
        help_text="open until an organizer of the organization or a curator decides.",
    )
    decided_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When it was decided; null while open."
    )

    class Meta:
        model = OrganizerRequest
        fields = ["id", "organization", "member", "note", "status", "created_at", "decided_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_member(self, obj: OrganizerRequest) -> str | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        names_for = self.context.get("names_for", set())
        if user is not None and user.is_authenticated and obj.member.user_id == user.pk:
            return obj.member.name
        if names_for is None or obj.organization_id in names_for:
            return obj.member.name
        return None


class OrganizerRequestCreateSerializer(serializers.Serializer):
    """What a POST to ``/api/organizer-requests/`` carries."""

    organization = serializers.SlugField(
        help_text="Slug of the organization you ask to organize for."
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=ORGANIZER_REQUEST_NOTE_MAX_LENGTH,
        help_text=(
            "A short note to its organizers (optional). They see it with your name, never "
            "your email address."
        ),
    )

    def validate_organization(self, value: str) -> Organization:
        organization = Organization.objects.visible().filter(slug=value).first()
        if organization is None:
            raise serializers.ValidationError(f"No organization “{value}”.", code="does_not_exist")
        return organization
