"""A member's own data: the /me/ timeline, the JSON download and deleting the account."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import account_delete
from events.models import RSVP, Event, EventInvitation, Proposal
from events.services import EventBusy
from movements import exchange
from movements.models import Engagement, Member, Membership
from movements.services import member_erase
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    RegionFactory,
    RSVPFactory,
    UserFactory,
)
from tests.helpers import error_codes, logged_in

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC
PASSWORD = "correct horse battery staple"  # UserFactory's
User = get_user_model()


def main_of(response):
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


def timeline_of(response):
    content = response.content.decode()
    start = content.index('<section class="me__section" aria-labelledby="timeline-title">')
    return content[start : content.index("</section>", start) + len("</section>")]


def at(day: D, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def ada():
    """A member with a membership, engagements, RSVPs, an event and a decided proposal."""
    user = UserFactory(username="ada", email="ada@example.org", first_name="Ada")
    member = MemberFactory(
        key="m-ada",
        name="Ada Okafor",
        email="ada@people.example.org",
        region=RegionFactory(slug="oakland", name="Oakland"),
        visibility="public",
        user=user,
    )
    fight = MovementFactory(name="Fight for $15", slug="fight-for-15")
    gardens = MovementFactory(name="Food Justice Gardens", slug="food-justice")
    union = OrganizationFactory(name="Local 1021", slug="local-1021")
    MembershipFactory(member=member, organization=union, role="organizer", since=D(2021, 3, 1))
    EngagementFactory(
        member=member, movement=fight, organization=union, role="organizer", since=D(2021, 3, 1)
    )
    EngagementFactory(
        member=member, movement=gardens, since=D(2019, 5, 1), until=D(2020, 2, 1), source="import"
    )
    potluck = EventFactory(title="Wages Potluck", slug="wages-potluck", movements=[fight, gardens])
    RSVPFactory(
        event=potluck, member=member, guests=1, movement=fight, created_at=at(D(2026, 1, 5))
    )
    past = EventFactory(
        title="Spring Rally",
        slug="spring-rally",
        starts_at=at(D(2024, 4, 6), 17),
        ends_at=at(D(2024, 4, 6), 19),
        movements=[fight],
    )
    RSVPFactory(
        event=past,
        member=member,
        created_at=at(D(2024, 3, 1)),
        checked_in_at=at(D(2024, 4, 6), 17),
    )
    EventFactory(title="Ada's Workshop", slug="adas-workshop", kind="workshop", created_by=user)
    Proposal.objects.create(
        identity="potluck:test",
        kind="potluck",
        title="Wages meet gardens",
        status="dismissed",
        dismissed_reason="We did one last month.",
        decided_by=user,
        decided_at=at(D(2026, 2, 1)),
    )
    return user


@pytest.fixture
def bea():
    """Someone else, with data of her own and an RSVP to ada's potluck."""
    user = UserFactory(username="bea", email="bea@example.org")
    member = MemberFactory(
        key="m-bea", name="Bea Secret", email="bea@people.example.org", user=user
    )
    hidden = OrganizationFactory(name="Hidden Collective", slug="hidden")
    MembershipFactory(member=member, organization=hidden)
    EngagementFactory(member=member, movement=MovementFactory(name="Hidden Movement"))
    RSVPFactory(
        event=EventFactory(title="Hidden Gathering", slug="hidden-gathering"), member=member
    )
    RSVPFactory(event=RSVP.objects.get(event__slug="wages-potluck").event, member=member)
    Proposal.objects.create(
        identity="panel:test",
        kind="panel",
        title="Bea's panel",
        decided_by=user,
        status="accepted",
    )
    return user


# --- /me/ links and the timeline ---------------------------------------------------------


def test_me_links_to_my_data_and_account_deletion(ada):
    content = main_of(logged_in(ada).get("/me/"))

    assert (
        '<li><a href="/me/data.json" download>Download my data</a> <span class="muted">'
        "(everything stored about you, as JSON)</span></li>"
    ) in content
    assert '<li><a href="/me/delete/">Delete my account</a></li>' in content


