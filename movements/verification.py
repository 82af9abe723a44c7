"""Email verification: has a person shown that they read mail at their address?

PRODUCT.md, "Consent and verification": mail about an RSVP a person made themselves is
allowed, and opening its link verifies the address; outreach goes only to verified
addresses (or to members imported with ``"invites": true``).

The state is the Member's (the person, whether or not they have a login): the address they
confirmed and when. A person is verified while their current address is exactly the one
they confirmed, so anything that changes ``Member.email`` (a form, the admin, an import)
leaves them unverified without having to remember to say so.

A verification link is signed (``django.core.signing``, a salt naming its purpose) and
expires after ``LINK_MAX_AGE``. It names the member and a keyed digest of the address it
was sent to, never the address itself, so a link for an old address does not verify a new
one and a URL in a log does not reveal anyone's email.

This module sits with Member, below ``events`` and ``accounts``, so that every layer
can call it: accounts sends the links (``accounts.services.email_verification_send``), the
RSVP mails of later issues call ``email_mark_verified``, outreach asks
``may_receive_outreach`` (or ``Member.objects.outreach_allowed()``) and puts
``unsubscribe_url`` in every invitation (``invites_unsubscribe`` turns invitations off).
"""

import datetime
from urllib.parse import urlencode

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from core.conf import app_settings
from movements.models import Member

LINK_SALT = "coalition.email-verification"
LINK_MAX_AGE = datetime.timedelta(days=3)


class VerificationLinkInvalid(Exception):
    """The link is forged, damaged, expired, or for an address the member no longer has.
    Nothing was changed; the message says what to do."""


class EmailAlreadyVerified(Exception):
    """The link is good, but the address was confirmed before: nothing to do."""

    def __init__(self, member: Member):
        super().__init__("This address is already confirmed.")
        self.member = member


def is_verified(member: Member) -> bool:
    """Whether ``member`` confirmed the address they have now."""
    return bool(member.email) and member.verified_email == member.email


def may_receive_outreach(member: Member) -> bool:
    """Whether outreach (invitations to joint events) may go to ``member``: they opted in
    (``invites``) and have an address that is verified, or that came with the opt-in in
    an imported roster (a member without a login). ``Member.objects.outreach_allowed()``
    is the same rule as a QuerySet."""
    if not member.invites or not member.email:
        return False
    return is_verified(member) or member.user_id is None


def email_digest(email: str) -> str:
    """A short keyed digest of ``email``: ties a signed link to one address without
    writing the address into the URL."""
    return salted_hmac(LINK_SALT, email, algorithm="sha256").hexdigest()[:24]


def verification_token(member: Member) -> str:
    """A signed token for ``member``'s current address."""
    return signing.dumps({"m": member.pk, "e": email_digest(member.email)}, salt=LINK_SALT)


def verification_url(member: Member, *, next_url: str = "") -> str:
    """The absolute link that confirms ``member``'s current address, valid for
    ``LINK_MAX_AGE``; ``next_url`` is where the person goes once it is confirmed (the
    view checks it is on this site)."""
    path = reverse("email_verify", kwargs={"token": verification_token(member)})
    if next_url:
        path += "?" + urlencode({"next": next_url})
    return f"{app_settings.SITE_URL}{path}"


