"""Imports run one way: ``api``, ``accounts`` → ``network`` → ``events`` → ``movements`` →
``worker`` → ``core`` (README, "Where code goes"). ``coalition`` (the project package) may
use them all; nothing imports it. A lower layer never reaches up, not in Python and not in
a template: its pages let higher layers add sections instead (``core.sections``).

These tests read every Python module of the apps (imports at any depth, inside functions
too) and every template (``{% load %}`` libraries, ``{% include %}`` and ``{% extends %}``
of another app's templates) and fail on anything that points upwards or sideways.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Lower numbers are lower layers. Apps on the same level may not import each other.
# ``worker`` (the mail outbox, periodic and debounced tasks) sits between core and the
# domain apps: every app above may hand it work, and it uses only core.
LAYERS = {
    "core": 0,
    "worker": 0.5,
    "movements": 1,
    "events": 2,
    "network": 3,
    "accounts": 4,
    "api": 4,
}
PROJECT = "coalition"

# Templates outside an app's own folder, and the layer they belong to: the shared skeleton
# and includes are used by the directory's pages, so they may use nothing above movements.
TEMPLATE_OWNERS = {
    "registration": "accounts",
    "drf_spectacular": "api",
    "admin": "movements",
    "includes": "movements",
    "": "movements",  # base.html, home.html, 404.html, 500.html
}

LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
REFERENCE = re.compile(r"{%\s*(?:include|extends)\s+[\"']([^\"']+)[\"']")


def imported_apps(source: str) -> set[str]:
    """The project's packages a module imports, at any depth in the module."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & {*LAYERS, PROJECT}
    return found


def allowed(importer: str, imported: str) -> bool:
    if importer in (imported, PROJECT):
        return True
    if imported == PROJECT:
        return False
    return LAYERS[imported] < LAYERS[importer]


def python_violations() -> list[str]:
    problems = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            for imported in sorted(imported_apps(path.read_text())):
                if not allowed(app, imported):
                    problems.append(f"{path.relative_to(ROOT)} imports {imported}")
    return problems


def template_libraries() -> dict[str, str]:
    """Each template tag library of the project's apps, and the app that owns it."""
    return {
        path.stem: app
        for app in LAYERS
        for path in (ROOT / app).glob("templatetags/*.py")
        if path.stem != "__init__"
    }


def template_owner(relative: Path) -> str:
    first = relative.parts[0] if len(relative.parts) > 1 else ""
    if first in LAYERS:
        return first
    return TEMPLATE_OWNERS[first]


def template_violations() -> list[str]:
    libraries = template_libraries()
    problems = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(ROOT / "templates")
        owner = template_owner(relative)
        text = path.read_text()
        for names in LOAD.findall(text):
            for name in names.split():
                if name == "from":
                    break  # {% load tag from library %}: the library follows
                app = libraries.get(name)
                if app and not allowed(owner, app):
                    problems.append(f"templates/{relative} loads {name} ({app})")
        for reference in REFERENCE.findall(text):
            app = reference.split("/")[0]
            if app in LAYERS and not allowed(owner, app):
                problems.append(f"templates/{relative} uses {reference} ({app})")
    return problems


def test_no_python_module_imports_upwards():
    assert python_violations() == []


def test_no_template_reaches_upwards():
    assert template_violations() == []


def test_every_app_and_top_level_template_folder_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS)
    folders = {path.name for path in (ROOT / "templates").iterdir() if path.is_dir()} - set(LAYERS)
    assert folders <= set(TEMPLATE_OWNERS)


@pytest.mark.parametrize(
    ("importer", "source", "expected"),
    [
        ("movements", "from network.overlaps import all_overlaps", False),
        ("events", "def f():\n    from accounts import views\n", False),
        ("api", "import accounts.views", False),
        ("core", "from movements.models import Movement", False),
        ("worker", "from events.services import rsvp_create", False),
        ("events", "from worker.services import mail_queue", True),
        ("network", "from coalition import settings", False),
        ("network", "from events.models import Event\nfrom core.cache import cached", True),
        ("coalition", "from api import urls", True),
    ],
)
def test_the_checker_sees_imports_upwards_and_sideways(importer, source, expected):
    assert all(allowed(importer, app) for app in imported_apps(source)) is expected
