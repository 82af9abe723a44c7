"""The read-only REST API (/api/): movements, their overlaps, organizations.

Views are thin: each ``get_queryset`` is one QuerySet chain, filtering is the directory's
own FilterSets (``movements/filters.py``; a bad value answers 400 with the field errors),
overlaps come from ``network.overlaps``. Every list, the overlaps included, is paginated
with DRF's ``PageNumberPagination`` (``count``, ``next``, ``previous``, ``results``).
"""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView

from api.filters import MovementAPIFilter, OrganizationAPIFilter
from api.schema import BAD_FILTER, DETAIL, NO_SUCH_PAGE
from api.serializers.directory import (
    MovementSerializer,
    OrganizationSerializer,
    OverlapSerializer,
)
from core.roles import is_curator
from movements.models import Movement, Organization
from network.overlaps import movement_overlaps


class CoalitionAPIRootView(APIRootView):
    """Coalition's read-only API. Each list is paginated (`?page=N`, 50 a page) and takes
    the same filters as the matching page of the site. The OpenAPI schema is at `schema`,
    its interactive documentation at `docs`."""


@extend_schema_view(
    list=extend_schema(
        summary="List movements",
        description="Movements in the directory (archived ones left out), by name.",
        responses={200: MovementSerializer(many=True), 400: BAD_FILTER, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="A movement",
        responses={
            200: MovementSerializer,
            404: OpenApiResponse(DETAIL, description="No such movement (or archived)."),
        },
    ),
)
class MovementViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MovementSerializer
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    filterset_class = MovementAPIFilter

    def get_queryset(self):
        if self.action == "overlaps":
            return Movement.objects.visible()
        return Movement.objects.visible().with_counts().with_taxonomy()

    @extend_schema(
        summary="Where a movement meets others",
        description=(
            "Overlaps of this movement with every other movement it shares anything with, "
            "best first (highest score, then the other movement's name). Paginated like "
            "every list. `shared_members` is null when below the disclosure threshold, "
            "except for curators."
        ),
        responses={
            200: OverlapSerializer(many=True),
            404: OpenApiResponse(DETAIL, description="No such movement (or archived), or page."),
        },
    )
    @action(detail=True, filter_backends=[], serializer_class=OverlapSerializer)
    def overlaps(self, request, slug=None):
        movement = self.get_object()
        page = self.paginate_queryset(
            movement_overlaps(movement, curator=is_curator(request.user))
        )
        serializer = self.get_serializer(page, many=True, context=self._overlap_context(movement))
        return self.get_paginated_response(serializer.data)

    def _overlap_context(self, movement):
        return {**self.get_serializer_context(), "movement": movement}


@extend_schema_view(
    list=extend_schema(
        summary="List organizations",
        description="Organizations in the directory (archived ones left out), by name.",
        responses={200: OrganizationSerializer(many=True), 400: BAD_FILTER, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="An organization",
        responses={
            200: OrganizationSerializer,
            404: OpenApiResponse(DETAIL, description="No such organization (or archived)."),
        },
    ),
)
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganizationSerializer
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganizationAPIFilter

    def get_queryset(self):
        return Organization.objects.visible().with_counts().with_region().with_current_movements()


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def not_found(request, *args, **kwargs):
    """Any other URL under /api/: the API's 404, ``{"detail": "Not found."}``."""
    raise NotFound()
