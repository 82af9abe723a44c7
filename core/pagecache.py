"""Whole-page caching of the public list pages, for anonymous visitors only.

What is cached: the rendered body, status and headers of the pages ``coalition/urls.py``
names (through ``cached_pages()``): the home page, ``/movements/``, ``/organizations/`` and
``/events/``. The apps' views know nothing of it (it is ``core``, the bottom layer, and
the project's URLconf puts it around the views where their URLs are included);
``@cache_public_page(versions=…)`` does the same for one view. A hit skips the view (one
SQL query, the versions; no template rendering) and rebuilds an ``HttpResponse`` from the
stored parts. The cache sits in the view, not in front of it as Django's per-site cache
middleware would, so every middleware still runs on a hit: security headers, the
Content-Security-Policy header, X-Frame-Options, ``Vary: Cookie``.

For whom: a request is served from (and may fill) the cache only when it is a GET or HEAD,
not an htmx request (``HX-Request`` header), and comes from a stateless anonymous visitor:
no session cookie (so nobody is logged in and no flash message waits in the session), no
messages cookie (no flash message waits there), and ``request.user`` anonymous (read
without creating a session). Everyone else gets the view as if there were no cache.

What is stored: only a plain 200 response that carries nothing about the request it was
made for. A response is *not* stored when it is not 200 (a bad filter answers 400), is
streaming, sets a cookie, already has ``Vary`` or ``Cache-Control`` headers, carries
per-response CSP or X-Frame-Options settings, or when rendering it used the CSRF token
(Django would then set the ``csrftoken`` cookie and ``Vary: Cookie``), used the CSP nonce
(Django's CSP middleware puts ``'nonce-…'`` into the header only when the page read the
nonce; a stored page must never carry one, so nonce pages are never stored and a hit,
which reads no nonce, gets the plain header), modified the session or added a message.
Template responses are rendered in the view to make these checks.

Keys: ``coalition:page:<view>:<versions>:<digest>`` where ``<view>`` is the view's dotted
name, ``<versions>`` the current values of the versions the view names, and the digest
covers the scheme, host, full path with its query string as sent (``?page=2`` and
``?q=food`` are separate entries, as are the same parameters in another order), the
active language and time zone, today's date (directory counts count what is ongoing
today) and the settings that change the output (``COALITION_MIN_DISCLOSED_COUNT``,
``COALITION_PAGE_SIZE``).

Invalidation: nothing is deleted; a write moves a version on (``core/cache.py``) and
every page keyed by the old value becomes unreachable. The *network version* moves on
every write to movements, organizations, members, their links and taxonomies, and on
imports; the *events version* on every write to events and RSVPs (status, capacity,
counts, an event's movements and hosts). ``/movements/`` and ``/organizations/`` use the
network version; ``/events/`` and the home page both. The versions are read before the
view runs, so a page rendered while a write commits is stored under the old version.

Staleness that writes do not cause: the events list shows what is not over yet and marks
past events, and both depend on the clock. A cached page is at most
``COALITION_PAGE_CACHE_SECONDS`` old, so an event that has just ended can be listed as
upcoming for up to that long. The date part of the key ends every entry at midnight.

Entries live ``COALITION_PAGE_CACHE_SECONDS`` (``core/conf.py``: 60; 0 turns caching off)
in Django's ``CACHES["pages"]`` (every filter combination is an entry, so pages keep out
of ``"default"``, where the network's overlaps are). The versions live in the database
(``core/cache.py``), so a write made by any process (another worker, ``manage.py`` in a
terminal) makes every process's stored copy unreachable on its next request, whether
``"pages"`` is the per-process ``LocMemCache`` or a shared Redis (``DJANGO_CACHE_URL``).

With ``COALITION_CACHE_HEADER`` on (the default under DEBUG only: it tells anyone when a
page last changed), every response of an opted-in view to a cacheable request says how it
was made in the ``X-Coalition-Cache`` header: ``hit`` (served from the cache) or ``miss``
(the view ran; the page was stored if it qualified). Requests the cache does not serve
(logged-in users, POSTs, htmx, pages with caching off) carry no such header.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.urls import URLPattern
from django.utils import timezone, translation

from core.cache import versions as current_versions
from core.conf import app_settings

HEADER = "X-Coalition-Cache"
# Attributes a response can carry for the CSP and X-Frame-Options middleware; a stored
# page is rebuilt without them, so responses that carry them are not stored.
RESPONSE_SETTINGS = ("_csp_config", "_csp_ro_config", "xframe_options_exempt")


def cacheable_request(request: HttpRequest) -> bool:
    """A GET or HEAD from a stateless anonymous visitor, not htmx."""
    if request.method not in ("GET", "HEAD") or "HX-Request" in request.headers:
        return False
    # An empty cookie (what some clients send back after its deletion) holds nothing.
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return False
    if request.COOKIES.get(CookieStorage.cookie_name):
        return False
    user = getattr(request, "user", None)
    # Without a session cookie this is AnonymousUser: no query, no session created.
    return user is None or not user.is_authenticated


def page_key(request: HttpRequest, name: str, versions: tuple[str, ...]) -> str:
    """The cache key of ``request``'s page as made by the view ``name`` at the current
    values of ``versions``. Take it *before* running the view."""
    parts = (
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        app_settings.MIN_DISCLOSED_COUNT,
        app_settings.PAGE_SIZE,
    )
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    numbers = "-".join(str(number) for number in current_versions(versions))
    return f"coalition:page:{name}:{numbers}:{digest}"


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether ``response`` (rendered) is a plain page nothing in it ties to ``request``."""
    session = getattr(request, "session", None)
    message_storage = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and not response.has_header("Cache-Control")
        and not any(hasattr(response, attribute) for attribute in RESPONSE_SETTINGS)
        # get_token() was called: the page holds a CSRF token (and would set the cookie).
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        # The LazyNonce is falsy until something read it.
        and not get_nonce(request)
        and not (session is not None and session.modified)
        and not getattr(message_storage, "added_new", False)
    )


