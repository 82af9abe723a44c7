"""Follow-through in the REST API (issue 16): ``/api/events/<slug>/follow-through/`` and
``/api/overlaps/<a>/<b>/``.

Read-only and public like the rest of the API; what a caller sees is what
``network.followthrough`` discloses to them (``curator`` = ``core.roles.is_curator``).

``/api/events/<slug>/follow-through/`` opens an event exactly as ``/api/events/<slug>/``
does (``events.permissions.can_open_event``: a private event needs its ``?key=`` but for
the people going and its managers, a draft only its managers): anything else answers 404
as an unknown slug. The answer is ``disclose_event``'s as it is; an event that is not
measured (upcoming, cancelled, a draft, a single movement) answers ``measured: false`` with
nulls.

``/api/overlaps/<a>/<b>/`` answers for either slug order, with ``movements`` in the order
of the URL (no redirect: the figures are symmetric). Its overlap figures are those
``/api/movements/<a>/overlaps/`` lists for ``b`` to this caller (``movement_overlaps``, so
also cached with it). Two movements that share nothing there (nothing at all, or for
anyone but a curator only a few people) still answer 200: score 0, ``shared_members`` 0
(null for anyone but a curator, as every count under the threshold), empty lists and no
reasons; they may still have held joint events, and ``follow_through`` says what came of
them (``disclose_pair``; ``events`` 0 and nulls when none was measured). An unknown or
archived slug, or the same movement twice, answers 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import DETAIL
from api.serializers.followthrough import EventFollowThroughSerializer, PairOverlapSerializer
from api.views.events import EVENT_NOT_FOUND, LINK_KEY
from api.views.hosts import open_event
from core.roles import is_curator
from movements.models import Movement
from network.followthrough import disclose_event, disclose_pair
from network.overlaps import Overlap, movement_overlaps

SAME_MOVEMENT = "A movement does not overlap with itself."
NO_SUCH_MOVEMENT = "No movement in the directory has the slug {slug!r}."


class EventFollowThroughView(APIView):
    @extend_schema(
        summary="Did the bridge hold? An event's follow-through",
        description=(
            "For a measured event (published, ended, two or more movements): the people "
            "who checked in (`attendees`), those who took up a real engagement in another of "
            "its movements within `window_days` of its day (`crossers`), the `rate`, and by "
            "movement how many came from it and crossed into it. Definitions in PRODUCT.md "
            '("Follow-through") and `network/followthrough.py`. People-counts under the '
            "disclosure threshold are null, except for curators; a rate is null when its "
            "numerator or denominator is; the per-movement figures of a kind are null "
            "together when one is. Not measured: `measured: false` and nulls. The event "
            "opens as `/api/events/<slug>/` does (a private one with its `?key=`)."
        ),
        parameters=[LINK_KEY],
        responses={200: EventFollowThroughSerializer, 404: EVENT_NOT_FOUND},
    )
    def get(self, request, slug):
        event = open_event(request, slug)
        return Response(disclose_event(event, curator=is_curator(request.user)))


def movement_slug(name: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.STR, OpenApiParameter.PATH, description="Slug of a movement."
    )


class OverlapPairView(APIView):
    @extend_schema(
        summary="Two movements: their overlap and what came of their joint events",
        description=(
            "The overlap exactly as `/api/movements/<a>/overlaps/` lists it for `b` "
            "(`shared_members` null below the disclosure threshold, except for curators), "
            "with `movements` in the order asked (either order answers, with the same "
            "figures), and `follow_through`: the measured joint events of the two "
            "(`events`, a count) and their distinct `attendees`, `crossers` and `rate`, "
            "withheld as in `/api/events/<slug>/follow-through/`. Two movements that "
            "share nothing answer score 0, empty lists and no reasons."
        ),
        parameters=[movement_slug("a"), movement_slug("b")],
        responses={
            200: PairOverlapSerializer,
            404: OpenApiResponse(
                DETAIL,
                description="No movement in the directory has one of the slugs (or archived), "
                "or the same movement twice.",
            ),
        },
    )
    def get(self, request, a, b):
        if a == b:
            raise NotFound(SAME_MOVEMENT)
        found = {m.slug: m for m in Movement.objects.visible().filter(slug__in=[a, b])}
        for slug in (a, b):
            if slug not in found:
                raise NotFound(NO_SUCH_MOVEMENT.format(slug=slug))
        first, second = found[a], found[b]
        curator = is_curator(request.user)
        overlap = next(
            (o for o in movement_overlaps(first, curator=curator) if o.other(first) == second),
            None,
        )
        if overlap is None:
            # Nothing shared (for this caller): no figures, no reasons.
            ordered = sorted([first, second], key=lambda m: (m.name, m.pk))
            overlap = Overlap(*ordered, _reasons=[])
        context = {
            "request": request,
            "movements": [first, second],
            "follow_through": disclose_pair(first, second, curator=curator),
        }
        return Response(PairOverlapSerializer(overlap, context=context).data)
