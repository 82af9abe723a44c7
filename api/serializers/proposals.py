"""Serializers of the proposals API: proposed joint events and the decision on one."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import slugs
from events.models import Proposal
from network.proposals.filters import PROPOSAL_KINDS


class ProposalSerializer(serializers.ModelSerializer):
    """A proposed joint event between movements, with the reasons behind it."""

    # Reads the prefetches of Proposal.objects.with_relations().

    movements = slugs(many=True, help_text="Slugs of the movements it would bring together.")
    organizations = serializers.SerializerMethodField(
        help_text=(
            "Slugs of the suggested host organizations, best first (the first of each "
            "movement is invited to co-host when the proposal is accepted)."
        )
    )
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
    follow_up = serializers.BooleanField(
        source="is_follow_up",
        read_only=True,
        help_text=(
            "A follow-up: the movements' joint events worked (people who came took up work "
            "in the other movement), so they are proposed to meet again."
        ),
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
            "follow_up",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_organizations(self, proposal: Proposal) -> list[str]:
        return [host.organization.slug for host in proposal.ranked_hosts]


class ProposalAcceptSerializer(serializers.Serializer):
    """What a POST to a proposal's accept endpoint may carry; the body may be empty."""

    # context["choices"]: the (organization, movement) pairs the caller may stand for
    # (events.permissions.proposal_host_choices), best first.

    organization = serializers.SlugField(
        required=False,
        help_text=(
            "Slug of the organization you host for: a suggested host you organize, or an "
            "organization you organize that takes part in one of the proposal's movements. "
            "The first of those by default."
        ),
    )
    movement = serializers.SlugField(
        required=False,
        help_text=(
            "Slug of the proposal's movement your organization stands for; by default the "
            "one it was suggested for (or the first it takes part in). The first-ranked "
            "suggested host of each other movement is invited to co-host."
        ),
    )

    def validate(self, attrs: dict) -> dict:
        choices = self.context["choices"]
        organization, movement = attrs.get("organization"), attrs.get("movement")
        if organization is not None and not any(o.slug == organization for o, _ in choices):
            raise serializers.ValidationError(
                {"organization": f"“{organization}” is not a suggested host you can host for."}
            )
        fitting = [
            (o, m)
            for o, m in choices
            if organization in (None, o.slug) and movement in (None, m.slug)
        ]
        if movement is not None and not fitting:
            whose = f" for “{organization}”" if organization else ""
            raise serializers.ValidationError(
                {"movement": f"“{movement}” is not a movement you can stand for{whose}."}
            )
        attrs["host"] = fitting[0] if fitting else (None, None)
        return attrs


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
