"""Organizer event management: every role against every mutating URL, the event form's
validation, publish, cancel, attendees, check-in and the CSV export."""

import csv
import datetime
import io
import re
import zoneinfo

import pytest
from django.conf import settings
from django.core import mail
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import timezone

from events.models import RSVP, Event, EventMessage, EventStatus, RSVPStatus
from events.services import EventBusy
from movements.models import Engagement, EngagementSource
from tests.factories import (
    EventFactory,
    MemberFactory,
    MovementFactory,
    RegionFactory,
    RSVPFactory,
    days_from_now,
)
from tests.helpers import (
    ROLES,
    Code,
    add_hosts,
    error_codes,
    event_form_data,
    held_yesterday,
    role_client,
)
from tests.scenarios import hosted_event

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_day(days: int) -> datetime.date:
    return days_from_now(days).date()


@pytest.fixture
def world():
    return hosted_event()


def client_for(role: str, world) -> Client:
    return role_client(role, host=world["host"], other=world["other"])


def login_redirect(path: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?next={path}"


def event_data(world, **overrides) -> dict:
    """The event form for a conference between the world's two movements, hosted by the
    host."""
    return event_form_data([world["wages"], world["food"]], [world["host"]], **overrides)


def snapshot() -> list:
    """Everything a refused request must leave untouched."""
    return [
        list(Event.objects.order_by("pk").values_list("slug", "title", "status", "venue")),
        list(RSVP.objects.order_by("pk").values_list("pk", "status", "guests", "checked_in_at")),
        Engagement.objects.count(),
        EventMessage.objects.count(),
    ]


# --- every role × every mutating URL -------------------------------------------------------

MANAGERS = {"host_organizer", "curator"}

# (method, path, data, status for managers, where managers are redirected or None)
ENDPOINTS = {
    "new GET": ("get", "/events/new/", None, 200, None),
    "edit GET": ("get", "/events/wages-potluck/edit/", None, 200, None),
    "edit POST": ("post", "/events/wages-potluck/edit/", "edit", 302, "/events/wages-potluck/"),
    "publish": ("post", "/events/wages-potluck/publish/", {}, 302, "/events/wages-potluck/"),
    "cancel GET": ("get", "/events/wages-potluck/cancel/", None, 200, None),
    "cancel POST": ("post", "/events/wages-potluck/cancel/", {}, 302, "/events/wages-potluck/"),
    "attendees": ("get", "/events/wages-potluck/attendees/", None, 200, None),
    "attendees.csv": ("get", "/events/wages-potluck/attendees.csv", None, 200, None),
    "check-in": (
        "post",
        "/events/wages-potluck/attendees/{rsvp}/check-in/",
        {},
        302,
        "/events/wages-potluck/attendees/#rsvp-{rsvp}",
    ),
    "messages": ("get", "/events/wages-potluck/messages/", None, 200, None),
    "message new GET": ("get", "/events/wages-potluck/messages/new/", None, 200, None),
    "message new POST": (
        "post",
        "/events/wages-potluck/messages/new/",
        {"audience": "going", "subject": "Hello", "body": "See you there."},
        302,
        "/events/wages-potluck/messages/",
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_management_urls_by_role(world, role, endpoint):
    method, path, data, manager_status, target = ENDPOINTS[endpoint]
    rsvp = world["rsvp"].pk
    path, target = path.format(rsvp=rsvp), target and target.format(rsvp=rsvp)
    if endpoint == "publish":
        Event.objects.filter(pk=world["event"].pk).update(status=EventStatus.DRAFT)
    if data == "edit":
        data = event_data(world, title="Wages Potluck (moved)")
    client = client_for(role, world)
    before = snapshot()

    response = getattr(client, method)(path, data) if data is not None else client.get(path)

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url == login_redirect(path)
    elif role in MANAGERS or (endpoint == "new GET" and role == "other_organizer"):
        assert response.status_code == manager_status
        if target:
            assert response.url == target
        return
    elif endpoint == "publish":
        # A draft is refused exactly as an unknown slug.
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_new_event_post_by_role(world, role):
    client = client_for(role, world)
    data = event_data(
        world, hosts=[world["other"].pk if role == "other_organizer" else world["host"].pk]
    )

    response = client.post("/events/new/", data)

    if role == "anonymous":
        assert response.url == login_redirect("/events/new/")
    elif role == "member":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response.url == "/events/strikes-and-blockades/"
        return
    assert not Event.objects.filter(slug="strikes-and-blockades").exists()


@pytest.mark.parametrize("role", ROLES)
def test_rsvp_urls_by_role(world, role):
    """Any signed-in person may RSVP (and cancel their own RSVP); anonymous visitors RSVP
    with a name and an email, and log in to cancel on the page (their mail has a link)."""
    client = client_for(role, world)

    going = client.post("/events/wages-potluck/rsvp/", {"guests": "0"})
    cancel = client.post("/events/wages-potluck/rsvp/cancel/")

    if role == "anonymous":
        assert going.status_code == 400
        assert cancel.url == login_redirect("/events/wages-potluck/rsvp/cancel/")
        assert RSVP.objects.count() == 1
        return
    assert (going.status_code, going.url) == (302, "/events/wages-potluck/")
    assert (cancel.status_code, cancel.url) == (302, "/events/wages-potluck/")
    mine = RSVP.objects.get(member__user__username=role)
    assert mine.status == RSVPStatus.CANCELLED
    world["rsvp"].refresh_from_db()
    assert world["rsvp"].status == RSVPStatus.GOING


# --- creating ------------------------------------------------------------------------------


@pytest.fixture
def organization(world):
    """The organizer of tests/conftest.py organizes the host, Local 1021."""
    return world["host"]


def test_create_saves_a_draft_with_local_times(world, organizer, organizer_client):
    region = RegionFactory(slug="oakland", name="Oakland")

    response = organizer_client.post(
        "/events/new/",
        event_data(world, region=region.pk, online_link="meet.example.org/x"),
        follow=True,
    )

    event = Event.objects.get(slug="strikes-and-blockades")
    assert response.redirect_chain == [("/events/strikes-and-blockades/", 302)]
    assert event.status == EventStatus.DRAFT
    assert event.created_by == organizer
    day = local_day(10)
    assert event.starts_at == datetime.datetime.combine(day, datetime.time(18), tzinfo=LOCAL)
    assert event.ends_at == datetime.datetime.combine(day, datetime.time(21, 30), tzinfo=LOCAL)
    assert list(event.movements.order_by("slug")) == [world["wages"], world["food"]]
    assert list(event.hosts.all()) == [world["host"]]
    assert (event.capacity, event.visibility, event.region) == (40, "public", region)
    assert event.online_link == "https://meet.example.org/x"
    body = response.content.decode()
    assert "Draft saved." in body
    assert "<strong>Draft.</strong>" in body
    assert 'action="/events/strikes-and-blockades/publish/"' in body


def test_create_makes_unique_slugs_and_avoids_reserved_words(world, organizer_client):
    organizer_client.post("/events/new/", event_data(world))
    organizer_client.post("/events/new/", event_data(world))
    organizer_client.post("/events/new/", event_data(world, title="New"))
    organizer_client.post("/events/new/", event_data(world, title="★"))

    assert sorted(Event.objects.values_list("slug", flat=True)) == [
        "event",
        "new-2",
        "strikes-and-blockades",
        "strikes-and-blockades-2",
        "wages-potluck",
    ]


def test_create_takes_the_next_slug_when_one_was_taken_meanwhile(
    world, organizer_client, monkeypatch
):
    # Another event takes each slug between choosing it and saving, twice.
    chosen = iter(["wages-potluck", "wages-potluck", "strikes-and-blockades"])
    monkeypatch.setattr("events.services.unique_event_slug", lambda title: next(chosen))

    response = organizer_client.post("/events/new/", event_data(world))

    assert (response.status_code, response.url) == (302, "/events/strikes-and-blockades/")
    assert Event.objects.get(slug="strikes-and-blockades").status == EventStatus.DRAFT
    assert Event.objects.count() == 2


def test_create_gives_up_after_three_taken_slugs_and_saves_nothing(
    world, organizer_client, monkeypatch
):
    monkeypatch.setattr("events.services.unique_event_slug", lambda title: "wages-potluck")

    response = organizer_client.post("/events/new/", event_data(world))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "title": ["Could not save the event just now; please try again."]
    }
    assert list(Event.objects.values_list("slug", flat=True)) == ["wages-potluck"]


def test_create_with_no_capacity_means_no_limit(world, organizer_client):
    organizer_client.post("/events/new/", event_data(world, capacity=""))

    assert Event.objects.get(slug="strikes-and-blockades").capacity is None


def test_create_form_offers_only_the_users_organizations_as_hosts(world, organizer_client):
    response = organizer_client.get("/events/new/")

    form = response.context["form"]
    assert list(form.fields["hosts"].queryset) == [world["host"]]
    assert 'type="datetime-local"' in response.content.decode()
    assert f"Local time ({settings.TIME_ZONE})." in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "{day}T17:00"}, "ends_at", "The event must end after it starts."),
        ({"ends_at": "{day}T18:00"}, "ends_at", "The event must end after it starts."),
        ({"capacity": "0"}, "capacity", "Capacity must be at least 1, or empty for no limit."),
        ({"capacity": "-5"}, "capacity", "Capacity must be at least 1, or empty for no limit."),
        ({"movements": []}, "movements", "Choose at least one movement."),
        ({"hosts": []}, "hosts", "Choose at least one host organization."),
        ({"hosts": "{other}"}, "hosts", "You can only add organizations you organize as hosts."),
        ({"starts_at": "{past}T18:00"}, "starts_at", "The start time is in the past."),
        ({"starts_at": "tomorrow"}, "starts_at", "Enter a date and time, like 2026-05-01 18:00."),
        ({"title": ""}, "title", "Give the event a title."),
        # Django's own wording: the field and the code only.
        ({"online_link": "not a url"}, "online_link", Code("invalid")),
        ({"visibility": "secret"}, "visibility", Code("invalid_choice")),
    ],
)
def test_create_refuses_bad_input(world, organizer_client, overrides, field, message):
    values = {"day": local_day(10).isoformat(), "past": local_day(-1).isoformat()}
    resolved = {
        key: [world["other"].pk]
        if value == "{other}"
        else value.format(**values)
        if isinstance(value, str)
        else value
        for key, value in overrides.items()
    }
    before = snapshot()

    response = organizer_client.post("/events/new/", event_data(world, **resolved))

    assert response.status_code == 400
    form = response.context["form"]
    if isinstance(message, Code):
        assert error_codes(form.errors) == {field: [message]}
    else:
        assert form.errors == {field: [message]}
    assert "Please correct 1 problem" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"starts_at": "9999-12-31T18:00"}, "starts_at", "date_out_of_range"),
        ({"starts_at": "0001-01-01T18:00"}, "starts_at", "date_out_of_range"),
        ({"ends_at": "9999-12-31T18:00"}, "ends_at", "date_out_of_range"),
        # More than 10 years ahead (PRODUCT.md, "Date range").
        ({"starts_at": "{far}T18:00", "ends_at": "{far}T21:00"}, "starts_at", "too_far_ahead"),
    ],
)
def test_create_refuses_dates_out_of_range(world, organizer_client, overrides, field, code):
    far = local_day(11 * 366).isoformat()
    data = event_data(world, **{key: value.format(far=far) for key, value in overrides.items()})
    before = snapshot()

    response = organizer_client.post("/events/new/", data)

    assert response.status_code == 400
    assert error_codes(response.context["form"].errors) == {field: [code]}
    assert snapshot() == before


