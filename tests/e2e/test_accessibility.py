"""axe-core on every main page: no serious or critical violation; and an RSVP made with the
keyboard alone.

axe-core is vendored for the tests only (tests/e2e/vendor/, see its README). It is injected
as an inline script, so its contexts bypass the Content Security Policy, which rightly
forbids inline scripts on the site itself.
"""

from pathlib import Path

import pytest

from events.models import RSVP
from movements import demo
from movements.verification import unsubscribe_url
from tests.factories import MemberFactory, UserFactory
from tests.helpers import add_hosts, log_in, make_organizer
from tests.scenarios import cross_movement_event, demo_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")
RENDERED = "#map-graph[data-rendered-nodes]"
SITE = "http://127.0.0.1:8000"  # COALITION_SITE_URL in the tests


def blocking_violations(page) -> list[dict]:
    """axe's serious and critical violations on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async () => await axe.run(document, {resultTypes: ["violations"]})"""
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(found: dict[str, list[dict]]) -> str:
    """The violations per page, readable in a failing assertion."""
    lines = []
    for path, violations in found.items():
        for violation in violations:
            lines.append(
                f"{path}: [{violation['impact']}] {violation['id']}: {violation['help']} "
                f"({violation['helpUrl']})"
            )
            for node in violation["nodes"][:5]:
                summary = " ".join(node.get("failureSummary", "").split())
                lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
                lines.append(f"      {summary}")
            if len(violation["nodes"]) > 5:
                lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_main_pages_have_no_serious_or_critical_violations(axe_page, live_server):
    page, base = axe_page, live_server.url
    network = demo_network()
    make_organizer(network["host"], name="Olu Organizer")
    event = cross_movement_event()
    add_hosts(event, network["host"])  # the organizer manages it: outreach, share links
    proposal, organization = network["potluck"], network["host"]
    unsubscribe = unsubscribe_url(MemberFactory(invites=True)).removeprefix(SITE)
    overlap = f"/overlaps/{demo.FIGHT_FOR_15}/{demo.FOOD_JUSTICE}/"
    anonymous = [
        "/",
        "/movements/",
        f"/movements/{demo.FIGHT_FOR_15}/",
        "/organizations/",
        organization.get_absolute_url(),
        "/map/",
        "/map/table/",
        overlap,
        "/events/",
        event.get_absolute_url(),
        "/proposals/",
        proposal.get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
        unsubscribe,
    ]
    found = {}

    def check(label: str) -> None:
        if violations := blocking_violations(page):
            found[label] = violations

    for path in anonymous:
        response = page.goto(base + path)
        assert response.status == 200, path
        if path == "/map/":
            page.wait_for_selector(RENDERED)
        check(path)

    # Signed in as an organizer: the pages that then show forms (the decision on a
    # proposal, the RSVP form), the RSVP made, their own page with it, and the event form,
    # blank and sent back with errors.
    log_in(page, base, "organizer")
    for path in (proposal.get_absolute_url(), event.get_absolute_url(), "/events/new/"):
        response = page.goto(base + path)
        assert response.status == 200, path
        check(f"{path} (organizer)")
    page.get_by_role("button", name="Save draft").click()
    page.locator("#form-errors").wait_for()
    check("/events/new/ (organizer, with errors)")
    page.goto(base + event.get_absolute_url())
    page.get_by_role("button", name="RSVP: I'm going").click()
    page.locator(".rsvp__status--going").wait_for()
    check(f"{event.get_absolute_url()} (organizer, going)")
    page.goto(base + "/me/")
    assert page.locator(".my-rsvp").count() == 1
    check("/me/ (organizer, going)")
    page.get_by_role("button", name="Turn on my calendar feed").click()
    page.get_by_role("button", name="Renew link").wait_for()
    check("/me/ (organizer, calendar feed on)")

    assert found == {}, "axe-core found serious or critical violations:\n" + describe(found)


def test_keyboard_only_rsvp_is_recorded(axe_page, live_server):
    page, base = axe_page, live_server.url
    demo_network()
    event = cross_movement_event()
    UserFactory(username="walker")
    log_in(page, base, "walker")
    page.goto(base + event.get_absolute_url())

    focused = ""
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => document.activeElement.tagName + ":" +
                document.activeElement.textContent.trim()"""
        )
        if focused == "BUTTON:RSVP: I'm going":
            break
    assert focused == "BUTTON:RSVP: I'm going"
    page.keyboard.press("Enter")
    page.locator(".rsvp__status--going").wait_for()

    rsvp = RSVP.objects.get(event=event, member__user__username="walker")
    assert (rsvp.status, rsvp.guests) == ("going", 0)
    assert RSVP.objects.filter(event=event, status="going").count() == 1
