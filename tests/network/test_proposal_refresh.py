"""Proposals follow directory edits and imports on the task worker: one refresh for a
burst of edits, 30 seconds after the first; an edit made while it computes gets another;
with the immediate backend (``make run``) it runs at commit, once per transaction."""

import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.tasks.signals import task_started
from django.utils import timezone

from events.models import Proposal
from events.services import rsvp_check_in
from movements.exchange import network_import
from network.tasks import DEBOUNCE_KEY, refresh_proposals
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RSVPFactory,
)
from tests.helpers import held_yesterday
from worker.debounce import PREFIX

pytestmark = pytest.mark.django_db

BURST = datetime.timedelta(seconds=30)


def refreshes(task_queue) -> list:
    return task_queue.enqueued("refresh_proposals")


def test_three_directory_edits_in_a_burst_enqueue_one_refresh(
    task_queue, django_capture_on_commit_callbacks
):
    movement = MovementFactory(slug="fight-for-15")
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        movement.summary = "Fast-food workers for $15 and a union."
        movement.save(update_fields=["summary"])
    with django_capture_on_commit_callbacks(execute=True):
        OrganizationFactory(slug="local-1021")
    with django_capture_on_commit_callbacks(execute=True):
        EngagementFactory(movement=movement)

    [refresh] = refreshes(task_queue)
    assert refresh.args == []
    assert before + BURST <= refresh.task.run_after <= timezone.now() + BURST


def test_an_edit_after_the_refresh_started_gets_another(
    task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        MovementFactory()
    task_queue.run(now=timezone.now() + BURST)

    with django_capture_on_commit_callbacks(execute=True):
        MovementFactory()

    assert len(refreshes(task_queue)) == 2


def test_the_refresh_recomputes_the_proposals_and_ends_the_burst(proposal_network):
    Proposal.objects.all().delete()
    cache.set(PREFIX + DEBOUNCE_KEY, True)

    result = refresh_proposals.call()

    assert result["created"] == Proposal.objects.count() > 0
    assert cache.get(PREFIX + DEBOUNCE_KEY) is None


def test_writes_in_one_transaction_ask_once_and_run_at_commit_with_the_immediate_backend(
    django_capture_on_commit_callbacks,
):
    started = []

    def record(sender, task_result, **kwargs):
        started.append(task_result.task.name)

    task_started.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            movement = MovementFactory()
            ParticipationFactory(movement=movement)
            EngagementFactory(movement=movement)
    finally:
        task_started.disconnect(record)

    assert started == ["refresh_proposals"]


def test_a_rolled_back_edit_leaves_the_next_edit_its_refresh(
    task_queue, django_capture_on_commit_callbacks
):
    class Refused(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):  # noqa: SIM117
        with transaction.atomic():
            MovementFactory()
            raise Refused
    assert refreshes(task_queue) == []

    with django_capture_on_commit_callbacks(execute=True):
        MovementFactory()

    assert len(refreshes(task_queue)) == 1


def test_a_persons_own_record_asks_no_refresh(task_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member = MemberFactory()
        member.name = "Ada Okafor"
        member.save(update_fields=["name"])

    assert refreshes(task_queue) == []


def test_an_import_asks_for_one_refresh(task_queue, django_capture_on_commit_callbacks):
    document = {
        "themes": [{"slug": "climate", "name": "Climate"}],
        "movements": [
            {"slug": "refinery-watch", "name": "Refinery watch", "sector": "environmental"},
            {"slug": "rail-strike", "name": "Rail strike", "sector": "labor"},
        ],
    }

    with django_capture_on_commit_callbacks(execute=True):
        network_import(document=document)

    assert len(refreshes(task_queue)) == 1


def test_a_check_in_asks_for_a_refresh(task_queue, django_capture_on_commit_callbacks):
    event = held_yesterday(EventFactory(movements=[MovementFactory()]))
    rsvp = RSVPFactory(event=event, status="going")

    with django_capture_on_commit_callbacks(execute=True):
        rsvp_check_in(rsvp=rsvp)

    assert len(refreshes(task_queue)) == 1
