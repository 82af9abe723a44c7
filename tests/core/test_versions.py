"""Where the cache versions live (core/cache.py): in the database, where every process sees
them. Read in one query, at most once per request; a write bumps them when it happens and
again at commit; a number is never handed out twice; ``migrate`` moves them past the clock.

The cross-process tests write from ``manage.py`` in a fresh interpreter and read through
this process: they need a database both can open (PostgreSQL; the SQLite test database
lives in this process's memory), and are skipped with a reason on SQLite.
"""

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import cache
from core.pagecache import HEADER
from network.overlaps import all_overlaps
from tests.factories import EngagementFactory, MemberFactory, MovementFactory
from tests.helpers import database_url, run_manage

pytestmark = pytest.mark.django_db


def version_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "_version" in q["sql"]]


def test_both_versions_are_read_in_one_query():
    with CaptureQueriesContext(connection) as queries:
        found = cache.all_versions()

    assert len(queries) == 1
    assert sorted(found) == ["events", "network"]


def test_a_request_reads_the_versions_once_and_its_own_bumps():
    cache.request_started()
    try:
        with CaptureQueriesContext(connection) as queries:
            network, events = cache.versions(("network", "events"))
            assert cache.versions(("network",)) == (network,)
            bumped = cache.bump_network_version()
            after = cache.versions(("network", "events"))
    finally:
        cache.request_finished()

    assert len(version_queries(queries)) == 2  # the read and the bump
    assert bumped > network
    assert after == (bumped, events)


def test_outside_a_request_every_read_asks_the_database():
    first = cache.network_version()
    with CaptureQueriesContext(connection) as queries:
        cache.network_version()
        cache.network_version()

    assert len(queries) == 2
    assert cache.network_version() == first


def test_a_page_request_reads_the_versions_once(curator_client):
    """The movement page reads cached overlaps and insights several times: one read."""
    movement = MovementFactory(slug="fight-for-15")
    EngagementFactory(movement=movement, member=MemberFactory())

    with CaptureQueriesContext(connection) as queries:
        response = curator_client.get("/movements/fight-for-15/")

    assert response.status_code == 200
    assert len(version_queries(queries)) == 1


def test_a_rolled_back_version_is_never_handed_out_again():
    """A transaction that rolled back may have stored entries under the number it bumped
    to; no later write may reach that number again."""
    before = cache.network_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = cache.bump_network_version()
        raise RuntimeError

    after = cache.bump_network_version()

    assert before < rolled_back < after


def test_a_write_bumps_now_and_again_at_commit(django_capture_on_commit_callbacks):
    before = cache.network_version()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        MovementFactory(slug="fight-for-15")
        during = cache.network_version()
    for callback in callbacks:
        callback()

    assert before < during < cache.network_version()


def test_migrate_moves_the_versions_past_the_clock_and_never_back():
    clock = time.time_ns()

    cache.advance_versions()
    advanced = cache.all_versions()
    bumped = cache.bump_events_version()
    cache.advance_versions()

    assert min(advanced.values()) >= clock
    assert cache.events_version() >= bumped > advanced["events"]


# --- across processes -------------------------------------------------------------------


@pytest.fixture
def shared_database(transactional_db):
    """The test database as ``DATABASE_URL`` for ``manage.py`` in another process."""
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs a database another process can open; this run uses {connection.vendor} "
            "in memory (set DATABASE_URL=postgres://… to run it)"
        )
    return database_url(connection)


def shell(url: str, script: str) -> None:
    """Run ``script`` in ``manage.py shell`` in a fresh interpreter on ``url``'s database."""
    result = run_manage("shell", "--no-imports", "-c", script, DJANGO_DEBUG="1", DATABASE_URL=url)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.postgres
def test_a_movement_created_from_the_shell_shows_on_the_next_request(shared_database):
    """Issue 13's measured bug: on ``make run`` a movement created from ``manage.py shell``
    was missing from /movements/ on the next request (``X-Coalition-Cache: hit``)."""
    visitor = Client()
    assert visitor.get("/movements/")[HEADER] == "miss"
    assert visitor.get("/movements/")[HEADER] == "hit"

    shell(
        shared_database,
        "from movements.models import Movement; "
        "Movement.objects.create(slug='tenant-unions', name='Tenant Unions')",
    )
    response = visitor.get("/movements/")

    assert response[HEADER] == "miss"
    assert "Tenant Unions" in response.content.decode()


@pytest.mark.postgres
def test_engagements_added_from_another_process_reach_the_cached_overlaps(
    shared_database, curator_client
):
    for slug in ("a", "b"):
        MovementFactory(slug=slug, name=slug.upper())
    url = "/api/movements/a/overlaps/"
    assert curator_client.get(url).json()["results"] == []

    shell(
        shared_database,
        "from movements.models import Engagement, Member, Movement; "
        "member = Member.objects.create(key='m-cli', name='From the shell'); "
        "[Engagement.objects.create(member=member, movement=m) "
        "for m in Movement.objects.filter(slug__in=['a', 'b'])]",
    )
    overlaps = curator_client.get(url).json()["results"]

    assert [(o["movement"], o["shared_members"]) for o in overlaps] == [("b", 1)]


@pytest.mark.postgres
def test_a_read_made_while_a_write_commits_is_never_served_after_it(shared_database):
    """The protocol under real concurrency: another connection reads (and caches) the
    overlaps after the write bumped the version but before it committed, so on the old
    data; once the write has committed nobody gets that entry."""
    a, b = MovementFactory(slug="a", name="A"), MovementFactory(slug="b", name="B")
    today = datetime.date(2026, 11, 1)
    written, read = threading.Event(), threading.Event()
    seen_meanwhile = []

    def write():
        try:
            with transaction.atomic():
                member = MemberFactory(key="m-both")
                EngagementFactory(member=member, movement=a)
                EngagementFactory(member=member, movement=b)
                written.set()
                assert read.wait(timeout=30)
        finally:
            connections.close_all()

    def read_meanwhile():
        try:
            assert written.wait(timeout=30)
            seen_meanwhile.append(len(all_overlaps(today=today, curator=True)))
        finally:
            read.set()
            connections.close_all()

    threads = [threading.Thread(target=write), threading.Thread(target=read_meanwhile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert seen_meanwhile == [0]  # the uncommitted engagements were not there
    assert [o.shared_members for o in all_overlaps(today=today, curator=True)] == [1]
