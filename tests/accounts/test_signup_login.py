"""Accounts that don't get in the way (issue 15 (c)): logging in with an email address or a
username, signing up with a name, an address and one password, ``next`` kept from the
event page to the confirmed account, and a new login linked to the roster member its
confirmed address stood for."""

import io
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client

from accounts.services import account_email_verify
from events.models import RSVP
from movements.models import Member
from movements.verification import is_verified, verification_token
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    RegionFactory,
    RSVPFactory,
    UserFactory,
)
from tests.helpers import error_codes, logged_in

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"  # UserFactory's
NEW_PASSWORD = "potluck between movements"
SITE = "http://127.0.0.1:8000"
WRONG = (
    "Wrong email, username or password. Check them and try again; the password is case-sensitive."
)


def log_in(client, identifier: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": identifier, "password": password, **extra})


def signed_in_as(client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def sign_up(client, capture, path="/accounts/signup/", **fields):
    data = {"name": "Ada Okafor", "email": "ada@example.org", "password": NEW_PASSWORD}
    data.update(fields)
    with capture(execute=True):
        return client.post(path, data)


def verify_links(message) -> list[str]:
    return re.findall(rf"{re.escape(SITE)}(/accounts/verify/\S+)", message.body)


def confirm(client, capture, message, **data):
    [link] = verify_links(message)
    with capture(execute=True):
        return client.post(link, data)


# --- logging in with an email address or a username ------------------------------------------


def test_the_login_form_asks_for_an_email_or_a_username(client):
    content = client.get("/accounts/login/").content.decode()

    assert '<label for="id_username">Email or username:</label>' in content
    assert 'autocomplete="username"' in content
    # Without JavaScript, a plain password field; the script adds the "show" button.
    assert re.search(r'<input type="password" name="password"[^>]*data-password-toggle', content)
    assert "Show password" not in content


@pytest.mark.parametrize(
    "typed", ["ada@example.org", "ADA@Example.ORG", "  ada@example.org  ", "Ada@EXAMPLE.org"]
)
def test_logging_in_with_the_address_in_any_case(client, typed):
    ada = UserFactory(username="ada", email="Ada@example.org")

    response = log_in(client, typed)

    assert (response.status_code, response["Location"]) == (302, "/me/")
    assert signed_in_as(client) == ada.pk


def test_logging_in_with_the_address_of_the_member_record(client):
    """The address the login's Member record has counts too (as for signing up)."""
    ada = UserFactory(username="ada", email="")
    MemberFactory(key="m-ada", user=ada, email="ada@people.example.org")

    response = log_in(client, "ada@people.example.org")

    assert response.status_code == 302
    assert signed_in_as(client) == ada.pk


def test_logging_in_with_the_username_still_works_and_follows_next(client):
    ada = UserFactory(username="ada", email="ada@example.org")

    response = log_in(client, "ada", next="/events/")

    assert (response.status_code, response["Location"]) == (302, "/events/")
    assert signed_in_as(client) == ada.pk


def test_a_username_that_looks_like_an_address_is_a_username_first(client):
    """An older login whose username is an address that is not its own: the username
    logs in, exactly as typed."""
    older = UserFactory(username="shared@example.org", email="older@example.org")

    response = log_in(client, "shared@example.org")

    assert response.status_code == 302
    assert signed_in_as(client) == older.pk


@pytest.mark.parametrize(
    ("typed", "password"),
    [
        ("ada@example.org", "wrong"),  # the right address, a wrong password
        ("nobody@example.org", PASSWORD),  # an unknown address
        ("shared@example.org", PASSWORD),  # an address two logins share
        ("ada", "wrong"),  # a username and a wrong password
        ("ADA", PASSWORD),  # usernames are case-sensitive
        ("inactive@example.org", PASSWORD),  # a login that was switched off
    ],
    ids=["wrong-password", "unknown", "shared", "username", "username-case", "inactive"],
)
def test_a_failed_login_never_says_whether_the_account_exists(client, typed, password):
    UserFactory(username="ada", email="ada@example.org")
    UserFactory(username="one", email="shared@example.org")
    UserFactory(username="two", email="Shared@example.org")
    UserFactory(username="off", email="inactive@example.org", is_active=False)

    response = log_in(client, typed, password)

    assert response.status_code == 200
    assert error_codes(response.context["form"].errors) == {"__all__": ["invalid_login"]}
    assert [str(e) for e in response.context["form"].non_field_errors()] == [WRONG]
    assert signed_in_as(client) is None


def test_an_address_shared_by_two_logins_logs_neither_in_by_email(client):
    """Older data: two logins with one address. Neither logs in by the address, whichever
    password is given; each still logs in with its username."""
    one = UserFactory(username="one", email="shared@example.org")
    UserFactory(username="two", email="shared@example.org")

    by_address = log_in(client, "shared@example.org")
    by_username = log_in(Client(), "one")

    assert by_address.status_code == 200
    assert signed_in_as(client) is None
    assert by_username.status_code == 302
    assert by_username.wsgi_request.user.pk == one.pk


def test_the_demo_logins_keep_their_usernames_and_work(client, settings):
    settings.DEBUG = True
    call_command("bootstrap_demo", stdout=io.StringIO())

    for username in ["admin", "organizer", "member"]:
        user = User.objects.get(username=username)
        client = Client()
        response = log_in(client, username, "coalition-demo")
        assert response.status_code == 302, username
        assert signed_in_as(client) == user.pk
        # … and by their address too.
        client = Client()
        log_in(client, f"{username}@example.org", "coalition-demo")
        assert signed_in_as(client) == user.pk


# --- throttling: failed logins by address count too ------------------------------------------


@pytest.fixture
def axes(settings):
    settings.AXES_ENABLED = True
    return UserFactory(username="ada", email="ada@example.org")


def test_five_failed_logins_by_address_lock_that_address_on_this_connection(axes, client):
    responses = [log_in(client, "ada@example.org", "wrong") for _ in range(4)]
    fifth = log_in(client, "ada@example.org", "wrong")
    right = log_in(client, "ada@example.org")

    assert [r.status_code for r in responses] == [200] * 4
    for response in [fifth, right]:
        assert response.status_code == 429
        assert (
            "After 5 failed attempts, logging in as “ada@example.org” from this connection "
            "is paused for 30 minutes."
        ) in response.content.decode()
    assert signed_in_as(client) is None
    assert AccessAttempt.objects.get().username == "ada@example.org"


def test_the_address_counts_the_same_whatever_its_case(axes, client):
    for typed in ["ada@example.org", "ADA@example.org", "Ada@Example.org", " ada@EXAMPLE.ORG "]:
        log_in(client, typed, "wrong")

    fifth = log_in(client, "aDa@example.org", "wrong")

    assert fifth.status_code == 429
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_an_unknown_address_is_locked_out_exactly_like_a_known_one(axes, client):
    for _ in range(5):
        last = log_in(client, "nobody@example.org", "wrong")

    assert last.status_code == 429
    assert "logging in as “nobody@example.org”" in last.content.decode()


def test_the_lockout_page_shows_what_was_typed_never_the_username(axes, client):
    for _ in range(5):
        last = log_in(client, "ada@example.org", "wrong")

    assert "“ada”" not in last.content.decode()


def test_the_count_is_per_identifier_typed_and_per_connection(axes, client):
    for _ in range(5):
        log_in(client, "ada@example.org", "wrong")

    by_username = log_in(client, "ada")
    elsewhere = log_in(Client(REMOTE_ADDR="10.0.0.9"), "ada@example.org")

    assert (by_username.status_code, by_username["Location"]) == (302, "/me/")
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, "/me/")


def test_a_login_by_address_clears_the_address_count(axes, client):
    for _ in range(4):
        log_in(client, "ada@example.org", "wrong")
    log_in(client, "Ada@example.org")
    client.post("/accounts/logout/")

    responses = [log_in(client, "ada@example.org", "wrong") for _ in range(4)]

    assert [r.status_code for r in responses] == [200] * 4
    assert AccessAttempt.objects.get().failures_since_start == 4


def test_login_records_by_address_are_in_my_data_and_deleted_with_the_account(axes, settings):
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    UserFactory(username="bea", email="bea@example.org")
    log_in(Client(REMOTE_ADDR="10.0.0.66"), "ADA@example.org", "wrong")
    log_in(Client(), "bea@example.org", "wrong")
    client = Client()
    log_in(client, "ada@example.org")

    records = client.get("/me/data.json").json()["login_records"]
    response = client.post("/me/delete/", {"password": PASSWORD})

    assert [(r["success"], r["ip_address"]) for r in records] == [
        (False, "10.0.0.66"),  # the count
        (False, "10.0.0.66"),  # the log
        (True, "127.0.0.1"),
    ]
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="ada@example.org").exists()
    assert not AccessFailureLog.objects.filter(username="ada@example.org").exists()
    assert not AccessLog.objects.filter(username="ada").exists()
    assert AccessAttempt.objects.filter(username="bea@example.org").count() == 1


