"""Accounts: signing up, confirming an address, logging out with a message, and the
signed-in person's own page.

Logging in is Django's view with our form, by email address or username
(``accounts.backends``); the password reset views are Django's own (see ``urls.py``),
only the templates are ours. Every form that asks for the password again (password change, email
change, account deletion) checks it through ``accounts.services.password_check``, which
django-axes throttles like a login. ``/me/`` shows the signed-in person their own data
and nothing about anyone else; ``/me/data.json`` hands all of it over and ``/me/delete/``
deletes the account (``accounts.services``).
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import F
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from accounts.forms import (
    AccountDeleteForm,
    EmailChangeForm,
    InvitesForm,
    LoginForm,
    PasswordChangeForm,
    SignupForm,
    VisibilityForm,
)
from accounts.selectors import (
    calendar_feed_links,
    invitations_for,
    member_data,
    member_timeline,
    organizer_dashboard,
    organizer_requests_on_me,
    timeline_by_year,
)
from accounts.services import (
    VerificationTooSoon,
    account_delete,
    account_email_verify,
    account_sign_up,
    email_change_confirm,
    email_change_link,
    email_change_request,
    email_verification_resend,
    login_failures_clear,
    member_set_invites,
    member_set_visibility,
)
from core.roles import is_curator
from core.views import InvalidFormIs400
from events.models import RSVP
from events.permissions import is_organizer
from events.services import EventBusy
from movements.models import MembershipRole, Visibility
from movements.services import member_for_user
from movements.verification import (
    EmailAlreadyVerified,
    VerificationLinkInvalid,
    invites_unsubscribe,
    is_verified,
    unsubscribe_link_member,
    verification_link_member,
)

ORGANIZING_ROLES = {MembershipRole.ORGANIZER, MembershipRole.LEADER}
# Memberships and engagements, latest start first; unknown starts last on every database.
LATEST_FIRST = (F("since").desc(nulls_last=True), "-pk")


# A longer ``next`` is dropped rather than carried into links and mails.
NEXT_MAX_LENGTH = 2000


def safe_next(request, url: str) -> str:
    """``url`` when it points into this site (and is not absurdly long), else ""."""
    if (
        url
        and len(url) <= NEXT_MAX_LENGTH
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return ""


def with_next(path: str, next_url: str) -> str:
    """``path`` with ``?next=next_url`` when there is one (already checked by
    ``safe_next``)."""
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


class LoginView(auth_views.LoginView):
    """Django's login, by email address or username (``LoginForm``). After a login by
    address, the failures counted for that address are cleared too."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        login_failures_clear(request=self.request, identifier=form.cleaned_data["username"])
        return response


class SignupView(InvalidFormIs400, FormView):
    """Sign up. Whether or not the address already has an account, the answer is the
    same redirect to "check your inbox" (``account_sign_up`` decides what the mail
    says); nobody is logged in until they open the link. ``next`` (a path on this site)
    travels on: into the mailed link, and into every link to logging in."""

    form_class = SignupForm
    template_name = "registration/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(self._next() or "me")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"next": self._next()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self._next(), **kwargs)

    def form_valid(self, form):
        next_url = self._next()
        account_sign_up(
            user=form.new_user(),
            name=form.cleaned_data["name"],
            next_url=next_url,
            invites=form.cleaned_data["invites"],
        )
        return redirect(with_next(reverse("signup_sent"), next_url))

    def _next(self) -> str:
        request = self.request
        return safe_next(request, request.POST.get("next") or request.GET.get("next", ""))


class SignupSentView(TemplateView):
    """The "check your inbox" page: the same whatever happened to the address."""

    template_name = "registration/signup_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            next=safe_next(self.request, self.request.GET.get("next", "")), **kwargs
        )


class EmailVerifyView(TemplateView):
    """The link in a verification mail. GET shows a button (so that mail scanners, which
    follow links, confirm nothing); POST confirms the address (``account_email_verify``,
    which may link the login to the roster member the address stood for) and, on the
    first confirmation, logs the person in and takes them to ``next`` or /me/, welcomed
    by their name."""

    template_name = "registration/email_verify.html"

    def get(self, request, *args, token, **kwargs):
        try:
            verification_link_member(token)
        except VerificationLinkInvalid as error:
            return self.render_to_response({"error": str(error), "next": self._next()}, status=400)
        return self.render_to_response(self.get_context_data(next=self._next()))

    def post(self, request, *args, token, **kwargs):
        try:
            member = account_email_verify(token)
        except VerificationLinkInvalid as error:
            return self.render_to_response({"error": str(error), "next": self._next()}, status=400)
        except EmailAlreadyVerified:
            messages.info(request, "Your address is already confirmed. Log in to continue.")
            if request.user.is_authenticated:
                return redirect(self._next() or "me")
            return redirect(with_next(reverse("login"), self._next() or reverse("me")))
        user = member.user
        if user is not None and user.is_active:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"Thank you, {member.name}: your email address is confirmed. Your profile is "
            "private: only you and the curators can see it. You can change that on your "
            "page.",
        )
        return redirect(self._next() or "me")

    def _next(self) -> str:
        request = self.request
        return safe_next(request, request.POST.get("next") or request.GET.get("next", ""))


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
            invites_form=(
                kwargs.get("invites_form") or InvitesForm(initial={"invites": member.invites})
            ),
            email_verified=is_verified(member),
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
            host_invitations=invitations_for(self.request.user),
            calendar_feed=calendar_feed_links(member),
        )
        context.update(organizer_requests_on_me(self.request.user))
        context.update(organizer_dashboard(self.request.user))
        return context


