"""Per-object authorization: every mutating URL in the project against every role, in one
table. A refusal answers a log-in redirect, 403 or 404 and leaves the database exactly as it
was; the roles allowed get the answer in the table.

Roles: anonymous; a member (signed in, organizes nothing); an organizer of another
organization (Campus Climate, which is invited to co-host the potluck for Food Justice); an
organizer of the host organization (the Fast Food Union, which hosts the events and is a
suggested host of the potluck proposal); a curator. The potluck has a second confirmed
host, the Neighbours' Kitchen (for Food Justice), so that the union may leave it."""

import pytest
from django.test import Client

from accounts.services import member_calendar_enable
from events.models import RSVP, Event, EventHost, EventMessage, EventStatus, Proposal
from movements.models import Engagement, Member, Membership, Movement, OrganizerRequest
from movements.organizing import organizer_request_create
from movements.verification import unsubscribe_token
from tests.factories import (
    EventFactory,
    EventHostFactory,
    MemberFactory,
    OrganizationFactory,
    RSVPFactory,
    UserFactory,
)
from tests.helpers import ROLES, event_form_data, held_yesterday, role_client

pytestmark = pytest.mark.django_db

LOGIN = "login"  # 302 to the log-in page, ?next= this URL
ADMIN_LOGIN = "admin login"  # 302 to the admin's log-in page


@pytest.fixture
def world(proposal_network):
    event = EventFactory(
        slug="potluck",
        title="Oakland potluck",
        movements=[proposal_network["fast_food"], proposal_network["food_justice"]],
        hosts=[proposal_network["union"]],
    )
    draft = EventFactory(
        slug="draft", status=EventStatus.DRAFT, movements=[proposal_network["fast_food"]],
        hosts=[proposal_network["union"]],
    )  # fmt: skip
    rsvp = RSVPFactory(event=event, member=MemberFactory(key="m-ada", name="Ada", invites=True))
    food = proposal_network["food_justice"]
    kitchen = OrganizationFactory(slug="neighbours-kitchen", name="Neighbours' Kitchen")
    EventHostFactory(event=event, organization=kitchen, movement=food, status="confirmed")
    EventHostFactory(event=event, organization=proposal_network["campus"], movement=food)
    asks = organizer_request_create(
        member=MemberFactory(key="m-bea", name="Bea", user=UserFactory(username="bea")),
        organization=proposal_network["union"],
        note="I can help with the potluck.",
    )
    return {**proposal_network, "event": event, "draft": draft, "rsvp": rsvp, "request": asks}


def client_for(role: str, world) -> Client:
    return role_client(role, host=world["union"], other=world["campus"])


def snapshot() -> list:
    """Everything a refused request must leave untouched."""
    return [
        list(
            Event.objects.order_by("pk").values_list(
                "slug", "title", "status", "venue", "link_key"
            )
        ),
        list(RSVP.objects.order_by("pk").values_list("pk", "status", "guests", "checked_in_at")),
        list(Proposal.objects.order_by("pk").values_list("pk", "status", "dismissed_reason")),
        list(
            Member.objects.order_by("pk").values_list(
                "pk", "visibility", "invites", "calendar_token"
            )
        ),
        list(Movement.objects.order_by("pk").values_list("pk", "archived_at")),
        Engagement.objects.count(),
        EventMessage.objects.count(),
        list(OrganizerRequest.objects.order_by("pk").values_list("pk", "status")),
        list(Membership.objects.order_by("pk").values_list("pk", "role", "until")),
        list(EventHost.objects.order_by("pk").values_list("pk", "organization", "status")),
    ]


def new_event(world) -> dict:
    return event_form_data([world["fast_food"], world["food_justice"]], [world["union"]])


REFUSED = {LOGIN, ADMIN_LOGIN, 400, 401, 403, 404}
ACCEPTED = "/events/potluck-in-oakland-fast-food-workers-and-gardeners-on-food/edit/"
ATTENDEES = "/events/potluck/attendees/#rsvp-{rsvp}"
GARDENS = "/organizations/garden-collective/"
UNION = "/organizations/fast-food-union/"
DECIDE = "/organizations/fast-food-union/organize/"
HOSTS = "/events/potluck/hosts/"
CAMPUS = "/events/potluck/hosts/campus-climate"

