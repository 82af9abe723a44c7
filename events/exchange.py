"""Events, RSVPs and proposal decisions in the import/export document.

``movements.exchange`` reads and writes the directory; this module is the part above it
(:data:`EVENTS_PART`, registered by ``EventsConfig.ready()``), so ``network_import`` and
``network_export`` there handle the whole document in one transaction. The format is
PRODUCT.md's "Import/export document"; the same rules hold as for the directory: every
value is checked before anything is written, a problem raises ``NetworkImportError``
naming the record, and nothing is changed then.

Events (``events``, matched by ``slug``):

- A key missing from a record leaves the stored value as it is; a new event needs
  ``starts_at``, ``ends_at`` and ``movements`` (one or more).
- ``hosts`` are objects ``{"organization", "movement", "status"}`` (what export writes:
  the organization, the event's movement it stands for, invited, confirmed or declined;
  ``status`` defaults to confirmed), or plain organization slugs: a confirmed host
  standing for the first of the event's movements (by slug) that organization takes part
  in (a participation, ongoing or past), else for the event's first movement; an object
  without ``movement`` too. ``movements`` and ``hosts`` replace the stored lists when
  present; new ``movements`` without ``hosts`` move a stored host standing for a removed
  movement to the first one by the same rule (a declined invitation for it is dropped).
  Who invited and when is not in the file: imported invitations are never reminded.
- ``link_key`` is the secret of the event's private link, always exported so that private
  links survive: 16 to 64 characters of ``secrets.token_urlsafe``'s alphabet, and no other
  event's key.

RSVPs (an event's ``rsvps``, matched by member ``key``; upserted, never deleted):

- ``checked_in: true`` keeps a stored check-in time, or else sets it to the event's start
  (check-in times are not in the file); ``false`` clears it. It adds no engagement: the
  attendance engagements travel in the member's ``engagements`` (``"source": "event"``).
- A new RSVP is taken to have been told about the event's movements
  (``RSVP.told_movements``), as the migration that added them did.
- Per event, the RSVPs going (one place each, plus guests), stored ones included, must fit
  its capacity; waitlisted and cancelled ones take no place.

Proposals (``proposals``: decided ones only, matched by kind and set of movements, as the
engine matches them: ``proposal_identity``):

- ``status`` is accepted or dismissed; ``event`` is the event an accepted proposal became
  (null: none), which replaces the events linked to it when the key is present; ``reason``
  is a dismissal's reason, exported only when it is not empty (so a missing one is empty).
- A new proposal is titled after its event, or "<Kind> between A and B"; its score,
  reasons and suggested hosts are the engine's, which leaves decided proposals alone.
- ``"follow_up": true`` marks a follow-up proposal (the engine's ``follow-up:`` identity:
  a pair whose joint events worked, proposed to meet again), which is another proposal
  than the ordinary one of the same kind and movements; export writes the key only for
  follow-ups, so a file without any reads and writes as before. A new one is titled
  "Follow-up <kind> between A and B".

Importing sends no mail: rows are written directly, never through the services that mail.
Export orders everything (events by slug, RSVPs by member key, proposals by kind and
movements, lists of slugs sorted), so export → import into an empty database → export
gives the same text.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from core.text import iso, join_names
from events.models import (
    FOLLOW_UP_PREFIX,
    RSVP,
    Event,
    EventHost,
    EventKind,
    EventStatus,
    EventVisibility,
    HostStatus,
    Proposal,
    ProposalStatus,
    RSVPStatus,
    follow_up_identity,
    proposal_identity,
)
from events.services import MAX_GUESTS
from events.signals import events_bulk_changed
from movements.exchange import (
    INSERT_BATCH_SIZE,
    UPDATE_BATCH_SIZE,
    Check,
    Counts,
    Ids,
    Invalid,
    NetworkImportError,
    boolean_check,
    check_keys,
    checked,
    choice_check,
    in_batches,
    json_type,
    moment_check,
    quoted,
    reference_check,
    references_check,
    replace_links,
    shown,
    slug_check,
    text_check,
    url_check,
)
from movements.models import Member, Movement, Participation

# The largest capacity every database stores in the column (a PositiveIntegerField).
MAX_CAPACITY = 2_147_483_647
# A link key: what ``secrets.token_urlsafe`` writes, as long as ``new_link_key``'s (22) or
# longer, and at most the column's 64 characters.
LINK_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}", re.ASCII)
# Proposals are between movements: two or more.
MIN_PROPOSAL_MOVEMENTS = 2
DECIDED = (ProposalStatus.ACCEPTED, ProposalStatus.DISMISSED)


# --- Checks for single values -------------------------------------------------------------


def _whole_number(low: int, high: int, *, nullable: bool = False) -> Check:
    def check(value: Any) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        allowed = f"a whole number from {low} to {high}" + (" or null" if nullable else "")
        raise Invalid(f"must be {allowed}, not {shown(value)}")

    return check


def _moment_not_null(value: Any) -> datetime.datetime:
    moment = moment_check(value)
    if moment is None:
        raise Invalid(
            "must be an ISO date and time with a UTC offset (2024-05-01T18:00:00+00:00), not null"
        )
    return moment


def _link_key(value: Any) -> str:
    if isinstance(value, str) and LINK_KEY.fullmatch(value):
        return value
    raise Invalid(
        "must be 16 to 64 letters, digits, '-' or '_' (a secrets.token_urlsafe secret), "
        f"not {shown(value)}"
    )


def _slug_list(value: Any, *, at_least: int) -> list[str]:
    slugs = references_check(value)
    if len(slugs) < at_least:
        raise Invalid(f"must name at least {at_least} movement{'s' if at_least > 1 else ''}")
    return slugs


EVENT_FIELDS: dict[str, Check] = {
    "slug": slug_check(Event),
    "title": text_check(Event, "title", required=True),
    "kind": choice_check(EventKind),
    "description": text_check(Event, "description"),
    "starts_at": _moment_not_null,
    "ends_at": _moment_not_null,
    "venue": text_check(Event, "venue"),
    "address": text_check(Event, "address"),
    "online_link": url_check(Event, "online_link"),
    "capacity": _whole_number(1, MAX_CAPACITY, nullable=True),
    "status": choice_check(EventStatus),
    "visibility": choice_check(EventVisibility),
    "link_key": _link_key,
}
EVENT_KEYS = {*EVENT_FIELDS, "movements", "hosts", "region", "rsvps"}
# What a new event cannot do without (the model has no default for them).
NEW_EVENT_NEEDS = ("starts_at", "ends_at", "movements")

RSVP_FIELDS: dict[str, Check] = {
    "status": choice_check(RSVPStatus),
    "guests": _whole_number(0, MAX_GUESTS),
    "checked_in": boolean_check,
    "created_at": _moment_not_null,
}
RSVP_KEYS = {*RSVP_FIELDS, "member", "via"}
HOST_KEYS = {"organization", "movement", "status"}
PROPOSAL_KEYS = {"kind", "movements", "status", "event", "reason", "follow_up"}


# --- Parsing: JSON values to checked records -------------------------------------------------


@dataclass
class _Host:
    label: str
    organization: str
    movement: str | None  # None: the first of the event's it takes part in
    status: str


@dataclass
class _Rsvp:
    label: str
    member: str
    # The keys present: status, guests, checked_in, created_at and via (a slug or None).
    values: dict[str, Any]


@dataclass
class _Event:
    position: str
    label: str
    slug: str
    # The columns present: title … link_key, and region (a slug or None).
    values: dict[str, Any]
    movements: list[str] | None
    hosts: list[_Host] | None
    rsvps: list[_Rsvp] | None


@dataclass
class _Proposal:
    position: str
    label: str
    kind: str
    movements: list[str]
    status: str
    event: str | None
    has_event: bool
    reason: str
    follow_up: bool = False


@dataclass
class _Parsed:
    events: list[_Event] = field(default_factory=list)
    proposals: list[_Proposal] = field(default_factory=list)


def _parse(document: dict[str, Any]) -> _Parsed:
    events = [_parse_event(i, raw) for i, raw in enumerate(document.get("events", []))]
    _refuse_repeats(events, lambda e: e.slug, lambda e: f"slug {quoted(e.slug)} appears twice")
    _refuse_repeats(
        [e for e in events if "link_key" in e.values],
        lambda e: e.values["link_key"],
        lambda e: "'link_key' is the same as another event's",
    )
    proposals = [_parse_proposal(i, raw) for i, raw in enumerate(document.get("proposals", []))]
    _refuse_repeats(
        proposals,
        lambda p: (p.kind, frozenset(p.movements), p.follow_up),
        lambda p: "repeats a proposal (the same kind and movements)",
    )
    _refuse_repeats(
        [p for p in proposals if p.event is not None],
        lambda p: p.event,
        lambda p: f"'event' {quoted(p.event)} is already the event of another proposal",
    )
    return _Parsed(events=events, proposals=proposals)


def _refuse_repeats(records: list, ident, message) -> None:
    """Refuse the second record with the same ``ident``, naming the first."""
    first: dict[Any, Any] = {}
    for record in records:
        key = ident(record)
        if key in first:
            where = first[key].position
            raise NetworkImportError(record.label, f"{message(record)} (first at {where})")
        first[key] = record


def _parse_event(index: int, raw: Any) -> _Event:
    position = label = f"events[{index}]"
    if not isinstance(raw, dict):
        raise NetworkImportError(label, f"must be an object, not {json_type(raw)}")
    slug = raw.get("slug")
    if isinstance(slug, str) and slug:
        label = f"{position} (slug {quoted(slug)})"
    try:
        check_keys(raw, EVENT_KEYS, ("slug", "title"), "")
        values = {
            key: checked(check, key, raw[key]) for key, check in EVENT_FIELDS.items() if key in raw
        }
        if "region" in raw:
            values["region"] = checked(reference_check, "region", raw["region"])
        starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            raise Invalid(
                f"'ends_at' ({iso(ends_at)}) must be after 'starts_at' ({iso(starts_at)})"
            )
        movements = None
        if "movements" in raw:
            movements = checked(lambda v: _slug_list(v, at_least=1), "movements", raw["movements"])
        hosts = _parse_hosts(raw["hosts"]) if "hosts" in raw else None
        rsvps = _parse_rsvps(raw["rsvps"]) if "rsvps" in raw else None
    except Invalid as exc:
        raise NetworkImportError(label, str(exc)) from None
    return _Event(
        position=position,
        label=label,
        slug=slug,
        values=values,
        movements=movements,
        hosts=hosts,
        rsvps=rsvps,
    )


def _parse_hosts(raw: Any) -> list[_Host]:
    if not isinstance(raw, list):
        raise Invalid(f"'hosts' must be a list, not {json_type(raw)}")
    hosts, first = [], {}
    for index, item in enumerate(raw):
        label = f"hosts[{index}]"
        where = f" in {label}"
        if isinstance(item, str) and item:
            host = _Host(
                label=label, organization=item, movement=None, status=HostStatus.CONFIRMED
            )
        elif isinstance(item, dict):
            check_keys(item, HOST_KEYS, ("organization",), where)
            organization = checked(reference_check, "organization", item["organization"], where)
            if organization is None:
                raise Invalid(f"'organization'{where} must be a slug, not null")
            status = checked(
                choice_check(HostStatus), "status", item.get("status", "confirmed"), where
            )
            movement = checked(reference_check, "movement", item.get("movement"), where)
            host = _Host(label=label, organization=organization, movement=movement, status=status)
        else:
            raise Invalid(f"{label} must be an organization slug or an object, not {shown(item)}")
        if host.organization in first:
            raise Invalid(
                f"{label} names organization {quoted(host.organization)} again "
                f"(first at {first[host.organization]})"
            )
        first[host.organization] = label
        hosts.append(host)
    return hosts


def _parse_rsvps(raw: Any) -> list[_Rsvp]:
    if not isinstance(raw, list):
        raise Invalid(f"'rsvps' must be a list, not {json_type(raw)}")
    rsvps, first = [], {}
    for index, item in enumerate(raw):
        label = f"rsvps[{index}]"
        if not isinstance(item, dict):
            raise Invalid(f"{label} must be an object, not {json_type(item)}")
        member = item.get("member")
        if isinstance(member, str) and member:
            label = f"{label} (member {quoted(member)})"
        where = f" in {label}"
        check_keys(item, RSVP_KEYS, ("member",), where)
        member = checked(text_check(Member, "key", required=True), "member", member, where)
        values = {
            key: checked(check, key, item[key], where)
            for key, check in RSVP_FIELDS.items()
            if key in item
        }
        if "via" in item:
            values["via"] = checked(reference_check, "via", item["via"], where)
        if member in first:
            raise Invalid(f"{label} is a second RSVP of member {quoted(member)} ({first[member]})")
        first[member] = label
        rsvps.append(_Rsvp(label=label, member=member, values=values))
    return rsvps


def _parse_proposal(index: int, raw: Any) -> _Proposal:
    position = label = f"proposals[{index}]"
    if not isinstance(raw, dict):
        raise NetworkImportError(label, f"must be an object, not {json_type(raw)}")
    try:
        check_keys(raw, PROPOSAL_KEYS, ("kind", "movements", "status"), "")
        kind = checked(choice_check(EventKind), "kind", raw["kind"])
        movements = checked(
            lambda v: _slug_list(v, at_least=MIN_PROPOSAL_MOVEMENTS), "movements", raw["movements"]
        )
        follow_up = checked(boolean_check, "follow_up", raw.get("follow_up", False))
        what = f"follow-up {kind}" if follow_up else kind
        label = f"{label} ({what} of {', '.join(quoted(m) for m in movements)})"
        status = raw["status"]
        if status not in DECIDED:
            raise Invalid(
                "'status' must be accepted or dismissed (the file holds decisions; open "
                f"proposals come from the data), not {shown(status)}"
            )
        event = checked(reference_check, "event", raw.get("event"))
        if event is not None and status != ProposalStatus.ACCEPTED:
            raise Invalid(f"'event' must be null for a {status} proposal, not {quoted(event)}")
        reason = checked(text_check(Proposal, "dismissed_reason"), "reason", raw.get("reason", ""))
        if reason and status != ProposalStatus.DISMISSED:
            raise Invalid(f"'reason' is for dismissed proposals, not {status} ones")
    except Invalid as exc:
        raise NetworkImportError(label, str(exc)) from None
    return _Proposal(
        position=position,
        label=label,
        kind=kind,
        movements=movements,
        status=status,
        event=event,
        has_event="event" in raw,
        reason=reason,
        follow_up=follow_up,
    )


# --- Checks against the database, then writing ----------------------------------------------


@dataclass
class _StoredRsvp:
    pk: int | None
    status: str
    guests: int
    movement_id: int | None
    created_at: datetime.datetime | None
    checked_in_at: datetime.datetime | None

    @property
    def places(self) -> int:
        return 1 + self.guests if self.status == RSVPStatus.GOING else 0


@dataclass
class _StoredHost:
    pk: int
    movement_id: int
    status: str


@dataclass
class _Plan:
    """What the checked document makes of one of its events: the row to write (unsaved
    when new) and the fields that change, its movements and hosts (ids; ``None``: left
    as stored), its stored hosts by organization id, and its RSVPs by member id, stored
    ones included."""

    record: _Event
    event: Event
    changed: set[str]
    movements: list[int]
    new_movements: list[int] | None
    # The hosts to store, by organization id: (movement id, None for the default; status).
    hosts: dict[int, tuple[int | None, str]] | None
    stored_hosts: dict[int, _StoredHost]
    rsvps: dict[int, _StoredRsvp]
    new_rsvps: set[int] = field(default_factory=set)
    changed_rsvps: set[int] = field(default_factory=set)


def _write(parsed: _Parsed, *, ids: Ids) -> dict[str, Counts]:
    """Check the document's events and proposals against the database, then write them."""
    counts = {"events": Counts(), "rsvps": Counts(), "proposals": Counts()}
    if not parsed.events and not parsed.proposals:
        return counts
    plans = _plan_events(parsed.events, ids)
    event_ids = _event_ids(parsed.proposals, plans)
    _check_proposals(parsed.proposals, ids, event_ids)
    _write_events(plans, counts)
    event_ids.update({plan.event.slug: plan.event.pk for plan in plans})
    _write_proposals(parsed.proposals, plans, ids, event_ids, counts["proposals"])
    if any(c.created or c.updated or c.removed for c in counts.values()):
        events_bulk_changed.send(sender=Event)
    return counts


