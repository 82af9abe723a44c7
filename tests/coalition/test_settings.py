"""Production settings: checked in a fresh interpreter with a production environment."""

import json

from tests.helpers import run_manage


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


def test_check_fails_on_a_bad_coalition_value_in_the_environment():
    result = run_manage(
        "check", DJANGO_DEBUG="1", COALITION_PAGE_SIZE="twenty", COALITION_OVERLAP_WINDOW_DAYS="0"
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "?: (coalition.E001) COALITION_PAGE_SIZE must be a whole number, got 'twenty'."
        in result.stderr
    )
    assert (
        "?: (coalition.E002) COALITION_OVERLAP['WINDOW_DAYS'] must be at least 1, got '0'."
        in result.stderr
    )
    assert "System check identified 2 issues" in result.stderr


def test_coalition_values_in_the_environment_reach_the_app_settings():
    script = (
        "from core.conf import app_settings as s; "
        "print(s.PAGE_SIZE, s.OVERLAP['WINDOW_DAYS'], s.OVERLAP['WEIGHTS']['members'], "
        "s.SITE_URL, s.LOCK_TIMEOUT_SECONDS, s.CACHE_SECONDS, s.CHECK_IN_OPENS_MINUTES)"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        DJANGO_DEBUG="1",
        COALITION_PAGE_SIZE="7",
        COALITION_OVERLAP_WINDOW_DAYS="30",
        COALITION_SITE_URL="https://coalition.example.org/",
        COALITION_LOCK_TIMEOUT_SECONDS="2.5",
        COALITION_CHECK_IN_OPENS_MINUTES="90",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "7 30 0.3 https://coalition.example.org 2.5 300 90\n"


# --- DJANGO_CACHE_URL -------------------------------------------------------------------

CACHES_SCRIPT = (
    "import json; from django.conf import settings; "
    "print(json.dumps({alias: [c['BACKEND'].rsplit('.', 1)[1], c['LOCATION'], "
    "c.get('KEY_PREFIX', '')] for alias, c in settings.CACHES.items()}, sort_keys=True))"
)


def caches_under(**env: str) -> dict:
    result = run_manage("shell", "--no-imports", "-c", CACHES_SCRIPT, DJANGO_DEBUG="1", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_without_a_cache_url_each_process_has_its_own_memory():
    assert caches_under() == {
        "default": ["LocMemCache", "coalition", ""],
        "pages": ["LocMemCache", "coalition-pages", "pages"],
    }
    assert caches_under(DJANGO_CACHE_URL="locmem://") == caches_under()


def test_a_redis_cache_url_shares_one_redis_between_both_aliases_apart_by_prefix():
    url = "redis://127.0.0.1:6379/1"

    assert caches_under(DJANGO_CACHE_URL=url) == {
        "default": ["RedisCache", url, ""],
        "pages": ["RedisCache", url, "pages"],
    }


def test_the_older_backend_and_location_variables_keep_working():
    backend = "django.core.cache.backends.redis.RedisCache"
    location = "redis://127.0.0.1:6379/2"

    assert caches_under(DJANGO_CACHE_BACKEND=backend, DJANGO_CACHE_LOCATION=location) == {
        "default": ["RedisCache", location, ""],
        "pages": ["RedisCache", location, "pages"],
    }


def test_a_cache_url_of_another_kind_is_refused_with_its_name():
    result = run_manage("check", DJANGO_DEBUG="1", DJANGO_CACHE_URL="memcached://127.0.0.1")

    assert result.returncode == 1
    assert (
        "DJANGO_CACHE_URL must be redis://host:port/db (or rediss://, unix://) or locmem://, "
        "got 'memcached://127.0.0.1'." in result.stderr
    )