def test_me_timeline_shows_a_hand_built_history_by_year():
    user = UserFactory(username="tim")
    member = MemberFactory(key="m-tim", name="Tim", user=user)
    garden = OrganizationFactory(name="Garden Collective", slug="garden")
    food = MovementFactory(name="Food Justice", slug="food-justice")
    wages = MovementFactory(name="Fight for $15", slug="fight-for-15")
    old = MovementFactory(name="Old Campaign", slug="old", archived_at=timezone.now())
    MembershipFactory(member=member, organization=garden, role="organizer", since=D(2019, 3, 1))
    EngagementFactory(
        member=member, movement=food, organization=garden, role="volunteer",
        since=D(2019, 3, 1), source="import",
    )  # fmt: skip
    EngagementFactory(member=member, movement=old, since=None, until=D(2018, 1, 1))
    EngagementFactory(member=member, movement=wages, since=D(2021, 6, 1), until=D(2022, 1, 31))
    starts = at(D(2024, 5, 4), 18)
    attended = EventFactory(
        title="Garden Potluck", slug="garden-potluck", starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3), movements=[food],
    )  # fmt: skip
    RSVPFactory(event=attended, member=member, checked_in_at=starts)
    RSVPFactory(event=EventFactory(title="Not Yet", movements=[food]), member=member)
    EngagementFactory(movement=food, since=D(2010, 1, 1))  # someone else's

    response = logged_in(user).get("/me/")

    assert [(group.year, len(group.entries)) for group in response.context["timeline"]] == [
        (None, 1),
        (2019, 2),
        (2021, 1),
        (2024, 1),
    ]
    # Compared as HTML: the same elements, attributes and text, whatever the indentation.
    assert parse_html(timeline_of(response)) == parse_html(EXPECTED_TIMELINE)


EXPECTED_TIMELINE = """
<section class="me__section" aria-labelledby="timeline-title">
  <h2 id="timeline-title">My engagement timeline</h2>
  <p class="muted">Organizations, movements and the events you were checked in at, oldest
  first.</p>
  <ol class="timeline">
    <li class="timeline__year">
      <h3 class="timeline__year-title">Start not recorded</h3>
      <ol class="timeline__entries">
        <li class="timeline__entry timeline__entry--engagement">
          <span class="timeline__kind">Movement</span>
          <span class="timeline__title">Old Campaign</span>
          <span class="timeline__detail">Participant</span>
          <span class="timeline__when">until <time datetime="2018-01-01">Jan 2018</time></span>
        </li>
      </ol>
    </li>
    <li class="timeline__year">
      <h3 class="timeline__year-title">2019</h3>
      <ol class="timeline__entries">
        <li class="timeline__entry timeline__entry--membership">
          <span class="timeline__kind">Organization</span>
          <span class="timeline__title">
            <a href="/organizations/garden/">Garden Collective</a></span>
          <span class="timeline__detail">Organizer</span>
          <span class="timeline__when"><time datetime="2019-03-01">Mar 2019</time> –
            <span class="timeline__ongoing">ongoing</span></span>
        </li>
        <li class="timeline__entry timeline__entry--engagement">
          <span class="timeline__kind">Movement</span>
          <span class="timeline__title"><a href="/movements/food-justice/">Food Justice</a></span>
          <span class="timeline__detail">Volunteer through Garden Collective</span>
          <span class="timeline__when"><time datetime="2019-03-01">Mar 2019</time> –
            <span class="timeline__ongoing">ongoing</span></span>
        </li>
      </ol>
    </li>
    <li class="timeline__year">
      <h3 class="timeline__year-title">2021</h3>
      <ol class="timeline__entries">
        <li class="timeline__entry timeline__entry--engagement">
          <span class="timeline__kind">Movement</span>
          <span class="timeline__title"><a href="/movements/fight-for-15/">Fight for $15</a></span>
          <span class="timeline__detail">Participant</span>
          <span class="timeline__when"><time datetime="2021-06-01">Jun 2021</time> –
            <time datetime="2022-01-31">Jan 2022</time></span>
        </li>
      </ol>
    </li>
    <li class="timeline__year">
      <h3 class="timeline__year-title">2024</h3>
      <ol class="timeline__entries">
        <li class="timeline__entry timeline__entry--event">
          <span class="timeline__kind">Event attended</span>
          <span class="timeline__title"><a href="/events/garden-potluck/">Garden Potluck</a></span>
          <span class="timeline__detail">Potluck</span>
          <span class="timeline__when"><time datetime="2024-05-04">4 May 2024</time></span>
        </li>
      </ol>
    </li>
  </ol>
</section>
"""


