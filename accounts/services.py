"""Writes on a person's account: signing up, confirming and changing the email address,
checking the password again, and deleting the account.

``account_delete`` is the write behind "Delete my account": it crosses the events and
movements apps, so it lives here, in the layer above both. Reads are in ``selectors.py``.
Whether an address is confirmed, and the links that confirm it, are
``movements.verification``'s (every layer needs them); the mails are ``accounts/mail.py``'s,
written to the outbox in the same transaction (``worker.services.mail_queue``) and sent
by the task worker after commit.
"""

import datetime
import hashlib

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts import mail
from accounts.selectors import (
    identifier_key,
    login_identifiers,
    normalize_email,
    users_with_email,
)
from events.mail import site_url
from events.models import RSVP
from events.services import RSVPClosed, _rsvp_cancel
from movements.models import Member, new_calendar_token
from movements.services import member_erase, member_for_user
from movements.verification import (
    VerificationLinkInvalid,
    email_digest,
    email_mark_verified,
    email_verify,
    is_verified,
    link_payload,
    verification_url,
)
from worker.services import mail_queue

# "Send the link again" sends at most one mail a minute per person.
RESEND_INTERVAL = datetime.timedelta(minutes=1)
EMAIL_CHANGE_SALT = "coalition.email-change"


class VerificationTooSoon(Exception):
    """A link went to this person less than ``RESEND_INTERVAL`` ago; nothing was sent."""


# --- signing up ------------------------------------------------------------------------------


def account_sign_up(
    *, user, name: str = "", next_url: str = "", invites: bool = False
) -> Member | None:
    """Sign up the new (unsaved) ``user``, answering the same whether or not their email
    address is known, so that signing up tells nobody who has an account.

    A new address: save the login, its username the address (``free_username``), and its
    private Member record (named ``name``, else the username), and mail a link that
    confirms the address and logs the person in (then on to ``next_url``); ``invites`` is
    their answer to "invite me to joint events of my movements" (outreach waits for the
    confirmed address). Returns the member. An address that already belongs to a login,
    or comes to belong to one while this runs: create nothing and mail that address how
    to log in or reset the password (with ``next_url``). Returns None. Either way exactly
    one mail goes out, after commit.

    A roster member with this address (no login) is not linked here: only once the address
    is confirmed (``account_email_verify``). Sign-ups with one address, whatever its case,
    run one after another (``_address_lock``): at once, they make one login."""
    with transaction.atomic(durable=True):
        _address_lock(user.email)
        usernames = [u.get_username() for u in users_with_email(user.email)]
        if not usernames:
            user.username = free_username(user.email)
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:
                # Someone signed up with this address a moment ago (the username is it).
                usernames = [u.get_username() for u in users_with_email(user.email)]
                if not usernames:
                    raise
        if usernames:
            mail_queue(
                messages=[
                    mail.address_in_use_message(
                        user.email, usernames=usernames, change=False, next_url=next_url
                    )
                ]
            )
            return None
        member = member_for_user(user=user)
        changed = []
        if name and member.name != name:
            member.name = name
            changed.append("name")
        if invites and not member.invites:
            member.invites = True
            changed.append("invites")
        if changed:
            member.save(update_fields=changed)
        email_verification_send(member=member, next_url=next_url)
    return member


