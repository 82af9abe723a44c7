"""An event's hosts in the API: /api/events/<slug>/hosts/ (GET, POST) and
…/hosts/<organization>/confirm/ and …/decline/ (PRODUCT.md, "Event hosts")."""

import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import EventHost, EventStatus
from events.services import event_host_decline, event_host_invite
from tests.factories import (
    EventFactory,
    EventHostFactory,
    OrganizationFactory,
    ParticipationFactory,
    UserFactory,
)
from tests.helpers import make_organizer

pytestmark = pytest.mark.django_db

CONFIRMED = {"organization": "fast-food-union", "movement": "fight-for-15", "status": "confirmed"}
INVITED = {"organization": "garden-collective", "movement": "food-justice", "status": "invited"}


@pytest.fixture
def world(proposal_network):
    network = proposal_network
    event = EventFactory(
        slug="potluck",
        title="Oakland potluck",
        movements=[network["fast_food"], network["food_justice"]],
        hosts=[network["union"]],
    )
    return {
        **network,
        "event": event,
        "union_organizer": make_organizer(network["union"], "union-organizer"),
        "garden_organizer": make_organizer(network["gardens"], "garden-organizer"),
        "campus_organizer": make_organizer(network["campus"], "campus-organizer"),
    }


def api(user=None) -> APIClient:
    """A client with ``user``'s token (anonymous without one)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def invite_gardens(world, event=None) -> EventHost:
    return event_host_invite(
        event=event or world["event"],
        organization=world["gardens"],
        movement=world["food_justice"],
        by=world["union_organizer"],
    )


def statuses(event) -> list[tuple[str, str]]:
    return list(
        EventHost.objects.filter(event=event)
        .order_by("organization__slug")
        .values_list("organization__slug", "status")
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", [CONFIRMED]),
        ("member", [CONFIRMED]),
        ("campus", [CONFIRMED]),
        ("gardens", [CONFIRMED, INVITED]),  # their own invitation
        ("union", [CONFIRMED, INVITED]),
        ("curator", [CONFIRMED, INVITED]),
    ],
)
def test_invitations_are_listed_only_to_the_hosts_organizers_and_curators(world, who, expected):
    invite_gardens(world)
    users = {
        "anonymous": None,
        "member": UserFactory(username="member"),
        "campus": world["campus_organizer"],
        "gardens": world["garden_organizer"],
        "union": world["union_organizer"],
        "curator": UserFactory(username="curator", is_staff=True, is_superuser=True),
    }

    response = api(users[who]).get("/api/events/potluck/hosts/")

    assert response.status_code == 200
    assert response.json() == expected


def test_a_declined_invitation_is_listed_to_the_managers(world):
    event_host_decline(host=invite_gardens(world), by=world["garden_organizer"])

    response = api(world["union_organizer"]).get("/api/events/potluck/hosts/")

    assert response.json() == [CONFIRMED, {**INVITED, "status": "declined"}]


def test_hosts_of_a_draft_or_private_event_answer_as_an_unknown_slug(world):
    EventFactory(slug="draft", status=EventStatus.DRAFT, movements=[world["fast_food"]])
    EventFactory(slug="private", visibility="private", link_key="private-key-0123456789")

    assert api().get("/api/events/draft/hosts/").status_code == 404
    assert api().get("/api/events/private/hosts/").status_code == 404
    assert api().get("/api/events/private/hosts/?key=private-key-0123456789").status_code == 200
    assert api().get("/api/events/no-such-event/hosts/").status_code == 404


def test_a_confirmed_hosts_organizer_invites(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world["union_organizer"]).post(
            "/api/events/potluck/hosts/",
            {"organization": "garden-collective", "movement": "food-justice"},
            format="json",
        )

    assert response.status_code == 201
    assert response.json() == INVITED
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["garden-organizer@example.org"],
            "Garden Collective is invited to co-host “Oakland potluck”",
        )
    ]


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        (
            {},
            400,
            {"organization": ["This field is required."], "movement": ["This field is required."]},
        ),
        (
            {"organization": "no-such-org", "movement": "food-justice"},
            400,
            {"organization": ["There is no organization “no-such-org”."]},
        ),
        (
            {"organization": "garden-collective", "movement": "fossil-free"},
            400,
            {"detail": "“Fossil Free” is not one of the movements of “Oakland potluck”."},
        ),
        (
            {"organization": "campus-climate", "movement": "food-justice"},
            400,
            {
                "detail": "Campus Climate does not take part in Food Justice; invite an "
                "organization of that movement."
            },
        ),
        (
            {"organization": "fast-food-union", "movement": "fight-for-15"},
            409,
            {"detail": "Fast Food Union already hosts “Oakland potluck”."},
        ),
        (
            {"organization": ["garden-collective"], "movement": "food-justice"},
            400,
            {"organization": ["There is no organization “['garden-collective']”."]},
        ),
    ],
)
def test_bad_invitations_are_refused_and_change_nothing(world, body, status, answer):
    before = statuses(world["event"])

    response = api(world["union_organizer"]).post(
        "/api/events/potluck/hosts/", body, format="json"
    )

    assert response.status_code == status
    assert response.json() == answer
    assert statuses(world["event"]) == before


def test_an_archived_organization_cannot_be_invited(world):
    world["gardens"].archived_at = world["event"].starts_at
    world["gardens"].save()

    response = api(world["union_organizer"]).post(
        "/api/events/potluck/hosts/",
        {"organization": "garden-collective", "movement": "food-justice"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Garden Collective is archived and cannot host events."}


@pytest.mark.parametrize(
    ("who", "slug", "status"),
    [
        ("anonymous", "potluck", 401),
        ("member", "potluck", 403),
        ("gardens", "potluck", 403),  # invited, not yet a host
        ("member", "draft", 404),  # may not even open it
    ],
)
def test_only_managers_invite(world, who, slug, status):
    draft = EventFactory(slug="draft", status=EventStatus.DRAFT, movements=[world["fast_food"]])
    invite_gardens(world)
    users = {
        "anonymous": None,
        "member": UserFactory(username="member"),
        "gardens": world["garden_organizer"],
    }
    before = statuses(world["event"]), statuses(draft)

    response = api(users[who]).post(
        f"/api/events/{slug}/hosts/",
        {"organization": "garden-collective", "movement": "food-justice"},
        format="json",
    )

    assert response.status_code == status
    assert (statuses(world["event"]), statuses(draft)) == before


@pytest.mark.parametrize(("answer", "status"), [("confirm", "confirmed"), ("decline", "declined")])
def test_the_invited_organizers_answer_once(
    world, django_capture_on_commit_callbacks, answer, status
):
    invite_gardens(world)
    client = api(world["garden_organizer"])
    url = f"/api/events/potluck/hosts/garden-collective/{answer}/"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    again = client.post(url)

    assert first.status_code == 200
    assert first.json() == {**INVITED, "status": status}
    assert [m.to for m in mail.outbox] == [["union-organizer@example.org"]]
    assert again.status_code == 409
    assert again.json() == {
        "detail": f"Garden Collective already {status} the invitation to host “Oakland potluck”."
    }
    assert statuses(world["event"]) == [
        ("fast-food-union", "confirmed"),
        ("garden-collective", status),
    ]


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("anonymous", "/api/events/potluck/hosts/garden-collective/confirm/", 401),
        ("union", "/api/events/potluck/hosts/garden-collective/confirm/", 403),
        ("campus", "/api/events/potluck/hosts/garden-collective/decline/", 403),
        ("gardens", "/api/events/potluck/hosts/campus-climate/confirm/", 404),
        ("gardens", "/api/events/no-such-event/hosts/garden-collective/confirm/", 404),
    ],
)
def test_answering_for_someone_else_is_refused(world, who, url, status):
    invite_gardens(world)
    users = {
        "anonymous": None,
        "union": world["union_organizer"],
        "campus": world["campus_organizer"],
        "gardens": world["garden_organizer"],
    }

    response = api(users[who]).post(url)

    assert response.status_code == status
    assert statuses(world["event"]) == [
        ("fast-food-union", "confirmed"),
        ("garden-collective", "invited"),
    ]


def test_the_invited_organizers_answer_for_a_draft_they_may_open(world):
    draft = EventFactory(
        slug="draft",
        status=EventStatus.DRAFT,
        movements=[world["fast_food"], world["food_justice"]],
        hosts=[world["union"]],
    )
    invite_gardens(world, event=draft)

    listed = api(world["garden_organizer"]).get("/api/events/draft/hosts/")
    response = api(world["garden_organizer"]).post(
        "/api/events/draft/hosts/garden-collective/confirm/"
    )

    assert listed.json() == [CONFIRMED, INVITED]
    assert response.status_code == 200
    assert api(world["garden_organizer"]).get("/api/events/draft/").json()["joint"] is True


def test_the_hosts_list_runs_a_fixed_number_of_queries(world):
    client = api(world["union_organizer"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/events/potluck/hosts/").status_code == 200
        return len(queries)

    small = count()
    for i in range(6):
        organization = OrganizationFactory(slug=f"group-{i}")
        ParticipationFactory(organization=organization, movement=world["food_justice"])
        EventHostFactory(event=world["event"], organization=organization)

    assert count() == small


def test_the_schema_documents_the_hosts_endpoints(client):
    paths = json.loads(client.get("/api/schema/?format=json").content)["paths"]

    hosts = paths["/api/events/{slug}/hosts/"]
    assert sorted(hosts) == ["get", "post"]
    assert sorted(hosts["post"]["responses"]) == ["201", "400", "401", "403", "404", "409", "415"]
    confirm = paths["/api/events/{slug}/hosts/{organization}/confirm/"]
    assert sorted(confirm["post"]["responses"]) == ["200", "401", "403", "404", "409"]
    schemas = json.loads(client.get("/api/schema/?format=json").content)["components"]["schemas"]
    assert schemas["Event"]["properties"]["joint"]["type"] == "boolean"
