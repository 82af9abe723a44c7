"""Organizer access (PRODUCT.md, "Organizing together"): a member asks to organize for an
organization, its organizers or a curator approve or decline, an organizer steps down.

The rule of who decides lives here (``can_decide_organizer_request``) and every page, API
endpoint and admin action asks it through the services below. Each service takes keyword
arguments, owns its transaction (durable: when it returns, the change is committed and its
mail is on the way) and returns the object it changed; a refusal is an
``OrganizerRequestError`` whose message can be shown as it is, and changes nothing.

Mail (``movements/mail.py``) is written to the outbox (``worker.services.mail_queue``) in
the same transaction and sent by the task worker after commit: the deciders hear of a new
request, the person of the decision.

Decisions:

- Approving gives the person an organizer Membership starting today, or, when they have an
  ongoing membership there already, makes that one an organizer's (one ongoing row per
  person and organization); someone who organizes there already is left as they are.
- Stepping down turns the person's ongoing organizer (or leader) membership back into a
  plain member's: they stay in the organization, as they were before approval. Leaving it
  altogether is a curator's edit in the admin.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.roles import is_curator
from movements import mail
from movements.models import (
    Member,
    Membership,
    MembershipRole,
    Organization,
    OrganizerRequest,
    OrganizerRequestStatus,
)
from worker.services import mail_queue


class OrganizerRequestError(Exception):
    """The request cannot be made or decided as asked; nothing was changed."""


class NeedsAccount(OrganizerRequestError):
    """Only people who can log in can organize."""


class OrganizationUnavailable(OrganizerRequestError):
    """The organization is archived."""


class AlreadyOrganizer(OrganizerRequestError):
    """The person organizes for the organization already."""


class RequestAlreadyOpen(OrganizerRequestError):
    """The person has an open request for the organization already."""


class RequestAlreadyDecided(OrganizerRequestError):
    """Someone decided the request already."""


class OwnRequest(OrganizerRequestError):
    """Nobody decides their own request."""


class NotADecider(OrganizerRequestError):
    """The user is neither an organizer of the organization nor a curator."""


class NotOrganizer(OrganizerRequestError):
    """Stepping down needs an ongoing organizer or leader membership."""


# --- reads -------------------------------------------------------------------------------


def organizing_membership(member: Member | None, organization: Organization):
    """``member``'s ongoing organizer or leader membership in ``organization``, or None."""
    if member is None or member.pk is None:
        return None
    return (
        Membership.objects.filter(
            member=member,
            organization=organization,
            until__isnull=True,
            role__in=MembershipRole.organizing(),
        )
        .order_by("pk")
        .first()
    )


def is_own_request(user, request: OrganizerRequest) -> bool:
    return bool(user is not None and user.is_authenticated and request.member.user_id == user.pk)


