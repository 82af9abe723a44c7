"""The read-only REST API (/api/): payloads, filters, privacy, query counts, schema."""

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from movements.models import MovementStatus, OrganizationKind, ParticipationRole, Sector
from tests.factories import (
    EngagementFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    TacticFactory,
    ThemeFactory,
)
from tests.helpers import error_codes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ["Zelda Secretperson", "Secretperson", "zelda@secret.example", "zelda@", "m-zelda"]


@pytest.fixture
def network():
    """Three movements in Oakland and the Bay Area, an archived one, two organizations and
    an archived one. Fight for $15 has six people (zelda among them), Food Justice two
    (zelda and one more): zelda is the one person in both."""
    bay_area = RegionFactory(slug="bay-area", name="Bay Area")
    oakland = RegionFactory(slug="oakland", name="Oakland", parent=bay_area)
    food, wages = ThemeFactory(slug="food", name="Food"), ThemeFactory(slug="wages", name="Wages")
    climate = ThemeFactory(slug="climate", name="Climate")
    strike = TacticFactory(slug="strike", name="Strike")
    gardening = TacticFactory(slug="urban-gardening", name="Urban gardening")
    fast_food = MovementFactory(
        slug="fight-for-15", name="Fight for $15", sector=Sector.LABOR,
        summary="Fast-food workers striking for $15 and a union.",
        description="Walkouts at drive-throughs.", constituency="fast-food workers",
        started_on=datetime.date(2013, 4, 1), website="https://fightfor15.example.org/",
        themes=[wages, food], tactics=[strike], regions=[oakland],
    )  # fmt: skip
    food_justice = MovementFactory(
        slug="food-justice", name="Food Justice", sector=Sector.COMMUNITY,
        constituency="neighbours", themes=[food], tactics=[gardening], regions=[oakland],
    )  # fmt: skip
    climate_strike = MovementFactory(
        slug="climate-strike", name="Climate Strike", sector=Sector.ENVIRONMENTAL,
        status=MovementStatus.EMERGING, constituency="students",
        themes=[climate], tactics=[strike], regions=[bay_area],
    )  # fmt: skip
    archived = MovementFactory(
        slug="old-campaign", name="Old Campaign", themes=[food], regions=[oakland],
        archived_at=timezone.now(),
    )  # fmt: skip

    alliance = OrganizationFactory(
        slug="east-bay-alliance", name="East Bay Alliance", kind=OrganizationKind.COALITION,
        description="Unions and neighbours together.", website="https://eba.example.org/",
        region=oakland, founded_on=datetime.date(2010, 5, 1),
    )  # fmt: skip
    ParticipationFactory(
        organization=alliance, movement=fast_food, role=ParticipationRole.LEAD,
        since=datetime.date(2013, 4, 1),
    )  # fmt: skip
    ParticipationFactory(organization=alliance, movement=food_justice)
    ParticipationFactory(
        organization=alliance, movement=climate_strike,
        since=datetime.date(2018, 1, 1), until=datetime.date(2019, 1, 1),
    )  # fmt: skip
    ParticipationFactory(organization=alliance, movement=archived)
    planting = OrganizationFactory(
        slug="planting-justice", name="Planting Justice", region=oakland, active=False
    )
    ParticipationFactory(organization=planting, movement=food_justice)
    gone = OrganizationFactory(
        slug="gone-collective", name="Gone Collective", archived_at=timezone.now()
    )
    ParticipationFactory(organization=gone, movement=fast_food)
    ParticipationFactory(organization=gone, movement=food_justice)

    zelda = MemberFactory(
        name="Zelda Secretperson", email="zelda@secret.example", key="m-zelda", region=oakland
    )
    EngagementFactory(member=zelda, movement=fast_food, organization=alliance)
    EngagementFactory(member=zelda, movement=food_justice, organization=planting)
    MembershipFactory(member=zelda, organization=planting)
    for _ in range(5):
        member = MemberFactory()
        EngagementFactory(member=member, movement=fast_food)
        MembershipFactory(member=member, organization=alliance)
    EngagementFactory(movement=food_justice)
    return {"fast_food": fast_food, "food_justice": food_justice, "alliance": alliance}


