"""Security hardening: response headers and the Content Security Policy, login throttling
(django-axes) on both login pages, CSRF tokens in every form, and production transport
settings behind a TLS-terminating proxy."""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import (
    EventFactory,
    UserFactory,
)
from tests.helpers import error_codes, role_client, run_manage
from tests.scenarios import hosted_event

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)
LOCKED = "After 5 failed attempts, logging in as “ada” from this connection is paused for 30"


# --- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/movements/", "/map/", "/events/", "/accounts/login/"])
def test_pages_carry_the_security_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_json_and_calendar_responses_carry_them_too(client):
    EventFactory(slug="potluck")

    for path in ["/map/graph.json", "/api/movements/", "/events/potluck.ics"]:
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == POLICY


def without_nonce(policy: str) -> str:
    return re.sub(r" 'nonce-[^']+'", "", policy)


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def test_admin_pages_allow_their_own_nonce_only(curator_client):
    response = curator_client.get("/admin/")

    nonce = nonce_of(response)
    assert response.headers["Content-Security-Policy"] == POLICY.replace(
        "script-src 'self'; style-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'",
    )
    assert f'nonce="{nonce}"' in response.content.decode()
    assert nonce != nonce_of(curator_client.get("/admin/"))


def test_swagger_ui_runs_its_init_script_with_the_nonce(client):
    response = client.get("/api/docs/")

    body = response.content.decode()
    nonce = nonce_of(response)
    assert body.count(f'nonce="{nonce}"') == 2  # the <style> and the init <script>
    assert '<html lang="en">' in body
    assert re.findall(r"<script(?![^>]*(?:src|nonce)=)", body) == []


def test_no_template_has_inline_scripts_styles_or_handlers():
    """Scripts and styles come from static files; the admin's and drf-spectacular's own
    templates (which use the nonce) are Django's and drf-spectacular's, not ours."""
    offences = {}
    for template in (ROOT / "templates").rglob("*.html"):
        source = re.sub(r"{#.*?#}", "", template.read_text())
        found = re.findall(r"<script(?![^>]*\bsrc=)|<style\b|\sstyle=|\son[a-z]+=", source)
        if found and template.parent.name != "drf_spectacular":
            offences[str(template.relative_to(ROOT))] = found
    assert offences == {}


# --- login throttling ----------------------------------------------------------------------


@pytest.fixture
def axes(settings):
    settings.AXES_ENABLED = True
    return UserFactory(username="ada")


def fail(client, path="/accounts/login/", username="ada", times=1):
    responses = [
        client.post(path, {"username": username, "password": "wrong"}) for _ in range(times)
    ]
    return responses[-1]


def test_four_failed_logins_still_show_the_form(axes, client):
    response = fail(client, times=4)

    assert response.status_code == 200
    assert error_codes(response.context["form"].errors) == {"__all__": ["invalid_login"]}
    assert '<div class="form-errors" id="form-errors" role="alert">' in response.content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_five_failed_logins_lock_the_username_on_this_address(axes, client, path):
    fifth = fail(client, path, times=5)
    right_password = client.post(path, {"username": "ada", "password": PASSWORD})

    for response in [fifth, right_password]:
        assert response.status_code == 429
        assert LOCKED in response.content.decode()
        # The admin's login view has already drawn its page (with a nonce) when axes steps in.
        assert without_nonce(response.headers["Content-Security-Policy"]) == POLICY
    assert "_auth_user_id" not in client.session


def test_lockout_counts_both_login_pages_together(axes, client):
    fail(client, "/admin/login/", times=3)

    response = fail(client, "/accounts/login/", times=2)

    assert response.status_code == 429


def test_lockout_is_per_username_and_address(axes, client):
    UserFactory(username="grace")
    fail(client, times=5)

    other_user = client.post("/accounts/login/", {"username": "grace", "password": PASSWORD})
    other_address = Client(REMOTE_ADDR="10.0.0.9").post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}
    )

    assert (other_user.status_code, other_user.url) == (302, "/me/")
    assert (other_address.status_code, other_address.url) == (302, "/me/")


def test_lockout_ends_after_thirty_minutes(axes, client):
    fail(client, times=5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=31)
    )

    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})

    assert (response.status_code, response.url) == (302, "/me/")


def test_a_successful_login_resets_the_count(axes, client):
    fail(client, times=4)
    client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    client.post("/accounts/logout/")

    response = fail(client, times=4)

    assert response.status_code == 200


def test_token_api_calls_are_not_throttled(axes, client):
    token = Token.objects.create(user=axes)
    fail(client, times=5)

    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/movements/")

    assert response.status_code == 200


# --- CSRF ----------------------------------------------------------------------------------


class PostForms(HTMLParser):
    """Counts POST forms and the CSRF token inputs inside them."""

    def __init__(self):
        super().__init__()
        self.forms, self.tokens, self.inside = 0, 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms += 1
            self.inside = True
        elif tag == "input" and self.inside and attrs.get("name") == "csrfmiddlewaretoken":
            self.tokens += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def post_forms(response) -> tuple[int, int]:
    parser = PostForms()
    parser.feed(response.content.decode())
    return parser.forms, parser.tokens


def test_every_post_form_in_our_templates_has_a_csrf_token():
    missing = {}
    for template in (ROOT / "templates").rglob("*.html"):
        source = template.read_text()
        forms = len(re.findall(r'<form[^>]*method="post"', source, flags=re.IGNORECASE))
        tokens = source.count("{% csrf_token %}")
        if forms != tokens:
            missing[str(template.relative_to(ROOT))] = (forms, tokens)
    assert missing == {}


@pytest.fixture
def world():
    return hosted_event()


@pytest.mark.parametrize(
    ("role", "path", "forms"),
    [
        ("anonymous", "/accounts/login/", 1),
        ("anonymous", "/accounts/signup/", 1),
        ("anonymous", "/accounts/password/reset/", 1),
        ("anonymous", "/admin/login/", 1),
        ("member", "/accounts/password/change/", 1),
        ("member", "/events/wages-potluck/", 1),  # RSVP
        ("host_organizer", "/events/new/", 1),
        ("host_organizer", "/events/wages-potluck/edit/", 1),
        ("host_organizer", "/events/wages-potluck/cancel/", 1),
        ("host_organizer", "/events/wages-potluck/attendees/", 1),  # check-in
        ("host_organizer", "/events/wages-potluck/messages/new/", 1),
    ],
)
def test_rendered_forms_carry_the_csrf_token(world, role, path, forms):
    response = role_client(role, host=world["host"], other=world["other"]).get(path)

    assert response.status_code == 200
    found_forms, tokens = post_forms(response)
    assert found_forms >= forms
    assert tokens == found_forms


# --- transport security in production ------------------------------------------------------

PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "coalition.example.org",
}
SHOW = (
    "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
    "getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
)


def test_production_defaults_are_https_only():
    result = run_manage("shell", "--no-imports", "-c", SHOW, **PRODUCTION)

    assert result.stdout.strip() == "True None True True 31536000"


def test_behind_a_proxy_django_trusts_x_forwarded_proto():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW,
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        **PRODUCTION,
    )

    assert result.stdout.strip() == (
        "False ('HTTP_X_FORWARDED_PROTO', 'https') True True 31536000"
    )
