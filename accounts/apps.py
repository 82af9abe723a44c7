from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign up, log in, /me/, a member's own data and its deletion."""

    name = "accounts"
    verbose_name = "Accounts"