FIGHT_FOR_15 = {
    "slug": "fight-for-15",
    "name": "Fight for $15",
    "summary": "Fast-food workers striking for $15 and a union.",
    "description": "Walkouts at drive-throughs.",
    "sector": "labor",
    "constituency": "fast-food workers",
    "status": "active",
    "started_on": "2013-04-01",
    "website": "https://fightfor15.example.org/",
    "themes": ["food", "wages"],
    "tactics": ["strike"],
    "regions": ["oakland"],
    "organization_count": 1,
    "people_count": 6,
    "url": "http://testserver/movements/fight-for-15/",
}

EAST_BAY_ALLIANCE = {
    "slug": "east-bay-alliance",
    "name": "East Bay Alliance",
    "kind": "coalition",
    "description": "Unions and neighbours together.",
    "website": "https://eba.example.org/",
    "contact_email": "hello@east-bay-alliance.example.org",
    "region": "oakland",
    "founded_on": "2010-05-01",
    "active": True,
    "movements": [
        {"movement": "fight-for-15", "role": "lead", "since": "2013-04-01", "until": None},
        {"movement": "food-justice", "role": "partner", "since": "2020-01-01", "until": None},
    ],
    "people_count": 5,
    "url": "http://testserver/organizations/east-bay-alliance/",
}

# As anyone but a curator sees it: the one person in both is a withheld count, so neither
# the score nor the reasons may depend on it (curators: members 1/2 * .30 more, 0.55).
FOOD_JUSTICE_OVERLAP = {
    "movement": "food-justice",
    # organizations 1/1 * .20 + themes 1/2 * .20 + regions 1 * .10
    "score": 0.4,
    "shared_members": None,
    "shared_organizations": ["east-bay-alliance"],
    "shared_themes": ["food"],
    "shared_tactics": [],
    "shared_regions": ["oakland"],
    "reasons": [
        "1 organization works on both: East Bay Alliance.",
        "Both work on food.",
        "Both active in Oakland.",
        "Different sectors: labor and community.",
    ],
}

CLIMATE_STRIKE_OVERLAP = {
    "movement": "climate-strike",
    # tactics 1/1 * .15 + regions (through the parent region) 0.5 * .10
    "score": 0.2,
    "shared_members": None,
    "shared_organizations": [],
    "shared_themes": [],
    "shared_tactics": ["strike"],
    "shared_regions": ["bay-area"],
    "reasons": [
        "Both use strike.",
        "Both active in Bay Area.",
        "Different sectors: environmental and labor.",
    ],
}


def page(results):
    return {"count": len(results), "next": None, "previous": None, "results": results}


def slugs(response, key="slug"):
    return [item[key] for item in response.json()["results"]]


# --- Root, movements ----------------------------------------------------------------------


def test_api_root_lists_the_endpoints(client):
    response = client.get("/api/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {
        "movements": "http://testserver/api/movements/",
        "organizations": "http://testserver/api/organizations/",
        "events": "http://testserver/api/events/",
        "proposals": "http://testserver/api/proposals/",
        "organizer-requests": "http://testserver/api/organizer-requests/",
        "schema": "http://testserver/api/schema/",
        "docs": "http://testserver/api/docs/",
    }


def test_movement_list_is_paginated_by_name_without_archived(client, network):
    response = client.get("/api/movements/")

    assert response.status_code == 200
    body = response.json()
    assert [m["slug"] for m in body["results"]] == [
        "climate-strike",
        "fight-for-15",
        "food-justice",
    ]
    assert body["count"] == 3
    assert body["next"] is None
    assert body["previous"] is None
    assert body["results"][1] == FIGHT_FOR_15


