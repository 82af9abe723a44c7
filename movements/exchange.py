"""Import and export of the whole network as one JSON document.

The format is the public contract in PRODUCT.md ("Import/export document"). Both
management commands (``import_network``, ``export_network``) and ``seed_demo`` call
this module.

This module reads and writes the directory (themes … tensions). Apps above ``movements``
add their own sections as an :class:`ExchangePart` registered from their
``AppConfig.ready()`` (``events`` adds events, RSVPs and proposal decisions:
``events/exchange.py``), so :func:`network_import` and :func:`network_export` always
handle the whole document, in one transaction, without this app importing them.

Import rules:

- The whole document is checked before anything is written: shapes, types, choice
  values, dates, references and duplicates. The first problem raises
  :class:`NetworkImportError`, which names the record.
- Every value must also fit where it goes, on SQLite and PostgreSQL alike: text is valid
  Unicode (no unpaired surrogates from ``\\ud800`` escapes) without NUL characters and
  within the column's length; dates and datetimes lie in ``core.dates``' range
  (1900-01-01..2100-12-31), a datetime by its day in the site's time zone as a form reads
  it, so every stored value reads back and its export imports again; a number too long
  to read (``loads``) is kept as :class:`LongNumber` and refused wherever it stands.
- Records are matched by ``slug`` (members by ``key``). A key missing from a record
  leaves the stored value as it is; new records get the model default.
- Nested lists (a movement's ``themes``/``tactics``/``regions``, an organization's
  ``participations``, a member's ``memberships`` and ``engagements``) replace the stored
  list when present and leave it alone when absent. Rows that are already there are kept,
  so importing the same document twice changes nothing.
- Tensions are added unless the same pair of movements already has the same note.
- References may point to records in the document or already in the database.
- Writes are bulk queries inside one transaction: the cost grows with the size of the
  document, never with a query per record.

- A registered part checks its sections' shapes and values before the transaction, and
  what needs the database (references, capacity) inside it, after the directory is
  written; its refusal rolls the whole import back.

Export writes every field the import reads, in a fixed order (records by slug or key,
nested rows by ``since`` and then the slug they point to), so export → import → export
gives the same text (see :func:`dumps`).
"""

import datetime
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email, validate_slug
from django.db import connection, models, transaction
from django.utils import timezone

from core.dates import EARLIEST, LATEST, validate_date_in_range
from core.text import iso
from movements.models import (
    Engagement,
    EngagementRole,
    EngagementSource,
    Member,
    Membership,
    MembershipRole,
    Movement,
    MovementStatus,
    Organization,
    OrganizationKind,
    Participation,
    ParticipationRole,
    Region,
    Sector,
    Tactic,
    Tension,
    Theme,
    Visibility,
)
from movements.signals import network_imported

# Rows per INSERT; Django lowers it further to SQLite's limit on query variables.
INSERT_BATCH_SIZE = 2000
# bulk_update writes one CASE WHEN per field and row; keep its statements small.
UPDATE_BATCH_SIZE = 500
# Ids per ``IN (…)`` when reading or deleting nested rows.
IN_BATCH_SIZE = 5000


class NetworkImportError(Exception):
    """The document cannot be imported. ``record`` names the bad record, e.g.
    ``members[3] (key 'm-0004')``; ``message`` says what is wrong with it."""

    def __init__(self, record: str, message: str):
        super().__init__(f"{record}: {message}")
        self.record = record
        self.message = message


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    removed: int = 0


@dataclass
class ImportSummary:
    """What an import changed, per kind of row."""

    themes: Counts = field(default_factory=Counts)
    tactics: Counts = field(default_factory=Counts)
    regions: Counts = field(default_factory=Counts)
    movements: Counts = field(default_factory=Counts)
    organizations: Counts = field(default_factory=Counts)
    participations: Counts = field(default_factory=Counts)
    members: Counts = field(default_factory=Counts)
    memberships: Counts = field(default_factory=Counts)
    engagements: Counts = field(default_factory=Counts)
    tensions: Counts = field(default_factory=Counts)
    # What the registered parts changed (events, rsvps, proposals), in their order.
    parts: dict[str, Counts] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(
            counts.created or counts.updated or counts.removed for _, counts in self.items()
        )

    def items(self) -> list[tuple[str, Counts]]:
        directory = [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "parts"]
        return [*directory, *self.parts.items()]

    def __str__(self) -> str:
        lines = [
            f"{kind}: {c.created} created, {c.updated} updated, {c.removed} removed"
            for kind, c in self.items()
        ]
        if not self.changed:
            lines.append("Nothing changed.")
        return "\n".join(lines)


# The pk of every directory record by slug (members by key), per section; what a part's
# writes refer to.
Ids = dict[str, dict[str, int]]


