"""Writes on the directory that touch several rows or carry a rule.

Each function takes keyword-only arguments, owns its transaction and returns the object it
changed. Admin actions, views and management commands all call these.
"""

import datetime
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from movements.models import (
    Engagement,
    Member,
    Membership,
    MembershipRole,
    Movement,
    Organization,
    Participation,
    ParticipationRole,
    RankedChoices,
    Visibility,
)
from movements.organizing import merge_organizer_requests
from movements.signals import organization_merging


class MergeError(Exception):
    """The organizations cannot be merged as asked; nothing was changed."""


@dataclass(frozen=True)
class MergeSummary:
    """What ``organization_merge`` did. The three counts are the rows the duplicates had,
    all of them now the kept organization's (or folded into one of its rows); the
    ``combined_*`` counts are the open rows that were folded into a matching open row and
    deleted."""

    organization: Organization  # the one kept
    merged: tuple[Organization, ...]  # the duplicates, now deleted, in the order given
    participations: int
    memberships: int
    engagements: int
    combined_participations: int
    combined_memberships: int
    # Organizer requests: the duplicates' (moved), and their open ones deleted because the
    # same person had an open one on another of the merged organizations (combined).
    organizer_requests: int = 0
    combined_organizer_requests: int = 0

    @property
    def combined(self) -> int:
        return self.combined_participations + self.combined_memberships


# Fields of the kept organization that a duplicate may fill in when they are empty.
MERGE_FILL_FIELDS = ("description", "website", "contact_email", "founded_on", "region")


def organization_merge(*, keep: Organization, duplicates: Iterable[Organization]) -> MergeSummary:
    """Fold ``duplicates`` into ``keep`` and delete them.

    Participations, memberships and engagements of the duplicates move to ``keep``, and so
    do their plain many-to-many links from other apps and, through the
    ``organization_merging`` signal, the rows of other apps that point at them (the events
    they host or are invited to, the proposals suggesting them); empty
    fields of ``keep`` are filled from the first duplicate that has them. Where ``keep``
    and a duplicate (or two duplicates) both have an *open* participation in the same
    movement, or an open membership of the same person, the rows are combined into one:
    the earliest start date and the strongest role win (an unknown start date counts as
    later than any known one). Raises ``MergeError`` and changes nothing when the request
    makes no sense. Returns a ``MergeSummary`` of what moved and what was combined.
    Organizer requests move too; one person's open requests on several of them become one
    (``organizing.merge_organizer_requests``).
    """
    duplicate_ids = list(dict.fromkeys(organization.pk for organization in duplicates))
    if not duplicate_ids:
        raise MergeError(f"Choose at least one organization to merge into “{keep}”.")
    if keep.pk in duplicate_ids:
        raise MergeError(f"“{keep}” cannot be merged into itself.")

    with transaction.atomic(durable=True):
        # Lock every organization involved, in a fixed order, so that two curators merging
        # overlapping sets at once do not interleave.
        locked = {
            organization.pk: organization
            for organization in Organization.objects.select_for_update()
            .filter(pk__in=[keep.pk, *duplicate_ids])
            .order_by("pk")
        }
        missing = [pk for pk in [keep.pk, *duplicate_ids] if pk not in locked]
        if missing:
            raise MergeError(
                "Some of these organizations no longer exist (perhaps merged already); "
                "reload the list and try again."
            )
        keep.refresh_from_db()
        originals = [locked[pk] for pk in duplicate_ids]
        moved = {
            model: model.objects.filter(organization__in=duplicate_ids).count()
            for model in (Participation, Membership, Engagement)
        }

        combined_participations = _combine_open_rows(
            Participation.objects.filter(
                movement__in=Participation.objects.filter(
                    organization__in=duplicate_ids, until__isnull=True
                ).values("movement")
            ),
            keep=keep,
            duplicate_ids=duplicate_ids,
            pair_field="movement_id",
            roles=ParticipationRole,
        )
        combined_memberships = _combine_open_rows(
            Membership.objects.filter(
                member__in=Membership.objects.filter(
                    organization__in=duplicate_ids, until__isnull=True
                ).values("member")
            ),
            keep=keep,
            duplicate_ids=duplicate_ids,
            pair_field="member_id",
            roles=MembershipRole,
        )
        for model in (Participation, Membership, Engagement):
            model.objects.filter(organization__in=duplicate_ids).update(organization=keep)
        requests_moved, requests_combined = merge_organizer_requests(
            keep=keep, duplicate_ids=duplicate_ids
        )
        for through, own, other in _plain_m2m_tables():
            _repoint_m2m_rows(
                through, own=own, other=other, keep=keep, duplicate_ids=duplicate_ids
            )
        # Higher layers' rows with a model of their own (event hosts…): they move them.
        organization_merging.send(sender=Organization, keep=keep, duplicate_ids=duplicate_ids)

        filled = _fill_empty_fields(keep, originals)
        Organization.objects.filter(pk__in=duplicate_ids).delete()
        if filled:
            keep.save(update_fields=filled)
    return MergeSummary(
        organization=keep,
        merged=tuple(originals),
        participations=moved[Participation],
        memberships=moved[Membership],
        engagements=moved[Engagement],
        combined_participations=combined_participations,
        combined_memberships=combined_memberships,
        organizer_requests=requests_moved,
        combined_organizer_requests=requests_combined,
    )


