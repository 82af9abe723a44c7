"""RSVPs without an account (issue 15 a): a name and an email on the event page or the API,
the signed manage link the confirmation mail carries, "I lost my link", and the limits."""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from core import throttle
from events.manage_links import ManageLinkInvalid, manage_link_open, manage_path, manage_token
from events.models import RSVP, RSVPStatus
from events.services import rsvp_manage_link_renew, rsvp_request
from movements.models import Member
from movements.verification import is_verified
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    RSVPFactory,
    UserFactory,
    days_from_now,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    """The throttle's windows are aligned to the clock: pin it inside one window, so that
    no test straddles a window's edge."""
    monkeypatch.setattr(throttle.time, "time", lambda: 1_800_000_000.0 + 60)


@pytest.fixture
def movements():
    return [
        MovementFactory(slug="fight-for-15", name="Fight for $15"),
        MovementFactory(slug="food-justice", name="Food Justice"),
    ]


@pytest.fixture
def potluck(movements):
    return EventFactory(
        title="Wages and Gardens Potluck",
        slug="potluck",
        starts_at=days_from_now(7),
        ends_at=days_from_now(7, hour=21),
        venue="Community hall",
        address="1 Main Street, Oakland",
        capacity=3,
        movements=movements,
    )


def rsvp_by_page(client, slug="potluck", **fields):
    data = {"name": "Sam Rivera", "email": "sam@example.org", "guests": "0", **fields}
    return client.post(f"/events/{slug}/rsvp/", data, **HTMX)


def rsvp_by_api(slug="potluck", **fields):
    data = {"name": "Sam Rivera", "email": "sam@example.org", **fields}
    return APIClient().post(f"/api/events/{slug}/rsvp/", data, format="json")


def link_in(message) -> str:
    """The manage link's path in a mail."""
    [path] = re.findall(r"https?://[^/\s]+(/events/[^/\s]+/rsvp/[^/\s]+/)", message.body)
    return path


# --- taking the RSVP ----------------------------------------------------------------------