def test_movement_list_pages_hold_fifty(client):
    for number in range(51):
        MovementFactory(slug=f"m-{number:02d}", name=f"Movement {number:02d}")

    first = client.get("/api/movements/").json()
    second = client.get("/api/movements/?page=2").json()

    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["next"] == "http://testserver/api/movements/?page=2"
    assert [m["slug"] for m in second["results"]] == ["m-50"]


def test_movement_list_unknown_page_is_404(client, network):
    assert client.get("/api/movements/?page=9").status_code == 404


def test_movement_detail(client, network):
    response = client.get("/api/movements/fight-for-15/")

    assert response.status_code == 200
    assert response.json() == FIGHT_FOR_15


@pytest.mark.parametrize(
    "url",
    [
        "/api/movements/no-such-movement/",
        "/api/movements/old-campaign/",
        "/api/movements/no-such-movement/overlaps/",
        "/api/movements/old-campaign/overlaps/",
        "/api/organizations/no-such-organization/",
        "/api/organizations/gone-collective/",
    ],
)
def test_unknown_or_archived_slug_is_404(client, network, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response.json() == {"detail": "No {} matches the given query.".format(
        "Movement" if "/movements/" in url else "Organization"
    )}  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["climate-strike", "fight-for-15", "food-justice"]),
        ("q=fast-food", ["fight-for-15"]),
        ("q=STUDENTS", ["climate-strike"]),
        ("theme=food", ["fight-for-15", "food-justice"]),
        ("tactic=strike", ["climate-strike", "fight-for-15"]),
        ("sector=community", ["food-justice"]),
        ("region=oakland", ["fight-for-15", "food-justice"]),
        ("region=bay-area", ["climate-strike", "fight-for-15", "food-justice"]),
        ("status=emerging", ["climate-strike"]),
        ("theme=food&tactic=strike&region=bay-area&sector=labor&status=active", ["fight-for-15"]),
        ("theme=climate&sector=labor", []),
    ],
)
def test_movement_filters(client, network, query, expected):
    response = client.get(f"/api/movements/?{query}")

    assert response.status_code == 200
    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("query", "field", "code", "message"),
    [
        ("theme=nope", "theme", "invalid_choice", "There is no theme “nope”."),
        ("tactic=nope", "tactic", "invalid_choice", "There is no tactic “nope”."),
        ("region=atlantis", "region", "invalid_choice", "There is no region “atlantis”."),
        # Django's own wording: only the field and the code are pinned.
        ("sector=pirates", "sector", "invalid_choice", None),
        ("status=asleep", "status", "invalid_choice", None),
        ("q=" + "x" * 201, "q", "max_length", None),
    ],
)
def test_movement_bad_filter_is_400_with_field_errors(
    client, network, query, field, code, message
):
    response = client.get(f"/api/movements/?{query}")

    assert response.status_code == 400
    assert error_codes(response.data) == {field: [code]}
    if message:
        assert response.json() == {field: [message]}


# --- Overlaps -----------------------------------------------------------------------------


def test_movement_overlaps_best_first(client, network):
    response = client.get("/api/movements/fight-for-15/overlaps/")

    assert response.status_code == 200
    assert response.json() == page([FOOD_JUSTICE_OVERLAP, CLIMATE_STRIKE_OVERLAP])


def test_movement_overlaps_seen_from_the_other_side(client, network):
    response = client.get("/api/movements/food-justice/overlaps/")

    assert [o["movement"] for o in response.json()["results"]] == [
        "fight-for-15",
        "climate-strike",
    ]
    assert response.json()["results"][0] == {**FOOD_JUSTICE_OVERLAP, "movement": "fight-for-15"}


def test_movement_overlaps_leave_archived_out(client, network):
    results = client.get("/api/movements/food-justice/overlaps/").json()["results"]

    assert "old-campaign" not in [o["movement"] for o in results]
    assert all("gone-collective" not in o["shared_organizations"] for o in results)


