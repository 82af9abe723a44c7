"""Coalition settings, read from the environment.

Every setting that differs between a laptop and production comes from an environment
variable (see ``.env.example`` and the table in the README). With ``DJANGO_DEBUG`` off the
defaults are the production-safe ones: no fallback secret key, secure cookies, HSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development).")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks_db",
    # The project's apps, bottom layer first; imports run only downwards (README).
    "core",
    "worker",
    "movements",
    "events",
    "network",
    "accounts",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coalition.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coalition.context_processors.coalition",
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "coalition.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out username+IP before any password is checked.
# Then the identifier as a username, then as an email address (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.EmailBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/me/"
LOGOUT_REDIRECT_URL = "/"

# Mail (Django 6.1 mailers), sent only by the task worker (worker/services.py). The
# transport: DJANGO_EMAIL_BACKEND (a dotted path) when set; else Django's file backend when
# DJANGO_EMAIL_FILE_PATH is set (each batch of mail written to a file in that folder, for
# end-to-end checks); else the console in development (DJANGO_EMAIL_CONSOLE, on with
# DJANGO_DEBUG); else SMTP configured by DJANGO_EMAIL_HOST / _PORT / _USER / _PASSWORD /
# _USE_TLS.
_smtp_backend = "django.core.mail.backends.smtp.EmailBackend"
_file_backend = "django.core.mail.backends.filebased.EmailBackend"
_email_file_path = os.environ.get("DJANGO_EMAIL_FILE_PATH", "")
_email_backend = os.environ.get("DJANGO_EMAIL_BACKEND", "")
if not _email_backend:
    if _email_file_path:
        _email_backend = _file_backend
    elif env_bool("DJANGO_EMAIL_CONSOLE", DEBUG):
        _email_backend = "django.core.mail.backends.console.EmailBackend"
    else:
        _email_backend = _smtp_backend
if _email_backend == _smtp_backend:
    _mailer_options = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
        "username": os.environ.get("DJANGO_EMAIL_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
    }
elif _email_backend == _file_backend:
    if not _email_file_path:
        raise ImproperlyConfigured("The file mail backend needs DJANGO_EMAIL_FILE_PATH.")
    _mailer_options = {"file_path": _email_file_path}
else:
    _mailer_options = {}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "coalition@localhost")

# Security: production-safe unless DEBUG is on. Behind a TLS-terminating proxy set
# DJANGO_SECURE_PROXY_SSL_HEADER=1 so Django trusts X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# A process manager or proxy checks /healthz over plain HTTP, on the machine itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (Django's own middleware): our origin only, no inline scripts or
# styles. CSP.NONCE is dropped from the header unless a page uses the nonce; only the admin
# (its templates carry {% csp_nonce_attr %}) and the Swagger UI page do.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Login throttling (django-axes): 5 failed logins for one username from one IP address lock
# that pair out for 30 minutes, on /accounts/login/ and /admin/login/ alike, and for every
# form that asks for the password again.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# "username" is the identifier typed, a username or an email address; an address counts
# the same whatever its case (accounts.backends.login_identifier).
AXES_USERNAME_CALLABLE = "accounts.backends.login_identifier"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Forms that ask for the password again (password change, email change, account deletion)
# are counted the same way (accounts.services.password_check). A failed attempt keeps the
# form's fields; never its passwords ("password" is always masked) or an email address.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
    "email",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Deeply nested JSON answers 400 instead of a RecursionError (500).
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# OpenAPI schema at /api/schema/, Swagger UI at /api/docs/ served from our own static files
# (drf-spectacular-sidecar), never from a CDN.
SPECTACULAR_SETTINGS = {
    "TITLE": "Coalition API",
    "DESCRIPTION": (
        "The movement directory, where movements overlap, proposed joint events and the "
        "events between movements. Everything is readable without an account. Writes are "
        "your own RSVP (`/api/events/<slug>/rsvp/`) and, for organizers of a suggested host "
        "and curators, accepting or dismissing a proposal; they need DRF token auth "
        "(`Authorization: Token <key>`; `manage.py drf_create_token USER` makes one) or the "
        "site's session (writes then need the CSRF token). Errors answer "
        '`{"detail": message}`, or the field errors for bad filters and bodies (400). '
        "People are never listed; people-counts "
        "below COALITION_MIN_DISCLOSED_COUNT are null except for curators."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from swagger.io's online validator: the docs page makes no outside requests.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Name the enums after their models so the events' kinds and statuses do not collide.
    "ENUM_NAME_OVERRIDES": {
        "SectorEnum": "movements.models.Sector",
        "MovementStatusEnum": "movements.models.MovementStatus",
        "OrganizationKindEnum": "movements.models.OrganizationKind",
        "ParticipationRoleEnum": "movements.models.ParticipationRole",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Coalition ---------------------------------------------------------------------------
# The app's own settings (COALITION_*) are declared with their defaults and checked in
# core/conf.py. Each is set here only when its environment variable is, and as the
# variable's text: core/conf.py parses it, and a bad value fails `manage.py check` with a
# coalition.E00x error naming it. COALITION_OVERLAP's weights, COALITION_INSIGHTS and
# COALITION_PROPOSALS have no environment variable: set them here as dicts.
if _value := os.environ.get("COALITION_MIN_DISCLOSED_COUNT"):
    COALITION_MIN_DISCLOSED_COUNT = _value
if _value := os.environ.get("COALITION_PAGE_SIZE"):
    COALITION_PAGE_SIZE = _value
if _value := os.environ.get("COALITION_SITE_URL"):
    COALITION_SITE_URL = _value
if _value := os.environ.get("COALITION_OVERLAP_WINDOW_DAYS"):
    COALITION_OVERLAP = {"WINDOW_DAYS": _value}
if _value := os.environ.get("COALITION_MAP_EDGES_PER_NODE"):
    COALITION_MAP_EDGES_PER_NODE = _value
if _value := os.environ.get("COALITION_CACHE_SECONDS"):
    COALITION_CACHE_SECONDS = _value
if _value := os.environ.get("COALITION_PAGE_CACHE_SECONDS"):
    COALITION_PAGE_CACHE_SECONDS = _value
if _value := os.environ.get("COALITION_FOLLOW_THROUGH_DAYS"):
    COALITION_FOLLOW_THROUGH_DAYS = _value
if _value := os.environ.get("COALITION_FOLLOW_UP_RATE"):
    COALITION_FOLLOW_UP_RATE = _value
if _value := os.environ.get("COALITION_PROXY_COUNT"):
    COALITION_PROXY_COUNT = _value
if _value := os.environ.get("COALITION_LOCK_TIMEOUT_SECONDS"):
    COALITION_LOCK_TIMEOUT_SECONDS = _value
# X-Coalition-Cache: hit|miss on cached pages, for development only.
COALITION_CACHE_HEADER = os.environ.get("COALITION_CACHE_HEADER", "1" if DEBUG else "0")
if _value := os.environ.get("COALITION_CHECK_IN_OPENS_MINUTES"):
    COALITION_CHECK_IN_OPENS_MINUTES = _value

# --- Tasks --------------------------------------------------------------------------------
# Mail and slow work run on Django's tasks framework (worker/). DJANGO_TASKS_BACKEND:
# "database" (django-tasks-db: tasks are rows, `make worker` runs them; the default unless
# DJANGO_DEBUG) or "immediate" (each task runs at once in the process that enqueues it,
# after commit; the default in development, `make run`, and the tests' setting).
_task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = os.environ.get("DJANGO_TASKS_BACKEND", "")
_tasks_backend = _tasks_backend or ("immediate" if DEBUG else "database")
if _tasks_backend not in _task_backends:
    raise ImproperlyConfigured(
        f"DJANGO_TASKS_BACKEND is {_tasks_backend!r}; use one of: {', '.join(_task_backends)}."
    )
TASKS = {"default": {"BACKEND": _task_backends[_tasks_backend]}}

# --- Cache --------------------------------------------------------------------------------
# Overlaps, the map, insights and whole public pages are cached under versions that live in
# the database (core/cache.py), so a write made by any process is seen by every process on
# its next request whatever the cache. The cache is per-process memory (LocMemCache) unless
# DJANGO_CACHE_URL names Redis (redis://host:port/db, rediss://, unix://): then every
# process shares what each computed. The older DJANGO_CACHE_BACKEND (a dotted path) and
# DJANGO_CACHE_LOCATION keep working when DJANGO_CACHE_URL is not set.
# Whole pages get a cache of their own ("pages"), so that many URL variants (every filter
# combination is one entry) never push the network's overlaps out of "default". On
# LocMemCache the two are separate stores; on a shared backend the same store, its keys
# kept apart by the "pages" prefix.
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
REDIS = "django.core.cache.backends.redis.RedisCache"


def cache_from_url(url: str) -> tuple[str, str]:
    """(backend, location) for ``DJANGO_CACHE_URL``."""
    scheme, _, rest = url.partition("://")
    if scheme in ("redis", "rediss", "unix") and rest:
        return REDIS, url
    if scheme == "locmem":
        return LOCMEM, rest or "coalition"
    raise ImproperlyConfigured(
        f"DJANGO_CACHE_URL must be redis://host:port/db (or rediss://, unix://) or "
        f"locmem://, got {url!r}."
    )


if CACHE_URL := os.environ.get("DJANGO_CACHE_URL", "").strip():
    CACHE_BACKEND, CACHE_LOCATION = cache_from_url(CACHE_URL)
else:
    CACHE_BACKEND = os.environ.get("DJANGO_CACHE_BACKEND", LOCMEM)
    CACHE_LOCATION = os.environ.get("DJANGO_CACHE_LOCATION", "coalition")
PER_PROCESS = CACHE_BACKEND == LOCMEM
CACHES = {
    "default": {"BACKEND": CACHE_BACKEND, "LOCATION": CACHE_LOCATION},
    "pages": {
        "BACKEND": CACHE_BACKEND,
        "LOCATION": CACHE_LOCATION + "-pages" if PER_PROCESS else CACHE_LOCATION,
        "KEY_PREFIX": "pages",
        "OPTIONS": {"MAX_ENTRIES": 1000} if PER_PROCESS else {},
    },
}
