"""Reads for a member's own pages: their data as one JSON-ready document (``/me/data.json``)
and their engagement timeline (``/me/``). Each runs a fixed number of queries, whatever the
history's size, and returns nothing about anyone else."""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass
from typing import Any, Literal

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core.conf import app_settings
from core.text import iso
from events.models import (
    RSVP,
    Event,
    EventHost,
    EventInvitation,
    EventStatus,
    Proposal,
    ProposalHost,
)
from movements.models import Member, MembershipRole, Organization, OrganizerRequest
from movements.services import member_for_user
from movements.verification import is_verified
from network.followthrough_pages import hosted_follow_through

# Bump when the shape of the download changes. 3: organizer requests; 4: invitations;
# 5: whether the calendar feed is on (never its secret link), the name typed on an RSVP.
MY_DATA_FORMAT = 5


def normalize_email(email: str) -> str:
    """``email`` as accounts store it: trimmed, its domain in lower case (Django's
    ``normalize_email``). Compare two addresses without case as well: the same address
    whatever its case is the same person."""
    return get_user_model().objects.normalize_email(email.strip())


def users_with_email(email: str) -> QuerySet:
    """The logins ``email`` already belongs to, whatever its case: a user's own address,
    or the address of the Member a user is linked to. Empty when it is free (people on
    an imported roster without a login do not hold it)."""
    return (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(member__email__iexact=email))
        .distinct()
        .order_by("pk")
    )


def organizer_requests_on_me(user) -> dict[str, list[OrganizerRequest]]:
    """The /me/ sections about organizer access (``movements.organizing``):
    ``requests_to_decide``, the open requests ``user`` may decide, oldest first (those of
    the organizations they organize; every one for curators), and ``my_requests``, their own
    whatever the outcome, newest first. Two queries."""
    return {
        "requests_to_decide": list(
            OrganizerRequest.objects.decidable_by(user)
            .open()
            .with_people()
            .order_by("created_at", "pk")
        ),
        "my_requests": list(
            OrganizerRequest.objects.of_user(user)
            .select_related("organization")
            .order_by("-created_at", "-pk")
        ),
    }


def identifier_key(identifier: str | None) -> str | None:
    """What django-axes counts a login attempt with ``identifier`` under: an email address
    normalized (``normalize_email``) and case-folded; anything else as it is."""
    if identifier and "@" in identifier:
        return normalize_email(identifier).casefold()
    return identifier


def login_identifiers(user) -> set[str]:
    """Every identifier django-axes may have kept ``user``'s login records under: their
    username as stored (successful logins) and canonical, and their email address."""
    username = user.get_username()
    identifiers = {username, identifier_key(username)}
    if user.email:
        identifiers.add(identifier_key(user.email))
    return identifiers


def login_records(user) -> list[dict[str, Any]]:
    """What django-axes keeps about logins as ``user`` (under any of their
    ``login_identifiers``: their username, or their address for logins by email):
    successful logins (``AccessLog``), the failures it is counting now (``AccessAttempt``:
    the latest failure, and how many) and its failure log (``AccessFailureLog``), oldest
    first. Three queries."""
    identifiers = login_identifiers(user)
    records = [
        {
            "time": log.attempt_time,
            "success": True,
            "ip_address": log.ip_address,
            "user_agent": log.user_agent,
            "path": log.path_info,
            "logout_time": iso(log.logout_time),
        }
        for log in AccessLog.objects.filter(username__in=identifiers)
    ]
    records += [
        {
            "time": attempt.attempt_time,
            "success": False,
            "ip_address": attempt.ip_address,
            "user_agent": attempt.user_agent,
            "path": attempt.path_info,
            "failures": attempt.failures_since_start,
        }
        for attempt in AccessAttempt.objects.filter(username__in=identifiers)
    ]
    records += [
        {
            "time": failure.attempt_time,
            "success": False,
            "ip_address": failure.ip_address,
            "user_agent": failure.user_agent,
            "path": failure.path_info,
            "locked_out": failure.locked_out,
        }
        for failure in AccessFailureLog.objects.filter(username__in=identifiers)
    ]
    records.sort(key=lambda record: (record["time"], record["success"]))
    return [{**record, "time": iso(record["time"])} for record in records]


