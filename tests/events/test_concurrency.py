"""What only PostgreSQL can show: row locks under simultaneous requests.

Real threads, each with its own database connection, released together by a barrier.
On SQLite these tests are skipped (it has no row locks to test)."""

import datetime
import functools
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.test import Client, override_settings
from rest_framework.test import APIClient

from events.models import RSVP, Event, EventHost, EventInvitation, HostStatus, RSVPStatus
from events.services import (
    EventBusy,
    HostConflict,
    event_host_confirm,
    event_host_decline,
    event_host_invite,
    event_host_withdraw,
    event_outreach_send,
    rsvp_cancel,
    rsvp_create,
    rsvp_request,
    send_due_reminders,
)
from movements.models import Member
from tests.factories import (
    EngagementFactory,
    EventFactory,
    EventHostFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RSVPFactory,
    UserFactory,
)
from tests.helpers import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL row locks; this run uses {connection.vendor} "
            "(set DATABASE_URL=postgres://… to run it)"
        )


def test_fifty_simultaneous_rsvps_fill_ten_places_exactly_and_promote_in_order():
    event = EventFactory(capacity=10)
    members = MemberFactory.create_batch(50)

    _, errors = run_at_once(
        [lambda member=member: rsvp_create(event=event, member=member) for member in members]
    )

    assert errors == []
    rsvps = RSVP.objects.filter(event=event)
    assert Counter(rsvps.values_list("status", flat=True)) == {
        RSVPStatus.GOING: 10,
        RSVPStatus.WAITLISTED: 40,
    }
    going = list(rsvps.going().in_queue_order())
    waitlisted = list(rsvps.waitlisted().in_queue_order())
    # Places went to whoever got the lock first: nobody going joined after anyone waiting.
    assert max(rsvp.created_at for rsvp in going) <= min(rsvp.created_at for rsvp in waitlisted)

    _, errors = run_at_once([lambda rsvp=rsvp: rsvp_cancel(rsvp=rsvp) for rsvp in going[:3]])

    assert errors == []
    assert rsvps.going().count() == 10
    assert rsvps.waitlisted().count() == 37
    promoted = set(
        rsvps.going().exclude(pk__in=[r.pk for r in going]).values_list("pk", flat=True)
    )
    assert promoted == {rsvp.pk for rsvp in waitlisted[:3]}


def test_simultaneous_double_submissions_make_one_rsvp():
    event = EventFactory(capacity=10)
    member = MemberFactory()

    results, errors = run_at_once([lambda: rsvp_create(event=event, member=member)] * 10)

    assert errors == []
    assert RSVP.objects.filter(event=event).count() == 1
    assert {rsvp.pk for rsvp in results} == {RSVP.objects.get(event=event).pk}
    assert RSVP.objects.get(event=event).status == RSVPStatus.GOING


def test_simultaneous_rsvps_without_an_account_fill_the_places_exactly():
    """Issue 15: RSVPs by name and email take the same lock as anyone's."""
    event = EventFactory(capacity=10)
    RSVPFactory(event=event, guests=1)  # 2 places taken

    _, errors = run_at_once(
        [
            lambda n=n: rsvp_request(
                event=event, name=f"Person {n}", email=f"person{n}@example.org", guests=n % 2
            )
            for n in range(30)
        ]
    )

    assert errors == []
    rsvps = RSVP.objects.filter(event=event)
    taken = sum(rsvp.places for rsvp in rsvps.going())
    assert taken <= 10
    # Nobody waits while a party of theirs would still fit.
    assert all(rsvp.places > 10 - taken for rsvp in rsvps.waitlisted())
    assert rsvps.count() == 31
    assert Member.objects.filter(key__startswith="rsvp-").count() == 30


def test_simultaneous_rsvps_with_one_new_address_make_one_person_and_one_rsvp():
    event = EventFactory(capacity=10)

    _, errors = run_at_once(
        [lambda: rsvp_request(event=event, name="Sam", email="sam@example.org")] * 10
    )

    assert errors == []
    assert Member.objects.filter(email__iexact="sam@example.org").count() == 1
    assert RSVP.objects.filter(event=event).count() == 1


@override_settings(COALITION_RSVP_PER_IP_PER_HOUR=1000)
def test_simultaneous_anonymous_api_rsvps_never_overbook():
    event = EventFactory(capacity=5, slug="crowded")

    def post(n):
        return APIClient().post(
            "/api/events/crowded/rsvp/",
            {"name": f"P{n}", "email": f"p{n}@example.org"},
            format="json",
        )

    results, errors = run_at_once([functools.partial(post, n) for n in range(20)])

    assert errors == []
    assert Counter(response.status_code for response in results) in (
        {202: 20},
        # A request that waited longer than the lock timeout is refused, changing nothing.
        *({202: 20 - k, 409: k} for k in range(1, 20)),
    )
    assert RSVP.objects.filter(event=event).going().count() == 5


def test_simultaneous_reminder_runs_remind_each_person_once(now):
    starts = now + datetime.timedelta(hours=3)
    event = EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    RSVPFactory.create_batch(20, event=event, status=RSVPStatus.GOING)
    mail.outbox = []

    results, errors = run_at_once([functools.partial(send_due_reminders, now=now)] * 4)

    assert errors == []
    assert sum(results) == 20
    assert len(mail.outbox) == 20
    assert len({message.to[0] for message in mail.outbox}) == 20
    assert RSVP.objects.filter(reminded_at__isnull=True).count() == 0


