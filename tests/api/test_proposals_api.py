"""The proposals API (/api/proposals/): payloads, filters, accept and dismiss by role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Event, EventStatus, Proposal, ProposalStatus
from movements.models import ParticipationRole, Sector
from network.proposals.engine import proposals_refresh
from network.proposals.services import proposal_accept, proposal_dismiss
from tests.factories import (
    PINNED_TODAY,
    MovementFactory,
    ParticipationFactory,
    RegionFactory,
    TacticFactory,
    ThemeFactory,
    UserFactory,
)
from tests.helpers import error_codes, make_organizer
from tests.scenarios import PANEL, POTLUCK, TENSION

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(proposal_network):
    """The organizer of tests/conftest.py organizes the Fast Food Union: a suggested host of
    the potluck."""
    return proposal_network["union"]


def api_client(user=None) -> APIClient:
    """A client with token auth for ``user`` (anonymous without one)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def clients(proposal_network, curator, organizer):
    return {
        "anonymous": api_client(),
        "member": api_client(UserFactory(username="ordinary")),
        "other": api_client(make_organizer(proposal_network["campus"], "other-organizer")),
        "host": api_client(organizer),
        "curator": api_client(curator),
    }


# --- reading -------------------------------------------------------------------------------


def test_list_has_open_proposals_best_first_with_the_contract_fields(client, proposal_network):
    potluck, panel = proposal_network["potluck"], proposal_network["panel"]

    response = client.get("/api/proposals/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"][0] == {
        "id": potluck.pk,
        "kind": "potluck",
        "title": POTLUCK,
        "movements": ["fight-for-15", "food-justice"],
        "organizations": ["fast-food-union", "garden-collective"],
        "region": "oakland",
        "score": 0.5944,
        "reasons": [
            "Fight for $15 and Food Justice both work on food in Oakland.",
            "They organize different people: fast-food workers and gardeners.",
            "They share no organizations or people yet: a new space between them.",
            f"Tension to discuss: {TENSION}",
        ],
        "status": "open",
        "follow_up": False,
        "url": f"http://testserver/proposals/{potluck.pk}/",
    }
    assert body["results"][1]["title"] == PANEL
    assert body["results"][1]["id"] == panel.pk
    assert body["results"][1]["movements"] == ["divest-israel", "fossil-free", "prison-divest"]
    assert body["results"][1]["organizations"] == ["campus-climate"]
    assert body["results"][1]["region"] == "berkeley"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=panel", [PANEL]),
        ("region=oakland", [POTLUCK]),
        ("region=bay-area", [POTLUCK, PANEL]),
        ("movement=divest-israel", [PANEL]),
        ("kind=conference", []),
        ("status=accepted", []),
    ],
)
def test_list_filters(client, proposal_network, query, expected):
    response = client.get(f"/api/proposals/?{query}")

    assert response.status_code == 200
    assert [p["title"] for p in response.json()["results"]] == expected


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("kind=picnic", None),  # DRF's and Django's own wording: the code is checked
        ("region=atlantis", {"region": ["There is no region “atlantis”."]}),
        ("movement=nothing", {"movement": ["There is no movement “nothing”."]}),
        ("status=dismissed", {"status": ["“dismissed” is not a status you can list."]}),
    ],
)
def test_bad_filters_answer_400_with_the_field_errors(client, proposal_network, query, errors):
    response = client.get(f"/api/proposals/?{query}")

    assert response.status_code == 400
    field = query.split("=")[0]
    assert error_codes(response.data) == {field: ["invalid_choice"]}
    if errors:
        assert response.json() == errors


def test_curators_list_dismissed_proposals(clients, curator, proposal_network):
    proposal_dismiss(proposal=proposal_network["panel"], user=curator)

    response = clients["curator"].get("/api/proposals/?status=dismissed")

    assert [p["title"] for p in response.json()["results"]] == [PANEL]
    assert response.json()["results"][0]["status"] == "dismissed"


def test_detail(client, proposal_network):
    panel = proposal_network["panel"]

    response = client.get(f"/api/proposals/{panel.pk}/")

    assert response.status_code == 200
    assert response.json()["title"] == PANEL
    assert response.json()["kind"] == "panel"