class ExchangePart(Protocol):
    """Sections of the document that an app above ``movements`` reads and writes, registered
    once with :func:`register_part` (from its ``AppConfig.ready()``)."""

    sections: tuple[str, ...]

    def parse(self, document: dict[str, Any]) -> Any:
        """Check the part's sections (shapes, types, choices, ranges), before the
        transaction and before anything is read from the database. Each section present
        is a list. Raises NetworkImportError naming the record; returns what ``write``
        takes."""

    def write(self, parsed: Any, *, ids: Ids) -> dict[str, Counts]:
        """Inside the import's transaction, once the directory is written: check what
        needs the database (references, capacity), raising NetworkImportError (the whole
        import is rolled back), then write. Returns what changed, per kind of row, with
        the same keys whatever the document holds."""

    def export(self) -> dict[str, list[Any]]:
        """The part's sections, in a fixed order."""


_parts: list[ExchangePart] = []


def register_part(part: ExchangePart) -> None:
    """Make ``part``'s sections part of every import and export (once)."""
    if part not in _parts:
        _parts.append(part)


def _sections() -> tuple[str, ...]:
    return (*DIRECTORY_SECTIONS, *(s for part in _parts for s in part.sections))


# --- Checks for single values -------------------------------------------------------------
#
# A check takes a JSON value and returns the Python value to store, or raises Invalid with
# the problem; the caller says where the value was.


class Invalid(Exception):
    pass


Check = Callable[[Any], Any]


@dataclass(frozen=True)
class LongNumber:
    """An integer in the JSON text with more than ``MAX_INTEGER_DIGITS`` digits. No column
    holds one, and Python refuses to read one of more than 4,300 digits, so :func:`loads`
    keeps its size only; every check refuses it as a number, naming the record."""

    digits: int


# The longest integer any column can hold (a 64-bit one) has 19 digits.
MAX_INTEGER_DIGITS = 20
# How much of a bad value an error message quotes.
SHOWN_LENGTH = 60

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, int | float | LongNumber) and not isinstance(value, bool):
        return "a number"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def shown(value: Any) -> str:
    """``value`` as an error message quotes it: JSON, long text cut short, objects and
    lists by their type."""
    if isinstance(value, LongNumber):
        return f"a number of {value.digits} digits"
    if isinstance(value, str) and len(value) > SHOWN_LENGTH:
        return json.dumps(value[:SHOWN_LENGTH])[:-1] + '…"'
    if isinstance(value, str | int | float | bool) or value is None:
        return json.dumps(value)
    return json_type(value)


def quoted(text: str) -> str:
    """A key or slug as an error message quotes it (Python's quotes), cut short."""
    return repr(text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…")


def _unpaired_surrogate(value: str) -> str | None:
    """Where ``value`` holds half of a UTF-16 surrogate pair (JSON lets a ``\\ud800``
    escape through; no database can store it), or None."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"\\u{ord(value[exc.start]):04x} at character {exc.start + 1}"
    return None


def text_check(model: type[models.Model], name: str, *, required: bool = False) -> Check:
    max_length = model._meta.get_field(name).max_length

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid(f"must be a string, not {json_type(value)}")
        if surrogate := _unpaired_surrogate(value):
            raise Invalid(f"must be valid Unicode text, not an unpaired surrogate ({surrogate})")
        if "\x00" in value:
            raise Invalid("must not contain NUL characters")
        if required and not value.strip():
            raise Invalid("must not be empty")
        if max_length and len(value) > max_length:
            raise Invalid(f"must be at most {max_length} characters long")
        return value

    return check


def _validated(text_check: Check, validate: Callable[[str], None], what: str) -> Check:
    """A text check that also runs a Django validator on non-empty values."""

    def check(value: Any) -> str:
        value = text_check(value)
        if value:
            try:
                validate(value)
            except ValidationError:
                raise Invalid(f"must be {what}, not {value!r}") from None
        return value

    return check


def slug_check(model: type[models.Model]) -> Check:
    return _validated(
        text_check(model, "slug", required=True),
        validate_slug,
        "a slug (letters, digits, hyphens, underscores)",
    )


def email_check(model: type[models.Model], name: str) -> Check:
    return _validated(text_check(model, name), validate_email, "an email address")


def url_check(model: type[models.Model], name: str) -> Check:
    return _validated(text_check(model, name), URLValidator(), "a URL (http:// or https://)")


def choice_check(choices: type[models.TextChoices]) -> Check:
    allowed = list(choices.values)

    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise Invalid(f"must be one of {', '.join(allowed)}, not {shown(value)}")
        return value

    return check


def _in_range(day: datetime.date | None, *, value: str, clock: str = "") -> None:
    """Refuse ``value`` unless ``day`` lies in ``core.dates``' range (None: the value lies
    beyond what Python can hold)."""
    if day is not None:
        try:
            validate_date_in_range(day)
        except ValidationError:
            pass
        else:
            return
    raise Invalid(f"must lie between {EARLIEST} and {LATEST}{clock}, not {shown(value)}")


def date_check(value: Any) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            _in_range(day, value=value)
            return day
    raise Invalid(f"must be an ISO date (YYYY-MM-DD) or null, not {shown(value)}")


def moment_check(value: Any) -> datetime.datetime | None:
    """An aware datetime whose day in the site's time zone (``DJANGO_TIME_ZONE``, the day
    the admin form shows) lies in the range. The rule reads the instant, whatever offset
    it is written with, so what export writes in UTC imports again; and every database
    stores such a value and reads it back."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.utcoffset() is not None:
                try:
                    local = timezone.localtime(moment, timezone.get_default_timezone())
                except OverflowError:  # beyond year 1..9999 in the site's time zone
                    local = None
                clock = f" ({timezone.get_default_timezone_name()} time)"
                _in_range(local.date() if local else None, value=value, clock=clock)
                return moment
    raise Invalid(
        "must be an ISO date and time with a UTC offset (2024-05-01T18:00:00+00:00) or "
        f"null, not {shown(value)}"
    )


