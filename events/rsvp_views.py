"""RSVPs without a login: the manage page a confirmation mail links to
(``/events/<slug>/rsvp/<token>/``), and "send me my link again" on the event page.

The manage link is the person's key to their RSVP (``events.manage_links``): the page shows
the RSVP with the event's details as a person going sees them, and changes guests, cancels,
RSVPs again, renews the link or deletes the RSVP and the person's details. Each change goes
through ``events.services``; a refused one shows the page again with the reason and a 4xx
status. The page is never cached or indexed, and sends no referrer to other sites, so the
token stays between the person and the site.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View

from events import services
from events.forms import GuestsForm, ManageLinkForm
from events.ical import event_location
from events.manage_links import ManageLink, ManageLinkInvalid, manage_link_open, manage_path
from events.models import RSVP, RSVPStatus
from events.views import (
    THROTTLED,
    event_path,
    given_key,
    rsvp_throttled,
    visible_event,
    waitlist_position,
)
from movements.verification import email_mark_verified

NOTICE_TEMPLATE = "events/rsvp_notice.html"
LINK_SENT = (
    "If {email} has an RSVP to this event, its link is on its way there. Look in your inbox "
    "(and the spam folder)."
)


def event_page(event) -> str:
    """The event's page; a private event's with its link key (the person holds the RSVP)."""
    return event.get_link_url() if event.is_private else event.get_absolute_url()


def private(response: HttpResponse) -> HttpResponse:
    """Keep a page that carries a manage token out of caches and indexes. (The site's
    ``Referrer-Policy: same-origin`` already keeps its URL from other sites; "no-referrer"
    would make browsers send ``Origin: null`` with the page's forms, which CSRF refuses.)"""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


class RSVPManageView(View):
    """The manage page. GET shows it and verifies the address the link was sent to; POST
    takes one ``action``: ``guests``, ``cancel``, ``again`` (RSVP again after cancelling),
    ``renew`` (a new link by mail; this one stops working) or ``delete``."""

    template_name = "events/rsvp_manage.html"
    http_method_names = ["get", "post"]

    def get(self, request, slug, token):
        try:
            link = manage_link_open(slug, token)
        except ManageLinkInvalid as error:
            return self.refused(request, error)
        if link.to_current_address:
            with transaction.atomic(durable=True):
                email_mark_verified(member=link.rsvp.member, email=link.rsvp.member.email)
        return self.page(request, link)

    def post(self, request, slug, token):
        try:
            link = manage_link_open(slug, token)
        except ManageLinkInvalid as error:
            return self.refused(request, error)
        rsvp = link.rsvp
        action = request.POST.get("action", "")
        handler = {
            "guests": self.change_guests,
            "cancel": self.cancel,
            "again": self.again,
            "renew": self.renew,
            "delete": self.delete,
        }.get(action)
        if handler is None:
            return self.page(request, link, error="Choose what to do with your RSVP.", status=400)
        return handler(request, link, rsvp)

    # --- actions ---

    def change_guests(self, request, link: ManageLink, rsvp: RSVP):
        form = GuestsForm(request.POST)
        if not form.is_valid():
            return self.page(request, link, guests_form=form, status=400)
        try:
            rsvp = services.rsvp_create(
                event=rsvp.event,
                member=rsvp.member,
                guests=form.cleaned_data["guests"],
                movement=rsvp.movement,
            )
        except services.RSVPClosed as error:
            return self.page(request, link, error=str(error), status=409)
        except services.EventBusy as error:
            return self.page(request, link, error=str(error), status=409)
        except services.RSVPError as error:
            return self.page(request, link, guests_form=form, error=str(error), status=400)
        guests = rsvp.guests
        messages.success(
            request,
            f"Saved: {guests} guest{'' if guests == 1 else 's'} with you."
            if guests
            else "Saved: you come without guests.",
        )
        return self.back(request, rsvp)

    def cancel(self, request, link: ManageLink, rsvp: RSVP):
        was_waitlisted = rsvp.status == RSVPStatus.WAITLISTED
        try:
            services.rsvp_cancel(rsvp=rsvp)
        except services.RSVPError as error:
            return self.page(request, link, error=str(error), status=409)
        messages.success(
            request, "You left the waitlist." if was_waitlisted else "Your RSVP is cancelled."
        )
        return self.back(request, rsvp)

    def again(self, request, link: ManageLink, rsvp: RSVP):
        if rsvp.status != RSVPStatus.CANCELLED:
            return self.back(request, rsvp)
        try:
            rsvp = services.rsvp_create(
                event=rsvp.event, member=rsvp.member, guests=0, movement=rsvp.movement
            )
        except services.RSVPClosed as error:
            return self.page(request, link, error=str(error), status=409)
        except services.RSVPError as error:
            return self.page(request, link, error=str(error), status=400)
        if rsvp.status == RSVPStatus.GOING:
            messages.success(request, "You are going again.")
        else:
            messages.info(
                request,
                f"The event is full: you are number {waitlist_position(rsvp)} on the waitlist.",
            )
        # rsvp_create mailed a new confirmation; this link still works (same key).
        return self.back(request, rsvp)

    def renew(self, request, link: ManageLink, rsvp: RSVP):
        services.rsvp_manage_link_renew(rsvp=rsvp)
        messages.success(
            request,
            "A new link is on its way to your inbox. The link you used no longer works.",
        )
        return redirect(event_page(rsvp.event))

    def delete(self, request, link: ManageLink, rsvp: RSVP):
        event = rsvp.event
        try:
            services.rsvp_delete(rsvp=rsvp)
        except services.RSVPError as error:
            return self.page(request, link, error=str(error), status=409)
        messages.success(request, "Your RSVP is deleted, and with it the details you gave us.")
        if event.is_private:
            # Without an RSVP the private event is closed to them again: nowhere to go back.
            return redirect("events:event_list")
        return redirect(event.get_absolute_url())

    # --- pages ---

    def back(self, request, rsvp: RSVP) -> HttpResponse:
        """To the manage page again (its link is unchanged)."""
        rsvp = RSVP.objects.select_related("event", "member").get(pk=rsvp.pk)
        return redirect(manage_path(rsvp))

    def page(
        self,
        request: HttpRequest,
        link: ManageLink,
        *,
        guests_form: GuestsForm | None = None,
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        rsvp = RSVP.objects.select_related("event__region", "member", "movement").get(
            pk=link.rsvp.pk
        )
        event = rsvp.event
        going = rsvp.status == RSVPStatus.GOING
        active = rsvp.status != RSVPStatus.CANCELLED
        open_for_changes = services.rsvp_changes_open(event)
        context = {
            "rsvp": rsvp,
            "event": event,
            "going": going,
            "active": active,
            "open_for_changes": open_for_changes,
            "waitlist_position": waitlist_position(rsvp),
            "location": event_location(event, show_address=going),
            "event_link": event_page(event),
            "guests_form": guests_form or GuestsForm(initial={"guests": rsvp.guests}),
            "error": error,
            "now": timezone.now(),
        }
        response = TemplateResponse(request, self.template_name, context, status=status)
        return private(response)

    def refused(self, request: HttpRequest, error: ManageLinkInvalid) -> HttpResponse:
        response = TemplateResponse(
            request, NOTICE_TEMPLATE, {"message": str(error)}, status=error.status
        )
        return private(response)


class ManageLinkResendView(View):
    """ "I lost my link" on the event page: the same answer whether or not the address has
    an RSVP to the event."""

    http_method_names = ["post"]

    def post(self, request, slug):
        event = visible_event(request, slug)
        back = event_path(event, given_key(request, event)) + "#rsvp"
        form = ManageLinkForm(request.POST)
        if not form.is_valid():
            message = " ".join(form.errors["email"])
            return TemplateResponse(
                request, NOTICE_TEMPLATE, {"message": message, "back": back}, status=400
            )
        email = form.cleaned_data["email"]
        wait = rsvp_throttled(request, email)
        if wait:
            message = THROTTLED.format(minutes=max(1, wait // 60))
            response = TemplateResponse(
                request, NOTICE_TEMPLATE, {"message": message, "back": back}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        services.rsvp_manage_link_resend(event=event, email=email)
        messages.info(request, LINK_SENT.format(email=email))
        return redirect(back)
