"""The page cache (core/pagecache.py): anonymous visitors of home, /movements/,
/organizations/ and /events/ get stored pages; everyone else gets the view; every write
that changes a page makes its stored copy unreachable."""

import datetime

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils.csp import LazyNonce

from core.cache import events_version, network_version
from core.pagecache import HEADER, cache_public_page, cached_pages
from events.models import RSVPStatus
from events.services import (
    event_cancel,
    event_publish,
    rsvp_cancel,
    rsvp_create,
    send_due_reminders,
)
from movements.services import organization_merge
from movements.views import MovementListView
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RSVPFactory,
    UserFactory,
    days_from_now,
)
from tests.helpers import add_hosts, admin_event_form_data, run_manage

pytestmark = pytest.mark.django_db

PAGES = ["/", "/movements/", "/organizations/", "/events/"]


@pytest.fixture(autouse=True)
def exact_counts(settings):
    """People-counts exact for everyone, so that each new person shows on the page."""
    settings.COALITION_MIN_DISCLOSED_COUNT = 0


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def network():
    """A movement with an organization in it, and an event between it and another."""
    wages = MovementFactory(slug="fight-for-15", name="Fight for $15")
    food = MovementFactory(slug="food-justice", name="Food Justice")
    host = OrganizationFactory(slug="local-1021", name="Local 1021")
    ParticipationFactory(organization=host, movement=wages)
    EngagementFactory(movement=wages)
    event = EventFactory(
        slug="wages-potluck", title="Wages Potluck", movements=[wages, food], hosts=[host]
    )
    return {"wages": wages, "food": food, "host": host, "event": event}


def page(client: Client, url: str, status: int = 200, **extra) -> tuple[str, str | None]:
    """(body, X-Coalition-Cache header) of ``url``."""
    response = client.get(url, **extra)
    assert response.status_code == status
    return response.content.decode(), response.get(HEADER)


def stored(client: Client, url: str) -> str:
    """``url``'s body, after making sure it is in the page cache."""
    body, state = page(client, url)
    assert state == "miss"
    again, state = page(client, url)
    assert (again, state) == (body, "hit")
    return body


def fresh(client: Client, url: str) -> str:
    """``url``'s body, asserting the view ran (the stored copy was out of date)."""
    body, state = page(client, url)
    assert state == "miss"
    return body


# --- hits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_second_anonymous_request_is_served_with_one_query_for_the_versions(
    anonymous, network, django_assert_num_queries, url
):
    first = anonymous.get(url)
    assert first[HEADER] == "miss"

    with django_assert_num_queries(1):  # the versions, from the database (core/cache.py)
        second = anonymous.get(url)

    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_the_public_is_not_told_whether_a_page_came_from_the_cache(
    anonymous, network, settings, django_assert_num_queries
):
    """The header tells when a page last changed (issue 12 item 16): off in production,
    where COALITION_CACHE_HEADER defaults to off; the cache works the same."""
    settings.COALITION_CACHE_HEADER = False
    first = anonymous.get("/movements/")

    with django_assert_num_queries(1):
        second = anonymous.get("/movements/")

    assert HEADER not in first and HEADER not in second
    assert second.content == first.content


def test_the_cache_header_is_off_unless_debug_or_asked():
    """coalition/settings.py: off by default without DJANGO_DEBUG, on with it."""
    script = "from core.conf import app_settings; print(app_settings.CACHE_HEADER)"
    for env, expected in (
        ({"DJANGO_DEBUG": "1"}, "True"),
        ({"DJANGO_DEBUG": "1", "COALITION_CACHE_HEADER": "0"}, "False"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 50}, "False"),
        (
            {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 50, "COALITION_CACHE_HEADER": "1"},
            "True",
        ),
    ):
        result = run_manage("shell", "--no-imports", "-c", script, **env)
        assert result.stdout.strip() == expected, result.stderr


