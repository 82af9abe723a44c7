"""The events REST API (/api/events/): published events, and the caller's own RSVP.

Reading needs no account. ``/api/events/`` lists published public events, upcoming first,
with the filters of the events page (``events/filters.py``; a bad value answers 400 with
the field errors). ``/api/events/<slug>/`` also reaches cancelled events, and private
ones with their link's ``?key=`` (or for people with an RSVP to it and its managers);
drafts only for the people who manage them. Without access every URL here answers
exactly as for an unknown slug (404); the RSVP endpoints take the same ``?key=``. A
private event's address and online link are null unless the caller is going or manages
it. Attendees are never shown.

``/api/events/<slug>/rsvp/`` is the caller's own RSVP and needs an account: DRF token auth
(``Authorization: Token …``, no CSRF token needed) or the site's session (writes then need
the CSRF token, as everywhere on the site). Anonymous callers get 401 with
``WWW-Authenticate: Token``, except for a POST: an RSVP without an account, with a name and
an email (``events.services.rsvp_request``). That always answers ``202 {"detail": …}``
whatever the address's history (the outcome goes by mail to it), 400 without a name or an
email, 429 over the limits per IP and per email (``COALITION_RSVP_PER_*_PER_HOUR``).
Writes go through ``events.services``: a refusal from there
(event closed, cancelled or started; guests that do not fit; the event too busy to take
the change within ``COALITION_LOCK_TIMEOUT_SECONDS``) answers 409 with
``{"detail": message}`` and changes nothing.
"""

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from api.filters import EventAPIFilter
from api.schema import (
    BAD_BODY,
    CSRF_REFUSED,
    DETAIL,
    FIELD_ERRORS,
    NO_SUCH_PAGE,
    NOT_SIGNED_IN,
    UNSUPPORTED_BODY,
)
from api.serializers.events import (
    AcceptedSerializer,
    AnonymousRSVPRequestSerializer,
    EventSerializer,
    RSVPRequestSerializer,
    RSVPSerializer,
)
from events.models import RSVP, Event
from events.permissions import can_open_event, can_see_address
from events.services import RSVPError, RSVPNotAllowed, rsvp_cancel, rsvp_create, rsvp_request
from events.throttling import rsvp_throttled
from movements.services import member_for_user

NO_RSVP = "You have no RSVP for this event."
RSVP_ACCEPTED = (
    "Thanks: the details of the RSVP are on their way to that address, with a link to "
    "change or cancel it."
)
NO_ACTIVE_RSVP = "You have no RSVP to cancel for this event."


EVENT_NOT_FOUND = OpenApiResponse(
    DETAIL, description="No such event (or a draft, or a private one without its key)."
)
REFUSED = OpenApiResponse(
    DETAIL,
    description=(
        "The event takes no RSVP changes (not published, cancelled, already started), "
        "the guests do not fit, or too many changes are queued on the event right now "
        "(try again); nothing was changed."
    ),
)


