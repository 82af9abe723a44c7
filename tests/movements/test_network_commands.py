import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from movements.exchange import dumps, network_export
from movements.models import Engagement, Member, Movement, Tension
from tests.factories import EngagementFactory, MovementFactory, TensionFactory
from tests.helpers import run_manage

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "movements": [
        {"slug": "fight-for-15", "name": "Fight for $15", "sector": "labor"},
        {"slug": "food-justice", "name": "Food justice"},
    ],
    "members": [{"key": "m-0001", "name": "Ana", "engagements": [{"movement": "food-justice"}]}],
    "tensions": [{"movements": ["fight-for-15", "food-justice"], "note": "Prices."}],
}


@pytest.fixture(autouse=True)
def pacific_time(settings):
    """A datetime's day is read in the site's time zone."""
    settings.TIME_ZONE = "America/Los_Angeles"


@pytest.fixture
def network():
    fight = MovementFactory(slug="fight-for-15", name="Fight for $15")
    gardens = MovementFactory(slug="food-justice", name="Food justice")
    EngagementFactory(movement=fight, member__key="m-0001", member__name="Ana")
    TensionFactory(movement_a=fight, movement_b=gardens)


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_writes_the_document_to_stdout(network):
    out, err = _run("export_network")

    assert out == dumps(network_export())
    assert json.loads(out)["movements"][0]["slug"] == "fight-for-15"
    assert err == ""


def test_export_writes_the_document_to_a_file(network, tmp_path):
    path = tmp_path / "network.json"

    out, _ = _run("export_network", str(path))

    assert path.read_text(encoding="utf-8") == dumps(network_export())
    assert out == f"Wrote 2 movements, 0 organizations, 1 members, 0 events to {path}.\n"


def test_export_to_a_missing_directory_fails_clearly(tmp_path):
    path = tmp_path / "nowhere" / "network.json"

    with pytest.raises(CommandError, match=r"nowhere/network\.json: cannot be written"):
        _run("export_network", str(path))


def test_import_reads_a_file_and_prints_a_summary(tmp_path):
    path = tmp_path / "network.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")

    out, _ = _run("import_network", str(path))

    assert out.splitlines()[3] == "movements: 2 created, 0 updated, 0 removed"
    assert out.splitlines()[8] == "engagements: 1 created, 0 updated, 0 removed"
    assert Movement.objects.count() == 2
    assert Engagement.objects.get().member.name == "Ana"
    assert Tension.objects.get().note == "Prices."


def test_import_of_an_unchanged_document_says_nothing_changed(network, tmp_path):
    path = tmp_path / "network.json"
    _run("export_network", str(path))

    out, _ = _run("import_network", str(path))

    assert out.splitlines()[-1] == "Nothing changed."


def test_export_then_import_through_files_round_trips(network, tmp_path):
    path = tmp_path / "network.json"
    _run("export_network", str(path))
    Tension.objects.all().delete()
    Engagement.objects.all().delete()
    Member.objects.all().delete()

    _run("import_network", str(path))

    assert dumps(network_export()) == path.read_text(encoding="utf-8")


def test_import_of_a_missing_file_fails(tmp_path):
    path = tmp_path / "absent.json"

    with pytest.raises(CommandError) as raised:
        _run("import_network", str(path))

    assert str(raised.value) == f"{path}: no such file"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{not json",
            "document: is not valid JSON: Expecting property name enclosed in "
            "double quotes: line 1 column 2 (char 1)",
        ),
        ("[1, 2]", "document: must be a JSON object, not a list"),
        (
            json.dumps({**DOCUMENT, "members": [{"key": "m-0002", "name": "Ben", "age": 30}]}),
            "members[0] (key 'm-0002'): unknown key 'age'",
        ),
        (
            json.dumps(
                {
                    **DOCUMENT,
                    "members": [
                        {"key": "m-0004", "name": "Dee", "engagements": [{"movement": "x"}]}
                    ],
                }
            ),
            "members[0] (key 'm-0004'): unknown movement 'x' in engagements[0]",
        ),
    ],
    ids=["invalid JSON", "not an object", "unknown key", "dangling reference"],
)
def test_import_of_a_bad_file_fails_and_changes_nothing(network, tmp_path, text, message):
    path = tmp_path / "network.json"
    path.write_text(text, encoding="utf-8")
    before = dumps(network_export())

    with pytest.raises(CommandError) as raised:
        _run("import_network", str(path))

    assert str(raised.value) == f"{path}: {message}. Nothing was imported."
    assert dumps(network_export()) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            '{"themes": [{"slug": "caf\xe9"}]}'.encode("latin-1"),
            "is not UTF-8 text (byte 25: invalid continuation byte)",
        ),
        ('{"themes": []}'.encode("utf-16"), "is not UTF-8 text (byte 0: invalid start byte)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is not UTF-8 text (byte 0: invalid start byte)"),
    ],
    ids=["latin-1", "utf-16", "binary"],
)
def test_import_of_a_file_that_is_not_utf8_fails(network, tmp_path, data, message):
    path = tmp_path / "network.json"
    path.write_bytes(data)
    before = dumps(network_export())

    with pytest.raises(CommandError) as raised:
        _run("import_network", str(path))

    assert str(raised.value) == f"{path}: {message}. Nothing was imported."
    assert dumps(network_export()) == before


