"""Serializers of the proposals API: proposed joint events and the decision on one."""

from rest_framework import serializers

from api.serializers.fields import slugs
from events.models import Proposal
from movements.models import Organization
from network.proposals.filters import PROPOSAL_KINDS


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
