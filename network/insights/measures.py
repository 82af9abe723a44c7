"""Engagement insights: how long people stay, how many leave early, and how thin an
organization spreads itself.

Lasting coalitions grow from long, consistent engagement; groups that chase every visible
struggle fray. These figures make that visible for an organization or a movement. All of
them are computed on a day ``today`` (the local date by default) from **rows**:

* for a **movement**, its engagements (``Engagement`` with ``movement`` = it);
* for an **organization**, its memberships (``Membership`` with ``organization`` = it) —
  belonging to the organization, whatever movement the person works in.

A row is *ongoing on* a day when it started on or before it (or has no start) and has not
ended before it (``movements.models.ongoing_on``).

==========================  ==================================================================
active people now           distinct people with a row ongoing today
quarters                    the last ``QUARTERS`` (12) calendar quarters, the current one last:
                            distinct people with a row running at any time in the quarter
                            (the current quarter counts up to today); label "2026Q3"
median tenure (days)        median over rows with a start on or before today of
                            (end − start + 1) days, where end is ``until``, or today for an
                            ongoing row: both days count, so a one-day row lasted 1 day. With
                            an even number of rows, the mean of the two middle ones
early drop-off rate         early rows / rows whose six-month outcome is known. A row is early
                            when it ended (``until`` on or before today) after at most
                            ``EARLY_DROPOFF_DAYS`` (182) days counted as above. The outcome is
                            known for every ended row and for every ongoing row that has
                            already lasted longer than that; ongoing rows younger than six
                            months are left out (they may still end early)
retention after a shift     organizations only. A movement the organization *left* is one
                            it has no open participation in: all its participations there ended
                            before today, the last one at least ``RETENTION_AFTER_DAYS`` (182)
                            days ago (leaving and coming back later is not leaving). Its
                            *arrivals* are the people with an engagement in that movement
                            *through the organization* that started while one of those
                            participations ran, each person once per movement. An arrival
                            *stayed* when, ``RETENTION_AFTER_DAYS`` after the last
                            participation ended, they had a membership in the organization or
                            an engagement through it running. Retention is stayed / arrivals
                            over all the movements it left; null when there are no arrivals
concurrent movements now    organization: movements it takes part in today; movement: other
                            movements its active people are also engaged in today (both leave
                            archived movements out)
stretch                     concurrent movements per ten active people (× 10 / active people),
                            rounded to two decimals; null without active people
==========================  ==================================================================

Notes are plain sentences: a capacity warning when an organization's stretch is above
``STRETCH_HIGH`` (2 movements per ten people), a note on poor retention after its shifts
(below ``LOW_RETENTION``, a half), and an encouraging note for steady, long engagement:
median tenure above ``STEADY_TENURE_DAYS`` (two years) and early drop-off at most
``STEADY_DROPOFF_MAX`` (a quarter) — for an organization also neither over-stretched nor
with poor retention, so the two kinds of note never contradict each other. Thresholds can
be changed in ``settings.COALITION_INSIGHTS`` (these keys; defaults in ``core/conf.py``).

**The capacity warning is not for the public.** It goes only to that organization's
organizers (an ongoing organizer or leader membership: ``organizes``) and to curators —
not to anonymous visitors, members or other organizers, on the page or in the API: the app
helps groups, it does not shame them in public (``Insights.sees_capacity``). An
over-stretched organization gets no steady note either way, so what the public sees never
contradicts what its organizers see.

**Privacy.** Everyone but curators sees people-counts below
``COALITION_MIN_DISCLOSED_COUNT`` (5) suppressed: ``active_people`` and each quarter's count
become ``None`` ("fewer than 5"). Figures computed over a group of fewer people than that —
median tenure and drop-off (distinct people behind their rows), retention (distinct
arrivals), stretch (active people, which it would reveal) and a movement's concurrent
movements (computed from its active people) — are ``None`` too, so that nobody can be
singled out; their names are listed in ``Insights.withheld``. An organization's concurrent
movements are public (its participations are on its page). Notes only use what the viewer
may see.

Queries are fixed whatever the data size: one aggregate over the subject's rows (active now,
all twelve quarters and the tenure and drop-off counts, as conditional ``COUNT(DISTINCT …)``),
one to read the middle row(s) for the median, one for concurrent movements (the
organization's participations, read once, also give its shifts) and, for an organization
with shifts, one for retention (a generated table of shifts joined to engagements).
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Literal

from django.db import connection
from django.db.models import (
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from core import privacy
from core.cache import cached
from core.conf import app_settings
from core.text import percent
from movements.models import (
    Engagement,
    Membership,
    Movement,
    Organization,
    Participation,
    ongoing_on,
    running_between,
)

QUARTERS = 12

Subject = Movement | Organization


@dataclass(frozen=True)
class InsightsConfig:
    """``COALITION_INSIGHTS`` as typed attributes (its ``repr`` is part of cache keys)."""

    early_dropoff_days: int
    retention_after_days: int
    stretch_high: float
    low_retention: float
    steady_tenure_days: int
    steady_dropoff_max: float

    @classmethod
    def from_settings(cls) -> InsightsConfig:
        return cls(**{name.lower(): value for name, value in app_settings.INSIGHTS.items()})


@dataclass(frozen=True)
class Quarter:
    label: str  # "2026Q3"
    start: datetime.date
    end: datetime.date  # the last day counted: the quarter's last day, or today
    active_people: int | None  # None: fewer people than the threshold (suppressed)


@dataclass(frozen=True)
class Measures:
    """The exact figures and the group sizes behind them (curators' view)."""

    kind: Literal["movement", "organization"]
    today: datetime.date
    active_people: int
    quarters: tuple[tuple[str, datetime.date, datetime.date, int], ...]
    tenure_rows: int
    tenure_people: int
    median_tenure_days: float | None
    dropoff_rows: int  # rows whose six-month outcome is known
    dropoff_early: int
    dropoff_people: int
    retention_arrivals: int
    retention_stayed: int
    retention_people: int
    concurrent_movements: int

    @property
    def early_dropoff_rate(self) -> float | None:
        if not self.dropoff_rows:
            return None
        return round(self.dropoff_early / self.dropoff_rows, 4)

    @property
    def retention_after_shift(self) -> float | None:
        if self.kind != "organization" or not self.retention_arrivals:
            return None
        return round(self.retention_stayed / self.retention_arrivals, 4)

    @property
    def stretch(self) -> float | None:
        if not self.active_people:
            return None
        return round(self.concurrent_movements * 10 / self.active_people, 2)


@dataclass(frozen=True)
class Note:
    """A plain-language note: ``kind`` is "capacity", "retention" or "steady"."""

    kind: Literal["capacity", "retention", "steady"]
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Insights:
    """What one viewer may see: suppressed figures are ``None`` and named in ``withheld``."""

    kind: Literal["movement", "organization"]
    today: datetime.date
    active_people: int | None
    quarters: tuple[Quarter, ...]
    median_tenure_days: float | None
    early_dropoff_rate: float | None
    retention_after_shift: float | None  # always None for a movement
    concurrent_movements: int | None
    stretch: float | None
    notes: tuple[Note, ...]
    withheld: frozenset[str]
    measures: Measures | None  # the exact figures, for curators only
    # An organization, and the viewer may see its capacity warning (its organizers, curators).
    sees_capacity: bool = False


def engagement_insights(
    subject: Subject,
    *,
    today: datetime.date | None = None,
    curator: bool = False,
    organizer: bool = False,
    config: InsightsConfig | None = None,
) -> Insights:
    """The engagement insights of a movement or an organization as ``curator`` (or not)
    may see them; ``organizer``: the viewer organizes for this organization
    (``organizes``), so they see its capacity warning."""
    config = config or InsightsConfig.from_settings()
    today = today or timezone.localdate()
    # The exact figures are cached per network version (core/cache.py): every write
    # to engagements, memberships or participations makes a new entry.
    measures = cached(
        "insights",
        (type(subject).__name__, subject.pk, today, config),
        lambda: compute_measures(subject, today=today, config=config),
    )
    return disclose(measures, curator=curator, organizer=organizer, config=config)


def organizes(user, subject: Subject) -> bool:
    """Whether ``user`` organizes for ``subject``: an organization where they have an
    ongoing organizer or leader membership (``Organization.objects.managed_by``). No query
    for anonymous visitors."""
    if not isinstance(subject, Organization) or subject.pk is None:
        return False
    return Organization.objects.managed_by(user).filter(pk=subject.pk).exists()


def compute_measures(
    subject: Subject,
    *,
    today: datetime.date | None = None,
    config: InsightsConfig | None = None,
) -> Measures:
    """The exact figures for ``subject`` on ``today`` (see the module docstring)."""
    config = config or InsightsConfig.from_settings()
    today = today or timezone.localdate()
    if isinstance(subject, Organization):
        kind = "organization"
        rows = Membership.objects.filter(organization=subject)
    elif isinstance(subject, Movement):
        kind = "movement"
        rows = Engagement.objects.filter(movement=subject)
    else:
        raise TypeError(f"Insights are for movements and organizations, not {subject!r}.")

    quarters = quarter_bounds(today)
    early = datetime.timedelta(days=config.early_dropoff_days)
    started = Q(since__isnull=False, since__lte=today)
    ended = Q(until__isnull=False, until__lte=today)
    known = started & (ended | Q(span__gte=early))
    rows = _with_span(rows.order_by(), today)
    figures = rows.aggregate(
        active_now=Count("member", distinct=True, filter=ongoing_on(today)),
        tenure_rows=Count("pk", filter=started),
        tenure_people=Count("member", distinct=True, filter=started),
        dropoff_rows=Count("pk", filter=known),
        dropoff_early=Count("pk", filter=started & ended & Q(span__lt=early)),
        dropoff_people=Count("member", distinct=True, filter=known),
        **{
            f"q{index}": Count("member", distinct=True, filter=running_between(start, end))
            for index, (_, start, end) in enumerate(quarters)
        },
    )
    median = _median_tenure(rows.filter(started), figures["tenure_rows"])

    arrivals = stayed = arrival_people = 0
    if kind == "organization":
        concurrent, shifts = _participations(subject, today=today, config=config)
        if shifts:
            arrivals, stayed, arrival_people = _retention(subject, shifts)
    else:
        concurrent = _concurrent_movements(subject, today=today)

    return Measures(
        kind=kind,
        today=today,
        active_people=figures["active_now"],
        quarters=tuple(
            (label, start, end, figures[f"q{index}"])
            for index, (label, start, end) in enumerate(quarters)
        ),
        tenure_rows=figures["tenure_rows"],
        tenure_people=figures["tenure_people"],
        median_tenure_days=median,
        dropoff_rows=figures["dropoff_rows"],
        dropoff_early=figures["dropoff_early"],
        dropoff_people=figures["dropoff_people"],
        retention_arrivals=arrivals,
        retention_stayed=stayed,
        retention_people=arrival_people,
        concurrent_movements=concurrent,
    )


def quarter_bounds(
    today: datetime.date, count: int = QUARTERS
) -> list[tuple[str, datetime.date, datetime.date]]:
    """(label, first day, last day counted) of the ``count`` calendar quarters ending with
    today's, oldest first; the current quarter ends today."""
    year, quarter = today.year, (today.month - 1) // 3
    bounds = []
    for _ in range(count):
        start = datetime.date(year, 3 * quarter + 1, 1)
        if quarter == 3:
            end = datetime.date(year, 12, 31)
        else:
            end = datetime.date(year, 3 * quarter + 4, 1) - datetime.timedelta(days=1)
        bounds.append((f"{year}Q{quarter + 1}", start, min(end, today)))
        year, quarter = (year - 1, 3) if quarter == 0 else (year, quarter - 1)
    return bounds[::-1]


def disclose(
    measures: Measures,
    *,
    curator: bool,
    organizer: bool = False,
    config: InsightsConfig | None = None,
):
    """The figures ``measures`` as a viewer may see them (see "Privacy" above); the
    capacity warning only for curators and, for an organization, its ``organizer``s."""
    config = config or InsightsConfig.from_settings()

    def shown(people: int) -> bool:
        return not privacy.withheld(people, curator=curator)

    withheld = set()

    def guarded(name: str, value, people: int):
        if value is None:
            return None
        if shown(people):
            return value
        withheld.add(name)
        return None

    is_organization = measures.kind == "organization"
    active = guarded("active_people", measures.active_people, measures.active_people)
    if is_organization:
        concurrent = measures.concurrent_movements
    else:
        concurrent = guarded(
            "concurrent_movements", measures.concurrent_movements, measures.active_people
        )
    insights = Insights(
        kind=measures.kind,
        today=measures.today,
        active_people=active,
        quarters=tuple(
            Quarter(label, start, end, count if shown(count) else None)
            for label, start, end, count in measures.quarters
        ),
        median_tenure_days=guarded(
            "median_tenure_days", measures.median_tenure_days, measures.tenure_people
        ),
        early_dropoff_rate=guarded(
            "early_dropoff_rate", measures.early_dropoff_rate, measures.dropoff_people
        ),
        retention_after_shift=guarded(
            "retention_after_shift", measures.retention_after_shift, measures.retention_people
        ),
        concurrent_movements=concurrent,
        stretch=guarded("stretch", measures.stretch, measures.active_people),
        notes=(),
        withheld=frozenset(withheld),
        measures=measures if curator else None,
        sees_capacity=is_organization and (curator or organizer),
    )
    return _with_notes(insights, measures, config=config)


def _with_notes(insights: Insights, measures: Measures, *, config: InsightsConfig) -> Insights:
    """Plain sentences about capacity, retention and steadiness, from what the viewer may
    see (the capacity warning uses the stretch, with the people-count spelled out only when
    it is shown, and goes only to those who may see it)."""
    notes = []
    stretch = measures.stretch
    stretched = (
        measures.kind == "organization" and stretch is not None and stretch > config.stretch_high
    )
    if stretched and insights.sees_capacity:
        movements = measures.concurrent_movements
        if insights.active_people is None:
            people = privacy.fewer_than("active members")
        else:
            people = f"{measures.active_people} active member" + (
                "" if measures.active_people == 1 else "s"
            )
        notes.append(
            Note(
                "capacity",
                "Takes on more struggles than its people can hold: "
                f"{movements} movement{'' if movements == 1 else 's'} at once with {people}. "
                "Lasting power comes from staying with a struggle, not from joining every one.",
            )
        )
    retention = insights.retention_after_shift
    if retention is not None and retention < config.low_retention:
        notes.append(
            Note(
                "retention",
                "When it moved on from a struggle, most of the people who came in through it "
                f"left too: {percent(retention)} were still active here six months later.",
            )
        )
    tenure, dropoff = insights.median_tenure_days, insights.early_dropoff_rate
    if (
        not notes
        and not stretched
        and tenure is not None
        and tenure > config.steady_tenure_days
        and dropoff is not None
        and dropoff <= config.steady_dropoff_max
    ):
        rows = "memberships" if measures.kind == "organization" else "engagements"
        early = "none" if dropoff == 0 else f"only {percent(dropoff)}"
        notes.append(
            Note(
                "steady",
                f"Steady, long engagement: half of its {rows} have lasted more than "
                f"{_years(tenure)}, and {early} ended within six months. This is the kind "
                "of commitment lasting coalitions grow from.",
            )
        )
    return dataclasses.replace(insights, notes=tuple(notes))


def _years(days: float) -> str:
    years = days / 365.25
    if years >= 2:
        return f"{int(years)} years"
    return f"{int(days)} days"


def _with_span(rows: QuerySet, today: datetime.date) -> QuerySet:
    """Annotate ``span``: end − start, the end being ``until`` or today, whichever is
    earlier (tenure in days is ``span`` + 1)."""
    today_value = Value(today, output_field=DateField())
    return rows.annotate(
        ended_on=Least(Coalesce("until", today_value), today_value, output_field=DateField()),
        span=ExpressionWrapper(F("ended_on") - F("since"), output_field=DurationField()),
    )


def _median_tenure(rows: QuerySet, count: int) -> float | None:
    """The median tenure in days of ``count`` rows, reading only the middle one or two."""
    if not count:
        return None
    low, high = (count - 1) // 2, count // 2
    middle = list(rows.order_by("span", "pk").values_list("span", flat=True)[low : high + 1])
    days = [span.days + 1 for span in middle]
    return sum(days) / len(days)


def _participations(
    organization: Organization, *, today: datetime.date, config: InsightsConfig
) -> tuple[int, list[tuple[int, datetime.date, datetime.date, datetime.date]]]:
    """The number of movements the organization takes part in today, and the
    participations of the movements it left: (movement, since, until, check day) for every
    participation in a movement where all its participations ended before today, the last
    one at least ``retention_after_days`` ago (the check day is that many days after the
    last one ended). One query over its participations."""
    after = datetime.timedelta(days=config.retention_after_days)
    participations = list(
        Participation.objects.filter(organization=organization)
        .with_running(today, today)
        .order_by("since", "pk")
        .values_list("movement", "since", "until", "movement__archived_at", "running")
    )
    current = {
        movement
        for movement, _, _, archived_at, running in participations
        if running and archived_at is None
    }
    last_end: dict[int, datetime.date | None] = {}
    for movement, _, until, _, _ in participations:
        if until is None or until >= today:
            last_end[movement] = None  # still open, or ends later: not left
        elif last_end.get(movement, until) is not None:
            last_end[movement] = max(last_end.get(movement, until), until)
    check_day = {
        movement: until + after
        for movement, until in last_end.items()
        if until is not None and until + after <= today
    }
    shifts = [
        (movement, since or datetime.date.min, until, check_day[movement])
        for movement, since, until, _, _ in participations
        if movement in check_day
    ]
    return len(current), shifts


def _retention(organization: Organization, shifts: list) -> tuple[int, int, int]:
    """(arrivals, arrivals who stayed, distinct people among the arrivals) for the
    participations in ``shifts``; an arrival is a (movement, person) pair. One query joining
    a generated table of the participations to the engagements through the organization."""
    quote = connection.ops.quote_name
    engagements = quote(Engagement._meta.db_table)
    memberships = quote(Membership._meta.db_table)
    shift_rows = " UNION ALL ".join(
        "SELECT %s AS movement_id, %s AS since, %s AS until, %s AS check_day" for _ in shifts
    )
    shift_params = [value for shift in shifts for value in shift]
    running = (
        "(x.since IS NULL OR x.since <= s.check_day) "
        "AND (x.until IS NULL OR x.until >= s.check_day)"
    )
    sql = f"""
        SELECT COUNT(*), COALESCE(SUM(arrivals.stayed), 0), COUNT(DISTINCT arrivals.member_id)
        FROM (
            SELECT DISTINCT s.movement_id, e.member_id,
                CASE WHEN EXISTS (
                    SELECT 1 FROM {memberships} x
                    WHERE x.member_id = e.member_id AND x.organization_id = %s AND {running}
                ) OR EXISTS (
                    SELECT 1 FROM {engagements} x
                    WHERE x.member_id = e.member_id AND x.organization_id = %s AND {running}
                ) THEN 1 ELSE 0 END AS stayed
            FROM ({shift_rows}) s
            JOIN {engagements} e
              ON e.movement_id = s.movement_id AND e.organization_id = %s
             AND e.since IS NOT NULL AND e.since >= s.since AND e.since <= s.until
        ) arrivals
    """  # noqa: S608 — table names from model metadata, values are parameters
    params = [organization.pk, organization.pk, *shift_params, organization.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        arrivals, stayed, people = cursor.fetchone()
    return int(arrivals), int(stayed), int(people)


def _concurrent_movements(movement: Movement, *, today: datetime.date) -> int:
    """Other (visible) movements the movement's active people are also engaged in today."""
    active = Engagement.objects.filter(movement=movement).ongoing_on(today)
    return (
        Engagement.objects.ongoing_on(today)
        .filter(member__in=active.values("member"), movement__archived_at__isnull=True)
        .exclude(movement=movement)
        .order_by()
        .aggregate(n=Count("movement", distinct=True))["n"]
    )
