"""The organizer requests REST API (/api/organizer-requests/): ask to organize for an
organization, list the requests you made and those you decide, approve or decline one.

Everything here needs an account: DRF token auth (``Authorization: Token …``, no CSRF token
needed) or the site's session (writes then need the CSRF token); anonymous callers get 401
with ``WWW-Authenticate: Token``. The rules and the mails are ``movements.organizing``'s,
as on the site:

- ``GET`` lists the caller's own requests and the requests of the organizations they
  organize for (every request for curators), newest first, paginated.
- ``POST`` ``{"organization": slug, "note"?}`` asks; a second open request for the same
  organization, or asking where one organizes already, answers 409 and changes nothing.
- ``POST <id>/approve/`` and ``<id>/decline/``: for the organization's organizers and the
  curators. A request the caller may not see answers 404, exactly as an unknown id (who
  asked to organize where is nobody else's business); the person asking, who sees their
  own request, gets 403; a request decided already answers 409.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.schema import BAD_BODY, DETAIL, NO_SUCH_PAGE, NOT_SIGNED_IN, UNSUPPORTED_BODY
from api.serializers.organizer_requests import (
    OrganizerRequestCreateSerializer,
    OrganizerRequestSerializer,
)
from core.roles import is_curator
from movements.models import Organization, OrganizerRequest
from movements.organizing import (
    NotADecider,
    OrganizerRequestError,
    OwnRequest,
    organizer_request_approve,
    organizer_request_create,
    organizer_request_decline,
)
from movements.services import member_for_user

NOT_FOUND = OpenApiResponse(
    DETAIL,
    description=(
        "No such request, or not one you may see (your own, or one of an organization you "
        "organize for)."
    ),
)
FORBIDDEN = OpenApiResponse(
    DETAIL,
    description=(
        "Your own request (another organizer or a curator decides it); or session auth "
        "without the CSRF token (`X-CSRFToken` header)."
    ),
)
DECIDED = OpenApiResponse(
    DETAIL,
    description=(
        "Decided already, or (approve) the organization is archived; nothing was changed."
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary="List organizer requests",
        description=(
            "Your own requests to organize, and the requests to organize for the "
            "organizations you organize for (every request, for curators), newest first. "
            "`member` names the person asking to them and to those who decide it."
        ),
        responses={
            200: OrganizerRequestSerializer(many=True),
            401: NOT_SIGNED_IN,
            404: NO_SUCH_PAGE,
        },
    ),
)
class OrganizerRequestViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = OrganizerRequestSerializer
    # Token first, so that anonymous callers get 401 with a ``WWW-Authenticate: Token``
    # hint (with the session first, DRF answers 403).
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return (
            OrganizerRequest.objects.visible_to(self.request.user)
            .with_people()
            .order_by("-created_at", "-pk")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        if is_curator(user):
            context["names_for"] = None
        elif user.is_authenticated:
            context["names_for"] = set(
                Organization.objects.managed_by(user).values_list("pk", flat=True)
            )
        return context

    def _refused(self, error: Exception) -> Response:
        return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)

    @extend_schema(
        summary="Ask to organize for an organization",
        description=(
            "Sends your request, with your note, to the organization's organizers (or, when "
            "it has none on Coalition yet, to the curators and its contact address). They "
            "see your name and note, never your email address; you hear by mail when they "
            "decide. A signed-in user without a member record gets one. A declined request "
            "may be followed by a new one."
        ),
        request=OrganizerRequestCreateSerializer,
        responses={
            201: OpenApiResponse(OrganizerRequestSerializer, description="Request made."),
            400: BAD_BODY,
            401: NOT_SIGNED_IN,
            403: OpenApiResponse(
                DETAIL, description="Session auth without the CSRF token (`X-CSRFToken`)."
            ),
            409: OpenApiResponse(
                DETAIL,
                description=(
                    "You have an open request for this organization already, or you "
                    "organize for it already; nothing was changed."
                ),
            ),
            415: UNSUPPORTED_BODY,
        },
    )
    def create(self, request):
        body = OrganizerRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = member_for_user(user=request.user)
        try:
            organizer_request = organizer_request_create(member=member, **body.validated_data)
        except OrganizerRequestError as error:
            return self._refused(error)
        data = self.get_serializer(organizer_request).data
        return Response(data, status=status.HTTP_201_CREATED)

    def _decide(self, service) -> Response:
        organizer_request = self.get_object()
        try:
            organizer_request = service(request=organizer_request, by=self.request.user)
        except (OwnRequest, NotADecider) as error:
            raise PermissionDenied(str(error)) from error
        except OrganizerRequestError as error:
            return self._refused(error)
        return Response(self.get_serializer(organizer_request).data)

    @extend_schema(
        summary="Approve an organizer request",
        description=(
            "The person organizes for the organization from today (their ongoing membership "
            "there becomes an organizer's, or a new one starts) and is told by mail. For "
            "the organization's organizers and curators; nobody decides their own request."
        ),
        request=None,
        responses={
            200: OpenApiResponse(OrganizerRequestSerializer, description="Approved."),
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: DECIDED,
        },
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(organizer_request_approve)

    @extend_schema(
        summary="Decline an organizer request",
        description=(
            "The person is told by mail and may ask again later. For the organization's "
            "organizers and curators; nobody decides their own request."
        ),
        request=None,
        responses={
            200: OpenApiResponse(OrganizerRequestSerializer, description="Declined."),
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: DECIDED,
        },
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._decide(organizer_request_decline)
