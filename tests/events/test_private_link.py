"""A private event is reachable only through its secret link (``/events/<slug>/?key=…``):
without the key (or with a wrong one) its page, calendar file, RSVP endpoints and API
answer exactly as an unknown slug; its managers and the people with an RSVP to it open it
without the key; hosts copy and regenerate the link (issue 12, item 2)."""

import re

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from events import services
from events.models import RSVP, Event, RSVPStatus
from events.permissions import can_open_event
from tests.factories import EventFactory, MemberFactory, OrganizationFactory, RSVPFactory
from tests.helpers import ROLES, role_client

pytestmark = pytest.mark.django_db

KEY = "quiet-meeting-secret-key-1"
WRONG = "quiet-meeting-secret-key-2"
OUTSIDERS = ["anonymous", "member", "other_organizer"]
MANAGERS = ["host_organizer", "curator"]
# Each private URL beside the same URL for a slug that does not exist.
READ_URLS = [
    ("/events/quiet-meeting/", "/events/no-such-event/"),
    ("/events/quiet-meeting.ics", "/events/no-such-event.ics"),
    ("/api/events/quiet-meeting/", "/api/events/no-such-event/"),
]


@pytest.fixture
def world():
    host = OrganizationFactory(slug="planting-justice", name="Planting Justice")
    other = OrganizationFactory(slug="elsewhere", name="Elsewhere")
    private = EventFactory(
        title="Quiet Meeting",
        slug="quiet-meeting",
        visibility="private",
        link_key=KEY,
        hosts=[host],
    )
    public = EventFactory(title="Open Potluck", slug="open-potluck", hosts=[host])
    return {"host": host, "other": other, "private": private, "public": public}


def client_for(role: str, world) -> Client:
    return role_client(role, host=world["host"], other=world["other"])


def with_key(url: str, key: str | None) -> str:
    return f"{url}?key={key}" if key is not None else url


