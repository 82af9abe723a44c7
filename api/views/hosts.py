"""An event's hosts in the REST API (/api/events/<slug>/hosts/): each an organization
standing for one of the event's movements, invited, confirmed or declined (PRODUCT.md,
"Event hosts").

``GET`` lists them to whoever may open the event (``?key=`` for a private one; drafts
for their managers and invited organizers): everyone sees the confirmed hosts; the
event's managers (confirmed hosts' organizers, curators) also see invitations and
declines; an invited organization's organizers also see their own. ``POST`` invites an
organization (``{"organization", "movement"}``), by the event's managers only.
``…/hosts/<organization>/confirm/`` and ``…/decline/`` answer an invitation, by that
organization's organizers (and curators). The rules and the mails are
``events.services``': a request that cannot be (an archived organization, a movement
that is not the event's or that the organization takes no part in, a cancelled event)
answers 400; one the hosts' state forbids (already hosting or invited, already
answered) 409; nothing is changed then. Anonymous writers get 401; a signed-in caller
without the right 403, or 404 when they may not even open the event.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import BAD_BODY, DETAIL, NOT_SIGNED_IN, UNSUPPORTED_BODY
from api.serializers.hosts import EventHostInviteSerializer, EventHostSerializer
from api.views.events import EVENT_NOT_FOUND, LINK_KEY
from events.models import Event, EventHost
from events.permissions import (
    can_answer_invitation,
    can_manage_event,
    can_open_event,
    hosts_visible_to,
)
from events.services import (
    EventError,
    HostNotAllowed,
    event_host_confirm,
    event_host_decline,
    event_host_invite,
)

CANNOT_INVITE = "Only organizers of the event's confirmed hosts and curators can invite hosts."
CANNOT_ANSWER = "Only this organization's organizers and curators can answer its invitation."
NO_SUCH_HOST = "This organization is not a host of this event, nor invited to host it."

NOT_ALLOWED = OpenApiResponse(
    DETAIL,
    description=(
        "Not allowed: not one of the event's managers (to invite) or of the invited "
        "organization's organizers (to answer); or session auth without the CSRF token."
    ),
)
HOST_REFUSED = OpenApiResponse(
    DETAIL,
    description=(
        "The hosts' state forbids it (already hosting or invited; already confirmed or "
        "declined), or too many changes are queued on the event right now (try again); "
        "nothing was changed."
    ),
)


def open_event(request, slug: str) -> Event:
    """The event at ``slug`` if the caller may open it (``?key=`` for a private one);
    anything else answers exactly as an unknown slug."""
    event = get_object_or_404(Event, slug=slug)
    if not can_open_event(request.user, event, request.query_params.get("key")):
        raise Http404("No Event matches the given query.")
    return event


class HostsAPIView(APIView):
    # Token first, so that anonymous writers get 401 with a ``WWW-Authenticate: Token``.
    authentication_classes = [TokenAuthentication, SessionAuthentication]

    def _refused(self, error: EventError) -> Response:
        """A refusal from the services: 400 when the request cannot be, 409 when the
        hosts' state forbids it or the event is too busy right now (try again)."""
        code = 400 if isinstance(error, HostNotAllowed) else status.HTTP_409_CONFLICT
        return Response({"detail": str(error)}, status=code)


class EventHostListView(HostsAPIView):
    def get_permissions(self):
        return [AllowAny() if self.request.method == "GET" else IsAuthenticated()]

    @extend_schema(
        summary="An event's hosts",
        description=(
            "The organizations hosting the event, each with the movement it stands for and "
            "its status. Everyone who may open the event sees the confirmed hosts; its "
            "managers (organizers of a confirmed host, curators) also see invited and "
            "declined ones, and an invited organization's organizers their own."
        ),
        parameters=[LINK_KEY],
        responses={200: EventHostSerializer(many=True), 404: EVENT_NOT_FOUND},
    )
    def get(self, request, slug):
        event = open_event(request, slug)
        return Response(EventHostSerializer(hosts_visible_to(request.user, event), many=True).data)

    @extend_schema(
        summary="Invite an organization to co-host",
        description=(
            "Invites the organization to host the event, standing for `movement` (one of "
            "the event's, which the organization takes part in). Its organizers are mailed "
            "(or, when it has no organizer account, its contact address, and you are told "
            "nobody can answer yet). A declined organization may be invited again. For the "
            "organizers of a confirmed host and curators. Session auth needs the CSRF "
            "token; token auth does not."
        ),
        request=EventHostInviteSerializer,
        parameters=[LINK_KEY],
        responses={
            201: OpenApiResponse(EventHostSerializer, description="Invited."),
            400: BAD_BODY,
            401: NOT_SIGNED_IN,
            403: NOT_ALLOWED,
            404: EVENT_NOT_FOUND,
            409: HOST_REFUSED,
            415: UNSUPPORTED_BODY,
        },
    )
    def post(self, request, slug):
        event = open_event(request, slug)
        if not can_manage_event(request.user, event):
            raise PermissionDenied(CANNOT_INVITE)
        body = EventHostInviteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            host = event_host_invite(event=event, by=request.user, **body.validated_data)
        except EventError as error:
            return self._refused(error)
        return Response(EventHostSerializer(host).data, status=status.HTTP_201_CREATED)


class EventHostAnswerView(HostsAPIView):
    """``confirm`` or ``decline`` (``answer``) an invitation."""

    permission_classes = [IsAuthenticated]
    answer = ""
    services = {"confirm": event_host_confirm, "decline": event_host_decline}

    def post(self, request, slug, organization):
        event = open_event(request, slug)
        host = (
            EventHost.objects.filter(event=event, organization__slug=organization)
            .select_related("event", "organization", "movement")
            .first()
        )
        if host is None:
            raise NotFound(NO_SUCH_HOST)
        if not can_answer_invitation(request.user, host):
            raise PermissionDenied(CANNOT_ANSWER)
        try:
            host = self.services[self.answer](host=host, by=request.user)
        except EventError as error:
            return self._refused(error)
        return Response(EventHostSerializer(host).data)


def answer_schema(answer: str, effect: str):
    return extend_schema(
        summary=f"{answer.title()} an invitation to co-host",
        description=(
            f"{effect} For the invited organization's organizers and curators. Answering "
            "twice answers 409. Session auth needs the CSRF token; token auth does not."
        ),
        request=None,
        parameters=[LINK_KEY],
        responses={
            200: OpenApiResponse(EventHostSerializer, description=f"{answer.title()}ed."),
            401: NOT_SIGNED_IN,
            403: NOT_ALLOWED,
            404: OpenApiResponse(
                DETAIL, description="No such event, or the organization is not invited."
            ),
            409: HOST_REFUSED,
        },
    )


class EventHostConfirmView(EventHostAnswerView):
    answer = "confirm"

    @answer_schema(
        "confirm",
        "The organization hosts the event, standing for its movement; its organizers "
        "manage the event from now on. The person who invited it is mailed.",
    )
    def post(self, request, slug, organization):
        return super().post(request, slug, organization)


class EventHostDeclineView(EventHostAnswerView):
    answer = "decline"

    @answer_schema(
        "decline",
        "The organization does not host the event; the person who invited it is mailed "
        "and may invite another organization of that movement.",
    )
    def post(self, request, slug, organization):
        return super().post(request, slug, organization)
