"""Forms for accounts: logging in, signing up, choosing who may see your profile, changing
the email address, and the forms that ask for the password again (through
``password_check``, so django-axes throttles them like logins)."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.views.decorators.debug import sensitive_variables

from accounts import mail
from accounts.selectors import normalize_email
from accounts.services import password_check
from movements.models import Member, Visibility
from worker.services import mail_queue

User = get_user_model()

# Who sees a person's email: one wording for /me/ and the address change (the sign-up page
# says it in its list of who sees what).
EMAIL_HELP = (
    "Your email is seen only by you and the site's curators; organizers reach you through "
    "messages the app sends, never by reading your address."
)
# The sign-up page lists who sees what above its form; the fields only recall it.
NAME_HELP = "The name organizers of the events you RSVP to see."
WRONG_PASSWORD = "That is not your password."
# What saying yes to invitations means: one wording for the sign-up form and /me/.
INVITES_LABEL = "Invite me to joint events of my movements"
INVITES_HELP = (
    "When a public event between two or more movements is published and you take part "
    "in one of them, you get one invitation mail for it, never a second. Off unless you "
    "tick it; sent only to a confirmed address; every invitation has a one-click way out. "
    "Organizers see how many people were invited, never who."
)


# Django's password validators, in words a person acts on (by the validator's error code).
PASSWORD_MESSAGES = {
    "password_too_short": "Too short: use at least %(min_length)d characters.",
    "password_too_common": (
        "This is one of the most common passwords, the first ones anyone guesses. Choose "
        "another: a few unrelated words make a good one."
    ),
    "password_entirely_numeric": "Use some letters too, not only digits.",
    "password_too_similar": "Too close to your name or email address: choose something else.",
}
INVALID_LOGIN = (
    "Wrong email, username or password. Check them and try again; the password is case-sensitive."
)


def password_help() -> str:
    """One line on what a new password needs, from the validators in force."""
    min_length = next(
        (
            validator.min_length
            for validator in password_validation.get_default_password_validators()
            if isinstance(validator, password_validation.MinimumLengthValidator)
        ),
        0,
    )
    rules = [f"At least {min_length} characters"] if min_length else []
    rules.append("not a common password, nor your email or name")
    text = "; ".join(rules)
    return f"{text[0].upper()}{text[1:]}."


def password_errors(error: forms.ValidationError) -> list[forms.ValidationError]:
    """The password validators' ``error``, each message in our words (``PASSWORD_MESSAGES``),
    codes kept."""
    errors = []
    for item in error.error_list:
        message = PASSWORD_MESSAGES.get(item.code)
        if message is None:
            errors.append(item)
        else:
            errors.append(forms.ValidationError(message, code=item.code, params=item.params))
    return errors


class PasswordShowInput(forms.PasswordInput):
    """A password field that ``static/js/password-toggle.js`` gives a "Show password"
    button; without JavaScript it is a plain password field."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"data-password-toggle": "", **(attrs or {})})


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form, for an email address or a username
    (``accounts.backends.EmailBackend``). A failed login never says whether the account
    exists."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": INVALID_LOGIN,
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = "Email or username"
        username.max_length = 254
        username.widget.attrs["maxlength"] = "254"
        self.fields["password"].widget.attrs["data-password-toggle"] = ""


class SignupForm(forms.Form):
    """A new login: the person's name, email address and password (once, with a "show
    password" button), their answer to invitations, and where to go once the address is
    confirmed (``next``). There is no username: it is the address (``account_sign_up``).

    The email is never refused for being in use: ``account_sign_up`` answers the same
    whether or not it is known. ``new_user()`` is the unsaved login."""

    name = forms.CharField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=NAME_HELP,
    )
    email = forms.EmailField(
        label="Email",
        # A username holds the address, and usernames are at most 150 characters.
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send a link to confirm it. Seen only by you and the curators.",
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=PasswordShowInput(attrs={"autocomplete": "new-password"}),
    )
    invites = forms.BooleanField(label=INVITES_LABEL, required=False, help_text=INVITES_HELP)
    # Carried, not checked here: the view keeps it only when it is on this site (safe_next).
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = password_help()

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    @sensitive_variables("password")
    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("password")
        if password:
            # Checked against the address and the name as well (the similarity rule).
            user = User(
                username=cleaned_data.get("email", ""),
                email=cleaned_data.get("email", ""),
                first_name=cleaned_data.get("name", ""),
            )
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", password_errors(error))
        return cleaned_data

    @sensitive_variables("password")
    def new_user(self):
        """The login to create, unsaved, its password hashed. Hashing here, before
        ``account_sign_up`` looks the address up, makes a known address take as long to
        answer as a new one."""
        email = self.cleaned_data["email"]
        user = User(username=email, email=email)
        user.set_password(self.cleaned_data["password"])
        return user


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
