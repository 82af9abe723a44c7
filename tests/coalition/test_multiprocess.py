"""Coalition in several processes (issue 13): a write made by any process is seen by every
process on its next request.

The deployment test runs what production runs, against a PostgreSQL database of its own
(``<name>_multiprocess`` beside the one ``DATABASE_URL`` names, dropped and recreated; not
the test database): ``bin/serve`` (``make serve``: migrate, collectstatic, gunicorn with 2
workers) and then a second gunicorn process (1 worker) on another free port, each in a
process group of its own, killed on teardown. Then a write through the CLI
(``import_network``, ``manage.py shell``) and an RSVP made through the first server with a
DRF token are seen through the second on its next request: ``/movements/``, a movement
page, ``/map/graph.json``, the overlaps API, ``/events/``. Once with the cache in each
process's memory (versions in the database) and once with a shared Redis (database 15,
flushed first). Skipped with a reason on SQLite, and its Redis half when Redis does not
answer.

The ``make run`` test runs on any database: runserver (``make run``'s server) on a SQLite
file, and a movement created from ``manage.py shell`` shows on ``/movements/`` at the next
request (issue 13's measured bug).

Every wait polls with a deadline (a server that dies is reported with its log);
pytest-timeout bounds the rest. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import pytest

from tests.helpers import ROOT, run_manage

pytestmark = [pytest.mark.multiprocess, pytest.mark.timeout(300)]

HEADER = "X-Coalition-Cache"
REDIS_URL = "redis://127.0.0.1:6379/15"
# Production settings, plus what lets the test see inside: the cache header, exact counts
# (every person shows on the public pages) and plain HTTP on 127.0.0.1.
PRODUCTION = {
    "DJANGO_SECRET_KEY": "multiprocess-test-key-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "COALITION_CACHE_HEADER": "1",
    "COALITION_MIN_DISCLOSED_COUNT": "0",
}
NETWORK = {
    "themes": [{"slug": "wages", "name": "Wages"}],
    "movements": [
        {"slug": "fight-for-15", "name": "Fight for $15", "themes": ["wages"]},
        {"slug": "food-justice", "name": "Food Justice"},
    ],
    "organizations": [
        {
            "slug": "local-1021",
            "name": "Local 1021",
            "kind": "union",
            "participations": [{"movement": "fight-for-15", "role": "lead"}],
        }
    ],
    "members": [
        {
            "key": "m-0001",
            "name": "Ana",
            "engagements": [{"movement": "fight-for-15"}, {"movement": "food-justice"}],
        }
    ],
}
EVENT_AND_USER = (
    "from django.contrib.auth import get_user_model; "
    "from movements.models import Movement, Organization; "
    "from tests.factories import EventFactory; "
    "EventFactory(slug='wages-potluck', title='Wages Potluck', capacity=40, "
    "movements=list(Movement.objects.order_by('slug')), "
    "hosts=[Organization.objects.get(slug='local-1021')]); "
    "get_user_model().objects.create_user('rsvper', 'rsvper@example.org', 'x' * 20)"
)
# A one-place potluck: "first" is going, "second" waits; the mail folder gets the mails.
ONE_PLACE = (
    "from django.contrib.auth import get_user_model; "
    "from movements.models import Movement; "
    "from tests.factories import EventFactory; "
    "EventFactory(slug='tiny-potluck', title='Tiny Potluck', capacity=1, "
    "movements=list(Movement.objects.order_by('slug'))[:1]); "
    "[get_user_model().objects.create_user(name, f'{name}@example.org', 'x' * 20) "
    "for name in ('first', 'second')]"
)
NEW_MOVEMENT = (
    "from movements.models import Engagement, Member, Movement; "
    "tenants = Movement.objects.create(slug='tenant-unions', name='Tenant Unions'); "
    "Engagement.objects.create(member=Member.objects.get(key='m-0001'), movement=tenants)"
)


# --- processes --------------------------------------------------------------------------


def free_port() -> int:
    """A port nothing listens on now (gunicorn cannot bind port 0 and report it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(**env: str) -> dict[str, str]:
    """This environment without DJANGO_* and COALITION_* variables, plus ``env``."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COALITION_"))
    }
    return {**base, "DJANGO_SETTINGS_MODULE": "coalition.settings", **env}


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    base: str
    log: Path

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])


def get(url: str, headers: dict | None = None, data: bytes | None = None):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def start(name: str, command: list[str], env: dict, port: int, logs: Path) -> Server:
    """Start ``command`` in a process group of its own; return once /healthz answers ok."""
    log = logs / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if get(server.base + "/healthz")[2] == b"ok":
                return server
        except OSError:  # not listening yet
            pass
        try:
            process.wait(timeout=0.2)  # a short wait that notices an early death
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"{name} exited with {process.returncode}:\n{server.log_tail()}")
    stop(server)
    pytest.fail(f"{name} did not answer /healthz within 120 s:\n{server.log_tail()}")


def stop(server: Server) -> None:
    """SIGTERM to the server's process group; SIGKILL if it is still there after 20 s."""
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=20)


