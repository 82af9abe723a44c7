"""The movement map's data (``/map/graph.json``): movements as nodes sized by their people,
their strongest overlaps as edges, and optionally the organizations taking part.

An overlap edge carries its ``score`` (a number, as ever) and its ``strength`` in words
(``network.words.overlap_strength``: "strong overlap"…), which the side panel shows; an
organization's edge has neither (both null).

Never a person: a node's people-count is disclosed by the usual rule, and its size class
never tells what a suppressed count hides.
"""

from core import privacy
from core.conf import app_settings
from movements.models import Participation, ParticipationRole
from network import words
from network.overlaps import all_overlaps

# Node size classes run from 0 (curators only: fewer people than the threshold) to this.
LARGEST_SIZE_CLASS = 6


def edges_per_node() -> int:
    """How many of its strongest overlaps each movement keeps on the map."""
    return app_settings.MAP_EDGES_PER_NODE


def size_class(people: int, *, curator: bool) -> int:
    """The node size class of a movement with ``people`` active people.

    One class per doubling from the disclosure threshold up. Non-curators get the size of
    ``max(people, threshold)``, so every suppressed count draws the same node and the size
    never tells what the number hides."""
    base = max(privacy.threshold(), 1)
    effective = people if curator else max(people, base)
    return min(LARGEST_SIZE_CLASS, (effective // base).bit_length())


def build_graph(movements, *, organizations: bool, curator: bool) -> dict:
    """The map's nodes and edges for the ``movements`` QuerySet (see PRODUCT.md, JSON).

    Movement edges are overlaps; an edge is drawn when it is among the
    ``COALITION_MAP_EDGES_PER_NODE`` best of at least one of its two movements, so a
    network of N movements draws at most that many times N edges and no movement loses its
    strongest ties. Organization edges join an organization to each movement it takes part
    in now. A fixed number of queries whatever the size; never a person."""
    per_node = edges_per_node()
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
            "people": privacy.disclosed(m.people_count, curator=curator),
            "people_label": privacy.people_label(m.people_count, curator=curator),
            "size": size_class(m.people_count, curator=curator),
        }
        for m in rows
    ]

    edges = []
    seen: dict[int, int] = {}
    for overlap in all_overlaps(movements, curator=curator):
        a, b = overlap.a.pk, overlap.b.pk
        if seen.get(a, 0) < per_node or seen.get(b, 0) < per_node:
            edges.append(
                {
                    "source": movement_ids[a],
                    "target": movement_ids[b],
                    "score": overlap.score,
                    "reasons": overlap.reasons,
                    "strength": words.overlap_strength(overlap.score),
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
        rank = ParticipationRole.rank_of(participation.role)
        if key in roles and roles[key] <= rank:
            continue
        roles[key] = rank
        edges[key] = {
            "source": node_id,
            "target": movement_ids[movement.pk],
            "score": None,
            "reasons": [f"{participation.get_role_display()} organization in {movement.name}."],
            "strength": None,
        }
    return list(nodes.values()), list(edges.values())
