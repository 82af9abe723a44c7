"""Public event pages: the list and its filters, the event page, RSVP by form and by htmx,
and the calendar files."""

import datetime

import icalendar
import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import RSVP, EventStatus, RSVPStatus
from events.services import rsvp_create
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    RegionFactory,
    RSVPFactory,
    UserFactory,
    days_from_now,
)
from tests.helpers import Code, add_hosts, error_codes, logged_in, make_organizer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def in_days(days: int, hour: int = 18) -> datetime.datetime:
    """``hour`` o'clock local time, ``days`` days from today (aware)."""
    return days_from_now(days, hour)


def titles(response) -> list[str]:
    return [event.title for event in response.context["events"]]


def login_url(next_path: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?next={next_path}"


@pytest.fixture
def network():
    """Two regions (Oakland inside the Bay Area), two movements, two hosts."""
    bay = RegionFactory(slug="bay-area", name="Bay Area")
    oakland = RegionFactory(slug="oakland", name="Oakland", parent=bay)
    fresno = RegionFactory(slug="fresno", name="Fresno")
    wages = MovementFactory(slug="fight-for-15", name="Fight for $15", sector="labor")
    food = MovementFactory(slug="food-justice", name="Food Justice", sector="community")
    union = OrganizationFactory(slug="local-1021", name="Local 1021")
    gardens = OrganizationFactory(slug="planting-justice", name="Planting Justice")
    return {
        "bay": bay,
        "oakland": oakland,
        "fresno": fresno,
        "wages": wages,
        "food": food,
        "union": union,
        "gardens": gardens,
    }


@pytest.fixture
def potluck(network):
    return EventFactory(
        title="Wages and Gardens Potluck",
        slug="wages-gardens-potluck",
        kind="potluck",
        starts_at=in_days(7),
        ends_at=in_days(7, hour=21),
        venue="Community hall",
        address="1 Main Street, Oakland",
        region=network["oakland"],
        capacity=3,
        movements=[network["wages"], network["food"]],
        hosts=[network["union"], network["gardens"]],
    )


@pytest.fixture
def organization(network):
    """The organizer of tests/conftest.py organizes Local 1021, a host of the potluck."""
    return network["union"]


@pytest.fixture
def signed_in():
    """A signed-in member (no organizer role) with a Member record, and their client."""
    user = UserFactory(username="sam", first_name="Sam", last_name="Rivera")
    member = MemberFactory(user=user, name="Sam Rivera", key="m-sam")
    return logged_in(user), member


# --- /events/ ------------------------------------------------------------------------------


def test_list_shows_upcoming_listed_events_soonest_first(client, network):
    EventFactory(title="Later", starts_at=in_days(20), ends_at=in_days(20, 21))
    EventFactory(title="Sooner", starts_at=in_days(2), ends_at=in_days(2, 21))
    EventFactory(title="Past", starts_at=in_days(-3), ends_at=in_days(-3, 21))
    EventFactory(title="Draft", status=EventStatus.DRAFT)
    EventFactory(title="Private", visibility="private")
    EventFactory(title="Cancelled", status=EventStatus.CANCELLED)

    response = client.get("/events/")

    assert response.status_code == 200
    assert titles(response) == ["Sooner", "Later"]
    assert response.context["paginator"].count == 2
    assert "2 events coming up" in response.content.decode()


def test_list_includes_an_event_in_progress(client):
    now = timezone.now()
    EventFactory(
        title="Now",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
    )

    assert titles(client.get("/events/")) == ["Now"]


def test_list_filters_by_kind_movement_and_region(client, network):
    EventFactory(title="Panel", kind="panel", movements=[network["wages"]])
    EventFactory(
        title="Oakland potluck",
        kind="potluck",
        region=network["oakland"],
        movements=[network["food"]],
    )
    EventFactory(
        title="Fresno potluck",
        kind="potluck",
        region=network["fresno"],
        movements=[network["food"], network["wages"]],
    )

    assert titles(client.get("/events/?kind=potluck")) == ["Oakland potluck", "Fresno potluck"]
    assert titles(client.get("/events/?movement=fight-for-15")) == ["Panel", "Fresno potluck"]
    assert titles(client.get("/events/?region=bay-area")) == ["Oakland potluck"]
    assert titles(client.get("/events/?region=oakland&kind=potluck")) == ["Oakland potluck"]


def test_list_filters_by_dates_and_shows_past_events_when_asked(client):
    EventFactory(title="Last month", starts_at=in_days(-30), ends_at=in_days(-30, 21))
    EventFactory(title="Last week", starts_at=in_days(-7), ends_at=in_days(-7, 21))
    EventFactory(title="Next week", starts_at=in_days(7), ends_at=in_days(7, 21))
    EventFactory(title="Next month", starts_at=in_days(30), ends_at=in_days(30, 21))
    day = lambda n: in_days(n).date().isoformat()  # noqa: E731

    assert titles(client.get(f"/events/?from={day(-10)}")) == [
        "Next week",
        "Next month",
        "Last week",
    ]
    assert titles(client.get(f"/events/?from={day(-40)}&to={day(-1)}")) == [
        "Last month",
        "Last week",
    ]
    assert titles(client.get(f"/events/?to={day(-7)}")) == ["Last month", "Last week"]
    assert titles(client.get(f"/events/?to={day(7)}")) == ["Next week"]
    assert titles(client.get(f"/events/?from={day(8)}")) == ["Next month"]


@pytest.mark.parametrize(
    ("query", "codes", "message"),
    [
        # Django's own wording: the field, its code and that its error is listed.
        ("kind=picnic", {"kind": ["invalid_choice"]}, None),
        ("movement=no-such", {"movement": ["invalid_choice"]}, "There is no movement “no-such”."),
        ("region=atlantis", {"region": ["invalid_choice"]}, "There is no region “atlantis”."),
        ("from=tomorrow", {"from": ["invalid"]}, "Enter a date as YYYY-MM-DD."),
        ("to=2026-13-40", {"to": ["invalid"]}, "Enter a date as YYYY-MM-DD."),
        # Dates outside 1900-01-01..2100-12-31 (PRODUCT.md, "Date range").
        ("to=9999-12-31", {"to": ["date_out_of_range"]}, None),
        ("from=0001-01-01", {"from": ["date_out_of_range"]}, None),
        ("from=1899-12-31", {"from": ["date_out_of_range"]}, None),
        ("to=2101-01-01", {"to": ["date_out_of_range"]}, None),
        (
            "from=2026-05-02&to=2026-05-01",
            {"__all__": ["date_order"]},
            "“From” must be on or before “To”.",
        ),
    ],
)
def test_list_refuses_bad_filters_with_400(client, network, query, codes, message):
    EventFactory(title="Listed")

    response = client.get(f"/events/?{query}")

    assert response.status_code == 400
    assert list(response.context["events"]) == []
    assert error_codes(response.context["filter"].form.errors) == codes
    if message:
        assert message in response.content.decode()
    else:
        field = next(iter(codes))
        assert f'<li><a href="#id_{field}">' in response.content.decode()
    assert "These filters could not be applied" in response.content.decode()


def test_list_paginates(client, settings):
    settings.COALITION_PAGE_SIZE = 2
    for n in range(5):
        EventFactory(title=f"E{n}", starts_at=in_days(n + 1), ends_at=in_days(n + 1, 21))

    assert titles(client.get("/events/?page=2")) == ["E2", "E3"]
    assert titles(client.get("/events/?page=3")) == ["E4"]
    assert client.get("/events/?page=9").status_code == 404


def test_list_links_the_feed_with_the_same_filters(client, network):
    response = client.get("/events/?kind=panel&page=1")

    assert response.context["feed_url"] == "/events/feed.ics?kind=panel"


def test_list_shows_counts_and_places_left(client, potluck):
    RSVPFactory(event=potluck, guests=1)

    body = client.get("/events/").content.decode()

    assert "2 going · 1 place left" in body


def test_list_offers_new_event_only_to_organizers(client, member_client, curator_client):
    assert client.get("/events/").context["can_create"] is False
    assert member_client.get("/events/").context["can_create"] is False
    assert curator_client.get("/events/").context["can_create"] is True
    assert 'href="/events/new/"' in curator_client.get("/events/").content.decode()


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/events/").status_code == 200
    return len(queries)


def test_list_query_count_is_fixed_whatever_the_data(client, network):
    EventFactory(movements=[network["wages"]], hosts=[network["union"]], region=network["oakland"])
    small = list_queries(client)
    for _ in range(8):
        event = EventFactory(
            movements=[network["wages"], network["food"], MovementFactory()],
            hosts=[network["union"], OrganizationFactory()],
            region=RegionFactory(),
        )
        RSVPFactory.create_batch(2, event=event)
        RSVPFactory(event=event, status=RSVPStatus.WAITLISTED)

    # the cache versions, count, the filter form's movement and region choices, page,
    # movements, hosts
    assert small == 7
    assert list_queries(client) == small


# --- /events/<slug>/ -----------------------------------------------------------------------


def test_event_page_shows_details_movements_hosts_and_counts(client, potluck):
    RSVPFactory(event=potluck, guests=1)
    RSVPFactory(event=potluck, status=RSVPStatus.CANCELLED)

    response = client.get("/events/wages-gardens-potluck/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Wages and Gardens Potluck</h1>" in body
    starts, ends = timezone.localtime(potluck.starts_at), timezone.localtime(potluck.ends_at)
    assert (
        f'<time datetime="{starts.isoformat()}">{starts:%A} {starts.day} {starts:%B %Y}, '
        f'6:00 PM</time> – <time datetime="{ends.isoformat()}">9:00 PM {ends:%Z}</time>'
    ) in body
    assert "1 Main Street, Oakland" in body
    assert 'href="/movements/fight-for-15/">Fight for $15</a>' in body
    assert 'href="/organizations/local-1021/">Local 1021</a>' in body
    assert 'href="/events/?region=oakland">Oakland</a>' in body
    assert "2 going · 1 place left" in body
    assert response.context["can_manage"] is False
    assert 'href="/events/wages-gardens-potluck.ics"' in body


def test_event_page_for_anonymous_takes_an_rsvp_with_name_and_email(client, potluck):
    """No account needed (issue 15): the form asks for a name and an email, and people with
    an account can log in instead (coming back here)."""
    body = client.get("/events/wages-gardens-potluck/").content.decode()

    assert 'action="/events/wages-gardens-potluck/rsvp/"' in body
    assert 'name="name"' in body and 'name="email"' in body
    assert f'href="{login_url("/events/wages-gardens-potluck/")}">Log in</a>' in body
    assert 'action="/events/wages-gardens-potluck/rsvp/link/"' in body


def test_event_page_offers_the_rsvp_form_without_guessing_the_movement(
    signed_in, potluck, network
):
    """The member's engagements are private: the form never preselects one of them (what
    is chosen is shown to the organizers). Only the share link's ``?via=`` does."""
    client, member = signed_in
    EngagementFactory(member=member, movement=network["food"])

    response = client.get("/events/wages-gardens-potluck/")

    form = response.context["rsvp_form"]
    assert form.fields["movement"].initial is None
    assert list(form.fields["movement"].queryset) == [network["wages"], network["food"]]
    body = response.content.decode()
    assert 'hx-post="/events/wages-gardens-potluck/rsvp/"' in body
    assert ">RSVP: I'm going</button>" in body
    assert "organizers see what you choose here." in body

    via = client.get("/events/wages-gardens-potluck/?via=fight-for-15").context["rsvp_form"]
    assert via.fields["movement"].initial == network["wages"].pk
    elsewhere = client.get("/events/wages-gardens-potluck/?via=nowhere").context["rsvp_form"]
    assert elsewhere.fields["movement"].initial is None


def test_organizer_sees_only_the_movement_a_person_chose(client, potluck, network):
    """An RSVP made without choosing a movement shows none on the attendee page and in the
    CSV, even though the person is engaged (privately) in one of the event's movements."""
    organizer = make_organizer(potluck.hosts.first(), "host")
    quiet, chose = MemberFactory(name="Quiet Person"), MemberFactory(name="Chose Wages")
    EngagementFactory(member=quiet, movement=network["food"])
    EngagementFactory(member=chose, movement=network["food"])
    rsvp_create(event=potluck, member=quiet)
    rsvp_create(event=potluck, member=chose, movement=network["wages"])
    client.force_login(organizer)

    page = client.get("/events/wages-gardens-potluck/attendees/").content.decode()
    rows = client.get("/events/wages-gardens-potluck/attendees.csv").content.decode()

    assert network["food"].name not in page.split("Quiet Person", 1)[1].split("</tr>", 1)[0]
    header, *lines = [line.split(",") for line in rows.splitlines()]
    movement = {cells[0]: cells[header.index("movement")] for cells in lines}
    assert movement == {"Quiet Person": "", "Chose Wages": "fight-for-15"}


def test_event_page_shows_cancelled_and_draft_banners(client, curator_client, network):
    EventFactory(slug="off", status=EventStatus.CANCELLED)
    EventFactory(slug="soon", status=EventStatus.DRAFT)

    body = client.get("/events/off/").content.decode()
    assert "<strong>Cancelled.</strong> This event will not take place." in body
    assert "This event is cancelled: RSVPs are closed." in body
    assert client.get("/events/soon/").status_code == 404
    draft = curator_client.get("/events/soon/").content.decode()
    assert "<strong>Draft.</strong>" in draft


def test_draft_is_visible_to_host_organizers_only(potluck, organizer_client):
    potluck.status = EventStatus.DRAFT
    potluck.save()
    other_client = logged_in(make_organizer(OrganizationFactory(), "other"))

    assert organizer_client.get("/events/wages-gardens-potluck/").status_code == 200
    assert other_client.get("/events/wages-gardens-potluck/").status_code == 404
    assert other_client.get("/events/wages-gardens-potluck.ics").status_code == 404


def test_event_page_404_for_unknown_slug(client):
    assert client.get("/events/no-such-event/").status_code == 404
    assert client.get("/events/no-such-event.ics").status_code == 404


def test_event_page_shows_per_movement_counts_suppressed(client, curator_client, potluck, network):
    potluck.capacity = None
    potluck.save()
    for _ in range(6):
        RSVPFactory(event=potluck, movement=network["wages"])
    RSVPFactory(event=potluck, movement=network["food"])
    RSVPFactory(event=potluck, movement=network["food"], status=RSVPStatus.CANCELLED)

    response = client.get("/events/wages-gardens-potluck/")

    assert response.context["movement_counts"] == [(network["wages"], 6), (network["food"], 1)]
    body = response.content.decode()
    counts = '<span class="through__name">{}</span> <span class="through__count">{}</span>'
    assert counts.format("Fight for $15", "6 people") in body
    assert counts.format("Food Justice", "fewer than 5 people") in body
    curator = curator_client.get("/events/wages-gardens-potluck/").content.decode()
    assert '<span class="through__count">1 person</span>' in curator


def test_event_page_shows_own_going_and_waitlist_status(signed_in, potluck, network):
    client, member = signed_in
    RSVPFactory(event=potluck, guests=2)
    RSVPFactory(event=potluck, status=RSVPStatus.WAITLISTED)
    RSVPFactory(event=potluck, member=member, status=RSVPStatus.WAITLISTED, guests=1)

    response = client.get("/events/wages-gardens-potluck/")

    assert response.context["waitlist_position"] == 2
    body = response.content.decode()
    assert "<strong>You are on the waitlist</strong>, number 2, with 1 guest." in body
    assert ">Leave the waitlist</button>" in body


def event_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/events/wages-gardens-potluck/").status_code == 200
    return len(queries)


def test_event_page_query_count_is_fixed_whatever_the_data(potluck, network, signed_in):
    client, member = signed_in
    RSVPFactory(event=potluck, member=member)
    anonymous = Client()
    small, small_member = event_page_queries(anonymous), event_page_queries(client)
    potluck.capacity = None
    potluck.save()
    potluck.movements.add(*MovementFactory.create_batch(3))
    add_hosts(potluck, *OrganizationFactory.create_batch(3))
    for movement in potluck.movements.all():
        RSVPFactory.create_batch(3, event=potluck, movement=movement)

    # event, movements, hosts, per-movement counts, the RSVP form's movement choices
    assert small == 5
    assert event_page_queries(anonymous) == small
    assert event_page_queries(client) == small_member


# --- RSVP ----------------------------------------------------------------------------------


def test_rsvp_by_form_redirects_with_a_message(signed_in, potluck, network):
    client, member = signed_in

    response = client.post(
        "/events/wages-gardens-potluck/rsvp/",
        {"guests": "1", "movement": network["food"].pk},
        follow=True,
    )

    assert response.redirect_chain == [("/events/wages-gardens-potluck/", 302)]
    rsvp = RSVP.objects.get(member=member)
    assert (rsvp.status, rsvp.guests, rsvp.movement) == ("going", 1, network["food"])
    body = response.content.decode()
    # One message: the RSVP block's status, no flash message saying it again.
    assert "<strong>You are going</strong> with 1 guest, through Food Justice." in body
    assert body.count("You are going") == 1


def test_rsvp_by_htmx_returns_the_block_only(signed_in, potluck):
    client, member = signed_in

    response = client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"}, **HTMX)

    assert response.status_code == 200
    # (The confirmation mail is composed in the request, and sent by the worker.)
    assert [t.name for t in response.templates if not t.name.startswith("events/email/")] == [
        "events/includes/rsvp_button.html",
        "events/includes/event_counts.html",
        # Out of band, further up and down the page.
        "events/includes/who_is_coming.html",
        "events/includes/rsvp_jump.html",
    ]
    body = response.content.decode()
    assert body.startswith('\n<section class="rsvp" id="rsvp"')
    assert "<html" not in body
    assert "<strong>You are going</strong>." in body
    assert body.count("You are going") == 1
    assert "1 going · 2 places left" in body
    assert RSVP.objects.get(member=member).status == "going"


def test_rsvp_beyond_capacity_waitlists_and_says_so(signed_in, potluck):
    client, member = signed_in
    RSVPFactory(event=potluck, guests=2)

    response = client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"}, **HTMX)

    assert RSVP.objects.get(member=member).status == "waitlisted"
    body = response.content.decode()
    assert "<strong>You are on the waitlist</strong>, number 1." in body
    assert "The event is full" not in body  # said once, by the status line


def test_rsvp_creates_a_member_for_a_user_without_one(member_client, member_user, potluck):
    member_client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"})

    assert RSVP.objects.get().member.user == member_user


def test_rsvp_twice_is_harmless(signed_in, potluck):
    client, member = signed_in
    client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"})
    client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"})

    assert RSVP.objects.filter(member=member).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"guests": "-1"}, "Guests cannot be negative."),
        ({"guests": "21"}, "Bring at most 20 guests."),
        ({"guests": "many"}, "Enter a whole number of guests."),
        ({"guests": ""}, Code("required")),  # Django's own wording: the code only
    ],
)
def test_rsvp_with_bad_input_is_refused_and_changes_nothing(signed_in, potluck, data, message):
    client, member = signed_in

    plain = client.post("/events/wages-gardens-potluck/rsvp/", data)
    htmx = client.post("/events/wages-gardens-potluck/rsvp/", data, **HTMX)

    assert plain.status_code == 400
    assert htmx.status_code == 400
    if isinstance(message, Code):
        for response in (plain, htmx):
            assert error_codes(response.context["rsvp_form"].errors) == {"guests": [message]}
            assert 'id="id_guests_error"' in response.content.decode()
    else:
        assert message in plain.content.decode()
        assert message in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
    assert RSVP.objects.count() == 0


