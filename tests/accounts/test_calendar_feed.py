"""The personal calendar feed (issue 15, step b): /me/calendar/<token>.ics, the events a
member is going to, for calendar apps (no login); turned on, renewed and off on /me/."""

import datetime
import re

import icalendar
import pytest
from django.test import Client

from accounts.selectors import CALENDAR_PAST, calendar_feed_events
from accounts.services import (
    account_delete,
    member_calendar_disable,
    member_calendar_enable,
    member_calendar_renew,
)
from movements.models import Member
from tests.factories import (
    EventFactory,
    MemberFactory,
    RSVPFactory,
    UserFactory,
    days_from_now,
    local_time,
)
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "7 Secret Lane, Oakland"
# A content line: a property name, then its parameters or its value.
CONTENT_LINE = re.compile(rb"[A-Z][A-Z0-9-]*[;:]")


@pytest.fixture
def ada():
    user = UserFactory(username="ada", email="ada@example.org")
    MemberFactory(user=user, key="m-ada", name="Ada Okafor", email="ada@example.org")
    return user


def member_of(user) -> Member:
    return Member.objects.get(user=user)


def feed_path(member: Member) -> str:
    return f"/me/calendar/{member.calendar_token}.ics"


def event_in(days: int, **fields):
    """An event ``days`` days from today, 18:00 to 21:00 local time."""
    starts = days_from_now(days)
    return EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), **fields)


def vevents(response) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


# --- services ----------------------------------------------------------------------------------


def test_enable_gives_a_token_once_renew_replaces_it_disable_blanks_it(ada):
    member = member_of(ada)
    assert member.calendar_token == ""

    first = member_calendar_enable(member=member).calendar_token
    again = member_calendar_enable(member=member).calendar_token
    renewed = member_calendar_renew(member=member).calendar_token
    off = member_calendar_disable(member=member).calendar_token

    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", first)  # secrets.token_urlsafe(24)
    assert again == first
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", renewed) and renewed != first
    assert off == ""
    assert member_of(ada).calendar_token == ""


def test_renew_turns_a_feed_that_was_off_on(ada):
    member = member_calendar_renew(member=member_of(ada))

    assert len(member_of(ada).calendar_token) == 32
    assert member.calendar_token == member_of(ada).calendar_token


def test_many_members_can_have_the_feed_off(ada):
    """Blank is "off", not a token: the unique constraint holds only for tokens."""
    MemberFactory.create_batch(3)

    assert Member.objects.filter(calendar_token="").count() == 4


def test_deleting_the_account_turns_the_feed_off(ada):
    member = member_calendar_enable(member=member_of(ada))
    RSVPFactory(event=event_in(5), member=member)
    path = feed_path(member)

    account_delete(user=ada)

    assert Member.objects.get(pk=member.pk).calendar_token == ""
    assert Client().get(path).status_code == 404


# --- the feed ---------------------------------------------------------------------------------


def test_feed_parses_and_every_line_ends_in_crlf_within_75_octets(ada):
    member = member_calendar_enable(member=member_of(ada))
    long_title = "Café des luttes — solidarité entre mouvements ✊ " * 3
    event = event_in(
        5,
        slug="cafe",
        title=long_title.strip(),
        description="Über alles: " + "ein langer Text mit Umlauten äöü und Emoji 🌱. " * 8,
    )
    RSVPFactory(event=event, member=member)

    response = Client().get(feed_path(member))

    assert response.status_code == 200
    body = response.content
    assert body.endswith(b"\r\n")
    lines = body[: -len(b"\r\n")].split(b"\r\n")
    assert not [line for line in lines if b"\n" in line or b"\r" in line]  # CRLF only
    too_long = [line for line in lines if len(line) > 75]
    assert not too_long, too_long
    folded = [line for line in lines if line.startswith(b" ")]
    assert folded  # the long title and description were folded …
    assert all(
        line.startswith(b" ") or CONTENT_LINE.match(line) for line in lines
    )  # … with a space
    body.decode("utf-8")  # whole characters, never split across a fold
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "My Coalition events"
    assert calendar.decoded("REFRESH-INTERVAL") == datetime.timedelta(hours=1)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == long_title.strip()
    assert vevent.decoded("DTSTART") == event.starts_at
    assert str(vevent["UID"]) == f"event-{event.pk}@coalition"


def test_feed_answers_as_a_private_calendar_file(ada):
    member = member_calendar_enable(member=member_of(ada))

    response = Client().get(feed_path(member))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    assert vevents(response) == []


