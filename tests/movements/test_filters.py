"""Directory filters: each one's exact result, and bad values answered with a 400."""

import datetime

import pytest

from movements.models import MovementStatus, OrganizationKind, Sector
from tests.factories import (
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    TacticFactory,
    ThemeFactory,
)
from tests.helpers import error_codes

pytestmark = pytest.mark.django_db


def movement_names(client, **params):
    response = client.get("/movements/", params)
    assert response.status_code == 200
    return [movement.name for movement in response.context["movements"]]


def organization_names(client, **params):
    response = client.get("/organizations/", params)
    assert response.status_code == 200
    return [organization.name for organization in response.context["organizations"]]


@pytest.fixture
def regions():
    bay = RegionFactory(slug="bay-area", name="Bay Area")
    return {
        "bay": bay,
        "oakland": RegionFactory(slug="oakland", name="Oakland", parent=bay),
        "fresno": RegionFactory(slug="fresno", name="Fresno"),
    }


@pytest.fixture
def movements(regions):
    food = ThemeFactory(slug="food", name="Food")
    wages = ThemeFactory(slug="wages", name="Wages")
    strike = TacticFactory(slug="strike", name="Strike")
    gardening = TacticFactory(slug="gardening", name="Gardening")
    return {
        "fight": MovementFactory(
            name="Fight for $15",
            slug="fight-for-15",
            summary="Higher pay now.",
            constituency="fast-food workers",
            sector=Sector.LABOR,
            themes=[wages, food],
            tactics=[strike],
            regions=[regions["oakland"]],
        ),
        "gardens": MovementFactory(
            name="Food Justice Gardens",
            slug="food-justice",
            summary="Gardens where grocery stores left.",
            constituency="gardeners",
            sector=Sector.COMMUNITY,
            status=MovementStatus.EMERGING,
            themes=[food],
            tactics=[gardening],
            regions=[regions["bay"], regions["oakland"]],
        ),
        "farm": MovementFactory(
            name="Farmworker Rights",
            slug="farmworker-rights",
            summary="Heat protection in the fields.",
            constituency="farmworkers",
            sector=Sector.LABOR,
            status=MovementStatus.DORMANT,
            themes=[wages],
            tactics=[strike],
            regions=[regions["fresno"]],
        ),
        "archived": MovementFactory(
            name="Archived Food Strike",
            slug="archived-food-strike",
            sector=Sector.LABOR,
            themes=[food],
            tactics=[strike],
            regions=[regions["oakland"]],
            archived_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        ),
    }


# --- Movement filters ---------------------------------------------------------------------


def test_movement_filters_absent_list_everything_visible(client, movements):
    assert movement_names(client) == ["Farmworker Rights", "Fight for $15", "Food Justice Gardens"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("justice", ["Food Justice Gardens"]),  # name
        ("HIGHER PAY", ["Fight for $15"]),  # summary, any case
        ("workers", ["Farmworker Rights", "Fight for $15"]),  # constituency
        ("  gardens  ", ["Food Justice Gardens"]),  # surrounding spaces ignored
        ("", ["Farmworker Rights", "Fight for $15", "Food Justice Gardens"]),
    ],
)
def test_movement_filter_q_searches_name_summary_and_constituency(client, movements, q, expected):
    assert movement_names(client, q=q) == expected


def test_movement_filter_theme(client, movements):
    assert movement_names(client, theme="food") == ["Fight for $15", "Food Justice Gardens"]


def test_movement_filter_tactic(client, movements):
    assert movement_names(client, tactic="strike") == ["Farmworker Rights", "Fight for $15"]


def test_movement_filter_sector(client, movements):
    assert movement_names(client, sector="labor") == ["Farmworker Rights", "Fight for $15"]


def test_movement_filter_status(client, movements):
    assert movement_names(client, status="dormant") == ["Farmworker Rights"]


def test_movement_filter_region_includes_the_regions_inside_it(client, movements):
    # Food Justice Gardens is in both the Bay Area and Oakland: listed once.
    assert movement_names(client, region="bay-area") == ["Fight for $15", "Food Justice Gardens"]
    assert movement_names(client, region="oakland") == ["Fight for $15", "Food Justice Gardens"]
    assert movement_names(client, region="fresno") == ["Farmworker Rights"]


def test_movement_filters_combine(client, movements):
    assert movement_names(client, theme="food", tactic="strike", region="bay-area") == [
        "Fight for $15"
    ]
    assert movement_names(client, theme="wages", sector="labor", status="active") == [
        "Fight for $15"
    ]


def test_movement_filters_show_the_chosen_values(client, movements):
    content = client.get("/movements/", {"theme": "food", "q": "fight"}).content.decode()

    assert '<option value="food" selected>Food</option>' in content
    assert 'value="fight"' in content
    assert "Filters (applied)" in content


# --- Organization filters -----------------------------------------------------------------


