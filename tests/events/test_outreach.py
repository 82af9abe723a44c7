"""Outreach (issue 14, item 3): a public joint event, once published, invites each
opted-in member of its movements exactly once; organizers see how many per movement,
never who. And the share links per movement (item 4)."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events.models import EventInvitation, EventStatus
from events.outreach import is_joint, outreach_due, outreach_recipients
from events.services import event_host_confirm, event_outreach_send, event_publish, rsvp_create
from movements.exchange import network_import
from movements.models import Member
from movements.verification import email_mark_verified
from tests.factories import (
    EngagementFactory,
    EventFactory,
    EventHostFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    UserFactory,
    days_from_now,
)
from tests.helpers import event_form_data, logged_in

pytestmark = pytest.mark.django_db

SINCE = datetime.date(2020, 1, 1)


@pytest.fixture
def world():
    fast_food = MovementFactory(slug="fight-for-15", name="Fight for $15")
    gardens = MovementFactory(slug="food-justice", name="Food Justice")
    elsewhere = MovementFactory(slug="tenants", name="Tenants Union")
    union = OrganizationFactory(slug="fast-food-union", name="Fast Food Union")
    event = EventFactory(
        slug="potluck",
        title="Wages and Gardens Potluck",
        status=EventStatus.DRAFT,
        movements=[fast_food, gardens],
        hosts=[union],
    )
    # A confirmed host for each movement: the potluck is joint.
    collective = OrganizationFactory(slug="garden-collective", name="Garden Collective")
    EventHostFactory(event=event, organization=collective, movement=gardens, status="confirmed")
    return {
        "fast_food": fast_food,
        "gardens": gardens,
        "elsewhere": elsewhere,
        "union": union,
        "event": event,
    }


def person(key: str, *movements, invites=True, verified=True, login=True, **engagement):
    """A member engaged (ongoing, since 2020) in ``movements``: opted in, signed up and
    confirmed unless told otherwise."""
    user = UserFactory(username=key, email=f"{key}@example.org") if login else None
    member = MemberFactory(key=key, name=key.title(), email=f"{key}@example.org", user=user)
    member.invites = invites
    member.save(update_fields=["invites"])
    if verified:
        email_mark_verified(member=member, email=member.email)
    for movement in movements:
        EngagementFactory(member=member, movement=movement, since=SINCE, **engagement)
    return member


def publish(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return event_publish(event=event)


def invited(event) -> dict[str, str]:
    """``{member key: movement slug}`` of the event's invitations."""
    return dict(
        EventInvitation.objects.filter(event=event).values_list("member__key", "movement__slug")
    )


def mailed() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- who gets one ------------------------------------------------------------------------------


def test_publishing_a_public_joint_event_invites_each_opted_in_member_once(
    world, django_capture_on_commit_callbacks
):
    person("ada", world["fast_food"])
    person("bea", world["gardens"])

    publish(world["event"], django_capture_on_commit_callbacks)

    assert mailed() == ["ada@example.org", "bea@example.org"]
    assert invited(world["event"]) == {"ada": "fight-for-15", "bea": "food-justice"}
    message = next(m for m in mail.outbox if m.to == ["ada@example.org"])
    assert message.subject == "You're invited: Wages and Gardens Potluck"
    assert "http://127.0.0.1:8000/events/potluck/?via=fight-for-15" in message.body
    assert "between Fight for $15, Food Justice" in message.body
    assert "bea" not in message.body  # one person per mail, nobody else named