# name: (method, path, data, expected for ROLES in order). An expected path means a 302 there
# (allowed). Data "event" is a whole event form hosted by the Fast Food Union; paths name
# {potluck} (the proposal), {rsvp} (Ada's RSVP) and {fight} (a movement's id). "Own RSVP"
# rows first give the signed-in person an RSVP of their own to cancel.
URLS = {
    "event new GET": ("get", "/events/new/", None, [LOGIN, 403, 200, 200, 200]),
    "event new POST": (
        "post", "/events/new/", "event",
        [LOGIN, 403, 400, "/events/strikes-and-blockades/", "/events/strikes-and-blockades/"],
    ),
    "event edit GET": ("get", "/events/potluck/edit/", None, [LOGIN, 403, 403, 200, 200]),
    "event edit POST": (
        "post", "/events/potluck/edit/", "event",
        [LOGIN, 403, 403, "/events/potluck/", "/events/potluck/"],
    ),
    "event publish": (
        "post", "/events/draft/publish/", {},
        [LOGIN, 404, 404, "/events/draft/", "/events/draft/"],
    ),
    "event link regenerate": (
        "post", "/events/potluck/link/regenerate/", {},
        [LOGIN, 403, 403, "/events/potluck/", "/events/potluck/"],
    ),
    "event cancel GET": ("get", "/events/potluck/cancel/", None, [LOGIN, 403, 403, 200, 200]),
    "event cancel POST": (
        "post", "/events/potluck/cancel/", {},
        [LOGIN, 403, 403, "/events/potluck/", "/events/potluck/"],
    ),
    "attendees": ("get", "/events/potluck/attendees/", None, [LOGIN, 403, 403, 200, 200]),
    "attendees.csv": ("get", "/events/potluck/attendees.csv", None, [LOGIN, 403, 403, 200, 200]),
    "check-in": (
        "post", "/events/potluck/attendees/{rsvp}/check-in/", {},
        [LOGIN, 403, 403, ATTENDEES, ATTENDEES],
    ),
    "messages": ("get", "/events/potluck/messages/", None, [LOGIN, 403, 403, 200, 200]),
    "message new GET": (
        "get", "/events/potluck/messages/new/", None, [LOGIN, 403, 403, 200, 200],
    ),
    "message new POST": (
        "post", "/events/potluck/messages/new/",
        {"audience": "going", "subject": "Hello", "body": "See you there."},
        [LOGIN, 403, 403, "/events/potluck/messages/", "/events/potluck/messages/"],
    ),
    # Anyone may RSVP: without an account with a name and an email (issue 15); signed in,
    # those two are ignored. The manage link's rights are its own (tests/events/
    # test_rsvp_without_account.py): whoever holds the link, whatever their role.
    "rsvp": (
        "post", "/events/potluck/rsvp/", {"guests": "0", "name": "Sam", "email": "s@example.org"},
        ["/events/potluck/"] * 5,
    ),
    "rsvp without name": (
        "post", "/events/potluck/rsvp/", {"guests": "0", "email": "s@example.org"},
        [400] + ["/events/potluck/"] * 4,
    ),
    "own rsvp cancel": (
        "post", "/events/potluck/rsvp/cancel/", {}, [LOGIN] + ["/events/potluck/"] * 4,
    ),
    "proposal accept": (
        "post", "/proposals/{potluck}/accept/", {"host": "fast-food-union:fight-for-15"},
        [LOGIN, 403, 403, ACCEPTED, ACCEPTED],
    ),
    "hosts page": ("get", HOSTS, None, [LOGIN, 403, 403, 200, 200]),
    "host invite": (
        "post", HOSTS, {"organization": ["{gardens}"], "movement": ["{food}"]},
        [LOGIN, 403, 403, HOSTS, HOSTS],
    ),
    # Campus Climate's invitation: its organizers (and curators) answer it.
    "host confirm": ("post", f"{CAMPUS}/confirm/", {}, [LOGIN, 403, HOSTS, 403, HOSTS]),
    "host decline": (
        "post", f"{CAMPUS}/decline/", {}, [LOGIN, 403, "/events/potluck/", 403, HOSTS],
    ),
    # An invitation is taken back by the event's managers; a confirmed host leaves by its
    # own organizers (who then manage the event no more).
    "host invitation withdraw": (
        "post", f"{CAMPUS}/withdraw/", {}, [LOGIN, 403, 403, HOSTS, HOSTS],
    ),
    "host leave": (
        "post", "/events/potluck/hosts/fast-food-union/withdraw/", {},
        [LOGIN, 403, 403, "/events/potluck/", HOSTS],
    ),
    "API host invite": (
        "post", "/api/events/potluck/hosts/",
        {"organization": "garden-collective", "movement": "food-justice"},
        [401, 403, 403, 201, 201],
    ),
    "API host confirm": (
        "post", "/api/events/potluck/hosts/campus-climate/confirm/", {},
        [401, 403, 200, 403, 200],
    ),
    "API host decline": (
        "post", "/api/events/potluck/hosts/campus-climate/decline/", {},
        [401, 403, 200, 403, 200],
    ),
    "proposal dismiss GET": (
        "get", "/proposals/{potluck}/dismiss/", None, [LOGIN, 403, 403, 200, 200],
    ),
    "proposal dismiss POST": (
        "post", "/proposals/{potluck}/dismiss/", {"reason": "Not now."},
        [LOGIN, 403, 403, "/proposals/", "/proposals/"],
    ),
    "API proposal accept": (
        "post", "/api/proposals/{potluck}/accept/", {}, [401, 403, 403, 201, 201],
    ),
    "API proposal dismiss": (
        "post", "/api/proposals/{potluck}/dismiss/", {}, [401, 403, 403, 200, 200],
    ),
    "API rsvp POST": (
        "post", "/api/events/potluck/rsvp/", {"name": "Sam", "email": "s@example.org"},
        [202, 201, 201, 201, 201],
    ),
    "API rsvp POST without email": (
        "post", "/api/events/potluck/rsvp/", {"name": "Sam"}, [400, 201, 201, 201, 201],
    ),
    "API own rsvp DELETE": (
        "delete", "/api/events/potluck/rsvp/", None, [401, 200, 200, 200, 200],
    ),
    "me visibility": ("post", "/me/", {"visibility": "public"}, [LOGIN] + ["/me/"] * 4),
    # Organizer access: anyone signed in asks (the Garden Collective's organizers are none of
    # these roles); Bea's request for the Fast Food Union is its organizers' and curators'.
    "organize GET": ("get", f"{GARDENS}organize/", None, [LOGIN, 200, 200, 200, 200]),
    "organize POST": (
        "post", f"{GARDENS}organize/", {"note": "I can help."}, [LOGIN] + [GARDENS] * 4,
    ),
    "organizer request approve": (
        "post", "/organizer-requests/{request}/approve/", {}, [LOGIN, 404, 404, DECIDE, DECIDE],
    ),
    "organizer request decline": (
        "post", "/organizer-requests/{request}/decline/", {}, [LOGIN, 404, 404, DECIDE, DECIDE],
    ),
    "step down GET": ("get", f"{UNION}step-down/", None, [LOGIN, 403, 403, 200, 403]),
    "step down POST": ("post", f"{UNION}step-down/", {}, [LOGIN, 403, 403, UNION, 403]),
    "API organizer request POST": (
        "post", "/api/organizer-requests/", {"organization": "garden-collective"},
        [401, 201, 201, 201, 201],
    ),
    "API organizer request approve": (
        "post", "/api/organizer-requests/{request}/approve/", {}, [401, 404, 404, 200, 200],
    ),
    "API organizer request decline": (
        "post", "/api/organizer-requests/{request}/decline/", {}, [401, 404, 404, 200, 200],
    ),
    "me invites": (
        "post", "/me/invites/", {"invites": "on"}, [LOGIN] + ["/me/#invites-title"] * 4,
    ),
    # The personal calendar feed: each signed-in person's own (the "own" row first turns it
    # on, so there is something to turn off). The feed itself is read-only, opened by its
    # secret link (tests/accounts/test_calendar_feed.py).
    "me calendar on": (
        "post", "/me/calendar/on/", {}, [LOGIN] + ["/me/#calendar-title"] * 4,
    ),
    "me calendar renew": (
        "post", "/me/calendar/renew/", {}, [LOGIN] + ["/me/#calendar-title"] * 4,
    ),
    "own calendar off": (
        "post", "/me/calendar/off/", {}, [LOGIN] + ["/me/#calendar-title"] * 4,
    ),
    # The signed link is the whole authority (mail programs POST it without cookies).
    "invites unsubscribe": (
        "post", "/invites/unsubscribe/{unsubscribe}/", {}, [200] * 5,
    ),
    "invites unsubscribe, forged link": (
        "post", "/invites/unsubscribe/eyJtIjoxfQ:forged/", {}, [400] * 5,
    ),
    "admin index": ("get", "/admin/", None, [ADMIN_LOGIN] * 4 + [200]),
    "admin changelist": ("get", "/admin/movements/movement/", None, [ADMIN_LOGIN] * 4 + [200]),
    "admin action": (
        "post", "/admin/movements/movement/",
        {"action": "archive", "index": "0", "_selected_action": ["{fight}"]},
        [ADMIN_LOGIN] * 4 + ["/admin/movements/movement/"],
    ),
    "admin organizer request action": (
        "post", "/admin/movements/organizerrequest/",
        {"action": "approve", "index": "0", "_selected_action": ["{request}"]},
        [ADMIN_LOGIN] * 4 + ["/admin/movements/organizerrequest/"],
    ),
}  # fmt: skip


