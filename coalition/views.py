"""Cross-app pages: the movement map, its JSON, the overlap table and the overlap of a pair.

Every page takes the movement filters of ``/movements/`` (``movements.filters.MovementFilter``)
and answers 400 with the errors when they are invalid. Overlaps come from
``coalition.overlaps`` and nothing here ever names a person: people reach these pages only
as counts, suppressed for non-curators below ``COALITION_MIN_DISCLOSED_COUNT``.

``/overlaps/<a>/<b>/`` has one spelling per pair, its slugs in alphabetical order; the other
order answers 301 with the canonical address.
"""

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView, View

from coalition.cache import cached, queryset_key
from coalition.overlaps import Overlap, all_overlaps, pair_overlap
from events.models import RSVP, Event, Proposal
from movements.filters import MovementFilter
from movements.models import Movement, Participation, Sector, Tension
from movements.templatetags.coalition_tags import disclosed_people_count

DEFAULT_EDGES_PER_NODE = 5
# Node size classes run from 0 (curators only: fewer people than the threshold) to this.
LARGEST_SIZE_CLASS = 6
# Query-string keys that are display options, not movement filters.
DISPLAY_KEYS = ("organizations", "page")


def edges_per_node() -> int:
    """How many of its strongest overlaps each movement keeps on the map."""
    return getattr(settings, "COALITION_MAP_EDGES_PER_NODE", DEFAULT_EDGES_PER_NODE)


def is_curator(user) -> bool:
    return bool(user and user.is_active and user.is_staff)


def overlap_url(a: Movement, b: Movement) -> str:
    """The canonical address of a pair's overlap page (slugs in alphabetical order)."""
    first, second = sorted([a.slug, b.slug])
    return reverse("coalition:overlap_detail", kwargs={"a": first, "b": second})


