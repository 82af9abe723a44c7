"""Where the cache versions live (core/cache.py), so that every process sees them.

PostgreSQL: one SEQUENCE per version. ``nextval`` is not transactional and takes no row
lock: writers are not serialized and cannot deadlock with the RSVP row locks, and a number
handed out is never handed out again, even when its transaction rolls back.
Other databases (SQLite): a small table updated in place; SQLite serializes writers anyway.
"""

from django.db import migrations

NAMES = ("network", "events")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in NAMES:
            schema_editor.execute(f"CREATE SEQUENCE coalition_{name}_version")
        return
    schema_editor.execute(
        "CREATE TABLE coalition_version (name varchar(16) PRIMARY KEY, value bigint NOT NULL)"
    )
    for name in NAMES:
        schema_editor.execute(
            "INSERT INTO coalition_version (name, value) VALUES (%s, 1)", params=[name]
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in NAMES:
            schema_editor.execute(f"DROP SEQUENCE coalition_{name}_version")
        return
    schema_editor.execute("DROP TABLE coalition_version")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create, drop, elidable=False)]