def test_movement_with_no_overlap_has_an_empty_list(client, network):
    MovementFactory(slug="alone", name="Alone")

    response = client.get("/api/movements/alone/overlaps/")

    assert response.status_code == 200
    assert response.json() == page([])


def test_shared_members_exact_for_curators(curator_client, network):
    results = curator_client.get("/api/movements/fight-for-15/overlaps/").json()["results"]

    assert [(o["movement"], o["shared_members"], o["score"]) for o in results] == [
        ("food-justice", 1, 0.55),
        ("climate-strike", 0, 0.2),
    ]
    assert results[0]["reasons"][0] == "Fewer than 5 people are engaged in both."


@pytest.mark.parametrize("who", ["anonymous", "member", "curator"])
def test_shared_members_shown_to_all_at_the_threshold(
    client, member_client, curator_client, network, who
):
    browser = {"anonymous": client, "member": member_client, "curator": curator_client}[who]
    for _ in range(4):
        member = MemberFactory()
        EngagementFactory(member=member, movement=network["fast_food"])
        EngagementFactory(member=member, movement=network["food_justice"])

    results = browser.get("/api/movements/fight-for-15/overlaps/").json()["results"]

    assert results[0]["movement"] == "food-justice"
    assert results[0]["shared_members"] == 5
    assert results[0]["reasons"][0] == "5 people are engaged in both."


# --- Organizations ------------------------------------------------------------------------


def test_organization_list(client, network):
    response = client.get("/api/organizations/")

    assert response.status_code == 200
    body = response.json()
    assert [o["slug"] for o in body["results"]] == ["east-bay-alliance", "planting-justice"]
    assert body["results"][0] == EAST_BAY_ALLIANCE
    assert body["results"][1]["active"] is False
    assert body["results"][1]["movements"] == [
        {"movement": "food-justice", "role": "partner", "since": "2020-01-01", "until": None}
    ]


def test_organization_detail(client, network):
    response = client.get("/api/organizations/east-bay-alliance/")

    assert response.status_code == 200
    assert response.json() == EAST_BAY_ALLIANCE


def test_organization_without_region(client):
    OrganizationFactory(slug="nowhere", name="Nowhere", contact_email="")

    body = client.get("/api/organizations/nowhere/").json()

    assert body["region"] is None
    assert body["contact_email"] == ""
    assert body["movements"] == []
    assert body["people_count"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=planting", ["planting-justice"]),
        ("q=NEIGHBOURS", ["east-bay-alliance"]),
        ("kind=coalition", ["east-bay-alliance"]),
        ("movement=fight-for-15", ["east-bay-alliance"]),
        ("movement=food-justice", ["east-bay-alliance", "planting-justice"]),
        ("movement=climate-strike", []),
        ("region=bay-area", ["east-bay-alliance", "planting-justice"]),
        ("region=oakland&kind=collective", ["planting-justice"]),
    ],
)
def test_organization_filters(client, network, query, expected):
    response = client.get(f"/api/organizations/?{query}")

    assert response.status_code == 200
    assert slugs(response) == expected


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("movement=nope", "movement", "There is no movement “nope”."),
        ("movement=old-campaign", "movement", "There is no movement “old-campaign”."),
        ("region=atlantis", "region", "There is no region “atlantis”."),
        ("kind=gang", "kind", None),  # Django's own wording: the field and the code only
    ],
)
def test_organization_bad_filter_is_400_with_field_errors(client, network, query, field, message):
    response = client.get(f"/api/organizations/?{query}")

    assert response.status_code == 400
    assert error_codes(response.data) == {field: ["invalid_choice"]}
    if message:
        assert response.json() == {field: [message]}


