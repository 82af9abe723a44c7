"""Follow-through in the API (issue 16): ``/api/events/<slug>/follow-through/`` and
``/api/overlaps/<a>/<b>/``, exact figures for every role, the event opened exactly as
``/api/events/<slug>/`` opens it."""

import pytest
from django.utils import timezone

from events.models import EventStatus
from movements.models import Movement
from tests.factories import EngagementFactory, EventFactory, MovementFactory, days_from_now
from tests.followthrough_scenarios import (
    CURATOR_BY_MOVEMENT,
    PUBLIC_BY_MOVEMENT,
    bridge_world,
    small_event,
)
from tests.helpers import ROLES, role_client

pytestmark = pytest.mark.django_db

NOT_MEASURED = {
    "measured": False,
    "attendees": None,
    "crossers": None,
    "rate": None,
    "window_days": 180,
    "by_movement": [],
}


@pytest.fixture
def world():
    return bridge_world()


def client_for(role, world):
    return role_client(role, host=world["union"], other=world["campus"])


# --- /api/events/<slug>/follow-through/ -----------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_event_follow_through_for_each_role(world, role):
    response = client_for(role, world).get("/api/events/potluck/follow-through/")

    assert response.status_code == 200
    assert response.json() == {
        "measured": True,
        "attendees": 11,
        "crossers": 5,
        "rate": 0.4545,
        "window_days": 180,
        # 3 came from Food Justice (withheld) and 0 crossed into Fight for $15: the whole
        # kind is withheld from all but curators, organizers of the hosts too.
        "by_movement": CURATOR_BY_MOVEMENT if role == "curator" else PUBLIC_BY_MOVEMENT,
    }


@pytest.mark.parametrize("role", ROLES)
def test_event_follow_through_withholds_small_counts(world, role):
    small_event(world, "small-potluck")

    answer = client_for(role, world).get("/api/events/small-potluck/follow-through/").json()

    if role == "curator":
        assert (answer["attendees"], answer["crossers"], answer["rate"]) == (3, 1, 0.3333)
        assert answer["by_movement"] == [
            {"movement": "fight-for-15", "came_from": 3, "crossed_in": 0},
            {"movement": "food-justice", "came_from": 0, "crossed_in": 1},
        ]
    else:
        assert (answer["attendees"], answer["crossers"], answer["rate"]) == (None, None, None)
        assert {(row["came_from"], row["crossed_in"]) for row in answer["by_movement"]} == {
            (None, None)
        }


def test_event_follow_through_not_measured(world, client):
    EventFactory(slug="next-potluck", movements=[world["wages"], world["gardens"]])
    EventFactory(
        slug="called-off",
        starts_at=days_from_now(-10),
        movements=[world["wages"], world["gardens"]],
        status=EventStatus.CANCELLED,
    )
    EventFactory(slug="union-picnic", starts_at=days_from_now(-10), movements=[world["wages"]])

    for slug in ("next-potluck", "called-off", "union-picnic"):
        response = client.get(f"/api/events/{slug}/follow-through/")
        assert (slug, response.status_code, response.json()) == (slug, 200, NOT_MEASURED)


UNKNOWN = {"detail": "No Event matches the given query."}


@pytest.mark.parametrize(
    ("role", "private", "private_with_key", "draft"),
    [
        ("anonymous", 404, 200, 404),
        ("member", 404, 200, 404),
        ("other_organizer", 404, 200, 404),
        ("host_organizer", 200, 200, 200),
        ("curator", 200, 200, 200),
    ],
)
def test_event_follow_through_opens_as_the_event_does(
    world, role, private, private_with_key, draft
):
    small_event(world, "strategy-night", visibility="private", link_key="k" * 24)
    small_event(world, "draft-night", status=EventStatus.DRAFT)
    client = client_for(role, world)

    def status(url):
        event_url = url.replace("follow-through/", "")
        response, event_response = client.get(url), client.get(event_url)
        # Exactly what /api/events/<slug>/ answers, and a refusal as an unknown slug.
        assert response.status_code == event_response.status_code
        if response.status_code == 404:
            assert response.json() == UNKNOWN
        return response.status_code

    assert status("/api/events/strategy-night/follow-through/") == private
    assert status(f"/api/events/strategy-night/follow-through/?key={'k' * 24}") == (
        private_with_key
    )
    assert status("/api/events/strategy-night/follow-through/?key=wrong") == private
    assert status("/api/events/draft-night/follow-through/") == draft
    assert client.get("/api/events/no-such-event/follow-through/").json() == UNKNOWN


def test_event_follow_through_measured_for_a_private_event_with_its_key(world, client):
    small_event(world, "strategy-night", visibility="private", link_key="k" * 24)

    answer = client.get(f"/api/events/strategy-night/follow-through/?key={'k' * 24}").json()

    assert (answer["measured"], answer["attendees"]) == (True, None)


def test_a_draft_is_not_measured_even_for_its_managers(world):
    small_event(world, "draft-night", status=EventStatus.DRAFT)

    answer = client_for("host_organizer", world).get("/api/events/draft-night/follow-through/")

    assert answer.json() == NOT_MEASURED


# --- /api/overlaps/<a>/<b>/ -------------------------------------------------------------------

# Members 5 shared / 8 in Fight for $15 (the smaller) × .30 + themes 1/1 × .20.
OVERLAP = {
    "score": 0.3875,
    "shared_members": 5,
    "shared_organizations": [],
    "shared_themes": ["food"],
    "shared_tactics": [],
    "shared_regions": [],
    "reasons": [
        "5 people are engaged in both.",
        "Both work on food.",
        "Different sectors: labor and community.",
    ],
}


