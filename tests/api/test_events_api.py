"""The events API: payloads, filters, drafts and private events, the caller's RSVP under
token and session auth, query counts, schema."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import RSVP, Event
from movements.models import Member, MembershipRole
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    RegionFactory,
    RSVPFactory,
    UserFactory,
    next_year,
)
from tests.helpers import error_codes

pytestmark = pytest.mark.django_db

NEXT = next_year()  # its spring is months ahead, whatever day the suite runs
PAST = NEXT - 2
CSRF_SECRET = "a" * 32
SECRETS = ["Zelda Secretperson", "zelda@secret.example", "m-zelda", "people.example.org"]
DINNER_KEY = "private-dinner-secret-1"


@pytest.fixture(autouse=True)
def pacific_time(settings):
    """Event times are written and read in the site's time zone."""
    settings.TIME_ZONE = "America/Los_Angeles"


def at(year, month, day, hour):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def network():
    """Two movements, a host organization, another organization's leader (``outsider``),
    and six events: two upcoming public ones, a private one, a draft, a past
    and a cancelled one. Three people are going to the potluck (one brought a guest), one
    is waitlisted."""
    bay_area = RegionFactory(slug="bay-area", name="Bay Area")
    oakland = RegionFactory(slug="oakland", name="Oakland", parent=bay_area)
    fast_food = MovementFactory(slug="fight-for-15", name="Fight for $15")
    food_justice = MovementFactory(slug="food-justice", name="Food Justice")
    alliance = OrganizationFactory(slug="east-bay-alliance", name="East Bay Alliance")
    other = OrganizationFactory(slug="other-org", name="Other Org")

    outsider = UserFactory(username="outsider")
    MembershipFactory(
        member=MemberFactory(key="m-outsider", user=outsider),
        organization=other,
        role=MembershipRole.LEADER,
    )

    potluck = EventFactory(
        slug="oakland-potluck", title="Oakland Potluck", kind="potluck",
        description="Fast food and food justice at one table.",
        movements=[food_justice, fast_food], hosts=[alliance],
        starts_at=at(NEXT, 5, 1, 18), ends_at=at(NEXT, 5, 1, 21),
        venue="Community hall", address="1 Main Street, Oakland", region=oakland,
        capacity=40,
    )  # fmt: skip
    EventFactory(
        slug="strike-panel", title="Strike Panel", kind="panel", description="",
        movements=[fast_food], hosts=[other],
        starts_at=at(NEXT, 5, 10, 19), ends_at=at(NEXT, 5, 10, 21),
        venue="", address="", region=bay_area, online_link="https://meet.example.org/panel",
        capacity=None,
    )  # fmt: skip
    EventFactory(
        slug="private-dinner", title="Private Dinner", kind="other",
        movements=[food_justice], hosts=[alliance],
        starts_at=at(NEXT, 4, 20, 18), ends_at=at(NEXT, 4, 20, 20),
        venue="A home", address="7 Secret Lane, Oakland", region=oakland,
        online_link="https://meet.example.org/dinner", capacity=8, visibility="private",
        link_key=DINNER_KEY,
    )  # fmt: skip
    EventFactory(
        slug="draft-plan", title="Draft Plan", movements=[fast_food], hosts=[alliance],
        starts_at=at(NEXT, 4, 1, 18), ends_at=at(NEXT, 4, 1, 20), status="draft",
    )  # fmt: skip
    EventFactory(
        slug="past-potluck", title="Past Potluck", movements=[fast_food], hosts=[alliance],
        starts_at=at(PAST, 6, 1, 18), ends_at=at(PAST, 6, 1, 21), region=oakland,
    )  # fmt: skip
    EventFactory(
        slug="cancelled-conference", title="Cancelled Conference", kind="conference",
        movements=[fast_food], hosts=[alliance],
        starts_at=at(NEXT, 6, 1, 9), ends_at=at(NEXT, 6, 1, 17), status="cancelled",
    )  # fmt: skip

    zelda = MemberFactory(name="Zelda Secretperson", email="zelda@secret.example", key="m-zelda")
    RSVPFactory(event=potluck, member=zelda, guests=1)
    RSVPFactory(event=potluck, member=MemberFactory(key="m-going"))
    RSVPFactory(event=potluck, member=MemberFactory(key="m-waiting"), status="waitlisted")
    RSVPFactory(event=potluck, member=MemberFactory(key="m-gone"), status="cancelled")
    return {
        "potluck": potluck,
        "fast_food": fast_food,
        "food_justice": food_justice,
        "alliance": alliance,
    }