def test_create_takes_a_start_nine_years_ahead(world, organizer_client):
    day = local_day(9 * 365).isoformat()

    response = organizer_client.post(
        "/events/new/", event_data(world, starts_at=f"{day}T18:00", ends_at=f"{day}T21:00")
    )

    assert response.status_code == 302
    event = Event.objects.get(slug="strikes-and-blockades")
    assert timezone.localtime(event.starts_at).date().isoformat() == day


# --- editing -------------------------------------------------------------------------------


def test_edit_saves_and_mails_people_going_about_a_new_time(
    world, organizer_client, django_capture_on_commit_callbacks
):
    day = local_day(12).isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            "/events/wages-potluck/edit/",
            event_data(
                world, title="Wages Potluck", starts_at=f"{day}T17:00", ends_at=f"{day}T20:00"
            ),
            follow=True,
        )

    event = Event.objects.get(slug="wages-potluck")
    assert event.starts_at == datetime.datetime.combine(
        local_day(12), datetime.time(17), tzinfo=LOCAL
    )
    assert "Event saved. People going are told about the new time or place by mail." in (
        response.content.decode()
    )
    assert [message.to for message in mail.outbox] == [["ada@people.example.org"]]
    assert mail.outbox[0].subject == "Changed: Wages Potluck"


