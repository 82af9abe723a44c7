"""Forms for accounts: signing up, choosing who may see your profile, and the forms that
ask for the password again (through ``password_check``, so django-axes throttles them like
logins)."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.views.decorators.debug import sensitive_variables

from accounts.services import password_check
from movements.models import Member, Visibility

User = get_user_model()

WRONG_PASSWORD = "That is not your password."


class SignupForm(UserCreationForm):
    """A new login: username, email (unique, whatever its case), name and password twice.

    Saving creates the user only; the view creates their Member record (``account_create``).
    """

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="For password resets and event mail. Never shown to anyone.",
    )
    name = forms.CharField(
        label="Your name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=(
            "Optional. Shown to organizers of events you go to, and to others only if you "
            "make your profile public. Your username is used when empty."
        ),
    )

    field_order = ("username", "email", "name", "password1", "password2")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. Log in, or reset your "
                "password if you have forgotten it.",
                code="duplicate_email",
            )
        return email

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
