"""An RSVP without an account, in Chromium, at 1280×800 and on a phone (390×844), as issue 15
asks: a visitor RSVPs with a name and an email, receives the mail, opens the manage link,
adds a guest and cancels; the next person on the waitlist is promoted and mailed. axe-core
checks the new pages.

Screenshots (full pages) go to ``$COALITION_SCREENSHOTS`` when it is set."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail

from events.models import RSVP
from tests.e2e.test_accessibility import blocking_violations, describe
from tests.factories import EventFactory, MovementFactory, RSVPFactory, days_from_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"wide": (1280, 800), "phone": (390, 844)}
MANAGE_LINK = re.compile(r"http://127\.0\.0\.1:8000(/events/[^/\s]+/rsvp/[^/\s]+/)")


def screenshot(page, name: str) -> None:
    folder = os.environ.get("COALITION_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def potluck():
    """Three places, one taken: room for one more person and their guest."""
    event = EventFactory(
        title="Wages and Gardens Potluck",
        slug="wages-gardens-potluck",
        starts_at=days_from_now(7),
        ends_at=days_from_now(7, hour=21),
        venue="Community hall",
        address="1 Main Street, Oakland",
        capacity=3,
        description="Bring a dish.\n\n" + "A long description of the evening. " * 60,
        movements=[
            MovementFactory(slug="fight-for-15", name="Fight for $15"),
            MovementFactory(slug="food-justice", name="Food Justice"),
        ],
    )
    RSVPFactory(event=event)
    return event


def in_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= page.viewport_size["height"]
    )


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_visitor_rsvps_manages_and_cancels_without_an_account(
    browser, live_server, potluck, size
):
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    found = {}

    page.goto(f"{base}/events/wages-gardens-potluck/")
    # Date, place and the way to RSVP in the first screen, the description after.
    assert in_first_screen(page, page.locator(".event-head__when"))
    assert in_first_screen(page, page.get_by_text("Community hall"))
    action = (
        page.locator(".rsvp-jump a")
        if size == "phone"
        else page.get_by_role("button", name="RSVP: I'm going")
    )
    assert in_first_screen(page, action.first)
    assert "No account needed" in page.locator(".rsvp__account").inner_text()
    screenshot(page, f"rsvp-1-event-{size}")

    # 1. RSVP with a name and an email: three fields and a button.
    if size == "phone":
        action.click()
    page.get_by_label("Your name").fill("Sam Rivera")
    page.get_by_label("Email").first.fill("sam@example.org")
    page.get_by_role("button", name="RSVP: I'm going").click()
    page.locator(".rsvp__status--sent").wait_for()
    assert "We sent the details of your RSVP to sam@example.org" in page.content()
    # "Who is coming" followed the RSVP without a reload.
    assert page.locator("#who-is-coming .through").count() == 1
    screenshot(page, f"rsvp-2-sent-{size}")
    rsvp = RSVP.objects.get(member__email="sam@example.org")
    assert rsvp.status == "going"

    # 2. The mail, with the manage link.
    [message] = [m for m in mail.outbox if m.to == ["sam@example.org"]]
    assert message.subject == "You're going: Wages and Gardens Potluck"
    manage = MANAGE_LINK.search(message.body).group(1)

    # 3. The manage link: add a guest.
    page.goto(base + manage)
    assert page.get_by_role("heading", name="You are going").is_visible()
    if violations := blocking_violations(page):
        found["manage page"] = violations
    page.get_by_label("Guests").fill("1")
    page.get_by_role("button", name="Save guests").click()
    page.get_by_text("Saved: 1 guest with you.").wait_for()
    screenshot(page, f"rsvp-3-manage-{size}")
    rsvp.refresh_from_db()
    assert rsvp.guests == 1

    # Someone else RSVPs meanwhile and waits: the event is full.
    other = browser.new_context(viewport={"width": width, "height": height}).new_page()
    other.goto(f"{base}/events/wages-gardens-potluck/")
    if size == "phone":
        other.locator(".rsvp-jump a").click()
    other.get_by_label("Your name").fill("Ana")
    other.get_by_label("Email").first.fill("ana@example.org")
    other.get_by_role("button", name="Join the waitlist").click()
    other.locator(".rsvp__status--sent").wait_for()
    other.context.close()
    ana = RSVP.objects.get(member__email="ana@example.org")
    assert ana.status == "waitlisted"
    [waiting] = [m for m in mail.outbox if m.to == ["ana@example.org"]]
    assert "on the waitlist: number 1" in waiting.body

    # 4. Cancel: Ana is promoted and mailed.
    mail.outbox.clear()
    page.get_by_role("button", name="Cancel my RSVP").click()
    page.get_by_text("Your RSVP is cancelled.").wait_for()
    screenshot(page, f"rsvp-4-cancelled-{size}")
    if violations := blocking_violations(page):
        found["manage page, cancelled"] = violations
    ana.refresh_from_db()
    assert ana.status == "going"
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]

    assert errors == []
    assert found == {}, "axe-core found serious or critical violations:\n" + describe(found)
    context.close()


def test_the_event_page_and_the_lost_link_form_pass_axe(browser, live_server, potluck):
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/events/wages-gardens-potluck/")
    page.get_by_text("Already RSVP'd? Get your link again").click()
    found = {}
    if violations := blocking_violations(page):
        found["event page (phone)"] = violations
    page.get_by_label("Your email").fill("nobody@example.org")
    page.get_by_role("button", name="Mail me my link").click()
    page.get_by_text("its link is on its way there").wait_for()
    if violations := blocking_violations(page):
        found["event page after 'mail me my link'"] = violations
    page.goto(f"{base}/events/wages-gardens-potluck/rsvp/not-a-token/")
    if violations := blocking_violations(page):
        found["a bad manage link"] = violations
    assert found == {}, "axe-core found serious or critical violations:\n" + describe(found)
    context.close()
