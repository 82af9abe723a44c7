"""The whole loop of issue 14 in Chromium, on the demo network: a new member signs up and
confirms their address, asks to organize for the fast-food side's union, is approved by its
organizer, accepts the Oakland potluck proposal standing for Fight for $15, the food-justice
side's collective is invited and its organizer confirms from /me/, the event is published as
joint, each opted-in member of both movements gets exactly one invitation, and one of them
RSVPs through the invitation's ``?via=`` link and counts as coming through their movement.

Screenshots (1280×800 and 390×844) go to ``$COALITION_SCREENSHOTS`` when it is set."""

import collections
import datetime
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from events.models import RSVP, Event, EventInvitation
from movements import demo
from movements.models import Engagement, Member, Movement, Organization
from movements.verification import email_mark_verified
from tests.factories import EngagementFactory, MemberFactory, UserFactory
from tests.helpers import PASSWORD, log_in, make_organizer
from tests.scenarios import DEMO_HOST, demo_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}


def screenshot(page, name: str) -> None:
    """Full-page screenshots of ``page`` at both sizes into $COALITION_SCREENSHOTS."""
    folder = os.environ.get("COALITION_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for label, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(before)


@pytest.fixture
def new_page(browser):
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def rae_with_a_login() -> Member:
    """An opted-in gardener with a login and a confirmed address, who will RSVP."""
    user = UserFactory(username="rae")
    rae = MemberFactory(key="m-rae", name="Rae Gardener", user=user, invites=True)
    email_mark_verified(member=rae, email=rae.email)
    EngagementFactory(
        member=rae,
        movement=Movement.objects.get(slug=demo.FOOD_JUSTICE),
        organization=None,
        since=datetime.date(2024, 3, 1),
        until=None,
        source="manual",
    )
    return rae


def test_new_member_runs_a_joint_potluck_and_both_movements_are_invited(new_page, live_server):
    base = live_server.url
    network = demo_network()
    potluck = network["potluck"]
    make_organizer(network["host"], "olu", name="Olu Organizer")
    make_organizer(
        Organization.objects.get(slug=demo.STEADY_COLLECTIVE), "gil", name="Gil Gardener"
    )
    rae = rae_with_a_login()
    opted_out = MemberFactory(key="m-quiet", name="Quiet Person", invites=False)
    EngagementFactory(
        member=opted_out,
        movement=Movement.objects.get(slug=demo.FIGHT_FOR_15),
        organization=None,
        until=None,
        source="manual",
    )

    # A new member signs up and confirms their address through the mailed link.
    nia = new_page()
    nia.goto(base + "/accounts/signup/")
    nia.get_by_label("Your name").fill("Nia Newcomer")
    nia.get_by_label("Email").fill("nia@example.org")
    nia.get_by_label("Password").fill(PASSWORD)
    screenshot(nia, "01-signup")
    nia.get_by_role("button", name="Create my account").click()
    nia.wait_for_url(base + "/accounts/signup/sent/")
    [message] = mail.outbox
    [link] = re.findall(r"http://127\.0\.0\.1:8000(/accounts/verify/\S+/)", message.body)
    nia.goto(base + link)
    nia.get_by_role("button", name="Confirm my address").click()
    nia.wait_for_url(base + "/me/")

    # … asks to organize for the fast-food workers' union …
    union = network["host"].name
    nia.goto(f"{base}/organizations/{DEMO_HOST}/")
    nia.get_by_role("link", name=f"Ask to organize for {union}").click()
    nia.get_by_label("A short note to its organizers (optional)").fill("I cook for the strikers.")
    nia.get_by_role("button", name=f"Ask to organize for {union}").click()
    nia.get_by_text("Your request is waiting").wait_for()

    # … and its organizer approves on /me/.
    olu = new_page()
    log_in(olu, base, "olu")
    olu.goto(base + "/me/")
    screenshot(olu, "02-organizer-me-deciding")
    olu.get_by_role("button", name=f"Approve Nia Newcomer for {union}").click()
    olu.get_by_text(f"Approved: Nia Newcomer organizes for {union} now.").wait_for()

    # Nia sees the potluck among the proposals her organization can run, and accepts it
    # standing for Fight for $15.
    nia.goto(base + "/me/")
    proposals = nia.locator("section[aria-labelledby=runnable-proposals-title]")
    proposals.get_by_role("link", name=potluck.title).click()
    nia.wait_for_url(f"{base}/proposals/{potluck.pk}/")
    assert nia.get_by_label(f"{union}, for Fight for $15 Oakland").is_checked()
    screenshot(nia, "03-proposal")
    nia.get_by_role("button", name="Accept and create a draft event").click()
    event = Event.objects.get(proposal=potluck)
    nia.wait_for_url(f"{base}/events/{event.slug}/edit/")
    day = timezone.localdate() + datetime.timedelta(days=21)
    nia.get_by_label("Starts").fill(f"{day:%Y-%m-%d}T18:00")
    nia.get_by_label("Ends").fill(f"{day:%Y-%m-%d}T21:00")
    nia.get_by_role("button", name="Save changes").click()
    nia.wait_for_url(f"{base}/events/{event.slug}/")
    assert sorted(event.event_hosts.values_list("organization__slug", "status")) == [
        (DEMO_HOST, "confirmed"),
        (demo.STEADY_COLLECTIVE, "invited"),
    ]

    # The food-justice side's organizer confirms from /me/.
    gil = new_page()
    log_in(gil, base, "gil")
    gil.goto(base + "/me/")
    screenshot(gil, "04-invited-organizer-me")
    gil.get_by_role(
        "button", name=f"Confirm for Fruitvale Garden Collective: {event.title}"
    ).click()
    gil.wait_for_load_state()
    assert event.event_hosts.get(organization__slug=demo.STEADY_COLLECTIVE).status == "confirmed"

    # Nia publishes: the event is joint, and the opted-in members of both movements are
    # invited, once each.
    mail.outbox.clear()
    nia.goto(f"{base}/events/{event.slug}/")
    nia.get_by_role("button", name="Publish").click()
    nia.locator(".message--success").wait_for()
    screenshot(nia, "05-published-joint-event")
    assert Event.objects.with_joint().get(pk=event.pk).joint is True

    invited = [m for m in mail.outbox if m.subject == f"You're invited: {event.title}"]
    recipients = collections.Counter(address for m in invited for address in m.to)
    invitations = EventInvitation.objects.filter(event=event).select_related("member", "movement")
    assert set(recipients.values()) == {1}
    assert set(recipients) == {i.member.email for i in invitations}
    assert {i.movement.slug for i in invitations} == {demo.FIGHT_FOR_15, demo.FOOD_JUSTICE}
    assert rae.email in recipients
    assert opted_out.email not in recipients
    engaged = Member.objects.outreach_allowed().filter(
        pk__in=Engagement.objects.filter(
            movement__slug__in=[demo.FIGHT_FOR_15, demo.FOOD_JUSTICE], until__isnull=True
        ).values("member")
    )
    assert set(recipients) == set(engaged.values_list("email", flat=True))

    # Publishing again or editing sends nothing more.
    nia.goto(f"{base}/events/{event.slug}/edit/")
    nia.get_by_role("button", name="Save changes").click()
    nia.wait_for_url(f"{base}/events/{event.slug}/")
    assert [m for m in mail.outbox if m.subject.startswith("You're invited")] == invited

    # Rae RSVPs through her invitation's link and counts as coming through food justice.
    [rae_mail] = [m for m in invited if m.to == [rae.email]]
    [via_link] = re.findall(r"http://127\.0\.0\.1:8000(/events/\S+\?via=\S+)", rae_mail.body)
    assert via_link == f"/events/{event.slug}/?via={demo.FOOD_JUSTICE}"
    rae_page = new_page()
    log_in(rae_page, base, "rae")
    rae_page.goto(base + via_link)
    screenshot(rae_page, "06-event-through-invitation")
    rae_page.get_by_role("button", name="RSVP: I'm going").click()
    rae_page.locator(".rsvp__status--going").wait_for()
    assert rae_page.locator(".rsvp__status--going").inner_text() == (
        "You are going, through Oakland Food Justice."
    )
    rsvp = RSVP.objects.get(event=event, member=rae)
    assert (rsvp.status, rsvp.movement.slug) == ("going", demo.FOOD_JUSTICE)

    # Nia's /me/ lists the event she hosts, with the person going.
    nia.goto(base + "/me/")
    hosted = nia.locator("section[aria-labelledby=hosted-events-title]")
    assert hosted.get_by_role("link", name=event.title, exact=True).count() == 1
    assert "1 going" in hosted.inner_text()
    screenshot(nia, "07-organizer-me")
