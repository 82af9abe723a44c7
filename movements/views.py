"""The public directory: home, movement and organization lists and details.

Views stay thin: each ``get_queryset`` is one QuerySet chain; filtering lives in
``movements/filters.py``; people-counts reach templates only through ``{% people_count %}``.
No person is ever listed here. Higher layers add their sections to these pages through the
signals in ``movements/signals.py`` (``core.sections``); nothing here imports them.
"""

from django.views.generic import DetailView, TemplateView

from core.sections import page_sections
from core.views import DirectoryFilterView
from movements.filters import MovementFilter, OrganizationFilter
from movements.models import (
    Member,
    Movement,
    Organization,
    Tension,
)
from movements.signals import home_page, movement_page, organization_page

FEATURED_MOVEMENTS = 4


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
        context["sections"] = page_sections(home_page, self.request)
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
        context["sections"] = page_sections(movement_page, self.request, movement=movement)
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = page_sections(
            organization_page, self.request, organization=self.object
        )
        return context
