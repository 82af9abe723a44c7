"""The three journeys of PRODUCT.md in a real browser, each with JavaScript on and off.

- An organizer browses the map (the overlap table without JavaScript), opens an overlap,
  accepts a proposal into a draft event, dates it and publishes it.
- A curator merges two duplicate organizations and archives a movement in the admin.
- A new member signs up, RSVPs to a cross-movement event, finds it on /me/ and cancels it.

Every page on these paths promises to work without JavaScript; only the map itself needs it.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from events.models import RSVP, Event
from movements import demo
from movements.models import Member, Movement, Organization, Participation
from tests.factories import (
    OrganizationFactory,
    ParticipationFactory,
    UserFactory,
)
from tests.helpers import PASSWORD, log_in, make_organizer
from tests.scenarios import CROSS_MOVEMENT_EVENT, DEMO_HOST, cross_movement_event, demo_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RENDERED = "#map-graph[data-rendered-nodes]"


def console_tracking_page(browser, *, js: bool):
    """A fresh context and page with JavaScript on or off; console errors (with the URL they
    come from) are collected in ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=js)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []

    def on_console(message):
        if message.type == "error":
            page.console_errors.append(f"{message.text} at {message.location['url']}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return context, page


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def js(request):
    return request.param


@pytest.fixture
def journey_page(browser, js):
    context, page = console_tracking_page(browser, js=js)
    yield page
    context.close()


# --- journeys ------------------------------------------------------------------------------


def test_organizer_turns_a_proposal_into_a_published_event(journey_page, live_server, js):
    page, base = journey_page, live_server.url
    network = demo_network()
    make_organizer(network["host"], name="Olu Organizer")
    overlap_path = f"/overlaps/{demo.FIGHT_FOR_15}/{demo.FOOD_JUSTICE}/"

    log_in(page, base, "organizer", next_path="/map/")
    assert page.url == base + "/map/"
    if js:
        page.wait_for_selector(RENDERED)
        page.get_by_label("Find a movement").select_option(label="Fight for $15 Oakland")
        panel = page.locator("#map-panel")
        panel.get_by_role("heading", name="Fight for $15 Oakland").wait_for()
        panel.locator(f'.map-overlaps__title a[href="{overlap_path}"]').click()
    else:
        page.get_by_role("link", name="See the same overlaps as a table").click()
        assert page.url == base + "/map/table/"
        details = page.locator(f'a.overlap-table__details[href="{overlap_path}"]')
        assert details.text_content() == (
            "How they overlap: Fight for $15 Oakland and Oakland Food Justice"
        )
        details.click()
    page.wait_for_url(base + overlap_path)
    assert page.locator("h1").inner_text() == "Fight for $15 Oakland and Oakland Food Justice"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Proposals").click()
    proposal = network["potluck"]
    page.get_by_role("link", name=proposal.title, exact=True).click()
    assert page.url == f"{base}/proposals/{proposal.pk}/"
    assert page.get_by_label("East Bay Food Workers Union, for Fight for $15 Oakland").is_checked()

    page.get_by_role("button", name="Accept and create a draft event").click()
    event = Event.objects.get(proposal=proposal)
    page.wait_for_url(f"{base}/events/{event.slug}/edit/")
    assert page.locator(".message--success").inner_text() == (
        "Draft event created from the proposal — set the date and publish. Invited to "
        "co-host: Fruitvale Garden Collective (their organizers are mailed)."
    )

    day = timezone.localdate() + datetime.timedelta(days=21)
    page.get_by_label("Starts").fill(f"{day:%Y-%m-%d}T18:00")
    page.get_by_label("Ends").fill(f"{day:%Y-%m-%d}T21:00")
    page.get_by_label("Capacity").fill("35")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{base}/events/{event.slug}/")
    assert page.locator(".banner--draft").count() == 1

    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"{base}/events/{event.slug}/")

    assert page.locator(".message--success").inner_text() == (
        f"“{event.title}” is published and open for RSVPs."
    )
    assert page.locator(".banner--draft").count() == 0
    assert page.locator(".manage .muted").first.inner_text().startswith("Published · Public")
    assert page.locator(".facts").get_by_text("35", exact=True).count() == 1
    event.refresh_from_db()
    assert (event.status, event.capacity) == ("published", 35)
    assert timezone.localtime(event.starts_at).date() == day
    # The union hosts; the other movement's first suggested host is invited.
    assert sorted(event.event_hosts.values_list("organization__slug", "status")) == [
        (DEMO_HOST, "confirmed"),
        (demo.STEADY_COLLECTIVE, "invited"),
    ]
    if js:
        assert page.console_errors == []