def _combine_open_rows(
    rows,
    *,
    keep: Organization,
    duplicate_ids: list[int],
    pair_field: str,
    roles: type[RankedChoices],
) -> int:
    """Where several open rows of the merged organizations share a pair, keep one.

    The survivor is ``keep``'s own row when it has one; it takes the earliest ``since``
    and the strongest role of the group, the others are deleted. Moving the survivor to
    ``keep`` is left to the caller's bulk update. Returns how many rows were deleted."""
    groups = defaultdict(list)
    open_rows = rows.filter(organization__in=[keep.pk, *duplicate_ids], until__isnull=True)
    for row in open_rows.order_by("pk"):
        groups[getattr(row, pair_field)].append(row)

    losers = []
    for group in groups.values():
        if len(group) < 2:
            continue
        survivor = next((row for row in group if row.organization_id == keep.pk), group[0])
        survivor.since = min(
            (row.since for row in group), key=lambda day: (day is None, day or datetime.date.min)
        )
        survivor.role = min((row.role for row in group), key=roles.rank_of)
        losers.extend(row.pk for row in group if row is not survivor)
        survivor.save(update_fields=["since", "role"])
    if losers:
        rows.model.objects.filter(pk__in=losers).delete()
    return len(losers)


def _plain_m2m_tables() -> list[tuple[type, str, str]]:
    """``(through model, column to Organization, other column)`` for every plain
    many-to-many table with an Organization on one side, found from the model's meta so
    that this app need not know the apps that link to it (such as ``Event.hosts``).
    Tables with an explicit through model (Participation) are merged by hand above."""
    tables = []
    for field in Organization._meta.get_fields(include_hidden=True):
        if not field.many_to_many:
            continue
        if isinstance(field, models.ManyToManyField):  # declared on Organization
            m2m, own_name, other_name = field, "m2m_field_name", "m2m_reverse_field_name"
        else:  # the reverse side of a ManyToManyField pointing at Organization
            m2m, own_name, other_name = field.field, "m2m_reverse_field_name", "m2m_field_name"
        through = m2m.remote_field.through
        if through._meta.auto_created and m2m.remote_field.model is not m2m.model:
            tables.append((through, getattr(m2m, own_name)(), getattr(m2m, other_name)()))
    return tables


def _repoint_m2m_rows(
    through, *, own: str, other: str, keep: Organization, duplicate_ids: list[int]
) -> None:
    """Move the duplicates' links in ``through`` to ``keep``; a link ``keep`` (or an
    earlier duplicate) already has is dropped instead of doubled."""
    other_column = through._meta.get_field(other).attname
    linked = set(through.objects.filter(**{own: keep}).values_list(other_column, flat=True))
    drop, move = [], []
    for pk, target in (
        through.objects.filter(**{f"{own}__in": duplicate_ids})
        .order_by("pk")
        .values_list("pk", other_column)
    ):
        if target in linked:
            drop.append(pk)
        else:
            linked.add(target)
            move.append(pk)
    through.objects.filter(pk__in=drop).delete()
    through.objects.filter(pk__in=move).update(**{own: keep})


