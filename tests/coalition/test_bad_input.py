"""Bad input survey: malformed values thrown at every form, filter and import field.

Each case is a request (or an import document) with one bad value: too long, the wrong
type, dates in the wrong order, an unknown choice or slug, a NUL byte, a huge or negative
number. Every one must answer a 4xx with a message in the body and leave the database
exactly as it was: the exported network, and every Event, RSVP, Proposal and User row.
"""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from events.models import RSVP, Event, Proposal, ProposalHost, ProposalStatus
from movements.exchange import NetworkImportError, dumps, network_export, network_import
from movements.models import MembershipRole, Visibility
from tests.factories import (
    EventFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    RSVPFactory,
    TacticFactory,
    ThemeFactory,
    UserFactory,
    days_from_now,
)
from tests.helpers import Code, error_codes

pytestmark = pytest.mark.django_db

LONG = "x" * 10_000
NUL = "a\x00b"
HUGE = str(10**20)
NOT_A_SLUG = "no such/slug!"


@pytest.fixture
def world():
    """Two movements in Oakland, a host organization with an organizer, a published
    event they run with one RSVP, and an open proposal they may decide."""
    oakland = RegionFactory(slug="oakland", name="Oakland")
    food = ThemeFactory(slug="food")
    strike = TacticFactory(slug="strike")
    gardens = MovementFactory(
        slug="food-justice", themes=[food], tactics=[strike], regions=[oakland]
    )
    workers = MovementFactory(slug="fight-for-15", themes=[food], regions=[oakland])
    collective = OrganizationFactory(slug="garden-collective", region=oakland)
    ParticipationFactory(organization=collective, movement=gardens)
    organizer = UserFactory(username="organizer")
    MembershipFactory(
        member=MemberFactory(key="organizer", user=organizer),
        organization=collective,
        role=MembershipRole.ORGANIZER,
    )
    event = EventFactory(slug="potluck", movements=[gardens, workers], hosts=[collective])
    RSVPFactory(event=event, member=MemberFactory(key="guest"))
    proposal = Proposal.objects.create(
        identity="potluck:test", kind="potluck", title="Potluck on food", region=oakland
    )
    proposal.movements.set([gardens, workers])
    ProposalHost.objects.create(proposal=proposal, organization=collective, movement=gardens)
    member = UserFactory(username="member")
    MemberFactory(key="member", user=member, visibility=Visibility.PRIVATE)
    return {"organizer": organizer, "member": member, "event": event, "proposal": proposal}


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def snapshot() -> tuple:
    """Everything a bad request must leave alone."""
    rows = tuple(
        list(model.objects.order_by("pk").values())
        for model in (Event, RSVP, Proposal, get_user_model())
    )
    return dumps(network_export()), rows


def text_of(response) -> str:
    return response.content.decode()


def codes_of(response) -> dict[str, list[str]] | None:
    """``{field: [code, …]}`` of a refused request: DRF's data (the API) or the errors of the
    form the page was rendered with (the filters, the event, RSVP, account or decision
    form); None for the map's JSON and the calendar feed, which carry messages only."""
    if getattr(response, "data", None) is not None:
        return error_codes(response.data)
    for name in ("filter", "form", "rsvp_form", "accept_form"):
        form = (response.context or {}).get(name)
        form = getattr(form, "form", form)  # a FilterSet's form
        if form is not None and form.errors:
            return error_codes(form.errors)
    return None


def assert_refused(response, sent, expected: str) -> None:
    """The refusal explains itself: ``expected`` is our own message, shown in the body, or
    the Code of a Django or DRF error (their wording, not ours) on one of the ``sent``
    fields. Where the response carries no codes (the map's JSON, the calendar feed) it
    names the field; a page lists the field's error."""
    body = text_of(response)
    if not isinstance(expected, Code):
        assert expected in body
        return
    codes = codes_of(response)
    if codes is None:
        named = (
            response.json()["errors"]
            if response["Content-Type"] == "application/json"
            else {line.split(":")[0] for line in body.splitlines()}
        )
        assert set(sent) & set(named)
        return
    assert expected in [code for field in sent for code in codes.get(field, [])]
    if response["Content-Type"].startswith("text/html"):
        listed = [f'href="#id_{field}"' for field in sent] + [
            f'id="id_{field}_error"' for field in sent
        ]
        assert any(mark in body for mark in listed)


# --- query strings: directory, events, map, proposals, API lists ----------------------------