def _refuse_unknown(known: dict[str, Any], slug: str | None, noun: str, label: str, where: str):
    if slug is not None and slug not in known:
        raise NetworkImportError(label, f"unknown {noun} {quoted(slug)}{where}")


def _plan_events(records: list[_Event], ids: Ids) -> list[_Plan]:
    """Check every event of the document against the database (references, times, link
    keys, capacity), locking the stored ones first, and plan its rows; writes nothing."""
    stored: dict[str, Event] = {}
    for batch in in_batches([record.slug for record in records]):
        # Locked, in a fixed order: nobody RSVPs to them until the import commits.
        for event in Event.objects.select_for_update().filter(slug__in=batch).order_by("pk"):
            stored[event.slug] = event
    movements_of: dict[int, list[int]] = defaultdict(list)
    hosts_of: dict[int, dict[int, _StoredHost]] = defaultdict(dict)
    rsvps_of: dict[int, dict[int, _StoredRsvp]] = defaultdict(dict)
    for batch in in_batches([event.pk for event in stored.values()]):
        links = Event.movements.through.objects.filter(event_id__in=batch).order_by()
        for event_id, movement_id in links.values_list("event_id", "movement_id"):
            movements_of[event_id].append(movement_id)
        host_rows = (
            EventHost.objects.filter(event_id__in=batch)
            .order_by()
            .values_list("event_id", "organization_id", "pk", "movement_id", "status")
        )
        for event_id, organization_id, *columns in host_rows:
            hosts_of[event_id][organization_id] = _StoredHost(*columns)
        rows = RSVP.objects.filter(event_id__in=batch).order_by().values_list(
            "event_id", "member_id", "pk", "status", "guests", "movement_id", "created_at",
            "checked_in_at",
        )  # fmt: skip
        for event_id, member_id, *columns in rows:
            rsvps_of[event_id][member_id] = _StoredRsvp(*columns)
    _refuse_taken_link_keys(records)

    plans = []
    for record in records:
        label = record.label
        _refuse_unknown(ids["regions"], record.values.get("region"), "region", label, "")
        for slug in record.movements or []:
            _refuse_unknown(ids["movements"], slug, "movement", label, " in 'movements'")
        event = stored.get(record.slug)
        if event is None:
            for key in NEW_EVENT_NEEDS:
                if key not in record.values and not (key == "movements" and record.movements):
                    raise NetworkImportError(
                        label, f"missing required key {key!r} (a new event needs it)"
                    )
        event, changed = _merged_event(event, _columns(record, ids), label)
        new_movements = None
        if record.movements is not None:
            new_movements = [ids["movements"][slug] for slug in record.movements]
        plan = _Plan(
            record=record,
            event=event,
            changed=changed,
            movements=movements_of[event.pk] if new_movements is None else new_movements,
            new_movements=new_movements,
            hosts=None,
            stored_hosts=hosts_of[event.pk] if event.pk else {},
            rsvps=rsvps_of[event.pk] if event.pk else {},
        )
        _plan_hosts(plan, ids)
        _plan_rsvps(plan, ids)
        _refuse_over_capacity(plan)
        plans.append(plan)
    _default_host_movements(plans, ids)
    return plans