def _address_lock(email: str) -> None:
    """Make writes that give a login the address ``email``, whatever its case (sign-up,
    an address change), run one after another until this transaction ends, so that two
    of them cannot both find it free. On PostgreSQL a transaction-level advisory lock
    keyed by the case-folded address; SQLite runs one writer at a time anyway."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(
        f"coalition.address:{email.casefold()}".encode(), digest_size=8
    ).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )


def free_username(email: str) -> str:
    """The username for a login with the (normalized) address ``email``: the address
    itself, or, when another login already has that username whatever its case (usernames
    were chosen freely before), the address followed by the first free "+2", "+3", …
    (no longer an address, so it never names someone else's)."""
    users = get_user_model().objects.all()
    max_length = get_user_model()._meta.get_field("username").max_length
    candidate, n = email[:max_length], 1
    while users.filter(username__iexact=candidate).exists():
        n += 1
        suffix = f"+{n}"
        candidate = f"{email[: max_length - len(suffix)]}{suffix}"
    return candidate


# --- confirming the address -------------------------------------------------------------------


def email_verification_send(*, member: Member, next_url: str = "") -> Member:
    """Mail ``member`` the link that confirms their current address (after commit). A
    member without an address gets nothing."""
    if member.email:
        url = verification_url(member, next_url=next_url)
        mail_queue(messages=[mail.verification_message(member, url=url)])
    return member


def account_email_verify(token: str) -> Member:
    """Confirm the address a verification link was sent to (``email_verify``) and, for a
    login's member, link the login to the person the address already stood for. Returns
    the member the login now belongs to.

    The rule: when the confirmed address matches, compared without case after
    normalizing, exactly one other Member record, and that one has no login (a roster
    member, or one created by an anonymous RSVP), the login moves to it, so the person
    finds their RSVPs and history on /me/. The record made for the login at sign-up is
    folded into it and deleted: what hangs on it (RSVPs, memberships, … — normally
    nothing, it is new) moves over, invitations are on if either said yes, the region
    is taken when the roster has none, and the roster's name, key and visibility stay
    (the name is the one organizers know). All in this transaction, both rows locked.
    No match, several, or a match that has a login: nothing is linked. When moving
    would break a rule (both records have an RSVP for the same event, say), nothing is
    linked either; the address is confirmed all the same.

    Raises ``VerificationLinkInvalid`` and ``EmailAlreadyVerified`` as ``email_verify``
    does; nothing changes then."""
    with transaction.atomic(durable=True):
        member = email_verify(token)
        if member.user_id is None:
            return member
        return _member_link_roster(member=member)


def _member_link_roster(*, member: Member) -> Member:
    """``account_email_verify``'s link: ``member`` (locked, with a login, just verified)
    folded into the one roster member with its address, if there is exactly one."""
    matches = list(
        Member.objects.select_for_update()
        .filter(email__iexact=normalize_email(member.email))
        .exclude(pk=member.pk)
        .order_by("pk")[:2]
    )
    if len(matches) != 1 or matches[0].user_id is not None:
        return member
    [roster] = matches
    user = member.user
    try:
        with transaction.atomic():
            # Row by row, so that every receiver (cache versions, proposal refresh) hears
            # of it as of any other write; there is normally nothing to move.
            for relation in Member._meta.related_objects:
                if relation.many_to_many:
                    continue
                field = relation.field.name
                for row in relation.related_model._base_manager.filter(**{field: member}):
                    setattr(row, field, roster)
                    row.save(update_fields=[field])
    except IntegrityError:
        return member
    roster.invites = roster.invites or member.invites
    if roster.region_id is None:
        roster.region_id = member.region_id
    member.delete()
    roster.user = user
    roster.save(update_fields=["user", "invites", "region"])
    return email_mark_verified(member=roster, email=member.email)


def email_verification_resend(*, member: Member) -> Member:
    """For "send the link again" on /me/: ``email_verification_send``, at most once per
    ``RESEND_INTERVAL`` for one person (``VerificationTooSoon`` otherwise; the cache is
    shared by every process)."""
    key = f"accounts:verification-sent:{member.pk}"
    if not cache.add(key, True, timeout=int(RESEND_INTERVAL.total_seconds())):
        raise VerificationTooSoon(
            "A link went to your address less than a minute ago. Look for it in your inbox "
            "(and the spam folder), or try again in a minute."
        )
    with transaction.atomic(durable=True):
        return email_verification_send(member=member)


# --- changing the address ---------------------------------------------------------------------


def email_change_request(*, member: Member, new_email: str) -> Member:
    """Ask to move ``member``'s account to ``new_email``. Nothing changes yet: a link goes
    to ``new_email`` and opening it makes the change (``email_change_confirm``), so the
    account never carries an address its owner does not read. When ``new_email`` already
    belongs to another login, that address is told instead, and the answer here is the
    same, so the form tells nobody who has an account. One mail, after commit."""
    with transaction.atomic(durable=True):
        usernames = [
            u.get_username() for u in users_with_email(new_email).exclude(pk=member.user_id)
        ]
        if usernames:
            message = mail.address_in_use_message(new_email, usernames=usernames, change=True)
        else:
            token = signing.dumps(
                {"m": member.pk, "from": email_digest(member.email), "to": new_email},
                salt=EMAIL_CHANGE_SALT,
            )
            url = site_url(reverse("email_change_confirm", kwargs={"token": token}))
            message = mail.email_change_message(member, new_email=new_email, url=url)
        mail_queue(messages=[message])
    return member


def email_change_link(token: str, *, lock: bool = False) -> tuple[Member, str]:
    """The member an ``email_change_request`` link is for and the address it moves them
    to, changing nothing; ``lock`` locks the member's row. Raises
    ``VerificationLinkInvalid`` for a forged, damaged or expired link and for one made
    before the address changed some other way; a link already used answers as good."""
    payload = link_payload(token, salt=EMAIL_CHANGE_SALT, again="ask for the change again")
    member, new_email = None, ""
    if isinstance(payload, dict) and isinstance(payload.get("m"), int):
        # Lock the member's row only: PostgreSQL cannot lock the outer join to the login.
        members = Member.objects.select_for_update(of=("self",)) if lock else Member.objects
        member = members.select_related("user").filter(pk=payload["m"]).first()
        new_email = str(payload.get("to", ""))
    if member is not None and member.email == new_email and is_verified(member):
        return member, new_email  # used already
    if member is None or not constant_time_compare(
        email_digest(member.email), str(payload.get("from"))
    ):
        raise VerificationLinkInvalid(
            "This link no longer works: the account's address changed since it was sent."
        )
    return member, new_email


def email_change_confirm(token: str) -> Member:
    """Make the change an ``email_change_request`` link asks for: the member's address
    and their login's become the new one, confirmed (the link was opened from it).

    Raises ``VerificationLinkInvalid`` as ``email_change_link`` does, and when the new
    address has since come to belong to another login. Nothing is changed then; a link
    opened twice changes nothing the second time."""
    with transaction.atomic(durable=True):
        member, new_email = email_change_link(token, lock=True)
        if member.email == new_email:
            return member
        _address_lock(new_email)
        if users_with_email(new_email).exclude(pk=member.user_id).exists():
            raise VerificationLinkInvalid(
                "This address now belongs to another account, so it cannot be moved here."
            )
        old_email = member.email
        member.email = new_email
        member.verified_email = new_email
        member.email_verified_at = timezone.now()
        member.save(update_fields=["email", "verified_email", "email_verified_at"])
        if member.user is not None:
            _user_change_email(user=member.user, old_email=old_email, new_email=new_email)
    return member


def _user_change_email(*, user, old_email: str, new_email: str) -> None:
    """``email_change_confirm``'s change to the login: its address becomes ``new_email``
    (normalized already), and a username that was the old address, as sign-up makes it,
    becomes the new one, unless another login has that username (then it stays).

    django-axes' records follow (``login_identifiers``), so /me/data.json and deleting
    the account still find them: successful logins and the failure log under the old
    username or address move to the new ones; the failures being counted for the old
    address end, as it no longer logs in here."""
    old_username = user.get_username()
    old_identifiers = {identifier_key(old_username)}
    if old_email:
        old_identifiers.add(identifier_key(old_email))
    user.email = new_email
    renamed = (
        identifier_key(old_username) == identifier_key(old_email)
        and not get_user_model()
        .objects.filter(username__iexact=new_email)
        .exclude(pk=user.pk)
        .exists()
    )
    try:
        with transaction.atomic():
            if renamed:
                user.username = new_email
            user.save(update_fields=["email", "username"])
    except IntegrityError:  # another login took that username a moment ago
        renamed = False
        user.username = old_username
        user.save(update_fields=["email"])
    old_identifiers -= {identifier_key(user.get_username())}
    AccessAttempt.objects.filter(username__in=old_identifiers).delete()
    AccessFailureLog.objects.filter(username__in=old_identifiers).update(
        username=identifier_key(new_email)
    )
    if renamed:
        AccessLog.objects.filter(username=old_username).update(username=new_email)


# --- the password, asked again ------------------------------------------------------------------


def password_check(*, request, user, password: str) -> bool:
    """Whether ``password`` is ``user``'s, asked again before a change that needs it
    (password change, address change, account deletion).

    Checked through ``authenticate()``, so django-axes counts it exactly like a login:
    a wrong password is a failure for this username and address, and once they are
    locked out (``AXES_FAILURE_LIMIT``) every answer is False, the right password too,
    and axes' middleware answers with the lockout page. A right answer clears the
    failures as a login does (``AXES_RESET_ON_SUCCESS``)."""
    username = user.get_username()
    checked = authenticate(request, username=username, password=password)
    if checked is None or checked.pk != user.pk:
        return False
    login_failures_clear(request=request, identifier=username)
    return True


def login_failures_clear(*, request, identifier: str) -> None:
    """After a right password given with ``identifier`` (a username or an address), clear
    the failures django-axes counts for it from this address, as a successful login does
    (``AXES_RESET_ON_SUCCESS``). Axes clears the username's on its own; a login by
    email address needs this for the address's."""
    if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS:
        axes_reset(ip=get_client_ip_address(request), username=identifier_key(identifier))


# --- deleting the account ----------------------------------------------------------------------


def account_delete(*, user) -> Member:
    """Delete ``user``'s account, all or nothing: cancel their RSVPs to events that have not
    started (``rsvp_cancel``, in this transaction: it promotes and mails the waitlist after
    commit), anonymise their Member record (``member_erase``; their history stays as
    anonymous aggregates), delete the login records django-axes keeps for their username
    and address (``login_identifiers``) and delete the login. Returns the anonymised
    member. The caller logs them out."""
    with transaction.atomic(durable=True):
        member = member_for_user(user=user)
        upcoming = (
            RSVP.objects.filter(member=member, event__starts_at__gt=timezone.now())
            .active()
            .select_related("event")
            .order_by("event__starts_at", "pk")
        )
        for rsvp in upcoming:
            try:
                _rsvp_cancel(rsvp=rsvp)
            except RSVPClosed:
                # It started a moment ago: its attendance record is fixed, and it stays
                # attached to the anonymised member like any past event.
                continue
        member = member_erase(member=member)
        identifiers = login_identifiers(user)
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username__in=identifiers).delete()
        user.delete()
    return member