def test_asking_for_the_password_again_counts_with_logins_by_address(settings, client):
    """A login whose username is its address (as sign-up makes it): wrong passwords on
    /me/delete/ and failed logins by the address, in any case, share one count."""
    settings.AXES_ENABLED = True
    ada = UserFactory(username="Ada@example.org", email="Ada@example.org")
    signed_in = Client()
    log_in(signed_in, "Ada@example.org")
    for _ in range(3):
        log_in(client, "ada@example.org", "wrong")

    signed_in.post("/me/delete/", {"password": "wrong"})
    fifth = signed_in.post("/me/delete/", {"password": "wrong"})

    assert fifth.status_code == 429
    assert User.objects.filter(pk=ada.pk).exists()


# --- signing up ---------------------------------------------------------------------------------


def test_signup_asks_for_a_name_an_address_and_one_password(client):
    response = client.get("/accounts/signup/")

    form = response.context["form"]
    assert [f.name for f in form.visible_fields()] == ["name", "email", "password", "invites"]
    content = response.content.decode()
    assert (
        '<input type="password" name="password" data-password-toggle="" '
        'autocomplete="new-password" required aria-describedby="id_password_helptext" '
        'id="id_password">'
    ) in content
    assert "Show password" not in content  # the script adds the button
    help_text = form["password"].help_text
    assert help_text == "At least 8 characters; not a common password, nor your email or name."
    assert "<ul" not in content[content.index('id="id_password_helptext"') :][:300]