def answer(response, path: str) -> tuple[int, str]:
    """(status, body) with the CSRF token (masked anew on every page) and the requested
    path blanked out."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return response.status_code, body.replace(path.split("?")[0], "PATH")


def same_answer(client: Client, url: str, unknown: str) -> tuple:
    """``answer`` for ``url`` and for ``unknown``."""
    return answer(client.get(url), url), answer(client.get(unknown), unknown)


# --- reading: page, .ics, API -------------------------------------------------------------


@pytest.mark.parametrize("key", [None, WRONG, "", KEY[:-1]])
@pytest.mark.parametrize(("url", "unknown"), READ_URLS)
@pytest.mark.parametrize("role", OUTSIDERS)
def test_private_event_without_its_key_answers_as_an_unknown_slug(world, role, url, unknown, key):
    client = client_for(role, world)

    private, missing = same_answer(client, with_key(url, key), with_key(unknown, key))

    assert private[0] == 404
    assert private == missing


@pytest.mark.parametrize("url", [url for url, _ in READ_URLS])
@pytest.mark.parametrize("role", ROLES)
def test_private_event_opens_with_its_key(world, role, url):
    response = client_for(role, world).get(with_key(url, KEY))

    assert response.status_code == 200


@pytest.mark.parametrize("url", [url for url, _ in READ_URLS])
@pytest.mark.parametrize("role", MANAGERS)
def test_managers_open_the_private_event_without_the_key(world, role, url):
    response = client_for(role, world).get(url)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("status", "opens"),
    [(RSVPStatus.GOING, True), (RSVPStatus.WAITLISTED, True), (RSVPStatus.CANCELLED, False)],
)
def test_people_with_an_active_rsvp_open_it_without_the_key(world, status, opens):
    client = client_for("member", world)
    RSVPFactory(
        event=world["private"],
        member=MemberFactory._meta.model.objects.get(key="m-member"),
        status=status,
    )

    codes = [client.get(url).status_code for url, _ in READ_URLS]

    assert codes == [200 if opens else 404] * 3


def test_public_event_needs_no_key(world):
    assert Client().get("/events/open-potluck/").status_code == 200
    assert Client().get("/api/events/open-potluck/").status_code == 200


def test_a_draft_needs_manage_rights_even_with_its_key(world):
    draft = EventFactory(
        slug="draft-plan", status="draft", link_key="draft-key", hosts=[world["host"]]
    )

    member = client_for("member", world).get(f"/events/draft-plan/?key={draft.link_key}")
    host = client_for("host_organizer", world).get("/events/draft-plan/")

    assert (member.status_code, host.status_code) == (404, 200)


# --- RSVPs --------------------------------------------------------------------------------


def rsvp_count() -> int:
    return RSVP.objects.filter(event__slug="quiet-meeting").count()


@pytest.mark.parametrize("key", [None, WRONG])
@pytest.mark.parametrize("role", ["member", "other_organizer"])
def test_rsvp_without_the_key_is_refused_as_an_unknown_slug(world, role, key):
    client = client_for(role, world)
    data = {"guests": "0"} | ({"key": key} if key else {})

    private = client.post("/events/quiet-meeting/rsvp/", data)
    missing = client.post("/events/no-such-event/rsvp/", data)
    api = client.post(
        with_key("/api/events/quiet-meeting/rsvp/", key), {}, content_type="application/json"
    )
    api_missing = client.post(
        with_key("/api/events/no-such-event/rsvp/", key), {}, content_type="application/json"
    )

    assert answer(private, "/events/quiet-meeting/rsvp/") == answer(
        missing, "/events/no-such-event/rsvp/"
    )
    assert private.status_code == 404
    assert (api.status_code, api.json()) == (api_missing.status_code, api_missing.json())
    assert rsvp_count() == 0


def test_rsvp_with_the_key_in_the_form_keeps_the_key(world):
    client = client_for("member", world)
    page = client.get(f"/events/quiet-meeting/?key={KEY}").content.decode()
    assert f'<input type="hidden" name="key" value="{KEY}">' in page

    response = client.post("/events/quiet-meeting/rsvp/", {"guests": "0", "key": KEY})

    assert (response.status_code, response.url) == (302, f"/events/quiet-meeting/?key={KEY}")
    assert rsvp_count() == 1


def test_rsvp_by_htmx_with_the_key(world):
    client = client_for("member", world)

    response = client.post(
        "/events/quiet-meeting/rsvp/", {"guests": "0", "key": KEY}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "You are going" in response.content.decode()
    assert rsvp_count() == 1


def test_cancelling_keeps_the_key_so_the_page_still_opens(world):
    client = client_for("member", world)
    client.post("/events/quiet-meeting/rsvp/", {"guests": "0", "key": KEY})

    response = client.post("/events/quiet-meeting/rsvp/cancel/", {"key": KEY})

    assert response.url == f"/events/quiet-meeting/?key={KEY}"
    assert client.get(response.url).status_code == 200
    assert client.get("/events/quiet-meeting/").status_code == 404


def test_api_rsvp_with_the_key(world):
    client = client_for("member", world)
    user = client.get("/me/").wsgi_request.user
    token = Token.objects.create(user=user)

    response = Client().post(
        f"/api/events/quiet-meeting/rsvp/?key={KEY}",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    assert response.status_code == 201
    assert rsvp_count() == 1


# --- the link: shown to hosts, regenerated by them ----------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_see_the_private_link(world, role):
    body = client_for(role, world).get("/events/quiet-meeting/").content.decode()

    link = f"http://testserver/events/quiet-meeting/?key={KEY}"
    assert f'<input id="private-link" type="text" value="{link}" readonly>' in body
    assert "links already sent stop working" in body


@pytest.mark.parametrize("role", OUTSIDERS)
def test_others_never_see_the_link_box(world, role):
    body = client_for(role, world).get(f"/events/quiet-meeting/?key={KEY}").content.decode()

    assert 'id="private-link"' not in body
    assert "/link/regenerate/" not in body


def test_regenerate_rotates_the_key_and_the_old_link_stops_working(world):
    host = client_for("host_organizer", world)

    response = host.post("/events/quiet-meeting/link/regenerate/")

    new_key = Event.objects.get(slug="quiet-meeting").link_key
    assert (response.status_code, response.url) == (302, "/events/quiet-meeting/")
    assert new_key != KEY
    assert len(new_key) >= 22
    reader = Client()
    assert reader.get(f"/events/quiet-meeting/?key={KEY}").status_code == 404
    assert reader.get(f"/events/quiet-meeting.ics?key={KEY}").status_code == 404
    assert reader.get(f"/api/events/quiet-meeting/?key={KEY}").status_code == 404
    assert reader.get(f"/events/quiet-meeting/?key={new_key}").status_code == 200


@pytest.mark.parametrize(("role", "expected"), [("member", 404), ("other_organizer", 404)])
def test_only_managers_regenerate(world, role, expected):
    client = client_for(role, world)

    response = client.post(f"/events/quiet-meeting/link/regenerate/?key={KEY}", {"key": KEY})

    assert response.status_code == expected
    assert Event.objects.get(slug="quiet-meeting").link_key == KEY


def test_anonymous_regenerate_is_sent_to_log_in(world):
    response = Client().post("/events/quiet-meeting/link/regenerate/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert Event.objects.get(slug="quiet-meeting").link_key == KEY


def test_regenerate_needs_the_csrf_token(world):
    client = client_for("host_organizer", world)
    client.handler.enforce_csrf_checks = True

    response = client.post("/events/quiet-meeting/link/regenerate/")

    assert response.status_code == 403
    assert Event.objects.get(slug="quiet-meeting").link_key == KEY


def test_event_link_regenerate_service(world):
    event = services.event_link_regenerate(event=world["private"])

    assert event.link_key != KEY
    assert Event.objects.get(pk=event.pk).link_key == event.link_key


# --- keys, search engines, lists ----------------------------------------------------------


def test_every_event_gets_its_own_key(world):
    keys = [EventFactory().link_key for _ in range(5)]

    assert len(set(keys)) == 5
    assert all(len(key) >= 22 for key in keys)


def test_private_page_is_not_indexed(world):
    response = Client().get(f"/events/quiet-meeting/?key={KEY}")

    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"


def test_public_page_is_indexed(world):
    response = Client().get("/events/open-potluck/")

    assert 'name="robots"' not in response.content.decode()
    assert not response.has_header("X-Robots-Tag")


@pytest.mark.parametrize("role", ROLES)
def test_linkable_events_open_without_a_key(world, role):
    """Whatever a list or link shows a person (``linkable_for``) opens for them by bare slug."""
    user = client_for(role, world).get("/").wsgi_request.user

    linkable = list(Event.objects.linkable_for(user).order_by("slug"))

    assert all(can_open_event(user, event) for event in linkable)
    expected = ["open-potluck", "quiet-meeting"] if role in MANAGERS else ["open-potluck"]
    assert [event.slug for event in linkable] == expected


# --- management URLs of drafts and private events (issue 12 item 13) ----------------------

MANAGE_URLS = [
    ("get", "/events/{slug}/edit/"),
    ("post", "/events/{slug}/edit/"),
    ("post", "/events/{slug}/publish/"),
    ("post", "/events/{slug}/link/regenerate/"),
    ("get", "/events/{slug}/cancel/"),
    ("post", "/events/{slug}/cancel/"),
    ("get", "/events/{slug}/attendees/"),
    ("get", "/events/{slug}/attendees.csv"),
    ("post", "/events/{slug}/attendees/{rsvp}/check-in/"),
    ("post", "/events/{slug}/rsvp/"),
    ("post", "/events/{slug}/rsvp/cancel/"),
]
HIDDEN = {
    "draft": {"status": "draft"},
    "private draft": {"status": "draft", "visibility": "private"},
    "private": {"visibility": "private"},
}


@pytest.mark.parametrize(("method", "url"), MANAGE_URLS)
@pytest.mark.parametrize("kind", HIDDEN)
@pytest.mark.parametrize("role", ["member", "other_organizer"])
def test_management_urls_of_hidden_events_answer_as_unknown_slugs(world, role, kind, method, url):
    """Signed in but not a manager: exactly the 404 of a slug that does not exist, so a
    draft's or a private event's slug cannot be confirmed by its management pages."""
    event = EventFactory(slug="hidden-plan", hosts=[world["host"]], **HIDDEN[kind])
    rsvp = RSVPFactory(event=event)
    client = client_for(role, world)
    before = Event.objects.filter(pk=event.pk).values().get()

    real = url.format(slug="hidden-plan", rsvp=rsvp.pk)
    unknown = url.format(slug="no-such-event", rsvp=rsvp.pk)
    hidden, missing = (getattr(client, method)(path) for path in (real, unknown))

    assert hidden.status_code == missing.status_code == 404
    assert answer(hidden, real) == answer(missing, unknown)
    assert Event.objects.filter(pk=event.pk).values().get() == before


@pytest.mark.parametrize(("method", "url"), MANAGE_URLS)
@pytest.mark.parametrize("kind", HIDDEN)
def test_management_urls_send_anonymous_visitors_to_log_in_for_both(world, kind, method, url):
    event = EventFactory(slug="hidden-plan", hosts=[world["host"]], **HIDDEN[kind])
    rsvp = RSVPFactory(event=event)
    client = Client()

    real = url.format(slug="hidden-plan", rsvp=rsvp.pk)
    unknown = url.format(slug="no-such-event", rsvp=rsvp.pk)
    hidden, missing = (getattr(client, method)(path) for path in (real, unknown))

    if url == "/events/{slug}/rsvp/":
        # RSVPs take no account (issue 15): a hidden event answers as an unknown slug.
        assert hidden.status_code == missing.status_code == 404
        assert answer(hidden, real) == answer(missing, unknown)
        return
    assert hidden.status_code == missing.status_code == 302
    assert hidden["Location"].replace("hidden-plan", "SLUG") == missing["Location"].replace(
        "no-such-event", "SLUG"
    )
    assert hidden["Location"].startswith("/accounts/login/?next=")