def link_payload(token: str, *, salt: str, again: str) -> object:
    """What a signed mail link (made with ``salt``) carries, if it is genuine and younger
    than ``LINK_MAX_AGE``; else ``VerificationLinkInvalid`` saying so, ending with what
    to do (``again``, e.g. "ask for a new one")."""
    try:
        return signing.loads(token, salt=salt, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise VerificationLinkInvalid(
            f"This link has expired: links work for {LINK_MAX_AGE.days} days. "
            f"{again[0].upper()}{again[1:]}."
        ) from error
    except signing.BadSignature as error:
        raise VerificationLinkInvalid(
            f"This link is not valid. Copy the whole link from the mail, or {again}."
        ) from error


def verification_link_member(token: str, *, lock: bool = False) -> Member:
    """The member a verification link is for, changing nothing (a page may show the link
    before it is used); ``lock`` locks their row (inside the caller's transaction).
    Raises ``VerificationLinkInvalid`` for a forged, damaged or expired link and for one
    sent to an address the member no longer has."""
    payload = link_payload(token, salt=LINK_SALT, again="ask for a new one")
    member = None
    if isinstance(payload, dict) and isinstance(payload.get("m"), int):
        members = Member.objects.select_for_update() if lock else Member.objects
        member = members.filter(pk=payload["m"]).first()
    if (
        member is None
        or not member.email
        or not constant_time_compare(email_digest(member.email), str(payload.get("e")))
    ):
        raise VerificationLinkInvalid(
            "This link was sent to an address that is no longer on the account. "
            "Use the link in the newest mail, or ask for a new one."
        )
    return member


def email_verify(token: str) -> Member:
    """Confirm the address a verification link was sent to, and return its member.

    Raises ``VerificationLinkInvalid`` as ``verification_link_member`` does, and
    ``EmailAlreadyVerified`` when the address was confirmed before (so callers may treat
    the first use specially)."""
    with transaction.atomic():
        member = verification_link_member(token, lock=True)
        if is_verified(member):
            raise EmailAlreadyVerified(member)
        return email_mark_verified(member=member, email=member.email)


def email_mark_verified(*, member: Member, email: str) -> Member:
    """Record that the person behind ``member`` read mail sent to ``email`` (they opened
    a link in it). Verifies ``member`` when ``email`` is their current address (in any
    case: the same email whatever its case is the same person); an address they no longer
    have verifies nothing. Idempotent: a verified member keeps the time of the first
    confirmation. Returns the member."""
    if not member.email or member.email.casefold() != email.strip().casefold():
        return member
    if is_verified(member):
        return member
    member.verified_email = member.email
    member.email_verified_at = timezone.now()
    member.save(update_fields=["verified_email", "email_verified_at"])
    return member


# --- invitations: the one-click way out ---------------------------------------------------

UNSUBSCRIBE_SALT = "coalition.invitations-unsubscribe"


def unsubscribe_token(member: Member) -> str:
    """A signed token that turns ``member``'s invitations off (``invites_unsubscribe``).
    It names the member only (no address) and does not expire: a way out keeps working
    as long as the mail that carries it may be read."""
    return signing.dumps({"m": member.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(member: Member) -> str:
    """The absolute one-click unsubscribe link for ``member`` (a page with a button on
    GET; a POST, RFC 8058's one-click, unsubscribes at once)."""
    path = reverse("invites_unsubscribe", kwargs={"token": unsubscribe_token(member)})
    return f"{app_settings.SITE_URL}{path}"


def unsubscribe_link_member(token: str, *, lock: bool = False) -> Member:
    """The member an unsubscribe link is for, changing nothing; ``lock`` locks their row
    (inside the caller's transaction). Raises ``VerificationLinkInvalid`` for a forged or
    damaged link and for a member who is no longer there."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise VerificationLinkInvalid(
            "This link is not valid. Copy the whole link from the mail, or turn "
            "invitations off on your page after logging in."
        ) from error
    member = None
    if isinstance(payload, dict) and isinstance(payload.get("m"), int):
        members = Member.objects.select_for_update() if lock else Member.objects
        member = members.filter(pk=payload["m"]).first()
    if member is None:
        raise VerificationLinkInvalid("This link is for an account that no longer exists.")
    return member


def invites_unsubscribe(token: str) -> Member:
    """Turn off invitations for the member an unsubscribe link names, and return them.
    Changes nothing else; using the link twice is harmless. Raises
    ``VerificationLinkInvalid`` as ``unsubscribe_link_member`` does."""
    with transaction.atomic():
        member = unsubscribe_link_member(token, lock=True)
        if member.invites:
            member.invites = False
            member.save(update_fields=["invites"])
    return member
