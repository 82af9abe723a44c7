"""The proposals REST API (/api/proposals/): proposed joint events, and the decision on one.

Reading needs no account. ``/api/proposals/`` lists open proposals best first, with the
filters of the proposals page (``network/proposals/filters.py``: ``kind``, ``region``,
``movement``, ``status``; a bad value answers 400 with the field errors).
``/api/proposals/<id>/`` answers 404 for a dismissed proposal except to curators.

``accept`` and ``dismiss`` are for organizers of a suggested host organization and for
curators (``events.permissions.can_decide_proposal``): anonymous callers get 401, anyone
else 403. They call ``events.services``; a refusal from there (a dismissed proposal cannot
be accepted, an accepted one cannot be dismissed) answers 409 with ``{"detail": message}``
and changes nothing. Token auth needs no CSRF token; session auth does.
"""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.filters import ProposalAPIFilter
from api.schema import (
    BAD_BODY,
    DETAIL,
    FIELD_ERRORS,
    NO_SUCH_PAGE,
    NOT_SIGNED_IN,
    UNSUPPORTED_BODY,
)
from api.serializers.proposals import (
    ProposalAcceptedSerializer,
    ProposalAcceptSerializer,
    ProposalDismissSerializer,
    ProposalSerializer,
)
from core.roles import is_curator
from events.models import Event, Proposal, ProposalStatus
from events.permissions import (
    CANNOT_DECIDE_PROPOSAL,
    can_decide_proposal,
    can_manage_event,
    proposal_host_choices,
)
from network.proposals.services import ProposalError, proposal_accept, proposal_dismiss

ALREADY_ACCEPTED = "This proposal was already accepted."


NOT_FOUND = OpenApiResponse(
    DETAIL, description="No such proposal (a dismissed one, except for curators)."
)
FORBIDDEN = OpenApiResponse(
    DETAIL,
    description=(
        "Not an organizer of a suggested host organization nor a curator; or session auth "
        "without the CSRF token (`X-CSRFToken` header)."
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary="List proposed joint events",
        description=(
            "Open proposals, best first (highest bridge potential). `status` lists accepted "
            "ones instead, and, for curators, dismissed ones. A bad filter value answers 400 "
            "with the field errors."
        ),
        responses={200: ProposalSerializer(many=True), 400: FIELD_ERRORS, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="A proposed joint event",
        description="Open and accepted proposals; dismissed ones only for curators.",
        responses={200: ProposalSerializer, 404: NOT_FOUND},
    ),
)
class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProposalSerializer
    # Token first, so that anonymous callers of accept and dismiss get 401 with a
    # ``WWW-Authenticate: Token`` hint (with the session first, DRF answers 403).
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProposalAPIFilter

    def get_queryset(self):
        proposals = Proposal.objects.ranked().with_relations()
        if self.action != "list" and not is_curator(self.request.user):
            proposals = proposals.exclude(status=ProposalStatus.DISMISSED)
        return proposals

    def filter_queryset(self, queryset):
        # The list's filters (open proposals by default) are for the list only.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def _decidable(self) -> Proposal:
        proposal = self.get_object()
        if not can_decide_proposal(self.request.user, proposal):
            raise PermissionDenied(CANNOT_DECIDE_PROPOSAL)
        return proposal

    def _event_data(self, event: Event) -> dict:
        url = self.request.build_absolute_uri(event.get_absolute_url())
        return ProposalAcceptedSerializer(
            {"event": event.slug, "status": event.status, "url": url}
        ).data

    def _refused(self, message: str) -> Response:
        return Response({"detail": message}, status=status.HTTP_409_CONFLICT)

    @extend_schema(
        summary="Accept a proposal",
        description=(
            "Turns the proposal into a draft event, pre-filled (title, kind, movements, "
            "region, the agenda as description) and linked back, hosted (confirmed) by "
            "`organization` standing for `movement` (by default the first you may stand "
            "for). The first-ranked suggested host of each other movement is invited to "
            "co-host; its organizers are mailed and confirm or decline "
            "(`/api/events/<slug>/hosts/`). Set the date and publish it on the site or in "
            "the admin. Accepting an accepted proposal answers 200 with its event if you "
            "manage it, 409 otherwise (also when there is nobody you may host for)."
        ),
        request=ProposalAcceptSerializer,
        responses={
            201: OpenApiResponse(ProposalAcceptedSerializer, description="Draft event made."),
            200: OpenApiResponse(
                ProposalAcceptedSerializer, description="Accepted already: its event."
            ),
            400: BAD_BODY,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            415: UNSUPPORTED_BODY,
            404: NOT_FOUND,
            409: OpenApiResponse(
                DETAIL,
                description="Dismissed, or accepted by others; nothing was changed.",
            ),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def accept(self, request, pk=None):
        proposal = self._decidable()
        if proposal.status == ProposalStatus.ACCEPTED:
            event = proposal.events.order_by("pk").first()
            if event is not None and can_manage_event(request.user, event):
                return Response(self._event_data(event))
            return self._refused(ALREADY_ACCEPTED)
        choices = proposal_host_choices(request.user, proposal)
        body = ProposalAcceptSerializer(data=request.data, context={"choices": choices})
        body.is_valid(raise_exception=True)
        organization, movement = body.validated_data["host"]
        try:
            event = proposal_accept(
                proposal=proposal, user=request.user, organization=organization, movement=movement
            )
        except ProposalError as error:
            return self._refused(str(error))
        return Response(self._event_data(event), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Dismiss a proposal",
        description=(
            "Dismisses the proposal for good: refreshes leave it dismissed and it is no "
            "longer listed. Dismissing a dismissed proposal changes nothing."
        ),
        request=ProposalDismissSerializer,
        responses={
            200: OpenApiResponse(ProposalSerializer, description="Dismissed."),
            400: BAD_BODY,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            415: UNSUPPORTED_BODY,
            404: NOT_FOUND,
            409: OpenApiResponse(DETAIL, description="Accepted already; cancel its event."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def dismiss(self, request, pk=None):
        proposal = self._decidable()
        body = ProposalDismissSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            proposal = proposal_dismiss(
                proposal=proposal, user=request.user, reason=body.validated_data["reason"]
            )
        except ProposalError as error:
            return self._refused(str(error))
        proposal = Proposal.objects.with_relations().get(pk=proposal.pk)
        return Response(self.get_serializer(proposal).data)