def test_accepted_proposal_detail_is_readable(client, curator, proposal_network):
    potluck = proposal_network["potluck"]
    proposal_accept(
        proposal=potluck,
        user=curator,
        organization=proposal_network["union"],
        movement=proposal_network["fast_food"],
    )

    response = client.get(f"/api/proposals/{potluck.pk}/")

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"


def test_dismissed_proposal_is_404_except_for_curators(clients, curator, proposal_network):
    potluck = proposal_network["potluck"]
    proposal_dismiss(proposal=potluck, user=curator)

    statuses = {
        role: clients[role].get(f"/api/proposals/{potluck.pk}/").status_code
        for role in ["anonymous", "member", "host", "curator"]
    }

    assert statuses == {"anonymous": 404, "member": 404, "host": 404, "curator": 200}


def test_list_runs_a_fixed_number_of_queries_as_proposals_grow(client, proposal_network):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/proposals/").status_code == 200
        return len(queries)

    small = count()
    for i in range(5):
        region = RegionFactory(slug=f"town-{i}")
        theme, tactic = ThemeFactory(slug=f"theme-{i}"), TacticFactory(slug=f"tactic-{i}")
        for side, sector in (("a", Sector.LABOR), ("b", Sector.COMMUNITY)):
            movement = MovementFactory(slug=f"{side}-{i}", constituency=f"{side} {i}",
                                       sector=sector, themes=[theme], tactics=[tactic],
                                       regions=[region])  # fmt: skip
            ParticipationFactory(movement=movement, role=ParticipationRole.LEAD)
    proposals_refresh(today=PINNED_TODAY)
    large = count()

    assert Proposal.objects.open().count() == 12
    # count, page (region joined), movements, organizations
    assert small == large == 4


# --- accept --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("member", 403), ("other", 403)],
)
@pytest.mark.parametrize("action", ["accept", "dismiss"])
def test_those_who_may_not_decide_are_refused(clients, proposal_network, role, status, action):
    potluck = proposal_network["potluck"]

    response = clients[role].post(f"/api/proposals/{potluck.pk}/{action}/", {}, format="json")

    assert response.status_code == status
    assert Event.objects.count() == 0
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.OPEN


def test_anonymous_callers_are_told_how_to_authenticate(clients, proposal_network):
    response = clients["anonymous"].post(
        f"/api/proposals/{proposal_network['potluck'].pk}/accept/"
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_host_organizer_accepts_with_their_own_organization_by_default(clients, proposal_network):
    potluck = proposal_network["potluck"]

    response = clients["host"].post(f"/api/proposals/{potluck.pk}/accept/", {}, format="json")

    event = Event.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "event": event.slug,
        "status": "draft",
        "url": f"http://testserver/events/{event.slug}/",
    }
    assert event.proposal == potluck
    assert event.status == EventStatus.DRAFT
    assert (event.title, event.kind, event.region) == (
        POTLUCK,
        "potluck",
        proposal_network["oakland"],
    )
    assert event.description == potluck.agenda
    assert sorted(m.slug for m in event.movements.all()) == ["fight-for-15", "food-justice"]
    # The union confirmed for Fight for $15; Food Justice's first suggested host invited.
    assert hosts_of(event) == [
        ("fast-food-union", "fight-for-15", "confirmed"),
        ("garden-collective", "food-justice", "invited"),
    ]
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.ACCEPTED


def test_curator_accepts_with_the_first_suggested_host_by_default(clients, proposal_network):
    response = clients["curator"].post(f"/api/proposals/{proposal_network['potluck'].pk}/accept/")

    assert response.status_code == 201
    assert hosts_of(Event.objects.get()) == [
        ("fast-food-union", "fight-for-15", "confirmed"),
        ("garden-collective", "food-justice", "invited"),
    ]