def test_edit_of_the_movements_mails_everyone_who_rsvpd_and_says_so(
    world, organizer_client, django_capture_on_commit_callbacks
):
    climate = MovementFactory(slug="climate-now", name="Climate Now")
    waiting = RSVPFactory(
        event=world["event"],
        member=MemberFactory(key="m-bo", email="bo@people.example.org"),
        status=RSVPStatus.WAITLISTED,
    )
    RSVPFactory(
        event=world["event"],
        member=MemberFactory(key="m-cy", email="cy@people.example.org"),
        status=RSVPStatus.CANCELLED,
    )
    event = world["event"]
    data = event_data(
        world,
        title=event.title,
        kind=event.kind,
        description=event.description,
        starts_at=timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        venue=event.venue,
        address=event.address,
        capacity=event.capacity,
        movements=[world["wages"].pk, world["food"].pk, climate.pk],
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post("/events/wages-potluck/edit/", data, follow=True)

    assert "People who RSVP&#x27;d are told about the change of movements by mail." in (
        response.content.decode()
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ada@people.example.org"], "Movements changed: Wages Potluck"),
        (["bo@people.example.org"], "Movements changed: Wages Potluck"),
    ]
    assert "Added: Climate Now.\n" in mail.outbox[0].body
    assert sorted(waiting.told_movements.values_list("slug", flat=True)) == [
        "climate-now",
        "fight-for-15",
        "food-justice",
    ]


BUSY = "Many people are changing RSVPs for this event right now; please try again."


def busy(**kwargs):
    raise EventBusy()


def test_edit_while_the_event_is_busy_says_so_and_saves_nothing(
    world, organizer_client, monkeypatch
):
    monkeypatch.setattr("events.services.event_update", busy)
    day = local_day(12).isoformat()

    response = organizer_client.post(
        "/events/wages-potluck/edit/",
        event_data(world, title="Renamed", starts_at=f"{day}T17:00", ends_at=f"{day}T20:00"),
    )

    assert response.status_code == 400
    assert f"<li>{BUSY}</li>" in response.text
    assert Event.objects.get(pk=world["event"].pk).title == "Wages Potluck"


def test_cancel_while_the_event_is_busy_says_so(world, organizer_client, monkeypatch):
    monkeypatch.setattr("events.services.event_cancel", busy)

    response = organizer_client.post("/events/wages-potluck/cancel/", {"reason": ""})

    assert response.status_code == 400
    assert f"<li>{BUSY}</li>" in response.text
    assert Event.objects.get(pk=world["event"].pk).status == EventStatus.PUBLISHED


def test_edit_form_shows_local_times(world, organizer_client):
    response = organizer_client.get("/events/wages-potluck/edit/")

    starts = timezone.localtime(world["event"].starts_at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{starts}"' in response.content.decode()


def test_edit_keeps_hosts_the_editor_does_not_organize(world, organizer_client):
    add_hosts(world["event"], world["other"])

    response = organizer_client.get("/events/wages-potluck/edit/")
    assert "Also hosting: Sunrise Bay (they stay hosts)." in response.content.decode()
    organizer_client.post("/events/wages-potluck/edit/", event_data(world, title="Wages Potluck"))

    assert list(world["event"].hosts.order_by("slug")) == [world["host"], world["other"]]


def test_edit_keeps_a_started_event_editable_without_moving_it(world, organizer_client):
    Event.objects.filter(pk=world["event"].pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    event = Event.objects.get(pk=world["event"].pk)
    starts = timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M")
    ends = timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M")

    response = organizer_client.post(
        "/events/wages-potluck/edit/",
        event_data(world, title="Renamed", starts_at=starts, ends_at=ends),
    )

    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).title == "Renamed"


def test_edit_of_a_cancelled_event_is_refused(world, organizer_client):
    Event.objects.filter(pk=world["event"].pk).update(status=EventStatus.CANCELLED)

    response = organizer_client.post(
        "/events/wages-potluck/edit/", event_data(world, title="Sneaky"), follow=True
    )

    assert response.redirect_chain == [("/events/wages-potluck/", 302)]
    assert "A cancelled event cannot be edited." in response.content.decode()
    assert Event.objects.get(pk=world["event"].pk).title == "Wages Potluck"


# --- publishing and cancelling -------------------------------------------------------------


def test_publish_opens_a_draft(world, organizer_client):
    Event.objects.filter(pk=world["event"].pk).update(status=EventStatus.DRAFT)

    response = organizer_client.post("/events/wages-potluck/publish/", follow=True)

    assert Event.objects.get(pk=world["event"].pk).status == EventStatus.PUBLISHED
    assert "“Wages Potluck” is published and open for RSVPs." in response.content.decode()
    assert organizer_client.get("/events/wages-potluck/publish/").status_code == 405


def test_publish_of_a_cancelled_event_is_refused(world, organizer_client):
    Event.objects.filter(pk=world["event"].pk).update(status=EventStatus.CANCELLED)

    response = organizer_client.post("/events/wages-potluck/publish/", follow=True)

    assert Event.objects.get(pk=world["event"].pk).status == EventStatus.CANCELLED
    assert "“Wages Potluck” was cancelled and cannot be published again." in (
        response.content.decode()
    )


def test_cancel_asks_first_then_cancels_and_mails(
    world, organizer_client, django_capture_on_commit_callbacks
):
    page = organizer_client.get("/events/wages-potluck/cancel/").content.decode()
    assert (
        "1 person who RSVP&#x27;d is told by mail." in page
        or "1 person who RSVP'd is told by mail." in page
    )
    assert '<textarea name="reason"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            "/events/wages-potluck/cancel/", {"reason": "The hall flooded."}, follow=True
        )

    assert Event.objects.get(pk=world["event"].pk).status == EventStatus.CANCELLED
    assert "<strong>Cancelled.</strong>" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["ada@people.example.org"]]
    assert "The hall flooded." in mail.outbox[0].body


