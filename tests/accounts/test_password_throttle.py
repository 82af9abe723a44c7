"""Asking for the password again (password change, email change, account deletion) is
throttled like logging in (django-axes, the same limits), and the login records axes keeps
belong to the account: in /me/data.json while it exists, deleted with it."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from movements.models import Member
from tests.factories import MemberFactory, UserFactory
from tests.helpers import error_codes

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"  # UserFactory's
NEW_PASSWORD = "a brand new tulip meadow"
LOCKED = "After 5 failed attempts, logging in as “ada” from this connection is paused for 30"
ALSO_PAUSED = (
    "Changing your password or email and deleting your account ask for your password too, "
    "so they are paused as well."
)


@pytest.fixture
def ada(settings):
    settings.AXES_ENABLED = True
    user = UserFactory(username="ada", email="ada@example.org")
    MemberFactory(key="m-ada", name="Ada", email="ada@example.org", user=user)
    return user


def signed_in(user, **client_kwargs) -> Client:
    """Logs in through the login page, as a person does (axes records it)."""
    client = Client(**client_kwargs)
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    return client


# Each form that asks for the password again: its page, what it posts with a given
# password, and whether the change it makes happened.
FORMS = {
    "password-change": (
        "/accounts/password/change/",
        lambda password: {
            "old_password": password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        "old_password",
        lambda: User.objects.get(username="ada").check_password(NEW_PASSWORD),
    ),
    "email-change": (
        "/me/email/",
        lambda password: {"email": "new@example.org", "password": password},
        "password",
        lambda: bool(mail.outbox),
    ),
    "account-delete": (
        "/me/delete/",
        lambda password: {"password": password},
        "password",
        lambda: not User.objects.filter(username="ada").exists(),
    ),
}


@pytest.mark.parametrize("form", FORMS)
def test_four_wrong_passwords_still_show_the_form(ada, form, django_capture_on_commit_callbacks):
    path, data, field, changed = FORMS[form]
    client = signed_in(ada)

    with django_capture_on_commit_callbacks(execute=True):
        responses = [client.post(path, data("wrong")) for _ in range(4)]

    assert [r.status_code for r in responses] == [400] * 4
    assert error_codes(responses[-1].context["form"].errors) == {field: ["password_incorrect"]}
    assert AccessAttempt.objects.get(username="ada").failures_since_start == 4
    assert not changed()


@pytest.mark.parametrize("form", FORMS)
def test_five_wrong_passwords_lock_out_even_the_right_one(
    ada, form, django_capture_on_commit_callbacks
):
    path, data, _field, changed = FORMS[form]
    client = signed_in(ada)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            client.post(path, data("wrong"))
        fifth = client.post(path, data("wrong"))
        right = client.post(path, data(PASSWORD))

    for response in [fifth, right]:
        assert response.status_code == 429
        content = response.content.decode()
        assert LOCKED in content
        assert ALSO_PAUSED in content
    assert not changed()
    # Logging in is locked too: one count for the username on this address.
    login = Client().post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert login.status_code == 429


def test_failed_logins_and_wrong_passwords_count_together(ada):
    client = signed_in(ada)
    for _ in range(3):
        Client().post("/accounts/login/", {"username": "ada", "password": "wrong"})

    client.post("/me/delete/", {"password": "wrong"})
    fifth = client.post("/me/delete/", {"password": "wrong"})

    assert fifth.status_code == 429
    assert User.objects.filter(username="ada").exists()


def test_the_lockout_is_per_address(ada):
    client = signed_in(ada)
    for _ in range(5):
        client.post("/me/delete/", {"password": "wrong"})

    elsewhere = signed_in(ada, REMOTE_ADDR="10.0.0.9")
    response = elsewhere.post("/me/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(username="ada").exists()


def test_the_right_password_clears_the_count_as_a_login_does(ada):
    client = signed_in(ada)
    for _ in range(4):
        client.post("/accounts/password/change/", {"old_password": "wrong"})

    client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    response = client.post("/me/delete/", {"password": "wrong"})

    assert response.status_code == 400
    assert AccessAttempt.objects.get(username="ada").failures_since_start == 1


def test_a_failed_attempt_never_records_a_password_or_an_address(ada):
    client = signed_in(ada)

    client.post(
        "/accounts/password/change/",
        {
            "old_password": "wrong-old",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    client.post("/me/email/", {"email": "secret-new@example.org", "password": "wrong-too"})

    stored = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "old_password=********************" in stored
    for secret in ["wrong-old", NEW_PASSWORD, "secret-new@example.org", "wrong-too"]:
        assert secret not in stored


def test_the_admin_password_change_goes_through_the_throttled_page(curator_client):
    response = curator_client.get("/admin/password_change/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"


# --- the login records: in my data, deleted with the account ---------------------------------


def test_my_data_holds_my_login_records(ada):
    stranger = Client(REMOTE_ADDR="10.0.0.66", HTTP_USER_AGENT="Guesser/1.0")
    stranger.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    stranger.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    client = signed_in(ada, HTTP_USER_AGENT="Firefox/140")
    UserFactory(username="bea")
    Client().post("/accounts/login/", {"username": "bea", "password": "wrong"})
    login = AccessLog.objects.get(username="ada")
    attempt = AccessAttempt.objects.get(username="ada")

    records = client.get("/me/data.json").json()["login_records"]

    assert records == [
        {
            "time": attempt.attempt_time.astimezone(datetime.UTC).isoformat(),
            "success": False,
            "ip_address": "10.0.0.66",
            "user_agent": "Guesser/1.0",
            "path": "/accounts/login/",
            "failures": 2,
        },
        {
            "time": login.attempt_time.astimezone(datetime.UTC).isoformat(),
            "success": True,
            "ip_address": "127.0.0.1",
            "user_agent": "Firefox/140",
            "path": "/accounts/login/",
            "logout_time": None,
        },
    ]


def test_my_data_includes_axes_failure_log_when_it_is_kept(ada, settings):
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    client = signed_in(ada)
    client.post("/me/delete/", {"password": "wrong"})

    records = client.get("/me/data.json").json()["login_records"]

    assert [(r["success"], r["path"], r.get("locked_out")) for r in records] == [
        (True, "/accounts/login/", None),
        (False, "/me/delete/", None),  # the count (AccessAttempt)
        (False, "/me/delete/", False),  # the log (AccessFailureLog)
    ]


def test_deleting_the_account_deletes_its_login_records_and_no_one_elses(ada, settings):
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    UserFactory(username="bea")
    Client(REMOTE_ADDR="10.0.0.66").post(
        "/accounts/login/", {"username": "ada", "password": "wrong"}
    )
    Client().post("/accounts/login/", {"username": "bea", "password": "wrong"})
    Client().post("/accounts/login/", {"username": "bea", "password": PASSWORD})
    Client().post("/accounts/login/", {"username": "bea", "password": "wrong"})
    client = signed_in(ada)
    assert AccessLog.objects.filter(username="ada").count() == 1
    assert AccessAttempt.objects.filter(username="ada").count() == 1
    assert AccessFailureLog.objects.filter(username="ada").count() == 1

    response = client.post("/me/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        assert not model.objects.filter(username="ada").exists()
    assert AccessLog.objects.filter(username="bea").count() == 1
    assert AccessAttempt.objects.filter(username="bea").count() == 1
    assert AccessFailureLog.objects.filter(username="bea").count() == 2
    assert Member.objects.get(key__startswith="erased-").email == ""
