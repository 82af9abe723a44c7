"""The task backend and the mail transport come from the environment
(coalition/settings.py), checked in a fresh interpreter."""

from tests.helpers import run_manage

SHOW = (
    "from django.conf import settings; "
    "print(settings.TASKS['default']['BACKEND']); "
    "print(settings.MAILERS['default'])"
)


def show(**env) -> list[str]:
    result = run_manage("shell", "--no-imports", "-c", SHOW, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def test_development_runs_tasks_at_once_and_prints_mail():
    assert show(DJANGO_DEBUG="1") == [
        "django.tasks.backends.immediate.ImmediateBackend",
        "{'BACKEND': 'django.core.mail.backends.console.EmailBackend', 'OPTIONS': {}}",
    ]


def test_production_queues_tasks_in_the_database_and_sends_over_smtp():
    [tasks, mailer] = show(
        DJANGO_SECRET_KEY="a-long-random-production-key-" + "x" * 40,
        DJANGO_EMAIL_HOST="smtp.example.org",
    )

    assert tasks == "django_tasks_db.DatabaseBackend"
    assert mailer.startswith(
        "{'BACKEND': 'django.core.mail.backends.smtp.EmailBackend', "
        "'OPTIONS': {'host': 'smtp.example.org', 'port': 25,"
    )


def test_a_mail_folder_selects_the_file_backend(tmp_path):
    assert show(
        DJANGO_DEBUG="1", DJANGO_TASKS_BACKEND="database", DJANGO_EMAIL_FILE_PATH=str(tmp_path)
    ) == [
        "django_tasks_db.DatabaseBackend",
        "{'BACKEND': 'django.core.mail.backends.filebased.EmailBackend', "
        f"'OPTIONS': {{'file_path': '{tmp_path}'}}}}",
    ]


def test_a_named_mail_backend_wins():
    assert show(
        DJANGO_DEBUG="1", DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
    )[1] == ("{'BACKEND': 'django.core.mail.backends.dummy.EmailBackend', 'OPTIONS': {}}")


def test_bad_values_stop_the_start_naming_the_variable():
    tasks = run_manage("check", DJANGO_DEBUG="1", DJANGO_TASKS_BACKEND="celery")
    files = run_manage(
        "check",
        DJANGO_DEBUG="1",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
    )

    assert tasks.returncode == 1
    assert "DJANGO_TASKS_BACKEND is 'celery'; use one of: database, immediate." in tasks.stderr
    assert files.returncode == 1
    assert "The file mail backend needs DJANGO_EMAIL_FILE_PATH." in files.stderr