def test_simultaneous_outreach_runs_invite_each_member_once():
    first, second = MovementFactory(), MovementFactory()
    event = EventFactory(movements=[first, second])
    for movement in (first, second):  # a confirmed host for each movement: joint
        EventHostFactory(event=event, movement=movement, status="confirmed")
    for n in range(20):  # roster members who opted in through the import
        member = MemberFactory(invites=True)
        EngagementFactory(member=member, movement=first if n % 2 else second)
    mail.outbox = []

    results, errors = run_at_once([functools.partial(event_outreach_send, event=event)] * 4)

    assert errors == []
    assert sorted(len(invitations) for invitations in results) == [0, 0, 0, 20]
    assert EventInvitation.objects.filter(event=event).count() == 20
    assert len(mail.outbox) == 20
    assert len({message.to[0] for message in mail.outbox}) == 20


def hold_event_lock(event: Event, *, locked: threading.Event, release: threading.Event):
    """Start a thread that locks ``event``'s row in a transaction, sets ``locked`` and keeps
    the lock until ``release`` is set (or 60 seconds pass)."""

    def hold():
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event.pk)
                locked.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    return thread


@override_settings(COALITION_LOCK_TIMEOUT_SECONDS=0.2)
def test_rsvp_waiting_too_long_for_the_event_lock_is_refused_as_busy_and_writes_nothing():
    event = EventFactory(capacity=10, slug="busy-potluck")
    member = MemberFactory()
    user = UserFactory()
    MemberFactory(user=user)
    page, api = Client(), APIClient()
    page.force_login(user)
    api.force_authenticate(user)
    locked, release = threading.Event(), threading.Event()
    holder = hold_event_lock(event, locked=locked, release=release)
    try:
        assert locked.wait(timeout=30), "the lock holder never got the lock"

        with pytest.raises(EventBusy) as refused:
            rsvp_create(event=event, member=member)
        api_response = api.post("/api/events/busy-potluck/rsvp/", {}, format="json")
        page_response = page.post("/events/busy-potluck/rsvp/", {"guests": "0"})
    finally:
        release.set()
        holder.join(timeout=60)
    assert not holder.is_alive(), "the lock holder hung"

    busy = "Many people are changing RSVPs for this event right now; please try again."
    assert str(refused.value) == busy
    assert (api_response.status_code, api_response.json()) == (409, {"detail": busy})
    assert page_response.status_code == 409
    assert busy in page_response.text
    assert RSVP.objects.count() == 0
    # Once the lock is free, the same RSVP goes through.
    assert rsvp_create(event=event, member=member).status == RSVPStatus.GOING


# --- hosts (issue 14 b) --------------------------------------------------------------------


def hosts_world():
    """An event between two movements hosted by one organization, and an organization of
    the other movement with an organizer."""
    fight, food = MovementFactory(slug="fight"), MovementFactory(slug="food")
    union, gardens = OrganizationFactory(slug="union"), OrganizationFactory(slug="gardens")
    ParticipationFactory(organization=union, movement=fight)
    ParticipationFactory(organization=gardens, movement=food)
    event = EventFactory(movements=[fight, food], hosts=[union])
    return event, union, gardens, food


def test_simultaneous_invitations_of_one_organization_make_one():
    event, _, gardens, food = hosts_world()

    results, errors = run_at_once(
        [
            lambda: event_host_invite(event=event, organization=gardens, movement=food, by=None)
            for _ in range(8)
        ]
    )

    assert EventHost.objects.filter(event=event, organization=gardens).count() == 1
    assert [type(error) for error in errors] == [HostConflict] * 7
    assert len([result for result in results if result is not None]) == 1


def test_a_simultaneous_confirm_and_decline_give_one_answer():
    event, _, gardens, food = hosts_world()
    host = event_host_invite(event=event, organization=gardens, movement=food, by=None)

    results, errors = run_at_once(
        [
            lambda: event_host_confirm(host=host, by=None),
            lambda: event_host_decline(host=host, by=None),
        ]
    )

    assert [type(error) for error in errors] == [HostConflict]
    [answered] = [result for result in results if result is not None]
    assert EventHost.objects.get(pk=host.pk).status == answered.status


def test_two_last_hosts_leaving_at_once_leave_one():
    event, union, gardens, food = hosts_world()
    host = event_host_invite(event=event, organization=gardens, movement=food, by=None)
    event_host_confirm(host=host, by=None)
    both = list(EventHost.objects.filter(event=event))

    _, errors = run_at_once(
        [lambda row=row: event_host_withdraw(host=row, by=None) for row in both]
    )

    assert [type(error) for error in errors] == [HostConflict]
    assert EventHost.objects.filter(event=event, status=HostStatus.CONFIRMED).count() == 1


@override_settings(COALITION_LOCK_TIMEOUT_SECONDS=0.2)
def test_answering_while_the_event_is_locked_is_refused_as_busy():
    event, _, gardens, food = hosts_world()
    host = event_host_invite(event=event, organization=gardens, movement=food, by=None)
    curator = UserFactory(is_staff=True, is_superuser=True)
    page, api = Client(), APIClient()
    page.force_login(curator)
    api.force_authenticate(curator)
    locked, release = threading.Event(), threading.Event()
    holder = hold_event_lock(event, locked=locked, release=release)
    try:
        assert locked.wait(timeout=30), "the lock holder never got the lock"
        url = f"{event.slug}/hosts/gardens/confirm/"
        api_response = api.post(f"/api/events/{url}")
        page_response = page.post(f"/events/{url}")
    finally:
        release.set()
        holder.join(timeout=60)
    assert not holder.is_alive(), "the lock holder hung"

    busy = "Many people are changing RSVPs for this event right now; please try again."
    assert (api_response.status_code, api_response.json()) == (409, {"detail": busy})
    assert page_response.status_code == 409
    assert EventHost.objects.get(pk=host.pk).status == HostStatus.INVITED