def test_rsvp_with_a_party_that_can_never_fit_is_refused_and_changes_nothing(signed_in, potluck):
    client, _ = signed_in
    message = "This event has 3 places; a party of 4 can never fit."

    plain = client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "3"})
    htmx = client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "3"}, **HTMX)

    assert (plain.status_code, htmx.status_code) == (400, 400)
    assert message in plain.content.decode()
    assert message in htmx.content.decode()
    assert RSVP.objects.count() == 0


def test_rsvp_again_with_fewer_guests_from_the_waitlist_is_going_at_once(signed_in, potluck):
    client, member = signed_in
    RSVPFactory(event=potluck, guests=1)
    client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "1"})
    assert RSVP.objects.get(member=member).status == "waitlisted"

    response = client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"}, **HTMX)

    assert response.status_code == 200
    assert "<strong>You are going</strong>." in response.content.decode()
    assert RSVP.objects.get(member=member).status == "going"


def test_rsvp_through_a_movement_not_of_the_event_is_refused(signed_in, potluck):
    client, _ = signed_in
    elsewhere = MovementFactory()

    response = client.post(
        "/events/wages-gardens-potluck/rsvp/", {"guests": "0", "movement": elsewhere.pk}
    )

    assert response.status_code == 400
    assert "Choose one of the event&#x27;s movements." in response.content.decode()
    assert RSVP.objects.count() == 0


