"""Every event gets its own private-link secret: the column is added empty, each existing
event gets a distinct ``secrets.token_urlsafe(16)``, then the column becomes required and
unique (adding it with the callable default would give every existing row the same key)."""

import secrets

from django.db import migrations, models

import events.models


def fill_link_keys(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    for event in Event.objects.filter(link_key__isnull=True).only("pk").iterator():
        event.link_key = secrets.token_urlsafe(16)
        event.save(update_fields=["link_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_proposals"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="link_key",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(fill_link_keys, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="event",
            name="link_key",
            field=models.CharField(
                default=events.models.new_link_key,
                editable=False,
                help_text="The secret in a private event's link (/events/<slug>/?key=…).",
                max_length=64,
                unique=True,
            ),
        ),
    ]
