"""``/healthz``: 200 "ok" in plain text when the database answers a read and the cache a
get; 503 with a short reason when either does not. Nothing written, no session, never
cached, and reachable over plain HTTP in production (the HTTPS redirect leaves it alone)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tests.helpers import run_manage

pytestmark = pytest.mark.django_db

# healthz through Django's test client in a fresh interpreter: "<status> <body>".
PROBE = (
    "from django.test import Client; "
    "r = Client(HTTP_HOST='{host}').get('{path}'); "
    "print(r.status_code, r.content.decode(), r.get('Location', ''))"
)


def probe(path: str = "/healthz", host: str = "localhost", **env: str) -> str:
    result = run_manage("shell", "--no-imports", "-c", PROBE.format(host=host, path=path), **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def test_healthz_answers_ok_in_plain_text_with_one_read(django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_healthz_is_never_cached_and_opens_no_session():
    client = Client()
    first = client.get("/healthz")
    second = client.get("/healthz")

    assert "no-store" in first["Cache-Control"]
    assert "X-Coalition-Cache" not in second
    assert not first.cookies and not second.cookies
    assert Session.objects.count() == 0


def test_healthz_refuses_a_post():
    response = Client(enforce_csrf_checks=True).post("/healthz")

    assert response.status_code == 405


def test_healthz_answers_503_when_the_database_is_down():
    assert probe(DJANGO_DEBUG="1", DATABASE_URL="sqlite:////nonexistent/dir/db.sqlite3") == (
        "503 database unavailable"
    )


def test_healthz_answers_503_when_the_cache_is_down(tmp_path):
    # Nothing listens on port 1: the connection is refused at once.
    assert probe(
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_CACHE_URL="redis://127.0.0.1:1/0",
    ) == ("503 cache unavailable")


def test_healthz_is_served_over_plain_http_in_production(tmp_path):
    production = {
        "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "coalition.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }

    assert probe(host="coalition.example.org", **production) == "200 ok"
    assert probe("/movements/", host="coalition.example.org", **production) == (
        "301  https://coalition.example.org/movements/"
    )