@pytest.fixture
def organization(network):
    """The organizer of tests/conftest.py organizes the East Bay Alliance, the host."""
    return network["alliance"]


@pytest.fixture
def host_client(organizer):
    """The API client (session auth) of an organizer of the host."""
    client = APIClient()
    client.force_login(organizer)
    return client


@pytest.fixture
def outsider_client(network):
    client = APIClient()
    client.force_login(Member.objects.get(key="m-outsider").user)
    return client


@pytest.fixture
def api_curator_client(curator):
    client = APIClient()
    client.force_login(curator)
    return client


@pytest.fixture
def token_user():
    """A signed-in user with a member record, using token auth."""
    user = UserFactory(username="tokenuser")
    MemberFactory(key="m-token", name="Token User", user=user)
    return user


@pytest.fixture
def token_client(token_user):
    client = APIClient()
    token = Token.objects.create(user=token_user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


POTLUCK = {
    "slug": "oakland-potluck",
    "title": "Oakland Potluck",
    "kind": "potluck",
    "description": "Fast food and food justice at one table.",
    "movements": ["fight-for-15", "food-justice"],
    "hosts": ["east-bay-alliance"],
    "joint": False,
    "starts_at": f"{NEXT}-05-01T18:00:00-07:00",
    "ends_at": f"{NEXT}-05-01T21:00:00-07:00",
    "venue": "Community hall",
    "address": "1 Main Street, Oakland",
    "region": "oakland",
    "online_link": "",
    "capacity": 40,
    "places_left": 37,
    "going_count": 3,
    "status": "published",
    "visibility": "public",
    "url": "http://testserver/events/oakland-potluck/",
}

STRIKE_PANEL = {
    "slug": "strike-panel",
    "title": "Strike Panel",
    "kind": "panel",
    "description": "",
    "movements": ["fight-for-15"],
    "hosts": ["other-org"],
    "joint": False,
    "starts_at": f"{NEXT}-05-10T19:00:00-07:00",
    "ends_at": f"{NEXT}-05-10T21:00:00-07:00",
    "venue": "",
    "address": "",
    "region": "bay-area",
    "online_link": "https://meet.example.org/panel",
    "capacity": None,
    "places_left": None,
    "going_count": 0,
    "status": "published",
    "visibility": "public",
    "url": "http://testserver/events/strike-panel/",
}

PRIVATE_DINNER = {
    "slug": "private-dinner",
    "title": "Private Dinner",
    "kind": "other",
    "description": "An event used in tests.",
    "movements": ["food-justice"],
    "hosts": ["east-bay-alliance"],
    "joint": False,
    "starts_at": f"{NEXT}-04-20T18:00:00-07:00",
    "ends_at": f"{NEXT}-04-20T20:00:00-07:00",
    "venue": "A home",
    "address": None,
    "region": "oakland",
    "online_link": None,
    "capacity": 8,
    "places_left": 8,
    "going_count": 0,
    "status": "published",
    "visibility": "private",
    "url": "http://testserver/events/private-dinner/",
}


def slugs(response):
    return [event["slug"] for event in response.json()["results"]]


def rsvps(event_slug):
    """(member key, status, guests) of every RSVP to the event, in queue order."""
    return list(
        RSVP.objects.filter(event__slug=event_slug)
        .order_by("created_at", "pk")
        .values_list("member__key", "status", "guests")
    )


# --- List and detail ----------------------------------------------------------------------


def test_event_list_shows_published_public_upcoming_events_soonest_first(client, network):
    response = client.get("/api/events/")

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [POTLUCK, STRIKE_PANEL],
    }


@pytest.mark.parametrize("who", ["anonymous", "host", "curator"])
def test_event_list_never_shows_drafts_private_or_cancelled_events(
    client, host_client, api_curator_client, network, who
):
    browser = {"anonymous": client, "host": host_client, "curator": api_curator_client}[who]

    response = browser.get(f"/api/events/?from={PAST}-01-01&to={NEXT}-12-31")

    assert slugs(response) == ["oakland-potluck", "strike-panel", "past-potluck"]