@pytest.fixture
def organizations(regions, movements):
    union = OrganizationFactory(
        name="Local 1021",
        slug="local-1021",
        kind=OrganizationKind.UNION,
        region=regions["oakland"],
        description="Public sector workers.",
    )
    gardeners = OrganizationFactory(
        name="Planting Justice",
        slug="planting-justice",
        kind=OrganizationKind.NONPROFIT,
        region=regions["bay"],
        description="Gardens and jobs.",
    )
    farm = OrganizationFactory(
        name="United Farm Workers",
        slug="ufw",
        kind=OrganizationKind.UNION,
        region=regions["fresno"],
    )
    OrganizationFactory(
        name="Archived Union",
        slug="archived-union",
        kind=OrganizationKind.UNION,
        region=regions["oakland"],
        archived_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    ParticipationFactory(organization=union, movement=movements["fight"])
    ParticipationFactory(organization=gardeners, movement=movements["gardens"])
    # A past participation followed by the current one: still listed once.
    ParticipationFactory(
        organization=gardeners,
        movement=movements["fight"],
        since=datetime.date(2014, 1, 1),
        until=datetime.date(2015, 1, 1),
    )
    ParticipationFactory(organization=gardeners, movement=movements["fight"])
    # Only a past participation: not part of the movement now.
    ParticipationFactory(
        organization=farm,
        movement=movements["fight"],
        since=datetime.date(2014, 1, 1),
        until=datetime.date(2015, 1, 1),
    )


def test_organization_filters_absent_list_everything_visible(client, organizations):
    assert organization_names(client) == ["Local 1021", "Planting Justice", "United Farm Workers"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("local", ["Local 1021"]),  # name
        ("GARDENS", ["Planting Justice"]),  # description, any case
        ("workers", ["Local 1021", "United Farm Workers"]),
    ],
)
def test_organization_filter_q_searches_name_and_description(client, organizations, q, expected):
    assert organization_names(client, q=q) == expected


def test_organization_filter_kind(client, organizations):
    assert organization_names(client, kind="union") == ["Local 1021", "United Farm Workers"]


def test_organization_filter_movement_lists_current_participants_once(client, organizations):
    assert organization_names(client, movement="fight-for-15") == [
        "Local 1021",
        "Planting Justice",
    ]


def test_organization_filter_region_includes_the_regions_inside_it(client, organizations):
    assert organization_names(client, region="bay-area") == ["Local 1021", "Planting Justice"]
    assert organization_names(client, region="oakland") == ["Local 1021"]


def test_organization_filters_combine(client, organizations):
    assert organization_names(client, kind="union", region="bay-area") == ["Local 1021"]


# --- Bad values: 400 with the errors shown ------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "code", "message"),
    [
        (
            "/movements/",
            {"theme": "no-such-theme"},
            "invalid_choice",
            "There is no theme “no-such-theme”.",
        ),
        ("/movements/", {"tactic": "nope"}, "invalid_choice", "There is no tactic “nope”."),
        (
            "/movements/",
            {"region": "atlantis"},
            "invalid_choice",
            "There is no region “atlantis”.",
        ),
        # Django's own wording: the field, its code and that its error is listed.
        ("/movements/", {"sector": "pirate"}, "invalid_choice", None),
        ("/movements/", {"status": "asleep"}, "invalid_choice", None),
        ("/movements/", {"q": "x" * 201}, "max_length", None),
        (
            "/organizations/",
            {"movement": "nope"},
            "invalid_choice",
            "There is no movement “nope”.",
        ),
        (
            "/organizations/",
            {"region": "atlantis"},
            "invalid_choice",
            "There is no region “atlantis”.",
        ),
        ("/organizations/", {"kind": "cult"}, "invalid_choice", None),
        ("/organizations/", {"q": "x" * 201}, "max_length", None),
    ],
)
def test_bad_filter_value_answers_400_with_the_error(
    client, organizations, url, params, code, message
):
    response = client.get(url, params)

    assert response.status_code == 400
    key = "movements" if url == "/movements/" else "organizations"
    assert list(response.context[key]) == []
    [field] = params
    assert error_codes(response.context["filter"].form.errors) == {field: [code]}
    content = response.content.decode()
    assert "These filters could not be applied" in content
    assert f'<li><a href="#id_{field}">' in content
    if message:
        assert message in content
    assert "No results: fix the filters" in content


def test_search_of_exactly_200_characters_is_accepted(client, movements):
    assert movement_names(client, q="x" * 200) == []


def test_an_archived_movement_is_not_a_filter_choice(client, organizations):
    response = client.get("/organizations/", {"movement": "archived-food-strike"})

    assert response.status_code == 400


def test_bad_filter_value_is_escaped(client, movements):
    response = client.get("/movements/", {"theme": "<script>alert(1)</script>"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "There is no theme “&lt;script&gt;alert(1)&lt;/script&gt;”." in content


def test_bad_filter_with_a_page_number_is_still_400(client, movements):
    response = client.get("/movements/", {"sector": "pirate", "page": 1})

    assert response.status_code == 400