def cached_page(
    request: HttpRequest,
    *,
    name: str,
    versions: tuple[str, ...],
    view: Callable[[], HttpResponse],
) -> HttpResponse:
    """``view()``'s response for ``request``, from the page cache when the request and
    the page qualify (see the module docstring), else straight from ``view()``."""
    seconds = app_settings.PAGE_CACHE_SECONDS
    if seconds <= 0 or not cacheable_request(request):
        return view()
    key = page_key(request, name, versions)
    entry = caches["pages"].get(key)
    if entry is not None:
        status, headers, content = entry
        response = HttpResponse(content, status=status, headers=headers)
        return labelled(response, "hit")
    response = view()
    if callable(getattr(response, "render", None)):
        response = response.render()
    if storable(request, response):
        entry = (response.status_code, dict(response.items()), response.content)
        caches["pages"].set(key, entry, seconds)
    return labelled(response, "miss")


def labelled(response: HttpResponse, state: str) -> HttpResponse:
    """``response`` with the ``X-Coalition-Cache`` header when ``COALITION_CACHE_HEADER``
    is on (development only: it would tell the public when a page last changed)."""
    if app_settings.CACHE_HEADER:
        response[HEADER] = state
    return response


def cache_public_page(*, versions: tuple[str, ...], name: str | None = None):
    """Serve a view from the page cache: ``@cache_public_page(versions=(…))``. Name in
    ``versions`` every version (``"network"``, ``"events"``) whose writes can change the
    page; ``name`` (default: the view's dotted name) separates its entries from others'."""

    def decorator(view_func):
        label = name or f"{view_func.__module__}.{view_func.__qualname__}"

        @functools.wraps(view_func)
        def wrapper(request, *args, **kwargs):
            return cached_page(
                request,
                name=label,
                versions=versions,
                view=functools.partial(view_func, request, *args, **kwargs),
            )

        return wrapper

    return decorator


def cached_pages(urlconf: str, pages: dict[str, tuple[str, ...]]) -> tuple[list, str]:
    """``urlconf``'s patterns for ``include()``, with each page named in ``pages`` served
    from the page cache under the versions given for it. Every name must exist."""
    module = import_module(urlconf)
    patterns = []
    for pattern in module.urlpatterns:
        if isinstance(pattern, URLPattern) and pattern.name in pages:
            label = f"{module.app_name}:{pattern.name}"
            view = cache_public_page(versions=pages[pattern.name], name=label)(pattern.callback)
            pattern = URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)
        patterns.append(pattern)
    missing = set(pages) - {getattr(pattern, "name", None) for pattern in patterns}
    if missing:
        raise ImproperlyConfigured(f"No such page in {urlconf}: {', '.join(sorted(missing))}")
    return patterns, module.app_name
