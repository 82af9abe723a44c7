"""Event pages: the public list and detail pages, RSVPs, calendar files, and the
organizer's management pages (attendees, check-in, messages to the people of an event).

Views stay thin. Filtering lives in ``events/filters.py``, request shape in
``events/forms.py``, the rules (places, waitlist, closing, mail) in ``events/services.py``,
who may manage what in ``events/permissions.py``. Public pages never name a person: they
show counts only, and per-movement counts go through the people-count suppression.

The RSVP buttons are plain forms that also work with htmx: an htmx request (``HX-Request``
header) gets back only the RSVP block (``events/includes/rsvp_button.html``), with the
outcome written into it; a plain request is redirected to the event page with a message,
or, when refused, shown the event page again with the reason and a 4xx status.
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)

from core.conf import app_settings
from core.roles import is_curator
from core.sections import page_sections
from core.views import DirectoryFilterView, InvalidFormIs400
from events import ical, mail, services
from events.calendar_links import calendar_links
from events.filters import EventFilter
from events.forms import (
    AnonymousRSVPForm,
    CancelEventForm,
    EventForm,
    EventMessageForm,
    HostInviteForm,
    ManageLinkForm,
    RSVPForm,
    people,
)
from events.models import RSVP, Event, EventHost, EventMessage, EventStatus, HostStatus, RSVPStatus
from events.outreach import invitation_link, outreach_summary
from events.permissions import (
    can_answer_invitation,
    can_manage_event,
    can_open_event,
    can_see_address,
    can_withdraw_host,
    has_link_key,
    hosts_visible_to,
    is_organizer,
)
from events.signals import event_page
from events.throttling import rsvp_throttled
from movements.models import Member, Organization
from movements.services import member_for_user

# The most events one calendar feed carries (soonest first).
FEED_LIMIT = 500
RSVP_PARTIAL = "events/includes/rsvp_button.html"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def login_url_for(request: HttpRequest, next_path: str) -> str:
    """The log-in page, coming back to ``next_path`` afterwards."""
    response = redirect_to_login(next_path, resolve_url(settings.LOGIN_URL))
    return response["Location"]


def not_found() -> Http404:
    """What an unknown slug raises (``get_object_or_404``'s own words), for events the
    visitor may not open: a private or draft event must not be told apart from none."""
    return Http404(f"No {Event._meta.object_name} matches the given query.")


def request_key(request: HttpRequest) -> str:
    """The private-link secret the request carries: ``?key=`` or, on a form post, the
    form's hidden ``key`` field."""
    return request.GET.get("key") or request.POST.get("key") or ""


def visible_event(request: HttpRequest, slug: str, queryset=None) -> Event:
    """The event at ``slug`` if the visitor may open it (``can_open_event``: public events
    for everyone, private ones by their link key, RSVP or manage rights, drafts only for
    the people who manage them); anything else answers 404 exactly as an unknown slug."""
    event = get_object_or_404(queryset if queryset is not None else Event.objects, slug=slug)
    if not can_open_event(request.user, event, request_key(request)):
        raise not_found()
    return event


def given_key(request: HttpRequest, event: Event) -> str:
    """The request's link key when it is ``event``'s (to carry through forms and links)."""
    key = request_key(request)
    return key if event.is_private and has_link_key(event, key) else ""


def given_via(request: HttpRequest, event: Event) -> str:
    """The share link's ``?via=<movement>`` when it names one of ``event``'s movements (to
    carry through the log-in), else ""."""
    via = request.GET.get("via", "")
    return via if any(m.slug == via for m in event.movements.all()) else ""


def event_path(event: Event, key: str = "", *, via: str = "") -> str:
    """The event page, with the link key when the visitor came with it and the share
    link's movement (``via``) when there is one."""
    url = event.get_absolute_url()
    query = {name: value for name, value in (("via", via), ("key", key)) if value}
    return f"{url}?{urlencode(query)}" if query else url


def noindex(response: HttpResponse, event: Event) -> HttpResponse:
    """Private and draft events stay out of search engines."""
    if event.is_private or event.status == EventStatus.DRAFT:
        response["X-Robots-Tag"] = "noindex"
    return response


def waitlist_position(rsvp: RSVP | None) -> int | None:
    """1 for the first in the queue; None unless ``rsvp`` is waitlisted."""
    if rsvp is None or rsvp.status != RSVPStatus.WAITLISTED:
        return None
    return RSVP.objects.waitlisted().ahead_of(rsvp).count() + 1


def annotated_events():
    """Events with the counts and relations every event page shows."""
    return Event.objects.with_going_count().with_relations()


def rsvp_context(
    request: HttpRequest,
    event: Event,
    *,
    form: RSVPForm | None = None,
    notice: str = "",
    notice_level: str = "",
    sent: bool = False,
) -> dict:
    """What the RSVP block needs: counts, the visitor's own RSVP and the form (for a
    visitor without an account, the one that takes a name and an email; ``sent``: theirs
    was just taken, so the block says to look in the inbox instead, and shows no counts:
    whether they moved would tell whether the address was already going)."""
    member = Member.objects.for_user(request.user)
    rsvp = (
        RSVP.objects.filter(event=event, member=member).select_related("movement").first()
        if member is not None
        else None
    )
    active = rsvp is not None and rsvp.status != RSVPStatus.CANCELLED
    rsvp_open = event.status == EventStatus.PUBLISHED and event.starts_at > timezone.now()
    if form is None and rsvp_open and not active and not sent:
        form_class = RSVPForm if request.user.is_authenticated else AnonymousRSVPForm
        form = form_class(event=event, via=request.GET.get("via", ""))
    key = given_key(request, event)
    shareable = event.status == EventStatus.PUBLISHED and event.ends_at > timezone.now()
    return {
        "event": event,
        "show_who_is_coming": event.status == EventStatus.PUBLISHED,
        "event_over": event.ends_at < timezone.now(),
        "movement_counts": who_is_coming(event),
        "share_url": request.build_absolute_uri(event_path(event, key)) if shareable else "",
        "link_key": key,
        "rsvp": rsvp,
        "rsvp_active": active,
        "waitlist_position": waitlist_position(rsvp),
        "rsvp_open": rsvp_open,
        "rsvp_form": form,
        "login_url": login_url_for(request, event_path(event, key, via=given_via(request, event))),
        "notice": notice,
        "notice_level": notice_level,
        "sent": sent,
        "link_form": (
            ManageLinkForm()
            if rsvp_open and not sent and not request.user.is_authenticated
            else None
        ),
    }


def who_is_coming(event: Event) -> list[tuple]:
    """(movement, people going who came through it) for each of the event's movements;
    none when nobody is going (the page then says "no one yet")."""
    if not event.going_count:
        return []
    came = RSVP.objects.filter(event=event).going_by_movement()
    return [(m, came.get((event.pk, m.pk), 0)) for m in event.movements.all()]


def detail_context(request: HttpRequest, event: Event, **rsvp_kwargs) -> dict:
    """The event page's context (also used to show it again after a refused RSVP)."""
    can_manage = can_manage_event(request.user, event)
    context = rsvp_context(request, event, **rsvp_kwargs)
    rsvp = context["rsvp"]
    going = rsvp is not None and rsvp.status == RSVPStatus.GOING
    context.update(
        can_manage=can_manage,
        **host_context(request, event, can_manage=can_manage),
        private_link=(
            request.build_absolute_uri(event.get_link_url())
            if can_manage and event.is_private
            else ""
        ),
        share_links=share_links(request, event) if can_manage else [],
        outreach=(
            outreach_summary(event, curator=is_curator(request.user)) if can_manage else None
        ),
        show_address=can_manage or can_see_address(request.user, event, going=going),
    )
    context["calendar_links"] = (
        calendar_links(
            event,
            show_address=context["show_address"],
            url=request.build_absolute_uri(event_path(event, context["link_key"])),
        )
        if event.status != EventStatus.CANCELLED and not context["event_over"]
        else []
    )
    return context


def share_links(request: HttpRequest, event: Event) -> list[tuple]:
    """For the event's managers: a link per movement (``?via=<movement>``, a private
    event's with its key) that preselects "I come through" for whoever RSVPs by it."""
    if event.status == EventStatus.CANCELLED:
        return []
    return [
        (movement, request.build_absolute_uri(invitation_link(event, movement)))
        for movement in event.movements.all()
    ]


def host_context(request: HttpRequest, event: Event, *, can_manage: bool) -> dict:
    """The event page's hosts beyond the confirmed ones (prefetched, shown to everyone):
    for its managers the invitations waiting for an answer; for the organizers of an
    invited organization their own, with the buttons to answer them (curators answer on
    the hosts page). At most two queries."""
    user = request.user
    hosts = EventHost.objects.filter(event=event).with_relations().in_display_order()
    pending = list(hosts.invited()) if can_manage else []
    mine = []
    if user.is_authenticated and not is_curator(user):
        mine = list(hosts.answerable_by(user))
    return {"pending_hosts": pending, "my_invitations": mine}


def fresh_event(event: Event) -> Event:
    """``event`` re-read with its counts and relations, after an RSVP changed them."""
    return annotated_events().get(pk=event.pk)


# --- public pages --------------------------------------------------------------------------


class EventListView(DirectoryFilterView):
    """Published public events, upcoming first; filters kind, movement, region, from, to."""

    filterset_class = EventFilter
    template_name = "events/event_list.html"
    context_object_name = "events"

    def get_queryset(self):
        return Event.objects.listed().with_going_count().with_relations()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Always bound, so that the default window ("not over yet") applies without a
        # query string too.
        kwargs["data"] = self.request.GET
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        feed_url = reverse("events:event_feed")
        context["feed_url"] = f"{feed_url}?{query.urlencode()}" if query else feed_url
        context["can_create"] = is_organizer(self.request.user)
        return context


class EventDetailView(DetailView):
    context_object_name = "event"
    template_name = "events/event_detail.html"

    def get_object(self, queryset=None):
        return visible_event(self.request, self.kwargs["slug"], annotated_events())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.request, self.object))
        context["sections"] = page_sections(event_page, self.request, event=self.object)
        return context

    def render_to_response(self, context, **response_kwargs):
        return noindex(super().render_to_response(context, **response_kwargs), self.object)