# Each class of value that used to end in a traceback (or in rows Python cannot read back),
# as the raw JSON text a file carries.
UNFIT_FILES = [
    (
        "unpaired surrogate escape",
        '{"movements": [{"slug": "x", "name": "\\ud800"}]}',
        "movements[0] (slug 'x'): 'name' must be valid Unicode text, not an unpaired "
        "surrogate (\\ud800 at character 1)",
    ),
    (
        "NUL escape",
        '{"members": [{"key": "m-9", "name": "A\\u0000"}]}',
        "members[0] (key 'm-9'): 'name' must not contain NUL characters",
    ),
    (
        "5,000-digit number",
        '{"movements": [{"slug": "x", "name": "X", "started_on": %s}]}' % ("1" * 5000),
        "movements[0] (slug 'x'): 'started_on' must be an ISO date (YYYY-MM-DD) or null, "
        "not a number of 5000 digits",
    ),
    (
        "NaN",
        '{"organizations": [{"slug": "o", "name": "O", "active": NaN}]}',
        "organizations[0] (slug 'o'): 'active' must be true or false, not NaN",
    ),
    (
        "overflowing datetime",
        '{"movements": [{"slug": "x", "name": "X", "archived_at": "9999-12-31T23:59:59-14:00"}]}',
        "movements[0] (slug 'x'): 'archived_at' must lie between 1900-01-01 and 2100-12-31 "
        '(America/Los_Angeles time), not "9999-12-31T23:59:59-14:00"',
    ),
    (
        "date in year 1",
        '{"organizations": [{"slug": "o", "name": "O", "participations": '
        '[{"movement": "fight-for-15", "since": "0001-01-01"}]}]}',
        "organizations[0] (slug 'o'): 'since' in participations[0] must lie between "
        '1900-01-01 and 2100-12-31, not "0001-01-01"',
    ),
    (
        "nested 100,000 levels deep",
        "[" * 100_000 + "]" * 100_000,
        "document: is nested too deeply",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"),
    [case[1:] for case in UNFIT_FILES],
    ids=[case[0] for case in UNFIT_FILES],
)
def test_import_of_a_file_with_an_unfit_value_names_it_and_changes_nothing(
    network, tmp_path, text, message
):
    path = tmp_path / "network.json"
    path.write_text(text, encoding="utf-8")
    before = dumps(network_export())

    with pytest.raises(CommandError) as raised:
        _run("import_network", str(path))

    assert str(raised.value) == f"{path}: {message}. Nothing was imported."
    assert dumps(network_export()) == before


def test_import_of_an_unfit_value_exits_non_zero_without_a_traceback(tmp_path):
    """Through manage.py as a person runs it: one line on stderr, exit status 1 (the file is
    refused before the database is opened)."""
    path = tmp_path / "network.json"
    path.write_text('{"themes": [{"slug": "food", "name": "\\ud800"}]}', encoding="utf-8")

    result = run_manage(
        "import_network",
        str(path),
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'untouched.sqlite3'}",
    )

    assert result.returncode == 1
    assert result.stderr == (
        f"CommandError: {path}: themes[0] (slug 'food'): 'name' must be valid Unicode text, "
        "not an unpaired surrogate (\\ud800 at character 1). Nothing was imported.\n"
    )


@pytest.mark.postgres
def test_postgresql_refuses_an_out_of_range_archive_time_and_export_still_works(network, tmp_path):
    """On PostgreSQL this used to import, storing a timestamp Python cannot read back, and
    then break every page and export_network."""
    if connection.vendor != "postgresql":
        pytest.skip(
            f"stores what SQLite cannot; this run uses {connection.vendor} "
            "(set DATABASE_URL=postgres://… to run it)"
        )
    path = tmp_path / "network.json"
    path.write_text(
        json.dumps(
            {
                "movements": [
                    {
                        "slug": "fight-for-15",
                        "name": "Fight for $15",
                        "archived_at": "9999-12-31T23:59:59-14:00",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    before = dumps(network_export())

    with pytest.raises(CommandError) as raised:
        _run("import_network", str(path))
    out, _ = _run("export_network")

    assert str(raised.value) == (
        f"{path}: movements[0] (slug 'fight-for-15'): 'archived_at' must lie between "
        "1900-01-01 and 2100-12-31 (America/Los_Angeles time), "
        'not "9999-12-31T23:59:59-14:00". Nothing was imported.'
    )
    assert out == before
    assert list(Movement.objects.values_list("archived_at", flat=True)) == [None, None]
