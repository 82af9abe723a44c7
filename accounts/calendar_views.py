"""The personal calendar feed: ``/me/calendar/<token>.ics``, the events a member is going
to, for calendar apps to subscribe to; and the buttons on /me/ that turn it on, give it a
new link or turn it off.

Calendar apps cannot log in, so the feed's secret token is its whole authority: anyone
holding the link sees the events the person is going to (never who else is), private
events with their address included, as the person would. Renewing the link or turning
the feed off makes the old link answer 404 at once, like a token that never existed.
The answer is never cached, indexed or sent on as a referrer.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.selectors import calendar_feed_events, calendar_feed_member
from accounts.services import (
    member_calendar_disable,
    member_calendar_enable,
    member_calendar_renew,
)
from events.ical import events_calendar
from events.mail import event_url
from events.views import calendar_response
from movements.services import member_for_user

FEED_NAME = "My Coalition events"
# How often calendar apps are asked to fetch the feed again.
FEED_REFRESH = datetime.timedelta(hours=1)


class MyCalendarView(View):
    """GET the feed of the member whose token is in the URL; no login."""

    http_method_names = ["get", "head"]

    def get(self, request, token):
        member = calendar_feed_member(token)
        if member is None:
            raise Http404("No calendar feed has this link: it was renewed or turned off.")
        body = events_calendar(
            calendar_feed_events(member, now=timezone.now()),
            url_for=event_url,
            name=FEED_NAME,
            show_address=True,
            refresh=FEED_REFRESH,
        )
        response = calendar_response(body, filename="my-coalition-events.ics")
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
        return response


CHANGES = {
    "enable": (
        member_calendar_enable,
        "Your calendar feed is on. Add its link to your calendar app.",
    ),
    "renew": (
        member_calendar_renew,
        "Your calendar feed has a new link; the old one no longer works. Add the new one "
        "to your calendar app.",
    ),
    "disable": (member_calendar_disable, "Your calendar feed is off; its link no longer works."),
}


class MyCalendarChangeView(LoginRequiredMixin, View):
    """POST only (GET goes back to /me/): turn the signed-in person's feed on, give it a
    new link or turn it off (``change``), then back to the section on /me/."""

    change = ""

    def get(self, request, *args, **kwargs):
        return redirect("me")

    def post(self, request, *args, **kwargs):
        service, text = CHANGES[self.change]
        service(member=member_for_user(user=request.user))
        messages.success(request, text)
        return redirect(f"{reverse('me')}#calendar-title")
