"""``make serve`` (``bin/serve``) is the production profile: it refuses development
settings and stops before serving when the production ones are incomplete. The deployment
it runs is tested in test_multiprocess.py."""

import os
import subprocess

from tests.helpers import ROOT


def serve(**env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COALITION_", "DATABASE_URL"))
    }
    return subprocess.run(
        ["bin/serve"],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_serve_refuses_to_run_with_debug_on():
    result = serve(DJANGO_DEBUG="1", DATABASE_URL="sqlite:////nonexistent/dir/db.sqlite3")

    assert result.returncode == 2
    assert result.stderr == (
        "serve: this is the production profile; unset DJANGO_DEBUG (make run is for development)\n"
    )


def test_serve_stops_before_serving_without_a_secret_key():
    result = serve(DATABASE_URL="sqlite:////nonexistent/dir/db.sqlite3")

    assert result.returncode == 1
    assert "Set DJANGO_SECRET_KEY" in result.stderr
    assert "serve: web started" not in result.stderr
