"""A visitor browses the directory in a real browser, without JavaScript needed."""

import pytest

from movements.models import Sector
from tests.factories import (
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def directory():
    wages = MovementFactory(slug="fight-for-15", name="Fight for $15", sector=Sector.LABOR)
    MovementFactory(slug="food-justice", name="Food justice", sector=Sector.COMMUNITY)
    union = OrganizationFactory(slug="food-workers-union", name="Food Workers Union")
    ParticipationFactory(organization=union, movement=wages, role="lead")
    secret = MemberFactory(name="Zelda Secretperson", email="zelda@secret.example")
    MembershipFactory(member=secret, organization=union)


def test_visitor_filters_movements_and_opens_an_organization(page, live_server, directory):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Browse movements").click()
    page.get_by_label("Sector").select_option("labor")
    page.get_by_role("button", name="Apply filters").click()

    assert page.url.endswith("/movements/?q=&theme=&tactic=&sector=labor&region=&status=")
    assert page.locator("main h2 a, main h3 a").all_inner_texts() == ["Fight for $15"]

    page.get_by_role("link", name="Fight for $15").click()
    page.get_by_role("link", name="Food Workers Union").click()

    assert page.locator("h1").inner_text() == "Food Workers Union"
    assert "Zelda" not in page.content()
    assert page.console_errors == []


def test_bad_filter_shows_a_message_in_the_browser(page, live_server, directory):
    response = page.goto(live_server.url + "/movements/?sector=pirates")

    assert response.status == 400
    errors = page.locator("#filter-errors")
    assert errors.locator("h2").inner_text() == "These filters could not be applied"
    assert errors.locator('li a[href="#id_sector"]').count() == 1