def test_me_timeline_is_empty_for_a_new_member(member_client):
    response = member_client.get("/me/")

    assert response.context["timeline"] == []
    assert (
        '<p class="empty">Your timeline is empty. Memberships, engagements and the events you '
        "attend will appear here as they are recorded.</p>"
    ) in timeline_of(response)


# --- /me/data.json -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/me/data.json", "/me/delete/"])
def test_my_data_and_deletion_send_anonymous_visitors_to_log_in(client, path):
    for response in [client.get(path), client.post(path, {"password": PASSWORD})]:
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"


def test_my_data_downloads_everything_about_me_as_an_attachment(ada, bea):
    member = ada.member
    potluck = RSVP.objects.get(member=member, event__slug="wages-potluck").event
    EventInvitation.objects.create(
        event=potluck,
        member=member,
        movement=potluck.movements.get(slug="fight-for-15"),
        sent_at=datetime.datetime(2026, 1, 4, 12, tzinfo=UTC),
    )
    EventInvitation.objects.create(event=potluck, member=bea.member)

    response = logged_in(ada).get("/me/data.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="coalition-my-data.json"'
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    exported_at = data.pop("exported_at")
    assert datetime.datetime.fromisoformat(exported_at) <= timezone.now()
    workshop = Event.objects.get(slug="adas-workshop")
    last_login = User.objects.get(pk=ada.pk).last_login  # set by logging in
    assert data == {
        "format": 5,
        "account": {
            "username": "ada",
            "email": "ada@example.org",
            "first_name": "Ada",
            "last_name": "",
            "date_joined": ada.date_joined.astimezone(UTC).isoformat(),
            "last_login": last_login.astimezone(UTC).isoformat(),
        },
        "member": {
            "key": "m-ada",
            "name": "Ada Okafor",
            "email": "ada@people.example.org",
            "email_verified": False,
            "verified_email": "",
            "email_verified_at": None,
            "region": "oakland",
            "visibility": "public",
            "invites": False,
            "calendar_feed": False,
            "created_at": member.created_at.astimezone(UTC).isoformat(),
        },
        "memberships": [
            {
                "organization": "local-1021",
                "organization_name": "Local 1021",
                "role": "organizer",
                "since": "2021-03-01",
                "until": None,
            }
        ],
        "engagements": [
            {
                "movement": "food-justice",
                "movement_name": "Food Justice Gardens",
                "organization": None,
                "role": "participant",
                "since": "2019-05-01",
                "until": "2020-02-01",
                "source": "import",
            },
            {
                "movement": "fight-for-15",
                "movement_name": "Fight for $15",
                "organization": "local-1021",
                "role": "organizer",
                "since": "2021-03-01",
                "until": None,
                "source": "manual",
            },
        ],
        "rsvps": [
            {
                "event": "spring-rally",
                "title": "Spring Rally",
                "starts_at": "2024-04-06T17:00:00+00:00",
                "status": "going",
                "name": "",
                "guests": 0,
                "movement": None,
                "created_at": "2024-03-01T12:00:00+00:00",
                "checked_in_at": "2024-04-06T17:00:00+00:00",
            },
            {
                "event": "wages-potluck",
                "title": "Wages Potluck",
                "starts_at": potluck.starts_at.astimezone(UTC).isoformat(),
                "status": "going",
                "name": "",
                "guests": 1,
                "movement": "fight-for-15",
                "created_at": "2026-01-05T12:00:00+00:00",
                "checked_in_at": None,
            },
        ],
        "invitations": [
            {
                "event": "wages-potluck",
                "title": "Wages Potluck",
                "movement": "fight-for-15",
                "sent_at": "2026-01-04T12:00:00+00:00",
            }
        ],
        "events_created": [
            {
                "event": "adas-workshop",
                "title": "Ada's Workshop",
                "status": "published",
                "created_at": workshop.created_at.astimezone(UTC).isoformat(),
            }
        ],
        "proposals_decided": [
            {
                "id": Proposal.objects.get(identity="potluck:test").pk,
                "title": "Wages meet gardens",
                "kind": "potluck",
                "status": "dismissed",
                "decided_at": "2026-02-01T12:00:00+00:00",
                "dismissed_reason": "We did one last month.",
            }
        ],
        "organizer_requests": [],
        "login_records": [],
    }


def test_my_data_holds_nothing_of_anyone_else(ada, bea):
    text = logged_in(ada).get("/me/data.json").content.decode()

    for secret in [
        "Bea Secret",
        "bea@",
        "m-bea",
        "Hidden Collective",
        "Hidden Movement",
        "Hidden Gathering",
        "Bea's panel",
    ]:
        assert secret not in text
    assert "Ada Okafor" in text


def test_my_data_for_a_user_without_a_member_is_their_new_private_record(
    member_client, member_user
):
    data = member_client.get("/me/data.json").json()

    assert data["member"]["key"] == f"user-{member_user.pk}"
    assert data["member"]["visibility"] == "private"
    assert (
        data["memberships"],
        data["engagements"],
        data["rsvps"],
        data["invitations"],
        data["events_created"],
        data["proposals_decided"],
    ) == ([], [], [], [], [], [])


def test_my_data_runs_a_fixed_number_of_queries(ada):
    client = logged_in(ada)
    client.get("/me/data.json")  # the session is now warm
    with CaptureQueriesContext(connection) as few:
        client.get("/me/data.json")
    member = ada.member
    for i in range(10):
        organization = OrganizationFactory(slug=f"grow-{i}")
        MembershipFactory(member=member, organization=organization)
        EngagementFactory(member=member, organization=organization)
        RSVPFactory(event=EventFactory(slug=f"grow-{i}"), member=member)

    with CaptureQueriesContext(connection) as many:
        response = client.get("/me/data.json")

    assert len(response.json()["rsvps"]) == 12
    # session, user, member, region, memberships, engagements, RSVPs, invitations, events
    # created, proposals decided, organizer requests and the three tables of login records
    assert len(many) == len(few) == 14


# --- /me/delete/ -------------------------------------------------------------------------


def test_account_delete_asks_for_the_password_and_names_what_happens(ada):
    response = logged_in(ada).get("/me/delete/")

    assert response.status_code == 200
    content = main_of(response)
    assert (
        "<li>Your 1 RSVP to upcoming events is cancelled, so people on the waitlist get your "
        "place.</li>"
    ) in content
    assert '<form method="post" action="/me/delete/"' in content
    assert 'type="password" name="password" autocomplete="current-password"' in content
    assert '<button type="submit" class="button--danger">Delete my account</button>' in content


@pytest.mark.parametrize(
    ("password", "code", "error"),
    [
        (
            "wrong password",
            "password_incorrect",
            "That is not your password. Nothing was deleted.",
        ),
        ("", "required", None),  # Django's own wording: the code and the listed field only
    ],
    ids=["wrong", "missing"],
)
def test_account_delete_with_a_wrong_password_changes_nothing(
    ada, bea, django_capture_on_commit_callbacks, password, code, error
):
    before = exchange.dumps(exchange.network_export())
    rsvps_before = list(RSVP.objects.order_by("pk").values_list("pk", "status"))

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(ada).post("/me/delete/", {"password": password})

    assert response.status_code == 400
    assert error_codes(response.context["form"].errors) == {"password": [code]}
    shown = f'<li><a href="#id_password">Your password</a>: {error or ""}'
    assert shown in main_of(response)
    assert User.objects.filter(username="ada").exists()
    assert Member.objects.get(user=ada).name == "Ada Okafor"
    assert list(RSVP.objects.order_by("pk").values_list("pk", "status")) == rsvps_before
    assert exchange.dumps(exchange.network_export()) == before
    assert mail.outbox == []
    assert logged_in(ada).get("/me/").status_code == 200


def test_account_delete_while_an_event_is_busy_says_so_and_changes_nothing(ada, bea, monkeypatch):
    def busy(**kwargs):
        raise EventBusy()

    monkeypatch.setattr("accounts.views.account_delete", busy)

    response = logged_in(ada).post("/me/delete/", {"password": PASSWORD})

    assert response.status_code == 400
    assert (
        "<li>Many people are changing RSVPs for this event right now; please try again.</li>"
        in main_of(response)
    )
    assert User.objects.filter(username="ada").exists()


def full_potluck(ada):
    """ada's potluck made full (capacity 2: ada, now without her guest, and carl), with
    dana then eve on the waitlist (eve signed up first, but joined the queue later)."""
    rsvp = RSVP.objects.get(member=ada.member, event__slug="wages-potluck")
    rsvp.guests = 0
    rsvp.save(update_fields=["guests"])
    event = rsvp.event
    event.capacity = 2
    event.save(update_fields=["capacity"])
    RSVPFactory(event=event, member=MemberFactory(key="m-carl", name="Carl"))
    for key, name, day in [("m-eve", "Eve", 12), ("m-dana", "Dana", 10)]:
        RSVPFactory(
            event=event,
            member=MemberFactory(key=key, name=name, email=f"{key}@people.example.org"),
            status="waitlisted",
            created_at=at(D(2026, 1, day)),
        )
    return event


def test_account_delete_cancels_rsvps_and_promotes_the_earliest_waitlisted(
    ada, django_capture_on_commit_callbacks
):
    event = full_potluck(ada)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(ada).post("/me/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    statuses = dict(RSVP.objects.filter(event=event).values_list("member__key", "status"))
    erased = f"erased-{Member.objects.get(key__startswith='erased-').pk}"
    assert statuses == {
        erased: "cancelled",
        "m-carl": "going",
        "m-dana": "going",  # first in the queue: ada's one place is hers
        "m-eve": "waitlisted",
    }
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["m-dana@people.example.org"], "You're in: Wages Potluck")
    ]
    # The past event keeps its attendance record, on the anonymised member.
    rally = RSVP.objects.get(event__slug="spring-rally")
    assert (rally.member.key, rally.status) == (erased, "going")
    assert rally.checked_in_at == at(D(2024, 4, 6), 17)