def test_another_anonymous_visitor_gets_the_stored_page(network):
    body = stored(Client(), "/movements/")

    assert page(Client(), "/movements/") == (body, "hit")


def test_head_is_served_from_the_page_a_get_stored(anonymous, network):
    anonymous.get("/events/")

    response = anonymous.head("/events/")

    assert (response.status_code, response[HEADER]) == (200, "hit")


def test_each_query_string_is_its_own_entry(anonymous, network):
    MovementFactory(slug="housing", name="Tenants Together")
    food = stored(anonymous, "/movements/?q=food")
    tenants = fresh(anonymous, "/movements/?q=tenants")

    assert "Food Justice" in food
    assert "Tenants Together" not in food
    assert "Tenants Together" in tenants
    assert "Food Justice" not in tenants
    assert page(anonymous, "/movements/?q=food") == (food, "hit")


def test_a_bad_filter_answers_400_and_is_not_stored(anonymous, network):
    assert page(anonymous, "/movements/?sector=nope", status=400)[1] == "miss"
    assert page(anonymous, "/movements/?sector=nope", status=400)[1] == "miss"
    assert page(anonymous, "/events/?from=yesterday", status=400)[1] == "miss"
    assert page(anonymous, "/events/?from=yesterday", status=400)[1] == "miss"


def test_a_hit_carries_the_security_headers_and_the_same_csp(anonymous, network):
    miss = anonymous.get("/events/")
    hit = anonymous.get("/events/")

    assert hit[HEADER] == "hit"
    assert hit["Content-Security-Policy"] == miss["Content-Security-Policy"]
    assert "nonce-" not in hit["Content-Security-Policy"]
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["X-Content-Type-Options"] == "nosniff"
    assert hit["Referrer-Policy"] == "same-origin"
    assert hit["Vary"] == miss["Vary"] == "Cookie"


def test_a_hit_sets_no_cookie(anonymous, network):
    anonymous.get("/")

    hit = anonymous.get("/")

    assert hit[HEADER] == "hit"
    assert not hit.cookies
    assert not hit.has_header("Set-Cookie")


def test_page_cache_seconds_0_turns_it_off(anonymous, network, settings):
    settings.COALITION_PAGE_CACHE_SECONDS = 0
    assert page(anonymous, "/movements/")[1] is None

    with CaptureQueriesContext(connection) as queries:
        assert page(anonymous, "/movements/")[1] is None

    assert len(queries) > 0


def test_the_disclosure_threshold_is_part_of_the_key(anonymous, network, settings):
    exact = stored(anonymous, "/movements/")
    settings.COALITION_MIN_DISCLOSED_COUNT = 5

    suppressed = fresh(anonymous, "/movements/")

    assert "1 person" in exact
    assert "fewer than 5 people" in suppressed


def test_an_htmx_request_is_not_served_from_the_cache(anonymous, network):
    anonymous.get("/events/")

    assert page(anonymous, "/events/", HTTP_HX_REQUEST="true")[1] is None


# --- who gets cached pages -----------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_a_logged_in_user_never_gets_the_anonymous_page(anonymous, member_client, network, url):
    anonymous_body = stored(anonymous, url)

    body, state = page(member_client, url)

    assert state is None
    assert "Log out" in body
    assert "Log out" not in anonymous_body


@pytest.mark.parametrize("url", PAGES)
def test_a_logged_in_users_page_is_never_stored(anonymous, member_client, network, url):
    page(member_client, url)
    page(member_client, url)

    body, state = page(anonymous, url)

    assert state == "miss"
    assert "Log out" not in body


def test_a_curator_sees_exact_counts_where_visitors_see_them_suppressed(
    anonymous, curator_client, network, settings
):
    settings.COALITION_MIN_DISCLOSED_COUNT = 5
    assert "fewer than 5 people" in stored(anonymous, "/movements/")

    body, state = page(curator_client, "/movements/")

    assert state is None
    assert "1 person" in body


