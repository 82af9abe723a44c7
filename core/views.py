"""List views shared by every app's pages."""

from django_filters.views import FilterView

from core.conf import app_settings


class DirectoryFilterView(FilterView):
    """A paginated FilterView whose invalid filters answer 400 with the form errors.

    django-filter's strict mode alone shows an empty list with status 200; a bad slug or
    choice in the query string is a client error, so we say so."""

    def get_paginate_by(self, queryset):
        return app_settings.PAGE_SIZE

    def filters_invalid(self) -> bool:
        return self.filterset.is_bound and not self.filterset.is_valid()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invalid = self.filters_invalid()
        context["filters_invalid"] = invalid
        context["filters_active"] = not invalid and any(
            value not in (None, "")
            for value in getattr(self.filterset.form, "cleaned_data", {}).values()
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filters_invalid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)
