"""The limits on RSVPs without an account, shared by the event page and the API."""

from django.http import HttpRequest

from core.conf import app_settings
from core.throttle import client_ip, throttle_hit, throttle_key

HOUR = 3600


def rsvp_throttled(request: HttpRequest, email: str) -> int | None:
    """Count an RSVP (or "send me my link again") without an account against the limits
    per IP address and per email address (``COALITION_RSVP_PER_IP_PER_HOUR``,
    ``COALITION_RSVP_PER_EMAIL_PER_HOUR``); the seconds to wait when over either, else
    None. The IP limit is the looser one: a room full of people on one network must still
    be able to RSVP."""
    return throttle_hit(
        throttle_key("rsvp-ip", client_ip(request)),
        limit=app_settings.RSVP_PER_IP_PER_HOUR,
        window=HOUR,
    ) or throttle_hit(
        throttle_key("rsvp-email", email),
        limit=app_settings.RSVP_PER_EMAIL_PER_HOUR,
        window=HOUR,
    )