def _columns(record: _Event, ids: Ids) -> dict[str, Any]:
    """The event's model columns the document sets."""
    columns = {key: value for key, value in record.values.items() if key != "region"}
    if "region" in record.values:
        region = record.values["region"]
        columns["region_id"] = None if region is None else ids["regions"][region]
    return columns


def _merged_event(
    event: Event | None, columns: dict[str, Any], label: str
) -> tuple[Event, set[str]]:
    """The event as the document leaves it (a new, unsaved one when not stored) and the
    columns that change; its times are checked together."""
    if event is None:
        event, changed = Event(**columns), set()
    else:
        changed = {name for name, value in columns.items() if getattr(event, name) != value}
        for name in changed:
            setattr(event, name, columns[name])
    if event.ends_at <= event.starts_at:
        raise NetworkImportError(
            label,
            f"'ends_at' ({iso(event.ends_at)}) must be after 'starts_at' ({iso(event.starts_at)})",
        )
    return event, changed


def _refuse_foreign_movement(ids: Ids, slug: str | None, plan: _Plan, where: str) -> None:
    """Refuse a movement (a host's, an RSVP's) that is not one of the event's."""
    if slug is None:
        return
    label = plan.record.label
    _refuse_unknown(ids["movements"], slug, "movement", label, where)
    if ids["movements"][slug] not in plan.movements:
        raise NetworkImportError(
            label, f"movement {quoted(slug)}{where} is not one of the event's movements"
        )


