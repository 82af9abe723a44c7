"""Pieces every FilterSet of the project shares: the sidebar form, free-text search and the
error message of a slug nobody recognised. Domain filters live with their models
(``movements/filters.py``, ``events/filters.py``, ``network/proposals/filters.py``)."""

import django_filters
from django import forms
from django.db.models import Q

SEARCH_MAX_LENGTH = 200


def unknown(noun: str) -> dict[str, str]:
    """Error messages for a slug filter that names the value nobody recognised."""
    return {"invalid_choice": f"There is no {noun} “%(value)s”."}


class FilterForm(forms.Form):
    """Labels without the trailing colon; the sidebar styles them as headings."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """A free-text search over several fields (``icontains`` on each, OR-ed)."""

    def __init__(self, *args, search_fields: tuple[str, ...], **kwargs):
        kwargs.setdefault("label", "Search")
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("widget", forms.SearchInput)
        super().__init__(*args, **kwargs)
        self.search_fields = search_fields

    def filter(self, qs, value):
        if not value:
            return qs
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return qs.filter(condition)


def slug_filter(noun: str, queryset, **kwargs) -> django_filters.ModelChoiceFilter:
    """A filter that takes one object of ``queryset`` by its slug: an unknown slug is a
    form error that names it ("There is no movement “x”."); the empty choice reads
    "Any <noun>"."""
    kwargs.setdefault("label", noun.capitalize())
    kwargs.setdefault("empty_label", f"Any {noun}")
    return django_filters.ModelChoiceFilter(
        queryset=queryset, to_field_name="slug", error_messages=unknown(noun), **kwargs
    )


class RenamedParameters:
    """A FilterSet mixin for query-string parameters that cannot be Python names ("from"):
    each filter is declared under a Python name and listed in ``parameter_names`` under
    the parameter it answers to. Subclasses (the API's) inherit the renaming."""

    parameter_names: dict[str, str] = {}

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        return {cls.parameter_names.get(name, name): f for name, f in filters.items()}