def test_cancel_with_an_overlong_reason_is_refused(world, organizer_client):
    response = organizer_client.post("/events/wages-potluck/cancel/", {"reason": "x" * 1001})

    assert response.status_code == 400
    assert error_codes(response.context["form"].errors) == {"reason": ["max_length"]}
    assert Event.objects.get(pk=world["event"].pk).status == EventStatus.PUBLISHED


def test_cancel_page_of_a_cancelled_event_redirects(world, organizer_client):
    Event.objects.filter(pk=world["event"].pk).update(status=EventStatus.CANCELLED)

    response = organizer_client.get("/events/wages-potluck/cancel/", follow=True)

    assert response.redirect_chain == [("/events/wages-potluck/", 302)]
    assert "This event is already cancelled." in response.content.decode()


# --- the event page's manage box -----------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_manage_box_only_for_managers(world, role):
    body = client_for(role, world).get("/events/wages-potluck/").content.decode()

    shown = role in MANAGERS
    assert ('id="manage-title"' in body) is shown
    assert ('href="/events/wages-potluck/attendees/"' in body) is shown
    assert ('href="/events/wages-potluck/messages/"' in body) is shown


# --- attendees, check-in, CSV --------------------------------------------------------------


def test_attendee_list_shows_rsvps_in_order(world, organizer_client):
    held_yesterday(world["event"])
    later = MemberFactory(name="Bo Waiting", key="m-bo", email="bo@people.example.org")
    RSVPFactory(event=world["event"], member=later, status=RSVPStatus.WAITLISTED)
    gone = MemberFactory(name="Cy Gone", key="m-cy")
    RSVPFactory(event=world["event"], member=gone, status=RSVPStatus.CANCELLED)

    response = organizer_client.get("/events/wages-potluck/attendees/")

    assert [(r.member.name, r.status) for r in response.context["rsvps"]] == [
        ("Ada Attendee", "going"),
        ("Bo Waiting", "waitlisted"),
        ("Cy Gone", "cancelled"),
    ]
    body = response.content.decode()
    assert '<th scope="row">Ada Attendee</th>' in body
    # Organizers reach attendees through messages, never by reading their addresses.
    assert "ada@people.example.org" not in body
    assert "bo@people.example.org" not in body
    assert '<th scope="col">Email</th>' not in body
    assert body.count(">Check in<span") == 1
    assert (
        'hx-post="/events/wages-potluck/attendees/{}/check-in/"'.format(world["rsvp"].pk) in body
    )
    assert "Check-in is open until " in body


