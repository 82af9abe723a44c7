"""Organizer access in Chromium: a member asks to organize for an organization, its
organizer approves on /me/, the member now organizes; axe-core finds no serious or critical
violation on the pages on the way."""

from pathlib import Path

import pytest

from movements.models import Membership
from tests.factories import MemberFactory, OrganizationFactory, UserFactory
from tests.helpers import log_in, make_organizer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")


def blocking_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async () => await axe.run(document, {resultTypes: ["violations"]})"""
    )
    return [f"{v['id']}: {v['help']}" for v in results["violations"] if v["impact"] in BLOCKING]


@pytest.fixture
def new_page(browser):
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def test_ask_approve_and_organize(new_page, live_server):
    base = live_server.url
    gardens = OrganizationFactory(slug="garden-collective", name="Garden Collective")
    make_organizer(gardens, "olu", name="Olu Organizer")
    MemberFactory(key="m-asa", name="Asa Asker", user=UserFactory(username="asa"))
    found = {}

    asker = new_page()
    log_in(asker, base, "asa")
    asker.goto(f"{base}/organizations/garden-collective/")
    asker.get_by_role("link", name="Ask to organize for Garden Collective").click()
    found["organize page"] = blocking_violations(asker)
    asker.get_by_label("A short note to its organizers (optional)").fill("I keep the shed.")
    asker.get_by_role("button", name="Ask to organize for Garden Collective").click()
    asker.get_by_text("Your request is waiting").wait_for()
    asker.goto(f"{base}/me/")
    assert asker.locator("#organizer-requests-title").is_visible()
    found["/me/ (asking)"] = blocking_violations(asker)

    organizer = new_page()
    log_in(organizer, base, "olu")
    organizer.goto(f"{base}/me/")
    assert organizer.get_by_text("I keep the shed.").is_visible()
    found["/me/ (deciding)"] = blocking_violations(organizer)
    organizer.get_by_role("button", name="Approve Asa Asker for Garden Collective").click()
    organizer.get_by_text("Approved: Asa Asker organizes for Garden Collective now.").wait_for()

    assert Membership.objects.get(member__key="m-asa").role == "organizer"
    asker.goto(f"{base}/organizations/garden-collective/")
    asker.get_by_text("You organize for Garden Collective.").wait_for()
    asker.get_by_role("link", name="Step down as organizer").click()
    found["step down page"] = blocking_violations(asker)

    assert {page: v for page, v in found.items() if v} == {}
