"""Every kind of page works under the Content Security Policy in a real browser: Chromium
reports each blocked script, style or connection as a console error, so a page that loads
without console errors breaks none of the policy."""

import pytest

from events.models import Proposal
from tests.factories import EventFactory, UserFactory
from tests.scenarios import proposal_network

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct horse battery staple"


def visit(page, url: str, wait_for: str = "body"):
    response = page.goto(url)
    page.wait_for_selector(wait_for)
    page.wait_for_load_state("networkidle")
    return response


def test_public_pages_load_under_the_policy_without_console_errors(page, live_server):
    network = proposal_network()
    event = EventFactory(slug="potluck", title="Oakland potluck", movements=[network["fast_food"]])
    proposal = Proposal.objects.get(kind="potluck")
    pages = {
        "/": "h1",
        "/movements/": "h1",
        "/movements/fight-for-15/": "h1",
        "/map/": "#map-graph[data-rendered-nodes]",
        "/events/": "h1",
        event.get_absolute_url(): "#rsvp",
        "/proposals/": "h1",
        f"/proposals/{proposal.pk}/": "h1",
        "/overlaps/fight-for-15/food-justice/": "h1",
        "/accounts/login/": "form",
        "/api/docs/": ".swagger-ui .info .title",
    }

    statuses = {}
    for url, ready in pages.items():
        response = visit(page, live_server.url + url, ready)
        statuses[url] = response.status
        assert response.headers["content-security-policy"].startswith("default-src 'self'")

    assert set(statuses.values()) == {200}
    assert page.console_errors == []


def test_admin_pages_load_under_the_policy_without_console_errors(page, live_server):
    proposal_network()
    UserFactory(username="curator", is_staff=True, is_superuser=True)
    # The admin links no favicon, so Chromium asks for /favicon.ico: a 404, not the policy.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    visit(page, live_server.url + "/admin/login/", "#id_username")
    page.fill("#id_username", "curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    for url in [
        "/admin/",
        "/admin/movements/movement/",
        "/admin/movements/movement/add/",
        "/admin/events/event/",
    ]:
        response = visit(page, live_server.url + url, "#content")
        assert response.status == 200

    assert page.console_errors == []


def test_an_inline_style_or_script_is_refused_and_reported(page, live_server):
    visit(page, live_server.url + "/", "h1")

    page.evaluate(
        """() => {
            document.head.insertAdjacentHTML("beforeend", "<style>body { color: red }</style>");
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )

    assert page.evaluate("window.injected") is None
    assert len(page.console_errors) == 2
    assert all("Content Security Policy" in error for error in page.console_errors)