def window_line(body: str) -> str:
    return re.search(r'<p class="check-in-window" id="check-in-window">(.*?)</p>', body)[1]


def test_attendee_list_before_check_in_opens_says_when_and_has_no_buttons(world, organizer_client):
    event = world["event"]  # a week ahead
    opens = timezone.localtime(event.starts_at - datetime.timedelta(hours=1))

    body = organizer_client.get("/events/wages-potluck/attendees/").content.decode()

    assert ">Check in<span" not in body
    assert window_line(body) == (
        f'Check-in opens at <time datetime="{opens.isoformat()}">'
        f"{opens:%a} {opens.day} {opens:%b %Y}, 5:00 PM</time>."
    )


def test_attendee_list_after_check_in_closed_says_so_and_has_no_buttons(world, organizer_client):
    starts_at = days_from_now(-4)
    Event.objects.filter(pk=world["event"].pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3)
    )
    closed = timezone.localtime(starts_at + datetime.timedelta(hours=3, days=3))

    body = organizer_client.get("/events/wages-potluck/attendees/").content.decode()

    assert ">Check in<span" not in body
    assert window_line(body) == (
        f'Check-in closed at <time datetime="{closed.isoformat()}">'
        f"{closed:%a} {closed.day} {closed:%b %Y}, 9:00 PM</time>, "
        "three days after the event ended."
    )