class EventCalendarView(View):
    """One event as an .ics file. A private event's address only for people going and
    managers, as on its page."""

    def get(self, request, slug):
        event = visible_event(request, slug, Event.objects.with_relations())
        show_address = can_see_address(request.user, event)
        body = ical.event_calendar(
            event,
            url=request.build_absolute_uri(event.get_absolute_url()),
            show_address=show_address,
        )
        return noindex(calendar_response(body, filename=f"{event.slug}.ics"), event)


class EventFeedView(View):
    """The listed events as an iCalendar feed; takes the list's filters."""

    def get(self, request):
        queryset = Event.objects.listed().with_relations()
        filterset = EventFilter(request.GET, queryset=queryset)
        if not filterset.is_valid():
            lines = [
                f"{name}: {error}" if name != "__all__" else error
                for name, errors in filterset.form.errors.items()
                for error in errors
            ]
            return HttpResponse(
                "These filters could not be applied:\n" + "\n".join(lines) + "\n",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        events = filterset.qs[:FEED_LIMIT]
        body = ical.events_calendar(
            events, url_for=lambda event: request.build_absolute_uri(event.get_absolute_url())
        )
        return calendar_response(body, filename="coalition-events.ics")


def calendar_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- RSVPs ---------------------------------------------------------------------------------


class RSVPActionView(View):
    """POST only. Subclasses implement ``act(event, member)`` returning
    ``(message, level, status, form)``. ``member`` is None when the user has no Member
    record; an RSVP creates one once its form is valid (bad input changes nothing).
    Visitors who are not logged in are sent to log in, unless ``anonymous`` (the RSVP
    itself, which takes a name and an email instead)."""

    http_method_names = ["post"]
    anonymous = False
    # Set by ``act`` when it answers 429: the seconds for the Retry-After header.
    retry_after = 0

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated and not self.anonymous:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def handle_no_permission(self):
        if is_htmx(self.request):
            # htmx would follow the redirect and swap the log-in page into the button.
            path = reverse("events:event_detail", kwargs={"slug": self.kwargs["slug"]})
            key = request_key(self.request)
            if key:
                path = f"{path}?{urlencode({'key': key})}"
            response = HttpResponse(status=401)
            response["HX-Redirect"] = login_url_for(self.request, path)
            return response
        return redirect_to_login(self.request.get_full_path(), resolve_url(settings.LOGIN_URL))

    def post(self, request, slug):
        event = visible_event(request, slug)
        member = Member.objects.for_user(request.user)
        text, level, status, form = self.act(event, member)
        if status < 400 and not is_htmx(request):
            if text:
                messages.add_message(request, level_number(level), text)
            return redirect(event_path(event, given_key(request, event)))
        event = fresh_event(event)
        sent = status < 400 and not request.user.is_authenticated
        if is_htmx(request):
            context = rsvp_context(
                request, event, form=form, notice=text, notice_level=level, sent=sent
            )
            # "Who is coming" further down the page follows the change (htmx out of band).
            context["oob_who_is_coming"] = True
            response = TemplateResponse(request, RSVP_PARTIAL, context, status=status)
        else:
            context = detail_context(request, event, form=form, notice=text, notice_level=level)
            response = TemplateResponse(
                request, "events/event_detail.html", context, status=status
            )
        if status == 429:
            response["Retry-After"] = str(self.retry_after)
        return response


def level_number(level: str) -> int:
    return {"success": messages.SUCCESS, "error": messages.ERROR}.get(level, messages.INFO)


THROTTLED = (
    "Too many RSVPs from here in the last hour. Please try again in {minutes} minutes, "
    "or ask the event's organizers to add you."
)


def refusal(error: services.RSVPError, form) -> tuple:
    """What ``act`` answers for a refused RSVP: closed or busy events 409 (a closed one
    shows no form again), anything else about the request 400 with its form."""
    if isinstance(error, services.RSVPClosed):
        return str(error), "error", 409, None
    if isinstance(error, services.EventBusy):
        return str(error), "error", 409, form
    return str(error), "error", 400, form


def sent_notice(email: str) -> str:
    return (
        f"Thanks! We sent the details of your RSVP to {email}. Check your inbox (and the "
        "spam folder): the mail says whether you have a place, and has a link to change or "
        "cancel your RSVP."
    )


class RSVPCreateView(RSVPActionView):
    anonymous = True

    def act(self, event, member):
        if not self.request.user.is_authenticated:
            return self.act_anonymous(event)
        form = RSVPForm(self.request.POST, event=event)
        if not form.is_valid():
            errors = [error for errors in form.errors.values() for error in errors]
            return " ".join(errors), "error", 400, form
        if member is None:
            member = member_for_user(user=self.request.user)
        try:
            services.rsvp_create(
                event=event,
                member=member,
                guests=form.cleaned_data["guests"],
                movement=form.cleaned_data["movement"],
            )
        except services.RSVPError as error:
            return refusal(error, form)
        # The RSVP block's own status line says it (going, or the place on the waitlist):
        # one message, not the same news twice.
        return "", "success", 200, None

    def act_anonymous(self, event):
        """Name and email, no account (``services.rsvp_request``). Whatever the address's
        history, success reads the same: the outcome goes by mail."""
        form = AnonymousRSVPForm(self.request.POST, event=event)
        if not form.is_valid():
            errors = [error for errors in form.errors.values() for error in errors]
            return " ".join(errors), "error", 400, form
        email = form.cleaned_data["email"]
        if form.is_bot:
            return sent_notice(email), "success", 200, None
        wait = rsvp_throttled(self.request, email)
        if wait:
            self.retry_after = wait
            return THROTTLED.format(minutes=max(1, wait // 60)), "error", 429, form
        try:
            services.rsvp_request(
                event=event,
                name=form.cleaned_data["name"],
                email=email,
                guests=form.cleaned_data["guests"],
                movement=form.cleaned_data["movement"],
            )
        except services.RSVPError as error:
            return refusal(error, form)
        return sent_notice(email), "success", 200, None


class RSVPCancelView(RSVPActionView):
    def act(self, event, member):
        rsvp = RSVP.objects.filter(event=event, member=member).first() if member else None
        if rsvp is None:
            return "You have no RSVP for this event.", "error", 400, None
        was_waitlisted = rsvp.status == RSVPStatus.WAITLISTED
        try:
            services.rsvp_cancel(rsvp=rsvp)
        except services.RSVPError as error:
            return str(error), "error", 409, None
        if was_waitlisted:
            return "You left the waitlist.", "success", 200, None
        return "Your RSVP is cancelled.", "success", 200, None


# --- organizer management ------------------------------------------------------------------


class OrganizerRequiredMixin(UserPassesTestMixin):
    """Organizers of at least one organization, and curators. Anonymous visitors are sent to
    log in; anyone else signed in gets 403."""

    def test_func(self):
        return is_organizer(self.request.user)


class ManageEventMixin(LoginRequiredMixin):
    """The event at ``slug`` for the people who may manage it. Anyone else gets 404 for a
    private or draft event (exactly as for an unknown slug), 403 for a public one."""

    def get_event(self) -> Event:
        if not hasattr(self, "event"):
            event = get_object_or_404(Event.objects.with_going_count(), slug=self.kwargs["slug"])
            if not can_manage_event(self.request.user, event):
                if event.is_private or event.status == EventStatus.DRAFT:
                    raise not_found()
                raise PermissionDenied(
                    "Only organizers of the host organizations and curators can manage this event."
                )
            self.event = event
        return self.event

    def get_object(self, queryset=None):
        return self.get_event()


class EventCreateView(OrganizerRequiredMixin, InvalidFormIs400, CreateView):
    form_class = EventForm
    template_name = "events/event_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            self.object = services.event_create(user=self.request.user, form=form)
        except services.EventSlugUnavailable as error:
            form.add_error("title", str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            "Draft saved. Only you and the hosts' organizers can see it until you publish it.",
        )
        return redirect(self.object)


class EventUpdateView(ManageEventMixin, InvalidFormIs400, UpdateView):
    form_class = EventForm
    template_name = "events/event_form.html"
    context_object_name = "event"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.get_event().status == EventStatus.CANCELLED:
            messages.error(request, "A cancelled event cannot be edited.")
            return redirect(self.get_event())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        changed = form.changed_data
        try:
            self.object = services.event_update(form=form)
        except services.EventError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        notified = self.object.status == EventStatus.PUBLISHED and any(
            field in services.NOTIFY_FIELDS for field in changed
        )
        text = "Event saved."
        if notified:
            text += " People going are told about the new time or place by mail."
        if self.object.status == EventStatus.PUBLISHED and "movements" in changed:
            text += " People who RSVP'd are told about the change of movements by mail."
        messages.success(self.request, text)
        return redirect(self.object)


class EventPublishView(ManageEventMixin, View):
    http_method_names = ["post"]

    def post(self, request, slug):
        event = self.get_event()
        try:
            services.event_publish(event=event)
        except services.EventError as error:
            messages.error(request, str(error))
            return redirect(event)
        messages.success(request, f"“{event.title}” is published and open for RSVPs.")
        return redirect(event)


class EventLinkRegenerateView(ManageEventMixin, View):
    """A new secret for the event's private link; links already sent stop working."""

    http_method_names = ["post"]

    def post(self, request, slug):
        event = services.event_link_regenerate(event=self.get_event())
        messages.success(
            request, "The private link is new: links sent before no longer open the event."
        )
        return redirect(event)


class EventCancelView(ManageEventMixin, InvalidFormIs400, FormView):
    form_class = CancelEventForm
    template_name = "events/event_confirm_cancel.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.get_event().status == EventStatus.CANCELLED:
            messages.info(request, "This event is already cancelled.")
            return redirect(self.get_event())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        event = self.get_event()
        active = RSVP.objects.filter(event=event).active().count()
        return super().get_context_data(event=event, active_rsvps=active, **kwargs)

    def form_valid(self, form):
        event = self.get_event()
        try:
            services.event_cancel(event=event, reason=form.cleaned_data["reason"])
        except services.EventBusy as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, f"“{event.title}” is cancelled. Everyone who RSVP'd is told by mail."
        )
        return redirect(event)


def attendee_rows(event: Event):
    """The event's RSVPs for its managers: going, then waitlisted, then cancelled, each in
    queue order."""
    order = Case(
        When(status=RSVPStatus.GOING, then=Value(0)),
        When(status=RSVPStatus.WAITLISTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        RSVP.objects.filter(event=event)
        .select_related("member", "movement")
        .order_by(order, "created_at", "pk")
    )


def attendee_context(event: Event, *, user, **extra) -> dict:
    """The attendee block: the RSVPs, the counts above them and whether check-in is open
    (its buttons show only then; a line says when it opens or closed). Email addresses
    only for curators: organizers reach the people through messages the app sends
    (``EventMessage``), never by reading their addresses."""
    rsvps = list(attendee_rows(event))
    window = services.check_in_window(event)
    return {
        "event": event,
        "rsvps": rsvps,
        "show_emails": is_curator(user),
        "check_in": window.state(timezone.now()),
        "check_in_opens_at": window.opens_at,
        "check_in_closes_at": window.closes_at,
        "checked_in_count": sum(1 for rsvp in rsvps if rsvp.checked_in_at),
        "waitlist_count": sum(1 for rsvp in rsvps if rsvp.status == RSVPStatus.WAITLISTED),
        **extra,
    }


class AttendeeListView(ManageEventMixin, TemplateView):
    template_name = "events/event_attendees.html"

    def get_context_data(self, **kwargs):
        context = attendee_context(self.get_event(), user=self.request.user)
        return super().get_context_data(**context, **kwargs)


class CheckInView(ManageEventMixin, View):
    """Check a going RSVP in. An htmx request gets the attendee block back (counts
    included) with the outcome in the person's row."""

    http_method_names = ["post"]

    def post(self, request, slug, rsvp_id):
        event = self.get_event()
        rsvp = get_object_or_404(RSVP.objects.select_related("member"), pk=rsvp_id, event=event)
        status = 200
        try:
            rsvp = services.rsvp_check_in(rsvp=rsvp, by=request.user)
        except services.RSVPError as error:
            text, level, status = str(error), "error", 409
        else:
            text, level = f"{rsvp.member.name} is checked in.", "success"
        if is_htmx(request):
            context = attendee_context(
                event, user=request.user, notice=text, notice_level=level, notice_rsvp=rsvp.pk
            )
            return TemplateResponse(
                request, "events/includes/attendee_block.html", context, status=status
            )
        messages.add_message(request, level_number(level), text)
        attendees = reverse("events:event_attendees", kwargs={"slug": slug})
        return redirect(f"{attendees}#rsvp-{rsvp.pk}")


def csv_safe(value: str) -> str:
    """Keep spreadsheet apps from reading a cell as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def local_iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


class AttendeeCSVView(ManageEventMixin, View):
    """The attendee list as a spreadsheet. The ``email`` column is for curators only:
    organizers reach the people through messages (``EventMessageCreateView``)."""

    def get(self, request, slug):
        event = self.get_event()
        show_emails = is_curator(request.user)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.csv"'
        writer = csv.writer(response)
        email = ["email"] if show_emails else []
        writer.writerow(
            ["name", *email, "status", "guests", "movement", "rsvp_at", "checked_in_at"]
        )
        for rsvp in attendee_rows(event):
            email = [csv_safe(rsvp.member.email)] if show_emails else []
            writer.writerow(
                [
                    csv_safe(rsvp.member.name),
                    *email,
                    rsvp.status,
                    rsvp.guests,
                    rsvp.movement.slug if rsvp.movement else "",
                    local_iso(rsvp.created_at),
                    local_iso(rsvp.checked_in_at),
                ]
            )
        return response


# --- messages to the people of an event ----------------------------------------------------


class EventMessageListView(ManageEventMixin, ListView):
    """The messages sent to the event's people: when, by whom, to whom, how many got it."""

    template_name = "events/event_messages.html"
    # Not "messages": that is django.contrib.messages' name in every template.
    context_object_name = "sent_messages"

    def get_paginate_by(self, queryset):
        return app_settings.PAGE_SIZE

    def get_queryset(self):
        return EventMessage.objects.filter(event=self.get_event()).with_sender().latest_first()

    def get_context_data(self, **kwargs):
        event = self.get_event()
        return super().get_context_data(
            event=event,
            can_send=event.status == EventStatus.PUBLISHED,
            next_message_at=services.next_message_at(event),
            **kwargs,
        )


class EventMessageCreateView(ManageEventMixin, InvalidFormIs400, FormView):
    """Write to the event's people, going, waitlisted or both: one mail each, so the
    organizer never reads an address. The page says how many each choice reaches."""

    form_class = EventMessageForm
    template_name = "events/event_message_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            event = self.get_event()
            if event.status != EventStatus.PUBLISHED:
                messages.error(
                    request,
                    "Messages go to the people of a published event; "
                    f"“{event.title}” is {event.get_status_display().lower()}.",
                )
                return redirect("events:event_messages", slug=event.slug)
        return super().dispatch(request, *args, **kwargs)

    def get_counts(self) -> dict[str, int]:
        if not hasattr(self, "counts"):
            self.counts = RSVP.objects.filter(event=self.get_event()).audience_counts()
        return self.counts

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "counts": self.get_counts()}

    def get_context_data(self, **kwargs):
        event = self.get_event()
        return super().get_context_data(
            event=event,
            counts=self.get_counts(),
            next_message_at=services.next_message_at(event),
            **kwargs,
        )

    def form_valid(self, form):
        event = self.get_event()
        try:
            message = services.event_message_send(
                event=event, sender=self.request.user, **form.cleaned_data
            )
        except services.EventError as error:
            form.add_error(None, str(error))
            response = self.form_invalid(form)
            if isinstance(error, services.MessageLimitReached):
                response.status_code = 429
            elif not isinstance(error, services.MessageError):
                response.status_code = 409  # busy: trying again works
            return response
        copy = " A copy goes to you." if self.request.user.email else ""
        messages.success(
            self.request, f"Your message is on its way to {people(message.recipients)}.{copy}"
        )
        return redirect("events:event_messages", slug=event.slug)


# --- hosts and invitations -----------------------------------------------------------------


class EventHostsView(ManageEventMixin, InvalidFormIs400, FormView):
    """The event's hosts for its managers: each organization with the movement it stands
    for and its status, the form to invite another (a declined invitation can be replaced
    by another organization of that movement), and the buttons to take an invitation
    back or leave. A refusal from the service answers 400 (the request cannot be) or 409
    (the hosts' state forbids it) with the reason; nothing is changed."""

    form_class = HostInviteForm
    template_name = "events/event_hosts.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.get_event()}

    def get_context_data(self, **kwargs):
        event = self.get_event()
        hosts = list(hosts_visible_to(self.request.user, event))
        # What this person may do with each row (permissions.can_answer_invitation and
        # can_withdraw_host, read once for the whole table).
        own = set(Organization.objects.managed_by(self.request.user).values_list("pk", flat=True))
        for host in hosts:
            host.may_answer = host.status == HostStatus.INVITED and host.organization_id in own
            host.may_withdraw = host.status != HostStatus.CONFIRMED or host.organization_id in own
        return super().get_context_data(
            event=event,
            hosts=hosts,
            can_invite=event.status != EventStatus.CANCELLED,
            **kwargs,
        )

    def form_valid(self, form):
        event = self.get_event()
        organization = form.cleaned_data["organization"]
        try:
            services.event_host_invite(
                event=event,
                organization=organization,
                movement=form.cleaned_data["movement"],
                by=self.request.user,
            )
        except services.EventError as error:  # HostError, or EventBusy (try again)
            form.add_error(None, str(error))
            response = self.form_invalid(form)
            if not isinstance(error, services.HostNotAllowed):
                response.status_code = 409
            return response
        text = f"{organization.name} is invited to co-host; its organizers are mailed."
        if not mail.organizer_addresses(organization):
            text = (
                f"{organization.name} is invited, but nobody there has an organizer account "
                "yet, so nobody can answer: "
                + (
                    "we wrote to its contact address with a link to ask to organize."
                    if organization.contact_email
                    else "it has no contact address either; reach them another way."
                )
            )
        messages.success(self.request, text)
        return redirect("events:event_hosts", slug=event.slug)


class HostActionView(LoginRequiredMixin, View):
    """POST only: one host row of the event at ``slug`` (``organization`` its slug). The
    event answers 404 to whoever may not open it, as an unknown slug; a host that is not
    there 404; a caller without the right 403. A refusal from the service shows the event
    page again with the reason and 409 (or 400)."""

    http_method_names = ["post"]

    def allowed(self, host: EventHost) -> bool:
        raise NotImplementedError

    def act(self, host: EventHost) -> str:
        raise NotImplementedError

    def post(self, request, slug, organization):
        event = visible_event(request, slug)
        host = get_object_or_404(
            EventHost.objects.select_related("event", "organization", "movement"),
            event=event,
            organization__slug=organization,
        )
        if not self.allowed(host):
            raise PermissionDenied(self.refusal)
        try:
            text = self.act(host)
        except services.EventError as error:  # HostError, or EventBusy (try again)
            messages.error(request, str(error))
            status = 400 if isinstance(error, services.HostNotAllowed) else 409
            context = detail_context(request, fresh_event(event))
            context["sections"] = page_sections(event_page, request, event=event)
            return TemplateResponse(request, "events/event_detail.html", context, status=status)
        messages.success(request, text)
        return redirect(self.next_url(event))

    def next_url(self, event: Event) -> str:
        if can_manage_event(self.request.user, event):
            return reverse("events:event_hosts", kwargs={"slug": event.slug})
        return event_path(event, given_key(self.request, event))


class HostConfirmView(HostActionView):
    refusal = "Only the invited organization's organizers and curators can answer."

    def allowed(self, host):
        return can_answer_invitation(self.request.user, host)

    def act(self, host):
        services.event_host_confirm(host=host, by=self.request.user)
        return (
            f"{host.organization.name} co-hosts “{host.event.title}”, standing for "
            f"{host.movement.name}. Its organizers manage the event now."
        )


class HostDeclineView(HostActionView):
    refusal = HostConfirmView.refusal

    def allowed(self, host):
        return can_answer_invitation(self.request.user, host)

    def act(self, host):
        services.event_host_decline(host=host, by=self.request.user)
        return f"{host.organization.name} declined to co-host “{host.event.title}”."

    def next_url(self, event):
        if can_open_event(self.request.user, event, request_key(self.request)):
            return super().next_url(event)
        # The person's own page (/me/), where their other invitations wait.
        return resolve_url(settings.LOGIN_REDIRECT_URL)


class HostWithdrawView(HostActionView):
    refusal = (
        "A confirmed host leaves by its own organizers; an invitation is taken back by the "
        "event's managers."
    )

    def allowed(self, host):
        return can_withdraw_host(self.request.user, host)

    def act(self, host):
        was_confirmed = host.status == HostStatus.CONFIRMED
        services.event_host_withdraw(host=host, by=self.request.user)
        if was_confirmed:
            return f"{host.organization.name} no longer hosts “{host.event.title}”."
        return f"The invitation of {host.organization.name} is taken back."

    def next_url(self, event):
        if can_open_event(self.request.user, event, request_key(self.request)):
            return super().next_url(event)
        return reverse("events:event_list")