def test_a_visitor_rsvps_with_name_and_email_and_gets_the_link_by_mail(
    potluck, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = rsvp_by_page(Client(), guests="1")

    assert response.status_code == 200
    body = response.content.decode()
    assert "We sent the details of your RSVP to sam@example.org" in body
    assert body.count("We sent the details") == 1  # one message
    assert 'name="name"' not in body  # the form gave way to what happens next
    rsvp = RSVP.objects.get()
    assert (rsvp.status, rsvp.guests, rsvp.name) == ("going", 1, "Sam Rivera")
    assert (rsvp.member.name, rsvp.member.email, rsvp.member.user) == (
        "Sam Rivera",
        "sam@example.org",
        None,
    )
    assert rsvp.member.key.startswith("rsvp-")
    assert not is_verified(rsvp.member)
    assert not rsvp.member.invites  # consent to outreach is never assumed
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.subject == "You're going: Wages and Gardens Potluck"
    assert link_in(message) == manage_path(rsvp)


def test_without_htmx_the_visitor_is_sent_back_to_the_event_with_the_notice(potluck):
    response = Client().post(
        "/events/potluck/rsvp/",
        {"name": "Sam", "email": "sam@example.org", "guests": "0"},
        follow=True,
    )

    assert response.redirect_chain == [("/events/potluck/", 302)]
    assert "We sent the details of your RSVP to sam@example.org" in response.content.decode()
    assert RSVP.objects.get().status == "going"


def test_a_full_event_waitlists_and_the_mail_gives_the_position(
    potluck, django_capture_on_commit_callbacks
):
    RSVPFactory(event=potluck, guests=2)
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_by_page(Client())

    assert RSVP.objects.get(member__email="sam@example.org").status == "waitlisted"
    [message] = mail.outbox
    assert message.subject == "On the waitlist: Wages and Gardens Potluck"
    assert "on the waitlist: number 1" in message.body


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": ""}, "Enter your name."),
        ({"name": "   "}, "Enter your name."),
        ({"email": ""}, "Enter your email address: the confirmation goes there."),
        ({"email": "not-an-address"}, "Enter a valid email address, like name@example.org."),
        ({"guests": "-1"}, "Guests cannot be negative."),
        ({"guests": "3"}, "a party of 4 can never fit"),
        ({"movement": "999999"}, "Choose one of the event&#x27;s movements."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(potluck, fields, error):
    response = rsvp_by_page(Client(), **fields)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not RSVP.objects.exists()
    assert not Member.objects.exists()


def test_the_honeypot_answers_like_success_and_does_nothing(potluck):
    response = rsvp_by_page(Client(), website="http://spam.example")

    assert response.status_code == 200
    assert "We sent the details of your RSVP" in response.content.decode()
    assert not RSVP.objects.exists()
    assert not Member.objects.exists()
    assert mail.outbox == []


def test_a_closed_event_refuses_before_looking_at_the_address(potluck):
    potluck.status = "cancelled"
    potluck.save()

    response = rsvp_by_page(Client())

    assert response.status_code == 409
    assert "has been cancelled" in response.content.decode()
    assert not Member.objects.exists()


def test_a_private_event_takes_rsvps_only_with_its_key(potluck):
    potluck.visibility = "private"
    potluck.save()

    without = rsvp_by_page(Client())
    with_key = rsvp_by_page(Client(), key=potluck.link_key)

    assert without.status_code == 404
    assert with_key.status_code == 200
    assert RSVP.objects.count() == 1


# --- the same address is the same person ----------------------------------------------------


def test_the_same_email_in_any_case_is_one_person_and_one_rsvp(
    potluck, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_by_page(Client(), email="Sam@Example.org")
        rsvp_by_page(Client(), email="sam@EXAMPLE.ORG ", name="Someone Else", guests="2")

    rsvp = RSVP.objects.get()
    # The second request changed nothing: a stranger typing someone's address must not.
    assert (rsvp.guests, rsvp.name, rsvp.member.name) == (0, "Sam Rivera", "Sam Rivera")
    assert Member.objects.count() == 1
    first, second = mail.outbox
    assert first.subject == "You're going: Wages and Gardens Potluck"
    assert second.subject == "Your RSVP: Wages and Gardens Potluck"
    assert "Here is the link to your RSVP again." in second.body
    assert link_in(first) == link_in(second)


def test_a_known_member_is_reused_and_never_renamed(potluck):
    known = MemberFactory(key="m-0007", name="Samantha Rivera", email="sam@example.org")

    rsvp_by_page(Client(), name="Sam R.")

    rsvp = RSVP.objects.get()
    assert rsvp.member == known
    assert rsvp.name == "Sam R."
    known.refresh_from_db()
    assert known.name == "Samantha Rivera"


def test_an_address_shared_by_several_members_uses_the_first_by_key(potluck):
    MemberFactory(key="m-0009", email="shared@example.org")
    first = MemberFactory(key="m-0002", email="SHARED@example.org")

    rsvp_by_page(Client(), email="shared@example.org")

    assert RSVP.objects.get().member == first


def test_a_member_with_an_account_finds_the_rsvp_on_their_page(potluck):
    user = UserFactory(username="sam", email="sam@example.org")
    member = MemberFactory(user=user, email="sam@example.org")

    rsvp_by_page(Client())

    assert RSVP.objects.get().member == member
    client = Client()
    client.force_login(user)
    assert "Wages and Gardens Potluck" in client.get("/me/").content.decode()


def test_a_cancelled_rsvp_is_made_again_at_the_back_of_the_queue(potluck):
    member = MemberFactory(email="sam@example.org")
    RSVPFactory(event=potluck, member=member, status=RSVPStatus.CANCELLED, guests=2)

    rsvp_by_page(Client())

    rsvp = RSVP.objects.get()
    assert (rsvp.status, rsvp.guests, rsvp.name) == ("going", 0, "Sam Rivera")


def answer(response) -> tuple:
    """What a visitor sees, without the per-request CSRF token."""
    return response.status_code, CSRF.sub("", response.content.decode())


def test_the_page_never_tells_whether_the_email_was_known_or_already_going(potluck):
    """New address, a roster member's, an account's, one already going, one waitlisted:
    one answer."""
    RSVPFactory(event=potluck, guests=1)  # one place left
    MemberFactory(email="roster@example.org")
    MemberFactory(user=UserFactory(username="acct"), email="account@example.org")
    going = MemberFactory(email="going@example.org")
    RSVPFactory(event=potluck, member=going)

    answers = {
        email: answer(rsvp_by_page(Client(), email=email, name="Pat"))
        for email in [
            "new@example.org",
            "roster@example.org",
            "account@example.org",
            "going@example.org",
        ]
    }
    answers = {
        email: (status, body.replace(email, "EMAIL")) for email, (status, body) in answers.items()
    }

    assert len(set(answers.values())) == 1
    assert next(iter(answers.values()))[0] == 200


def test_the_api_never_tells_whether_the_email_was_known_or_already_going(potluck):
    MemberFactory(email="roster@example.org")
    going = MemberFactory(email="going@example.org")
    RSVPFactory(event=potluck, member=going)

    answers = [
        (response.status_code, response.json())
        for response in (
            rsvp_by_api(email=email)
            for email in ["new@example.org", "roster@example.org", "going@example.org"]
        )
    ]

    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 202
    assert set(answers[0][1]) == {"detail"}


# --- the API ----------------------------------------------------------------------------------


def test_the_api_takes_an_rsvp_without_an_account(potluck, movements):
    response = rsvp_by_api(guests=1, movement="food-justice")

    assert response.status_code == 202
    rsvp = RSVP.objects.get()
    assert (rsvp.status, rsvp.guests, rsvp.movement, rsvp.name) == (
        "going",
        1,
        movements[1],
        "Sam Rivera",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "sam@example.org"}, "name"),
        ({"name": "Sam"}, "email"),
        ({"name": "Sam", "email": "nope"}, "email"),
        ({"name": "Sam", "email": "sam@example.org", "guests": 99}, "guests"),
        ({"name": "Sam", "email": "sam@example.org", "movement": "elsewhere"}, "movement"),
    ],
)
def test_the_api_refuses_bad_bodies_with_400(potluck, body, field):
    response = APIClient().post("/api/events/potluck/rsvp/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not RSVP.objects.exists()


def test_the_api_refuses_a_party_that_never_fits_with_400(potluck):
    response = rsvp_by_api(guests=5)

    assert response.status_code == 400
    assert response.json() == {"detail": "This event has 3 places; a party of 6 can never fit."}


def test_the_api_answers_409_for_a_closed_event(potluck):
    potluck.status = "draft"
    potluck.save()
    assert rsvp_by_api().status_code == 404  # a draft is not there at all
    potluck.status = "cancelled"
    potluck.save()

    response = rsvp_by_api()

    assert response.status_code == 409
    assert not Member.objects.exists()


# --- throttling -------------------------------------------------------------------------------


def test_five_rsvps_an_hour_per_email_then_429(potluck, settings):
    answers = [rsvp_by_api(email="sam@example.org").status_code for _ in range(6)]

    assert answers == [202] * 5 + [429]
    refused = rsvp_by_api(email="SAM@example.org")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Another address from the same place is still welcome.
    assert rsvp_by_api(email="alex@example.org").status_code == 202


def test_thirty_rsvps_an_hour_per_ip_then_429(potluck):
    potluck.capacity = None
    potluck.save()
    answers = [rsvp_by_api(email=f"person{n}@example.org").status_code for n in range(31)]

    assert answers == [202] * 30 + [429]
    assert RSVP.objects.count() == 30


def test_the_page_form_is_throttled_too(potluck, settings):
    settings.COALITION_RSVP_PER_EMAIL_PER_HOUR = 1

    first = rsvp_by_page(Client())
    second = rsvp_by_page(Client())

    assert first.status_code == 200
    assert second.status_code == 429
    assert "Too many RSVPs from here in the last hour" in second.content.decode()


def test_behind_a_proxy_the_forwarded_address_counts(potluck, settings):
    settings.COALITION_PROXY_COUNT = 1
    settings.COALITION_RSVP_PER_IP_PER_HOUR = 1
    potluck.capacity = None
    potluck.save()

    def from_ip(ip, n):
        return APIClient().post(
            "/api/events/potluck/rsvp/",
            {"name": "A", "email": f"a{n}@example.org"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ip}",
        )

    assert [from_ip("10.0.0.1", 1).status_code, from_ip("10.0.0.2", 2).status_code] == [202, 202]
    assert from_ip("10.0.0.1", 3).status_code == 429


# --- the manage link --------------------------------------------------------------------------


@pytest.fixture
def sams_rsvp(potluck):
    return rsvp_request(event=potluck, name="Sam Rivera", email="sam@example.org")


def test_the_manage_link_shows_the_rsvp_and_verifies_the_address(sams_rsvp):
    response = Client().get(manage_path(sams_rsvp))

    assert response.status_code == 200
    body = response.content.decode()
    assert "You are going" in body
    assert "1 Main Street, Oakland" in body  # going: the address
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"  # not to other sites
    assert response["X-Robots-Tag"] == "noindex"
    sams_rsvp.member.refresh_from_db()
    assert is_verified(sams_rsvp.member)


def test_a_waitlisted_person_sees_their_place_but_not_the_address(potluck):
    RSVPFactory(event=potluck, guests=2)
    rsvp = rsvp_request(event=potluck, name="Sam", email="sam@example.org")

    body = Client().get(manage_path(rsvp)).content.decode()

    assert "You are number 1 in the queue" in body
    assert "1 Main Street" not in body


def test_guests_change_by_the_manage_link(sams_rsvp):
    path = manage_path(sams_rsvp)

    response = Client().post(path, {"action": "guests", "guests": "2"}, follow=True)

    assert response.redirect_chain == [(path, 302)]
    assert "Saved: 2 guests with you." in response.content.decode()
    sams_rsvp.refresh_from_db()
    assert sams_rsvp.guests == 2


def test_too_many_guests_by_the_manage_link_are_refused(sams_rsvp):
    RSVPFactory(event=sams_rsvp.event, guests=0)  # 2 places taken of 3

    response = Client().post(manage_path(sams_rsvp), {"action": "guests", "guests": "2"})

    assert response.status_code == 400
    assert "There is room for 1 guest with you" in response.content.decode()
    sams_rsvp.refresh_from_db()
    assert sams_rsvp.guests == 0


def test_cancelling_by_the_manage_link_promotes_the_next_person_and_mails_them(
    potluck, django_capture_on_commit_callbacks
):
    sam = rsvp_request(event=potluck, name="Sam", email="sam@example.org", guests=2)
    waiting = rsvp_request(event=potluck, name="Ana", email="ana@example.org")
    assert waiting.status == "waitlisted"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(manage_path(sam), {"action": "cancel"}, follow=True)

    assert "Your RSVP is cancelled." in response.content.decode()
    sam.refresh_from_db()
    waiting.refresh_from_db()
    assert (sam.status, waiting.status) == ("cancelled", "going")
    [promoted] = mail.outbox
    assert promoted.to == ["ana@example.org"]
    # The cancelled person can come back by the same link.
    again = Client().post(manage_path(sam), {"action": "again"}, follow=True)
    assert "You are going again." in again.content.decode()


def test_deleting_removes_the_rsvp_and_a_person_known_by_nothing_else(sams_rsvp):
    member = sams_rsvp.member

    response = Client().post(manage_path(sams_rsvp), {"action": "delete"}, follow=True)

    assert response.redirect_chain == [("/events/potluck/", 302)]
    assert "Your RSVP is deleted" in response.content.decode()
    assert not RSVP.objects.exists()
    assert not Member.objects.filter(pk=member.pk).exists()


def test_deleting_keeps_a_person_known_otherwise(potluck, movements):
    member = MemberFactory(email="sam@example.org")
    EngagementFactory(member=member, movement=movements[0])
    rsvp = rsvp_request(event=potluck, name="Sam", email="sam@example.org")

    Client().post(manage_path(rsvp), {"action": "delete"})

    assert not RSVP.objects.exists()
    assert Member.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "no-colon-here",
    ],
)
def test_a_tampered_link_is_refused_and_changes_nothing(sams_rsvp, mangle):
    path = f"/events/potluck/rsvp/{mangle(manage_token(sams_rsvp))}/"

    shown = Client().get(path)
    posted = Client().post(path, {"action": "cancel"})

    assert shown.status_code == posted.status_code == 404
    assert "This link is not valid" in shown.content.decode()
    sams_rsvp.refresh_from_db()
    assert sams_rsvp.status == "going"


