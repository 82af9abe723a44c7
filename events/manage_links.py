"""The manage link of an RSVP: ``/events/<slug>/rsvp/<token>/``, mailed to the person, where
they see their RSVP, change their guests, cancel or delete it, with no login (PRODUCT.md,
"RSVP without a password").

The token is signed (``django.core.signing``, a salt naming its purpose) and names the RSVP,
its ``manage_key`` and a keyed digest of the address the link was mailed to (never the
address itself). The key is the RSVP's own secret: giving the RSVP a new one
(``events.services.rsvp_manage_link_renew``) revokes every link made before, and a link
whose signature or key does not match is refused the same way, so a link found in a log or
a forwarded mail can be shut off. A link also stops working once the event has ended: the
RSVP can no longer change then, and the person's details should not stay one click away.

Opening a good link proves the person reads mail at the address it was sent to, so the view
marks that address verified when it is still the member's
(``movements.verification.email_mark_verified``).
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from core.conf import app_settings
from events.models import RSVP
from movements.verification import email_digest

MANAGE_SALT = "coalition.rsvp-manage"


class ManageLinkInvalid(Exception):
    """The link is forged, damaged, revoked or for another event (``status`` 404), or its
    event has ended (410). The message says what to do."""

    def __init__(self, message: str, *, status: int = 404):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ManageLink:
    rsvp: RSVP
    # Whether the link was mailed to the member's current address (opening it verifies it).
    to_current_address: bool


def manage_token(rsvp: RSVP) -> str:
    """The signed token of ``rsvp``'s manage link, for its member's current address
    (stable until the key is renewed or the address changes)."""
    return signing.dumps(
        [rsvp.pk, rsvp.manage_key, email_digest(rsvp.member.email)], salt=MANAGE_SALT
    )


def manage_path(rsvp: RSVP) -> str:
    return reverse(
        "events:rsvp_manage", kwargs={"slug": rsvp.event.slug, "token": manage_token(rsvp)}
    )


def manage_url(rsvp: RSVP) -> str:
    """The absolute manage link, for mail (``COALITION_SITE_URL``)."""
    return f"{app_settings.SITE_URL}{manage_path(rsvp)}"


def manage_link_open(
    slug: str, token: str, *, now: datetime.datetime | None = None, lock: bool = False
) -> ManageLink:
    """The RSVP a manage link opens (with its event and member), and whether the link went
    to the member's current address; ``lock`` locks the RSVP row (inside the caller's
    transaction). Changes nothing. Raises ``ManageLinkInvalid`` for a forged, damaged
    or revoked token, one for another event's slug, and once the event has ended."""
    try:
        payload = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature as error:
        raise ManageLinkInvalid(
            "This link is not valid. Copy the whole link from the mail, or ask for it again "
            "on the event page."
        ) from error
    rsvp = None
    if (
        isinstance(payload, list)
        and len(payload) == 3
        and isinstance(payload[0], int)
        and all(isinstance(part, str) for part in payload[1:])
    ):
        rsvps = RSVP.objects.select_related("event", "member", "movement")
        if lock:
            rsvps = rsvps.select_for_update(of=("self",))
        rsvp = rsvps.filter(pk=payload[0], event__slug=slug).first()
    if rsvp is None or not constant_time_compare(rsvp.manage_key, payload[1]):
        raise ManageLinkInvalid(
            "This link no longer works: a newer one replaced it, or the RSVP was deleted. "
            "Ask for your link again on the event page."
        )
    if rsvp.event.ends_at <= (now or timezone.now()):
        raise ManageLinkInvalid(
            f"“{rsvp.event.title}” has ended, so its RSVP links no longer work.", status=410
        )
    current = bool(rsvp.member.email) and constant_time_compare(
        email_digest(rsvp.member.email), payload[2]
    )
    return ManageLink(rsvp=rsvp, to_current_address=current)
