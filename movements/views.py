"""The public directory: home, movement and organization lists and details.

Views stay thin: each ``get_queryset`` is one QuerySet chain; filtering lives in
``movements/filters.py``; people-counts reach templates only through ``{% people_count %}``.
No person is ever listed here, with one exception: an organization's organize page
(``/organizations/<slug>/organize/``) shows its organizers and the curators the requests
to organize for it that they decide. Higher layers add their sections to these pages
through the signals in ``movements/signals.py`` (``core.sections``); nothing here imports
them.

Organizer access (``movements/organizing.py`` holds the rules): the organization page
offers signed-in people "Ask to organize" (the organize page, a form with a note), says
"Your request is waiting" while it is, and offers its organizers "Step down". Deciding is
a POST to ``/organizer-requests/<id>/approve/`` or ``…/decline/`` from the organize page or
``/me/``. A request the viewer may not see answers 404, as an unknown id; deciding one's
own request answers 403; one decided already, 409. Anonymous visitors are sent to log in.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from core.sections import page_sections
from core.views import DirectoryFilterView
from movements import organizing
from movements.filters import MovementFilter, OrganizationFilter
from movements.forms import OrganizerRequestForm
from movements.models import (
    Member,
    Movement,
    Organization,
    OrganizerRequest,
    Tension,
)
from movements.services import member_for_user
from movements.signals import home_page, movement_page, organization_page

FEATURED_MOVEMENTS = 4


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["movement_total"] = Movement.objects.visible().count()
        context["organization_total"] = Organization.objects.visible().count()
        context["people_total"] = Member.objects.count()
        context["featured_movements"] = (
            Movement.objects.active()
            .with_counts()
            .with_taxonomy()
            .order_by("-organization_count", "name")[:FEATURED_MOVEMENTS]
        )
        context["sections"] = page_sections(home_page, self.request)
        return context


class MovementListView(DirectoryFilterView):
    filterset_class = MovementFilter
    template_name = "movements/movement_list.html"
    context_object_name = "movements"

    def get_queryset(self):
        return Movement.objects.visible().with_counts().with_taxonomy()


class MovementDetailView(DetailView):
    context_object_name = "movement"

    def get_queryset(self):
        return Movement.objects.visible().with_counts().with_taxonomy().with_participations()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        movement = self.object
        tensions = Tension.objects.involving(movement).filter(
            movement_a__archived_at__isnull=True, movement_b__archived_at__isnull=True
        )
        context["tensions"] = [
            (t.movement_b if t.movement_a_id == movement.pk else t.movement_a, t.note)
            for t in tensions
        ]
        context["sections"] = page_sections(movement_page, self.request, movement=movement)
        return context


class OrganizationListView(DirectoryFilterView):
    filterset_class = OrganizationFilter
    template_name = "movements/organization_list.html"
    context_object_name = "organizations"

    def get_queryset(self):
        return Organization.objects.visible().with_counts().with_region().with_current_movements()


class OrganizationDetailView(DetailView):
    context_object_name = "organization"

    def get_queryset(self):
        return (
            Organization.objects.visible()
            .with_counts()
            .with_region()
            .with_participations()
            .with_organize_state(self.request.user)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = page_sections(
            organization_page, self.request, organization=self.object
        )
        return context


# --- organizer access ---------------------------------------------------------------------


def organize_context(request, organization: Organization, **extra) -> dict:
    """What the organize page shows ``request.user`` about ``organization`` (annotated by
    ``with_organize_state``): their own open request, and the open requests they decide."""
    user = request.user
    my_request = None
    if organization.viewer_asked:
        my_request = (
            OrganizerRequest.objects.open().of_user(user).filter(organization=organization).first()
        )
    requests_to_decide = (
        OrganizerRequest.objects.decidable_by(user)
        .open()
        .filter(organization=organization)
        .with_people()
        .order_by("created_at", "pk")
    )
    return {
        "organization": organization,
        "my_request": my_request,
        "requests_to_decide": list(requests_to_decide),
        **extra,
    }


class OrganizeView(LoginRequiredMixin, FormView):
    """``/organizations/<slug>/organize/``: ask to organize for the organization (GET the
    form, POST it: ``organizer_request_create``). Someone who organizes there already is
    offered "Step down" instead, someone waiting sees their request; its deciders also see
    the open requests to decide. A refusal from the service answers 409 with its
    message, a bad note 400."""

    form_class = OrganizerRequestForm
    template_name = ORGANIZE_TEMPLATE = "movements/organization_organize.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organization = get_object_or_404(
                Organization.objects.visible().with_organize_state(request.user),
                slug=kwargs["slug"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(organize_context(self.request, self.organization))
        return context

    def form_valid(self, form):
        member = member_for_user(user=self.request.user)
        try:
            organizing.organizer_request_create(
                member=member, organization=self.organization, note=form.cleaned_data["note"]
            )
        except organizing.OrganizerRequestError as error:
            context = self.get_context_data(form=form, refused=str(error))
            return self.render_to_response(context, status=409)
        messages.success(
            self.request,
            f"Your request to organize for {self.organization.name} is on its way. You will "
            "hear by mail when it is decided.",
        )
        return redirect(self.organization)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StepDownView(LoginRequiredMixin, TemplateView):
    """``/organizations/<slug>/step-down/``: GET asks to confirm, POST makes the signed-in
    organizer stop organizing for the organization (``organizer_step_down``). 403 for
    anyone who does not organize there."""

    template_name = "movements/organization_step_down.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organization = get_object_or_404(
                Organization.objects.visible(), slug=kwargs["slug"]
            )
            self.member = Member.objects.for_user(request.user)
            if organizing.organizing_membership(self.member, self.organization) is None:
                raise PermissionDenied(f"You do not organize for {self.organization.name}.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(organization=self.organization, **kwargs)

    def post(self, request, slug):
        organization = self.organization
        try:
            organizing.organizer_step_down(member=self.member, organization=organization)
        except organizing.NotOrganizer as error:  # stepped down a moment ago, elsewhere
            raise PermissionDenied(str(error)) from error
        messages.success(
            request,
            f"You no longer organize for {organization.name}; you stay one of its members.",
        )
        return redirect(organization)


class OrganizerRequestDecideView(LoginRequiredMixin, View):
    """POST ``/organizer-requests/<pk>/approve/`` or ``…/decline/`` (``decision``), from the
    organize page or /me/, which say where to go back to in ``next``. A request decided
    already (or an archived organization) answers 409 with the organize page and why."""

    http_method_names = ["post"]
    decision = ""  # "approve" or "decline", given in the URLconf

    def post(self, request, pk):
        organizer_request = get_object_or_404(
            OrganizerRequest.objects.visible_to(request.user).with_people(), pk=pk
        )
        service = {
            "approve": organizing.organizer_request_approve,
            "decline": organizing.organizer_request_decline,
        }[self.decision]
        try:
            organizer_request = service(request=organizer_request, by=request.user)
        except (organizing.OwnRequest, organizing.NotADecider) as error:
            raise PermissionDenied(str(error)) from error
        except organizing.OrganizerRequestError as error:
            organization = Organization.objects.with_organize_state(request.user).get(
                pk=organizer_request.organization_id
            )
            context = organize_context(
                request, organization, refused=str(error), form=OrganizerRequestForm()
            )
            return TemplateResponse(request, OrganizeView.ORGANIZE_TEMPLATE, context, status=409)
        name, organization = organizer_request.member.name, organizer_request.organization
        if self.decision == "approve":
            text = f"Approved: {name} organizes for {organization.name} now."
        else:
            text = f"Declined {name}'s request to organize for {organization.name}."
        messages.success(request, f"{text} They are told by mail.")
        return redirect(self.next_url(organization))

    def next_url(self, organization: Organization) -> str:
        url = self.request.POST.get("next", "")
        if url and url_has_allowed_host_and_scheme(
            url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return url
        return reverse("movements:organization_organize", kwargs={"slug": organization.slug})