@pytest.mark.parametrize("role", ROLES)
def test_overlap_of_a_pair_with_its_follow_through(world, role):
    client = client_for(role, world)

    answer = client.get("/api/overlaps/fight-for-15/food-justice/").json()
    reverse = client.get("/api/overlaps/food-justice/fight-for-15/").json()

    assert answer == {
        "movements": ["fight-for-15", "food-justice"],
        **OVERLAP,
        "follow_through": {"events": 1, "attendees": 11, "crossers": 5, "rate": 0.4545},
    }
    assert list(answer) == ["movements", *OVERLAP, "follow_through"]
    assert reverse == {**answer, "movements": ["food-justice", "fight-for-15"]}


@pytest.mark.parametrize("role", ROLES)
def test_overlap_figures_are_those_of_the_movement_overlaps(world, role):
    """With a third movement sharing only a few people with Fight for $15: the pair's
    figures are exactly what /api/movements/<slug>/overlaps/ lists for this caller."""
    climate = MovementFactory(slug="climate", name="Climate", sector="environmental")
    for member in Movement.objects.get(slug="fight-for-15").engagements.all()[:2]:
        EngagementFactory(member=member.member, movement=climate)
    client = client_for(role, world)

    listed = {
        row.pop("movement"): row
        for row in client.get("/api/movements/fight-for-15/overlaps/").json()["results"]
    }
    pair = client.get("/api/overlaps/fight-for-15/food-justice/").json()
    few = client.get("/api/overlaps/climate/fight-for-15/").json()

    assert {k: v for k, v in pair.items() if k not in ("movements", "follow_through")} == (
        listed["food-justice"]
    )
    if role == "curator":
        assert {k: v for k, v in few.items() if k not in ("movements", "follow_through")} == (
            listed["climate"]
        )
        assert few["shared_members"] == 2
    else:
        # Two shared people are no pair at all in the public view.
        assert "climate" not in listed
        assert few["score"] == 0
        assert few["shared_members"] is None
        assert few["reasons"] == []


def test_a_pair_that_shares_nothing_answers_score_zero(world, client, curator_client):
    MovementFactory(slug="chess-club", name="Chess Club", sector="labor")

    answer = client.get("/api/overlaps/chess-club/fight-for-15/")
    as_curator = curator_client.get("/api/overlaps/chess-club/fight-for-15/").json()

    assert answer.status_code == 200
    assert answer.json() == {
        "movements": ["chess-club", "fight-for-15"],
        "score": 0.0,
        "shared_members": None,
        "shared_organizations": [],
        "shared_themes": [],
        "shared_tactics": [],
        "shared_regions": [],
        "reasons": [],
        "follow_through": {"events": 0, "attendees": None, "crossers": None, "rate": None},
    }
    assert as_curator == {**answer.json(), "shared_members": 0}


def test_a_pair_that_shares_nothing_may_still_have_held_joint_events(world, client):
    chess = MovementFactory(slug="chess-club", name="Chess Club", sector="labor")
    EventFactory(
        slug="chess-and-burgers", starts_at=days_from_now(-5), movements=[chess, world["wages"]]
    )

    answer = client.get("/api/overlaps/chess-club/fight-for-15/").json()

    assert answer["score"] == 0.0
    assert answer["follow_through"] == {
        "events": 1,
        "attendees": None,
        "crossers": None,
        "rate": None,
    }


def test_pair_follow_through_counts_distinct_people_and_withholds_per_viewer(
    world, client, curator_client
):
    small_event(world, "small-potluck")

    public = client.get("/api/overlaps/food-justice/fight-for-15/").json()["follow_through"]
    exact = curator_client.get("/api/overlaps/food-justice/fight-for-15/").json()

    assert public == {"events": 2, "attendees": 14, "crossers": 6, "rate": round(6 / 14, 4)}
    assert exact["follow_through"] == public


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/overlaps/fight-for-15/fight-for-15/", "A movement does not overlap with itself."),
        (
            "/api/overlaps/fight-for-15/no-such-movement/",
            "No movement in the directory has the slug 'no-such-movement'.",
        ),
        (
            "/api/overlaps/gone/fight-for-15/",
            "No movement in the directory has the slug 'gone'.",
        ),
    ],
)
def test_overlap_of_unknown_archived_or_the_same_movement_is_404(world, client, url, detail):
    MovementFactory(slug="gone", archived_at=timezone.now())

    response = client.get(url)

    assert (response.status_code, response.json()) == (404, {"detail": detail})


def test_the_schema_documents_both_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()

    event = schema["paths"]["/api/events/{slug}/follow-through/"]["get"]
    pair = schema["paths"]["/api/overlaps/{a}/{b}/"]["get"]
    components = schema["components"]["schemas"]

    assert sorted(event["responses"]) == ["200", "404"]
    assert sorted(p["name"] for p in event["parameters"]) == ["key", "slug"]
    assert sorted(pair["responses"]) == ["200", "404"]
    assert sorted(components["EventFollowThrough"]["properties"]) == sorted(NOT_MEASURED)
    assert sorted(components["MovementFollowThrough"]["properties"]) == [
        "came_from",
        "crossed_in",
        "movement",
    ]
    assert list(components["PairOverlap"]["properties"]) == [
        "movements",
        *OVERLAP,
        "follow_through",
    ]
    assert sorted(components["PairFollowThrough"]["properties"]) == [
        "attendees",
        "crossers",
        "events",
        "rate",
    ]