def test_rsvp_to_a_cancelled_event_is_refused(signed_in, potluck):
    client, _ = signed_in
    potluck.status = EventStatus.CANCELLED
    potluck.save()

    plain = client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"})
    htmx = client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"}, **HTMX)

    assert plain.status_code == 409
    assert "“Wages and Gardens Potluck” has been cancelled." in plain.content.decode()
    assert htmx.status_code == 409
    assert "“Wages and Gardens Potluck” has been cancelled." in htmx.content.decode()
    assert RSVP.objects.count() == 0


def test_rsvp_to_a_started_event_is_refused(signed_in, potluck):
    client, _ = signed_in
    potluck.starts_at = timezone.now() - datetime.timedelta(minutes=5)
    potluck.save()

    response = client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"})

    assert response.status_code == 409
    assert "has already started; RSVPs are closed." in response.content.decode()
    assert RSVP.objects.count() == 0


def test_rsvp_to_a_draft_is_404_for_members(signed_in, potluck):
    client, _ = signed_in
    potluck.status = EventStatus.DRAFT
    potluck.save()

    assert client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"}).status_code == 404
    assert RSVP.objects.count() == 0


def test_rsvp_get_is_not_allowed(signed_in, potluck):
    client, _ = signed_in
    assert client.get("/events/wages-gardens-potluck/rsvp/").status_code == 405