def deployment_processes(python: str) -> list[tuple[str, list[str], dict, int]]:
    """What the deployment runs, in start order: (name, command, environment of its own,
    port of its /healthz). First ``bin/serve`` as ``make serve`` runs it (it migrates and
    collects the static files, so it goes first; the task worker of issue 13 (c) is one of
    its processes), then a second gunicorn process, as another machine would run one."""
    serve_port, web_port = free_port(), free_port()
    serve_env = {"PORT": str(serve_port), "WEB_CONCURRENCY": "2"}
    web = [python, "-m", "gunicorn", "coalition.wsgi", "--no-control-socket"]
    web += ["--workers", "1", "--bind", f"127.0.0.1:{web_port}"]
    return [("serve", ["bin/serve"], serve_env, serve_port), ("web", web, {}, web_port)]


# --- the deployment on PostgreSQL --------------------------------------------------------


def recreated_database() -> str:
    """``DATABASE_URL`` of ``<name>_multiprocess``, dropped and created again, empty."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "needs PostgreSQL for servers in processes of their own; this run uses SQLite "
            "(set DATABASE_URL=postgres://… to run it)"
        )
    import psycopg2

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_multiprocess"
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return url.rsplit("/", 1)[0] + f"/{name}"


def flushed_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis at {REDIS_URL} ({error}); start redis-server to run it")
    return REDIS_URL


@pytest.fixture(params=["each process's memory", "shared Redis"])
def deployment(request, tmp_path):
    """The running deployment: ``(servers by name, environment for manage.py)``."""
    mail = tmp_path / "mail"
    mail.mkdir()
    env = {
        **PRODUCTION,
        "DATABASE_URL": recreated_database(),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(mail),
    }
    if request.param == "shared Redis":
        env["DJANGO_CACHE_URL"] = flushed_redis()
    servers: dict[str, Server] = {}
    try:
        for name, command, own, port in deployment_processes(sys.executable):
            servers[name] = start(name, command, environment(**env, **own), port, tmp_path)
        yield servers, env
    finally:
        for server in reversed(servers.values()):
            stop(server)


def manage(env: dict, *args: str) -> str:
    result = run_manage(*args, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def page(server: Server, path: str) -> tuple[int, str | None, str]:
    """(status, X-Coalition-Cache, body) of an anonymous GET."""
    status, headers, body = get(server.base + path)
    return status, headers.get(HEADER), body.decode()


def cached(server: Server, path: str) -> str:
    """``path``'s body once ``server`` serves it from its page cache (with several workers
    and a cache in each one's memory, once the worker that answers has stored it)."""
    states = []
    for _ in range(20):
        status, state, body = page(server, path)
        assert status == 200, f"{server.name}{path}: {status}"
        states.append(state)
        if state == "hit":
            return body
    pytest.fail(f"{server.name}{path} never came from the cache: {states}")


def overlap_slugs(server: Server) -> dict[str, int | None]:
    status, _, body = get(server.base + "/api/movements/fight-for-15/overlaps/")
    assert status == 200
    return {o["movement"]: o["shared_members"] for o in json.loads(body)["results"]}


def map_nodes(server: Server) -> set[str]:
    status, _, body = get(server.base + "/map/graph.json")
    assert status == 200
    return {node["id"] for node in json.loads(body)["nodes"]}