def size_class(people: int, *, curator: bool) -> int:
    """The node size class of a movement with ``people`` active people.

    One class per doubling from the disclosure threshold up. Non-curators get the size of
    ``max(people, threshold)``, so every suppressed count draws the same node and the size
    never tells what the number hides."""
    base = max(settings.COALITION_MIN_DISCLOSED_COUNT, 1)
    effective = people if curator else max(people, base)
    return min(LARGEST_SIZE_CLASS, (effective // base).bit_length())


def _switched_on(value) -> bool:
    return value in (True, "1", "true", "on")


class FlagInput(forms.CheckboxInput):
    """A checkbox that hands the raw query-string value to its field for validation and
    always submits ``1``."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=_switched_on)

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def format_value(self, value):
        return "1"


class FlagField(forms.Field):
    """An on/off query-string switch: empty, 0, false or off mean off; 1, true or on mean
    on; anything else is an error."""

    widget = FlagInput
    default_error_messages = {"invalid": "Use 1 to turn this on or 0 to turn it off."}

    def __init__(self, **kwargs):
        kwargs["required"] = False
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, False, "", "0", "false", "off"):
            return False
        if _switched_on(value):
            return True
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class DisplayOption(django_filters.Filter):
    """A switch that changes what is drawn, never which movements are chosen."""

    field_class = FlagField

    def filter(self, qs, value):
        return qs


class MapFilter(MovementFilter):
    """The movement filters plus the map's "show organizations" switch."""

    organizations = DisplayOption(
        label="Show organizations",
        help_text="Draw the organizations taking part, linked to their movements.",
    )

    class Meta(MovementFilter.Meta):
        fields = [*MovementFilter.Meta.fields, "organizations"]


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
        filterset = self.get_filterset()
        return filterset.is_bound and not filterset.is_valid()

    def filter_context(self) -> dict:
        filterset = self.get_filterset()
        invalid = self.filters_invalid()
        cleaned = getattr(filterset.form, "cleaned_data", {}) if filterset.is_bound else {}
        return {
            "filter": filterset,
            "filters_invalid": invalid,
            "filters_active": not invalid
            and any(value not in (None, "", False) for value in cleaned.values()),
            "filter_query": filter_query(self.request),
        }


def build_graph(movements, *, organizations: bool, curator: bool) -> dict:
    """The map's nodes and edges for the ``movements`` QuerySet (see PRODUCT.md, JSON).

    Movement edges are overlaps; an edge is drawn when it is among the
    ``COALITION_MAP_EDGES_PER_NODE`` best of at least one of its two movements, so a
    network of N movements draws at most that many times N edges and no movement loses its
    strongest ties. Organization edges join an organization to each movement it takes part
    in now. A fixed number of queries whatever the size; never a person."""
    per_node = edges_per_node()
    threshold = settings.COALITION_MIN_DISCLOSED_COUNT
    rows = list(movements.with_counts().order_by("name", "slug"))
    movement_ids = {m.pk: f"movement:{m.slug}" for m in rows}
    nodes = [
        {
            "id": movement_ids[m.pk],
            "type": "movement",
            "slug": m.slug,
            "name": m.name,
            "url": m.get_absolute_url(),
            "sector": m.sector,
            "sector_label": m.get_sector_display(),
            "status": m.status,
            "constituency": m.constituency,
            "summary": m.summary,
            "people": m.people_count if curator or m.people_count >= threshold else None,
            "people_label": disclosed_people_count(m.people_count, is_curator=curator),
            "size": size_class(m.people_count, curator=curator),
        }
        for m in rows
    ]

    edges = []
    seen: dict[int, int] = {}
    for overlap in all_overlaps(movements):
        a, b = overlap.a.pk, overlap.b.pk
        if seen.get(a, 0) < per_node or seen.get(b, 0) < per_node:
            edges.append(
                {
                    "source": movement_ids[a],
                    "target": movement_ids[b],
                    "score": overlap.score,
                    "reasons": overlap.reasons,
                }
            )
        seen[a] = seen.get(a, 0) + 1
        seen[b] = seen.get(b, 0) + 1

    if organizations:
        nodes_, edges_ = _organization_graph(movements, movement_ids)
        nodes += nodes_
        edges += edges_
    return {"nodes": nodes, "edges": edges}


def _organization_graph(movements, movement_ids: dict[int, str]) -> tuple[list, list]:
    """Organization nodes and their edges to the movements they take part in now."""
    role_rank = {"lead": 0, "partner": 1, "ally": 2}
    participations = (
        Participation.objects.current()
        .filter(movement__in=movements.values("pk"), organization__archived_at__isnull=True)
        .select_related("organization", "movement")
        .order_by("organization__name", "organization__slug", "movement__name")
    )
    nodes, edges, roles = {}, {}, {}
    for participation in participations:
        organization, movement = participation.organization, participation.movement
        node_id = f"organization:{organization.slug}"
        nodes.setdefault(
            node_id,
            {
                "id": node_id,
                "type": "organization",
                "slug": organization.slug,
                "name": organization.name,
                "url": organization.get_absolute_url(),
                "kind": organization.kind,
                "kind_label": organization.get_kind_display(),
            },
        )
        key = (node_id, movement.pk)
        rank = role_rank.get(participation.role, len(role_rank))
        if key in roles and roles[key] <= rank:
            continue
        roles[key] = rank
        edges[key] = {
            "source": node_id,
            "target": movement_ids[movement.pk],
            "score": None,
            "reasons": [f"{participation.get_role_display()} organization in {movement.name}."],
        }
    return list(nodes.values()), list(edges.values())


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
        # Cached per network version (coalition/cache.py): any write makes a new one.
        parts = (
            queryset_key(filterset.qs),
            organizations,
            curator,
            timezone.localdate(),
            settings.COALITION_MIN_DISCLOSED_COUNT,
            edges_per_node(),
        )
        graph = cached(
            "graph",
            parts,
            lambda: build_graph(filterset.qs, organizations=organizations, curator=curator),
        )
        return JsonResponse(graph)


class MapView(MovementFilterMixin, TemplateView):
    """``/map/``: the interactive map (Cytoscape.js draws it from ``graph.json``)."""

    filterset_class = MapFilter
    template_name = "coalition/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.filter_context())
        context["sectors"] = Sector.choices
        context["edges_per_node"] = edges_per_node()
        graph_url = reverse("coalition:graph")
        context["graph_url"] = (
            f"{graph_url}?{context['filter_query']}" if context["filter_query"] else graph_url
        )
        context["overlap_url_template"] = reverse(
            "coalition:overlap_detail", kwargs={"a": "__a__", "b": "__b__"}
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filters_invalid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class OverlapTableView(MovementFilterMixin, ListView):
    """``/map/table/``: the map's overlaps as an accessible, paginated table; no JS."""

    template_name = "coalition/overlap_table.html"
    context_object_name = "overlaps"

    def get_paginate_by(self, queryset):
        return settings.COALITION_PAGE_SIZE

    def get_queryset(self) -> list[Overlap]:
        if self.filters_invalid():
            return []
        return all_overlaps(self.get_filterset().qs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.filter_context())
        context["rows"] = [
            {"overlap": overlap, "url": overlap_url(overlap.a, overlap.b)}
            for overlap in context["page_obj"]
        ]
        query = context["filter_query"]
        context["map_url"] = reverse("coalition:map") + (f"?{query}" if query else "")
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filters_invalid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


JOINT_EVENTS_SHOWN = 5


class OverlapDetailView(TemplateView):
    """``/overlaps/<a>/<b>/``: two movements side by side, where they meet and where they
    pull apart. Unknown or archived slugs and a movement paired with itself are 404; the
    slugs out of alphabetical order answer 301 with the canonical address."""

    template_name = "coalition/overlap_detail.html"

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
        overlap = pair_overlap(self.first, self.second)
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
        came = {
            (row["event"], row["movement"]): row["n"]
            for row in RSVP.objects.going()
            .filter(event__in=events, movement__in=[self.first, self.second])
            .order_by()
            .values("event", "movement")
            .annotate(n=Count("pk"))
        }
        return [
            (event, [(m, came.get((event.pk, m.pk), 0)) for m in (self.first, self.second)])
            for event in events
        ]