def test_event_list_pages_hold_fifty(client):
    movement = MovementFactory()
    for number in range(51):
        EventFactory(slug=f"e-{number:02d}", movements=[movement])

    first = client.get("/api/events/").json()
    second = client.get("/api/events/?page=2").json()

    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["next"] == "http://testserver/api/events/?page=2"
    assert [event["slug"] for event in second["results"]] == ["e-50"]


def test_event_detail(client, network):
    response = client.get("/api/events/oakland-potluck/")

    assert response.status_code == 200
    assert response.json() == POTLUCK


def test_event_times_carry_the_offset_of_the_time_zone(client, network, settings):
    settings.TIME_ZONE = "Europe/Berlin"

    body = client.get("/api/events/oakland-potluck/").json()

    assert body["starts_at"] == f"{NEXT}-05-02T03:00:00+02:00"
    assert body["ends_at"] == f"{NEXT}-05-02T06:00:00+02:00"


def test_full_event_has_no_places_left(client, network):
    Event.objects.filter(slug="oakland-potluck").update(capacity=3)

    body = client.get("/api/events/oakland-potluck/").json()

    assert (body["capacity"], body["going_count"], body["places_left"]) == (3, 3, 0)


def test_cancelled_and_past_events_are_reachable_by_slug(client, network):
    cancelled = client.get("/api/events/cancelled-conference/")
    past = client.get("/api/events/past-potluck/")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert past.status_code == 200
    assert past.json()["starts_at"] == f"{PAST}-06-01T18:00:00-07:00"


@pytest.mark.parametrize("slug", ["no-such-event", "draft-plan"])
@pytest.mark.parametrize("who", ["anonymous", "member", "outsider"])
def test_unknown_event_or_draft_is_404(client, member_client, outsider_client, network, slug, who):
    browser = {"anonymous": client, "member": member_client, "outsider": outsider_client}[who]

    response = browser.get(f"/api/events/{slug}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No Event matches the given query."}


@pytest.mark.parametrize("who", ["host", "curator"])
def test_draft_is_shown_to_the_people_who_manage_it(host_client, api_curator_client, network, who):
    browser = host_client if who == "host" else api_curator_client

    response = browser.get("/api/events/draft-plan/")

    assert response.status_code == 200
    assert response.json()["status"] == "draft"


# --- Private events -----------------------------------------------------------------------


def test_private_event_is_reachable_by_its_link_without_its_address(client, network):
    response = client.get(f"/api/events/private-dinner/?key={DINNER_KEY}")

    assert response.status_code == 200
    assert response.json() == PRIVATE_DINNER


@pytest.mark.parametrize(
    ("who", "rsvp_status", "shown"),
    [
        ("token", None, False),
        ("token", "waitlisted", False),
        ("token", "cancelled", False),
        ("token", "going", True),
        ("outsider", None, False),
        ("host", None, True),
        ("curator", None, True),
    ],
)
def test_private_event_address_only_for_people_going_and_managers(
    token_client, token_user, outsider_client, host_client, api_curator_client, network,
    who, rsvp_status, shown,
):  # fmt: skip
    browser = {
        "token": token_client,
        "outsider": outsider_client,
        "host": host_client,
        "curator": api_curator_client,
    }[who]
    if rsvp_status:
        RSVPFactory(
            event=Event.objects.get(slug="private-dinner"),
            member=token_user.member,
            status=rsvp_status,
        )

    body = browser.get(f"/api/events/private-dinner/?key={DINNER_KEY}").json()

    where = (body["address"], body["online_link"])
    if shown:
        assert where == ("7 Secret Lane, Oakland", "https://meet.example.org/dinner")
    else:
        assert where == (None, None)


