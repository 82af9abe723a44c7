"""Engagement insights in the REST API: ``/api/movements/<slug>/insights/`` and
``/api/organizations/<slug>/insights/`` (definitions in ``network.insights.measures``).

Read-only and public like the rest of the API. What a caller sees is what
``engagement_insights(..., curator=...)`` discloses to them: people-counts below
``COALITION_MIN_DISCLOSED_COUNT`` and figures computed over fewer people than that are
``null`` for everyone but curators. An organization's capacity warning is among its
``notes`` only for its organizers and curators. Archived or unknown slugs answer 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.serializers.insights import MovementInsightsSerializer, OrganizationInsightsSerializer
from core.roles import is_curator
from movements.models import Movement, Organization
from network.insights.measures import engagement_insights, organizes


def path_slug(what: str) -> OpenApiParameter:
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
        curator = is_curator(request.user)
        insights = engagement_insights(
            subject, curator=curator, organizer=not curator and organizes(request.user, subject)
        )
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
            "`network/insights/measures.py`. Figures about fewer people than the disclosure "
            "threshold are null, except for curators."
        ),
        parameters=[path_slug("movement")],
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
            "such as a capacity warning (for the organization's organizers and curators "
            "only). Computed from the organization's memberships; "
            "definitions in `network/insights/measures.py`. Figures about fewer people than the "
            "disclosure threshold are null, except for curators."
        ),
        parameters=[path_slug("organization")],
        responses={
            200: OrganizationInsightsSerializer,
            404: OpenApiResponse(description="No organization in the directory has this slug."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