FILTER_CASES = [
    # (path, query, message in the body)
    ("/movements/", {"q": LONG}, Code("max_length")),
    ("/movements/", {"q": NUL}, Code("null_characters_not_allowed")),
    ("/movements/", {"theme": NOT_A_SLUG}, "There is no theme"),
    ("/movements/", {"theme": NUL}, Code("null_characters_not_allowed")),
    ("/movements/", {"tactic": HUGE}, "There is no tactic"),
    ("/movements/", {"region": NUL}, Code("null_characters_not_allowed")),
    ("/movements/", {"region": LONG}, "There is no region"),
    ("/movements/", {"sector": "knitting"}, Code("invalid_choice")),
    ("/movements/", {"status": NUL}, Code("invalid_choice")),
    ("/movements/", {"page": "-1"}, ""),
    ("/organizations/", {"q": LONG}, Code("max_length")),
    ("/organizations/", {"kind": "cult"}, Code("invalid_choice")),
    ("/organizations/", {"movement": NUL}, Code("null_characters_not_allowed")),
    ("/organizations/", {"movement": "-5"}, "There is no movement"),
    ("/organizations/", {"region": HUGE}, "There is no region"),
    ("/events/", {"from": "2026-13-45"}, "Enter a date as YYYY-MM-DD."),
    ("/events/", {"to": NUL}, "Enter a date as YYYY-MM-DD."),
    ("/events/", {"from": "2026-06-02", "to": "2026-06-01"}, "must be on or before"),
    ("/events/", {"from": HUGE}, "Enter a date as YYYY-MM-DD."),
    ("/events/", {"from": "99999-01-01"}, "Enter a date as YYYY-MM-DD."),
    ("/events/", {"kind": "rave"}, Code("invalid_choice")),
    ("/events/", {"movement": NUL}, Code("null_characters_not_allowed")),
    ("/events/", {"region": LONG}, "There is no region"),
    ("/events/feed.ics", {"from": "2026-06-02", "to": "2026-06-01"}, "must be on or before"),
    ("/events/feed.ics", {"region": NUL}, Code("null_characters_not_allowed")),
    ("/map/graph.json", {"theme": NUL}, Code("null_characters_not_allowed")),
    ("/map/graph.json", {"region": NOT_A_SLUG}, "There is no region"),
    ("/map/graph.json", {"sector": LONG}, Code("invalid_choice")),
    ("/map/table/", {"tactic": NUL}, Code("null_characters_not_allowed")),
    ("/map/table/", {"q": LONG}, Code("max_length")),
    ("/map/", {"status": "dormant?"}, Code("invalid_choice")),
    ("/proposals/", {"kind": "rally"}, Code("invalid_choice")),
    ("/proposals/", {"status": "dismissed"}, "is not a status you can list"),
    ("/proposals/", {"status": NUL}, "is not a status you can list"),
    ("/proposals/", {"movement": NUL}, Code("null_characters_not_allowed")),
    ("/proposals/", {"region": HUGE}, "There is no region"),
    ("/api/movements/", {"theme": NUL}, Code("null_characters_not_allowed")),
    ("/api/movements/", {"q": LONG}, Code("max_length")),
    ("/api/movements/", {"page": HUGE}, "Invalid page."),
    ("/api/organizations/", {"movement": NUL}, Code("null_characters_not_allowed")),
    ("/api/organizations/", {"kind": "cult"}, Code("invalid_choice")),
    ("/api/events/", {"from": "2026-06-02", "to": "2026-06-01"}, "must be on or before"),
    ("/api/events/", {"region": NUL}, Code("null_characters_not_allowed")),
    ("/api/events/", {"to": "yesterday"}, "Enter a date as YYYY-MM-DD."),
    ("/api/proposals/", {"movement": NUL}, Code("null_characters_not_allowed")),
    ("/api/proposals/", {"status": "dismissed"}, "is not a status you can list"),
    ("/api/proposals/", {"page": "-1"}, "Invalid page."),
    ("/api/movements/food-justice/overlaps/", {"page": "0"}, "Invalid page."),
]


@pytest.mark.parametrize(("path", "query", "message"), FILTER_CASES)
def test_bad_filter_value_answers_4xx_with_a_message(world, path, query, message):
    client = client_for(world["member"])
    before = snapshot()

    response = client.get(path, query)

    expected = 404 if "page" in query else 400
    assert response.status_code == expected
    assert_refused(response, query, message)
    assert snapshot() == before