LINK_KEY = OpenApiParameter(
    "key",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description=(
        "A private event's link secret (from its `/events/<slug>/?key=…` link). Without it "
        "a private event answers 404 as an unknown slug, except to people with an RSVP to "
        "it, the organizers of a host organization and curators."
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary="List events",
        description=(
            "Published public events, upcoming first (soonest first); events already over "
            "appear only when `from` or `to` reaches back for them. A bad filter value "
            "answers 400 with the field errors."
        ),
        responses={200: EventSerializer(many=True), 400: FIELD_ERRORS, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="An event",
        description=(
            "A published or cancelled event. A private event needs its link's `?key=` "
            "(not needed by people with an RSVP to it, the organizers of a host "
            "organization and curators); without it, it answers 404 as an unknown slug. "
            "Drafts answer 404 except to the "
            "organizers of a host organization and curators. A private event's `address` "
            "and `online_link` are null unless the caller is going or manages it."
        ),
        parameters=[LINK_KEY],
        responses={200: EventSerializer, 404: EVENT_NOT_FOUND},
    ),
)
class EventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EventSerializer
    lookup_field = "slug"
    # Token first, so that an anonymous caller of the RSVP endpoint gets 401 with a
    # ``WWW-Authenticate: Token`` hint (with the session first, DRF answers 403).
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventAPIFilter

    def get_queryset(self):
        if self.action == "list":
            return Event.objects.listed().with_going_count().with_relations()
        if self.action == "retrieve":
            return Event.objects.with_going_count().with_relations()
        return Event.objects.all()

    def filter_queryset(self, queryset):
        # The list filters (which also leave past events out) are for the list only.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self):
        event = super().get_object()
        key = self.request.query_params.get("key")
        if not can_open_event(self.request.user, event, key):
            # Exactly what an unknown slug answers.
            raise Http404("No Event matches the given query.")
        return event

    def retrieve(self, request, *args, **kwargs):
        event = self.get_object()
        visible = can_see_address(self.request.user, event)
        context = {**self.get_serializer_context(), "address_visible": visible}
        return Response(self.get_serializer(event, context=context).data)

    def get_permissions(self):
        # POST to rsvp/ also takes an RSVP without an account (its own checks follow).
        if self.action == "make_rsvp":
            return [AllowAny()]
        return super().get_permissions()

    def _own_rsvp(self, event: Event):
        return RSVP.objects.filter(event=event, member__user=self.request.user).select_related(
            "movement"
        )

    def _refused(self, error: RSVPError) -> Response:
        return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)

    @extend_schema(
        summary="Your RSVP to an event",
        description=(
            "The caller's RSVP (going, waitlisted or cancelled). Needs an account: token or "
            "session auth."
        ),
        parameters=[LINK_KEY],
        responses={
            200: RSVPSerializer,
            401: NOT_SIGNED_IN,
            404: OpenApiResponse(DETAIL, description="No such event, or no RSVP to it."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[IsAuthenticated],
        serializer_class=RSVPSerializer,
    )
    def rsvp(self, request, slug=None):
        event = self.get_object()
        rsvp = self._own_rsvp(event).first()
        if rsvp is None:
            raise NotFound(NO_RSVP)
        return Response(RSVPSerializer(rsvp).data)

    @extend_schema(
        summary="RSVP to an event",
        description=(
            "Going when there is room for you and your guests, waitlisted otherwise "
            "(promoted in order when places free up). Sending it again is harmless: the "
            "RSVP you have is returned (200), with the new guest count if it changed and "
            "fits. A signed-in user without a member record gets one. Session auth needs "
            "the CSRF token; token auth does not.\n\n"
            "**Without an account**, send `name` and `email` too: the answer is always 202 "
            "whether or not the address was known or already had an RSVP; whether it is "
            "going or waitlisted goes by mail to the address, with a link to change or "
            "cancel it. An address already going is not changed (its link is mailed "
            "again). Over 30 RSVPs an hour from one IP address or 5 for one email address "
            "answer 429 (`Retry-After` says when to try again)."
        ),
        request=RSVPRequestSerializer,
        parameters=[LINK_KEY],
        responses={
            201: OpenApiResponse(RSVPSerializer, description="RSVP made."),
            200: OpenApiResponse(RSVPSerializer, description="You had one already."),
            202: OpenApiResponse(
                AcceptedSerializer,
                description="Without an account: taken; the outcome goes by mail.",
            ),
            429: OpenApiResponse(DETAIL, description="Too many RSVPs without an account."),
            400: BAD_BODY,
            401: NOT_SIGNED_IN,
            403: CSRF_REFUSED,
            415: UNSUPPORTED_BODY,
            404: EVENT_NOT_FOUND,
            409: REFUSED,
        },
    )
    @rsvp.mapping.post
    def make_rsvp(self, request, slug=None):
        event = self.get_object()
        if not request.user.is_authenticated:
            return self._anonymous_rsvp(request, event)
        body = RSVPRequestSerializer(
            data=request.data, context={**self.get_serializer_context(), "event": event}
        )
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k not in ("name", "email")}
        member = member_for_user(user=request.user)
        had_one = RSVP.objects.filter(event=event, member=member).active().exists()
        try:
            rsvp = rsvp_create(event=event, member=member, **data)
        except RSVPError as error:
            return self._refused(error)
        return Response(
            RSVPSerializer(rsvp).data,
            status=status.HTTP_200_OK if had_one else status.HTTP_201_CREATED,
        )

    def _anonymous_rsvp(self, request, event: Event) -> Response:
        body = AnonymousRSVPRequestSerializer(
            data=request.data, context={**self.get_serializer_context(), "event": event}
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        wait = rsvp_throttled(request, data["email"])
        if wait:
            raise Throttled(wait=wait)
        try:
            rsvp_request(event=event, **data)
        except RSVPNotAllowed as error:
            # A bad guest count or a party that can never fit: the request's fault.
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        except RSVPError as error:
            return self._refused(error)
        return Response({"detail": RSVP_ACCEPTED}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Cancel your RSVP",
        description=(
            "Cancels your RSVP (or takes you off the waitlist) and answers 200 with it, "
            "status `cancelled`. A place you free goes to the first person waitlisted who "
            "fits. Session auth needs the CSRF token; token auth does not."
        ),
        request=None,
        parameters=[LINK_KEY],
        responses={
            200: RSVPSerializer,
            401: NOT_SIGNED_IN,
            403: CSRF_REFUSED,
            404: OpenApiResponse(DETAIL, description="No such event, or no RSVP to cancel."),
            409: REFUSED,
        },
    )
    @rsvp.mapping.delete
    def cancel_rsvp(self, request, slug=None):
        event = self.get_object()
        rsvp = self._own_rsvp(event).active().first()
        if rsvp is None:
            raise NotFound(NO_ACTIVE_RSVP)
        try:
            rsvp = rsvp_cancel(rsvp=rsvp)
        except RSVPError as error:
            return self._refused(error)
        return Response(RSVPSerializer(rsvp).data)