def test_anonymous_rsvp_without_name_or_email_is_refused_and_changes_nothing(client, potluck):
    response = client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter your name." in body
    assert "Enter your email address: the confirmation goes there." in body
    assert RSVP.objects.count() == 0


def test_anonymous_cancel_still_goes_to_log_in(client, potluck):
    response = client.post("/events/wages-gardens-potluck/rsvp/cancel/")

    assert response.status_code == 302
    assert response.url == login_url("/events/wages-gardens-potluck/rsvp/cancel/")


def test_anonymous_htmx_cancel_redirects_the_page_to_log_in(client, potluck):
    response = client.post("/events/wages-gardens-potluck/rsvp/cancel/", **HTMX)

    assert response.status_code == 401
    assert response["HX-Redirect"] == login_url("/events/wages-gardens-potluck/")


def test_cancel_rsvp_by_form_and_by_htmx(signed_in, potluck):
    client, member = signed_in
    waiting = RSVPFactory(event=potluck, guests=2)
    rsvp = RSVPFactory(event=potluck, member=member, status=RSVPStatus.WAITLISTED)

    response = client.post("/events/wages-gardens-potluck/rsvp/cancel/", follow=True)

    assert response.redirect_chain == [("/events/wages-gardens-potluck/", 302)]
    assert "You left the waitlist." in response.content.decode()
    rsvp.refresh_from_db()
    assert rsvp.status == "cancelled"

    client.post("/events/wages-gardens-potluck/rsvp/", {"guests": "0"})
    waiting.delete()
    RSVP.objects.filter(member=member).update(status=RSVPStatus.GOING)
    htmx = client.post("/events/wages-gardens-potluck/rsvp/cancel/", **HTMX)
    assert htmx.status_code == 200
    assert "Your RSVP is cancelled." in htmx.content.decode()
    assert "You cancelled your RSVP. You can RSVP again." in htmx.content.decode()
    assert RSVP.objects.get(member=member).status == "cancelled"


