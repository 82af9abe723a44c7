"""Forms for accounts: signing up and choosing who may see your profile."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from movements.models import Member, Visibility

User = get_user_model()


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


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for the password again, so a borrowed session cannot."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your password. Nothing was deleted.", code="password_incorrect"
            )
        return password