def request_for(name: str, world) -> tuple[str, str, dict | None]:
    method, path, data, _ = URLS[name]
    ids = {
        "potluck": world["potluck"].pk,
        "rsvp": world["rsvp"].pk,
        "fight": world["fast_food"].pk,
        "request": world["request"].pk,
        "unsubscribe": unsubscribe_token(world["rsvp"].member),
        "gardens": world["gardens"].pk,
        "food": world["food_justice"].pk,
    }
    if data == "event":
        data = new_event(world)
    elif data:
        data = {
            key: [item.format(**ids) for item in value] if isinstance(value, list) else value
            for key, value in data.items()
        }
    return method, path.format(**ids), data


def give_own_rsvp(role: str, world):
    """The signed-in person's own RSVP to the potluck, for the rows that cancel it."""
    user = UserFactory._meta.model.objects.get(username=role)
    member = Member.objects.filter(user=user).first() or MemberFactory(user=user, key="m-own")
    RSVPFactory(event=world["event"], member=member)


def give_own_calendar_feed(role: str):
    """The signed-in person's calendar feed, on, for the row that turns it off."""
    user = UserFactory._meta.model.objects.get(username=role)
    member = Member.objects.filter(user=user).first() or MemberFactory(user=user, key="m-own")
    member_calendar_enable(member=member)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(URLS))
