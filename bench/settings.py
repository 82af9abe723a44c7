"""Settings for benchmark runs: production settings plus /bench/ping/, served over plain
HTTP on the loopback with the static files from the source tree."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from coalition.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# WhiteNoise serves static files straight from the source tree (no collectstatic).
WHITENOISE_USE_FINDERS = True