def test_curator_merges_duplicates_and_archives_a_movement(journey_page, live_server, js):
    page, base = journey_page, live_server.url
    keep = demo_network()["host"]
    UserFactory(username="curator", is_staff=True, is_superuser=True)
    duplicate = OrganizationFactory(slug="east-bay-food-workers", name="East Bay Food Workers")
    ParticipationFactory(
        organization=duplicate,
        movement=Movement.objects.get(slug=demo.FOOD_JUSTICE),
        role="ally",
    )
    page.goto(f"{base}/organizations/{duplicate.slug}/")
    assert page.locator("h1").inner_text() == "East Bay Food Workers"

    page.goto(base + "/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/admin/")

    page.goto(base + "/admin/movements/organization/?q=East+Bay+Food+Workers")
    for organization in (keep, duplicate):
        page.locator(f'input[name="_selected_action"][value="{organization.pk}"]').check()
    page.locator('select[name="action"]').select_option("merge")
    page.locator('button[name="index"]').click()

    assert page.locator("h1").inner_text() == "Merge organizations"
    assert page.get_by_label("East Bay Food Workers Union").is_checked()
    page.get_by_role("button", name="Merge into the chosen organization").click()
    page.wait_for_url(base + "/admin/movements/organization/?q=East+Bay+Food+Workers")
    assert (
        page.locator(".messagelist .success")
        .inner_text()
        .startswith(
            "Merged “East Bay Food Workers” into “East Bay Food Workers Union”: moved "
            "1 participation"
        )
    )

    page.goto(f"{base}/admin/movements/movement/?q={demo.PRISON_DIVEST}")
    prison = Movement.objects.get(slug=demo.PRISON_DIVEST)
    page.locator(f'input[name="_selected_action"][value="{prison.pk}"]').check()
    page.locator('select[name="action"]').select_option("archive")
    page.locator('button[name="index"]').click()
    page.locator(".messagelist .success").wait_for()

    if js:
        # The admin's pages name no icon, so Chromium asks for /favicon.ico (a 404).
        errors = [e for e in page.console_errors if not e.endswith("/favicon.ico")]
        assert errors == []
    response = page.goto(f"{base}/organizations/{duplicate.slug}/")
    assert response.status == 404
    response = page.goto(f"{base}/organizations/{DEMO_HOST}/")
    assert response.status == 200
    assert page.get_by_role("link", name="Oakland Food Justice").count() >= 1
    response = page.goto(f"{base}/movements/{demo.PRISON_DIVEST}/")
    assert response.status == 404
    page.goto(base + "/movements/?q=Prison")
    assert page.get_by_role("link", name="Cal Prison Divestment").count() == 0
    assert not Organization.objects.filter(slug=duplicate.slug).exists()
    assert Participation.objects.filter(
        organization=keep, movement__slug=demo.FOOD_JUSTICE
    ).exists()


def test_new_member_rsvps_sees_it_on_me_and_cancels(journey_page, live_server, js):
    page, base = journey_page, live_server.url
    demo_network()
    event = cross_movement_event()

    page.goto(base + "/accounts/signup/")
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(base + "/accounts/signup/sent/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your inbox"
    [message] = mail.outbox
    [link] = re.findall(r"http://127\.0\.0\.1:8000(/accounts/verify/\S+/)", message.body)
    page.goto(base + link)
    page.get_by_role("button", name="Confirm my address").click()
    page.wait_for_url(base + "/me/")
    assert page.locator(".me__section .empty").first.inner_text() == (
        "You have no upcoming events. Find an event where movements meet."
    )

    page.get_by_role("link", name="Find an event").click()
    page.get_by_role("link", name=CROSS_MOVEMENT_EVENT).click()
    page.wait_for_url(f"{base}/events/{event.slug}/")
    page.get_by_label("I come through").select_option(label="Stop the Oil Trains")
    page.get_by_role("button", name="RSVP: I'm going").click()
    status = page.locator(".rsvp__status--going")
    status.wait_for()
    assert status.inner_text() == "You are going, through Stop the Oil Trains."
    member = Member.objects.get(user__username="newcomer@example.org")
    rsvp = RSVP.objects.get(event=event, member=member)
    assert (rsvp.status, rsvp.movement.slug) == ("going", demo.OIL_TRAINS)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Me", exact=True).click()
    page.wait_for_url(base + "/me/")
    card = page.locator(".my-rsvp")
    assert card.get_by_role("heading").inner_text() == CROSS_MOVEMENT_EVENT
    assert card.locator(".status").inner_text() == "You are going"

    card.get_by_role("button", name=f"Cancel my RSVP for {CROSS_MOVEMENT_EVENT}").click()
    page.wait_for_url(f"{base}/events/{event.slug}/")
    page.goto(base + "/me/")

    assert page.locator(".my-rsvp").count() == 0
    rsvp.refresh_from_db()
    assert rsvp.status == "cancelled"
    assert member.name == "Nia Newcomer"
    if js:
        assert page.console_errors == []