def member_set_invites(*, member: Member, invites: bool) -> Member:
    """Turn ``member``'s invitations to joint events of their movements on or off."""
    if member.invites != invites:
        member.invites = invites
        member.save(update_fields=["invites"])
    return member


def member_set_visibility(*, member: Member, visibility: str) -> Member:
    """Make ``member``'s profile public or private (``Visibility``)."""
    member.visibility = visibility
    member.save(update_fields=["visibility"])
    return member


# --- the personal calendar feed ----------------------------------------------------------------
# /me/calendar/<token>.ics: its secret is ``Member.calendar_token``, empty while it is off.


def member_calendar_enable(*, member: Member) -> Member:
    """Turn ``member``'s calendar feed on (``/me/calendar/<token>.ics``): a new secret
    token when there is none, the one they have otherwise, so that turning it on twice
    keeps the link already in their calendar app."""
    with transaction.atomic(durable=True):
        member = Member.objects.select_for_update().get(pk=member.pk)
        if not member.calendar_token:
            member.calendar_token = new_calendar_token()
            member.save(update_fields=["calendar_token"])
    return member


def member_calendar_renew(*, member: Member) -> Member:
    """Give ``member``'s calendar feed a new secret token: the old link stops working at
    once (for a link shared by mistake). Turns the feed on when it was off."""
    with transaction.atomic(durable=True):
        member = Member.objects.select_for_update().get(pk=member.pk)
        member.calendar_token = new_calendar_token()
        member.save(update_fields=["calendar_token"])
    return member


def member_calendar_disable(*, member: Member) -> Member:
    """Turn ``member``'s calendar feed off: its link answers 404 from now on."""
    with transaction.atomic(durable=True):
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.calendar_token:
            member.calendar_token = ""
            member.save(update_fields=["calendar_token"])
    return member