def test_a_pending_flash_message_is_shown_and_not_stored(anonymous, network):
    before = stored(anonymous, "/")
    visitor = Client()
    visitor.force_login(UserFactory())

    # Logging out leaves no session, and the goodbye message in the messages cookie.
    response = visitor.post("/accounts/logout/", follow=True)
    after = visitor.get("/")

    assert response.redirect_chain == [("/", 302)]
    assert response.get(HEADER) is None
    assert "You are logged out. See you soon." in response.content.decode()
    assert (after[HEADER], after.content.decode()) == ("hit", before)
    assert "You are logged out" not in page(anonymous, "/")[0]


# --- what is stored ------------------------------------------------------------------------


def view_request():
    request = RequestFactory().get("/somewhere/")
    request._csp_nonce = LazyNonce()
    return request


def test_a_plain_function_view_is_stored():
    calls = []

    @cache_public_page(versions=("network",))
    def view(request):
        calls.append(request)
        return HttpResponse(f"call {len(calls)}")

    first, second = view(view_request()), view(view_request())

    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    assert second.content == b"call 1"
    assert len(calls) == 1


@pytest.mark.parametrize(
    "use",
    [
        pytest.param(lambda request, response: get_token(request), id="csrf-token"),
        pytest.param(lambda request, response: str(get_nonce(request)), id="csp-nonce"),
        pytest.param(lambda request, response: response.set_cookie("seen", "1"), id="cookie"),
        pytest.param(
            lambda request, response: response.headers.setdefault("Vary", "X"), id="vary"
        ),
        pytest.param(
            lambda request, response: setattr(response, "status_code", 404), id="not-found"
        ),
    ],
)
def test_a_page_tied_to_its_request_is_not_stored(use):
    calls = []

    @cache_public_page(versions=("network",))
    def view(request):
        calls.append(request)
        response = HttpResponse("tied")
        use(request, response)
        return response

    view(view_request())
    second = view(view_request())

    assert second[HEADER] == "miss"
    assert len(calls) == 2


# --- invalidation: the directory -----------------------------------------------------------


def test_a_new_engagement_shows_on_the_movement_list(anonymous, network):
    assert "1 organization · 1 person" in stored(anonymous, "/movements/")

    EngagementFactory(movement=network["wages"])

    assert "1 organization · 2 people" in fresh(anonymous, "/movements/")


def test_a_new_participation_shows_on_the_movement_and_organization_lists(anonymous, network):
    other = OrganizationFactory(slug="sunrise", name="Sunrise Bay")
    stored(anonymous, "/movements/")
    assert "In <a" not in stored(anonymous, "/organizations/").split("Sunrise Bay")[1]

    ParticipationFactory(organization=other, movement=network["wages"])

    assert "2 organizations · 1 person" in fresh(anonymous, "/movements/")
    organizations = fresh(anonymous, "/organizations/")
    assert (
        'In <a href="/movements/fight-for-15/">Fight for $15</a>'
        in (organizations.split("Sunrise Bay")[1])
    )


def test_an_edited_movement_shows_on_every_page(anonymous, network):
    for url in PAGES:
        stored(anonymous, url)
    wages = network["wages"]

    wages.name = "Fight for Fifteen"
    wages.save(update_fields=["name"])

    for url in PAGES:
        body = fresh(anonymous, url)
        assert "Fight for Fifteen" in body
        assert "Fight for $15" not in body


def test_a_removed_theme_shows_on_the_movement_list(anonymous, network):
    wages = network["wages"]
    theme = wages.themes.create(slug="wages", name="Wages")
    assert 'href="/movements/?theme=wages"' in stored(anonymous, "/movements/")

    wages.themes.remove(theme)

    assert 'href="/movements/?theme=wages"' not in fresh(anonymous, "/movements/")