def _refuse_taken_link_keys(records: list[_Event]) -> None:
    """A link key in the document must not be another event's stored one (repeats inside
    the document are refused while parsing)."""
    wanted = {r.values["link_key"]: r for r in records if "link_key" in r.values}
    for batch in in_batches(list(wanted)):
        for slug, key in Event.objects.filter(link_key__in=batch).values_list("slug", "link_key"):
            record = wanted[key]
            if slug != record.slug:
                raise NetworkImportError(
                    record.label, f"'link_key' is already the link key of event {quoted(slug)}"
                )


def _plan_hosts(plan: _Plan, ids: Ids) -> None:
    """The hosts the document gives (checked against the event's movements), or, when only
    the movements change, the stored ones that stand for a removed movement moved to the
    default (``_default_host_movements``) and declined ones for it dropped."""
    if plan.record.hosts is None:
        if plan.new_movements is None or not plan.stored_hosts:
            return
        kept = set(plan.new_movements)
        plan.hosts = {
            organization_id: (row.movement_id if row.movement_id in kept else None, row.status)
            for organization_id, row in plan.stored_hosts.items()
            if row.movement_id in kept or row.status != HostStatus.DECLINED
        }
        return
    plan.hosts = {}
    for host in plan.record.hosts:
        where = f" in {host.label}"
        organizations = ids["organizations"]
        _refuse_unknown(organizations, host.organization, "organization", plan.record.label, where)
        _refuse_foreign_movement(ids, host.movement, plan, where)
        movement_id = None if host.movement is None else ids["movements"][host.movement]
        plan.hosts[organizations[host.organization]] = (movement_id, host.status)