# --- Privacy ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_small_people_counts_are_null_for_non_curators(client, member_client, network, who):
    browser = client if who == "anonymous" else member_client

    movements = browser.get("/api/movements/").json()["results"]
    organizations = browser.get("/api/organizations/").json()["results"]

    assert [(m["slug"], m["people_count"]) for m in movements] == [
        ("climate-strike", None),
        ("fight-for-15", 6),
        ("food-justice", None),
    ]
    assert [(o["slug"], o["people_count"]) for o in organizations] == [
        ("east-bay-alliance", 5),
        ("planting-justice", None),
    ]
    assert browser.get("/api/movements/food-justice/").json()["people_count"] is None
    assert browser.get("/api/organizations/planting-justice/").json()["people_count"] is None


def test_small_people_counts_are_exact_for_curators(curator_client, network):
    movements = curator_client.get("/api/movements/").json()["results"]
    organizations = curator_client.get("/api/organizations/").json()["results"]

    assert [(m["slug"], m["people_count"]) for m in movements] == [
        ("climate-strike", 0),
        ("fight-for-15", 6),
        ("food-justice", 2),
    ]
    assert [(o["slug"], o["people_count"]) for o in organizations] == [
        ("east-bay-alliance", 5),
        ("planting-justice", 1),
    ]


def test_threshold_follows_the_setting(client, settings, network):
    settings.COALITION_MIN_DISCLOSED_COUNT = 7

    assert client.get("/api/movements/fight-for-15/").json()["people_count"] is None


