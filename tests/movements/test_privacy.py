"""Privacy on the public directory: no person named, small people-counts suppressed."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from tests.factories import (
    EngagementFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = ["Zelda Secretperson", "zelda@secret.example", "Secretperson", "zelda@"]


@pytest.fixture
def zelda():
    """A private member engaged in a movement and member of the organization in it."""
    region = RegionFactory(slug="oakland", name="Oakland")
    theme = ThemeFactory(slug="food", name="Food")
    movement = MovementFactory(
        name="Food Justice", slug="food-justice", themes=[theme], regions=[region]
    )
    organization = OrganizationFactory(
        name="Planting Justice", slug="planting-justice", region=region
    )
    ParticipationFactory(organization=organization, movement=movement)
    member = MemberFactory(
        name="Zelda Secretperson", email="zelda@secret.example", key="m-zelda", region=region
    )
    EngagementFactory(member=member, movement=movement, organization=organization)
    MembershipFactory(member=member, organization=organization)
    return member


PAGES = [
    "/",
    "/movements/",
    "/movements/?q=food&theme=food&region=oakland",
    "/movements/?theme=no-such-theme",
    "/movements/food-justice/",
    "/organizations/",
    "/organizations/?movement=food-justice&region=oakland&q=planting",
    "/organizations/?movement=no-such-movement",
    "/organizations/planting-justice/",
    "/movements/no-such-movement/",
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_no_page_names_a_person(client, member_client, zelda, url, who):
    browser = client if who == "anonymous" else member_client

    response = browser.get(url)

    assert response.status_code in {200, 400, 404}
    content = response.content.decode()
    for secret in SECRETS:
        assert secret not in content


@pytest.mark.parametrize("url", PAGES)
def test_no_page_names_a_person_even_to_a_curator(curator_client, zelda, url):
    content = curator_client.get(url).content.decode()

    for secret in SECRETS:
        assert secret not in content


def engage(movement, organization, count):
    for _ in range(count):
        member = MemberFactory()
        EngagementFactory(member=member, movement=movement)
        MembershipFactory(member=member, organization=organization)


@pytest.fixture
def small_and_large():
    small = MovementFactory(name="Small Movement", slug="small")
    large = MovementFactory(name="Large Movement", slug="large")
    small_org = OrganizationFactory(name="Small Org", slug="small-org")
    large_org = OrganizationFactory(name="Large Org", slug="large-org")
    engage(small, small_org, 4)
    engage(large, large_org, 5)


@pytest.mark.parametrize("who", ["anonymous", "member"])
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/movements/small/", "fewer than 5 people"),
        ("/movements/large/", "5 people"),
        ("/organizations/small-org/", "fewer than 5 people"),
        ("/organizations/large-org/", "5 people"),
    ],
)
def test_people_counts_below_the_threshold_are_suppressed(
    client, member_client, small_and_large, who, url, expected
):
    browser = client if who == "anonymous" else member_client

    content = browser.get(url).content.decode()

    assert f"<dd>{expected}</dd>" in content
    assert "<dd>4 people</dd>" not in content


def test_list_rows_suppress_small_counts(client, small_and_large):
    movements = client.get("/movements/").content.decode()
    organizations = client.get("/organizations/").content.decode()

    assert "0 organizations · 5 people" in movements
    assert "0 organizations · fewer than 5 people" in movements
    assert '<p class="card__counts">5 people</p>' in organizations
    assert '<p class="card__counts">fewer than 5 people</p>' in organizations
    assert "4 people" not in movements + organizations


def test_home_total_is_suppressed_when_small(client):
    engage(MovementFactory(), OrganizationFactory(), 3)

    content = client.get("/").content.decode()

    assert "<dd>fewer than 5 people</dd>" in content


def test_home_total_is_shown_when_large(client):
    engage(MovementFactory(), OrganizationFactory(), 1234)

    content = client.get("/").content.decode()

    assert "<dd>1,234 people</dd>" in content


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/movements/small/", "<dd>4 people</dd>"),
        ("/organizations/small-org/", "<dd>4 people</dd>"),
        ("/", "<dd>9 people</dd>"),
    ],
)
def test_curator_sees_exact_small_counts(curator_client, small_and_large, url, expected):
    content = curator_client.get(url).content.decode()

    assert expected in content
    assert "fewer than" not in content.split("<footer")[0]


def test_curator_sees_a_single_person_in_the_singular(curator_client):
    movement = MovementFactory(slug="lonely")
    EngagementFactory(movement=movement)

    content = curator_client.get("/movements/lonely/").content.decode()

    assert "<dd>1 person</dd>" in content


def test_threshold_follows_the_setting(client, settings, small_and_large):
    settings.COALITION_MIN_DISCLOSED_COUNT = 10

    content = client.get("/movements/large/").content.decode()

    assert "<dd>fewer than 10 people</dd>" in content


def render_people_count(count, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load people_tags %}{% people_count count %}")
    return template.render(Context({"request": request, "count": count}))


@pytest.mark.parametrize(
    ("count", "is_staff", "expected"),
    [
        (0, False, "fewer than 5 people"),
        (4, False, "fewer than 5 people"),
        (5, False, "5 people"),
        (12000, False, "12,000 people"),
        (0, True, "0 people"),
        (1, True, "1 person"),
        (4, True, "4 people"),
    ],
)
def test_people_count_tag(count, is_staff, expected):
    user = UserFactory(username="viewer", is_staff=is_staff)

    assert render_people_count(count, user) == expected


def test_people_count_tag_without_a_request_suppresses():
    template = Template("{% load people_tags %}{% people_count 3 %}")

    assert template.render(Context({})) == "fewer than 5 people"