def _default_host_movements(plans: list[_Plan], ids: Ids) -> None:
    """Give each planned host without a movement the first of its event's movements (by
    slug) its organization takes part in (a participation, ongoing or past), else the
    event's first movement: the rule of ``events.services.default_host_movement``, for
    all the document's events in one query per batch."""
    wanted = {
        organization_id
        for plan in plans
        for organization_id, (movement_id, _) in (plan.hosts or {}).items()
        if movement_id is None
    }
    if not wanted:
        return
    takes_part: set[tuple[int, int]] = set()
    for batch in in_batches(sorted(wanted)):
        rows = Participation.objects.filter(organization_id__in=batch).order_by()
        takes_part.update(rows.values_list("organization_id", "movement_id"))
    slug_of = {pk: slug for slug, pk in ids["movements"].items()}
    for plan in plans:
        ordered = sorted(plan.movements, key=lambda pk: (slug_of.get(pk, ""), pk))
        for organization_id, (movement_id, status) in list((plan.hosts or {}).items()):
            if movement_id is None:
                movement_id = next(
                    (pk for pk in ordered if (organization_id, pk) in takes_part), ordered[0]
                )
                plan.hosts[organization_id] = (movement_id, status)


def _plan_rsvps(plan: _Plan, ids: Ids) -> None:
    """Overlay the document's RSVPs on the stored ones (by member)."""
    for rsvp in plan.record.rsvps or []:
        where = f" in {rsvp.label}"
        _refuse_unknown(ids["members"], rsvp.member, "member", plan.record.label, where)
        via = rsvp.values.get("via")
        _refuse_foreign_movement(ids, via, plan, f" ('via'){where}")
        member_id = ids["members"][rsvp.member]
        row = plan.rsvps.get(member_id)
        if row is None:
            row = plan.rsvps[member_id] = _StoredRsvp(
                pk=None,
                status=RSVPStatus.GOING,
                guests=0,
                movement_id=None,
                created_at=None,
                checked_in_at=None,
            )
            plan.new_rsvps.add(member_id)
        before = (row.status, row.guests, row.movement_id, row.created_at, row.checked_in_at)
        row.status = rsvp.values.get("status", row.status)
        row.guests = rsvp.values.get("guests", row.guests)
        if "via" in rsvp.values:
            row.movement_id = None if via is None else ids["movements"][via]
        row.created_at = rsvp.values.get("created_at", row.created_at)
        if "checked_in" in rsvp.values:
            if not rsvp.values["checked_in"]:
                row.checked_in_at = None
            elif row.checked_in_at is None:
                # Check-in times are not in the file: the event's start stands for them.
                row.checked_in_at = plan.event.starts_at
        after = (row.status, row.guests, row.movement_id, row.created_at, row.checked_in_at)
        if row.pk is not None and after != before:
            plan.changed_rsvps.add(member_id)


