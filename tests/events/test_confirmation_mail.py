"""Confirmation and promotion mails carry the event for a calendar (issue 15, step b): the
place by the address rule, the .ics attached, Google and Outlook links, and the manage
link. The add-to-calendar links themselves: events/calendar_links.py."""

import datetime
from urllib.parse import parse_qs, unquote, urlsplit

import icalendar
import pytest
from django.core import mail
from django.test import Client

from events.calendar_links import DETAILS_LIMIT, calendar_links
from events.mail import promoted_message, rsvp_confirmation_message
from events.services import rsvp_cancel, rsvp_create, rsvp_request
from tests.factories import EventFactory, MemberFactory, RSVPFactory, next_year

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NEXT = next_year()
# 2 May, 01:00 to 04:00 UTC: 1 May, 6 PM to 9 PM in Oakland (summer time). Next year, so
# the RSVPs are open whatever day the suite runs.
STARTS = datetime.datetime(NEXT, 5, 2, 1, 0, tzinfo=UTC)
ENDS = STARTS + datetime.timedelta(hours=3)
GOOGLE_DATES = f"{NEXT}0502T010000Z/{NEXT}0502T040000Z"
SECRET_ADDRESS = "7 Secret Lane, Oakland"
MEETING_LINK = "https://meet.example.org/strategy"