def test_feed_holds_only_my_own_going_rsvps_to_published_or_cancelled_events(ada):
    member = member_calendar_enable(member=member_of(ada))
    someone = MemberFactory(key="m-someone")
    soon = event_in(3, slug="soon", title="Soon")
    private = event_in(
        10,
        slug="private",
        title="Private",
        visibility="private",
        link_key="private-secret-key-123",
        address=SECRET_ADDRESS,
        online_link="https://meet.example.org/private",
    )
    called_off = event_in(6, slug="called-off", title="Called off", status="cancelled")
    recent = event_in(-80, slug="recent", title="Recent")
    for event in (soon, private, called_off, recent):
        RSVPFactory(event=event, member=member)
    RSVPFactory(event=event_in(4, slug="waiting"), member=member, status="waitlisted")
    RSVPFactory(event=event_in(5, slug="cancelled-rsvp"), member=member, status="cancelled")
    RSVPFactory(event=event_in(7, slug="draft", status="draft"), member=member)
    RSVPFactory(event=event_in(-100, slug="long-ago"), member=member)
    RSVPFactory(event=event_in(8, slug="not-mine"), member=someone)

    response = Client().get(feed_path(member))

    found = {str(v["SUMMARY"]): v for v in vevents(response)}
    assert list(found) == ["Recent", "Soon", "Called off", "Private"]
    assert str(found["Called off"]["STATUS"]) == "CANCELLED"
    assert str(found["Soon"]["STATUS"]) == "CONFIRMED"
    # They are going: a private event comes with its address, online link and key link.
    assert str(found["Private"]["LOCATION"]) == (
        f"Community hall, {SECRET_ADDRESS}, https://meet.example.org/private"
    )
    assert str(found["Private"]["URL"]) == (
        "http://127.0.0.1:8000/events/private/?key=private-secret-key-123"
    )
    assert str(found["Soon"]["URL"]) == "http://127.0.0.1:8000/events/soon/"
    # Nobody else's name or address is in it, nor the person's own.
    text = response.content.decode()
    for private_data in ("Ada Okafor", "ada@example.org", "m-someone"):
        assert private_data not in text


def test_feed_window_keeps_ninety_days_of_the_past(ada, now, today):
    member = member_calendar_enable(member=member_of(ada))
    hours = datetime.timedelta(hours=3)

    def ended(days_ago: int, slug: str):
        starts = local_time(today - datetime.timedelta(days=days_ago), 8)
        event = EventFactory(slug=slug, starts_at=starts, ends_at=starts + hours)
        RSVPFactory(event=event, member=member)
        return event

    ended(91, "too-old")
    kept = [ended(89, "kept"), ended(0, "this-morning"), ended(-30, "next-month")]

    assert CALENDAR_PAST.days == 90
    assert list(calendar_feed_events(member, now=now)) == kept


def test_feed_runs_two_queries_whatever_the_number_of_events(ada, django_assert_num_queries):
    member = member_calendar_enable(member=member_of(ada))
    for day in range(1, 30):
        RSVPFactory(event=event_in(day, slug=f"event-{day}"), member=member)
    client = Client()

    # the member by token, the events
    with django_assert_num_queries(2):
        response = client.get(feed_path(member))

    assert len(vevents(response)) == 29


def test_feed_is_the_same_whoever_opens_it(ada):
    """Calendar apps cannot log in: the token is the whole authority."""
    member = member_calendar_enable(member=member_of(ada))
    RSVPFactory(event=event_in(3, title="Soon"), member=member)
    other = logged_in(UserFactory(username="bo"))

    mine = [str(v["SUMMARY"]) for v in vevents(logged_in(ada).get(feed_path(member)))]
    theirs = [str(v["SUMMARY"]) for v in vevents(other.get(feed_path(member)))]

    assert mine == theirs == ["Soon"]


@pytest.mark.parametrize(
    "path",
    [
        "/me/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics",  # well formed, nobody's
        "/me/calendar/short.ics",
        "/me/calendar/%20%27%3B--.ics",
        "/me/calendar/" + "A" * 300 + ".ics",
        "/me/calendar/.ics",
    ],
)
def test_feed_of_an_unknown_token_is_not_found(ada, path):
    member_calendar_enable(member=member_of(ada))

    assert Client().get(path).status_code == 404