def test_a_new_member_shows_in_the_home_page_count(anonymous, network):
    assert "<dd>1 person</dd>" in stored(anonymous, "/")

    MemberFactory()

    assert "<dd>2 people</dd>" in fresh(anonymous, "/")


def results_count(body: str) -> str:
    return body.split('class="results-count">')[1].split("</h2>")[0].strip()


def test_a_new_organization_shows_on_the_organization_list(anonymous, network):
    assert results_count(stored(anonymous, "/organizations/")) == "1 organization"

    OrganizationFactory(name="Sunrise Bay")

    assert results_count(fresh(anonymous, "/organizations/")) == "2 organizations"


# --- invalidation: events ------------------------------------------------------------------


def card_line(body: str, name: str) -> str:
    """The ``card__<name>`` line of the one event card on the events list."""
    return body.split(f'<p class="card__{name}">')[1].split("</p>")[0].strip()


def event_counts(body: str) -> str:
    return card_line(body, "counts")


def test_an_rsvp_shows_on_the_events_list(anonymous, network):
    member = MemberFactory()
    assert event_counts(stored(anonymous, "/events/")) == "0 going · 20 places left"

    rsvp_create(event=network["event"], member=member, guests=2)

    assert event_counts(fresh(anonymous, "/events/")) == "3 going · 17 places left"


def test_a_cancelled_rsvp_and_the_promotion_it_causes_show_on_the_events_list(anonymous, network):
    event = network["event"]
    event.capacity = 2
    event.save(update_fields=["capacity"])
    going = RSVPFactory(event=event, guests=1)
    RSVPFactory(event=event, status=RSVPStatus.WAITLISTED)
    assert event_counts(stored(anonymous, "/events/")) == (
        '2 going · <strong class="event-full">Full</strong> · 1 on the waitlist'
    )

    rsvp_cancel(rsvp=going)

    assert event_counts(fresh(anonymous, "/events/")) == "1 going · 1 place left"


def test_publishing_an_event_lists_it(anonymous, network):
    draft = EventFactory(title="Rail Strikes Conference", status="draft")
    assert "Rail Strikes Conference" not in stored(anonymous, "/events/")

    event_publish(event=draft)

    assert "Rail Strikes Conference" in fresh(anonymous, "/events/")


def test_cancelling_an_event_unlists_it(anonymous, network):
    assert "Wages Potluck" in stored(anonymous, "/events/")

    event_cancel(event=network["event"], reason="Rain.")

    assert "Wages Potluck" not in fresh(anonymous, "/events/")


def test_publish_cancel_and_edit_through_the_organizer_pages_show_on_the_list(
    anonymous, curator_client, network
):
    draft = EventFactory(
        slug="rail", title="Rail Strikes", status="draft", hosts=[network["host"]]
    )
    assert "Rail Strikes" not in stored(anonymous, "/events/")

    curator_client.post(f"/events/{draft.slug}/publish/")
    assert "Rail Strikes" in stored(anonymous, "/events/")

    event = network["event"]
    day = days_from_now(10).date().isoformat()
    curator_client.post(
        f"/events/{event.slug}/edit/",
        {
            "title": "Wages and Food Potluck",
            "kind": event.kind,
            "description": event.description,
            "movements": [network["wages"].pk, network["food"].pk],
            "hosts": [network["host"].pk],
            "starts_at": f"{day}T18:00",
            "ends_at": f"{day}T21:00",
            "venue": event.venue,
            "address": event.address,
            "region": "",
            "online_link": "",
            "capacity": "20",
            "visibility": "public",
        },
    )
    edited = stored(anonymous, "/events/")
    assert "Wages and Food Potluck" in edited

    curator_client.post("/events/rail/cancel/", {"reason": ""})
    assert "Rail Strikes" not in fresh(anonymous, "/events/")