# --- Filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=potluck", ["oakland-potluck"]),
        ("kind=panel", ["strike-panel"]),
        ("kind=workshop", []),
        ("movement=food-justice", ["oakland-potluck"]),
        ("movement=fight-for-15", ["oakland-potluck", "strike-panel"]),
        ("region=oakland", ["oakland-potluck"]),
        ("region=bay-area", ["oakland-potluck", "strike-panel"]),
        (f"from={NEXT}-05-05", ["strike-panel"]),
        (f"to={NEXT}-05-01", ["oakland-potluck"]),
        (f"from={NEXT}-05-01&to={NEXT}-05-01", ["oakland-potluck"]),
        (f"from={PAST}-01-01", ["oakland-potluck", "strike-panel", "past-potluck"]),
        (f"from={PAST}-01-01&to={PAST}-12-31", ["past-potluck"]),
        ("kind=potluck&movement=fight-for-15&region=bay-area", ["oakland-potluck"]),
        ("region=", ["oakland-potluck", "strike-panel"]),
    ],
)
def test_event_filters(client, network, query, expected):
    response = client.get(f"/api/events/?{query}")

    assert response.status_code == 200
    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("query", "codes", "messages"),
    [
        # Django's own wording ("Select a valid choice…"): the field and the code only.
        ("kind=gala", {"kind": ["invalid_choice"]}, {}),
        (
            "movement=nope",
            {"movement": ["invalid_choice"]},
            {"movement": ["There is no movement “nope”."]},
        ),
        (
            "region=atlantis",
            {"region": ["invalid_choice"]},
            {"region": ["There is no region “atlantis”."]},
        ),
        ("from=soon", {"from": ["invalid"]}, {"from": ["Enter a date as YYYY-MM-DD."]}),
        ("to=2026-13-01", {"to": ["invalid"]}, {"to": ["Enter a date as YYYY-MM-DD."]}),
        # Outside 1900-01-01..2100-12-31 (PRODUCT.md, "Date range").
        ("to=9999-12-31", {"to": ["date_out_of_range"]}, {}),
        ("from=0001-01-01", {"from": ["date_out_of_range"]}, {}),
        (
            f"from={NEXT}-05-02&to={NEXT}-05-01",
            {"non_field_errors": ["date_order"]},
            {"non_field_errors": ["“From” must be on or before “To”."]},
        ),
        (
            "kind=gala&region=atlantis",
            {"kind": ["invalid_choice"], "region": ["invalid_choice"]},
            {"region": ["There is no region “atlantis”."]},
        ),
    ],
)
def test_event_bad_filter_is_400_with_field_errors(client, network, query, codes, messages):
    response = client.get(f"/api/events/?{query}")

    assert response.status_code == 400
    assert error_codes(response.data) == codes
    body = response.json()
    assert {field: body[field] for field in messages} == messages


# --- Read-only event endpoints ------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/events/", "/api/events/oakland-potluck/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_events_cannot_be_written_through_the_api(api_curator_client, network, url, method):
    response = getattr(api_curator_client, method)(url, {"title": "Hijacked"}, format="json")

    assert response.status_code == 405
    assert Event.objects.get(slug="oakland-potluck").title == "Oakland Potluck"


# --- RSVP: token auth ---------------------------------------------------------------------


def test_rsvp_round_trip_with_a_token(token_client, network):
    url = "/api/events/oakland-potluck/rsvp/"

    before = token_client.get(url)
    created = token_client.post(url, {"guests": 2}, format="json")
    shown = token_client.get(url)
    cancelled = token_client.delete(url)
    again = token_client.delete(url)
    after = token_client.get(url)

    assert before.status_code == 404
    assert before.json() == {"detail": "You have no RSVP for this event."}
    assert created.status_code == 201
    assert created.json()["status"] == "going"
    created_at = created.json()["created_at"]
    assert created.json() == {
        "status": "going",
        "guests": 2,
        "movement": None,
        "created_at": created_at,
    }
    assert datetime.datetime.fromisoformat(created_at).utcoffset() is not None
    assert shown.status_code == 200
    assert shown.json() == created.json()
    assert cancelled.status_code == 200
    assert cancelled.json() == {**created.json(), "status": "cancelled"}
    assert again.status_code == 404
    assert again.json() == {"detail": "You have no RSVP to cancel for this event."}
    assert after.status_code == 200
    assert after.json()["status"] == "cancelled"
    # The places freed went to the person waitlisted: 3 going before, 4 now.
    assert client_places(token_client) == 36


def client_places(browser):
    return browser.get("/api/events/oakland-potluck/").json()["places_left"]


