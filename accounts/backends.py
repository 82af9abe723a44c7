"""Logging in with an email address as well as a username, and the identifier django-axes
counts failed logins under.

``EmailBackend`` comes after django-axes' backend and Django's ``ModelBackend`` in
``AUTHENTICATION_BACKENDS``: axes refuses a locked-out identifier first, ``ModelBackend``
tries the identifier as a username (demo logins and every username keep working), and
``EmailBackend`` then tries it as an email address. A failed attempt is one failure
whichever backend looked, since ``authenticate()`` signals one failure per call.

django-axes keys its counts by the identifier the person typed, made canonical by
``login_identifier`` (``AXES_USERNAME_CALLABLE``): an address counts the same whatever its
case, so "Ada@Example.org" and "ADA@example.org" share one count; a username counts as
typed, as usernames are case-sensitive.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts.selectors import identifier_key, normalize_email, users_with_email


def login_identifier(request, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the canonical identifier (``identifier_key``) of an
    attempt, from the credentials given to ``authenticate()`` or else the posted form."""
    if credentials:
        identifier = credentials.get("username")
    else:
        identifier = getattr(request, "data", request.POST).get("username")
    return identifier_key(identifier)


class EmailBackend(ModelBackend):
    """Logs in by email address: the identifier, normalized, compared without case with
    the addresses of logins and of their Member records (``users_with_email``).

    Only an address that belongs to exactly one login logs in: an address several logins
    share (older data) logs nobody in by email, and the answer is the same "wrong email
    or password" as for an unknown address. Whatever happens, one password hash is
    computed, so the time taken does not tell whether the address is known."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None or "@" not in username:
            return None
        users = list(users_with_email(normalize_email(username))[:2])
        if len(users) != 1:
            get_user_model()().set_password(password)  # as long as a wrong password
            return None
        [user] = users
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
