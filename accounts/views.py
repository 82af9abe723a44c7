"""Accounts: signing up, logging out with a message, and the signed-in person's own page.

Logging in and the password views are Django's own (see ``account_urls.py``); only the
templates are ours. ``/me/`` shows the signed-in person their own data and nothing about
anyone else; ``/me/data.json`` hands all of it over and ``/me/delete/`` deletes the account
(``accounts.services``).
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import F
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.forms import AccountDeleteForm, PasswordChangeForm, SignupForm, VisibilityForm
from accounts.selectors import member_data, member_timeline, timeline_by_year
from accounts.services import account_create, account_delete, member_set_visibility
from core.roles import is_curator
from core.views import InvalidFormIs400
from events.models import RSVP
from events.permissions import is_organizer
from events.services import EventBusy
from movements.models import MembershipRole, Visibility
from movements.services import member_for_user

ORGANIZING_ROLES = {MembershipRole.ORGANIZER, MembershipRole.LEADER}
# Memberships and engagements, latest start first; unknown starts last on every database.
LATEST_FIRST = (F("since").desc(nulls_last=True), "-pk")


class SignupView(InvalidFormIs400, FormView):
    form_class = SignupForm
    template_name = "registration/signup.html"
    success_url = reverse_lazy("me")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("me")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.save(commit=False)
        account_create(user=user, name=form.cleaned_data["name"])
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            f"Welcome to Coalition, {user.get_username()}! Your profile is private: only you "
            "and the curators can see it. You can change that below.",
        )
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only) with a goodbye message on the page it lands on."""

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.info(request, "You are logged out. See you soon.")
        return response


class MeView(LoginRequiredMixin, TemplateView):
    """The signed-in person's own page: RSVPs, organizations, engagement history, roles
    and the visibility setting (changed by POSTing here)."""

    template_name = "accounts/me.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        member = member_set_visibility(
            member=self.member, visibility=form.cleaned_data["visibility"]
        )
        if member.visibility == Visibility.PUBLIC:
            message = "Your profile is now public."
        else:
            message = "Your profile is now private."
        messages.success(request, message)
        return HttpResponseRedirect(request.path)

    def _form(self, data=None) -> VisibilityForm:
        self.member = member_for_user(user=self.request.user)
        return VisibilityForm(data=data, instance=self.member)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.member
        today = timezone.localdate()

        memberships = list(
            member.memberships.with_running(today)
            .select_related("organization")
            .order_by(*LATEST_FIRST)
        )
        current = [m for m in memberships if m.running]
        past = [m for m in memberships if not m.running]
        context.update(
            member=member,
            rsvps=RSVP.objects.filter(member=member, event__ends_at__gte=timezone.now())
            .active()
            .select_related("event")
            .order_by("event__starts_at", "event__pk"),
            current_memberships=current,
            past_memberships=past,
            organizing_for=[
                m.organization
                for m in current
                if m.until is None
                and m.role in ORGANIZING_ROLES
                and m.organization.archived_at is None
            ],
            engagements=member.engagements.select_related("movement", "organization").order_by(
                *LATEST_FIRST
            ),
            timeline=timeline_by_year(member_timeline(member)),
            is_curator=is_curator(self.request.user),
            can_create_events=is_organizer(self.request.user),
            today=today,
        )
        return context


class PasswordFormMixin:
    """Hands the form the request (and the user), for ``password_check``."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordChangeView(InvalidFormIs400, PasswordFormMixin, auth_views.PasswordChangeView):
    """Django's password change with the old password throttled (``PasswordChangeForm``);
    a form sent back with errors answers 400."""

    form_class = PasswordChangeForm


class MyDataView(LoginRequiredMixin, View):
    """Everything stored about the signed-in person, as a JSON download."""

    def get(self, request, *args, **kwargs):
        response = JsonResponse(
            member_data(user=request.user), json_dumps_params={"indent": 2, "ensure_ascii": False}
        )
        response["Content-Disposition"] = 'attachment; filename="coalition-my-data.json"'
        response["Cache-Control"] = "private, no-store"
        return response


class AccountDeleteView(LoginRequiredMixin, InvalidFormIs400, PasswordFormMixin, FormView):
    """Asks for the password, then deletes the account (``account_delete``) and logs out."""

    form_class = AccountDeleteForm
    template_name = "accounts/me_delete.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        member = member_for_user(user=self.request.user)
        return super().get_context_data(
            upcoming_rsvps=RSVP.objects.filter(member=member, event__starts_at__gt=timezone.now())
            .active()
            .count(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            account_delete(user=self.request.user)
        except EventBusy as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        logout(self.request)
        messages.success(
            self.request,
            "Your account is deleted. Your name and email are gone; your past engagement "
            "counts only in anonymous totals. Thank you for taking part.",
        )
        return redirect("movements:home")