def can_decide_organizer_request(user, request: OrganizerRequest) -> bool:
    """Curators, and the organizers of the request's organization; never the person who
    asked."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if is_own_request(user, request):
        return False
    if is_curator(user):
        return True
    return Organization.objects.managed_by(user).filter(pk=request.organization_id).exists()


# --- asking ------------------------------------------------------------------------------


def organizer_request_create(
    *, member: Member, organization: Organization, note: str = ""
) -> OrganizerRequest:
    """``member`` asks to organize for ``organization`` with ``note``. Refused when they
    have no login (``NeedsAccount``), the organization is archived, they organize there
    already or wait for a decision there already (``RequestAlreadyOpen``). The deciders
    are mailed: the organization's organizers, or, when it has no organizer with an
    account, the curators and its contact address."""
    if member.user_id is None:
        raise NeedsAccount("Only people with an account can ask to organize. Sign up first.")
    with transaction.atomic(durable=True):
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.archived_at is not None:
            raise OrganizationUnavailable(
                f"{organization.name} is archived: nobody can organize for it here."
            )
        if organizing_membership(member, organization) is not None:
            raise AlreadyOrganizer(f"You organize for {organization.name} already.")
        waiting = OrganizerRequest.objects.open().filter(member=member, organization=organization)
        if waiting.exists():
            raise RequestAlreadyOpen(already_open_message(organization))
        try:
            with transaction.atomic():
                request = OrganizerRequest.objects.create(
                    member=member, organization=organization, note=note.strip()
                )
        except IntegrityError as error:  # asked twice at the same moment
            raise RequestAlreadyOpen(already_open_message(organization)) from error
        request.member = member
        mail_queue(messages=_received_messages(request))
    return request


def _received_messages(request: OrganizerRequest) -> list:
    """One mail per decider: the organization's organizers with an account; when it has
    none, the curators and the organization's contact address. Never to the person who
    asked, one mail per address."""
    organizers = (
        Member.objects.filter(
            user__is_active=True,
            memberships__organization=request.organization,
            memberships__until__isnull=True,
            memberships__role__in=MembershipRole.organizing(),
        )
        .exclude(pk=request.member_id)
        .select_related("user")
        .distinct()
        .order_by("pk")
    )
    recipients = [(m.email or m.user.email, mail.ORGANIZER) for m in organizers]
    if not recipients:
        curators = (
            get_user_model()
            .objects.filter(is_active=True, is_staff=True)
            .exclude(pk=request.member.user_id)
            .order_by("pk")
        )
        recipients = [(user.email, mail.CURATOR) for user in curators]
        recipients.append((request.organization.contact_email, mail.CONTACT))
    messages, seen = [], {(request.member.email or "").lower()}
    for address, recipient in recipients:
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        messages.append(
            mail.organizer_request_received_message(request, to=address, recipient=recipient)
        )
    return messages


def already_open_message(organization: Organization) -> str:
    return (
        f"You asked to organize for {organization.name} already; your request is waiting "
        "for a decision."
    )


# --- deciding ----------------------------------------------------------------------------


def organizer_request_approve(*, request: OrganizerRequest, by) -> OrganizerRequest:
    """``by`` approves ``request``: the person organizes for the organization from today
    (see the module's decisions) and is mailed. Refused for their own request
    (``OwnRequest``), for anyone who may not decide it (``NotADecider``), for a request
    decided already (``RequestAlreadyDecided``) and for an archived organization."""
    with transaction.atomic(durable=True):
        request = _lock_for_decision(request, by)
        organization = request.organization
        if organization.archived_at is not None:
            raise OrganizationUnavailable(
                f"{organization.name} is archived: nobody can organize for it here. "
                "Decline the request instead."
            )
        _make_organizer(request.member, organization)
        request = _decide(request, OrganizerRequestStatus.APPROVED, by)
        mail_queue(messages=[mail.organizer_request_approved_message(request)])
    return request


def organizer_request_decline(*, request: OrganizerRequest, by) -> OrganizerRequest:
    """``by`` declines ``request``; the person is mailed and may ask again later. Refused
    as ``organizer_request_approve`` is (an archived organization aside)."""
    with transaction.atomic(durable=True):
        request = _lock_for_decision(request, by)
        request = _decide(request, OrganizerRequestStatus.DECLINED, by)
        mail_queue(messages=[mail.organizer_request_declined_message(request)])
    return request


def _lock_for_decision(request: OrganizerRequest, by) -> OrganizerRequest:
    """The request, locked and fresh, once ``by`` may decide it and it is still open."""
    request = (
        OrganizerRequest.objects.select_for_update(of=("self",))
        .select_related("member", "organization")
        .get(pk=request.pk)
    )
    if is_own_request(by, request):
        raise OwnRequest(
            "You cannot decide your own request; another organizer or a curator will."
        )
    if not can_decide_organizer_request(by, request):
        raise NotADecider(
            f"Only organizers of {request.organization.name} and curators can decide this request."
        )
    if not request.is_open:
        raise RequestAlreadyDecided(
            f"This request was {request.get_status_display().lower()} already."
        )
    return request


def _decide(request: OrganizerRequest, status: str, by) -> OrganizerRequest:
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save(update_fields=["status", "decided_at", "decided_by"])
    return request


def _make_organizer(member: Member, organization: Organization) -> Membership:
    """An ongoing organizer membership of ``member`` in ``organization``: the ongoing one
    they have, promoted when it is a plain member's, or a new one from today."""
    membership = (
        Membership.objects.select_for_update()
        .filter(member=member, organization=organization, until__isnull=True)
        .order_by("pk")
        .first()
    )
    if membership is None:
        return Membership.objects.create(
            member=member,
            organization=organization,
            role=MembershipRole.ORGANIZER,
            since=timezone.localdate(),
        )
    if membership.role not in MembershipRole.organizing():
        membership.role = MembershipRole.ORGANIZER
        membership.save(update_fields=["role"])
    return membership


# --- stepping down -----------------------------------------------------------------------


def organizer_step_down(*, member: Member, organization: Organization) -> Membership:
    """``member`` stops organizing for ``organization``: their ongoing organizer or leader
    membership becomes a plain member's (they stay in the organization). Refused
    (``NotOrganizer``) when they do not organize there."""
    with transaction.atomic(durable=True):
        membership = (
            Membership.objects.select_for_update()
            .filter(
                member=member,
                organization=organization,
                until__isnull=True,
                role__in=MembershipRole.organizing(),
            )
            .order_by("pk")
            .first()
        )
        if membership is None:
            raise NotOrganizer(f"You do not organize for {organization.name}.")
        membership.role = MembershipRole.MEMBER
        membership.save(update_fields=["role"])
    return membership


# --- merging and erasing (called by movements.services) ------------------------------------


def merge_organizer_requests(*, keep: Organization, duplicate_ids: list[int]) -> tuple[int, int]:
    """Inside ``organization_merge``'s transaction: move the duplicates' requests to
    ``keep``. Where one person has open requests on several of the merged organizations,
    one is kept (``keep``'s own, else the earliest) and the others are deleted. Returns
    ``(moved, combined)``: the duplicates' requests before the merge, and how many open
    ones were deleted."""
    requests = OrganizerRequest.objects.filter(organization__in=duplicate_ids)
    moved = requests.count()
    groups: dict[int, list[OrganizerRequest]] = {}
    open_requests = OrganizerRequest.objects.open().filter(
        organization__in=[keep.pk, *duplicate_ids],
        member__in=requests.open().values("member"),
    )
    for request in open_requests.order_by("created_at", "pk"):
        groups.setdefault(request.member_id, []).append(request)
    losers = []
    for group in groups.values():
        survivor = next((r for r in group if r.organization_id == keep.pk), group[0])
        losers.extend(r.pk for r in group if r is not survivor)
    OrganizerRequest.objects.filter(pk__in=losers).delete()
    requests.update(organization=keep)
    return moved, len(losers)
