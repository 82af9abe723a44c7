"""Settings for the test suite: the development defaults, a fixed key, fast hashing.

Loaded by pytest (pyproject.toml); everything else comes from ``coalition.settings``, so
``DATABASE_URL`` still chooses SQLite or PostgreSQL."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")

from coalition.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tests never serve collected static files; skip WhiteNoise (and its missing-root warning).
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405
# django-axes needs the request in authenticate(); the test client's login() passes none.
# The throttling tests switch it back on (tests/coalition/test_security.py).
AXES_ENABLED = False
# Tasks run at once, after commit: tests capture the commit callbacks
# (django_capture_on_commit_callbacks) and find the mail in Django's locmem outbox. The
# tests of the worker itself switch to a queueing backend (tests/worker/).
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