BAD_PATHS = [
    "/movements/no-such-movement/",
    "/organizations/no-such-organization/",
    "/events/no-such-event/",
    "/overlaps/food-justice/no-such-movement/",
    "/proposals/99999999999999999999/",
    "/api/movements/no-such-movement/",
    "/api/organizations/no-such-organization/insights/",
    "/api/events/no-such-event/",
    "/api/proposals/99999999999999999999/",
    "/api/proposals/not-a-number/",
]


@pytest.mark.parametrize("path", BAD_PATHS)
def test_unknown_slug_or_id_in_a_path_answers_404(world, path):
    client = client_for(world["member"])
    before = snapshot()

    response = client.get(path)

    assert response.status_code == 404
    assert text_of(response) != ""
    assert snapshot() == before


# --- forms ----------------------------------------------------------------------------------


def event_form(**changes) -> dict:
    """A valid event form for the world's host, a week ahead; ``changes`` make it bad."""
    starts = timezone.localtime(days_from_now(8))
    data = {
        "title": "Seed swap",
        "kind": "potluck",
        "description": "Bring seeds.",
        "movements": [],
        "hosts": [],
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "Hall",
        "address": "1 Main Street",
        "region": "",
        "online_link": "",
        "capacity": "30",
        "visibility": "public",
    }
    data.update(changes)
    return data


EVENT_FORM_CASES = [
    ({"title": LONG}, Code("max_length")),
    ({"title": NUL}, Code("null_characters_not_allowed")),
    ({"title": ""}, "Give the event a title."),
    ({"kind": "rave"}, Code("invalid_choice")),
    ({"visibility": "secret"}, Code("invalid_choice")),
    ({"description": NUL}, Code("null_characters_not_allowed")),
    ({"movements": ["no-such-movement"]}, Code("invalid_pk_value")),
    ({"movements": [NUL]}, Code("null_characters_not_allowed")),
    ({"movements": [HUGE]}, Code("invalid_choice")),
    ({"movements": []}, "Choose at least one movement."),
    ({"hosts": [HUGE]}, "You can only add organizations you organize as hosts."),
    ({"hosts": ["-1"]}, "You can only add organizations you organize as hosts."),
    ({"hosts": [NUL]}, Code("null_characters_not_allowed")),
    ({"region": HUGE}, Code("invalid_choice")),
    ({"region": NUL}, Code("null_characters_not_allowed")),
    ({"starts_at": "2026-02-30T10:00"}, "Enter a date and time"),
    ({"starts_at": NUL}, "Enter a date and time"),
    ({"starts_at": "2001-01-01T10:00", "ends_at": "2001-01-01T12:00"}, "in the past"),
    ({"ends_at": "2020-01-01T10:00"}, "The event must end after it starts."),
    ({"ends_at": LONG}, "Enter a date and time"),
    ({"capacity": "-5"}, "Capacity must be at least 1"),
    ({"capacity": HUGE}, Code("max_value")),
    ({"capacity": "lots"}, Code("invalid")),
    ({"online_link": "javascript:alert(1)"}, Code("invalid")),
    ({"online_link": LONG}, Code("invalid")),
    ({"address": LONG}, Code("max_length")),
    ({"venue": NUL}, Code("null_characters_not_allowed")),
]


def with_host(world, changes: dict) -> dict:
    """``event_form`` with the world's movement and host (by id) unless ``changes`` sets them."""
    data = event_form(**changes)
    if "movements" not in changes:
        data["movements"] = [str(world["event"].movements.get(slug="food-justice").pk)]
    if "hosts" not in changes:
        data["hosts"] = [str(world["event"].hosts.get().pk)]
    return data


def test_the_event_forms_used_below_are_valid_without_the_bad_value(world):
    client = client_for(world["organizer"])

    created = client.post("/events/new/", with_host(world, {}))
    edited = client.post("/events/potluck/edit/", with_host(world, {"title": "Seed swap"}))

    assert (created.status_code, edited.status_code) == (302, 302)
    assert Event.objects.filter(title="Seed swap").count() == 2


@pytest.mark.parametrize(("changes", "message"), EVENT_FORM_CASES)
def test_bad_new_event_form_answers_400(world, changes, message):
    client = client_for(world["organizer"])
    before = snapshot()

    response = client.post("/events/new/", with_host(world, changes))

    assert response.status_code == 400
    assert_refused(response, changes, message)
    assert snapshot() == before


