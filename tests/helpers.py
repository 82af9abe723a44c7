"""Small helpers several test modules share: signed-in clients, organizers, the data the
event forms post, ``manage.py`` in a fresh interpreter, logging in a browser page and the
queue of tasks the worker would run.

Test modules import from here (and from tests/factories.py, tests/scenarios.py), never
from one another."""

import datetime
import os
import subprocess
import sys
import threading
from pathlib import Path

from django.db import connections
from django.tasks import TaskResult, default_task_backend
from django.test import Client
from django.utils import timezone

from movements.models import MembershipRole
from tests.factories import (
    MemberFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    days_from_now,
)

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"  # UserFactory's

# The roles the authorization tables try, in this order: nobody signed in; a member who
# organizes nothing; an organizer of an organization that does not host; an organizer of the
# host; a curator (staff superuser).
ROLES = ["anonymous", "member", "other_organizer", "host_organizer", "curator"]


def logged_in(user) -> Client:
    """A test client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def make_organizer(organization, username: str = "organizer", **member_fields):
    """A user whose Member organizes ``organization`` (an ongoing organizer Membership)."""
    user = UserFactory(username=username)
    member_fields.setdefault("key", f"m-{username}")
    member = MemberFactory(user=user, **member_fields)
    MembershipFactory(member=member, organization=organization, role=MembershipRole.ORGANIZER)
    return user


def add_hosts(event, *organizations, status: str = "confirmed") -> list:
    """Make ``organizations`` hosts of ``event`` (confirmed unless ``status`` says
    otherwise), each standing for the first of its movements it takes part in
    (``events.services.default_host_movement``). Returns the EventHost rows."""
    from events.models import EventHost
    from events.services import default_host_movement

    movements = list(event.movements.all())
    return [
        EventHost.objects.create(
            event=event,
            organization=organization,
            movement=default_host_movement(organization=organization, movements=movements),
            status=status,
            invited_at=timezone.now() if status != "confirmed" else None,
        )
        for organization in organizations
    ]


def held_yesterday(event):
    """Move ``event`` to yesterday, 18:00 to 21:00 local time, whatever the time of day the
    suite runs at: its check-in is open (until three days after the end), its RSVPs closed.
    Returns the event, reloaded."""
    starts_at = days_from_now(-1)
    type(event).objects.filter(pk=event.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3)
    )
    event.refresh_from_db()
    return event


def role_client(role: str, *, host, other) -> Client:
    """A client for one of ``ROLES``. The username is the role; the organizers organize
    ``host`` or ``other``; the member and the organizers have a Member named after it."""
    if role == "anonymous":
        return Client()
    if role == "curator":
        return logged_in(UserFactory(username="curator", is_staff=True, is_superuser=True))
    name = role.replace("_", " ").title()
    if role == "member":
        user = UserFactory(username=role)
        MemberFactory(user=user, name=name, key=f"m-{role}")
        return logged_in(user)
    organization = host if role == "host_organizer" else other
    return logged_in(make_organizer(organization, role, name=name))


# Who sees an organization's capacity warning (network.insights.measures): the ROLES, plus
# a plain member of the organization, one of its leaders and a former organizer of it.
ORGANIZATION_ROLES = [*ROLES, "organization_member", "leader", "former_organizer"]
SEES_CAPACITY_WARNING = {"host_organizer", "leader", "curator"}


def organization_viewer(role: str, organization) -> Client:
    """A client for one of ``ORGANIZATION_ROLES`` looking at ``organization``: the
    ``host_organizer`` (and the leader) organize it, the ``other_organizer`` another one,
    the ``organization_member`` belongs to it without organizing, the ``former_organizer``
    organized it until ten days ago."""
    if role in ROLES:
        return role_client(role, host=organization, other=OrganizationFactory())
    user = UserFactory(username=role)
    member = MemberFactory(user=user, name=role.replace("_", " ").title(), key=f"m-{role}")
    kind, until = {
        "organization_member": (MembershipRole.MEMBER, None),
        "leader": (MembershipRole.LEADER, None),
        "former_organizer": (
            MembershipRole.ORGANIZER,
            timezone.localdate() - datetime.timedelta(days=10),
        ),
    }[role]
    MembershipFactory(member=member, organization=organization, role=kind, until=until)
    return logged_in(user)


def event_form_data(movements, hosts, /, **overrides) -> dict:
    """What the organizers' event form (/events/new/, …/edit/) posts: a public conference
    ten days ahead, 18:00 to 21:30 local time, between ``movements``, hosted by ``hosts``;
    ``overrides`` replace fields (``hosts=[pk]`` too)."""
    day = days_from_now(10).date().isoformat()
    data = {
        "title": "Strikes and Blockades",
        "kind": "conference",
        "description": "Railroad workers and blockaders.",
        "movements": [movement.pk for movement in movements],
        "hosts": [host.pk for host in hosts],
        "starts_at": f"{day}T18:00",
        "ends_at": f"{day}T21:30",
        "venue": "Union hall",
        "address": "2 Rail Road, Oakland",
        "region": "",
        "online_link": "",
        "capacity": "40",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def admin_event_form_data(event, rsvps=(), **changes) -> dict:
    """What the admin change form posts for ``event`` (its hosts as they are, its RSVPs
    listed read-only)."""
    hosts = list(event.event_hosts.order_by("pk")) if event.pk else []
    starts = timezone.localtime(changes.pop("starts_at", event.starts_at))
    ends = timezone.localtime(changes.pop("ends_at", event.ends_at))
    data = {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "visibility": event.visibility,
        "description": event.description,
        "movements": [movement.pk for movement in event.movements.all()] if event.pk else [],
        "capacity": event.capacity or "",
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": starts.strftime("%H:%M:%S"),
        "ends_at_0": ends.strftime("%Y-%m-%d"),
        "ends_at_1": ends.strftime("%H:%M:%S"),
        "venue": event.venue,
        "address": event.address,
        "region": event.region_id or "",
        "online_link": event.online_link,
        "event_hosts-TOTAL_FORMS": len(hosts),
        "event_hosts-INITIAL_FORMS": len(hosts),
        "event_hosts-MIN_NUM_FORMS": 0,
        "event_hosts-MAX_NUM_FORMS": 1000,
        "rsvps-TOTAL_FORMS": len(rsvps),
        "rsvps-INITIAL_FORMS": len(rsvps),
        "rsvps-MIN_NUM_FORMS": 0,
        "rsvps-MAX_NUM_FORMS": 1000,
        "rsvps-2-TOTAL_FORMS": 0,
        "rsvps-2-INITIAL_FORMS": 0,
        "rsvps-2-MIN_NUM_FORMS": 0,
        "rsvps-2-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for index, host in enumerate(hosts):
        data[f"event_hosts-{index}-id"] = host.pk
        data[f"event_hosts-{index}-event"] = event.pk
        data[f"event_hosts-{index}-organization"] = host.organization_id
        data[f"event_hosts-{index}-movement"] = host.movement_id
        data[f"event_hosts-{index}-status"] = host.status
    for index, rsvp in enumerate(rsvps):
        data[f"rsvps-{index}-id"] = rsvp.pk
        data[f"rsvps-{index}-event"] = event.pk
    data.update(changes)
    return data


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py *args`` in a fresh interpreter with only ``env`` of the DJANGO_* and
    COALITION_* variables (the production settings, not the test ones)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COALITION_"))
    }
    environment["DJANGO_SETTINGS_MODULE"] = "coalition.settings"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def database_url(connection, name: str | None = None) -> str:
    """``DATABASE_URL`` for ``connection``'s PostgreSQL server and database (or ``name``
    on the same server), for ``manage.py`` and servers in other processes."""
    settings = connection.settings_dict
    user = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{user}@{host}:{port}/{name or settings['NAME']}"


def log_in(page, base_url: str, username: str, next_path: str = "") -> None:
    """Log a Playwright ``page`` in through the log-in form (UserFactory's password)."""
    page.goto(f"{base_url}/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


class Code(str):
    """An expected error given by its code (in a table that otherwise lists our messages):
    the wording is Django's or DRF's, not ours."""


def error_codes(errors) -> dict[str, list[str]]:
    """``{field: [code, …]}`` of a form's ``errors`` (Django's ErrorDict) or of a DRF
    response's ``data`` (ErrorDetail lists): which fields failed and why, without pinning
    Django's or DRF's English wording (our own messages are pinned where they are shown)."""
    if hasattr(errors, "as_data"):
        errors = errors.as_data()
    return {
        field: [error.code for error in field_errors] for field, field_errors in errors.items()
    }


class TaskQueue:
    """Django's DummyBackend, read and run: ``results`` are the tasks enqueued so far,
    ``run()`` runs those due as the worker does."""

    def __init__(self):
        self.done: set[str] = set()

    @property
    def results(self) -> list[TaskResult]:
        return list(default_task_backend.results)

    def enqueued(self, name: str) -> list[TaskResult]:
        """The tasks of the function ``name`` enqueued so far."""
        return [result for result in self.results if result.task.name == name]

    def waiting(self) -> list[TaskResult]:
        return [result for result in self.results if result.id not in self.done]

    def run(self, *, now: datetime.datetime | None = None) -> int:
        """Run every waiting task due at ``now`` (default: the clock), and those they
        enqueue, each once, in the order enqueued. Returns how many ran."""
        ran = 0
        while due := [
            result
            for result in self.waiting()
            if result.task.run_after is None or result.task.run_after <= (now or timezone.now())
        ]:
            for result in due:
                self.done.add(result.id)
                result.task.call(*result.args, **result.kwargs)
                ran += 1
        return ran


def run_at_once(calls: list) -> tuple[list, list[BaseException]]:
    """Run each zero-argument callable in its own thread (its own database connection), all
    released at the same moment by a barrier; return their results (in call order) and any
    exceptions raised. For the PostgreSQL concurrency tests."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, errors
