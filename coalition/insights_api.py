"""Engagement insights in the REST API: ``/api/movements/<slug>/insights/`` and
``/api/organizations/<slug>/insights/`` (definitions in ``coalition.insights``).

Read-only and public like the rest of the API. What a caller sees is what
``engagement_insights(..., curator=...)`` discloses to them: people-counts below
``COALITION_MIN_DISCLOSED_COUNT`` and figures computed over fewer people than that are
``null`` for everyone but curators. Archived or unknown slugs answer 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from coalition.insights import engagement_insights
from coalition.serializers import is_curator
from movements.models import Movement, Organization

SUPPRESSED = (
    "null when fewer people than the disclosure threshold are behind it (exact for curators)"
)
OR_SUPPRESSED = (
    "or when fewer people than the disclosure threshold are behind it (exact for curators)"
)


class InsightQuarterSerializer(serializers.Serializer):
    quarter = serializers.CharField(
        source="label", read_only=True, help_text='Calendar quarter, e.g. "2026Q3".'
    )
    active_people = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=(
            "Distinct people active at any time in the quarter (the current quarter up to "
            "today); null when below the disclosure threshold (exact for curators)."
        ),
    )


class MovementInsightsSerializer(serializers.Serializer):
    """Engagement insights of a movement, computed from its engagements."""

    as_of = serializers.DateField(
        source="today", read_only=True, help_text="The day the figures are computed for."
    )
    active_people = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=f"Distinct people with an engagement running today; {SUPPRESSED}.",
    )
    median_tenure_days = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=1,
        help_text=(
            "Median length in days of the engagements (end − start + 1; an ongoing one "
            f"counts to today); null without engagements with a start date, {OR_SUPPRESSED}."
        ),
    )
    early_dropoff_rate = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text=(
            "Share of engagements that ended within six months (182 days) of starting, of "
            "those that ended or have run longer; null when there are none, "
            f"{OR_SUPPRESSED}."
        ),
    )
    quarters = InsightQuarterSerializer(
        many=True, read_only=True, help_text="The last twelve quarters, the current one last."
    )
    concurrent_movements = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        min_value=0,
        help_text=(
            "Other movements the movement's active people are also engaged in today; null "
            "when it has fewer active people than the disclosure threshold (exact for "
            "curators)."
        ),
    )
    stretch = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0,
        help_text=(
            "Concurrent movements per ten active people; null without active people, "
            f"{OR_SUPPRESSED}."
        ),
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Plain-language notes on capacity, retention and steady engagement.",
    )


class OrganizationInsightsSerializer(MovementInsightsSerializer):
    """Engagement insights of an organization, computed from its memberships."""

    active_people = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=f"Distinct people with a membership running today; {SUPPRESSED}.",
    )
    median_tenure_days = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=1,
        help_text=(
            "Median length in days of the memberships (end − start + 1; an ongoing one "
            f"counts to today); null without memberships with a start date, {OR_SUPPRESSED}."
        ),
    )
    early_dropoff_rate = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text=(
            "Share of memberships that ended within six months (182 days) of starting, of "
            "those that ended or have run longer; null when there are none, "
            f"{OR_SUPPRESSED}."
        ),
    )
    retention_after_shift = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text=(
            "Of the people who came in through a movement the organization later left, the "
            "share still active in it six months after it left; null when there are none, "
            f"{OR_SUPPRESSED}."
        ),
    )
    concurrent_movements = serializers.IntegerField(
        read_only=True, min_value=0, help_text="Movements the organization takes part in today."
    )
    stretch = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0,
        help_text=(
            "Concurrent movements per ten active members; above the capacity threshold (2 by "
            "default) it takes on more than its people can hold. null without active "
            f"members, {OR_SUPPRESSED}."
        ),
    )


def slug_parameter(what: str) -> OpenApiParameter:
    return OpenApiParameter(
        "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description=f"Slug of the {what}."
    )


class InsightsView(GenericAPIView):
    """Engagement insights of one visible movement or organization (404 when archived or
    unknown)."""

    lookup_field = "slug"
    filter_backends = []
    pagination_class = None

    def get(self, request, *args, **kwargs):
        subject = self.get_object()
        insights = engagement_insights(subject, curator=is_curator(request))
        return Response(self.get_serializer(insights).data)


class MovementInsightsView(InsightsView):
    queryset = Movement.objects.visible()
    serializer_class = MovementInsightsSerializer

    @extend_schema(
        summary="Engagement insights of a movement",
        description=(
            "Active people now and per quarter over the last three years, median tenure, "
            "early drop-off, other movements its people are in now and the stretch, with "
            "plain-language notes. Computed from the movement's engagements; definitions in "
            "`coalition/insights.py`. Figures about fewer people than the disclosure "
            "threshold are null, except for curators."
        ),
        parameters=[slug_parameter("movement")],
        responses={
            200: MovementInsightsSerializer,
            404: OpenApiResponse(description="No movement in the directory has this slug."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrganizationInsightsView(InsightsView):
    queryset = Organization.objects.visible()
    serializer_class = OrganizationInsightsSerializer

    @extend_schema(
        summary="Engagement insights of an organization",
        description=(
            "Active members now and per quarter over the last three years, median tenure, "
            "early drop-off, retention after a focus shift, movements it takes part in now "
            "and the stretch (movements per ten active members), with plain-language notes "
            "such as a capacity warning. Computed from the organization's memberships; "
            "definitions in `coalition/insights.py`. Figures about fewer people than the "
            "disclosure threshold are null, except for curators."
        ),
        parameters=[slug_parameter("organization")],
        responses={
            200: OrganizationInsightsSerializer,
            404: OpenApiResponse(description="No organization in the directory has this slug."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