@pytest.mark.parametrize(("changes", "message"), EVENT_FORM_CASES)
def test_bad_event_edit_form_answers_400(world, changes, message):
    client = client_for(world["organizer"])
    before = snapshot()

    response = client.post("/events/potluck/edit/", with_host(world, changes))

    assert response.status_code == 400
    assert_refused(response, changes, message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": LONG}, Code("max_length")),
        ({"reason": NUL}, Code("null_characters_not_allowed")),
    ],
)
def test_bad_event_cancel_form_answers_400(world, data, message):
    client = client_for(world["organizer"])
    before = snapshot()

    response = client.post("/events/potluck/cancel/", data)

    assert response.status_code == 400
    assert_refused(response, data, message)
    assert snapshot() == before


RSVP_CASES = [
    ({"guests": "-1"}, "Guests cannot be negative."),
    ({"guests": HUGE}, "Bring at most 20 guests."),
    ({"guests": "two"}, "Enter a whole number of guests."),
    ({"guests": NUL}, "Enter a whole number of guests."),
    ({"guests": "1.5"}, "Enter a whole number of guests."),
    ({"guests": "0", "movement": "no-such-movement"}, "Choose one of the event&#x27;s movements."),
    ({"guests": "0", "movement": NUL}, Code("null_characters_not_allowed")),
    ({"guests": "0", "movement": LONG}, "Choose one of the event&#x27;s movements."),
]


@pytest.mark.parametrize(("data", "message"), RSVP_CASES)
@pytest.mark.parametrize("who", ["member", "newcomer"])
def test_bad_rsvp_form_answers_400(world, who, data, message):
    user = world["member"] if who == "member" else UserFactory(username="newcomer")
    client = client_for(user)
    before = snapshot()

    response = client.post("/events/potluck/rsvp/", data)

    assert response.status_code == 400
    assert_refused(response, data, message)
    assert snapshot() == before


def test_rsvp_to_an_unknown_event_answers_404(world):
    client = client_for(world["member"])
    before = snapshot()

    response = client.post("/events/no-such-event/rsvp/", {"guests": "0"})

    assert response.status_code == 404
    assert snapshot() == before


def signup_form(**changes) -> dict:
    data = {
        "name": "New Person",
        "email": "new@example.org",
        "password": "a long enough passphrase 42",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, Code("invalid")),
        ({"email": LONG + "@example.org"}, Code("max_length")),
        ({"email": NUL}, Code("null_characters_not_allowed")),
        ({"name": LONG}, Code("max_length")),
        ({"name": NUL}, Code("null_characters_not_allowed")),
        ({"name": ""}, Code("required")),
        ({"password": NUL}, Code("null_characters_not_allowed")),
        ({"password": "short"}, "Too short: use at least 8 characters."),
    ],
)
def test_bad_signup_form_answers_400(world, changes, message):
    client = client_for()
    before = snapshot()

    response = client.post("/accounts/signup/", signup_form(**changes))

    assert response.status_code == 400
    assert_refused(response, changes, message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"visibility": "everyone"}, "Choose private or public."),
        ({"visibility": NUL}, "Choose private or public."),
        ({"visibility": LONG}, "Choose private or public."),
        ({}, Code("required")),
    ],
)
def test_bad_visibility_form_answers_400(world, data, message):
    client = client_for(world["member"])
    before = snapshot()

    response = client.post("/me/", data)

    assert response.status_code == 400
    assert_refused(response, ["visibility"], message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("dismiss", {"reason": LONG}, Code("max_length")),
        ("dismiss", {"reason": NUL}, Code("null_characters_not_allowed")),
        ("accept", {"host": HUGE}, "is not a suggested host you can host for."),
        ("accept", {"host": NUL}, "is not a suggested host you can host for."),
        (
            "accept",
            {"host": ""},
            "Choose the organization you host for and the movement it stands for.",
        ),
    ],
)
def test_bad_proposal_decision_form_answers_400(world, action, data, message):
    client = client_for(world["organizer"])
    before = snapshot()

    response = client.post(f"/proposals/{world['proposal'].pk}/{action}/", data)

    assert response.status_code == 400
    assert_refused(response, data, message)
    assert snapshot() == before
    assert Proposal.objects.get().status == ProposalStatus.OPEN


# --- API bodies -----------------------------------------------------------------------------