def _fill_empty_fields(keep: Organization, duplicates: list[Organization]) -> list[str]:
    filled = []
    for field in MERGE_FILL_FIELDS:
        attname = Organization._meta.get_field(field).attname
        if getattr(keep, attname) not in ("", None):
            continue
        donor = next((d for d in duplicates if getattr(d, attname) not in ("", None)), None)
        if donor is not None:
            setattr(keep, attname, getattr(donor, attname))
            filled.append(field)
    return filled


def movement_archive(*, movement: Movement) -> Movement:
    """Take a movement out of the public directory; its history stays. Archiving twice
    keeps the first date."""
    if movement.archived_at is None:
        movement.archived_at = timezone.now()
        movement.save(update_fields=["archived_at"])
    return movement


def movement_unarchive(*, movement: Movement) -> Movement:
    if movement.archived_at is not None:
        movement.archived_at = None
        movement.save(update_fields=["archived_at"])
    return movement


def organization_archive(*, organization: Organization) -> Organization:
    """Take an organization out of the public directory and mark it inactive; its history
    stays. Archiving twice keeps the first date."""
    if organization.archived_at is None:
        organization.archived_at = timezone.now()
        organization.active = False
        organization.save(update_fields=["archived_at", "active"])
    return organization


def organization_unarchive(*, organization: Organization) -> Organization:
    """Undo ``organization_archive``: back in the directory and active again."""
    if organization.archived_at is not None:
        organization.archived_at = None
        organization.active = True
        organization.save(update_fields=["archived_at", "active"])
    return organization


def _free_member_key(user) -> str:
    """``user-<pk>``, or that with a random suffix when an imported or exported record
    already holds it: a sign-up never collides with imported data."""
    key = f"user-{user.pk}"
    while Member.objects.filter(key=key).exists():
        key = f"user-{user.pk}-{secrets.token_hex(4)}"
    return key


def member_for_user(*, user) -> Member:
    """The Member record of a signed-in user, created on first use (PRODUCT.md: "A
    signed-in user with no Member record gets one on first use"). Private by default."""
    try:
        return user.member
    except Member.DoesNotExist:
        pass
    name = user.get_full_name() or user.get_username()
    member, _ = Member.objects.get_or_create(
        user=user,
        defaults={"key": _free_member_key(user), "name": name, "email": user.email},
    )
    user.member = member
    return member


# --- erasing a person ----------------------------------------------------------------------

ERASED_MEMBER_NAME = "Former member"


def member_erase(*, member: Member) -> Member:
    """Anonymise ``member`` for good: the name becomes "Former member", the email (and the
    record of its confirmation), region and login link are removed, the key becomes
    ``erased-<pk>``, the profile private, invitations and the calendar feed off.

    Their memberships and engagements stay attached to the anonymised record, so every
    count and insight that included them still adds up without saying who they were. Their
    organizer requests (their own words to organizers) are deleted.
    RSVPs are the events app's business: cancel them first (``accounts.services``
    does both, in one transaction). Only ever called inside that transaction, so its own
    block is a plain (nested) one."""
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        member.name = ERASED_MEMBER_NAME
        member.email = ""
        member.verified_email = ""
        member.email_verified_at = None
        member.key = f"erased-{member.pk}"
        member.visibility = Visibility.PRIVATE
        member.invites = False
        member.calendar_token = ""
        member.user = None
        member.region = None
        member.organizer_requests.all().delete()
        member.save(
            update_fields=[
                "name",
                "email",
                "verified_email",
                "email_verified_at",
                "key",
                "visibility",
                "invites",
                "calendar_token",
                "user",
                "region",
            ]
        )
    return member