class InvitesView(MeView):
    """The invitations section of /me/ (POST): "invite me to joint events of my
    movements", on or off (``member_set_invites``)."""

    def get(self, request, *args, **kwargs):
        return redirect("me")

    def post(self, request, *args, **kwargs):
        member = member_for_user(user=request.user)
        form = InvitesForm(data=request.POST)
        if not form.is_valid():  # a checkbox reads any value; kept for safety
            return self.render_to_response(
                self.get_context_data(form=self._form(), invites_form=form), status=400
            )
        member = member_set_invites(member=member, invites=form.cleaned_data["invites"])
        if member.invites:
            text = "You will be invited to joint events of your movements."
            if not is_verified(member):
                text += " Invitations start once you confirm your email address."
        else:
            text = "You will get no invitations to joint events."
        messages.success(request, text)
        return redirect(f"{reverse('me')}#invites-title")


@method_decorator(csrf_exempt, name="dispatch")
class InvitesUnsubscribeView(TemplateView):
    """The one-click way out of invitations, linked from every invitation mail and named
    in its ``List-Unsubscribe`` header. GET shows a button (mail scanners follow links);
    POST turns invitations off for the member the signed link names
    (``invites_unsubscribe``). Exempt from CSRF, needing no cookie or login, because mail
    programs POST here on their own (RFC 8058, ``List-Unsubscribe=One-Click``): the
    signed link is the whole authority, and all it can do is turn invitations off."""

    template_name = "accounts/invites_unsubscribe.html"

    def get(self, request, *args, token, **kwargs):
        try:
            member = unsubscribe_link_member(token)
        except VerificationLinkInvalid as error:
            return self.render_to_response({"error": str(error)}, status=400)
        return self.render_to_response({"already": not member.invites})

    def post(self, request, *args, token, **kwargs):
        try:
            invites_unsubscribe(token)
        except VerificationLinkInvalid as error:
            return self.render_to_response({"error": str(error)}, status=400)
        return self.render_to_response({"done": True})


class EmailVerificationSendView(MeView):
    """The "send the link again" button on /me/ (POST): one verification mail, at most
    once a minute (``email_verification_resend``); too soon answers 429 with /me/ and a
    message."""

    def get(self, request, *args, **kwargs):
        return redirect("me")

    def post(self, request, *args, **kwargs):
        member = member_for_user(user=request.user)
        if not member.email:
            messages.error(request, "Your account has no email address to confirm.")
            return redirect("me")
        if is_verified(member):
            messages.info(request, "Your address is already confirmed.")
            return redirect("me")
        try:
            email_verification_resend(member=member)
        except VerificationTooSoon as error:
            messages.error(request, str(error))
            return self.render_to_response(self.get_context_data(form=self._form()), status=429)
        messages.success(request, f"We sent a new link to {member.email}. It works for 3 days.")
        return redirect("me")


class PasswordFormMixin:
    """Hands the form the request (and the user), for ``password_check``."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class EmailChangeView(LoginRequiredMixin, InvalidFormIs400, PasswordFormMixin, FormView):
    """Change my email: asks for the new address and the password, then mails a link to
    the new address (``email_change_request``); the address changes when it is opened."""

    form_class = EmailChangeForm
    template_name = "accounts/me_email.html"

    def get_form_kwargs(self):
        self.member = member_for_user(user=self.request.user)
        return {**super().get_form_kwargs(), "user": self.request.user, "member": self.member}

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        email_change_request(member=self.member, new_email=email)
        messages.success(
            self.request,
            f"We sent a link to {email}. Your address changes when you open it; until then "
            "it stays as it was.",
        )
        return redirect("me")


class EmailChangeConfirmView(TemplateView):
    """The link in an email change mail: GET shows a button, POST makes the change
    (``email_change_confirm``). It logs nobody in."""

    template_name = "registration/email_change_confirm.html"

    def get(self, request, *args, token, **kwargs):
        try:
            _member, new_email = email_change_link(token)
        except VerificationLinkInvalid as error:
            return self.render_to_response({"error": str(error)}, status=400)
        return self.render_to_response(self.get_context_data(new_email=new_email))

    def post(self, request, *args, token, **kwargs):
        try:
            member = email_change_confirm(token)
        except VerificationLinkInvalid as error:
            return self.render_to_response({"error": str(error)}, status=400)
        messages.success(request, f"Your email address is now {member.email}, confirmed.")
        return redirect("me")


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