def test_a_feed_that_is_off_is_not_found_under_any_token(ada):
    member = member_calendar_enable(member=member_of(ada))
    path = feed_path(member)
    member_calendar_disable(member=member)

    assert Client().get(path).status_code == 404


def test_feed_only_reads(ada):
    member = member_calendar_enable(member=member_of(ada))

    response = Client().post(feed_path(member))

    assert response.status_code == 405


# --- /me/ -------------------------------------------------------------------------------------


def me_section(client) -> str:
    content = client.get("/me/").content.decode()
    start = content.index('<section class="me__section calendar-feed"')
    return content[start : content.index("</section>", start)]


def test_me_offers_to_turn_the_feed_on(ada):
    section = me_section(logged_in(ada))

    assert '<h2 id="calendar-title">Your calendar</h2>' in section
    assert (
        "Anyone with the link sees the events you are going to, with their place, but not "
        "who else is going: keep it to yourself."
    ) in section
    assert '<form method="post" action="/me/calendar/on/">' in section
    assert "Turn on my calendar feed</button>" in section
    assert "webcal://" not in section
    assert "/me/calendar/renew/" not in section


def test_me_turns_the_feed_on_and_shows_its_webcal_and_https_links(ada, settings):
    settings.COALITION_SITE_URL = "https://coalition.example.org"
    client = logged_in(ada)

    response = client.post("/me/calendar/on/", follow=True)

    assert response.redirect_chain == [("/me/#calendar-title", 302)]
    assert "Your calendar feed is on. Add its link to your calendar app." in (
        response.content.decode()
    )
    token = member_of(ada).calendar_token
    assert len(token) == 32
    section = me_section(client)
    assert (
        f'<a class="button" href="webcal://coalition.example.org/me/calendar/{token}.ics">'
    ) in section
    assert (
        f'<input id="calendar-link" type="text" '
        f'value="https://coalition.example.org/me/calendar/{token}.ics" readonly'
    ) in section
    assert '<form method="post" action="/me/calendar/renew/">' in section
    assert '<form method="post" action="/me/calendar/off/">' in section
    assert section.count('name="csrfmiddlewaretoken"') == 2
    assert "Turn on my calendar feed" not in section


def test_me_renew_makes_the_old_link_stop_working(ada):
    client = logged_in(ada)
    RSVPFactory(event=event_in(3), member=member_of(ada))
    client.post("/me/calendar/on/")
    old = feed_path(member_of(ada))
    assert Client().get(old).status_code == 200

    response = client.post("/me/calendar/renew/", follow=True)

    new = feed_path(member_of(ada))
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert "Your calendar feed has a new link; the old one no longer works." in (
        response.content.decode()
    )


def test_me_turns_the_feed_off(ada):
    client = logged_in(ada)
    client.post("/me/calendar/on/")
    old = feed_path(member_of(ada))

    response = client.post("/me/calendar/off/", follow=True)

    assert member_of(ada).calendar_token == ""
    assert Client().get(old).status_code == 404
    assert "Your calendar feed is off; its link no longer works." in response.content.decode()
    assert "Turn on my calendar feed</button>" in me_section(client)
    # On again: a new link, never the old one.
    client.post("/me/calendar/on/")
    assert feed_path(member_of(ada)) != old


@pytest.mark.parametrize("change", ["on", "renew", "off"])
def test_me_feed_changes_need_a_login_and_a_post(ada, change):
    path = f"/me/calendar/{change}/"

    anonymous = Client().post(path)
    get = logged_in(ada).get(path)

    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        f"/accounts/login/?next={path}",
    )
    assert (get.status_code, get["Location"]) == (302, "/me/")
    assert member_of(ada).calendar_token == ""


def test_me_feed_changes_need_the_csrf_token(ada):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)

    response = client.post("/me/calendar/on/")

    assert response.status_code == 403
    assert member_of(ada).calendar_token == ""


def test_me_feed_for_a_user_without_a_member_record(member_client, member_user):
    response = member_client.post("/me/calendar/on/")

    assert response.status_code == 302
    assert len(Member.objects.get(user=member_user).calendar_token) == 32


def test_my_data_says_whether_the_feed_is_on_but_not_its_link(ada):
    client = logged_in(ada)
    assert client.get("/me/data.json").json()["member"]["calendar_feed"] is False
    client.post("/me/calendar/on/")

    response = client.get("/me/data.json")

    assert response.json()["member"]["calendar_feed"] is True
    assert member_of(ada).calendar_token not in response.content.decode()