def member_data(*, user) -> dict[str, Any]:
    """Everything Coalition stores about ``user`` and their Member record, as JSON-ready
    data: the account, the person, memberships, engagements, RSVPs, the invitations
    outreach sent them, the events they created, the proposals they decided, their
    organizer requests (who decided stays out: that is the decider's) and the login
    records kept for their username or address (``login_records``). Nothing about anyone else."""
    member = member_for_user(user=user)
    memberships = member.memberships.select_related("organization").order_by("since", "pk")
    engagements = member.engagements.select_related("movement", "organization").order_by(
        "since", "pk"
    )
    rsvps = (
        RSVP.objects.filter(member=member)
        .select_related("event", "movement")
        .order_by("event__starts_at", "pk")
    )
    invitations = (
        EventInvitation.objects.filter(member=member)
        .select_related("event", "movement")
        .order_by("sent_at", "pk")
    )
    events_created = Event.objects.filter(created_by=user).order_by("starts_at", "pk")
    proposals = Proposal.objects.filter(decided_by=user).order_by("decided_at", "pk")
    organizer_requests = (
        OrganizerRequest.objects.filter(member=member)
        .select_related("organization")
        .order_by("created_at", "pk")
    )
    return {
        "format": MY_DATA_FORMAT,
        "exported_at": iso(timezone.now()),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
        },
        "member": {
            "key": member.key,
            "name": member.name,
            "email": member.email,
            "email_verified": is_verified(member),
            "verified_email": member.verified_email,
            "email_verified_at": iso(member.email_verified_at),
            "region": member.region.slug if member.region_id else None,
            "visibility": member.visibility,
            "invites": member.invites,
            "calendar_feed": bool(member.calendar_token),
            "created_at": iso(member.created_at),
        },
        "memberships": [
            {
                "organization": m.organization.slug,
                "organization_name": m.organization.name,
                "role": m.role,
                "since": iso(m.since),
                "until": iso(m.until),
            }
            for m in memberships
        ],
        "engagements": [
            {
                "movement": e.movement.slug,
                "movement_name": e.movement.name,
                "organization": e.organization.slug if e.organization else None,
                "role": e.role,
                "since": iso(e.since),
                "until": iso(e.until),
                "source": e.source,
            }
            for e in engagements
        ],
        "rsvps": [
            {
                "event": r.event.slug,
                "title": r.event.title,
                "starts_at": iso(r.event.starts_at),
                "status": r.status,
                # The name given with an RSVP made without an account ("" otherwise).
                "name": r.name,
                "guests": r.guests,
                "movement": r.movement.slug if r.movement else None,
                "created_at": iso(r.created_at),
                "checked_in_at": iso(r.checked_in_at),
            }
            for r in rsvps
        ],
        "invitations": [
            {
                "event": i.event.slug,
                "title": i.event.title,
                "movement": i.movement.slug if i.movement else None,
                "sent_at": iso(i.sent_at),
            }
            for i in invitations
        ],
        "events_created": [
            {
                "event": e.slug,
                "title": e.title,
                "status": e.status,
                "created_at": iso(e.created_at),
            }
            for e in events_created
        ],
        "proposals_decided": [
            {
                "id": p.pk,
                "title": p.title,
                "kind": p.kind,
                "status": p.status,
                "decided_at": iso(p.decided_at),
                "dismissed_reason": p.dismissed_reason,
            }
            for p in proposals
        ],
        "organizer_requests": [
            {
                "organization": r.organization.slug,
                "organization_name": r.organization.name,
                "note": r.note,
                "status": r.status,
                "created_at": iso(r.created_at),
                "decided_at": iso(r.decided_at),
            }
            for r in organizer_requests
        ],
        "login_records": login_records(user),
    }


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a person's engagement timeline: an engagement in a movement, a
    membership in an organization, or an event they were checked in at."""

    kind: Literal["engagement", "membership", "event"]
    since: datetime.date | None
    until: datetime.date | None  # None while ongoing; an event's day for events
    title: str  # the movement, organization or event
    url: str | None  # None when archived
    role: str = ""
    through: str = ""  # engagements: the organization the person came through
    source: str = ""  # engagements: how it was recorded

    @property
    def ongoing(self) -> bool:
        return self.kind != "event" and self.until is None


_KIND_ORDER = {"membership": 0, "engagement": 1, "event": 2}


def member_timeline(member) -> list[TimelineEntry]:
    """The person's memberships, engagements and attended events (checked in), oldest
    first; rows without a start come first. Three queries."""
    entries = []
    for membership in member.memberships.select_related("organization").order_by():
        organization = membership.organization
        entries.append(
            TimelineEntry(
                kind="membership",
                since=membership.since,
                until=membership.until,
                title=organization.name,
                url=None if organization.archived_at else organization.get_absolute_url(),
                role=membership.get_role_display(),
            )
        )
    for engagement in member.engagements.select_related("movement", "organization").order_by():
        movement = engagement.movement
        entries.append(
            TimelineEntry(
                kind="engagement",
                since=engagement.since,
                until=engagement.until,
                title=movement.name,
                url=None if movement.archived_at else movement.get_absolute_url(),
                role=engagement.get_role_display(),
                through=engagement.organization.name if engagement.organization else "",
                source=engagement.get_source_display(),
            )
        )
    attended = (
        RSVP.objects.filter(member=member, checked_in_at__isnull=False)
        .select_related("event")
        .order_by()
    )
    for rsvp in attended:
        event = rsvp.event
        day = timezone.localdate(event.starts_at)
        entries.append(
            TimelineEntry(
                kind="event",
                since=day,
                until=day,
                title=event.title,
                url=event.get_absolute_url(),
                role=event.get_kind_display(),
            )
        )
    return sorted(
        entries,
        key=lambda e: (
            e.since or datetime.date.min,
            _KIND_ORDER[e.kind],
            e.title,
            e.until or datetime.date.max,
        ),
    )


@dataclass(frozen=True)
class TimelineYear:
    year: int | None  # None: entries whose start was never recorded
    entries: list[TimelineEntry]


def timeline_by_year(entries: list[TimelineEntry]) -> list[TimelineYear]:
    """``member_timeline``'s entries (oldest first, undated first) grouped by the year they
    started in."""
    return [
        TimelineYear(year=year, entries=list(group))
        for year, group in itertools.groupby(
            entries, key=lambda entry: entry.since.year if entry.since else None
        )
    ]


def invitations_for(user) -> list[EventHost]:
    """The invitations to co-host waiting for an answer from the organizations ``user``
    organizes (an ongoing organizer or leader membership: a curator sees only their own
    organizations' here), for events neither over nor cancelled, soonest first; each with
    its event, organization and movement. One query."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return []
    organizing = Organization.objects.visible().filter(
        memberships__member__user=user,
        memberships__until__isnull=True,
        memberships__role__in=MembershipRole.organizing(),
    )
    return list(
        EventHost.objects.invited()
        .filter(organization__in=organizing, event__ends_at__gte=timezone.now())
        .exclude(event__status=EventStatus.CANCELLED)
        .select_related("event", "organization", "movement")
        .order_by("event__starts_at", "event__pk", "organization__name", "pk")
    )


PAST_HOSTED_SHOWN = 10


def organizer_dashboard(user, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The /me/ sections for organizers (issue 14, item 5). ``organizes``: whether ``user``
    organizes for an organization (an ongoing organizer or leader membership; curators see
    only their own organizations' here). ``hosted_drafts``, ``hosted_upcoming`` and
    ``hosted_past`` (the latest ``PAST_HOSTED_SHOWN``): the events those organizations host
    (confirmed), cancelled ones left out, each with ``going_count``, ``waitlist_count``,
    ``places_left``, ``checked_in_count`` and ``joint``; the past ones also with
    ``follow_through``, a sentence for a measured event (``network.followthrough_pages``,
    disclosed as on the event's page), else None. ``runnable_proposals``: the open
    proposals that name one of those organizations as a suggested host, best first, each
    with ``mine`` (the suggested-host rows of my organizations). Four queries, whatever the
    numbers (organizations, events, proposals and their movements and hosts), and the
    cached follow-through figures."""
    empty = {
        "organizes": False,
        "hosted_drafts": [],
        "hosted_upcoming": [],
        "hosted_past": [],
        "runnable_proposals": [],
    }
    if not (user is not None and user.is_authenticated and user.is_active):
        return empty
    mine = list(
        Organization.objects.visible()
        .filter(
            memberships__member__user=user,
            memberships__until__isnull=True,
            memberships__role__in=MembershipRole.organizing(),
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    if not mine:
        return empty
    now = now or timezone.now()
    checked_in = (
        RSVP.objects.filter(event=OuterRef("pk"), checked_in_at__isnull=False)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    events = list(
        Event.objects.hosted_by(mine)
        .exclude(status=EventStatus.CANCELLED)
        .with_going_count()
        .with_joint()
        .annotate(checked_in_count=Coalesce(Subquery(checked_in), Value(0)))
        .order_by("starts_at", "pk")
    )
    drafts = [e for e in events if e.status == EventStatus.DRAFT]
    published = [e for e in events if e.status != EventStatus.DRAFT]
    past = [e for e in published if e.ends_at < now]
    proposals = list(
        Proposal.objects.open()
        .filter(suggested_hosts__organization__in=mine)
        .distinct()
        .ranked()
        .prefetch_related(
            "movements",
            Prefetch(
                "suggested_hosts",
                queryset=ProposalHost.objects.filter(organization__in=mine).select_related(
                    "organization", "movement"
                ),
                to_attr="mine",
            ),
        )
    )
    past = past[::-1][:PAST_HOSTED_SHOWN]
    follow_through = hosted_follow_through(past, user=user, now=now) if past else {}
    for event in past:
        event.follow_through = follow_through.get(event.pk)
    return {
        "organizes": True,
        "hosted_drafts": drafts,
        "hosted_upcoming": [e for e in published if e.ends_at >= now],
        "hosted_past": past,
        "runnable_proposals": proposals,
    }


# --- the personal calendar feed ------------------------------------------------------------------

# What the feed keeps of the past: events that ended up to this long ago.
CALENDAR_PAST = datetime.timedelta(days=90)
# A feed token as ``new_calendar_token`` writes it; anything else is refused unread.
CALENDAR_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def calendar_feed_member(token: str) -> Member | None:
    """The member whose calendar feed ``token`` opens; None for an unknown, revoked or
    malformed token (a feed that is off has no token)."""
    if not CALENDAR_TOKEN.fullmatch(token):
        return None
    return Member.objects.filter(calendar_token=token).first()


def calendar_feed_events(member: Member, *, now: datetime.datetime) -> QuerySet[Event]:
    """The events in ``member``'s calendar feed (``Event.objects.in_calendar_of``) that
    end after ``CALENDAR_PAST`` before ``now`` or later, soonest first. One query."""
    return (
        Event.objects.in_calendar_of(member)
        .filter(ends_at__gte=now - CALENDAR_PAST)
        .order_by("starts_at", "pk")
    )


def calendar_feed_links(member: Member) -> dict[str, str] | None:
    """For /me/: the feed's ``https`` link (``COALITION_SITE_URL``) and the same as
    ``webcal``, which calendar apps open as a subscription; None while the feed is off."""
    if not member.calendar_token:
        return None
    path = reverse("my_calendar", kwargs={"token": member.calendar_token})
    url = f"{app_settings.SITE_URL}{path}"
    return {"https": url, "webcal": "webcal://" + url.split("://", 1)[1]}