def test_account_delete_anonymises_me_logs_me_out_and_deletes_my_login(ada):
    member = ada.member
    client = logged_in(ada)

    response = client.post("/me/delete/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Your account is deleted. Your name and email are gone; your past engagement counts "
        "only in anonymous totals. Thank you for taking part."
    ]
    assert not User.objects.filter(pk=ada.pk).exists()
    member.refresh_from_db()
    assert (
        member.name,
        member.email,
        member.key,
        member.visibility,
        member.user,
        member.region,
    ) == ("Former member", "", f"erased-{member.pk}", "private", None, None)
    assert Engagement.objects.filter(member=member).count() == 2
    assert Membership.objects.filter(member=member).count() == 1
    # Logged out: /me/ asks to log in again.
    assert client.get("/me/")["Location"] == "/accounts/login/?next=/me/"


def test_an_erased_member_appears_nowhere(ada, bea, curator_client):
    fight = ada.member.engagements.get(movement__slug="fight-for-15").movement
    for i in range(5):  # enough people for the count to be shown to everyone
        EngagementFactory(movement=fight, member=MemberFactory(key=f"m-crowd-{i}"))
    pages = ["/movements/fight-for-15/", "/organizations/local-1021/"]
    before = {path: main_of(Client().get(path)) for path in pages}
    assert "<dd>6 people</dd>" in before["/movements/fight-for-15/"]

    account_delete(user=ada)

    for path in pages:
        assert main_of(Client().get(path)) == before[path]
    places = [
        exchange.dumps(exchange.network_export()),
        main_of(logged_in(bea).get("/me/")),
        main_of(curator_client.get("/events/wages-potluck/")),
        curator_client.get("/admin/movements/member/?q=ada").content.decode(),
    ]
    for text in places:
        for trace in ["Ada Okafor", "ada@people.example.org", "ada@example.org", "m-ada"]:
            assert trace not in text
    exported = {m["key"]: m for m in exchange.network_export()["members"]}
    erased = exported[f"erased-{ada.member.pk}"]
    assert (erased["name"], erased["email"], erased["region"]) == ("Former member", "", None)
    assert [e["movement"] for e in erased["engagements"]] == ["food-justice", "fight-for-15"]


def test_member_erase_keeps_the_history_attached(ada):
    member = ada.member
    engagements = list(member.engagements.order_by("pk").values_list("pk", "movement__slug"))

    erased = member_erase(member=member)

    assert (erased.pk, erased.name, erased.key, erased.user_id) == (
        member.pk,
        "Former member",
        f"erased-{member.pk}",
        None,
    )
    assert list(erased.engagements.order_by("pk").values_list("pk", "movement__slug")) == (
        engagements
    )
    assert User.objects.filter(pk=ada.pk).exists()  # the login is account_delete's business