def boolean_check(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, not {shown(value)}")
    return value


def reference_check(value: Any) -> str | None:
    """A slug of another record, or null; whether it exists is checked later."""
    if value is None or (isinstance(value, str) and value):
        return value
    raise Invalid(f"must be a slug or null, not {shown(value)}")


def references_check(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Invalid("must be a list of slugs")
    repeated = [slug for slug, n in Counter(value).items() if n > 1]
    if repeated:
        raise Invalid(f"lists {quoted(repeated[0])} twice")
    return value


# --- What each kind of record may contain ---------------------------------------------------


@dataclass(frozen=True)
class RowShape:
    """A nested list whose rows are replaced as a whole (participations, memberships,
    engagements). ``refs`` are the row's references, ``fields`` its plain columns."""

    key: str
    model: type[models.Model]
    owner: str
    refs: dict[str, str]
    required: tuple[str, ...]
    fields: dict[str, Check]
    defaults: dict[str, Any] = field(default_factory=dict)
    # A reference that may have only one open (until: null) row per owner.
    one_open_per: str | None = None

    @cached_property
    def allowed(self) -> set[str]:
        return {*self.refs, *self.fields}

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Attribute names, in the order rows are compared as tuples."""
        return (*(f"{ref}_id" for ref in self.refs), *self.fields)

    def default(self, name: str) -> Any:
        if name in self.defaults:
            return self.defaults[name]
        return self.model._meta.get_field(name).get_default()


@dataclass(frozen=True)
class Shape:
    """A top-level section: its record keys and what they map to."""

    section: str
    model: type[models.Model]
    ident: str
    fields: dict[str, Check]
    refs: dict[str, str] = field(default_factory=dict)
    many: dict[str, str] = field(default_factory=dict)
    rows: dict[str, RowShape] = field(default_factory=dict)

    @cached_property
    def allowed(self) -> set[str]:
        return {*self.fields, *self.refs, *self.many, *self.rows}


def _taxonomy(section: str, model: type[models.Model]) -> Shape:
    return Shape(
        section,
        model,
        "slug",
        {"slug": slug_check(model), "name": text_check(model, "name", required=True)},
    )


def _dated(role: type[models.TextChoices]) -> dict[str, Check]:
    return {"role": choice_check(role), "since": date_check, "until": date_check}


THEMES = _taxonomy("themes", Theme)
TACTICS = _taxonomy("tactics", Tactic)
REGIONS = Shape(
    "regions",
    Region,
    "slug",
    {"slug": slug_check(Region), "name": text_check(Region, "name", required=True)},
    refs={"parent": "regions"},
)
MOVEMENTS = Shape(
    "movements",
    Movement,
    "slug",
    {
        "slug": slug_check(Movement),
        "name": text_check(Movement, "name", required=True),
        "sector": choice_check(Sector),
        "constituency": text_check(Movement, "constituency"),
        "status": choice_check(MovementStatus),
        "summary": text_check(Movement, "summary"),
        "description": text_check(Movement, "description"),
        "started_on": date_check,
        "website": url_check(Movement, "website"),
        "archived_at": moment_check,
    },
    many={"themes": "themes", "tactics": "tactics", "regions": "regions"},
)
PARTICIPATIONS = RowShape(
    "participations",
    Participation,
    owner="organization",
    refs={"movement": "movements"},
    required=("movement",),
    fields=_dated(ParticipationRole),
    one_open_per="movement",
)
ORGANIZATIONS = Shape(
    "organizations",
    Organization,
    "slug",
    {
        "slug": slug_check(Organization),
        "name": text_check(Organization, "name", required=True),
        "kind": choice_check(OrganizationKind),
        "description": text_check(Organization, "description"),
        "website": url_check(Organization, "website"),
        "contact_email": email_check(Organization, "contact_email"),
        "founded_on": date_check,
        "active": boolean_check,
        "archived_at": moment_check,
    },
    refs={"region": "regions"},
    rows={"participations": PARTICIPATIONS},
)
MEMBERSHIPS = RowShape(
    "memberships",
    Membership,
    owner="member",
    refs={"organization": "organizations"},
    required=("organization",),
    fields=_dated(MembershipRole),
    one_open_per="organization",
)
ENGAGEMENTS = RowShape(
    "engagements",
    Engagement,
    owner="member",
    refs={"movement": "movements", "organization": "organizations"},
    required=("movement",),
    fields={**_dated(EngagementRole), "source": choice_check(EngagementSource)},
    defaults={"source": EngagementSource.IMPORT},
)
MEMBERS = Shape(
    "members",
    Member,
    "key",
    {
        "key": text_check(Member, "key", required=True),
        "name": text_check(Member, "name", required=True),
        "email": email_check(Member, "email"),
        "visibility": choice_check(Visibility),
        "invites": boolean_check,
    },
    refs={"region": "regions"},
    rows={"memberships": MEMBERSHIPS, "engagements": ENGAGEMENTS},
)
SHAPES = (THEMES, TACTICS, REGIONS, MOVEMENTS, ORGANIZATIONS, MEMBERS)
DIRECTORY_SECTIONS = (*(shape.section for shape in SHAPES), "tensions")
NOUNS = {
    "themes": "theme",
    "tactics": "tactic",
    "regions": "region",
    "movements": "movement",
    "organizations": "organization",
}


# --- Parsing: JSON values to checked records -------------------------------------------------


@dataclass
class _Row:
    label: str
    refs: dict[str, str | None]
    values: dict[str, Any]


@dataclass
class _Record:
    position: str
    label: str
    ident: str
    values: dict[str, Any]
    refs: dict[str, str | None]
    many: dict[str, list[str]]
    rows: dict[str, list[_Row]]


@dataclass(frozen=True)
class _Tension:
    label: str
    movements: tuple[str, str]
    note: str


@dataclass
class _Document:
    records: dict[str, list[_Record]]
    tensions: list[_Tension]
    parts: list[tuple[ExchangePart, Any]]


def loads(text: str) -> Any:
    """Parse JSON text for :func:`network_import`; bad JSON raises NetworkImportError.
    An integer of more than ``MAX_INTEGER_DIGITS`` digits becomes a :class:`LongNumber`,
    which the checks refuse naming its record."""
    try:
        return json.loads(
            text, object_pairs_hook=_object_without_repeated_keys, parse_int=_integer
        )
    except json.JSONDecodeError as exc:
        raise NetworkImportError("document", f"is not valid JSON: {exc}") from None
    except RecursionError:
        raise NetworkImportError("document", "is nested too deeply") from None


def _integer(text: str) -> int | LongNumber:
    digits = len(text.lstrip("-"))
    return LongNumber(digits) if digits > MAX_INTEGER_DIGITS else int(text)


def _object_without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) < len(pairs):
        repeated = next(key for key, n in Counter(key for key, _ in pairs).items() if n > 1)
        named = next(
            (
                f" (the one with {k} {quoted(v)})"
                for k, v in pairs
                if k in ("slug", "key") and isinstance(v, str)
            ),
            "",
        )
        raise NetworkImportError(
            "document", f"key {quoted(repeated)} appears twice in an object{named}"
        )
    return document


def _parse(document: Any) -> _Document:
    if not isinstance(document, dict):
        raise NetworkImportError("document", f"must be a JSON object, not {json_type(document)}")
    sections = _sections()
    for key in document:
        if key not in sections:
            raise NetworkImportError(
                "document", f"unknown key {quoted(key)} (expected: {', '.join(sections)})"
            )
    for section in sections:
        if not isinstance(document.get(section, []), list):
            raise NetworkImportError(
                section, f"must be a list, not {json_type(document[section])}"
            )
    records = {}
    for shape in SHAPES:
        records[shape.section] = [
            _parse_record(shape, index, raw)
            for index, raw in enumerate(document.get(shape.section, []))
        ]
        _refuse_repeated_idents(shape, records[shape.section])
    tensions = [_parse_tension(i, raw) for i, raw in enumerate(document.get("tensions", []))]
    parts = [(part, part.parse(document)) for part in _parts]
    return _Document(records=records, tensions=tensions, parts=parts)


def check_keys(raw: dict, allowed: set[str], required: Sequence[str], where: str) -> None:
    for key in raw:
        if key not in allowed:
            raise Invalid(f"unknown key {quoted(key)}{where}")
    for key in required:
        if key not in raw:
            raise Invalid(f"missing required key {key!r}{where}")


def checked(check: Check, key: str, value: Any, where: str = "") -> Any:
    try:
        return check(value)
    except Invalid as exc:
        raise Invalid(f"{key!r}{where} {exc}") from None


def _parse_record(shape: Shape, index: int, raw: Any) -> _Record:
    position = label = f"{shape.section}[{index}]"
    if not isinstance(raw, dict):
        raise NetworkImportError(label, f"must be an object, not {json_type(raw)}")
    ident = raw.get(shape.ident)
    if isinstance(ident, str) and ident:
        label = f"{position} ({shape.ident} {quoted(ident)})"
    try:
        check_keys(raw, shape.allowed, (shape.ident, "name"), "")
        return _Record(
            position=position,
            label=label,
            ident=ident,
            values={
                key: checked(check, key, raw[key])
                for key, check in shape.fields.items()
                if key in raw
            },
            refs={
                key: checked(reference_check, key, raw[key]) for key in shape.refs if key in raw
            },
            many={
                key: checked(references_check, key, raw[key]) for key in shape.many if key in raw
            },
            rows={
                key: _parse_rows(row_shape, raw[key])
                for key, row_shape in shape.rows.items()
                if key in raw
            },
        )
    except Invalid as exc:
        raise NetworkImportError(label, str(exc)) from None


def _parse_rows(shape: RowShape, raw_rows: Any) -> list[_Row]:
    if not isinstance(raw_rows, list):
        raise Invalid(f"{shape.key!r} must be a list, not {json_type(raw_rows)}")
    rows = [_parse_row(shape, index, raw) for index, raw in enumerate(raw_rows)]
    if shape.one_open_per:
        _refuse_two_open_rows(shape, rows)
    return rows


def _parse_row(shape: RowShape, index: int, raw: Any) -> _Row:
    label = f"{shape.key}[{index}]"
    if not isinstance(raw, dict):
        raise Invalid(f"{label} must be an object, not {json_type(raw)}")
    where = f" in {label}"
    check_keys(raw, shape.allowed, shape.required, where)
    refs = {key: checked(reference_check, key, raw.get(key), where) for key in shape.refs}
    for key in shape.required:
        if refs[key] is None:
            raise Invalid(f"{key!r}{where} must be a slug, not null")
    values = {
        key: checked(check, key, raw[key], where) if key in raw else shape.default(key)
        for key, check in shape.fields.items()
    }
    since, until = values["since"], values["until"]
    if since and until and until < since:
        raise Invalid(f"'until' ({until}) is before 'since' ({since}){where}")
    return _Row(label=label, refs=refs, values=values)


def _refuse_two_open_rows(shape: RowShape, rows: list[_Row]) -> None:
    open_rows: dict[str | None, _Row] = {}
    for row in rows:
        if row.values["until"] is not None:
            continue
        target = row.refs[shape.one_open_per]
        if target in open_rows:
            raise Invalid(
                f"{open_rows[target].label} and {row.label} are both open (until: null) "
                f"for {shape.one_open_per} {quoted(target)}; end one of them"
            )
        open_rows[target] = row


def _refuse_repeated_idents(shape: Shape, records: list[_Record]) -> None:
    first: dict[str, _Record] = {}
    for record in records:
        if record.ident in first:
            raise NetworkImportError(
                record.label,
                f"{shape.ident} {quoted(record.ident)} appears twice "
                f"(first at {first[record.ident].position})",
            )
        first[record.ident] = record


def _parse_tension(index: int, raw: Any) -> _Tension:
    label = f"tensions[{index}]"
    if not isinstance(raw, dict):
        raise NetworkImportError(label, f"must be an object, not {json_type(raw)}")
    try:
        check_keys(raw, {"movements", "note"}, ("movements", "note"), "")
        pair = checked(references_check, "movements", raw["movements"])
        if len(pair) != 2:
            raise Invalid(f"'movements' must name two movements, not {len(pair)}")
        note = checked(text_check(Tension, "note", required=True), "note", raw["note"])
    except Invalid as exc:
        raise NetworkImportError(label, str(exc)) from None
    return _Tension(label=label, movements=(pair[0], pair[1]), note=note)


# --- References ------------------------------------------------------------------------------


def _check_references(document: _Document, stored: dict[str, dict[str, models.Model]]) -> None:
    known = {
        section: {*stored[section], *(r.ident for r in document.records[section])}
        for section in NOUNS
    }

    def refuse_unknown(section: str, slug: str | None, record: _Record | _Tension, where: str):
        if slug is not None and slug not in known[section]:
            raise NetworkImportError(
                record.label, f"unknown {NOUNS[section]} {quoted(slug)}{where}"
            )

    for shape in SHAPES:
        for record in document.records[shape.section]:
            for key, section in shape.refs.items():
                where = "" if key == NOUNS[section] else f" in {key!r}"
                refuse_unknown(section, record.refs.get(key), record, where)
            for key, section in shape.many.items():
                for slug in record.many.get(key, []):
                    refuse_unknown(section, slug, record, f" in {key!r}")
            for key, row_shape in shape.rows.items():
                for row in record.rows.get(key, []):
                    for ref, section in row_shape.refs.items():
                        refuse_unknown(section, row.refs[ref], record, f" in {row.label}")
    for tension in document.tensions:
        for slug in tension.movements:
            refuse_unknown("movements", slug, tension, " in 'movements'")
    _refuse_region_loops(document.records["regions"], stored["regions"])


def _refuse_region_loops(records: list[_Record], stored: dict[str, Region]) -> None:
    slugs = {region.pk: slug for slug, region in stored.items()}
    parents = {slug: slugs.get(region.parent_id) for slug, region in stored.items()}
    parents.update({r.ident: r.refs["parent"] for r in records if "parent" in r.refs})
    for record in records:
        path = [record.ident]
        current = parents.get(record.ident)
        while current is not None and current not in path:
            path.append(current)
            current = parents.get(current)
        if current == record.ident:
            loop = " > ".join([*path, current])
            raise NetworkImportError(record.label, f"'parent' makes a loop: {loop}")


# --- Writing ---------------------------------------------------------------------------------


def network_import(*, document: dict) -> ImportSummary:
    """Check the whole ``document``, then write it in one transaction (all or nothing).

    Raises NetworkImportError, naming the bad record, before anything is written."""
    parsed = _parse(document)
    with transaction.atomic(durable=True):
        stored = {shape.section: _stored(shape) for shape in SHAPES}
        _check_references(parsed, stored)
        summary, ids = _write(parsed, stored)
        for part, part_parsed in parsed.parts:
            summary.parts.update(part.write(part_parsed, ids=ids))
        transaction.on_commit(
            lambda: network_imported.send(sender=network_import, summary=summary)
        )
    return summary


def _stored(shape: Shape) -> dict[str, models.Model]:
    """Every stored row of a kind by slug (or key): one query."""
    return {getattr(obj, shape.ident): obj for obj in shape.model.objects.order_by()}


def _write(
    document: _Document, stored: dict[str, dict[str, models.Model]]
) -> tuple[ImportSummary, Ids]:
    summary = ImportSummary()
    ids: Ids = {}
    for shape in SHAPES:
        records = document.records[shape.section]
        counts: Counts = getattr(summary, shape.section)
        created, updated = _upsert(shape, records, stored[shape.section], ids)
        ids[shape.section] = {ident: obj.pk for ident, obj in stored[shape.section].items()}
        if shape is REGIONS:
            updated |= _set_parents(records, stored["regions"], ids["regions"]) - created
        for key, section in shape.many.items():
            updated |= _replace_many(shape, key, records, ids[shape.section], ids[section])
        counts.created, counts.updated = len(created), len(updated - created)
        for key, row_shape in shape.rows.items():
            owners = [
                (stored[shape.section][record.ident].pk, record.rows[key], record.ident in created)
                for record in records
                if key in record.rows
            ]
            _replace_rows(row_shape, owners, ids, getattr(summary, key))
    summary.tensions.created = _add_tensions(document.tensions, ids["movements"])
    return summary, ids


def _upsert(
    shape: Shape,
    records: list[_Record],
    stored: dict[str, models.Model],
    ids: Ids,
) -> tuple[set[str], set[str]]:
    """Create new records and update changed ones; returns (created, updated) idents.
    A reference to the section itself (a region's parent) is left to the caller."""
    new, changed, changed_fields, updated = [], [], set(), set()
    for record in records:
        columns = dict(record.values)
        for key, slug in record.refs.items():
            section = shape.refs[key]
            if section != shape.section:
                columns[f"{key}_id"] = None if slug is None else ids[section][slug]
        obj = stored.get(record.ident)
        if obj is None:
            obj = stored[record.ident] = shape.model(**columns)
            new.append(obj)
            continue
        differing = {name for name, value in columns.items() if getattr(obj, name) != value}
        if differing:
            for name in differing:
                setattr(obj, name, columns[name])
            changed.append(obj)
            changed_fields |= differing
            updated.add(record.ident)
    shape.model.objects.bulk_create(new, batch_size=INSERT_BATCH_SIZE)
    if changed:
        shape.model.objects.bulk_update(
            changed, sorted(changed_fields), batch_size=UPDATE_BATCH_SIZE
        )
    return {getattr(obj, shape.ident) for obj in new}, updated


def _set_parents(records: list[_Record], stored: dict[str, Region], ids: dict[str, int]):
    changed = []
    for record in records:
        if "parent" not in record.refs:
            continue
        slug = record.refs["parent"]
        region = stored[record.ident]
        parent_id = None if slug is None else ids[slug]
        if region.parent_id != parent_id:
            region.parent_id = parent_id
            changed.append(region)
    Region.objects.bulk_update(changed, ["parent"], batch_size=UPDATE_BATCH_SIZE)
    return {region.slug for region in changed}


def _replace_many(
    shape: Shape,
    key: str,
    records: list[_Record],
    owner_ids: dict[str, int],
    target_ids: dict[str, int],
) -> set[str]:
    """Make each record's many-to-many list (a movement's themes…) what the document says;
    returns the idents whose list changed."""
    wanted = {
        owner_ids[record.ident]: [target_ids[slug] for slug in record.many[key]]
        for record in records
        if key in record.many
    }
    changed = replace_links(shape.model._meta.get_field(key), wanted)
    return {record.ident for record in records if owner_ids[record.ident] in changed}


def replace_links(relation: models.ManyToManyField, wanted: dict[int, list[int]]) -> set[int]:
    """Make the many-to-many links of each owner in ``wanted`` (owner pk → target pks) exactly
    those; other owners' links are left alone, links already there are kept. Returns the
    owners whose links changed. Bulk queries: one read per batch of owners, then the
    writes."""
    through = relation.remote_field.through
    owner_column = f"{relation.m2m_field_name()}_id"
    target_column = f"{relation.m2m_reverse_field_name()}_id"
    links: dict[int, dict[int, int]] = defaultdict(dict)
    for batch in in_batches(list(wanted)):
        rows = (
            through.objects.filter(**{f"{owner_column}__in": batch})
            .order_by()
            .values_list("pk", owner_column, target_column)
        )
        for pk, owner, target in rows:
            links[owner][target] = pk
    new, gone, changed = [], [], set()
    for owner, targets in wanted.items():
        have = links[owner]
        new += [
            through(**{owner_column: owner, target_column: t}) for t in targets if t not in have
        ]
        gone += [pk for target, pk in have.items() if target not in targets]
        if set(targets) != set(have):
            changed.add(owner)
    _delete(through, gone)
    through.objects.bulk_create(new, batch_size=INSERT_BATCH_SIZE)
    return changed


def _replace_rows(
    shape: RowShape,
    owners: list[tuple[int, list[_Row], bool]],
    ids: Ids,
    counts: Counts,
) -> None:
    """Make each owner's rows (an organization's participations…) what the document says.
    Rows equal to a stored one are kept, so a second import changes nothing."""
    owner_column = f"{shape.owner}_id"
    stored: dict[int, list[tuple[int, tuple]]] = defaultdict(list)
    existing_owners = [owner for owner, _, created in owners if not created]
    for batch in in_batches(existing_owners):
        rows = (
            shape.model.objects.filter(**{f"{owner_column}__in": batch})
            .order_by()
            .values_list("pk", owner_column, *shape.columns)
        )
        for pk, owner, *columns in rows:
            stored[owner].append((pk, tuple(columns)))
    new, gone = [], []
    for owner, rows, _ in owners:
        wanted = [_row_columns(shape, row, ids) for row in rows]
        removed, added = _difference(stored[owner], wanted)
        gone += removed
        new += [
            shape.model(**{owner_column: owner}, **dict(zip(shape.columns, columns, strict=True)))
            for columns in added
        ]
    _delete(shape.model, gone)
    shape.model.objects.bulk_create(new, batch_size=INSERT_BATCH_SIZE)
    counts.created, counts.removed = len(new), len(gone)


def _row_columns(shape: RowShape, row: _Row, ids: Ids) -> tuple:
    refs = (
        None if row.refs[key] is None else ids[section][row.refs[key]]
        for key, section in shape.refs.items()
    )
    return (*refs, *row.values.values())


def _difference(stored: list[tuple[int, tuple]], wanted: list[tuple]):
    """(pks of stored rows to delete, wanted rows to create), matching equal rows."""
    missing = Counter(wanted)
    gone = []
    for pk, columns in stored:
        if missing[columns] > 0:
            missing[columns] -= 1
        else:
            gone.append(pk)
    new = []
    for columns in wanted:
        if missing[columns] > 0:
            missing[columns] -= 1
            new.append(columns)
    return gone, new


def _add_tensions(tensions: list[_Tension], movement_ids: dict[str, int]) -> int:
    present = set(Tension.objects.values_list("movement_a_id", "movement_b_id", "note"))
    new = []
    for tension in tensions:
        low, high = sorted(movement_ids[slug] for slug in tension.movements)
        if (low, high, tension.note) in present:
            continue
        present.add((low, high, tension.note))
        new.append(Tension(movement_a_id=low, movement_b_id=high, note=tension.note))
    Tension.objects.bulk_create(new, batch_size=INSERT_BATCH_SIZE)
    return len(new)


def in_batches(items: list) -> Iterator[list]:
    """``items`` in lists short enough for one ``IN (…)`` on every database."""
    size = min(IN_BATCH_SIZE, connection.features.max_query_params or IN_BATCH_SIZE)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete(model: type[models.Model], pks: list[int]) -> None:
    for batch in in_batches(pks):
        model.objects.filter(pk__in=batch).delete()


# --- Export ----------------------------------------------------------------------------------


def network_export() -> dict[str, Any]:
    """The whole network as one document, in a fixed order (see the module docstring): the
    directory, then each registered part's sections."""
    document = {
        "themes": _export_taxonomy(Theme),
        "tactics": _export_taxonomy(Tactic),
        "regions": [
            {"slug": slug, "name": name, "parent": parent}
            for slug, name, parent in Region.objects.order_by("slug").values_list(
                "slug", "name", "parent__slug"
            )
        ],
        "movements": _export_movements(),
        "organizations": _export_organizations(),
        "members": _export_members(),
        "tensions": _export_tensions(),
    }
    for part in _parts:
        document.update(part.export())
    return document


def dumps(document: dict[str, Any]) -> str:
    """Canonical JSON text of a document: what export_network writes."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _export_taxonomy(model: type[models.Model]) -> list[dict[str, str]]:
    return [
        {"slug": slug, "name": name}
        for slug, name in model.objects.order_by("slug").values_list("slug", "name")
    ]


def _slugs_by_movement(key: str) -> dict[int, list[str]]:
    relation = Movement._meta.get_field(key)
    rows = relation.remote_field.through.objects.values_list(
        f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}__slug"
    )
    slugs = defaultdict(list)
    for movement, slug in rows:
        slugs[movement].append(slug)
    return {movement: sorted(found) for movement, found in slugs.items()}


def _archived(row: dict[str, Any]) -> dict[str, str]:
    return {"archived_at": iso(row["archived_at"])} if row["archived_at"] else {}


def _export_movements() -> list[dict[str, Any]]:
    links = {key: _slugs_by_movement(key) for key in MOVEMENTS.many}
    return [
        {
            "slug": row["slug"],
            "name": row["name"],
            "sector": row["sector"],
            "constituency": row["constituency"],
            "status": row["status"],
            **{key: links[key].get(row["pk"], []) for key in MOVEMENTS.many},
            "summary": row["summary"],
            "description": row["description"],
            "started_on": iso(row["started_on"]),
            "website": row["website"],
            **_archived(row),
        }
        for row in Movement.objects.order_by("slug").values("pk", *MOVEMENTS.fields)
    ]


def _rows_by_owner(shape: RowShape) -> dict[int, list[dict[str, Any]]]:
    """Export rows of a nested list, grouped by owner and sorted by since, then slug."""
    owner_column = f"{shape.owner}_id"
    ref_columns = [f"{ref}__slug" for ref in shape.refs]
    keys = (*shape.refs, *shape.fields)
    found = defaultdict(list)
    rows = shape.model.objects.order_by().values_list(owner_column, *ref_columns, *shape.fields)
    for owner, *columns in rows:
        found[owner].append(
            {
                key: iso(value) if isinstance(value, datetime.date) else value
                for key, value in zip(keys, columns, strict=True)
            }
        )
    for exported in found.values():
        exported.sort(key=_row_order)
    return found


def _row_order(row: dict[str, Any]) -> tuple:
    # since first, then the slug referenced first, then every other value: a total order.
    values = list(row.values())
    return tuple("" if v is None else v for v in (row["since"], *values))


def _export_organizations() -> list[dict[str, Any]]:
    participations = _rows_by_owner(PARTICIPATIONS)
    rows = Organization.objects.order_by("slug").values(
        "pk", *ORGANIZATIONS.fields, "region__slug"
    )
    return [
        {
            "slug": row["slug"],
            "name": row["name"],
            "kind": row["kind"],
            "region": row["region__slug"],
            "description": row["description"],
            "website": row["website"],
            "contact_email": row["contact_email"],
            "founded_on": iso(row["founded_on"]),
            "active": row["active"],
            **_archived(row),
            "participations": participations.get(row["pk"], []),
        }
        for row in rows
    ]


def _export_members() -> list[dict[str, Any]]:
    memberships = _rows_by_owner(MEMBERSHIPS)
    engagements = _rows_by_owner(ENGAGEMENTS)
    rows = Member.objects.order_by("key").values("pk", *MEMBERS.fields, "region__slug")
    return [
        {
            "key": row["key"],
            "name": row["name"],
            "email": row["email"],
            "region": row["region__slug"],
            "visibility": row["visibility"],
            "invites": row["invites"],
            "memberships": memberships.get(row["pk"], []),
            "engagements": engagements.get(row["pk"], []),
        }
        for row in rows
    ]


def _export_tensions() -> list[dict[str, Any]]:
    rows = Tension.objects.values_list("movement_a__slug", "movement_b__slug", "note")
    unique = {(*sorted((a, b)), note) for a, b, note in rows}
    return [{"movements": [a, b], "note": note} for a, b, note in sorted(unique)]