def test_a_link_for_another_event_is_refused(sams_rsvp, movements):
    EventFactory(slug="other", movements=movements)
    token = manage_token(sams_rsvp)

    assert Client().get(f"/events/other/rsvp/{token}/").status_code == 404


def test_a_renewed_link_replaces_the_old_one(sams_rsvp, django_capture_on_commit_callbacks):
    old = manage_path(sams_rsvp)

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(old, {"action": "renew"}, follow=True)

    assert "A new link is on its way" in response.content.decode()
    [message] = mail.outbox
    new = link_in(message)
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_the_link_stops_working_when_the_event_has_ended(movements):
    past = EventFactory(
        slug="past",
        starts_at=days_from_now(-2),
        ends_at=days_from_now(-2, hour=21),
        movements=movements,
    )
    rsvp = RSVPFactory(event=past, member=MemberFactory(email="sam@example.org"))

    response = Client().get(manage_path(rsvp))

    assert response.status_code == 410
    assert "has ended, so its RSVP links no longer work" in response.content.decode()


def test_the_link_expires_at_the_end_whatever_the_clock(sams_rsvp):
    event = sams_rsvp.event
    token = manage_token(sams_rsvp)

    assert manage_link_open("potluck", token, now=event.ends_at - event.ends_at.resolution)
    with pytest.raises(ManageLinkInvalid) as ended:
        manage_link_open("potluck", token, now=event.ends_at)
    assert ended.value.status == 410


