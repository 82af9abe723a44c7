"""The API's filters: the pages' own FilterSets, documented for the OpenAPI schema.

A bad value answers 400 with the field errors, as on the pages.
"""

import copy

from django.forms.utils import ErrorDict
from django_filters import Filter
from drf_spectacular.utils import extend_schema_field
from rest_framework.settings import api_settings

from events.filters import EventFilter
from movements.filters import MovementFilter, OrganizationFilter
from network.proposals.filters import ProposalFilter


def slug_parameter(filter_: Filter, description: str) -> Filter:
    """A copy of ``filter_`` documented as a slug string: drf-spectacular cannot guess the
    type of a filter that is not a model field (``region`` on movements, ``movement`` on
    organizations)."""
    schema = {"type": "string", "description": description}
    return extend_schema_field(schema)(copy.deepcopy(filter_))


class MovementAPIFilter(MovementFilter):
    region = slug_parameter(
        MovementFilter.base_filters["region"],
        "Slug of a region; includes the regions directly inside it.",
    )


class OrganizationAPIFilter(OrganizationFilter):
    region = slug_parameter(
        OrganizationFilter.base_filters["region"],
        "Slug of a region; includes the regions directly inside it.",
    )
    movement = slug_parameter(
        OrganizationFilter.base_filters["movement"],
        "Slug of a movement: organizations taking part in it now.",
    )


class EventAPIFilter(EventFilter):
    """The events page's filters; a form-wide error (``from`` after ``to``) is reported
    under DRF's ``non_field_errors`` key like any other API error."""

    movement = slug_parameter(EventFilter.base_filters["movement"], "Slug of a movement.")
    region = slug_parameter(
        EventFilter.base_filters["region"],
        "Slug of a region; includes the regions directly inside it.",
    )

    @property
    def errors(self):
        errors = super().errors
        return ErrorDict(
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field, messages)
            for field, messages in errors.items()
        )


class ProposalAPIFilter(ProposalFilter):
    region = slug_parameter(
        ProposalFilter.base_filters["region"],
        "Slug of a region; includes the regions directly inside it.",
    )
    movement = slug_parameter(
        ProposalFilter.base_filters["movement"], "Slug of a movement taking part."
    )
