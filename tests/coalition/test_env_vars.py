"""Every environment variable the code reads is documented, in README's settings table and
in .env.example, and nothing else is; the COALITION_* defaults they show are core/conf.py's.

"Reads" is found in the source: ``os.environ.get("X")``, ``os.environ["X"]``,
``"X" in os.environ``, ``os.getenv("X")``, the settings' ``env_*("X", …)`` helpers and an
``env="X"`` argument (``dj_database_url.config``). ``os.environ.setdefault`` only fills in a
value for Django or the settings, so it is not a read of its own. The shell scripts in
``bin/`` (``make serve``) read ``${X:-default}`` or ``${X}``; their own variables are lower
case."""

import ast
import os
import re
from pathlib import Path

from core.conf import DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
NOT_CODE = {"tests", "node_modules", "static", "staticfiles", "docs"}


def code_files() -> list[Path]:
    files = []
    for directory, subdirectories, names in os.walk(ROOT):
        subdirectories[:] = sorted(
            name for name in subdirectories if not name.startswith(".") and name not in NOT_CODE
        )
        files += [Path(directory, name) for name in sorted(names) if name.endswith(".py")]
    return files


def variables_read(source: str) -> set[str]:
    found = set()

    def constant(node) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            function = ast.unparse(node.func)
            if node.args and (
                function in ("os.environ.get", "os.getenv") or function.startswith("env_")
            ):
                constant(node.args[0])
            for keyword in node.keywords:
                if keyword.arg == "env":
                    constant(keyword.value)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            constant(node.slice)
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.ops[0], ast.In | ast.NotIn)
            and ast.unparse(node.comparators[0]) == "os.environ"
        ):
            constant(node.left)
    return found


SHELL_READ = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::?-[^}]*)?\}")


def read_in_code() -> set[str]:
    scripts = sorted((ROOT / "bin").iterdir())
    return set().union(
        *(variables_read(path.read_text()) for path in code_files()),
        *(set(SHELL_READ.findall(path.read_text())) for path in scripts),
    )


def readme_table() -> dict[str, str]:
    """Variable → its default cell, from the table under README's "## Settings"."""
    section = (ROOT / "README.md").read_text().split("\n## Settings\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    table = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            names, default = [cell.strip() for cell in line.strip("|").split("|")][:2]
            table |= dict.fromkeys(re.findall(r"`([A-Z][A-Z0-9_]*)`", names), default)
    return table


def env_example() -> dict[str, str]:
    """Variable → value of each ``NAME=value`` line of .env.example, commented or not."""
    text = (ROOT / ".env.example").read_text()
    return dict(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=(.*)$", text, flags=re.MULTILINE))


def conf_default(variable: str):
    """core/conf.py's default for a COALITION_* variable (``COALITION_OVERLAP_WINDOW_DAYS``
    sets ``COALITION_OVERLAP["WINDOW_DAYS"]``)."""
    name = variable.removeprefix("COALITION_")
    if name in DEFAULTS:
        return DEFAULTS[name]
    [group] = [group for group in DEFAULTS if name.startswith(group + "_")]
    return DEFAULTS[group][name.removeprefix(group + "_")]


def test_the_source_scan_finds_the_reads():
    read = read_in_code()

    assert {
        "DJANGO_DEBUG",  # env_bool
        "DJANGO_ALLOWED_HOSTS",  # env_list
        "DJANGO_LOG_LEVEL",  # os.environ.get
        "DATABASE_URL",  # dj_database_url.config(env=…)
        "COALITION_LOCK_TIMEOUT_SECONDS",  # walrus on os.environ.get
        "BENCH_SCALE",  # bench/run.py
        "WEB_CONCURRENCY",  # bin/serve
    } <= read
    assert "DJANGO_SETTINGS_MODULE" not in read  # only setdefault


def test_readme_lists_every_variable_the_code_reads_and_no_other():
    assert set(readme_table()) == read_in_code()


def test_env_example_lists_every_variable_the_code_reads_and_no_other():
    assert set(env_example()) == read_in_code()


def test_coalition_defaults_shown_are_core_conf_defaults():
    readme, example = readme_table(), env_example()
    variables = sorted(name for name in read_in_code() if name.startswith("COALITION_"))

    assert len(variables) == 13
    for variable in variables:
        default = str(conf_default(variable))
        assert readme[variable].strip("`") == default, variable
        assert example[variable] == default, variable