def test_a_link_sent_to_an_old_address_does_not_verify_the_new_one(sams_rsvp):
    path = manage_path(sams_rsvp)
    member = sams_rsvp.member
    member.email = "new@example.org"
    member.save()

    assert Client().get(path).status_code == 200
    member.refresh_from_db()
    assert not is_verified(member)


def test_renewing_revokes_links_made_before(sams_rsvp):
    old = manage_token(sams_rsvp)

    rsvp_manage_link_renew(rsvp=sams_rsvp)

    with pytest.raises(ManageLinkInvalid):
        manage_link_open("potluck", old)


@pytest.mark.parametrize("action", ["", "explode"])
def test_an_unknown_action_is_400(sams_rsvp, action):
    response = Client().post(manage_path(sams_rsvp), {"action": action})

    assert response.status_code == 400
    sams_rsvp.refresh_from_db()
    assert sams_rsvp.status == "going"


# --- "I lost my link" -------------------------------------------------------------------------


def test_lost_link_answers_the_same_and_mails_only_an_rsvp(
    sams_rsvp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post(
            "/events/potluck/rsvp/link/", {"link-email": "SAM@example.org"}, follow=True
        )
        unknown = Client().post(
            "/events/potluck/rsvp/link/", {"link-email": "nobody@example.org"}, follow=True
        )

    def seen(response, email):
        return CSRF.sub("", response.content.decode()).replace(email, "EMAIL")

    assert known.status_code == unknown.status_code == 200
    assert seen(known, "SAM@example.org") == seen(unknown, "nobody@example.org")
    assert "its link is on its way there" in known.content.decode()
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert link_in(message) == manage_path(sams_rsvp)


def test_lost_link_with_a_bad_address_is_400(potluck):
    response = Client().post("/events/potluck/rsvp/link/", {"link-email": "nope"})

    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
