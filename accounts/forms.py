"""Forms for accounts: signing up, choosing who may see your profile, changing the email
address, and the forms that ask for the password again (through ``password_check``, so
django-axes throttles them like logins)."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.views.decorators.debug import sensitive_variables

from accounts import mail
from accounts.services import password_check
from movements.models import Member, Visibility
from worker.services import mail_queue

User = get_user_model()

# Who sees a person's email and name: one wording for the sign-up form and /me/.
EMAIL_HELP = (
    "Your email is seen only by you and the site's curators; organizers reach you through "
    "messages the app sends, never by reading your address."
)
NAME_HELP = (
    "Optional; your username is used when empty. Organizers of an event you RSVP to see "
    "your name, the movement you chose to come through, your RSVP (going or waitlisted, "
    "guests, when) and whether you checked in. The public sees nothing of you unless you "
    "make your profile public; then your name and engagement history."
)
WRONG_PASSWORD = "That is not your password."
# What saying yes to invitations means: one wording for the sign-up form and /me/.
INVITES_LABEL = "Invite me to joint events of my movements"
INVITES_HELP = (
    "When a public event between two or more movements is published and you take part "
    "in one of them, you get one invitation mail for it, never a second. Off unless you "
    "tick it; sent only to a confirmed address; every invitation has a one-click way out. "
    "Organizers see how many people were invited, never who."
)


def normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip())


class SignupForm(UserCreationForm):
    """A new login: username, email, name and password twice, and where to go once the
    address is confirmed (``next``).

    The email is never refused for being in use: ``account_sign_up`` answers the same
    whether or not it is known. Saving creates the user only; ``account_sign_up`` does
    the rest."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=f"We send a link to confirm it. {EMAIL_HELP}",
    )
    name = forms.CharField(
        label="Your name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=NAME_HELP,
    )
    invites = forms.BooleanField(label=INVITES_LABEL, required=False, help_text=INVITES_HELP)
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    field_order = ("username", "email", "name", "password1", "password2", "invites")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class VisibilityForm(forms.ModelForm):
    """Private or public: who may see the signed-in person's name and history."""

    class Meta:
        model = Member
        fields = ("visibility",)
        widgets = {"visibility": forms.RadioSelect}
        labels = {"visibility": "Visibility"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["visibility"]
        field.choices = list(Visibility.choices)  # no empty choice
        field.error_messages["invalid_choice"] = "Choose private or public."


class InvitesForm(forms.Form):
    """Whether the signed-in person wants invitations to joint events of their movements
    (``accounts.services.member_set_invites`` saves it)."""

    invites = forms.BooleanField(label=INVITES_LABEL, required=False, help_text=INVITES_HELP)


class PasswordAskedAgainForm(forms.Form):
    """A form that asks the signed-in ``user`` for their password again, so a borrowed
    session cannot make the change. The check is ``password_check``: django-axes counts
    a wrong answer like a failed login and refuses every answer once locked out."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )
    wrong_password = WRONG_PASSWORD

    def __init__(self, *args, user, request, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    @sensitive_variables("password")
    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not password_check(request=self.request, user=self.user, password=password):
            raise forms.ValidationError(self.wrong_password, code="password_incorrect")
        return password


class AccountDeleteForm(PasswordAskedAgainForm):
    """Deleting an account asks for the password again."""

    wrong_password = f"{WRONG_PASSWORD} Nothing was deleted."


class EmailChangeForm(PasswordAskedAgainForm):
    """A new email address for the signed-in person, and their password. The address is
    never refused for being in use (``email_change_request`` answers the same)."""

    email = forms.EmailField(
        label="New email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=f"We send a link to it; your address changes when you open it. {EMAIL_HELP}",
    )
    wrong_password = f"{WRONG_PASSWORD} Your address was not changed."

    field_order = ("email", "password")

    def __init__(self, *args, member: Member, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if email.casefold() == self.member.email.casefold():
            raise forms.ValidationError("That is already your address.", code="unchanged")
        return email


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change, its old password checked by ``password_check`` (so
    throttled like logins). Needs the ``request``."""

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    @sensitive_variables("old_password")
    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not password_check(request=self.request, user=self.user, password=old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's password reset, its mail written to the outbox (``mail_queue``) rather
    than sent inside the request: the worker sends it, so the answer neither waits on the
    mail server nor takes longer for a known address than for an unknown one."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        mail_queue(
            messages=[
                mail.password_reset_message(
                    subject_template_name,
                    email_template_name,
                    context,
                    from_email=from_email,
                    to_email=to_email,
                    html_email_template_name=html_email_template_name,
                )
            ]
        )