def test_rsvp_is_idempotent(token_client, network):
    url = "/api/events/oakland-potluck/rsvp/"

    first = token_client.post(url, {}, format="json")
    second = token_client.post(url, {}, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert rsvps("oakland-potluck")[-1] == ("m-token", "going", 0)
    assert RSVP.objects.filter(event__slug="oakland-potluck", member__key="m-token").count() == 1
    assert client_places(token_client) == 36


def test_rsvp_again_with_other_guests_changes_them(token_client, network):
    url = "/api/events/oakland-potluck/rsvp/"
    token_client.post(url, {"guests": 1}, format="json")

    response = token_client.post(url, {"guests": 3}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["guests"]) == ("going", 3)
    assert client_places(token_client) == 33


def test_rsvp_after_cancelling_is_made_again(token_client, network):
    url = "/api/events/oakland-potluck/rsvp/"
    token_client.post(url, {}, format="json")
    token_client.delete(url)

    response = token_client.post(url, {}, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "going"


def test_rsvp_to_a_full_event_is_waitlisted(token_client, network):
    Event.objects.filter(slug="oakland-potluck").update(capacity=4)
    url = "/api/events/oakland-potluck/rsvp/"

    too_many = token_client.post(url, {"guests": 1}, format="json")

    assert too_many.status_code == 201
    assert too_many.json()["status"] == "waitlisted"
    assert client_places(token_client) == 1


def test_cancelling_a_going_rsvp_promotes_the_first_waitlisted(token_client, network):
    Event.objects.filter(slug="oakland-potluck").update(capacity=4)
    url = "/api/events/oakland-potluck/rsvp/"
    token_client.post(url, {}, format="json")
    newcomer = UserFactory(username="newcomer")
    other = APIClient()
    other.force_authenticate(newcomer)
    assert other.post(url, {}, format="json").json()["status"] == "waitlisted"

    response = token_client.delete(url)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert rsvps("oakland-potluck") == [
        ("m-zelda", "going", 1),
        ("m-going", "going", 0),
        ("m-waiting", "going", 0),
        ("m-gone", "cancelled", 0),
        ("m-token", "cancelled", 0),
        (f"user-{newcomer.pk}", "waitlisted", 0),
    ]


def test_leaving_the_waitlist(token_client, network):
    Event.objects.filter(slug="oakland-potluck").update(capacity=3)
    url = "/api/events/oakland-potluck/rsvp/"
    assert token_client.post(url, {}, format="json").json()["status"] == "waitlisted"

    response = token_client.delete(url)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert client_places(token_client) == 0


def test_rsvp_through_a_movement(token_client, token_user, network):
    url = "/api/events/oakland-potluck/rsvp/"

    response = token_client.post(url, {"movement": "food-justice"}, format="json")

    assert response.status_code == 201
    assert response.json()["movement"] == "food-justice"
    assert token_client.get(url).json()["movement"] == "food-justice"


def test_rsvp_never_guesses_the_movement_from_the_callers_engagements(
    token_client, token_user, network
):
    """Organizers see the RSVP's movement; engagements are private (issue 12 item 4)."""
    EngagementFactory(member=token_user.member, movement=network["fast_food"])

    response = token_client.post("/api/events/oakland-potluck/rsvp/", {}, format="json")

    assert response.json()["movement"] is None


def test_rsvp_as_a_form_post(token_client, network):
    response = token_client.post("/api/events/oakland-potluck/rsvp/", {"guests": "2"})

    assert response.status_code == 201
    assert response.json()["guests"] == 2


def test_user_without_a_member_record_gets_one(network):
    user = UserFactory(username="newcomer", first_name="New", last_name="Comer")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    get_before = client.get("/api/events/oakland-potluck/rsvp/")
    assert get_before.status_code == 404
    assert not Member.objects.filter(user=user).exists()

    response = client.post("/api/events/oakland-potluck/rsvp/", {}, format="json")

    assert response.status_code == 201
    member = Member.objects.get(user=user)
    assert (member.key, member.name, member.email, member.visibility) == (
        f"user-{user.pk}",
        "New Comer",
        "newcomer@example.org",
        "private",
    )
    assert rsvps("oakland-potluck")[-1] == (f"user-{user.pk}", "going", 0)


def test_drf_create_token_command_makes_a_working_token(network):
    user = UserFactory(username="cli")
    call_command("drf_create_token", "cli", stdout=io.StringIO())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")

    response = client.post("/api/events/oakland-potluck/rsvp/", {}, format="json")

    assert response.status_code == 201


# --- RSVP: refusals -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "codes", "messages"),
    [
        # DRF's own wording: the field and the code only.
        ({"guests": -1}, {"guests": ["min_value"]}, {}),
        ({"guests": 21}, {"guests": ["max_value"]}, {}),
        ({"guests": "many"}, {"guests": ["invalid"]}, {}),
        ({"guests": True}, {"guests": ["invalid"]}, {}),
        (
            {"movement": "nope"},
            {"movement": ["does_not_exist"]},
            {"movement": ["“nope” is not one of this event's movements."]},
        ),
        (
            {"movement": 7},
            {"movement": ["does_not_exist"]},
            {"movement": ["“7” is not one of this event's movements."]},
        ),
        (["going"], {"non_field_errors": ["invalid"]}, {}),
    ],
)
def test_rsvp_bad_body_is_400_with_field_errors(network, body, codes, messages):
    MovementFactory(slug="elsewhere")
    user = UserFactory(username="newcomer")
    client = APIClient()
    client.force_authenticate(user)

    response = client.post("/api/events/oakland-potluck/rsvp/", body, format="json")

    assert response.status_code == 400
    assert error_codes(response.data) == codes
    body = response.json()
    assert {field: body[field] for field in messages} == messages
    assert len(rsvps("oakland-potluck")) == 4
    assert not Member.objects.filter(user=user).exists()


def test_rsvp_through_a_movement_of_another_event_is_400(token_client, network):
    MovementFactory(slug="elsewhere")

    response = token_client.post(
        "/api/events/oakland-potluck/rsvp/", {"movement": "elsewhere"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"movement": ["“elsewhere” is not one of this event's movements."]}
    assert len(rsvps("oakland-potluck")) == 4


def test_more_guests_than_fit_is_409_and_changes_nothing(token_client, network):
    Event.objects.filter(slug="oakland-potluck").update(capacity=5)
    url = "/api/events/oakland-potluck/rsvp/"
    token_client.post(url, {}, format="json")

    response = token_client.post(url, {"guests": 3}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "There is room for 1 guest with you at “Oakland Potluck”, not 3; "
        "your RSVP is unchanged."
    }
    assert rsvps("oakland-potluck")[-1] == ("m-token", "going", 0)


def test_a_party_that_can_never_fit_is_409_and_changes_nothing(token_client, network):
    Event.objects.filter(slug="oakland-potluck").update(capacity=4)
    url = "/api/events/oakland-potluck/rsvp/"
    before = rsvps("oakland-potluck")

    response = token_client.post(url, {"guests": 4}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": "This event has 4 places; a party of 5 can never fit."}
    assert rsvps("oakland-potluck") == before


def test_a_waitlisted_rsvp_with_fewer_guests_that_now_fit_is_going(token_client, network):
    Event.objects.filter(slug="oakland-potluck").update(capacity=4)
    RSVP.objects.filter(member__key="m-waiting").update(status="cancelled")
    url = "/api/events/oakland-potluck/rsvp/"
    assert token_client.post(url, {"guests": 1}, format="json").json()["status"] == "waitlisted"

    response = token_client.post(url, {"guests": 0}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["guests"]) == ("going", 0)
    assert rsvps("oakland-potluck")[-1] == ("m-token", "going", 0)


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"status": "cancelled"}, "“Oakland Potluck” has been cancelled."),
        (
            {"starts_at": timezone.now() - datetime.timedelta(hours=1)},
            "“Oakland Potluck” has already started; RSVPs are closed.",
        ),
    ],
)
def test_rsvp_to_a_closed_event_is_409(token_client, network, change, detail):
    Event.objects.filter(slug="oakland-potluck").update(**change)

    response = token_client.post("/api/events/oakland-potluck/rsvp/", {}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": detail}
    assert len(rsvps("oakland-potluck")) == 4


def test_cancelling_after_the_start_is_409(token_client, token_user, network):
    RSVPFactory(event=network["potluck"], member=token_user.member)
    Event.objects.filter(slug="oakland-potluck").update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )

    response = token_client.delete("/api/events/oakland-potluck/rsvp/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "“Oakland Potluck” has already started; RSVPs can no longer change."
    }
    assert rsvps("oakland-potluck")[-1] == ("m-token", "going", 0)