def api_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"guests": -1}, "guests", Code("min_value")),
        ({"guests": 10**20}, "guests", Code("max_value")),
        ({"guests": "many"}, "guests", Code("invalid")),
        ({"guests": [1]}, "guests", Code("invalid")),
        ({"guests": NUL}, "guests", Code("invalid")),
        ({"movement": "no-such-movement"}, "movement", "is not one of this event's movements."),
        # SQLite finds no such movement; PostgreSQL refuses the NUL: "Invalid value."
        ({"movement": NUL}, "movement", ""),
        ({"movement": 12}, "movement", "is not one of this event's movements."),
        ({"movement": LONG}, "movement", "is not one of this event's movements."),
    ],
)
def test_bad_api_rsvp_body_answers_400(world, body, field, message):
    client = api_client(world["member"])
    before = snapshot()

    response = client.post("/api/events/potluck/rsvp/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()[field] != []
    if isinstance(message, Code):  # DRF's own wording
        assert error_codes(response.data)[field] == [message]
    else:
        assert message in " ".join(response.json()[field])
    assert snapshot() == before


def test_api_rsvp_body_that_is_not_json_answers_400(world):
    client = api_client(world["member"])
    before = snapshot()

    response = client.post(
        "/api/events/potluck/rsvp/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.data["detail"].code == "parse_error"  # DRF's "JSON parse error - …"
    assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/potluck/rsvp/",
        "/api/proposals/{proposal}/accept/",
        "/api/proposals/{proposal}/dismiss/",
    ],
)
@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_api_body_nested_too_deeply_answers_400(world, path, depth):
    """Python's JSON decoder gives up on deep nesting with a RecursionError (issue 12
    item 11): the API answers 400 and changes nothing."""
    client = api_client(world["organizer"])
    before = snapshot()
    body = '{"guests": ' + "[" * depth + "]" * depth + "}"

    response = client.post(
        path.format(proposal=world["proposal"].pk), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.data["detail"].code == "parse_error"
    assert "nested too deeply" in str(response.data["detail"])
    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "body", "field", "message"),
    [
        ("dismiss", {"reason": LONG}, "reason", Code("max_length")),
        ("dismiss", {"reason": NUL}, "reason", Code("null_characters_not_allowed")),
        ("dismiss", {"reason": ["a", "list"]}, "reason", Code("invalid")),
        ("accept", {"organization": HUGE}, "organization", ""),
        ("accept", {"organization": ["garden-collective"]}, "organization", ""),
        ("accept", {"movement": NUL}, "movement", ""),
    ],
)
def test_bad_api_proposal_decision_body_answers_400(world, action, body, field, message):
    client = api_client(world["organizer"])
    before = snapshot()

    response = client.post(
        f"/api/proposals/{world['proposal'].pk}/{action}/",
        json.dumps(body),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()[field] != []
    if isinstance(message, Code):  # DRF's own wording
        assert error_codes(response.data)[field] == [message]
    else:
        assert message in json.dumps(response.json()[field], ensure_ascii=False)
    assert snapshot() == before


# --- import ---------------------------------------------------------------------------------


def movement(**fields) -> dict:
    return {"slug": "new-movement", "name": "New movement", **fields}


IMPORT_CASES = [
    ([], "document"),
    ({"movements": "not a list"}, "movements"),
    ({"movements": [movement(slug="Not A Slug!")]}, "slug"),
    ({"movements": [movement(slug=NUL)]}, "slug"),
    ({"movements": [movement(name=LONG)]}, "name"),
    ({"movements": [movement(name=NUL)]}, "name"),
    ({"movements": [movement(name=12)]}, "name"),
    ({"movements": [movement(sector="knitting")]}, "sector"),
    ({"movements": [movement(started_on="2026-02-30")]}, "started_on"),
    ({"movements": [movement(started_on=10**20)]}, "started_on"),
    ({"movements": [movement(themes=["no-such-theme"])]}, "no-such-theme"),
    ({"movements": [movement(website="javascript:alert(1)")]}, "website"),
    ({"movements": [movement(), movement()]}, "new-movement"),
    ({"regions": [{"slug": "oakland", "name": "Oakland", "parent": "oakland"}]}, "oakland"),
    ({"members": [{"key": "guest", "name": "Guest", "email": "not-an-email"}]}, "email"),
    ({"members": [{"key": "guest", "name": "Guest", "visibility": "everyone"}]}, "visibility"),
    (
        {
            "members": [
                {
                    "key": "guest",
                    "name": "Guest",
                    "engagements": [
                        {"movement": "food-justice", "since": "2026-06-02", "until": "2026-06-01"}
                    ],
                }
            ]
        },
        "until",
    ),
    ({"unknown_section": []}, "unknown_section"),
]


@pytest.mark.parametrize(("document", "named"), IMPORT_CASES)
def test_bad_import_document_is_refused_whole(world, document, named):
    before = snapshot()

    with pytest.raises(NetworkImportError) as refused:
        network_import(document=document)

    assert named in str(refused.value)
    assert snapshot() == before