def query(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its query, and the query decoded (each key once)."""
    parts = urlsplit(url)
    values = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(value) == 1 for value in values.values())
    return (
        f"{parts.scheme}://{parts.netloc}{parts.path}",
        {key: value[0] for key, value in values.items()},
    )


def links_in(body: str) -> dict[str, str]:
    """The add-to-calendar lines of a mail: ``{label: url}``."""
    return {
        label: url
        for line in body.splitlines()
        if line.startswith("- ") and ": https://" in line
        for label, url in [line[2:].split(": ", 1)]
    }


def only_vevent(content) -> icalendar.Event:
    vevents = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert len(vevents) == 1
    return vevents[0]


@pytest.fixture
def potluck():
    return EventFactory(
        slug="potluck",
        title="Potluck & wages: 100% together",
        description="Bring a dish.\nMeet the union.",
        starts_at=STARTS,
        ends_at=ENDS,
        capacity=1,
    )


@pytest.fixture
def meeting():
    """A private event with an address and an online link, for one person."""
    return EventFactory(
        slug="strategy-night",
        title="Strategy night",
        starts_at=STARTS,
        ends_at=ENDS,
        capacity=1,
        visibility="private",
        link_key="strategy-night-secret-key",
        address=SECRET_ADDRESS,
        online_link=MEETING_LINK,
    )


# --- the links --------------------------------------------------------------------------------


def test_calendar_links_fill_google_and_outlook_with_utc_times_and_encoded_text(potluck):
    [(google_label, google), (outlook_label, outlook)] = calendar_links(potluck, show_address=True)

    page = "http://127.0.0.1:8000/events/potluck/"
    details = f"Bring a dish. Meet the union.\n\n{page}"
    location = "Community hall, 1 Main Street, Oakland"
    assert (google_label, outlook_label) == ("Google Calendar", "Outlook.com")
    assert query(google) == (
        "https://calendar.google.com/calendar/render",
        {
            "action": "TEMPLATE",
            "text": "Potluck & wages: 100% together",
            "dates": GOOGLE_DATES,
            "details": details,
            "location": location,
        },
    )
    assert query(outlook) == (
        "https://outlook.live.com/calendar/0/deeplink/compose",
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": "Potluck & wages: 100% together",
            "startdt": f"{NEXT}-05-02T01:00:00Z",
            "enddt": f"{NEXT}-05-02T04:00:00Z",
            "body": details,
            "location": location,
        },
    )
    # Percent-encoded throughout: "&", "%" and ":" in the title do not break the query,
    # and spaces are %20 (Outlook would show a "+" as it is).
    assert "&text=Potluck%20%26%20wages%3A%20100%25%20together&" in google
    assert f"&dates={NEXT}0502T010000Z%2F{NEXT}0502T040000Z&" in google
    assert f"&startdt={NEXT}-05-02T01%3A00%3A00Z&enddt={NEXT}-05-02T04%3A00%3A00Z&" in outlook
    assert " " not in google + outlook and "+" not in google + outlook


def test_calendar_links_of_a_private_event_name_the_address_only_when_shown(meeting):
    hidden = [query(url)[1] for _label, url in calendar_links(meeting, show_address=False)]
    shown = [query(url)[1] for _label, url in calendar_links(meeting, show_address=True)]

    assert [q["location"] for q in hidden] == ["Community hall", "Community hall"]
    assert [q["location"] for q in shown] == [
        f"Community hall, {SECRET_ADDRESS}, {MEETING_LINK}"
    ] * 2
    # The page in the description is the private link the person was given.
    key_link = "http://127.0.0.1:8000/events/strategy-night/?key=strategy-night-secret-key"
    google, outlook = hidden
    assert google["details"].endswith(f"\n\n{key_link}")
    assert outlook["body"].endswith(f"\n\n{key_link}")


def test_calendar_links_cut_a_long_description_and_leave_out_an_empty_place():
    event = EventFactory(description="word " * 400, venue="", address="")

    [(_, google), (_, outlook)] = calendar_links(event, show_address=True, url="https://x.test/e/")

    description, page = query(google)[1]["details"].split("\n\n")
    assert len(description) == DETAILS_LIMIT
    assert description.endswith("word…")
    assert page == "https://x.test/e/"
    assert "location" not in query(google)[1]
    assert "location" not in query(outlook)[1]


# --- the confirmation -----------------------------------------------------------------------


def test_confirmation_to_someone_going_carries_the_place_calendar_and_manage_link(
    meeting, django_capture_on_commit_callbacks
):
    ada = MemberFactory(key="m-ada", name="Ada")

    with django_capture_on_commit_callbacks(execute=True):
        rsvp = rsvp_create(event=meeting, member=ada)

    assert rsvp.status == "going"
    [message] = mail.outbox  # sent by the worker from the outbox row
    assert (message.to, message.cc, message.bcc, message.reply_to) == (
        ["m-ada@people.example.org"],
        [],
        [],
        [],
    )
    assert message.subject == "You're going: Strategy night"
    body = message.body
    assert f"Where: Community hall, {SECRET_ADDRESS}, {MEETING_LINK}\n" in body
    assert "Add it to your calendar (the .ics file attached works in any calendar app):" in body
    links = links_in(body)
    assert list(links) == ["Google Calendar", "Outlook.com"]
    assert query(links["Google Calendar"])[1]["dates"] == GOOGLE_DATES
    assert query(links["Google Calendar"])[1]["location"] == (
        f"Community hall, {SECRET_ADDRESS}, {MEETING_LINK}"
    )
    assert query(links["Outlook.com"])[1]["startdt"] == f"{NEXT}-05-02T01:00:00Z"
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("strategy-night.ics", "text/calendar")
    vevent = only_vevent(content)
    assert str(vevent["UID"]) == f"event-{meeting.pk}@coalition"
    assert vevent.decoded("DTSTART") == STARTS
    assert str(vevent["LOCATION"]) == f"Community hall, {SECRET_ADDRESS}, {MEETING_LINK}"
    manage = body.split("Change your guests or cancel, no login needed:\n", 1)[1].split("\n")[0]
    assert manage.startswith("http://127.0.0.1:8000/events/strategy-night/rsvp/")
    page = Client().get(manage.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    assert page.context["rsvp"] == rsvp


def test_confirmation_to_someone_waitlisted_gives_the_position_without_the_private_address(
    meeting, django_capture_on_commit_callbacks
):
    rsvp_create(event=meeting, member=MemberFactory(key="m-first"))

    with django_capture_on_commit_callbacks(execute=True):
        rsvp = rsvp_create(event=meeting, member=MemberFactory(key="m-second"))

    assert rsvp.status == "waitlisted"
    [message] = mail.outbox
    assert message.to == ["m-second@people.example.org"]
    assert message.subject == "On the waitlist: Strategy night"
    body = message.body
    assert "you are on the waitlist: number 1." in body
    assert "Where: Community hall\n" in body
    assert "Keep the date in your calendar, in case a place opens up" in body
    links = links_in(body)
    assert [query(url)[1]["location"] for url in links.values()] == ["Community hall"] * 2
    [(_filename, content, _mimetype)] = message.attachments
    assert str(only_vevent(content)["LOCATION"]) == "Community hall"
    # Nowhere in the mail, however encoded.
    for secret in ("Secret Lane", "meet.example.org"):
        assert secret not in unquote(body)
        assert secret not in content


def test_confirmation_of_a_public_event_shows_its_address_to_the_waitlist_too(
    potluck, django_capture_on_commit_callbacks
):
    """The address rule hides only a private event's address: a public one is on its page."""
    rsvp_create(event=potluck, member=MemberFactory(key="m-first"))

    with django_capture_on_commit_callbacks(execute=True):
        rsvp_create(event=potluck, member=MemberFactory(key="m-second"))

    [message] = mail.outbox
    assert "Where: Community hall, 1 Main Street, Oakland\n" in message.body
    assert str(only_vevent(message.attachments[0][1])["LOCATION"]) == (
        "Community hall, 1 Main Street, Oakland"
    )


def test_confirmation_of_an_rsvp_without_an_account_has_the_calendar_too(
    potluck, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_request(event=potluck, name="Sam Newcomer", email="sam@example.org")

    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert list(links_in(message.body)) == ["Google Calendar", "Outlook.com"]
    assert [attachment[0] for attachment in message.attachments] == ["potluck.ics"]


def test_link_sent_again_carries_the_calendar(potluck, django_capture_on_commit_callbacks):
    rsvp = RSVPFactory(event=potluck, member=MemberFactory(key="m-ada"))

    message = rsvp_confirmation_message(rsvp, again=True)

    assert message.subject == "Your RSVP: Potluck & wages: 100% together"
    assert list(links_in(message.body)) == ["Google Calendar", "Outlook.com"]
    assert message.attachments[0][0] == "potluck.ics"


def test_no_confirmation_for_someone_without_an_address(potluck):
    rsvp = RSVPFactory(event=potluck, member=MemberFactory(email=""))

    assert rsvp_confirmation_message(rsvp) is None
    assert promoted_message(rsvp) is None


# --- the promotion ----------------------------------------------------------------------------


def test_promotion_mail_now_has_the_address_calendar_and_manage_link(
    meeting, django_capture_on_commit_callbacks
):
    going = rsvp_create(event=meeting, member=MemberFactory(key="m-first"))
    waiting = rsvp_create(event=meeting, member=MemberFactory(key="m-second", name="Bo"))

    with django_capture_on_commit_callbacks(execute=True):
        rsvp_cancel(rsvp=going)

    [message] = mail.outbox
    assert message.to == ["m-second@people.example.org"]
    assert message.subject == "You're in: Strategy night"
    body = message.body
    assert f"Where: Community hall, {SECRET_ADDRESS}, {MEETING_LINK}\n" in body
    assert "Add it to your calendar (the .ics file attached works in any calendar app):" in body
    links = links_in(body)
    assert query(links["Google Calendar"])[1]["dates"] == GOOGLE_DATES
    assert query(links["Outlook.com"])[1]["location"] == (
        f"Community hall, {SECRET_ADDRESS}, {MEETING_LINK}"
    )
    [(filename, content, _mimetype)] = message.attachments
    assert filename == "strategy-night.ics"
    assert str(only_vevent(content)["LOCATION"]) == (
        f"Community hall, {SECRET_ADDRESS}, {MEETING_LINK}"
    )
    manage = body.split("Change your guests or cancel, no login needed:\n", 1)[1].split("\n")[0]
    page = Client().get(manage.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    assert page.context["rsvp"].pk == waiting.pk
    assert page.context["going"] is True