def test_rsvp_to_a_draft_is_404_for_others_and_409_for_its_host(
    token_client, host_client, network
):
    url = "/api/events/draft-plan/rsvp/"

    hidden = token_client.post(url, {}, format="json")
    refused = host_client.post(url, {}, format="json")

    assert hidden.status_code == 404
    assert refused.status_code == 409
    assert refused.json() == {"detail": "“Draft Plan” is not published yet."}
    assert rsvps("draft-plan") == []


def test_rsvp_to_a_private_event_by_link(token_client, network):
    url = f"/api/events/private-dinner/rsvp/?key={DINNER_KEY}"

    response = token_client.post(url, {}, format="json")

    assert response.status_code == 201
    # Going, the caller opens it without the key from now on.
    body = token_client.get("/api/events/private-dinner/").json()
    assert body["address"] == "7 Secret Lane, Oakland"


def test_rsvp_to_an_unknown_event_is_404(token_client, network):
    for method in ("get", "post", "delete"):
        response = getattr(token_client, method)("/api/events/nope/rsvp/")
        assert response.status_code == 404
        assert response.json() == {"detail": "No Event matches the given query."}


# --- RSVP: anonymous, bad tokens, session and CSRF ----------------------------------------


@pytest.mark.parametrize("method", ["get", "delete"])
def test_rsvp_needs_an_account(network, method):
    client = APIClient()

    response = getattr(client, method)("/api/events/oakland-potluck/rsvp/", {}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert len(rsvps("oakland-potluck")) == 4


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_rsvp_with_a_bad_token_is_401(network, method):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = getattr(client, method)("/api/events/oakland-potluck/rsvp/", {}, format="json")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert len(rsvps("oakland-potluck")) == 4


def test_rsvp_with_a_token_of_an_inactive_user_is_401(token_user, token_client, network):
    token_user.is_active = False
    token_user.save(update_fields=["is_active"])

    response = token_client.post("/api/events/oakland-potluck/rsvp/", {}, format="json")

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


@pytest.fixture
def session_client(token_user):
    """A signed-in browser session; CSRF checked as for a real browser."""
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="tokenuser", password="correct horse battery staple")
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