def test_cancel_without_an_rsvp_is_refused(signed_in, potluck):
    client, _ = signed_in

    response = client.post("/events/wages-gardens-potluck/rsvp/cancel/", **HTMX)

    assert response.status_code == 400
    assert "You have no RSVP for this event." in response.content.decode()


# --- calendar files ------------------------------------------------------------------------


def parse(response) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.content)


def test_event_ics_parses_back(client, potluck):
    response = client.get("/events/wages-gardens-potluck.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wages-gardens-potluck.ics"'
    (vevent,) = parse(response).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Wages and Gardens Potluck"
    assert vevent.decoded("DTSTART") == potluck.starts_at
    assert vevent.decoded("DTSTART").tzinfo is not None
    assert vevent.decoded("DTEND") == potluck.ends_at
    assert str(vevent["URL"]) == "http://testserver/events/wages-gardens-potluck/"
    assert str(vevent["LOCATION"]) == "Community hall, 1 Main Street, Oakland"
    assert str(vevent["UID"]) == f"event-{potluck.pk}@coalition"


def test_event_ics_is_not_swallowed_by_the_page_url(client, potluck):
    assert client.get("/events/wages-gardens-potluck.ics").resolver_match.url_name == "event_ics"
    assert client.get("/events/feed.ics").resolver_match.url_name == "event_feed"


def test_feed_lists_the_filtered_events(client, network):
    EventFactory(title="Panel", slug="panel", kind="panel")
    EventFactory(title="Potluck", slug="potluck", kind="potluck")
    EventFactory(title="Hidden", slug="hidden", visibility="private")
    EventFactory(title="Draft", slug="draft", status=EventStatus.DRAFT)

    everything = client.get("/events/feed.ics")
    panels = client.get("/events/feed.ics?kind=panel")

    assert everything["Content-Type"] == "text/calendar; charset=utf-8"
    assert everything["Content-Disposition"] == 'attachment; filename="coalition-events.ics"'
    assert sorted(str(e["SUMMARY"]) for e in parse(everything).walk("VEVENT")) == [
        "Panel",
        "Potluck",
    ]
    assert [str(e["URL"]) for e in parse(panels).walk("VEVENT")] == [
        "http://testserver/events/panel/"
    ]


def test_feed_refuses_bad_filters(client):
    response = client.get("/events/feed.ics?kind=picnic&region=atlantis")

    assert response.status_code == 400
    heading, kind, region, end = response.content.decode().split("\n")
    # The kind's message is Django's own wording: its line names the field only.
    assert (heading, region, end) == (
        "These filters could not be applied:",
        "region: There is no region “atlantis”.",
        "",
    )
    assert kind.startswith("kind: ") and kind != "kind: "


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31"])
def test_feed_refuses_dates_out_of_range(client, query):
    response = client.get(f"/events/feed.ics?{query}")

    assert response.status_code == 400
    field = query.split("=")[0]
    assert response.content.decode().split("\n")[1].startswith(f"{field}: ")


def test_filters_take_the_edges_of_the_date_range(client):
    EventFactory(title="Listed")

    assert client.get("/events/?from=1900-01-01&to=2100-12-31").status_code == 200
    assert client.get("/events/feed.ics?from=1900-01-01&to=2100-12-31").status_code == 200


def test_cancelling_without_an_rsvp_creates_no_member_record(client):
    from movements.models import Member
    from tests.factories import EventFactory, UserFactory

    event = EventFactory()
    client.force_login(UserFactory(username="no-member-yet"))

    response = client.post(f"/events/{event.slug}/rsvp/cancel/")

    assert response.status_code == 400
    assert Member.objects.count() == 0