def test_curator_accepts_with_the_host_and_movement_they_choose(clients, proposal_network):
    response = clients["curator"].post(
        f"/api/proposals/{proposal_network['potluck'].pk}/accept/",
        {"organization": "garden-collective", "movement": "food-justice"},
        format="json",
    )

    assert response.status_code == 201
    assert hosts_of(Event.objects.get()) == [
        ("fast-food-union", "fight-for-15", "invited"),
        ("garden-collective", "food-justice", "confirmed"),
    ]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"organization": "garden-collective"},
            {"organization": ["“garden-collective” is not a suggested host you can host for."]},
        ),
        (
            {"organization": "fast-food-union", "movement": "food-justice"},
            {
                "movement": [
                    "“food-justice” is not a movement you can stand for for “fast-food-union”."
                ]
            },
        ),
        (
            {"movement": "no-such-movement"},
            {"movement": ["“no-such-movement” is not a movement you can stand for."]},
        ),
        (
            {"organization": ["fast-food-union"]},
            {
                "organization": [
                    'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
                ]
            },
        ),
    ],
)
def test_accept_with_a_bad_body_is_400_and_changes_nothing(
    clients, proposal_network, body, errors
):
    potluck = proposal_network["potluck"]

    response = clients["host"].post(f"/api/proposals/{potluck.pk}/accept/", body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Event.objects.count() == 0


def test_accepting_twice_makes_one_event(clients, proposal_network):
    url = f"/api/proposals/{proposal_network['potluck'].pk}/accept/"
    first = clients["host"].post(url)

    again = clients["host"].post(url)
    curator_again = clients["curator"].post(url)

    assert Event.objects.count() == 1
    assert (first.status_code, again.status_code, curator_again.status_code) == (201, 200, 200)
    assert again.json() == first.json() == curator_again.json()


def test_accepting_an_accepted_proposal_you_do_not_manage_is_409(clients, proposal_network):
    potluck = proposal_network["potluck"]
    proposal_accept(
        proposal=potluck,
        user=None,
        organization=proposal_network["gardens"],
        movement=proposal_network["food_justice"],
    )

    response = clients["host"].post(f"/api/proposals/{potluck.pk}/accept/")

    assert response.status_code == 409
    assert response.json() == {"detail": "This proposal was already accepted."}
    assert Event.objects.count() == 1


def test_accepting_a_dismissed_proposal_is_409_for_curators(clients, curator, proposal_network):
    potluck = proposal_network["potluck"]
    proposal_dismiss(proposal=potluck, user=curator)

    response = clients["curator"].post(f"/api/proposals/{potluck.pk}/accept/")
    organizer = clients["host"].post(f"/api/proposals/{potluck.pk}/accept/")

    assert response.status_code == 409
    assert response.json() == {"detail": "This proposal was dismissed and cannot be accepted."}
    assert organizer.status_code == 404
    assert Event.objects.count() == 0


def test_session_auth_needs_the_csrf_token(proposal_network, organizer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(organizer)

    response = client.post(f"/api/proposals/{proposal_network['potluck'].pk}/accept/")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Event.objects.count() == 0


# --- dismiss -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["host", "curator"])
def test_dismiss_for_good(clients, proposal_network, role):
    potluck = proposal_network["potluck"]

    response = clients[role].post(
        f"/api/proposals/{potluck.pk}/dismiss/", {"reason": " Did one. "}, format="json"
    )
    proposals_refresh(today=PINNED_TODAY)

    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    assert response.json()["id"] == potluck.pk
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.DISMISSED
    assert potluck.dismissed_reason == "Did one."
    listed = APIClient().get("/api/proposals/").json()["results"]
    assert [p["title"] for p in listed] == [PANEL]


def test_dismiss_without_a_body(clients, proposal_network):
    response = clients["host"].post(f"/api/proposals/{proposal_network['potluck'].pk}/dismiss/")

    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"


def test_dismiss_with_a_reason_too_long_is_400(clients, proposal_network):
    potluck = proposal_network["potluck"]

    response = clients["host"].post(
        f"/api/proposals/{potluck.pk}/dismiss/", {"reason": "x" * 1001}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"reason": ["Ensure this field has no more than 1000 characters."]}
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.OPEN


def test_dismissing_an_accepted_proposal_is_409(clients, curator, proposal_network):
    potluck = proposal_network["potluck"]
    proposal_accept(
        proposal=potluck,
        user=curator,
        organization=proposal_network["union"],
        movement=proposal_network["fast_food"],
    )

    response = clients["host"].post(f"/api/proposals/{potluck.pk}/dismiss/")

    assert response.status_code == 409
    assert response.json() == {"detail": "This proposal was accepted; cancel its event instead."}
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.ACCEPTED


def hosts_of(event) -> list[tuple[str, str, str]]:
    """``(organization, movement, status)`` of each of ``event``'s hosts, by organization."""
    return [
        (host.organization.slug, host.movement.slug, host.status)
        for host in event.event_hosts.order_by("organization__slug")
    ]
