"""The migration that adds ``Event.link_key`` gives every existing event its own key."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("events", "0002_proposals")]
AFTER = [("events", "0003_event_link_key")]


@pytest.mark.django_db(transaction=True)
def test_existing_events_get_distinct_keys():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("events", "Event")
    start = timezone.now() + datetime.timedelta(days=7)
    for n in range(3):
        old.objects.create(
            title=f"Old {n}", slug=f"old-{n}", starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("events", "Event")
    keys = list(new.objects.filter(slug__startswith="old-").values_list("link_key", flat=True))

    assert len(set(keys)) == 3
    assert all(len(key) >= 22 for key in keys)
    new.objects.filter(slug__startswith="old-").delete()
    # Back to the latest schema (later migrations were unapplied on the way down).
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