def test_attendee_list_of_a_cancelled_event_has_no_check_in_buttons(world, organizer_client):
    held_yesterday(world["event"])
    Event.objects.filter(pk=world["event"].pk).update(status=EventStatus.CANCELLED)

    body = organizer_client.get("/events/wages-potluck/attendees/").content.decode()

    assert ">Check in<span" not in body
    assert window_line(body) == "The event is cancelled: nobody can be checked in."


def test_attendee_list_shows_emails_to_curators(world, curator_client):
    response = curator_client.get("/events/wages-potluck/attendees/")

    body = response.content.decode()
    assert '<th scope="col">Email</th>' in body
    assert 'href="mailto:ada@people.example.org"' in body


def test_check_in_by_htmx_shows_no_email_to_organizers(world, organizer_client):
    held_yesterday(world["event"])
    response = organizer_client.post(
        f"/events/wages-potluck/attendees/{world['rsvp'].pk}/check-in/", **HTMX
    )

    assert response.status_code == 200
    assert "ada@people.example.org" not in response.content.decode()


def test_check_in_records_attendance(world, organizer_client):
    held_yesterday(world["event"])
    response = organizer_client.post(
        f"/events/wages-potluck/attendees/{world['rsvp'].pk}/check-in/", follow=True
    )

    world["rsvp"].refresh_from_db()
    assert world["rsvp"].checked_in_at is not None
    assert "Ada Attendee is checked in." in response.content.decode()
    assert sorted(
        Engagement.objects.filter(source=EngagementSource.EVENT).values_list(
            "movement__slug", flat=True
        )
    ) == ["fight-for-15", "food-justice"]


def test_check_in_by_htmx_returns_the_attendee_block(world, organizer_client):
    held_yesterday(world["event"])
    response = organizer_client.post(
        f"/events/wages-potluck/attendees/{world['rsvp'].pk}/check-in/", **HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('\n<div id="attendees">')
    assert "<html" not in body
    assert "<div><dt>Checked in</dt><dd>1</dd></div>" in body
    notice = '<span class="row-notice row-notice--success" role="status">{}</span>'
    assert notice.format("Ada Attendee is checked in.") in body
    assert '<span class="checked-in">✓' in body


def test_check_in_of_a_waitlisted_rsvp_is_refused(world, organizer_client):
    held_yesterday(world["event"])
    waiting = RSVPFactory(event=world["event"], status=RSVPStatus.WAITLISTED)

    response = organizer_client.post(
        f"/events/wages-potluck/attendees/{waiting.pk}/check-in/", **HTMX
    )

    assert response.status_code == 409
    assert "only people going can be checked in." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.checked_in_at is None


@pytest.mark.parametrize("days", [7, -4], ids=["before-it-opens", "after-it-closed"])
def test_check_in_outside_the_window_is_refused_and_changes_nothing(world, organizer_client, days):
    starts_at = days_from_now(days)
    Event.objects.filter(pk=world["event"].pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3)
    )
    before = snapshot()
    path = f"/events/wages-potluck/attendees/{world['rsvp'].pk}/check-in/"

    htmx = organizer_client.post(path, **HTMX)
    plain = organizer_client.post(path, follow=True)

    expected = "opens at" if days > 0 else "three days after the event ended."
    assert htmx.status_code == 409
    assert "Check-in for “Wages Potluck” " in htmx.content.decode()
    assert expected in htmx.content.decode()
    assert ">Check in<span" not in htmx.content.decode()
    assert plain.redirect_chain[0][1] == 302
    assert expected in plain.content.decode()
    assert snapshot() == before


