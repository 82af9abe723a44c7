"""Filters for the public directory lists (query-string shape lives here, not in views).

Every value arrives as a slug or a choice value (see PRODUCT.md, "Choice values"); an
unknown slug, a bad choice or an over-long search is a form error, which the views turn
into a 400 Bad Request that shows the errors.
"""

import django_filters

from core.filters import FilterForm, SearchFilter, slug_filter, unknown
from movements.models import (
    Movement,
    MovementStatus,
    Organization,
    OrganizationKind,
    Participation,
    Region,
    Sector,
    Tactic,
    Theme,
)


class RegionFilter(django_filters.ModelChoiceFilter):
    """A region by slug, including the regions directly inside it (``in_region``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("label", "Region")
        kwargs.setdefault("error_messages", unknown("region"))
        kwargs.setdefault("empty_label", "Any region")
        kwargs.setdefault("help_text", "Includes the places inside it.")
        super().__init__(*args, **kwargs)

    # Every list it filters (movements, organizations, events, proposals) has a QuerySet
    # ``in_region``.

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.in_region(value)


class MovementFilter(django_filters.FilterSet):
    q = SearchFilter(search_fields=("name", "summary", "constituency"))
    theme = slug_filter("theme", Theme.objects.all(), field_name="themes")
    tactic = slug_filter("tactic", Tactic.objects.all(), field_name="tactics")
    sector = django_filters.ChoiceFilter(choices=Sector.choices, empty_label="Any sector")
    region = RegionFilter()
    status = django_filters.ChoiceFilter(choices=MovementStatus.choices, empty_label="Any status")

    class Meta:
        model = Movement
        fields = ["q", "theme", "tactic", "sector", "region", "status"]
        form = FilterForm


class OrganizationFilter(django_filters.FilterSet):
    q = SearchFilter(search_fields=("name", "description"))
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices, empty_label="Any kind")
    movement = slug_filter(
        "movement",
        Movement.objects.visible(),
        method="filter_movement",
        help_text="Organizations taking part in it now.",
    )
    region = RegionFilter()

    class Meta:
        model = Organization
        fields = ["q", "kind", "movement", "region"]
        form = FilterForm

    def filter_movement(self, queryset, name, value):
        # A subquery rather than a join: an organization may have several participation
        # rows for one movement (a past one and the current one).
        taking_part = Participation.objects.current().filter(movement=value)
        return queryset.filter(pk__in=taking_part.values("organization"))
