"""The proposals pages: joint events the data suggests, and the decision on each.

``/proposals/`` lists open proposals best first (``network/proposals/filters.py`` holds the
filters; bad values answer 400). ``/proposals/<pk>/`` shows one with its suggested agenda.
Organizers of a suggested host organization, and curators, may **accept** it (a draft event
is made by ``services.proposal_accept`` and they land on its form) or **dismiss** it
(``proposal_dismiss``; it does not come back, and its page is 404 for everyone but
curators). Who may decide is ``events.permissions``' call. Anonymous visitors are sent to
log in, anyone else signed in without the right gets 403. No person is ever shown here.

Every page runs a fixed number of queries: ``proposal_cards()`` reads the tensions, themes,
tactics and the viewer's organizations once for the whole page.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import DetailView

from core.roles import is_curator
from core.text import join_names
from core.views import DirectoryFilterView
from events.models import Proposal, ProposalStatus
from events.permissions import (
    CANNOT_DECIDE_PROPOSAL,
    can_decide_proposal,
    can_manage_event,
    proposal_host_choices,
)
from movements.models import Organization
from network.proposals.filters import ProposalFilter
from network.proposals.selectors import proposal_cards, proposals_for_cards
from network.proposals.services import ProposalError, proposal_accept, proposal_dismiss
from network.views import overlap_url

ACCEPTED = "Draft event created from the proposal — set the date and publish."
INVITED = " Invited to co-host: {names} (their organizers are mailed)."
DISMISS_REASON_MAX_LENGTH = 1000


# --- forms ---------------------------------------------------------------------------------


class AcceptProposalForm(forms.Form):
    """Which organization the viewer hosts for, and the movement it stands for: one of
    ``choices`` (``events.permissions.proposal_host_choices``), the first preselected."""

    host = forms.ChoiceField(
        label="You host for",
        widget=forms.RadioSelect,
        help_text=(
            "Your organization is the event's first confirmed host, standing for this "
            "movement; its organizers can edit, publish and run the event. The first "
            "suggested host of each other movement is invited to co-host."
        ),
        error_messages={
            "required": "Choose the organization you host for and the movement it stands for.",
            "invalid_choice": "“%(value)s” is not a suggested host you can host for.",
        },
    )

    def __init__(self, *args, choices: list, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.pairs = {
            f"{organization.slug}:{movement.slug}": (organization, movement)
            for organization, movement in choices
        }
        self.fields["host"].choices = [
            (key, f"{organization.name}, for {movement.name}")
            for key, (organization, movement) in self.pairs.items()
        ]
        if self.pairs:
            self.fields["host"].initial = next(iter(self.pairs))

    def clean_host(self) -> tuple:
        return self.pairs[self.cleaned_data["host"]]


class DismissProposalForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=DISMISS_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it does not fit; kept with the proposal for curators.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# --- pages ---------------------------------------------------------------------------------


class ProposalListView(DirectoryFilterView):
    filterset_class = ProposalFilter
    template_name = "network/proposal_list.html"
    context_object_name = "proposals"

    def get_queryset(self):
        return proposals_for_cards(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cards = proposal_cards(context["proposals"], viewer=self.request.user)
        context["proposals"] = context["object_list"] = cards
        cleaned = getattr(self.filterset.form, "cleaned_data", {})
        status = cleaned.get("status") or ProposalStatus.OPEN
        context["status"] = status
        context["status_label"] = ProposalStatus(status).label.lower()
        # Open is the default: choosing it explicitly applies no filter.
        context["filters_active"] = not context["filters_invalid"] and any(
            value not in (None, "") for name, value in cleaned.items() if name != "status"
        )
        context["status_filtered"] = status != ProposalStatus.OPEN
        return context


def visible_proposal(request, pk: int) -> Proposal:
    """The proposal at ``pk``; dismissed ones exist only for curators (404 otherwise)."""
    proposal = get_object_or_404(proposals_for_cards(request.user), pk=pk)
    if proposal.status == ProposalStatus.DISMISSED and not is_curator(request.user):
        raise Http404("No proposal here.")
    return proposal


def detail_context(request, proposal: Proposal, *, accept_form=None) -> dict:
    """What the proposal page shows: the card, its agenda and the decision controls."""
    proposal_cards([proposal], viewer=request.user)
    movements = list(proposal.movements.all())
    can_decide = proposal.status == ProposalStatus.OPEN and can_decide_proposal(
        request.user, proposal
    )
    if can_decide and accept_form is None:
        accept_form = AcceptProposalForm(choices=proposal_host_choices(request.user, proposal))
    return {
        "proposal": proposal,
        "can_decide": can_decide,
        "accept_form": accept_form if can_decide else None,
        "overlap_url": overlap_url(*movements) if len(movements) == 2 else "",
        "ask_hosts": ask_hosts(request.user, proposal),
    }


def ask_hosts(user, proposal: Proposal) -> list[Organization]:
    """The suggested hosts of an open proposal that ``user`` does not organize for, for the
    "Ask to organize" links of its "Run it" box, each with ``viewer_asked`` (a request of
    theirs waits there). None for curators, who may run it for any of them. One query for
    a signed-in visitor, none for anyone else."""
    if proposal.status != ProposalStatus.OPEN or is_curator(user):
        return []
    hosts = [host for host in proposal.card_hosts if host.archived_at is None]
    if not user.is_authenticated:
        for host in hosts:
            host.viewer_organizes = host.viewer_asked = False
        return hosts
    return list(
        Organization.objects.filter(pk__in=[host.pk for host in hosts])
        .with_organize_state(user)
        .filter(viewer_organizes=False)
        .order_by("name", "pk")
    )


class ProposalDetailView(DetailView):
    template_name = "network/proposal_detail.html"

    def get_object(self, queryset=None):
        return visible_proposal(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.request, self.object))
        return context


class DecideProposalMixin(LoginRequiredMixin):
    """The proposal at ``pk`` for those who may accept or dismiss it; 403 for the rest."""

    def get_proposal(self) -> Proposal:
        proposal = visible_proposal(self.request, self.kwargs["pk"])
        if not can_decide_proposal(self.request.user, proposal):
            raise PermissionDenied(CANNOT_DECIDE_PROPOSAL)
        return proposal


class ProposalAcceptView(DecideProposalMixin, View):
    """POST: turn the proposal into a draft event hosted by the chosen organization (for
    the chosen movement), inviting the other movements' first suggested hosts, and send
    the organizer to the event form. Bad host choices answer 400, a refusal from the
    service 409, both on the proposal page with the reason; nothing is changed."""

    http_method_names = ["post"]

    def post(self, request, pk):
        proposal = self.get_proposal()
        if proposal.status == ProposalStatus.ACCEPTED:
            return self._already_accepted(proposal)
        form = AcceptProposalForm(
            request.POST, choices=proposal_host_choices(request.user, proposal)
        )
        if not form.is_valid():
            return self._detail(proposal, form, status=400)
        organization, movement = form.cleaned_data["host"]
        try:
            event = proposal_accept(
                proposal=proposal, user=request.user, organization=organization, movement=movement
            )
        except ProposalError as error:
            messages.error(request, str(error))
            return self._detail(proposal, form, status=409)
        invited = event.event_hosts.invited().order_by("organization__name")
        names = [host.organization.name for host in invited.select_related("organization")]
        text = ACCEPTED + (INVITED.format(names=join_names(names)) if names else "")
        messages.success(request, text)
        return redirect("events:event_edit", slug=event.slug)

    def _already_accepted(self, proposal: Proposal):
        event = proposal.linked_events[0] if proposal.linked_events else None
        if event is not None and can_manage_event(self.request.user, event):
            messages.info(self.request, "This proposal was already accepted: here is its event.")
            return redirect("events:event_edit", slug=event.slug)
        messages.info(self.request, "This proposal was already accepted.")
        return redirect(proposal)

    def _detail(self, proposal: Proposal, form, *, status: int):
        context = detail_context(self.request, proposal, accept_form=form)
        return TemplateResponse(
            self.request, "network/proposal_detail.html", context, status=status
        )


class ProposalDismissView(DecideProposalMixin, View):
    """GET: confirm, with an optional reason. POST: dismiss for good and go back to the
    list. A reason too long answers 400; a refusal from the service (the proposal was
    accepted) 409, both on the confirm page; nothing is changed."""

    template_name = "network/proposal_dismiss.html"

    def get(self, request, pk):
        proposal = self.get_proposal()
        if proposal.status != ProposalStatus.OPEN:
            return self._not_open(proposal)
        return self._confirm(proposal, DismissProposalForm())

    def post(self, request, pk):
        proposal = self.get_proposal()
        if proposal.status == ProposalStatus.DISMISSED:
            return self._not_open(proposal)
        form = DismissProposalForm(request.POST)
        if not form.is_valid():
            return self._confirm(proposal, form, status=400)
        try:
            proposal_dismiss(
                proposal=proposal, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ProposalError as error:
            messages.error(request, str(error))
            return self._confirm(proposal, form, status=409)
        messages.success(request, f"Dismissed “{proposal.title}”. It will not be proposed again.")
        return redirect("proposals:proposal_list")

    def _not_open(self, proposal: Proposal):
        if proposal.status == ProposalStatus.DISMISSED:
            messages.info(self.request, "This proposal was already dismissed.")
        else:
            messages.info(self.request, "This proposal was accepted; cancel its event instead.")
        return redirect(proposal)

    def _confirm(self, proposal: Proposal, form, *, status: int = 200):
        context = {"proposal": proposal, "form": form}
        return TemplateResponse(self.request, self.template_name, context, status=status)
