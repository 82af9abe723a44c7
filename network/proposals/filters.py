"""Filters for the proposals page and ``/api/proposals/`` (query-string shape lives here).

``kind`` is a choice value, ``region`` and ``movement`` are slugs (a region includes the
regions directly inside it), ``status`` is open (the default, also when left out), accepted,
or — for curators only — dismissed: a dismissed proposal does not come back for anyone
else. Bad values are form errors, which the page and the API answer with 400.
"""

import django_filters
from django.http import QueryDict

from core.filters import FilterForm, slug_filter
from core.roles import is_curator
from events.models import EventKind, Proposal, ProposalStatus
from movements.filters import RegionFilter
from movements.models import Movement

# The kinds the proposal engine makes (network/proposals/engine.py).
PROPOSAL_KINDS = [
    (value, label)
    for value, label in EventKind.choices
    if value in (EventKind.POTLUCK, EventKind.PANEL, EventKind.CONFERENCE)
]


def statuses_for(user) -> list[tuple[str, str]]:
    """The statuses ``user`` may list: dismissed ones for curators only."""
    if is_curator(user):
        return list(ProposalStatus.choices)
    return [(v, label) for v, label in ProposalStatus.choices if v != ProposalStatus.DISMISSED]


class ProposalFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PROPOSAL_KINDS, empty_label="Any kind")
    region = RegionFilter()
    movement = slug_filter("movement", Movement.objects.visible(), field_name="movements")
    status = django_filters.ChoiceFilter(
        choices=ProposalStatus.choices,
        empty_label=None,
        method="filter_status",
        help_text="Open proposals unless you choose otherwise.",
        error_messages={"invalid_choice": "“%(value)s” is not a status you can list."},
    )

    class Meta:
        model = Proposal
        fields = ["kind", "region", "movement", "status"]
        form = FilterForm

    def __init__(self, data=None, *args, request=None, **kwargs):
        # Unbound, a FilterSet skips ``filter_queryset``; an empty query string must still
        # list open proposals only.
        super().__init__(QueryDict() if data is None else data, *args, request=request, **kwargs)
        self.form.fields["status"].choices = statuses_for(getattr(request, "user", None))

    def filter_status(self, queryset, name, value):
        return queryset  # applied in ``filter_queryset``, with its default

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.filter(status=self.form.cleaned_data.get("status") or ProposalStatus.OPEN)