def test_the_password_help_follows_the_validators_in_force(client, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        }
    ]

    form = client.get("/accounts/signup/").context["form"]
    response = client.post(
        "/accounts/signup/", {"name": "Ada", "email": "ada@example.org", "password": "eleven chr"}
    )

    assert form["password"].help_text.startswith("At least 12 characters;")
    assert list(response.context["form"].errors["password"]) == [
        "Too short: use at least 12 characters."
    ]


def test_signup_makes_the_address_the_username(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, email="Ada.Okafor@Example.ORG")

    assert response.status_code == 302
    user = User.objects.get()
    assert (user.username, user.email) == ("Ada.Okafor@example.org", "Ada.Okafor@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert Member.objects.get(user=user).name == "Ada Okafor"


def test_signup_beside_an_older_login_holding_the_address_as_username(
    client, django_capture_on_commit_callbacks
):
    """An older login chose the address as its username but has another address: the new
    login gets a free variant, which is no one's address."""
    UserFactory(username="ada@example.org", email="someone.else@example.org")

    sign_up(client, django_capture_on_commit_callbacks)

    user = User.objects.get(email="ada@example.org")
    assert user.username == "ada@example.org+2"
    [message] = mail.outbox
    assert message.subject == "Confirm your email address for Coalition"


def test_a_known_address_answers_the_same_and_its_mail_keeps_next(
    client, django_capture_on_commit_callbacks
):
    UserFactory(username="first", email="ada@example.org")

    response = sign_up(
        client, django_capture_on_commit_callbacks, path="/accounts/signup/?next=/events/"
    )

    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/signup/sent/?next=%2Fevents%2F",
    )
    [message] = mail.outbox
    assert message.subject == "Someone tried to use your address on Coalition"
    assert (
        f"Log in here with this address or your username: {SITE}/accounts/login/"
        "?next=%2Fevents%2F\n"
    ) in message.body