def _refuse_over_capacity(plan: _Plan) -> None:
    capacity = plan.event.capacity
    taken = sum(row.places for row in plan.rsvps.values())
    if capacity is not None and taken > capacity:
        raise NetworkImportError(
            plan.record.label,
            f"its RSVPs going take {taken} places (people and their guests), more than its "
            f"capacity of {capacity}",
        )


def _event_ids(proposals: list[_Proposal], plans: list[_Plan]) -> dict[str, int | None]:
    """The events proposals may name, by slug: the document's (id, None while not yet
    created) and the stored ones the proposals name."""
    known: dict[str, int | None] = {plan.event.slug: plan.event.pk for plan in plans}
    named = sorted({p.event for p in proposals if p.event is not None} - set(known))
    for batch in in_batches(named):
        known.update(Event.objects.filter(slug__in=batch).values_list("slug", "pk"))
    return known


def _check_proposals(proposals: list[_Proposal], ids: Ids, event_ids: dict[str, Any]) -> None:
    for p in proposals:
        for slug in p.movements:
            _refuse_unknown(ids["movements"], slug, "movement", p.label, " in 'movements'")
        _refuse_unknown(event_ids, p.event, "event", p.label, " in 'event'")


def _write_events(plans: list[_Plan], counts: dict[str, Counts]) -> None:
    new = [plan.event for plan in plans if plan.event.pk is None]
    changed = [plan for plan in plans if plan.event.pk is not None and plan.changed]
    Event.objects.bulk_create(new, batch_size=INSERT_BATCH_SIZE)
    if changed:
        fields = sorted(set().union(*(plan.changed for plan in changed)))
        events = [plan.event for plan in changed]
        Event.objects.bulk_update(events, fields, batch_size=UPDATE_BATCH_SIZE)
    relinked = replace_links(
        Event._meta.get_field("movements"),
        {plan.event.pk: plan.new_movements for plan in plans if plan.new_movements is not None},
    ) | _write_hosts(plans)
    updated = {plan.event.pk for plan in changed} | relinked
    counts["events"].created = len(new)
    counts["events"].updated = len(updated - {event.pk for event in new})
    _write_rsvps(plans, counts["rsvps"])


def _write_hosts(plans: list[_Plan]) -> set[int]:
    """Make each planned event's hosts what the plan says, keeping the rows that stay (and
    who invited them, and when); returns the events whose hosts changed."""
    new, changed, gone, events = [], [], [], set()
    for plan in plans:
        if plan.hosts is None:
            continue
        stored = plan.stored_hosts
        for organization_id, (movement_id, status) in plan.hosts.items():
            row = stored.get(organization_id)
            if row is None:
                new.append(
                    EventHost(
                        event_id=plan.event.pk,
                        organization_id=organization_id,
                        movement_id=movement_id,
                        status=status,
                    )
                )
                events.add(plan.event.pk)
            elif (row.movement_id, row.status) != (movement_id, status):
                changed.append(EventHost(pk=row.pk, movement_id=movement_id, status=status))
                events.add(plan.event.pk)
        for organization_id, row in stored.items():
            if organization_id not in plan.hosts:
                gone.append(row.pk)
                events.add(plan.event.pk)
    for batch in in_batches(gone):
        EventHost.objects.filter(pk__in=batch).delete()
    EventHost.objects.bulk_create(new, batch_size=INSERT_BATCH_SIZE)
    if changed:
        EventHost.objects.bulk_update(
            changed, ["movement", "status"], batch_size=UPDATE_BATCH_SIZE
        )
    return events


