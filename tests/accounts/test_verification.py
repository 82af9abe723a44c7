"""Signing up tells nobody who has an account; addresses are confirmed by mail: the sign-up
link, "send the link again" on /me/, and changing the address."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client

from accounts.services import EMAIL_CHANGE_SALT
from movements.models import Member
from movements.verification import (
    email_digest,
    email_mark_verified,
    is_verified,
    verification_url,
)
from tests.factories import MemberFactory, UserFactory
from tests.helpers import error_codes, logged_in

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"  # UserFactory's
SITE = "http://127.0.0.1:8000"


def signup_data(**overrides):
    data = {
        "name": "Ada Okafor",
        "email": "ada@example.org",
        "password": "potluck between movements",
    }
    data.update(overrides)
    return data


def links(message, path: str) -> list[str]:
    return re.findall(rf"{re.escape(SITE)}({path}\S*)", message.body)


def sign_up(client, capture, **overrides):
    with capture(execute=True):
        return client.post("/accounts/signup/", signup_data(**overrides), follow=True)


def main_of(response):
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


# --- signing up with an address that is known, or not ------------------------------------


@pytest.mark.parametrize(
    "known",
    [
        lambda: UserFactory(username="first", email="Ada@Example.org"),
        lambda: MemberFactory(
            key="m-first", email="ada@example.org", user=UserFactory(username="first")
        ),
    ],
    ids=["a-login's-address", "the-address-of-a-member-with-a-login"],
)
def test_signup_with_a_known_address_answers_exactly_as_with_a_new_one(
    django_capture_on_commit_callbacks, known
):
    known()
    users_before = User.objects.count()
    members_before = Member.objects.count()
    new = sign_up(Client(), django_capture_on_commit_callbacks, email="new@example.org")
    assert mail.outbox.pop().to == ["new@example.org"]

    again = sign_up(Client(), django_capture_on_commit_callbacks)

    assert again.redirect_chain == new.redirect_chain == [("/accounts/signup/sent/", 302)]
    assert again.content == new.content
    assert "<h1>Check your inbox</h1>" in again.content.decode()
    assert User.objects.count() == users_before + 1  # the newcomer only
    assert Member.objects.count() == members_before + 1
    assert not User.objects.filter(username="ada@example.org").exists()
    assert "_auth_user_id" not in again.client.session
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "Someone tried to use your address on Coalition"
    assert "sign up for Coalition with this address" in message.body
    assert "Your username: first" in message.body
    assert (
        f"Log in here with this address or your username: {SITE}/accounts/login/\n" in message.body
    )
    assert f"Reset it here: {SITE}/accounts/password/reset/" in message.body
    assert links(message, "/accounts/verify/") == []


def test_signup_never_says_an_address_is_in_use(client):
    UserFactory(username="first", email="ada@example.org")

    response = client.post("/accounts/signup/", signup_data(password="short"))

    assert response.status_code == 400
    assert error_codes(response.context["form"].errors) == {"password": ["password_too_short"]}
    assert "ada@example.org" not in str(response.context["form"].errors)
    assert "first" not in response.content.decode()


def test_signup_with_a_roster_address_without_a_login_is_a_new_account(
    client, django_capture_on_commit_callbacks
):
    MemberFactory(key="m-0001", email="ada@example.org")

    sign_up(client, django_capture_on_commit_callbacks)

    assert User.objects.get().username == "ada@example.org"
    [message] = mail.outbox
    assert message.subject == "Confirm your email address for Coalition"


@pytest.mark.parametrize("known", [False, True], ids=["new-address", "known-address"])
def test_signup_mails_only_after_commit(client, django_capture_on_commit_callbacks, known):
    if known:
        UserFactory(username="first", email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/accounts/signup/", signup_data())

    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


# --- the sign-up link ------------------------------------------------------------------------


def test_the_link_shows_a_button_and_changes_nothing_until_pressed(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    [link] = links(mail.outbox[0], "/accounts/verify/")

    page = client.get(link)

    assert page.status_code == 200
    content = main_of(page)
    assert "<h1>Confirm your email address</h1>" in content
    assert '<button type="submit">Confirm my address</button>' in content
    assert is_verified(Member.objects.get()) is False
    assert "_auth_user_id" not in client.session


def test_the_link_keeps_a_safe_next_and_drops_an_outside_one(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/?next=/events/", {**signup_data(), "next": "/events/"})
        Client().post(
            "/accounts/signup/",
            {
                **signup_data(email="bea@example.org"),
                "next": "https://evil.example/",
            },
        )
    [inside] = links(mail.outbox[0], "/accounts/verify/")
    [outside] = links(mail.outbox[1], "/accounts/verify/")

    assert inside.endswith("/?next=%2Fevents%2F")
    assert "?" not in outside
    page = client.get(inside)
    assert '<input type="hidden" name="next" value="/events/">' in main_of(page)
    response = client.post(inside, {"next": "/events/"})
    assert response["Location"] == "/events/"
    forged = Client().post(outside, {"next": "https://evil.example/"})
    assert forged["Location"] == "/me/"


def test_the_signup_page_carries_next_from_the_login_page(client):
    login = client.get("/accounts/login/?next=/events/").content.decode()
    signup = client.get("/accounts/signup/?next=/events/").content.decode()
    outside = client.get("/accounts/signup/?next=https://evil.example/").content.decode()

    assert '<a href="/accounts/signup/?next=/events/">Sign up</a>' in login
    assert '<input type="hidden" name="next" value="/events/" id="id_next">' in signup
    assert '<input type="hidden" name="next" id="id_next">' in outside
    assert "evil.example" not in outside


def test_a_used_link_logs_nobody_in_again(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    [link] = links(mail.outbox[0], "/accounts/verify/")
    client.post(link)

    stranger = Client()
    response = stranger.post(link, follow=True)

    assert response.redirect_chain == [("/accounts/login/?next=%2Fme%2F", 302)]
    assert "_auth_user_id" not in stranger.session
    assert [str(m) for m in response.context["messages"]] == [
        "Your address is already confirmed. Log in to continue."
    ]


@pytest.mark.parametrize(
    "token", ["nonsense", "eyJtIjoxfQ:1vQ2xS:forged"], ids=["garbage", "forged"]
)
def test_a_bad_link_answers_400_with_what_to_do(client, token):
    user = UserFactory(username="ada")
    MemberFactory(key="m-ada", email="ada@example.org", user=user)

    for response in [
        client.get(f"/accounts/verify/{token}/"),
        client.post(f"/accounts/verify/{token}/"),
    ]:
        assert response.status_code == 400
        content = main_of(response)
        assert "<h1>This link does not work</h1>" in content
        assert (
            '<p role="alert">This link is not valid. Copy the whole link from the mail, or ask '
            "for a new one.</p>"
        ) in content
        assert "<button" not in content
    assert is_verified(Member.objects.get()) is False
    assert "_auth_user_id" not in client.session


def test_a_link_for_an_address_since_changed_answers_400(client):
    user = UserFactory(username="ada")
    member = MemberFactory(key="m-ada", email="old@example.org", user=user)
    url = verification_url(member).removeprefix(SITE)
    Member.objects.filter(pk=member.pk).update(email="new@example.org")

    response = client.post(url)

    assert response.status_code == 400
    assert "no longer on the account" in main_of(response)
    assert "_auth_user_id" not in client.session


# --- /me/: the address, confirmed or not, and "send the link again" -----------------------


@pytest.fixture
def ada():
    user = UserFactory(username="ada", email="ada@example.org")
    MemberFactory(key="m-ada", name="Ada", email="ada@example.org", user=user)
    return user


def test_me_says_the_address_is_not_confirmed_and_offers_the_link(ada):
    content = main_of(logged_in(ada).get("/me/"))

    assert (
        "<p>Your address is <strong>ada@example.org</strong>. "
        '<span class="status status--waitlisted">Not confirmed yet</span>'
    ) in content
    assert '<form method="post" action="/me/email/verify/" class="email-resend">' in content
    assert (
        "Your email is seen only by you and the site's curators; organizers reach you "
        "through messages the app sends, never by reading your address."
    ) in content
    assert '<a href="/me/email/">Change my email</a>' in content


def test_me_says_when_the_address_was_confirmed(ada):
    email_mark_verified(member=ada.member, email="ada@example.org")

    content = main_of(logged_in(ada).get("/me/"))

    assert '<span class="status status--going">confirmed</span> on <time datetime=' in content
    assert 'action="/me/email/verify/"' not in content


def test_send_the_link_again_mails_one_link_a_minute(ada, django_capture_on_commit_callbacks):
    client = logged_in(ada)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/me/email/verify/", follow=True)
        second = client.post("/me/email/verify/")

    assert first.redirect_chain == [("/me/", 302)]
    assert [str(m) for m in first.context["messages"]] == [
        "We sent a new link to ada@example.org. It works for 3 days."
    ]
    assert second.status_code == 429
    assert [str(m) for m in second.context["messages"]] == [
        "A link went to your address less than a minute ago. Look for it in your inbox (and "
        "the spam folder), or try again in a minute."
    ]
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    [link] = links(message, "/accounts/verify/")
    assert client.post(link)["Location"] == "/me/"
    assert is_verified(Member.objects.get(key="m-ada")) is True


def test_send_the_link_again_once_confirmed_sends_nothing(ada, django_capture_on_commit_callbacks):
    email_mark_verified(member=ada.member, email="ada@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(ada).post("/me/email/verify/", follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Your address is already confirmed."]
    assert mail.outbox == []


@pytest.mark.parametrize("path", ["/me/email/", "/me/email/verify/"])
def test_email_pages_send_anonymous_visitors_to_log_in(client, path):
    for response in [client.get(path), client.post(path)]:
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"
    assert mail.outbox == []


# --- changing the address ----------------------------------------------------------------------


def change(client, capture, email, password=PASSWORD):
    with capture(execute=True):
        return client.post("/me/email/", {"email": email, "password": password})


def test_changing_the_address_takes_effect_when_the_new_one_is_confirmed(
    ada, django_capture_on_commit_callbacks
):
    client = logged_in(ada)
    email_mark_verified(member=ada.member, email="ada@example.org")

    response = change(client, django_capture_on_commit_callbacks, "ada@new.example.org")

    assert response.status_code == 302
    assert response["Location"] == "/me/"
    member = Member.objects.get(key="m-ada")
    assert (member.email, is_verified(member)) == ("ada@example.org", True)  # not yet
    [message] = mail.outbox
    assert message.to == ["ada@new.example.org"]
    assert message.subject == "Confirm your new email address for Coalition"
    [link] = links(message, "/accounts/email/")

    page = client.get(link)
    assert "move your account to <strong>ada@new.example.org</strong>" in main_of(page)
    assert '<button type="submit">Use this address</button>' in main_of(page)
    assert Member.objects.get(key="m-ada").email == "ada@example.org"
    done = client.post(link, follow=True)

    assert done.redirect_chain == [("/me/", 302)]
    member = Member.objects.get(key="m-ada")
    assert (member.email, member.verified_email) == ("ada@new.example.org",) * 2
    assert is_verified(member) is True
    assert User.objects.get(pk=ada.pk).email == "ada@new.example.org"
    assert [str(m) for m in done.context["messages"]] == [
        "Your email address is now ada@new.example.org, confirmed."
    ]
    # Opening it again changes nothing; a link for the old address no longer works.
    assert client.post(link).status_code == 302


def test_changing_to_an_address_in_use_answers_the_same_and_tells_that_address(
    ada, django_capture_on_commit_callbacks
):
    UserFactory(username="bea", email="bea@example.org")
    client = logged_in(ada)

    free = change(client, django_capture_on_commit_callbacks, "free@example.org")
    taken = change(client, django_capture_on_commit_callbacks, "BEA@example.org")

    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    follow = [str(m) for m in client.get("/me/").context["messages"]]
    assert follow == [
        "We sent a link to free@example.org. Your address changes when you open it; until "
        "then it stays as it was.",
        "We sent a link to BEA@example.org. Your address changes when you open it; until "
        "then it stays as it was.",
    ]
    assert [m.to for m in mail.outbox] == [["free@example.org"], ["BEA@example.org"]]
    told = mail.outbox[1]
    assert told.subject == "Someone tried to use your address on Coalition"
    assert "move a Coalition account to this address" in told.body
    assert "Your username: bea" in told.body
    assert "ada" not in told.body
    assert Member.objects.get(key="m-ada").email == "ada@example.org"


def test_a_change_link_for_an_address_taken_since_changes_nothing(
    ada, django_capture_on_commit_callbacks
):
    client = logged_in(ada)
    change(client, django_capture_on_commit_callbacks, "new@example.org")
    [link] = links(mail.outbox[0], "/accounts/email/")
    UserFactory(username="quick", email="new@example.org")

    response = client.post(link)

    assert response.status_code == 400
    assert (
        '<p role="alert">This address now belongs to another account, so it cannot be moved '
        "here.</p>"
    ) in main_of(response)
    assert Member.objects.get(key="m-ada").email == "ada@example.org"
    assert User.objects.get(pk=ada.pk).email == "ada@example.org"


def test_a_change_link_made_before_another_change_no_longer_works(
    ada, django_capture_on_commit_callbacks
):
    client = logged_in(ada)
    change(client, django_capture_on_commit_callbacks, "first@example.org")
    change(client, django_capture_on_commit_callbacks, "second@example.org")
    [first, second] = [links(m, "/accounts/email/")[0] for m in mail.outbox]
    client.post(second)

    for response in [client.get(first), client.post(first)]:
        assert response.status_code == 400
        assert (
            '<p role="alert">This link no longer works: the account&#x27;s address changed '
            "since it was sent.</p>"
        ) in main_of(response)
    assert Member.objects.get(key="m-ada").email == "second@example.org"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"email": "not-an-address", "password": PASSWORD}, {"email": ["invalid"]}),
        ({"email": "ADA@example.org", "password": PASSWORD}, {"email": ["unchanged"]}),
        ({"email": "new@example.org", "password": "wrong"}, {"password": ["password_incorrect"]}),
        ({"email": "", "password": ""}, {"email": ["required"], "password": ["required"]}),
    ],
    ids=["bad-address", "same-address", "wrong-password", "empty"],
)
def test_changing_the_address_refuses_bad_input_and_sends_nothing(
    ada, django_capture_on_commit_callbacks, data, errors
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(ada).post("/me/email/", data)

    assert response.status_code == 400
    assert error_codes(response.context["form"].errors) == errors
    assert mail.outbox == []
    assert Member.objects.get(key="m-ada").email == "ada@example.org"


def test_the_change_form_has_labels_and_says_who_sees_the_address(ada):
    content = main_of(logged_in(ada).get("/me/email/"))

    assert '<label for="id_email">New email address:</label>' in content
    assert '<label for="id_password">Your password:</label>' in content
    assert "Your address now: <strong>ada@example.org</strong>" in content
    assert "never by reading your address" in content


# --- what the forms say about who sees what ----------------------------------------------------


def test_signup_says_who_sees_what(client):
    content = client.get("/accounts/signup/").content.decode()

    assert (
        "<strong>Your email</strong> is seen only by you and the site's curators; organizers "
        "reach you through messages the app sends, never by reading your address."
    ) in content
    assert (
        "<strong>Organizers of an event you RSVP to</strong> see your name, the movement you "
        "chose to come through, your RSVP (going or waitlisted, guests, when) and whether you "
        "checked in."
    ) in content
    assert (
        "<strong>The public</strong> sees nothing of you unless you make your profile "
        "public; then your name and engagement history."
    ) in content
    assert "Never shown to anyone" not in content


def test_an_expired_change_link_changes_nothing(ada):
    payload = {"m": ada.member.pk, "from": email_digest("ada@example.org"), "to": "n@example.org"}

    class FourDaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 4 * 86400)

    token = FourDaysAgo(salt=EMAIL_CHANGE_SALT).sign_object(payload)

    response = logged_in(ada).post(f"/accounts/email/{token}/")

    assert response.status_code == 400
    assert (
        '<p role="alert">This link has expired: links work for 3 days. Ask for the change '
        "again.</p>"
    ) in main_of(response)
    assert Member.objects.get(key="m-ada").email == "ada@example.org"
