"""Co-hosting in a real browser (issue 14 b): the invited organization's organizer finds the
invitation on /me/ and on the event page and confirms it; the event turns joint; the
hosts page, the event page and /me/ have no serious or critical axe-core violation.

axe-core is vendored for the tests only (tests/e2e/vendor/), injected as in
test_accessibility.py."""

from pathlib import Path

import pytest

from events.models import EventHost
from events.services import event_host_invite
from movements import demo
from movements.models import Movement, Organization
from tests.helpers import log_in, make_organizer
from tests.scenarios import cross_movement_event, demo_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")


def blocking_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async () => await axe.run(document, {resultTypes: ["violations"]})"""
    )
    return [
        f"{v['impact']} {v['id']}: {' '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_an_invited_organizer_confirms_and_the_event_turns_joint(page, live_server):
    base = live_server.url
    demo_network()
    event = cross_movement_event()  # the railroad workers' union hosts it
    host_organizer = make_organizer(
        Organization.objects.get(slug=demo.STEADY_UNION), "union-organizer", name="Rae"
    )
    blockaders = Organization.objects.get(slug=demo.CRUDE)
    make_organizer(blockaders, "blockade-organizer", name="Bo")
    event_host_invite(
        event=event,
        organization=blockaders,
        movement=Movement.objects.get(slug=demo.OIL_TRAINS),
        by=host_organizer,
    )
    found = {}

    log_in(page, base, "union-organizer")
    page.goto(f"{base}/events/{event.slug}/hosts/")
    assert page.locator("tr#host-crude-awakening-richmond .status").inner_text() == "Invited"
    found["hosts page"] = blocking_violations(page)
    page.goto(f"{base}/events/{event.slug}/")
    assert page.locator(".hosts-pending").count() == 1
    found["event page (manager)"] = blocking_violations(page)

    page.context.clear_cookies()
    log_in(page, base, "blockade-organizer")
    page.goto(f"{base}/me/")
    assert page.get_by_role("heading", name="Invitations to co-host").count() == 1
    found["/me/ (invited)"] = blocking_violations(page)
    page.goto(f"{base}/events/{event.slug}/")
    assert page.locator(".badge--joint").count() == 0
    found["event page (invited)"] = blocking_violations(page)
    page.get_by_role("button", name="Confirm for Crude Awakening Richmond").click()
    page.wait_for_url(f"{base}/events/{event.slug}/hosts/")

    assert EventHost.objects.get(event=event, organization=blockaders).status == "confirmed"
    page.goto(f"{base}/events/{event.slug}/")
    assert page.locator(".badge--joint").count() == 1
    assert page.locator(".hosts-by-movement dt").all_inner_texts() == [
        "For Richmond Railroad Workers for Safe Staffing",
        "For Stop the Oil Trains",
    ]
    assert {label: found[label] for label in found if found[label]} == {}
