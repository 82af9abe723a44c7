"""The public directory: home, movement and organization lists and details.

Views stay thin: each ``get_queryset`` is one QuerySet chain; filtering lives in
``movements/filters.py``; people-counts reach templates only through ``{% people_count %}``.
No person is ever listed here.
"""

from django.conf import settings
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from movements.filters import MovementFilter, OrganizationFilter
from movements.models import (
    Member,
    Movement,
    Organization,
    Tension,
)

FEATURED_MOVEMENTS = 4


class DirectoryFilterView(FilterView):
    """A paginated FilterView whose invalid filters answer 400 with the form errors.

    django-filter's strict mode alone shows an empty list with status 200; a bad slug or
    choice in the query string is a client error, so we say so."""

    def get_paginate_by(self, queryset):
        return settings.COALITION_PAGE_SIZE

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


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["movement_total"] = Movement.objects.visible().count()
        context["organization_total"] = Organization.objects.visible().count()
        context["people_total"] = Member.objects.count()
        context["featured_movements"] = (
            Movement.objects.active()
            .with_counts()
            .with_taxonomy()
            .order_by("-organization_count", "name")[:FEATURED_MOVEMENTS]
        )
        return context


class MovementListView(DirectoryFilterView):
    filterset_class = MovementFilter
    template_name = "movements/movement_list.html"
    context_object_name = "movements"

    def get_queryset(self):
        return Movement.objects.visible().with_counts().with_taxonomy()


class MovementDetailView(DetailView):
    context_object_name = "movement"

    def get_queryset(self):
        return Movement.objects.visible().with_counts().with_taxonomy().with_participations()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        movement = self.object
        tensions = Tension.objects.involving(movement).filter(
            movement_a__archived_at__isnull=True, movement_b__archived_at__isnull=True
        )
        context["tensions"] = [
            (t.movement_b if t.movement_a_id == movement.pk else t.movement_a, t.note)
            for t in tensions
        ]
        return context


class OrganizationListView(DirectoryFilterView):
    filterset_class = OrganizationFilter
    template_name = "movements/organization_list.html"
    context_object_name = "organizations"

    def get_queryset(self):
        return Organization.objects.visible().with_counts().with_region().with_current_movements()


class OrganizationDetailView(DetailView):
    context_object_name = "organization"

    def get_queryset(self):
        return Organization.objects.visible().with_counts().with_region().with_participations()
