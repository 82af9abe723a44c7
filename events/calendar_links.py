"""Add-to-calendar links for one event: Google Calendar and Outlook.com open their "new
event" form filled in with the event's title, times, place and a short description.

Times go in UTC (``…Z``), so the calendar shows them in the reader's own time zone. The
place follows the address rule (PRODUCT.md, "Privacy"): ``show_address`` says whether the
reader may see a private event's address and online link (``events.ical.event_location``).
The confirmation mails use these links; the event page can too.
"""

import datetime
from urllib.parse import quote, urlencode

from core.conf import app_settings
from events.ical import event_location
from events.models import Event

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"
# The description is cut here: the links go in mails and should stay readable.
DETAILS_LIMIT = 500


def calendar_links(
    event: Event, *, show_address: bool, url: str | None = None
) -> list[tuple[str, str]]:
    """``[(label, url)]``: Google Calendar, then Outlook.com. ``url`` is the event's page
    in the description (default: its link on ``COALITION_SITE_URL``, a private event's
    with its key)."""
    page = url or f"{app_settings.SITE_URL}{event.get_link_url()}"
    details = _details(event, page)
    location = event_location(event, show_address=show_address)
    return [
        ("Google Calendar", google_url(event, details=details, location=location)),
        ("Outlook.com", outlook_url(event, details=details, location=location)),
    ]


def google_url(event: Event, *, details: str, location: str) -> str:
    starts, ends = _utc(event.starts_at), _utc(event.ends_at)
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{starts:%Y%m%dT%H%M%SZ}/{ends:%Y%m%dT%H%M%SZ}",
        "details": details,
        "location": location,
    }
    return f"{GOOGLE}?{_query(params)}"


def outlook_url(event: Event, *, details: str, location: str) -> str:
    starts, ends = _utc(event.starts_at), _utc(event.ends_at)
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": f"{starts:%Y-%m-%dT%H:%M:%SZ}",
        "enddt": f"{ends:%Y-%m-%dT%H:%M:%SZ}",
        "body": details,
        "location": location,
    }
    return f"{OUTLOOK}?{_query(params)}"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _query(params: dict[str, str]) -> str:
    """Percent-encoded (spaces as ``%20``: Outlook shows a ``+`` as it is); empty values
    left out."""
    return urlencode({key: value for key, value in params.items() if value}, quote_via=quote)


def _details(event: Event, page: str) -> str:
    description = " ".join(event.description.split())
    if len(description) > DETAILS_LIMIT:
        description = description[: DETAILS_LIMIT - 1].rstrip() + "…"
    return "\n\n".join(part for part in (description, page) if part)