@pytest.mark.parametrize("method", ["post", "delete"])
def test_session_writes_without_the_csrf_token_are_403(
    session_client, token_user, network, method
):
    RSVPFactory(event=network["potluck"], member=token_user.member)

    response = getattr(session_client, method)(
        "/api/events/oakland-potluck/rsvp/", {"guests": 1}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF Failed: CSRF token missing."}
    assert rsvps("oakland-potluck")[-1] == ("m-token", "going", 0)


def test_session_rsvp_round_trip_with_the_csrf_token(session_client, network):
    url = "/api/events/oakland-potluck/rsvp/"
    csrf = {"HTTP_X_CSRFTOKEN": CSRF_SECRET}

    shown_before = session_client.get(url)
    created = session_client.post(url, {"guests": 1}, format="json", **csrf)
    cancelled = session_client.delete(url, **csrf)

    assert shown_before.status_code == 404
    assert created.status_code == 201
    assert created.json()["status"] == "going"
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


def test_token_writes_need_no_csrf_token(token_user, network):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=token_user).key}")

    response = client.post("/api/events/oakland-potluck/rsvp/", {}, format="json")

    assert response.status_code == 201


# --- Privacy ------------------------------------------------------------------------------


PRIVATE_URLS = [
    "/api/events/",
    f"/api/events/?from={PAST}-01-01",
    "/api/events/oakland-potluck/",
    "/api/events/oakland-potluck/rsvp/",
    f"/api/events/private-dinner/?key={DINNER_KEY}",
    "/api/schema/?format=json",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
@pytest.mark.parametrize("who", ["anonymous", "token", "host", "curator"])
def test_no_events_response_names_an_attendee(
    client, token_client, host_client, api_curator_client, network, url, who
):
    browser = {
        "anonymous": client,
        "token": token_client,
        "host": host_client,
        "curator": api_curator_client,
    }[who]

    response = browser.get(url, HTTP_ACCEPT="application/json")

    assert response.status_code in {200, 401, 404}
    content = response.content.decode()
    for secret in SECRETS:
        assert secret not in content


# --- Query counts -------------------------------------------------------------------------


def grow(network, times):
    """Add ``times`` listed events, each with movements, hosts and RSVPs."""
    for _ in range(times):
        event = EventFactory(
            movements=[network["fast_food"], MovementFactory()],
            hosts=[OrganizationFactory(), OrganizationFactory()],
            starts_at=at(NEXT, 5, 3, 18),
            ends_at=at(NEXT, 5, 3, 21),
            region=RegionFactory(),
        )
        RSVPFactory(event=event, guests=2)
        RSVPFactory(event=event, status="waitlisted")
        RSVPFactory(event=network["potluck"])


QUERY_URLS = [
    ("anonymous", "/api/events/", 4),
    ("anonymous", "/api/events/?kind=potluck&movement=fight-for-15&region=bay-area", 6),
    ("anonymous", "/api/events/oakland-potluck/", 3),
    ("anonymous", f"/api/events/private-dinner/?key={DINNER_KEY}", 3),
    # Token lookup, then the event, its movements and hosts; for a private event also
    # whether the caller is going and whether they manage it.
    ("token", "/api/events/", 5),
    ("token", "/api/events/oakland-potluck/", 4),
    ("token", f"/api/events/private-dinner/?key={DINNER_KEY}", 6),
    ("token", "/api/events/oakland-potluck/rsvp/", 3),
]


@pytest.mark.parametrize(("who", "url", "queries"), QUERY_URLS)
def test_query_count_is_fixed_as_events_grow(client, token_client, network, who, url, queries):
    browser = client if who == "anonymous" else token_client
    RSVPFactory(event=network["potluck"], member=Member.objects.get(key="m-token"))

    with CaptureQueriesContext(connection) as small:
        assert browser.get(url).status_code == 200
    grow(network, 12)
    with CaptureQueriesContext(connection) as large:
        assert browser.get(url).status_code == 200

    assert len(small) == queries
    assert len(large) == queries


# --- Schema -------------------------------------------------------------------------------


def test_api_root_links_events(client):
    response = client.get("/api/", HTTP_ACCEPT="application/json")

    assert response.json()["events"] == "http://testserver/api/events/"


def test_schema_documents_the_events_api(client):
    schema = json.loads(client.get("/api/schema/?format=json").content)

    paths = schema["paths"]
    assert [path for path in sorted(paths) if path.startswith("/api/events/")] == [
        "/api/events/",
        "/api/events/{slug}/",
        "/api/events/{slug}/follow-through/",
        "/api/events/{slug}/hosts/",
        "/api/events/{slug}/hosts/{organization}/confirm/",
        "/api/events/{slug}/hosts/{organization}/decline/",
        "/api/events/{slug}/rsvp/",
    ]
    assert sorted(p["name"] for p in paths["/api/events/"]["get"]["parameters"]) == [
        "from", "kind", "movement", "page", "region", "to",
    ]  # fmt: skip
    rsvp = paths["/api/events/{slug}/rsvp/"]
    assert sorted(rsvp) == ["delete", "get", "post"]
    assert sorted(rsvp["get"]["responses"]) == ["200", "401", "404"]
    assert sorted(rsvp["post"]["responses"]) == [
        "200", "201", "202", "400", "401", "403", "404", "409", "415", "429",
    ]  # fmt: skip
    assert sorted(rsvp["delete"]["responses"]) == ["200", "401", "403", "404", "409"]
    assert rsvp["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RSVPRequest"
    }
    assert rsvp["post"]["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RSVP"
    }
    assert rsvp["post"]["responses"]["409"]["content"]["application/json"]["schema"] == {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    for method in ("get", "delete"):
        assert rsvp[method]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}]
    # An RSVP also takes no account (name and email instead).
    assert rsvp["post"]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}, {}]
    assert paths["/api/events/"]["get"]["security"] == [
        {"tokenAuth": []},
        {"cookieAuth": []},
        {},
    ]
    components = schema["components"]
    assert sorted(components["securitySchemes"]) == ["cookieAuth", "tokenAuth"]
    assert sorted(components["schemas"]["Event"]["properties"]) == sorted(POTLUCK)
    assert sorted(components["schemas"]["RSVP"]["properties"]) == [
        "created_at", "guests", "movement", "status",
    ]  # fmt: skip
    assert components["schemas"]["RSVPStatusEnum"]["enum"] == ["going", "waitlisted", "cancelled"]
    assert components["schemas"]["Event"]["properties"]["address"]["nullable"] is True
    assert components["schemas"]["Event"]["properties"]["places_left"]["nullable"] is True


def test_member_record_made_on_first_use_never_collides_with_an_imported_key(network):
    user = UserFactory(username="newcomer", first_name="New", last_name="Comer")
    imported = MemberFactory(key=f"user-{user.pk}", name="Imported")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    response = client.post("/api/events/oakland-potluck/rsvp/", {}, format="json")

    assert response.status_code == 201
    member = Member.objects.get(user=user)
    assert member.pk != imported.pk
    assert member.key.startswith(f"user-{user.pk}-")
    assert Member.objects.get(pk=imported.pk).key == f"user-{user.pk}"