# --- next, from the event page to the confirmed account -------------------------------------


def test_next_travels_from_the_login_page_through_signup_to_the_confirmed_account(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(slug="wages-potluck")
    back = f"/events/{event.slug}/"

    login = client.get(f"/accounts/login/?next={back}").content.decode()
    # The "New here? Sign up" link, and the one in the navigation.
    [nav_link, signup_link] = re.findall(r'<a href="(/accounts/signup/[^"]*)"', login)
    signup = client.get(signup_link)
    sent = sign_up(client, django_capture_on_commit_callbacks, path=signup_link, next=back)
    sent_page = client.get(sent["Location"]).content.decode()
    [message] = mail.outbox
    [link] = verify_links(message)
    confirmed = client.post(link, {"next": back})

    assert signup_link == nav_link == "/accounts/signup/?next=/events/wages-potluck/"
    content = signup.content.decode()
    assert '<input type="hidden" name="next" value="/events/wages-potluck/" id="id_next">' in (
        content
    )
    assert '<a href="/accounts/login/?next=/events/wages-potluck/">Log in</a>' in content
    assert sent["Location"] == "/accounts/signup/sent/?next=%2Fevents%2Fwages-potluck%2F"
    assert '<a href="/accounts/login/?next=/events/wages-potluck/">Log in</a>' in sent_page
    assert '<a href="/accounts/signup/?next=/events/wages-potluck/">try again</a>' in sent_page
    assert link.endswith("?next=%2Fevents%2Fwages-potluck%2F")
    assert (confirmed.status_code, confirmed["Location"]) == (302, back)
    assert signed_in_as(client) == User.objects.get().pk
    welcome = [str(m) for m in client.get(back).context["messages"]]
    assert welcome == [
        "Thank you, Ada Okafor: your email address is confirmed. Your profile is private: "
        "only you and the curators can see it. You can change that on your page."
    ]


@pytest.mark.parametrize(
    "outside", ["https://evil.example/", "//evil.example/", "/events/" + "x" * 2000]
)
def test_an_outside_or_absurd_next_is_dropped_everywhere(
    client, django_capture_on_commit_callbacks, outside
):
    signup = client.get("/accounts/signup/", {"next": outside}).content.decode()
    sent = sign_up(client, django_capture_on_commit_callbacks, next=outside)
    [message] = mail.outbox

    assert "evil.example" not in signup and "xxxx" not in signup
    assert '<a href="/accounts/login/">Log in</a>' in signup
    assert sent["Location"] == "/accounts/signup/sent/"
    assert "?" not in verify_links(message)[0]


def test_the_nav_sign_up_link_carries_the_page(client):
    content = client.get("/events/").content.decode()

    assert '<li><a href="/accounts/signup/?next=/events/">Sign up</a></li>' in content


def test_a_signed_in_person_sent_to_sign_up_goes_on_to_next(member_client):
    response = member_client.get("/accounts/signup/?next=/events/")

    assert (response.status_code, response["Location"]) == (302, "/events/")


def test_a_broken_link_page_keeps_next_in_its_links(client):
    response = client.get("/accounts/verify/not-a-token/?next=/events/")

    content = response.content.decode()
    assert response.status_code == 400
    assert '<a href="/accounts/login/?next=/events/">log in</a>' in content
    assert '<a href="/accounts/signup/?next=/events/">sign up</a>' in content


# --- a new login linked to the roster member its confirmed address stood for -----------------


@pytest.fixture
def roster():
    """A member from an imported roster, without a login: history and an RSVP."""
    oakland = RegionFactory(slug="oakland")
    member = MemberFactory(
        key="m-0042", name="Ada O.", email="ada@example.org", region=oakland, invites=False
    )
    EngagementFactory(member=member)
    RSVPFactory(event=EventFactory(slug="roster-potluck"), member=member)
    return member


def test_confirming_links_the_login_to_the_one_roster_member_with_the_address(
    client, roster, django_capture_on_commit_callbacks
):
    sign_up(
        client,
        django_capture_on_commit_callbacks,
        name="Ada Okafor",
        email="ADA@Example.org",
        invites="on",
    )
    user = User.objects.get()
    signup_member = Member.objects.get(user=user)
    assert Member.objects.count() == 2  # not linked before the address is confirmed
    roster.refresh_from_db()
    assert roster.user is None

    response = confirm(client, django_capture_on_commit_callbacks, mail.outbox[0])

    assert (response.status_code, response["Location"]) == (302, "/me/")
    assert signed_in_as(client) == user.pk
    roster.refresh_from_db()
    assert roster.user == user
    assert not Member.objects.filter(pk=signup_member.pk).exists()
    assert Member.objects.count() == 1
    # The roster's name and key stay; invitations on, as said at sign-up; confirmed.
    assert (roster.key, roster.name, roster.region.slug) == ("m-0042", "Ada O.", "oakland")
    assert roster.invites is True
    assert is_verified(roster)
    assert roster.email == "ada@example.org"
    page = client.get("/me/")
    assert [str(m) for m in page.context["messages"]] == [
        "Thank you, Ada O.: your email address is confirmed. Your profile is private: only "
        "you and the curators can see it. You can change that on your page."
    ]
    assert [r.event.slug for r in page.context["rsvps"]] == ["roster-potluck"]
    assert page.context["member"] == roster
    assert len(page.context["engagements"]) == 1


def test_what_the_signup_record_holds_moves_to_the_roster_member(
    client, roster, django_capture_on_commit_callbacks
):
    """Logged in with the password before opening the link, the person RSVPed: that RSVP
    moves over with them."""
    sign_up(client, django_capture_on_commit_callbacks)
    signup_member = Member.objects.get(user__isnull=False)
    other_event = EventFactory(slug="other-potluck")
    RSVPFactory(event=other_event, member=signup_member, guests=1)

    confirm(client, django_capture_on_commit_callbacks, mail.outbox[0])

    assert sorted(RSVP.objects.filter(member=roster).values_list("event__slug", "guests")) == [
        ("other-potluck", 1),
        ("roster-potluck", 0),
    ]
    assert RSVP.objects.count() == 2


def test_the_roster_keeps_invitations_on_when_the_signup_said_nothing(
    client, django_capture_on_commit_callbacks
):
    roster = MemberFactory(key="m-0042", email="ada@example.org", invites=True)
    sign_up(client, django_capture_on_commit_callbacks)

    confirm(client, django_capture_on_commit_callbacks, mail.outbox[0])

    roster.refresh_from_db()
    assert (roster.user is not None, roster.invites) == (True, True)


@pytest.mark.parametrize(
    "others",
    [
        lambda: [],
        lambda: [
            MemberFactory(key="m-0001", email="ada@example.org"),
            MemberFactory(key="m-0002", email="Ada@example.org"),
        ],
        lambda: [
            MemberFactory(
                key="m-0003", email="ada@example.org", user=UserFactory(username="older")
            )
        ],
    ],
    ids=["no-match", "two-matches", "a-match-with-a-login"],
)
def test_no_single_match_without_a_login_links_nothing(django_capture_on_commit_callbacks, others):
    # Sign up first: an address that already has a login would not make a new one.
    client = Client()
    sign_up(client, django_capture_on_commit_callbacks)
    signup_member = Member.objects.get(user__username="ada@example.org")
    before = {m.pk: m.user_id for m in others()}

    response = confirm(client, django_capture_on_commit_callbacks, mail.outbox[0])

    assert response.status_code == 302
    signup_member.refresh_from_db()
    assert is_verified(signup_member)
    assert signup_member.user.username == "ada@example.org"
    assert {m.pk: m.user_id for m in Member.objects.exclude(pk=signup_member.pk)} == before


def test_a_move_that_would_break_a_rule_links_nothing_but_confirms(
    client, roster, django_capture_on_commit_callbacks
):
    """Both records have an RSVP for the same event: one person cannot hold two. Nothing
    is linked (both stay as they were); the address is confirmed all the same."""
    sign_up(client, django_capture_on_commit_callbacks)
    signup_member = Member.objects.get(user__isnull=False)
    RSVPFactory(event=roster.rsvps.get().event, member=signup_member)

    response = confirm(client, django_capture_on_commit_callbacks, mail.outbox[0])

    assert response.status_code == 302
    signup_member.refresh_from_db()
    roster.refresh_from_db()
    assert is_verified(signup_member)
    assert roster.user is None
    assert RSVP.objects.filter(member=signup_member).count() == 1
    assert RSVP.objects.filter(member=roster).count() == 1


def test_a_roster_member_confirming_its_own_address_links_nothing(
    django_capture_on_commit_callbacks,
):
    """A verification link for a member without a login (an RSVP's mail, say) only
    confirms the address, even beside another member with the same address."""
    first = MemberFactory(key="m-0001", email="ada@example.org")
    MemberFactory(key="m-0002", email="ada@example.org")

    member = account_email_verify(verification_token(first))

    assert member == first
    assert is_verified(member)
    assert Member.objects.filter(user__isnull=False).count() == 0
    assert Member.objects.count() == 2


# --- changing the address: a username that was the address follows it ------------------------


def change_address(client, capture, new_email: str, password: str = PASSWORD):
    with capture(execute=True):
        client.post("/me/email/", {"email": new_email, "password": password})
    [link] = re.findall(rf"{re.escape(SITE)}(/accounts/email/\S+)", mail.outbox[-1].body)
    with capture(execute=True):
        return client.post(link)


def test_a_username_that_was_the_address_becomes_the_new_address(
    django_capture_on_commit_callbacks, settings
):
    settings.AXES_ENABLED = True
    ada = UserFactory(username="Ada@example.org", email="Ada@example.org")
    MemberFactory(key="m-ada", user=ada, email="Ada@example.org")
    client = Client()
    log_in(client, "ada@example.org")

    change_address(client, django_capture_on_commit_callbacks, "ada@new.example.org")

    ada.refresh_from_db()
    assert (ada.username, ada.email) == ("ada@new.example.org", "ada@new.example.org")
    # The login records went with it.
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["ada@new.example.org"]
    assert len(client.get("/me/data.json").json()["login_records"]) == 1
    client.post("/accounts/logout/")
    assert log_in(Client(), "ada@new.example.org").status_code == 302
    assert log_in(Client(), "Ada@example.org").status_code == 200


@pytest.mark.parametrize(
    ("username", "taken", "expected"),
    [
        ("ada", False, "ada"),  # a username chosen freely stays
        ("ada@example.org", True, "ada@example.org"),  # the new address is someone's username
    ],
    ids=["own-username", "taken"],
)
def test_other_usernames_stay_as_they_are(
    django_capture_on_commit_callbacks, username, taken, expected
):
    ada = UserFactory(username=username, email="ada@example.org")
    MemberFactory(key="m-ada", user=ada, email="ada@example.org")
    if taken:
        UserFactory(username="ada@new.example.org", email="elsewhere@example.org")

    response = change_address(
        logged_in(ada), django_capture_on_commit_callbacks, "ada@new.example.org"
    )

    assert response.status_code == 302
    ada.refresh_from_db()
    assert (ada.username, ada.email) == (expected, "ada@new.example.org")