def _write_rsvps(plans: list[_Plan], counts: Counts) -> None:
    new, changed = [], []
    for plan in plans:
        for member_id, row in plan.rsvps.items():
            if member_id not in plan.new_rsvps and member_id not in plan.changed_rsvps:
                continue
            rsvp = RSVP(
                pk=row.pk,
                event_id=plan.event.pk,
                member_id=member_id,
                status=row.status,
                guests=row.guests,
                movement_id=row.movement_id,
                checked_in_at=row.checked_in_at,
            )
            if row.created_at is not None:  # else the model's default: now
                rsvp.created_at = row.created_at
            if row.pk is None:
                new.append((rsvp, plan.movements))
            else:
                changed.append(rsvp)
    RSVP.objects.bulk_create([rsvp for rsvp, _ in new], batch_size=INSERT_BATCH_SIZE)
    # A new RSVP was made on the event as it is: it was told about its movements.
    told = RSVP.told_movements.through
    told.objects.bulk_create(
        [
            told(rsvp_id=rsvp.pk, movement_id=movement_id)
            for rsvp, movements in new
            for movement_id in movements
        ],
        batch_size=INSERT_BATCH_SIZE,
    )
    if changed:
        fields = ["status", "guests", "movement", "created_at", "checked_in_at"]
        RSVP.objects.bulk_update(changed, fields, batch_size=UPDATE_BATCH_SIZE)
    counts.created, counts.updated = len(new), len(changed)


def _write_proposals(
    proposals: list[_Proposal],
    plans: list[_Plan],
    ids: Ids,
    event_ids: dict[str, int | None],
    counts: Counts,
) -> None:
    if not proposals:
        return
    identities = [
        (follow_up_identity if p.follow_up else proposal_identity)(
            p.kind, (ids["movements"][slug] for slug in p.movements)
        )
        for p in proposals
    ]
    stored: dict[str, Proposal] = {}
    for batch in in_batches(identities):
        proposal_rows = Proposal.objects.select_for_update().filter(identity__in=batch)
        stored.update((proposal.identity, proposal) for proposal in proposal_rows)
    unstored = [
        p for p, identity in zip(proposals, identities, strict=True) if identity not in stored
    ]
    titles = _proposal_titles(unstored, plans, ids)
    rows, new, changed = [], [], []
    for p, identity in zip(proposals, identities, strict=True):
        proposal = stored.get(identity)
        if proposal is None:
            proposal = Proposal(
                identity=identity,
                kind=p.kind,
                title=titles[p.position],
                status=p.status,
                dismissed_reason=p.reason,
            )
            new.append((proposal, p))
        elif (proposal.status, proposal.dismissed_reason) != (p.status, p.reason):
            proposal.status, proposal.dismissed_reason = p.status, p.reason
            changed.append(proposal)
        rows.append(proposal)
    Proposal.objects.bulk_create([proposal for proposal, _ in new], batch_size=INSERT_BATCH_SIZE)
    links = Proposal.movements.through
    links.objects.bulk_create(
        [
            links(proposal_id=proposal.pk, movement_id=ids["movements"][slug])
            for proposal, p in new
            for slug in p.movements
        ],
        batch_size=INSERT_BATCH_SIZE,
    )
    if changed:
        fields = ["status", "dismissed_reason"]
        Proposal.objects.bulk_update(changed, fields, batch_size=UPDATE_BATCH_SIZE)
    relinked = _link_events(
        {
            proposal.pk: None if p.event is None else event_ids[p.event]
            for proposal, p in zip(rows, proposals, strict=True)
            if p.has_event
        }
    )
    counts.created = len(new)
    counts.updated = len(
        ({proposal.pk for proposal in changed} | relinked) - {proposal.pk for proposal, _ in new}
    )


def _proposal_titles(proposals: list[_Proposal], plans: list[_Plan], ids: Ids) -> dict[str, str]:
    """A title for each new proposal (by position): its event's, or "Panel between A and
    B" (the engine's own title, with its score and reasons, is not in the file)."""
    titles = {plan.event.slug: plan.event.title for plan in plans}
    named = sorted({p.event for p in proposals if p.event} - set(titles))
    for batch in in_batches(named):
        titles.update(Event.objects.filter(slug__in=batch).values_list("slug", "title"))
    movement_ids = sorted({ids["movements"][slug] for p in proposals for slug in p.movements})
    names: dict[int, str] = {}
    for batch in in_batches(movement_ids):
        names.update(Movement.objects.filter(pk__in=batch).values_list("pk", "name"))
    length = Proposal._meta.get_field("title").max_length

    def kind(p: _Proposal) -> str:
        label = EventKind(p.kind).label
        return f"Follow-up {label.lower()}" if p.follow_up else label

    return {
        p.position: (
            titles[p.event]
            if p.event
            else f"{kind(p)} between "
            + join_names(names[ids["movements"][slug]] for slug in p.movements)
        )[:length]
        for p in proposals
    }


