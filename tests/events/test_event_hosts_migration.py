"""The migration that gives hosts a movement and a status keeps every existing host as a
confirmed host standing for the first (by slug) of the event's movements its organization
takes part in, else the event's first movement; suggested hosts of proposals get the same
rule and their stored order as rank."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("events", "0006_event_invitations"), ("movements", "0005_member_invites")]
AFTER = [("events", "0007_event_hosts")]


@pytest.mark.django_db(transaction=True)
def test_existing_hosts_become_confirmed_hosts_of_a_movement_they_take_part_in():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Movement = old.get_model("movements", "Movement")
    Organization = old.get_model("movements", "Organization")
    Participation = old.get_model("movements", "Participation")
    Event, Proposal = old.get_model("events", "Event"), old.get_model("events", "Proposal")
    wages, food = (Movement.objects.create(name=slug, slug=slug) for slug in ("wages", "food"))
    union, gardens, friends = (
        Organization.objects.create(name=slug, slug=slug)
        for slug in ("union", "gardens", "friends")
    )
    Participation.objects.create(organization=union, movement=wages, role="lead")
    Participation.objects.create(organization=gardens, movement=food, role="lead")
    start = timezone.now() + datetime.timedelta(days=7)
    potluck = Event.objects.create(
        title="Potluck",
        slug="potluck",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    potluck.movements.set([wages, food])
    potluck.hosts.set([union, gardens, friends])
    proposal = Proposal.objects.create(identity="potluck:x", kind="potluck", title="Potluck")
    proposal.movements.set([wages, food])
    # Stored in this order (``set()`` would add them in the order of a set of ids).
    Suggested = Proposal.organizations.through
    for organization in (gardens, union, friends):
        Suggested.objects.create(proposal=proposal, organization=organization)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    EventHost = new.get_model("events", "EventHost")
    ProposalHost = new.get_model("events", "ProposalHost")
    hosts = sorted(EventHost.objects.values_list("organization__slug", "movement__slug", "status"))
    suggested = sorted(
        ProposalHost.objects.values_list("organization__slug", "movement__slug", "rank")
    )

    # "friends" takes part in neither: the first movement by slug (food).
    assert hosts == [
        ("friends", "food", "confirmed"),
        ("gardens", "food", "confirmed"),
        ("union", "wages", "confirmed"),
    ]
    assert suggested == [("friends", "food", 2), ("gardens", "food", 1), ("union", "wages", 1)]
    EventHost.objects.all().delete()
    ProposalHost.objects.all().delete()
    new.get_model("events", "Event").objects.all().delete()
    new.get_model("events", "Proposal").objects.all().delete()
    # Back to the latest schema (later migrations were unapplied on the way down).
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
