"""Hosts with a movement and a status (issue 14 b): ``Event.hosts`` and
``Proposal.organizations`` get explicit through models, ``EventHost`` (the movement the
organization stands for; invited, confirmed or declined) and ``ProposalHost`` (the
movement a host was suggested for, and its rank).

Existing hosts were all confirmed: each becomes a confirmed host standing for the first
(by slug) of the event's movements the organization takes part in (a Participation), else
for the event's first movement. Existing suggested hosts get the first of the proposal's
movements they take part in the same way, ranked in the order they were stored; the next
proposal refresh writes the engine's own choice for open proposals.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def _first_movement(organization_id, movement_ids, takes_part):
    """The first of ``movement_ids`` (in slug order) ``organization_id`` takes part in,
    else the first of them."""
    for movement_id in movement_ids:
        if (organization_id, movement_id) in takes_part:
            return movement_id
    return movement_ids[0]


def _movements_by_owner(through, owner_column, slugs):
    found = {}
    rows = through.objects.order_by().values_list(owner_column, "movement_id")
    for owner_id, movement_id in rows:
        found.setdefault(owner_id, []).append(movement_id)
    return {
        owner_id: sorted(ids, key=lambda pk: (slugs[pk], pk)) for owner_id, ids in found.items()
    }


def copy_hosts(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Proposal = apps.get_model("events", "Proposal")
    EventHost = apps.get_model("events", "EventHost")
    ProposalHost = apps.get_model("events", "ProposalHost")
    Movement = apps.get_model("movements", "Movement")
    Participation = apps.get_model("movements", "Participation")

    slugs = dict(Movement.objects.values_list("pk", "slug"))
    takes_part = set(
        Participation.objects.order_by().values_list("organization_id", "movement_id")
    )

    event_movements = _movements_by_owner(Event.movements.through, "event_id", slugs)
    rows = []
    old = Event.hosts.through.objects.order_by("pk").values_list("event_id", "organization_id")
    for event_id, organization_id in old.iterator():
        movements = event_movements.get(event_id)
        if not movements:  # an event always has a movement; nothing to stand for otherwise
            continue
        rows.append(
            EventHost(
                event_id=event_id,
                organization_id=organization_id,
                movement_id=_first_movement(organization_id, movements, takes_part),
                status="confirmed",
            )
        )
        if len(rows) >= BATCH:
            EventHost.objects.bulk_create(rows)
            rows = []
    EventHost.objects.bulk_create(rows)

    proposal_movements = _movements_by_owner(Proposal.movements.through, "proposal_id", slugs)
    rows, ranks = [], {}
    old = Proposal.organizations.through.objects.order_by("pk").values_list(
        "proposal_id", "organization_id"
    )
    for proposal_id, organization_id in old.iterator():
        movements = proposal_movements.get(proposal_id)
        if not movements:
            continue
        movement_id = _first_movement(organization_id, movements, takes_part)
        rank = ranks[(proposal_id, movement_id)] = ranks.get((proposal_id, movement_id), 0) + 1
        rows.append(
            ProposalHost(
                proposal_id=proposal_id,
                organization_id=organization_id,
                movement_id=movement_id,
                rank=rank,
            )
        )
    ProposalHost.objects.bulk_create(rows, batch_size=BATCH)


def copy_hosts_back(apps, schema_editor):
    """Back to plain links: confirmed hosts only (invitations have no place there)."""
    Event = apps.get_model("events", "Event")
    Proposal = apps.get_model("events", "Proposal")
    EventHost = apps.get_model("events", "EventHost")
    ProposalHost = apps.get_model("events", "ProposalHost")
    Event.hosts.through.objects.bulk_create(
        [
            Event.hosts.through(event_id=event_id, organization_id=organization_id)
            for event_id, organization_id in EventHost.objects.filter(status="confirmed")
            .order_by("pk")
            .values_list("event_id", "organization_id")
        ],
        batch_size=BATCH,
    )
    Proposal.organizations.through.objects.bulk_create(
        [
            Proposal.organizations.through(proposal_id=proposal_id, organization_id=org_id)
            for proposal_id, org_id in ProposalHost.objects.order_by("pk").values_list(
                "proposal_id", "organization_id"
            )
        ],
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_event_invitations"),
        ("movements", "0003_member_email_verification"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EventHost",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("invited", "Invited"),
                            ("confirmed", "Confirmed"),
                            ("declined", "Declined"),
                        ],
                        default="confirmed",
                        max_length=20,
                    ),
                ),
                ("invited_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decided_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the invitation was confirmed or declined.",
                        null=True,
                    ),
                ),
                (
                    "reminded_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the unanswered invitation was reminded.",
                        null=True,
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="event_hosts",
                        to="events.event",
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "movement",
                    models.ForeignKey(
                        help_text="The event's movement this organization stands for.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="movements.movement",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="event_hosts",
                        to="movements.organization",
                    ),
                ),
            ],
            options={
                "verbose_name": "event host",
                "ordering": ["pk"],
                "indexes": [
                    models.Index(fields=["status", "invited_at"], name="event_host_pending")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("event", "organization"),
                        name="event_host_once_per_event",
                        violation_error_message=(
                            "This organization is already a host of this event."
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ProposalHost",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "rank",
                    models.PositiveSmallIntegerField(
                        default=1, help_text="1 for the first suggested host of its movement."
                    ),
                ),
                (
                    "movement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="movements.movement",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposal_hosts",
                        to="movements.organization",
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="suggested_hosts",
                        to="events.proposal",
                    ),
                ),
            ],
            options={
                "verbose_name": "suggested host",
                "ordering": ["rank", "movement__name", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("proposal", "organization"), name="proposal_host_once"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_hosts, copy_hosts_back, elidable=False),
        migrations.RemoveField(model_name="event", name="hosts"),
        migrations.RemoveField(model_name="proposal", name="organizations"),
        migrations.AddField(
            model_name="event",
            name="hosts",
            field=models.ManyToManyField(
                help_text=(
                    "Organizations hosting the event or invited to, each standing for one "
                    "of its movements (EventHost, with the status); confirmed hosts' "
                    "organizers manage it."
                ),
                related_name="hosted_events",
                through="events.EventHost",
                to="movements.organization",
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="organizations",
            field=models.ManyToManyField(
                blank=True,
                help_text="Suggested hosts: one or two per movement (ProposalHost, ranked).",
                related_name="proposals",
                through="events.ProposalHost",
                to="movements.organization",
            ),
        ),
    ]