def test_an_admin_edit_shows_on_the_events_list(anonymous, curator_client, network):
    stored(anonymous, "/events/")
    event = network["event"]

    response = curator_client.post(
        f"/admin/events/event/{event.pk}/change/",
        admin_event_form_data(event, title="Potluck for Fifteen", capacity=30),
    )

    assert response.status_code == 302
    body = fresh(anonymous, "/events/")
    assert "Potluck for Fifteen" in body
    assert event_counts(body) == "0 going · 30 places left"


def test_an_admin_cancel_action_unlists_the_event(anonymous, curator_client, network):
    stored(anonymous, "/events/")

    curator_client.post(
        "/admin/events/event/",
        {"action": "cancel", "_selected_action": [network["event"].pk]},
    )

    assert "Wages Potluck" not in fresh(anonymous, "/events/")


def test_an_events_movements_and_hosts_show_on_the_events_list(anonymous, network):
    sunrise = OrganizationFactory(slug="sunrise", name="Sunrise Bay")
    stored(anonymous, "/events/")
    event = network["event"]

    event.movements.remove(network["food"])
    assert card_line(fresh(anonymous, "/events/"), "movements") == (
        'Between <a href="/movements/fight-for-15/">Fight for $15</a>'
    )

    add_hosts(event, sunrise)
    assert card_line(fresh(anonymous, "/events/"), "hosts") == (
        'Hosted by <a href="/organizations/local-1021/">Local 1021</a>, '
        '<a href="/organizations/sunrise/">Sunrise Bay</a>'
    )


def test_a_merged_host_shows_on_the_events_list(anonymous, network):
    keep = OrganizationFactory(slug="bay-area-unions", name="Bay Area Unions")
    assert "Local 1021" in stored(anonymous, "/events/")

    organization_merge(keep=keep, duplicates=[network["host"]])

    assert card_line(fresh(anonymous, "/events/"), "hosts") == (
        'Hosted by <a href="/organizations/bay-area-unions/">Bay Area Unions</a>'
    )


def test_bulk_rsvp_writes_move_the_events_version(network, now):
    event = network["event"]
    event.starts_at = now + datetime.timedelta(hours=2)
    event.ends_at = event.starts_at + datetime.timedelta(hours=2)
    event.save(update_fields=["starts_at", "ends_at"])
    RSVPFactory(event=event)
    before = events_version()

    assert send_due_reminders(now=now) == 1

    assert events_version() > before


def test_an_rsvp_leaves_the_network_version_alone(network):
    member = MemberFactory()
    before = network_version()

    rsvp_create(event=network["event"], member=member)

    assert network_version() == before


def test_an_event_write_moves_the_events_version_again_at_commit(
    network, django_capture_on_commit_callbacks
):
    event = network["event"]
    before = events_version()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event.title = "Renamed"
        event.save(update_fields=["title"])
        during = events_version()
    for callback in callbacks:
        callback()

    assert before < during < events_version()


def test_only_the_pages_named_in_the_url_configuration_are_cached(anonymous, network):
    """coalition/urls.py puts the cache around the apps' views; other pages never get it."""
    movement = anonymous.get("/movements/fight-for-15/")
    assert movement.status_code == 200
    assert HEADER not in movement
    assert anonymous.get("/movements/")[HEADER] == "miss"
    # The wrapped callback still leads to the app's class-based view.
    assert resolve("/movements/").func.view_class is MovementListView


def test_naming_a_page_that_does_not_exist_fails_loudly():
    with pytest.raises(ImproperlyConfigured, match="No such page in movements.urls: movement_lst"):
        cached_pages("movements.urls", {"movement_list": ("network",), "movement_lst": ()})


def test_pages_live_in_their_own_cache_and_cannot_push_out_overlaps(anonymous, network):
    """Every filter combination is an entry; they fill the "pages" cache, not "default"."""
    default_before = len(caches["default"]._cache)
    for n in range(5):
        assert anonymous.get(f"/movements/?q=food{n}")[HEADER] == "miss"

    assert len(caches["pages"]._cache) == 5
    assert len(caches["default"]._cache) == default_before