@pytest.mark.postgres
def test_writes_from_the_cli_and_one_server_are_seen_through_the_other(deployment, tmp_path):
    servers, env = deployment
    serve, web = servers["serve"], servers["web"]
    network = tmp_path / "network.json"
    network.write_text(json.dumps(NETWORK))
    manage(env, "import_network", str(network))
    manage(env, "shell", "--no-imports", "-c", EVENT_AND_USER)
    token = manage(env, "drf_create_token", "rsvper").split()[2]
    # Both servers have computed and stored everything the writes below will change.
    for server in (serve, web):
        assert "Food Justice" in cached(server, "/movements/")
        assert "0 going" in cached(server, "/events/")
        assert overlap_slugs(server) == {"food-justice": 1}
        assert "movement:tenant-unions" not in map_nodes(server)
    assert page(web, "/movements/tenant-unions/")[0] == 404

    # A write through the CLI: a movement, and an engagement that ties it to another.
    manage(env, "shell", "--no-imports", "-c", NEW_MOVEMENT)

    status, state, body = page(web, "/movements/")
    assert (status, state) == (200, "miss")
    assert "Tenant Unions" in body
    assert page(web, "/movements/tenant-unions/")[0] == 200
    assert "movement:tenant-unions" in map_nodes(web)
    assert overlap_slugs(web) == {"food-justice": 1, "tenant-unions": 1}
    for _ in range(4):  # either of make serve's two workers answers
        assert "Tenant Unions" in page(serve, "/movements/")[2]
        assert "movement:tenant-unions" in map_nodes(serve)

    # A write through the first server: an RSVP made with a DRF token.
    status, _, body = get(
        serve.base + "/api/events/wages-potluck/rsvp/",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        data=b"{}",
    )
    assert (status, json.loads(body)["status"]) == (201, "going")

    status, state, body = page(web, "/events/")
    assert (status, state) == (200, "miss")
    assert "1 going" in body
    assert json.loads(get(web.base + "/api/events/wages-potluck/")[2])["going_count"] == 1


def api(server: Server, method: str, path: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        server.base + path,
        data=b"{}" if method == "POST" else None,
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def mails_to(folder: Path, address: str) -> list[str]:
    """The mails the file backend wrote to ``folder`` for ``address``."""
    texts = [path.read_text(errors="replace") for path in sorted(folder.glob("*.log"))]
    return [text for text in texts if f"To: {address}" in text]


@pytest.mark.postgres
def test_a_promotion_mail_leaves_through_the_worker_not_the_request(deployment, tmp_path):
    """A cancellation frees the one place: the waitlisted person is promoted in the
    request, and their mail is written by make serve's task worker afterwards (the web
    processes only queue it)."""
    servers, env = deployment
    serve, web = servers["serve"], servers["web"]
    folder = Path(env["DJANGO_EMAIL_FILE_PATH"])
    network = tmp_path / "network.json"
    network.write_text(json.dumps(NETWORK))
    manage(env, "import_network", str(network))
    manage(env, "shell", "--no-imports", "-c", ONE_PLACE)
    first = manage(env, "drf_create_token", "first").split()[2]
    second = manage(env, "drf_create_token", "second").split()[2]
    assert api(web, "POST", "/api/events/tiny-potluck/rsvp/", first)[1]["status"] == "going"
    assert api(web, "POST", "/api/events/tiny-potluck/rsvp/", second)[1]["status"] == (
        "waitlisted"
    )

    cancelled_at = time.monotonic()
    status, body = api(serve, "DELETE", "/api/events/tiny-potluck/rsvp/", first)
    assert (status, body["status"]) == (200, "cancelled")
    assert api(web, "GET", "/api/events/tiny-potluck/rsvp/", second)[1]["status"] == "going"

    def promotion_mails() -> list[str]:
        # The second person also got the mail confirming their place on the waitlist.
        return [
            text
            for text in mails_to(folder, "second@example.org")
            if "Subject: You're in: Tiny Potluck" in text
        ]

    deadline = cancelled_at + 60
    while not promotion_mails() and time.monotonic() < deadline:
        try:  # a short wait on make serve that notices if it died
            serve.process.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"make serve exited:\n{serve.log_tail()}")
    [promoted] = promotion_mails()
    took = time.monotonic() - cancelled_at
    assert "Tiny Potluck" in promoted
    # The worker sent it: its log names the task; the request's process never sends.
    assert "send_mails" in serve.log.read_text(errors="replace"), serve.log_tail()
    print(f"promotion mail left {took:.2f} s after the cancellation")


# --- make run ---------------------------------------------------------------------------


@pytest.fixture
def make_run(tmp_path):
    """runserver as ``make run`` starts it (development settings, no extra service), on a
    SQLite file of its own: ``(server, environment for manage.py)``."""
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    manage(env, "migrate", "--noinput")
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    server = start("runserver", command, environment(**env), port, tmp_path)
    try:
        yield server, env
    finally:
        stop(server)


def test_make_run_shows_a_movement_created_from_the_shell_on_the_next_request(make_run):
    """Issue 13's measured bug: the movement was missing from /movements/ on the next
    request (``X-Coalition-Cache: hit``)."""
    server, env = make_run
    assert "Tenant Unions" not in cached(server, "/movements/")

    manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from movements.models import Movement; "
        "Movement.objects.create(slug='tenant-unions', name='Tenant Unions')",
    )
    status, state, body = page(server, "/movements/")

    assert (status, state) == (200, "miss")
    assert "Tenant Unions" in body
