"""Saying yes or no to invitations to joint events: at signup, on /me/, and through the
one-click link every invitation carries (RFC 8058)."""

import pytest
from django.core import signing
from django.test import Client

from movements.models import Member
from movements.verification import (
    UNSUBSCRIBE_SALT,
    email_mark_verified,
    unsubscribe_token,
    unsubscribe_url,
)
from tests.factories import MemberFactory, UserFactory
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

LABEL = "Invite me to joint events of my movements"
INVALID = (
    "This link is not valid. Copy the whole link from the mail, or turn invitations off on "
    "your page after logging in."
)


def signup_data(**overrides) -> dict:
    data = {
        "name": "Ada Okafor",
        "email": "ada@example.org",
        "password": "potluck between movements",
    }
    data.update(overrides)
    return data


# --- signup ---------------------------------------------------------------------------------


def test_signup_asks_about_invitations_unchecked(client):
    content = client.get("/accounts/signup/").content.decode()

    assert f'<label for="id_invites">{LABEL}:</label>' in content
    assert '<input type="checkbox" name="invites"' in content
    assert 'name="invites" aria-describedby="id_invites_helptext" id="id_invites">' in content


def test_signup_without_the_box_ticked_leaves_invitations_off(client):
    client.post("/accounts/signup/", signup_data())

    assert Member.objects.get().invites is False


def test_signup_with_the_box_ticked_opts_in_but_outreach_waits_for_the_address(client):
    client.post("/accounts/signup/", signup_data(invites="on"))

    member = Member.objects.get()
    assert member.invites is True
    assert list(Member.objects.outreach_allowed()) == []
    email_mark_verified(member=member, email="ada@example.org")
    assert list(Member.objects.outreach_allowed()) == [member]


def test_signup_with_a_known_address_changes_nobody_s_choice(client):
    known = MemberFactory(user=UserFactory(email="ada@example.org"), email="ada@example.org")

    client.post("/accounts/signup/", signup_data(username="other", invites="on"))

    assert Member.objects.get(pk=known.pk).invites is False
    assert Member.objects.count() == 1


# --- /me/ ------------------------------------------------------------------------------------


@pytest.fixture
def ada():
    user = UserFactory(username="ada", email="ada@example.org")
    MemberFactory(user=user, email="ada@example.org", key="m-ada")
    return user


def test_me_shows_the_invitations_choice(ada):
    content = logged_in(ada).get("/me/").content.decode()

    assert '<h2 id="invites-title">Invitations to joint events</h2>' in content
    assert "You get <strong>no invitations</strong> to joint events." in content
    assert 'action="/me/invites/"' in content
    assert f'<label for="id_invites">{LABEL}:</label>' in content


def test_me_turns_invitations_on_and_says_they_wait_for_the_address(ada):
    client = logged_in(ada)

    response = client.post("/me/invites/", {"invites": "on"}, follow=True)

    assert response.redirect_chain == [("/me/#invites-title", 302)]
    assert Member.objects.get(user=ada).invites is True
    content = response.content.decode()
    assert (
        "You will be invited to joint events of your movements. Invitations start once you "
        "confirm your email address."
    ) in content
    assert "You are <strong>invited</strong> to joint events of your movements, once you" in (
        content
    )


def test_me_turns_invitations_off(ada):
    Member.objects.filter(user=ada).update(invites=True)

    response = logged_in(ada).post("/me/invites/", {}, follow=True)

    assert Member.objects.get(user=ada).invites is False
    assert "You will get no invitations to joint events." in response.content.decode()


def test_me_invites_get_goes_back_to_me(ada):
    response = logged_in(ada).get("/me/invites/")

    assert (response.status_code, response["Location"]) == (302, "/me/")


def test_me_invites_needs_a_login(client):
    response = client.post("/me/invites/", {"invites": "on"})

    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/me/invites/",
    )
    assert not Member.objects.exists()


def test_my_data_says_whether_i_am_invited(ada):
    Member.objects.filter(user=ada).update(invites=True)

    data = logged_in(ada).get("/me/data.json").json()

    assert data["member"]["invites"] is True


# --- the one-click way out ------------------------------------------------------------------


@pytest.fixture
def invited():
    return MemberFactory(key="m-0001", email="ada@example.org", invites=True)


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def test_unsubscribe_url_names_the_member_but_no_address(invited):
    url = unsubscribe_url(invited)

    assert url.startswith("http://127.0.0.1:8000/invites/unsubscribe/")
    assert signing.loads(url.split("/")[-2], salt=UNSUBSCRIBE_SALT) == {"m": invited.pk}
    assert "ada" not in url


def test_unsubscribe_get_shows_a_button_and_changes_nothing(client, invited):
    response = client.get(path_of(unsubscribe_url(invited)))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<button type="submit">Stop invitations</button>' in content
    assert Member.objects.get(pk=invited.pk).invites is True


def test_unsubscribe_post_works_with_one_click_without_cookies_or_csrf(invited):
    """What a mail program sends (RFC 8058): a bare POST, no cookie, no CSRF token."""
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        path_of(unsubscribe_url(invited)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "You will get no more invitations to joint events." in response.content.decode()
    invited.refresh_from_db()
    assert invited.invites is False
    assert (invited.name, invited.email) == (invited.name, "ada@example.org")


def test_unsubscribe_twice_is_harmless_and_a_used_link_says_so(client, invited):
    path = path_of(unsubscribe_url(invited))
    client.post(path)

    again = client.post(path)
    page = client.get(path)

    assert again.status_code == 200
    assert "Invitations are already off for this address." in page.content.decode()
    assert Member.objects.get(pk=invited.pk).invites is False


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "eyJtIjoxfQ:forged-signature-here",
        signing.dumps({"m": 1}, salt="coalition.email-verification"),
    ],
    ids=["garbage", "forged", "other-salt"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_unsubscribe_with_a_bad_link_is_a_400_page_and_changes_nothing(
    client, invited, token, method
):
    response = getattr(client, method)(f"/invites/unsubscribe/{token}/")

    assert response.status_code == 400
    assert INVALID in response.content.decode()
    assert Member.objects.get(pk=invited.pk).invites is True


def test_unsubscribe_for_a_member_who_is_gone_is_a_400_page(client, invited):
    token = unsubscribe_token(invited)
    invited.delete()

    response = client.post(f"/invites/unsubscribe/{token}/")

    assert response.status_code == 400
    assert "This link is for an account that no longer exists." in response.content.decode()


def test_unsubscribe_touches_only_the_member_it_names(client, invited):
    other = MemberFactory(invites=True)

    client.post(path_of(unsubscribe_url(invited)))

    assert Member.objects.get(pk=other.pk).invites is True
