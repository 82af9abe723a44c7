"""Views and mixins shared by every app's pages: filtered lists and forms whose bad input
answers 400 Bad Request (a bad slug or choice in the query string, a form sent back with
errors: a client error that changed nothing); and ``/healthz`` for the process manager."""

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django_filters.views import FilterView

from core.conf import app_settings


def filter_state(filterset) -> dict[str, bool]:
    """``filters_invalid`` and ``filters_active`` for a page's filter sidebar."""
    invalid = filterset.is_bound and not filterset.is_valid()
    cleaned = getattr(filterset.form, "cleaned_data", {}) if filterset.is_bound else {}
    active = not invalid and any(value not in (None, "", False) for value in cleaned.values())
    return {"filters_invalid": invalid, "filters_active": active}


class InvalidFiltersAre400:
    """Answer 400 when the view's filters are invalid (the page still shows the errors).
    The view says how in ``filters_invalid()``."""

    def filters_invalid(self) -> bool:
        raise NotImplementedError

    def render_to_response(self, context, **response_kwargs):
        if self.filters_invalid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class InvalidFormIs400:
    """A form sent back with errors answers 400 Bad Request: nothing was changed."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class DirectoryFilterView(InvalidFiltersAre400, FilterView):
    """A paginated FilterView whose invalid filters answer 400 with the form errors.

    django-filter's strict mode alone shows an empty list with status 200; a bad slug or
    choice in the query string is a client error, so we say so."""

    def get_paginate_by(self, queryset):
        return app_settings.PAGE_SIZE

    def filters_invalid(self) -> bool:
        return filter_state(self.filterset)["filters_invalid"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filter_state(self.filterset))
        return context


@csrf_exempt  # GET and HEAD only: any other method answers 405, not a CSRF page
@never_cache
@require_safe
def healthz(request) -> HttpResponse:
    """``/healthz`` for the process manager or the proxy: 200 ``ok`` when the database
    answers a read (``SELECT 1``) and the cache a get; 503 with a short reason otherwise.
    Writes nothing, opens no session, sets no cookie, is never cached; GET and HEAD only,
    so CSRF and django-axes have nothing to guard. Exempt from the HTTPS redirect (settings:
    the checker speaks plain HTTP on the machine)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return _unhealthy("database unavailable")
    try:
        caches["default"].get("coalition:healthz")
    except Exception:  # each backend has its own errors (redis.ConnectionError, OSError…)
        return _unhealthy("cache unavailable")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def _unhealthy(reason: str) -> HttpResponse:
    return HttpResponse(reason, status=503, content_type="text/plain; charset=utf-8")
