import io
import json

import pytest
from django.core.management import CommandError, call_command

from movements.exchange import dumps, network_export
from movements.models import Engagement, Member, Movement, Tension
from tests.factories import EngagementFactory, MovementFactory, TensionFactory

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "movements": [
        {"slug": "fight-for-15", "name": "Fight for $15", "sector": "labor"},
        {"slug": "food-justice", "name": "Food justice"},
    ],
    "members": [{"key": "m-0001", "name": "Ana", "engagements": [{"movement": "food-justice"}]}],
    "tensions": [{"movements": ["fight-for-15", "food-justice"], "note": "Prices."}],
}


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
    assert out == f"Wrote 2 movements, 0 organizations, 1 members to {path}.\n"


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


def test_import_of_a_file_that_is_not_utf8_fails(tmp_path):
    path = tmp_path / "network.json"
    path.write_bytes(b'{"themes": [{"slug": "caf\xe9"}]}')

    with pytest.raises(CommandError, match=r"network\.json: cannot be read: 'utf-8' codec"):
        _run("import_network", str(path))