PRIVATE_URLS = [
    "/api/",
    "/api/movements/",
    "/api/movements/?q=food&theme=food&region=oakland",
    "/api/movements/?theme=no-such-theme",
    "/api/movements/fight-for-15/",
    "/api/movements/food-justice/",
    "/api/movements/fight-for-15/overlaps/",
    "/api/movements/food-justice/overlaps/",
    "/api/organizations/",
    "/api/organizations/?movement=food-justice&region=oakland",
    "/api/organizations/planting-justice/",
    "/api/organizations/east-bay-alliance/",
    "/api/schema/",
    "/api/schema/?format=json",
    "/api/docs/",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
@pytest.mark.parametrize("who", ["anonymous", "member", "curator"])
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_no_response_names_a_person(
    client, member_client, curator_client, network, url, who, accept
):
    browser = {"anonymous": client, "member": member_client, "curator": curator_client}[who]

    response = browser.get(url, HTTP_ACCEPT=accept)

    assert response.status_code in {200, 400, 406}  # 406: the docs page is HTML only
    content = response.content.decode()
    for secret in [*SECRETS, "people.example.org"]:
        assert secret not in content


# --- Read-only ----------------------------------------------------------------------------


WRITE_URLS = [
    "/api/",
    "/api/movements/",
    "/api/movements/fight-for-15/",
    "/api/movements/fight-for-15/overlaps/",
    "/api/organizations/",
    "/api/organizations/east-bay-alliance/",
]


@pytest.mark.parametrize("url", WRITE_URLS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("who", ["anonymous", "curator"])
def test_writes_are_not_allowed(client, curator_client, network, url, method, who):
    browser = client if who == "anonymous" else curator_client

    response = getattr(browser, method)(
        url, data={"name": "Hijacked"}, content_type="application/json"
    )

    assert response.status_code == 405
    assert client.get("/api/movements/fight-for-15/").json()["name"] == "Fight for $15"
    assert client.get("/api/organizations/east-bay-alliance/").json()["name"] == (
        "East Bay Alliance"
    )


# --- Query counts -------------------------------------------------------------------------


def grow(network, times):
    """Add ``times`` movements and organizations, each tied into the network."""
    food = network["fast_food"].themes.get(slug="food")
    for _ in range(times):
        movement = MovementFactory(themes=[food], regions=list(network["fast_food"].regions.all()))
        organization = OrganizationFactory()
        ParticipationFactory(organization=organization, movement=movement)
        ParticipationFactory(organization=organization, movement=network["fast_food"])
        MembershipFactory(organization=organization)
        member = MemberFactory()
        EngagementFactory(member=member, movement=movement)
        EngagementFactory(member=member, movement=network["fast_food"])


QUERY_URLS = [
    ("/api/movements/", 5),
    ("/api/movements/?theme=food&region=oakland", 7),
    ("/api/movements/fight-for-15/", 4),
    ("/api/movements/fight-for-15/overlaps/", 10),  # 1 of them: the cache versions
    ("/api/organizations/", 3),
    ("/api/organizations/?movement=fight-for-15", 4),
    ("/api/organizations/east-bay-alliance/", 2),
]


@pytest.mark.parametrize(("url", "queries"), QUERY_URLS)
def test_query_count_is_fixed_as_the_network_grows(client, network, url, queries):
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(network, 12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200

    assert len(small) == queries
    assert len(large) == queries


# --- Schema and docs ----------------------------------------------------------------------


def test_schema_endpoint_serves_openapi_json(client):
    response = client.get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == [
        "/api/events/",
        "/api/events/{slug}/",
        "/api/events/{slug}/follow-through/",
        "/api/events/{slug}/hosts/",
        "/api/events/{slug}/hosts/{organization}/confirm/",
        "/api/events/{slug}/hosts/{organization}/decline/",
        "/api/events/{slug}/rsvp/",
        "/api/movements/",
        "/api/movements/{slug}/",
        "/api/movements/{slug}/insights/",
        "/api/movements/{slug}/overlaps/",
        "/api/organizations/",
        "/api/organizations/{slug}/",
        "/api/organizations/{slug}/insights/",
        "/api/organizer-requests/",
        "/api/organizer-requests/{id}/approve/",
        "/api/organizer-requests/{id}/decline/",
        "/api/overlaps/{a}/{b}/",
        "/api/proposals/",
        "/api/proposals/{id}/",
        "/api/proposals/{id}/accept/",
        "/api/proposals/{id}/dismiss/",
    ]
    components = schema["components"]["schemas"]
    assert components["Movement"]["properties"]["people_count"] == {
        "type": "integer",
        "readOnly": True,
        "nullable": True,
        "description": (
            "Number of people, or null when it is below the disclosure threshold "
            "(exact for curators)."
        ),
    }
    assert components["Organization"]["properties"]["people_count"]["nullable"] is True
    overlap = components["Overlap"]["properties"]
    assert sorted(overlap) == sorted(FOOD_JUSTICE_OVERLAP)
    assert overlap["shared_members"]["type"] == "integer"
    assert overlap["shared_members"]["nullable"] is True
    overlaps_response = schema["paths"]["/api/movements/{slug}/overlaps/"]["get"]["responses"]
    assert overlaps_response["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedOverlapList"
    }
    movement_parameters = schema["paths"]["/api/movements/"]["get"]["parameters"]
    assert sorted(p["name"] for p in movement_parameters) == [
        "page", "q", "region", "sector", "status", "tactic", "theme",
    ]  # fmt: skip
    organization_parameters = schema["paths"]["/api/organizations/"]["get"]["parameters"]
    assert sorted(p["name"] for p in organization_parameters) == [
        "kind", "movement", "page", "q", "region",
    ]  # fmt: skip


def test_schema_endpoint_serves_yaml_by_default(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert response.content.decode().startswith("openapi: 3.")


def test_schema_generation_validates_without_warnings():
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COALITION_"))
    }
    environment["DJANGO_SETTINGS_MODULE"] = "coalition.settings_test"

    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn",
         "--file", os.devnull],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr


def test_docs_page_is_served_offline(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "SwaggerUIBundle" in content
    assert '"validatorUrl": null' in content
    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/' in content
    assert '"/api/schema/"' in content
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", content)
    assert external == []
    assert re.findall(r"@import|url\(\s*['\"]?(?:https?:)?//", content) == []


def test_docs_page_static_files_exist(client):
    content = client.get("/api/docs/").content.decode()
    assets = re.findall(r"""(?:src|href)="(/static/[^"]+)\"""", content)

    assert len(assets) == 4  # favicon, stylesheet, bundle, standalone preset
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")) is not None, asset
