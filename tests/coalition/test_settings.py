"""Production settings: checked in a fresh interpreter with a production environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COALITION_"))
    }
    environment["DJANGO_SETTINGS_MODULE"] = "coalition.settings"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="a-long-random-production-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="coalition.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="coalition.example.org")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_lock_timeout_is_read_from_the_environment_as_a_float():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.COALITION_LOCK_TIMEOUT_SECONDS)",
        DJANGO_DEBUG="1",
        COALITION_LOCK_TIMEOUT_SECONDS="0.25",
    )
    default = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.COALITION_LOCK_TIMEOUT_SECONDS)",
        DJANGO_DEBUG="1",
    )

    assert (result.returncode, result.stdout.strip()) == (0, "0.25"), result.stderr
    assert (default.returncode, default.stdout.strip()) == (0, "5.0"), default.stderr


def test_a_negative_lock_timeout_is_refused():
    result = run_manage("check", DJANGO_DEBUG="1", COALITION_LOCK_TIMEOUT_SECONDS="-1")

    assert result.returncode != 0
    assert "COALITION_LOCK_TIMEOUT_SECONDS must be 0 or more seconds." in result.stderr
