"""Signing up and logging in, in Chromium (issue 15 (c)): from an event page to a confirmed
account and back to the event; the "Show password" toggle with JavaScript, a plain password
field without; logging in by address; axe-core on the sign-up page in its states."""

import re
from pathlib import Path

import pytest
from django.core import mail

from movements.models import Member
from tests.factories import EventFactory, MemberFactory, UserFactory
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SITE = "http://127.0.0.1:8000"  # COALITION_SITE_URL in the tests


def new_page(browser, *, js: bool = True, bypass_csp: bool = False):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=js, bypass_csp=bypass_csp
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def blocking_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async () => await axe.run(document, {resultTypes: ["violations"]})"""
    )
    return [
        f"{v['id']}: {v['help']}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_from_an_event_page_through_sign_up_back_to_the_event(browser, live_server, js):
    base = live_server.url
    event = EventFactory(slug="wages-potluck", title="Wages potluck")
    roster = MemberFactory(key="m-0042", name="Nia N.", email="nia@example.org")
    page = new_page(browser, js=js)

    page.goto(f"{base}/events/{event.slug}/")
    page.locator(".rsvp__account").get_by_role("link", name="Log in").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    page.locator(".account__aside").get_by_role("link", name="Sign up").click()
    page.wait_for_url(f"{base}/accounts/signup/?next=/events/wages-potluck/")
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Email").fill("Nia@Example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{base}/accounts/signup/sent/?next=%2Fevents%2Fwages-potluck%2F")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your inbox"

    [message] = mail.outbox
    [link] = re.findall(rf"{re.escape(SITE)}(/accounts/verify/\S+)", message.body)
    page.goto(base + link)
    page.get_by_role("button", name="Confirm my address").click()
    page.wait_for_url(f"{base}/events/wages-potluck/")

    # Welcomed by the name the roster knows: the new login took that member over.
    assert page.locator(".messages").inner_text().startswith("Thank you, Nia N.:")
    roster.refresh_from_db()
    assert roster.user.username == "Nia@example.org"
    assert Member.objects.count() == 1
    assert page.console_errors == []


def test_show_password_toggles_the_field_and_hides_it_again_on_sending(browser, live_server):
    page = new_page(browser)
    page.goto(live_server.url + "/accounts/signup/")
    field = page.get_by_label("Password")
    toggle = page.get_by_role("button", name="Show password")

    field.fill("potluck between movements")
    toggle.click()
    shown = (field.get_attribute("type"), toggle.get_attribute("aria-pressed"))
    focused = page.evaluate("() => document.activeElement.id")
    toggle.click()
    hidden = (field.get_attribute("type"), toggle.get_attribute("aria-pressed"))
    toggle.click()
    page.get_by_role("button", name="Create my account").click()  # name and email missing
    page.locator("#form-errors").wait_for()

    assert shown == ("text", "true")
    assert focused == "id_password"
    assert hidden == ("password", "false")
    field = page.get_by_label("Password")
    assert field.get_attribute("type") == "password"
    # No Content Security Policy violation or script error; the form sent back with its
    # errors answers 400, which Chromium reports too.
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_without_javascript_the_password_is_a_plain_field(browser, live_server):
    page = new_page(browser, js=False)
    page.goto(live_server.url + "/accounts/login/")

    assert page.get_by_label("Password").get_attribute("type") == "password"
    assert page.get_by_role("button", name="Show password").count() == 0


def test_logging_in_by_address_in_the_browser(browser, live_server):
    UserFactory(username="ada", email="ada@example.org")
    page = new_page(browser)
    page.goto(live_server.url + "/accounts/login/?next=/events/")

    page.get_by_label("Email or username").fill("ADA@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(live_server.url + "/events/")
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Me").count()


def test_axe_finds_nothing_serious_on_the_sign_up_and_login_pages(browser, live_server):
    page = new_page(browser, bypass_csp=True)
    found = {}

    page.goto(live_server.url + "/accounts/signup/?next=/events/")
    found["signup"] = blocking_violations(page)
    page.get_by_role("button", name="Show password").click()
    found["signup, password shown"] = blocking_violations(page)
    page.get_by_role("button", name="Create my account").click()
    page.locator("#form-errors").wait_for()
    found["signup, with errors"] = blocking_violations(page)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name="Log in").click()
    page.locator("#form-errors").wait_for()
    found["login, with errors"] = blocking_violations(page)

    assert found == {
        "signup": [],
        "signup, password shown": [],
        "signup, with errors": [],
        "login, with errors": [],
    }
