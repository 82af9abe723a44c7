"""What each RSVP was told: the event's movements a person was told about (when they
RSVP'd, and by mail when the movements changed); check-in records attendance in these
only. Existing RSVPs were made before the event's movements could change unnoticed, so
each is taken to have been told about its event's movements as they are now."""

from django.db import migrations, models

BATCH = 1000


def fill_told_movements(apps, schema_editor):
    RSVP = apps.get_model("events", "RSVP")
    Event = apps.get_model("events", "Event")
    Told = RSVP.told_movements.through
    movements: dict[int, list[int]] = {}
    for event_id, movement_id in Event.movements.through.objects.values_list(
        "event_id", "movement_id"
    ).order_by("event_id", "movement_id"):
        movements.setdefault(event_id, []).append(movement_id)
    rows = []
    for rsvp_id, event_id in RSVP.objects.values_list("pk", "event_id").order_by("pk").iterator():
        rows += [Told(rsvp_id=rsvp_id, movement_id=m) for m in movements.get(event_id, [])]
        if len(rows) >= BATCH:
            Told.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Told.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_event_messages"),
        ("movements", "0001_directory"),
    ]

    operations = [
        migrations.AddField(
            model_name="rsvp",
            name="told_movements",
            field=models.ManyToManyField(
                blank=True,
                help_text=(
                    "The event's movements this person was told about: when they RSVP'd, "
                    "and by mail when the movements changed. Check-in records attendance "
                    "in these only."
                ),
                related_name="+",
                to="movements.movement",
                verbose_name="movements told about",
            ),
        ),
        migrations.RunPython(fill_told_movements, migrations.RunPython.noop, elidable=True),
    ]
