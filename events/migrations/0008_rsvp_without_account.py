"""RSVPs without an account (issue 15): the name typed with one, and the secret behind the
manage link mailed to the person.

Every existing RSVP gets its own manage key: a field added with a callable default would
give all existing rows the same value, so the column is added empty, filled row by row,
and only then given its default."""

import secrets

from django.db import migrations, models

import events.models


def give_each_rsvp_a_key(apps, schema_editor):
    RSVP = apps.get_model("events", "RSVP")
    rsvps = list(RSVP.objects.filter(manage_key="").only("pk"))
    for rsvp in rsvps:
        rsvp.manage_key = secrets.token_urlsafe(16)
    RSVP.objects.bulk_update(rsvps, ["manage_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_event_hosts"),
    ]

    operations = [
        migrations.AddField(
            model_name="rsvp",
            name="name",
            field=models.CharField(
                blank=True,
                help_text=(
                    "The name typed with an RSVP made without an account. It never renames "
                    "the member (an email already known keeps its person's name)."
                ),
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="rsvp",
            name="manage_key",
            field=models.CharField(default="", editable=False, max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_rsvp_a_key, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="rsvp",
            name="manage_key",
            field=models.CharField(
                default=events.models.new_manage_key,
                editable=False,
                help_text=(
                    "The secret of the manage link mailed to the person; a new one revokes it."
                ),
                max_length=32,
            ),
        ),
    ]
