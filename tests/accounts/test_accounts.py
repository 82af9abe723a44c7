"""Accounts: sign up, log in and out, password change and reset."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from movements.models import Member, Visibility
from tests.factories import MemberFactory, UserFactory
from tests.helpers import error_codes

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new tulip meadow"


def signup_data(**overrides):
    data = {
        "name": "Ada Okafor",
        "email": "ada@example.org",
        "password": "potluck between movements",
    }
    data.update(overrides)
    return data


def field_errors(response, field):
    return list(response.context["form"].errors.get(field, []))


# --- Sign up ------------------------------------------------------------------------------


def test_signup_page_shows_every_field_with_a_label(client):
    response = client.get("/accounts/signup/")

    content = response.content.decode()
    assert response.status_code == 200
    form = response.context["form"]
    assert [(f.name, f.label) for f in form.visible_fields()] == [
        ("name", "Your name"),
        ("email", "Email"),
        ("password", "Password"),
        ("invites", "Invite me to joint events of my movements"),
    ]
    for field, label in [("name", "Your name"), ("email", "Email"), ("password", "Password")]:
        assert f'<label for="id_{field}">{label}:</label>' in content
    assert "password1" not in content and "password2" not in content
    assert 'id="id_username"' not in content
    # One line of help for the password, not the validators' list.
    assert '<div class="helptext" id="id_password_helptext">At least 8 characters; not a ' in (
        content
    )
    assert "Your password can’t be too similar" not in content
    assert '<script src="/static/js/password-toggle.js" defer></script>' in content
    assert "<script>" not in content
    assert "style=" not in content


def test_signup_creates_user_and_private_member_and_mails_a_link_that_logs_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", signup_data())

    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/sent/"
    user = User.objects.get()
    assert (user.username, user.email) == ("ada@example.org", "ada@example.org")
    assert user.check_password("potluck between movements")
    member = Member.objects.get()
    assert member.user == user
    assert (member.key, member.name, member.email) == (
        f"user-{user.pk}",
        "Ada Okafor",
        "ada@example.org",
    )
    assert member.visibility == Visibility.PRIVATE
    assert (member.verified_email, member.email_verified_at) == ("", None)
    assert "_auth_user_id" not in client.session  # not before the link is opened
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "Confirm your email address for Coalition"
    [link] = re.findall(r"http://127\.0\.0\.1:8000(/accounts/verify/\S+/)", message.body)

    confirmed = client.post(link)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/me/"
    assert int(client.session["_auth_user_id"]) == user.pk
    member.refresh_from_db()
    assert member.verified_email == "ada@example.org"
    page = client.get("/me/")
    assert [str(m) for m in page.context["messages"]] == [
        "Thank you, Ada Okafor: your email address is confirmed. Your profile is private: "
        "only you and the curators can see it. You can change that on your page."
    ]


def test_signup_tidies_the_name_and_the_address(client):
    client.post(
        "/accounts/signup/", signup_data(name="  Ada \t Okafor ", email=" Ada@Example.ORG ")
    )

    user = User.objects.get()
    assert (user.username, user.email) == ("Ada@example.org", "Ada@example.org")
    assert Member.objects.get().name == "Ada Okafor"


def test_signup_never_links_an_existing_roster_member_by_email(client):
    """Emails are not verified: signing up with a roster member's address must not hand
    over their history."""
    roster = MemberFactory(key="m-0001", name="Roster Person", email="ada@example.org")

    client.post("/accounts/signup/", signup_data())

    roster.refresh_from_db()
    assert roster.user is None
    assert Member.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "codes", "messages"),
    [
        # An email in use is no error (tests/accounts/test_verification.py).
        ({"name": "   "}, "name", ["required"], None),
        ({"email": "not-an-address"}, "email", ["invalid"], None),
        ({"email": ""}, "email", ["required"], None),
        ({"email": "a" * 140 + "@example.org"}, "email", ["max_length"], None),
        ({"password": ""}, "password", ["required"], None),
        (
            {"password": "hunter2"},
            "password",
            ["password_too_short", "password_too_common"],
            [
                "Too short: use at least 8 characters.",
                "This is one of the most common passwords, the first ones anyone guesses. "
                "Choose another: a few unrelated words make a good one.",
            ],
        ),
        (
            {"password": "12345678901"},
            "password",
            ["password_too_common", "password_entirely_numeric"],
            None,
        ),
        (
            {"password": "Ada Okafor!"},
            "password",
            ["password_too_similar"],
            ["Too close to your name or email address: choose something else."],
        ),
        (
            {"password": "ada@example.org"},
            "password",
            ["password_too_similar"],
            None,
        ),
    ],
    ids=[
        "no-name",
        "bad-email",
        "no-email",
        "email-too-long",
        "no-password",
        "weak",
        "numeric",
        "like-the-name",
        "like-the-email",
    ],
)
def test_signup_refuses_bad_input_and_creates_nothing(client, overrides, field, codes, messages):
    UserFactory(username="taken", email="taken@example.org")

    response = client.post("/accounts/signup/", signup_data(**overrides))

    assert response.status_code == 400
    assert error_codes(response.context["form"].errors) == {field: codes}
    if messages:
        assert field_errors(response, field) == messages
    assert User.objects.count() == 1
    assert Member.objects.count() == 0
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert '<div class="form-errors" id="form-errors" role="alert">' in content
    assert f'<div class="field field--error">\n  <label for="id_{field}"' in content
    assert f'<ul class="errorlist" id="id_{field}_error">' in content
    assert 'aria-invalid="true"' in content


def test_signup_redirects_signed_in_people_to_their_page(member_client):
    response = member_client.get("/accounts/signup/")

    assert response.status_code == 302
    assert response["Location"] == "/me/"


# --- Log in and out -----------------------------------------------------------------------


def test_login_with_the_right_password_goes_to_me(client):
    UserFactory(username="ada")

    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert client.session["_auth_user_id"] == str(User.objects.get(username="ada").pk)


def test_login_follows_a_safe_next_and_refuses_an_outside_one(client):
    UserFactory(username="ada")
    data = {"username": "ada", "password": PASSWORD}

    inside = client.post("/accounts/login/?next=/movements/", data)
    client.logout()
    outside = client.post("/accounts/login/", {**data, "next": "https://evil.example/"})

    assert inside["Location"] == "/movements/"
    assert outside["Location"] == "/me/"


def test_login_with_a_wrong_password_says_so(client):
    UserFactory(username="ada")

    response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})

    assert response.status_code == 200
    assert error_codes(response.context["form"].errors) == {"__all__": ["invalid_login"]}
    assert '<div class="form-errors" id="form-errors" role="alert">' in response.content.decode()
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert '<label for="id_username">Email or username:</label>' in content
    assert '<label for="id_password">Password:</label>' in content
    assert [str(e) for e in response.context["form"].non_field_errors()] == [
        "Wrong email, username or password. Check them and try again; the password is "
        "case-sensitive."
    ]


def test_login_page_links_to_reset_and_signup(client):
    content = client.get("/accounts/login/").content.decode()

    assert '<a href="/accounts/password/reset/">Forgot your password?</a>' in content
    assert '<a href="/accounts/signup/">Sign up</a>' in content


def test_logout_by_post_ends_the_session_and_says_goodbye(member_client):
    response = member_client.post("/accounts/logout/", follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "_auth_user_id" not in member_client.session
    assert [str(m) for m in response.context["messages"]] == ["You are logged out. See you soon."]


def test_logout_by_get_is_refused(member_client):
    response = member_client.get("/accounts/logout/")

    assert response.status_code == 405
    assert "_auth_user_id" in member_client.session


def test_nav_offers_log_in_and_sign_up_to_anonymous_visitors(client):
    content = client.get("/movements/").content.decode()

    assert '<li><a href="/accounts/login/?next=/movements/">Log in</a></li>' in content
    assert '<li><a href="/accounts/signup/?next=/movements/">Sign up</a></li>' in content
    assert 'action="/accounts/logout/"' not in content


def test_nav_offers_me_and_a_log_out_button_to_signed_in_people(member_client):
    content = member_client.get("/movements/").content.decode()

    assert '<li><a href="/me/">Me</a></li>' in content
    assert '<form method="post" action="/accounts/logout/" class="site-nav__logout">' in content
    assert '<button type="submit">Log out</button></form></li>' in content
    assert ">Log in</a>" not in content
    assert ">Sign up</a>" not in content


# --- Passwords ----------------------------------------------------------------------------


def test_password_change_needs_login(client):
    response = client.get("/accounts/password/change/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/change/"


def test_password_change_sets_the_new_password(member_client, member_user):
    response = member_client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    member_user.refresh_from_db()
    assert member_user.check_password(NEW_PASSWORD)
    done = member_client.get("/accounts/password/change/done/")
    assert done.status_code == 200
    assert "<h1>Password changed</h1>" in done.content.decode()


def test_password_change_with_a_wrong_old_password_changes_nothing(member_client, member_user):
    response = member_client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert error_codes(response.context["form"].errors) == {"old_password": ["password_incorrect"]}
    member_user.refresh_from_db()
    assert member_user.check_password(PASSWORD)


def test_password_reset_full_flow_through_the_mail(client, django_capture_on_commit_callbacks):
    user = UserFactory(username="ada", email="ada@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "ADA@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.org"]
    assert message.subject == "Reset your Coalition password"
    links = re.findall(r"http://testserver(/accounts/password/reset/\S+/\S+/)", message.body)
    assert len(links) == 1

    # The link swaps the token for a session and lands on the set-password form.
    landing = client.get(links[0], follow=True)
    assert landing.status_code == 200
    assert landing.context["validlink"] is True
    set_password_url = landing.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/complete/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(links[0], follow=True).context["validlink"] is False
    assert Client().login(username="ada", password=NEW_PASSWORD) is True


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox == []


def test_password_reset_with_a_forged_link_is_refused(client):
    user = UserFactory(username="ada")

    response = client.get(f"/accounts/password/reset/{user.pk}/forged-token/")

    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert "<h1>This link no longer works</h1>" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/complete/",
    ],
)
def test_account_pages_render_without_scripts_or_inline_styles(client, url):
    response = client.get(url)

    content = response.content.decode()
    assert response.status_code == 200
    # Only the "show password" script, from a file, on the pages with a password to type.
    scripts = re.findall(r"<script[^>]*>", content)
    if url in ("/accounts/login/", "/accounts/signup/"):
        assert scripts == ['<script src="/static/js/password-toggle.js" defer>']
    else:
        assert scripts == []
    assert "style=" not in content


def test_signup_never_collides_with_an_imported_member_key(client):
    # An imported roster holds the keys the next sign-ups would get: user-<next pk>, …
    probe = UserFactory(username="probe")
    next_pk = probe.pk + 1
    probe.delete()
    for pk in range(next_pk, next_pk + 5):
        MemberFactory(key=f"user-{pk}", name=f"Imported {pk}")

    response = client.post("/accounts/signup/", signup_data())

    assert response.status_code == 302
    user = User.objects.get(username="ada@example.org")
    member = Member.objects.get(user=user)
    assert member.key.startswith(f"user-{user.pk}-")
    assert Member.objects.filter(key=f"user-{user.pk}").get().name == f"Imported {user.pk}"
    assert Member.objects.count() == 6