def test_check_in_of_another_events_rsvp_is_404(world, organizer_client):
    elsewhere = RSVPFactory(event=EventFactory(hosts=[world["host"]]))

    response = organizer_client.post(f"/events/wages-potluck/attendees/{elsewhere.pk}/check-in/")

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


def test_attendee_csv_export(world, organizer_client):
    RSVPFactory(
        event=world["event"],
        member=MemberFactory(name="=HYPERLINK(1)", key="m-x", email="x@people.example.org"),
        status=RSVPStatus.WAITLISTED,
    )
    rsvp = world["rsvp"]

    response = organizer_client.get("/events/wages-potluck/attendees.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wages-potluck-attendees.csv"'
    content = response.content.decode()
    # No email column for organizers: they reach attendees through messages.
    assert "people.example.org" not in content
    rows = list(csv.reader(io.StringIO(content)))
    assert rows == [
        ["name", "status", "guests", "movement", "rsvp_at", "checked_in_at"],
        [
            "Ada Attendee",
            "going",
            "1",
            "food-justice",
            timezone.localtime(rsvp.created_at).isoformat(timespec="seconds"),
            "",
        ],
        ["'=HYPERLINK(1)", "waitlisted", "0", "", rows[2][4], ""],
    ]


def test_attendee_csv_export_for_curators_has_emails(world, curator_client):
    RSVPFactory(
        event=world["event"],
        member=MemberFactory(name="=HYPERLINK(1)", key="m-x", email="=x@people.example.org"),
        status=RSVPStatus.WAITLISTED,
    )

    response = curator_client.get("/events/wages-potluck/attendees.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["name", "email", "status", "guests", "movement", "rsvp_at", "checked_in_at"]
    assert [row[:3] for row in rows[1:]] == [
        ["Ada Attendee", "ada@people.example.org", "going"],
        ["'=HYPERLINK(1)", "'=x@people.example.org", "waitlisted"],
    ]


# --- capacity below the places taken --------------------------------------------------------

TAKEN_6 = "6 places are already taken (people going and their guests); capacity cannot be lower."


def six_places_taken(world):
    """Ada and a guest, and two more people with a guest each: 6 places of 10."""
    for name in ("Bo", "Cy"):
        RSVPFactory(event=world["event"], member=MemberFactory(name=name), guests=1)


def test_edit_refuses_a_capacity_below_the_places_taken(world, organizer_client):
    six_places_taken(world)

    response = organizer_client.post(
        "/events/wages-potluck/edit/", event_data(world, title="Renamed", capacity="2")
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"capacity": [TAKEN_6]}
    event = Event.objects.get(pk=world["event"].pk)
    assert (event.title, event.capacity) == ("Wages Potluck", 10)


def test_edit_accepts_a_capacity_equal_to_the_places_taken(world, organizer_client):
    six_places_taken(world)

    response = organizer_client.post(
        "/events/wages-potluck/edit/", event_data(world, title="Wages Potluck", capacity="6")
    )

    assert response.status_code == 302
    assert Event.objects.get(pk=world["event"].pk).capacity == 6


def test_event_update_refuses_a_capacity_below_the_places_taken_under_the_lock(world):
    # Any other path (a form without the check, or places taken since it ran): refused.
    from django import forms

    from events.services import CapacityBelowTaken, event_update

    class CapacityOnly(forms.ModelForm):
        class Meta:
            model = Event
            fields = ["capacity"]

    six_places_taken(world)
    form = CapacityOnly({"capacity": "5"}, instance=Event.objects.get(pk=world["event"].pk))
    assert form.is_valid()

    with pytest.raises(CapacityBelowTaken, match=re.escape(TAKEN_6)):
        event_update(form=form)
    assert Event.objects.get(pk=world["event"].pk).capacity == 10
