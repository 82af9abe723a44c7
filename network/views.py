"""Cross-app pages: the movement map, its JSON, the overlap table and the overlap of a pair.

Every page takes the movement filters of ``/movements/`` (``movements.filters.MovementFilter``)
and answers 400 with the errors when they are invalid. Overlaps come from
``network.overlaps`` and nothing here ever names a person: people reach these pages only
as counts, suppressed for non-curators below ``COALITION_MIN_DISCLOSED_COUNT``.

``/overlaps/<a>/<b>/`` has one spelling per pair, its slugs in alphabetical order; the other
order answers 301 with the canonical address.
"""

from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView, View

from core.cache import cached, queryset_key
from core.conf import app_settings
from core.roles import is_curator
from core.views import InvalidFiltersAre400, filter_state
from events.models import RSVP, Event, Proposal
from movements.filters import MovementFilter
from movements.models import Movement, Sector, Tension
from network.bridging import bridging_context
from network.filters import MapFilter
from network.followthrough_pages import pair_follow_through
from network.graph import build_graph, edges_per_node
from network.overlaps import Overlap, all_overlaps, pair_overlap

# Query-string keys that are display options, not movement filters.
DISPLAY_KEYS = ("organizations", "page")


def overlap_url(a: Movement, b: Movement) -> str:
    """The canonical address of a pair's overlap page (slugs in alphabetical order)."""
    first, second = sorted([a.slug, b.slug])
    return reverse("network:overlap_detail", kwargs={"a": first, "b": second})


def filter_query(request) -> str:
    """The request's movement filters as a query string, display options left out."""
    query = request.GET.copy()
    for key in DISPLAY_KEYS:
        query.pop(key, None)
    return query.urlencode()


class MovementFilterMixin:
    """Bind ``filterset_class`` to the query string over the visible movements."""

    filterset_class = MovementFilter

    def get_filterset(self):
        if not hasattr(self, "_filterset"):
            self._filterset = self.filterset_class(
                self.request.GET or None,
                queryset=Movement.objects.visible(),
                request=self.request,
            )
        return self._filterset

    def filters_invalid(self) -> bool:
        return filter_state(self.get_filterset())["filters_invalid"]

    def filter_context(self) -> dict:
        filterset = self.get_filterset()
        return {
            "filter": filterset,
            **filter_state(filterset),
            "filter_query": filter_query(self.request),
        }


def _errors(filterset) -> dict[str, list[str]]:
    return {
        name: [str(message) for message in messages] for name, messages in filterset.errors.items()
    }


class GraphView(MovementFilterMixin, View):
    """``/map/graph.json``: the map's data. Invalid filters answer 400 with the errors."""

    filterset_class = MapFilter

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset()
        if self.filters_invalid():
            return JsonResponse({"errors": _errors(filterset)}, status=400)
        cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
        organizations = bool(cleaned.get("organizations"))
        curator = is_curator(request.user)
        # Cached per network version (core/cache.py): any write makes a new one.
        parts = (
            queryset_key(filterset.qs),
            organizations,
            curator,
            timezone.localdate(),
            app_settings.MIN_DISCLOSED_COUNT,
            edges_per_node(),
        )
        graph = cached(
            "graph",
            parts,
            lambda: build_graph(filterset.qs, organizations=organizations, curator=curator),
        )
        return JsonResponse(graph)


class MapView(MovementFilterMixin, InvalidFiltersAre400, TemplateView):
    """``/map/``: the interactive map (Cytoscape.js draws it from ``graph.json``)."""

    filterset_class = MapFilter
    template_name = "network/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.filter_context())
        context["sectors"] = Sector.choices
        context["edges_per_node"] = edges_per_node()
        graph_url = reverse("network:graph")
        context["graph_url"] = (
            f"{graph_url}?{context['filter_query']}" if context["filter_query"] else graph_url
        )
        context["overlap_url_template"] = reverse(
            "network:overlap_detail", kwargs={"a": "__a__", "b": "__b__"}
        )
        # People bridging movements over time, the whole network's (not filtered).
        context.update(bridging_context(user=self.request.user, prefix="bridging-map"))
        return context


class OverlapTableView(MovementFilterMixin, InvalidFiltersAre400, ListView):
    """``/map/table/``: the map's overlaps as an accessible, paginated table; no JS."""

    template_name = "network/overlap_table.html"
    context_object_name = "overlaps"

    def get_paginate_by(self, queryset):
        return app_settings.PAGE_SIZE

    def get_queryset(self) -> list[Overlap]:
        if self.filters_invalid():
            return []
        return all_overlaps(self.get_filterset().qs, curator=is_curator(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.filter_context())
        context["rows"] = [
            {"overlap": overlap, "url": overlap_url(overlap.a, overlap.b)}
            for overlap in context["page_obj"]
        ]
        query = context["filter_query"]
        context["map_url"] = reverse("network:map") + (f"?{query}" if query else "")
        return context


JOINT_EVENTS_SHOWN = 5


class OverlapDetailView(TemplateView):
    """``/overlaps/<a>/<b>/``: two movements side by side, where they meet and where they
    pull apart. Unknown or archived slugs and a movement paired with itself are 404; the
    slugs out of alphabetical order answer 301 with the canonical address."""

    template_name = "network/overlap_detail.html"

    def get(self, request, *args, **kwargs):
        a, b = kwargs["a"], kwargs["b"]
        if a == b:
            raise Http404("A movement does not overlap with itself.")
        found = {
            m.slug: m
            for m in Movement.objects.visible()
            .with_counts()
            .with_taxonomy()
            .filter(slug__in=[a, b])
        }
        if len(found) != 2:
            raise Http404("No such pair of movements.")
        if a > b:
            return redirect(overlap_url(found[a], found[b]), permanent=True)
        self.first, self.second = found[a], found[b]
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overlap = pair_overlap(self.first, self.second, curator=is_curator(self.request.user))
        context.update(
            {
                "first": self.first,
                "second": self.second,
                "pair": [self.first, self.second],
                "overlap": overlap,
                "has_overlap": bool(
                    overlap.shared_members
                    or overlap.shared_organizations
                    or overlap.shared_themes
                    or overlap.shared_tactics
                    or overlap.shared_regions
                ),
                "tensions": list(Tension.objects.between(self.first, self.second)),
                "joint_events": self.joint_events(),
                "proposals": list(
                    Proposal.objects.open()
                    .filter(movements=self.first)
                    .filter(movements=self.second)
                    .ranked()
                ),
            }
        )
        context.update(pair_follow_through(self.first, self.second, user=self.request.user))
        return context

    def joint_events(self) -> list[tuple[Event, list[tuple[Movement, int]]]]:
        """Upcoming public events of both movements, each with how many people going came
        through each of the two (the template suppresses small counts)."""
        events = list(
            Event.objects.listed()
            .upcoming()
            .filter(movements=self.first)
            .filter(movements=self.second)
            .with_going_count()[:JOINT_EVENTS_SHOWN]
        )
        came = RSVP.objects.filter(
            event__in=events, movement__in=[self.first, self.second]
        ).going_by_movement()
        return [
            (event, [(m, came.get((event.pk, m.pk), 0)) for m in (self.first, self.second)])
            for event in events
        ]