def test_every_mutating_url_by_role(world, role, name):
    method, path, data = request_for(name, world)
    expected = URLS[name][3][ROLES.index(role)]
    client = client_for(role, world)
    if "own rsvp" in name and role != "anonymous":
        give_own_rsvp(role, world)
    if "own calendar" in name and role != "anonymous":
        give_own_calendar_feed(role)
    if name == "check-in":
        held_yesterday(world["event"])  # check-in is open
    before = snapshot()

    send = getattr(client, method)
    response = send(path, data) if data is not None else send(path)

    if expected == LOGIN:
        assert (response.status_code, response["Location"]) == (302, login_redirect(path))
    elif expected == ADMIN_LOGIN:
        assert (response.status_code, response["Location"]) == (302, f"/admin/login/?next={path}")
    elif isinstance(expected, str):
        assert (response.status_code, response["Location"]) == (
            302,
            expected.format(rsvp=world["rsvp"].pk),
        )
    else:
        assert response.status_code == expected
    if expected in REFUSED or method == "get":
        assert snapshot() == before
    else:
        assert snapshot() != before
    # Nobody but the event's managers ever touches somebody else's RSVP.
    ada = RSVP.objects.get(pk=world["rsvp"].pk)
    assert (ada.status, ada.checked_in_at is not None) == (
        "going",
        name == "check-in" and expected not in REFUSED,
    )


def login_redirect(path: str) -> str:
    return f"/accounts/login/?next={path}"
