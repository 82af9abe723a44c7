"""The migration that adds ``RSVP.told_movements`` takes every existing RSVP to have been
told about its event's movements as they are."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("events", "0004_event_messages"), ("movements", "0002_bounded_dates")]
AFTER = [("events", "0005_rsvp_told_movements")]


@pytest.mark.django_db(transaction=True)
def test_existing_rsvps_are_told_their_events_movements():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Movement, Member = old.get_model("movements", "Movement"), old.get_model("movements", "Member")
    Event, RSVP = old.get_model("events", "Event"), old.get_model("events", "RSVP")
    wages, food, climate = (
        Movement.objects.create(name=slug.title(), slug=slug)
        for slug in ("wages", "food", "climate")
    )
    start = timezone.now() + datetime.timedelta(days=7)
    soup, panel = (
        Event.objects.create(
            title=slug.title(),
            slug=slug,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )
        for slug in ("soup", "panel")
    )
    soup.movements.set([wages, food])
    panel.movements.set([climate])
    ada, bo = (Member.objects.create(key=key, name=key) for key in ("m-ada", "m-bo"))
    for event, member in [(soup, ada), (soup, bo), (panel, ada)]:
        RSVP.objects.create(event=event, member=member, created_at=start)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("events", "RSVP")
    told = sorted(
        new.told_movements.through.objects.values_list(
            "rsvp__event__slug", "rsvp__member__key", "movement__slug"
        )
    )

    assert told == [
        ("panel", "m-ada", "climate"),
        ("soup", "m-ada", "food"),
        ("soup", "m-ada", "wages"),
        ("soup", "m-bo", "food"),
        ("soup", "m-bo", "wages"),
    ]
    new.objects.all().delete()
    # Back to the latest schema (later migrations were unapplied on the way down).
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