def test_a_second_publish_an_edit_and_another_run_send_nothing_more(
    world, django_capture_on_commit_callbacks, organizer, organization
):
    person("ada", world["fast_food"])
    event = world["event"]
    EventHostFactory(event=event, organization=organization, status="confirmed")
    publish(event, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1

    publish(event, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = event_outreach_send(event=event)
        response = logged_in(organizer).post(
            "/events/potluck/edit/",
            event_form_data(
                [world["fast_food"], world["gardens"]],
                [organization],
                title="Wages and Gardens Potluck, again",
                visibility="public",
            ),
        )

    assert response.status_code == 302
    assert again == []
    assert len(mail.outbox) == 1
    assert EventInvitation.objects.count() == 1


def test_members_who_said_no_or_have_not_confirmed_are_not_invited(
    world, django_capture_on_commit_callbacks
):
    person("ada", world["fast_food"])
    person("noel", world["fast_food"], invites=False)
    person("una", world["gardens"], verified=False)  # signed up, address not confirmed
    no_address = person("nina", world["gardens"])
    Member.objects.filter(pk=no_address.pk).update(email="")

    publish(world["event"], django_capture_on_commit_callbacks)

    assert mailed() == ["ada@example.org"]
    assert invited(world["event"]) == {"ada": "fight-for-15"}


def test_a_roster_member_imported_with_invites_true_is_invited_without_a_login(
    world, django_capture_on_commit_callbacks
):
    network_import(
        document={
            "members": [
                {
                    "key": "m-rosa",
                    "name": "Rosa",
                    "email": "rosa@example.org",
                    "invites": True,
                    "engagements": [{"movement": "food-justice", "since": "2019-05-01"}],
                },
                {
                    "key": "m-rita",
                    "name": "Rita",
                    "email": "rita@example.org",
                    "engagements": [{"movement": "food-justice", "since": "2019-05-01"}],
                },
            ]
        }
    )

    publish(world["event"], django_capture_on_commit_callbacks)

    assert mailed() == ["rosa@example.org"]


def test_only_ongoing_engagements_in_the_event_s_movements_count(
    world, django_capture_on_commit_callbacks
):
    person("ada", world["fast_food"])
    person("otto", world["elsewhere"])  # engaged elsewhere only
    person("eve", world["gardens"], until=datetime.date(2021, 6, 30))  # ended
    fay = person("fay")
    EngagementFactory(member=fay, movement=world["gardens"], since=days_from_now(400).date())

    publish(world["event"], django_capture_on_commit_callbacks)

    assert mailed() == ["ada@example.org"]


def test_someone_who_already_rsvpd_is_not_invited(world, django_capture_on_commit_callbacks):
    ada = person("ada", world["fast_food"])
    person("bea", world["gardens"])
    event = world["event"]
    event.status = EventStatus.PUBLISHED
    event.visibility = "private"
    event.save()
    rsvp_create(event=event, member=ada)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event.visibility = "public"
        event.save()
        event_outreach_send(event=event)

    assert mailed() == ["bea@example.org"]


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"visibility": "private"}, "private"),
        ({"starts_at": days_from_now(-1)}, "started"),
    ],
)
def test_private_or_started_events_invite_nobody(
    world, django_capture_on_commit_callbacks, changes, why
):
    person("ada", world["fast_food"])
    event = world["event"]
    for name, value in changes.items():
        setattr(event, name, value)
    event.ends_at = event.starts_at + datetime.timedelta(hours=3)
    event.save()

    publish(event, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert not EventInvitation.objects.exists()


def test_a_draft_or_a_cancelled_event_invites_nobody(world, django_capture_on_commit_callbacks):
    person("ada", world["fast_food"])
    event = world["event"]

    with django_capture_on_commit_callbacks(execute=True):
        draft = event_outreach_send(event=event)
        event.status = EventStatus.CANCELLED
        event.save()
        cancelled = event_outreach_send(event=event)

    assert (draft, cancelled, mail.outbox) == ([], [], [])


def test_an_event_hosted_for_one_movement_is_not_joint_and_invites_nobody(
    world, django_capture_on_commit_callbacks
):
    """Two movements are not enough: joint means confirmed hosts standing for two."""
    person("ada", world["fast_food"])
    event = world["event"]
    event.event_hosts.filter(movement=world["gardens"]).delete()

    publish(event, django_capture_on_commit_callbacks)

    assert is_joint(event) is False
    assert outreach_due(event) is False
    assert mail.outbox == []


def test_whichever_comes_last_confirming_the_co_host_or_going_public_invites(
    world, django_capture_on_commit_callbacks, organizer, organization
):
    """Published while the other side's host is only invited, and private: nobody. The
    co-host confirms (joint now, but private): nobody. Made public: everyone, once."""
    person("ada", world["fast_food"])
    person("bea", world["gardens"])
    event = world["event"]
    EventHostFactory(event=event, organization=organization, status="confirmed")
    co_host = event.event_hosts.get(movement=world["gardens"])
    co_host.status = "invited"
    co_host.save()
    event.visibility = "private"
    event.save()
    publish(event, django_capture_on_commit_callbacks)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        event_host_confirm(host=co_host, by=None)
    assert [m for m in mail.outbox if "invit" in m.subject.lower()] == []  # joint, private

    client = logged_in(organizer)
    both = [world["fast_food"], world["gardens"]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/events/potluck/edit/", event_form_data(both, [organization]))

    assert mailed() == ["ada@example.org", "bea@example.org"]


def test_confirming_the_co_host_of_a_published_public_event_invites(
    world, django_capture_on_commit_callbacks
):
    person("ada", world["fast_food"])
    person("bea", world["gardens"])
    event = world["event"]
    co_host = event.event_hosts.get(movement=world["gardens"])
    co_host.status = "invited"
    co_host.save()
    publish(event, django_capture_on_commit_callbacks)
    assert EventInvitation.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        event_host_confirm(host=co_host, by=None)

    assert sorted(invited(event)) == ["ada", "bea"]


def test_via_is_the_movement_of_the_most_recent_ongoing_engagement(
    world, django_capture_on_commit_callbacks
):
    ada = person("ada")
    EngagementFactory(member=ada, movement=world["fast_food"], since=datetime.date(2018, 1, 1))
    EngagementFactory(member=ada, movement=world["gardens"], since=datetime.date(2022, 3, 1))
    # A more recent one that ended, and one in another movement: neither counts.
    EngagementFactory(
        member=ada,
        movement=world["fast_food"],
        since=datetime.date(2023, 1, 1),
        until=datetime.date(2023, 6, 1),
    )
    EngagementFactory(member=ada, movement=world["elsewhere"], since=datetime.date(2024, 1, 1))
    bea = person("bea")
    EngagementFactory(member=bea, movement=world["gardens"], since=None)  # "before we knew"
    EngagementFactory(member=bea, movement=world["fast_food"], since=datetime.date(1990, 1, 1))

    publish(world["event"], django_capture_on_commit_callbacks)

    assert invited(world["event"]) == {"ada": "food-justice", "bea": "fight-for-15"}
    [to_ada] = [m for m in mail.outbox if m.to == ["ada@example.org"]]
    assert "/events/potluck/?via=food-justice" in to_ada.body
    assert "your RSVP counts as coming through Food Justice" in to_ada.body


def test_the_invitation_link_preselects_the_movement_it_came_through(
    world, django_capture_on_commit_callbacks
):
    ada = person("ada", world["gardens"])
    publish(world["event"], django_capture_on_commit_callbacks)
    link = re.search(r"http://127\.0\.0\.1:8000(/events/\S+)", mail.outbox[0].body).group(1)

    content = logged_in(ada.user).get(link).content.decode()

    assert f'<option value="{world["gardens"].pk}" selected>Food Justice</option>' in content


# --- the way out ---------------------------------------------------------------------------------


def test_every_invitation_carries_one_click_unsubscribe_headers_and_link(
    world, django_capture_on_commit_callbacks
):
    ada = person("ada", world["fast_food"])
    publish(world["event"], django_capture_on_commit_callbacks)
    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    url = re.fullmatch(r"<(http://127\.0\.0\.1:8000/invites/unsubscribe/\S+/)>", header).group(1)

    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"No more invitations? One click: {url}" in message.body
    parsed = message.message()
    assert parsed["List-Unsubscribe"] == header

    # What a mail program does with it (RFC 8058): POST, no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        unquote(url.removeprefix("http://127.0.0.1:8000")),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert Member.objects.get(pk=ada.pk).invites is False


def test_a_member_who_unsubscribed_is_not_invited_to_the_next_event(
    world, django_capture_on_commit_callbacks
):
    ada = person("ada", world["fast_food"])
    Member.objects.filter(pk=ada.pk).update(invites=False)

    publish(world["event"], django_capture_on_commit_callbacks)

    assert mail.outbox == []


# --- what organizers see ------------------------------------------------------------------------


@pytest.fixture
def host(world, organization, organizer):
    EventHostFactory(event=world["event"], organization=organization, status="confirmed")
    return logged_in(organizer)


def crowd(world, fast_food: int, gardens: int) -> None:
    for n in range(fast_food):
        person(f"ff-{n}", world["fast_food"])
    for n in range(gardens):
        person(f"fj-{n}", world["gardens"])


def manage_box(client, path="/events/potluck/") -> str:
    content = client.get(path).content.decode()
    start = content.find('<div class="outreach"')
    return content[start : content.find("</div>", start)] if start >= 0 else ""


def test_before_publishing_hosts_see_an_estimate_suppressed_below_the_threshold(
    world, host, curator_client
):
    crowd(world, fast_food=6, gardens=2)

    organizer_box = manage_box(host)
    curator_box = manage_box(curator_client)

    assert "Publishing will invite the people below" in organizer_box
    assert 'Through Fight for $15</span>: <span class="outreach__count">6 people' in organizer_box
    assert 'Through Food Justice</span>: <span class="outreach__count">fewer than 5 people' in (
        organizer_box
    )
    assert "8 people" not in organizer_box  # the total would give the 2 away
    assert "Publishing will invite about 8 people" in curator_box
    assert 'Food Justice</span>: <span class="outreach__count">2 people' in curator_box


def test_the_estimate_shows_its_total_when_nothing_is_withheld(world, host):
    crowd(world, fast_food=5, gardens=6)

    assert "Publishing will invite about 11 people" in manage_box(host)


def test_after_publishing_hosts_see_who_was_invited_per_movement_never_who(
    world, host, curator_client, django_capture_on_commit_callbacks
):
    crowd(world, fast_food=5, gardens=1)
    publish(world["event"], django_capture_on_commit_callbacks)

    organizer_box = manage_box(host)
    curator_box = manage_box(curator_client)

    assert "Invited, one mail each, never twice." in organizer_box
    assert 'Fight for $15</span>: <span class="outreach__count">5 people' in organizer_box
    assert 'Food Justice</span>: <span class="outreach__count">fewer than 5 people' in (
        organizer_box
    )
    assert "Invited: 6 people, one mail each" in curator_box
    assert 'Food Justice</span>: <span class="outreach__count">1 person' in curator_box
    page = host.get("/events/potluck/").content.decode()
    assert "Ff-0" not in page and "ff-0@example.org" not in page and "Fj-0" not in page


def test_a_private_or_single_movement_draft_says_it_invites_nobody(world, host):
    event = world["event"]
    event.visibility = "private"
    event.save()
    assert "Private events send no invitations." in manage_box(host)

    event.visibility = "public"
    event.save()
    event.event_hosts.filter(movement=world["gardens"]).delete()
    assert "Invitations go out once the event is joint" in manage_box(host)


def test_nobody_but_the_managers_sees_the_outreach_box(world, member_client, client):
    crowd(world, fast_food=6, gardens=6)
    world["event"].status = EventStatus.PUBLISHED
    world["event"].save()

    assert manage_box(member_client) == ""
    assert manage_box(client) == ""


def test_the_estimate_is_what_publishing_then_does(world):
    crowd(world, fast_food=3, gardens=2)
    person("bea", world["elsewhere"])

    estimate = list(outreach_recipients(world["event"]).values_list("key", flat=True))
    event_publish(event=world["event"])

    assert sorted(estimate) == sorted(invited(world["event"]))


def test_the_manager_s_page_runs_a_fixed_number_of_queries(
    world, host, django_capture_on_commit_callbacks
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert host.get("/events/potluck/").status_code == 200
        return len(captured)

    crowd(world, fast_food=1, gardens=1)
    draft_few = queries()
    crowd_more = [person(f"x-{n}", world["gardens"]) for n in range(6)]
    assert queries() == draft_few
    publish(world["event"], django_capture_on_commit_callbacks)
    published = queries()
    person("late", world["fast_food"])
    assert queries() == published
    assert len(crowd_more) == 6


# --- share links per movement ------------------------------------------------------------------


def test_hosts_see_a_share_link_per_movement(world, host):
    content = host.get("/events/potluck/").content.decode()

    for slug, name in [("fight-for-15", "Fight for $15"), ("food-justice", "Food Justice")]:
        assert f'<label for="share-{slug}">Through {name}</label>' in content
        assert f'value="http://testserver/events/potluck/?via={slug}" readonly' in content


def test_a_private_event_s_share_links_carry_its_key(world, host):
    event = world["event"]
    event.visibility = "private"
    event.save()

    content = host.get("/events/potluck/").content.decode()

    assert (
        f'value="http://testserver/events/potluck/?via=food-justice&amp;key={event.link_key}"'
    ) in content


def test_only_managers_see_share_links(world, member_client, client, curator_client):
    world["event"].status = EventStatus.PUBLISHED
    world["event"].save()

    assert "Share links by movement" not in member_client.get("/events/potluck/").content.decode()
    assert "Share links by movement" not in client.get("/events/potluck/").content.decode()
    assert "Share links by movement" in curator_client.get("/events/potluck/").content.decode()


def test_log_in_to_rsvp_keeps_the_share_link_s_movement(world, client):
    world["event"].status = EventStatus.PUBLISHED
    world["event"].save()

    content = client.get("/events/potluck/?via=food-justice").content.decode()
    unknown = client.get("/events/potluck/?via=not-a-movement").content.decode()

    assert 'href="/accounts/login/?next=/events/potluck/%3Fvia%3Dfood-justice"' in content
    assert 'href="/accounts/login/?next=/events/potluck/"' in unknown


def test_log_in_to_rsvp_keeps_via_and_key_of_a_private_event(world, client):
    event = world["event"]
    event.status = EventStatus.PUBLISHED
    event.visibility = "private"
    event.save()

    content = client.get(f"/events/potluck/?via=fight-for-15&key={event.link_key}").content
    expected = f"/events/potluck/%3Fvia%3Dfight-for-15%26key%3D{event.link_key}"

    assert f'href="/accounts/login/?next={expected}"' in content.decode()


def test_logging_in_through_the_link_lands_on_the_form_with_the_movement_chosen(world):
    world["event"].status = EventStatus.PUBLISHED
    world["event"].save()
    UserFactory(username="ada")
    client = Client()

    response = client.post(
        "/accounts/login/?next=/events/potluck/%3Fvia%3Dfood-justice",
        {"username": "ada", "password": "correct horse battery staple"},
        follow=True,
    )

    assert response.redirect_chain[-1] == ("/events/potluck/?via=food-justice", 302)
    assert (
        f'<option value="{world["gardens"].pk}" selected>Food Justice</option>'
        in response.content.decode()
    )
