"""/api/movements/<slug>/insights/ and /api/organizations/<slug>/insights/: payloads,
suppression for anonymous visitors, members and curators, 404s, query counts, schema."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.insights.measures import quarter_bounds
from tests.factories import (
    EngagementFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
)
from tests.helpers import ORGANIZATION_ROLES, SEES_CAPACITY_WARNING, organization_viewer

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def network():
    """A steady union: six members for 2,000 days and one who left after 101 days, long
    ago, in one movement. A small front: three members for 101 days, in two movements."""
    rail = MovementFactory(slug="rail", name="Rail")
    union = OrganizationFactory(slug="steady-union", name="Steady Union")
    ParticipationFactory(organization=union, movement=rail, since=days_ago(3000))
    for _ in range(6):
        member = MembershipFactory(organization=union, since=days_ago(1999)).member
        EngagementFactory(member=member, movement=rail, organization=union, since=days_ago(1999))
    MembershipFactory(organization=union, since=days_ago(3000), until=days_ago(2900))

    front = OrganizationFactory(slug="small-front", name="Small Front")
    ParticipationFactory(organization=front, since=days_ago(200))
    ParticipationFactory(organization=front, since=days_ago(200))
    for _ in range(3):
        MembershipFactory(organization=front, since=days_ago(100))
    return {"rail": rail, "union": union, "front": front}


def labels():
    return [label for label, _, _ in quarter_bounds(timezone.localdate())]


def test_organization_insights_for_an_anonymous_visitor(client, network):
    response = client.get("/api/organizations/steady-union/insights/")

    assert response.status_code == 200
    assert response.json() == {
        "as_of": timezone.localdate().isoformat(),
        "active_people": 6,
        "median_tenure_days": 2000.0,
        "early_dropoff_rate": 0.1429,
        "retention_after_shift": None,
        "quarters": [{"quarter": label, "active_people": 6} for label in labels()],
        "concurrent_movements": 1,
        "stretch": 1.67,
        "notes": [
            "Steady, long engagement: half of its memberships have lasted more than 5 years, "
            "and only 14% ended within six months. This is the kind of commitment lasting "
            "coalitions grow from."
        ],
    }


def test_small_organization_counts_are_null_for_anonymous_visitors_and_members(
    client, member_client, network
):
    for caller in (client, member_client):
        data = caller.get("/api/organizations/small-front/insights/").json()

        assert data["active_people"] is None
        assert {q["active_people"] for q in data["quarters"]} == {None}
        assert data["median_tenure_days"] is None
        assert data["early_dropoff_rate"] is None
        assert data["stretch"] is None
        assert data["concurrent_movements"] == 2
        assert data["notes"] == []  # the capacity warning is not for the public


def test_small_organization_counts_are_exact_for_curators(curator_client, network):
    data = curator_client.get("/api/organizations/small-front/insights/").json()

    assert data["active_people"] == 3
    assert data["quarters"][-1] == {"quarter": labels()[-1], "active_people": 3}
    assert data["median_tenure_days"] == 101.0
    assert data["early_dropoff_rate"] is None  # all younger than six months
    assert data["stretch"] == 6.67
    assert data["notes"][0].startswith(
        "Takes on more struggles than its people can hold: 2 movements at once with 3 active "
        "members."
    )


def test_movement_insights(client, network):
    response = client.get("/api/movements/rail/insights/")

    assert response.status_code == 200
    data = response.json()
    assert "retention_after_shift" not in data
    assert data["active_people"] == 6
    assert data["median_tenure_days"] == 2000.0
    assert data["early_dropoff_rate"] == 0.0
    assert data["concurrent_movements"] == 0
    assert data["stretch"] == 0.0
    assert [q["quarter"] for q in data["quarters"]] == labels()
    assert data["notes"][0].startswith("Steady, long engagement: half of its engagements")


def test_a_movement_without_engagements_answers_nulls_and_zero_movements(curator_client):
    MovementFactory(slug="empty")

    data = curator_client.get("/api/movements/empty/insights/").json()

    assert data["active_people"] == 0
    assert data["median_tenure_days"] is None
    assert data["early_dropoff_rate"] is None
    assert data["concurrent_movements"] == 0
    assert data["stretch"] is None
    assert data["notes"] == []
    assert {q["active_people"] for q in data["quarters"]} == {0}


@pytest.mark.parametrize(
    "url",
    [
        "/api/movements/archived-movement/insights/",
        "/api/organizations/archived-organization/insights/",
        "/api/movements/nowhere/insights/",
        "/api/organizations/nowhere/insights/",
    ],
)
def test_archived_or_unknown_subjects_answer_404(client, url):
    MovementFactory(slug="archived-movement", archived_at=timezone.now())
    OrganizationFactory(slug="archived-organization", archived_at=timezone.now())

    response = client.get(url)

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_insights_are_read_only(curator_client, network):
    response = curator_client.post("/api/organizations/steady-union/insights/", {})

    assert response.status_code == 405


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow(union, rail, count):
    for _ in range(count):
        left = MovementFactory()
        ParticipationFactory(
            organization=union, movement=left, since=days_ago(900), until=days_ago(700)
        )
        member = MembershipFactory(organization=union, since=days_ago(800)).member
        EngagementFactory(
            member=member, movement=left, organization=union, since=days_ago(800),
            until=days_ago(700),
        )  # fmt: skip
        EngagementFactory(member=member, movement=rail, since=days_ago(800))
        EngagementFactory(member=member, movement=MovementFactory(), since=days_ago(10))


@pytest.mark.parametrize(
    "url", ["/api/organizations/steady-union/insights/", "/api/movements/rail/insights/"]
)
def test_query_count_does_not_grow_with_the_data(client, network, url):
    grow(network["union"], network["rail"], 2)
    small = count_queries(client, url)

    grow(network["union"], network["rail"], 20)
    large = count_queries(client, url)

    assert small == large


def test_schema_documents_both_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()

    organization = schema["paths"]["/api/organizations/{slug}/insights/"]["get"]
    movement = schema["paths"]["/api/movements/{slug}/insights/"]["get"]
    assert set(organization["responses"]) == set(movement["responses"]) == {"200", "404"}
    fields = schema["components"]["schemas"]["OrganizationInsights"]["properties"]
    assert set(fields) == {
        "as_of", "active_people", "median_tenure_days", "early_dropoff_rate",
        "retention_after_shift", "quarters", "concurrent_movements", "stretch", "notes",
    }  # fmt: skip
    assert fields["active_people"]["nullable"] is True
    assert set(schema["components"]["schemas"]["MovementInsights"]["properties"]) == (
        set(fields) - {"retention_after_shift"}
    )


@pytest.mark.parametrize("role", ORGANIZATION_ROLES)
def test_capacity_warning_in_the_api_only_for_its_organizers_and_curators(network, role):
    client = organization_viewer(role, network["front"])

    data = client.get("/api/organizations/small-front/insights/").json()

    warning = [note for note in data["notes"] if note.startswith("Takes on more struggles")]
    if role in SEES_CAPACITY_WARNING:
        people = "3 active members" if role == "curator" else "fewer than 5 active members"
        assert warning == [
            f"Takes on more struggles than its people can hold: 2 movements at once with "
            f"{people}. Lasting power comes from staying with a struggle, not from joining "
            "every one."
        ]
    else:
        assert warning == []
    assert data["concurrent_movements"] == 2  # the figures stay numbers, as ever