def _link_events(wanted: dict[int, int | None]) -> set[int]:
    """Make each proposal in ``wanted`` (proposal id → event id or None) the one its event
    came from, and no other event's; returns the proposals whose events changed."""
    current: dict[int, int | None] = {}  # event id → proposal id
    for batch in in_batches(list(wanted)):
        current.update(Event.objects.filter(proposal_id__in=batch).values_list("pk", "proposal"))
    events = [event for event in wanted.values() if event is not None]
    for batch in in_batches(events):
        current.update(Event.objects.filter(pk__in=batch).values_list("pk", "proposal"))
    after = dict(current)
    for event, proposal in current.items():
        if proposal in wanted and wanted[proposal] != event:
            after[event] = None
    for proposal, event in wanted.items():
        if event is not None:
            after[event] = proposal
    moved = [event for event in after if after[event] != current[event]]
    Event.objects.bulk_update(
        [Event(pk=event, proposal_id=after[event]) for event in moved],
        ["proposal"],
        batch_size=UPDATE_BATCH_SIZE,
    )
    return {proposal for e in moved for proposal in (current[e], after[e]) if proposal in wanted}


# --- Export ----------------------------------------------------------------------------------


def _slugs_by_owner(relation: Any, slug_field: str = "slug") -> dict[int, list[str]]:
    """``{owner id: sorted slugs}`` over a many-to-many relation's rows: one query."""
    through = relation.through
    field_name = relation.field
    owner = f"{field_name.m2m_field_name()}_id"
    target = f"{field_name.m2m_reverse_field_name()}__{slug_field}"
    found = defaultdict(list)
    for owner_id, slug in through.objects.order_by().values_list(owner, target):
        found[owner_id].append(slug)
    return {owner_id: sorted(slugs) for owner_id, slugs in found.items()}


def _export_events() -> list[dict[str, Any]]:
    movements = _slugs_by_owner(Event.movements)
    hosts = defaultdict(list)
    host_rows = EventHost.objects.order_by().values_list(
        "event_id", "organization__slug", "movement__slug", "status"
    )
    for event_id, organization, movement, status in host_rows:
        hosts[event_id].append(
            {"organization": organization, "movement": movement, "status": status}
        )
    for found in hosts.values():
        found.sort(key=lambda host: host["organization"])
    rsvps = defaultdict(list)
    rows = RSVP.objects.order_by().values_list(
        "event_id", "member__key", "status", "guests", "movement__slug", "checked_in_at",
        "created_at",
    )  # fmt: skip
    for event_id, member, status, guests, via, checked_in_at, created_at in rows:
        rsvps[event_id].append(
            {
                "member": member,
                "status": status,
                "guests": guests,
                "via": via,
                "checked_in": checked_in_at is not None,
                "created_at": iso(created_at),
            }
        )
    for found in rsvps.values():
        found.sort(key=lambda rsvp: rsvp["member"])
    columns = [name for name in EVENT_FIELDS if name != "slug"]
    events = Event.objects.order_by("slug").values("pk", "slug", "region__slug", *columns)
    return [
        {
            "slug": row["slug"],
            "title": row["title"],
            "kind": row["kind"],
            "description": row["description"],
            "movements": movements.get(row["pk"], []),
            "hosts": hosts.get(row["pk"], []),
            "starts_at": iso(row["starts_at"]),
            "ends_at": iso(row["ends_at"]),
            "venue": row["venue"],
            "address": row["address"],
            "online_link": row["online_link"],
            "region": row["region__slug"],
            "capacity": row["capacity"],
            "status": row["status"],
            "visibility": row["visibility"],
            "link_key": row["link_key"],
            "rsvps": rsvps.get(row["pk"], []),
        }
        for row in events
    ]


def _export_proposals() -> list[dict[str, Any]]:
    movements = _slugs_by_owner(Proposal.movements)
    events: dict[int, str] = {}
    linked = Event.objects.filter(proposal__isnull=False).order_by("-slug")
    for proposal_id, slug in linked.values_list("proposal", "slug"):
        events[proposal_id] = slug  # the first by slug wins
    rows = (
        Proposal.objects.filter(status__in=DECIDED)
        .order_by()
        .values_list("pk", "kind", "status", "dismissed_reason", "identity")
    )
    exported = []
    for pk, kind, status, reason, identity in rows:
        accepted = status == ProposalStatus.ACCEPTED
        proposal = {
            "kind": kind,
            "movements": movements.get(pk, []),
            "status": status,
            "event": events.get(pk) if accepted else None,
        }
        if reason and not accepted:
            proposal["reason"] = reason
        if identity.startswith(FOLLOW_UP_PREFIX):
            proposal["follow_up"] = True
        exported.append(proposal)
    return sorted(exported, key=lambda p: (p["kind"], p["movements"], p.get("follow_up", False)))


# --- The part --------------------------------------------------------------------------------


class EventsPart:
    """The ``events`` and ``proposals`` sections (``movements.exchange.ExchangePart``)."""

    sections = ("events", "proposals")

    def parse(self, document: dict[str, Any]) -> _Parsed:
        return _parse(document)

    def write(self, parsed: _Parsed, *, ids: Ids) -> dict[str, Counts]:
        return _write(parsed, ids=ids)

    def export(self) -> dict[str, list[Any]]:
        return {"events": _export_events(), "proposals": _export_proposals()}


EVENTS_PART = EventsPart()
