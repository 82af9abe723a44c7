from django.apps import AppConfig


class APIConfig(AppConfig):
    """The REST API under /api/."""

    name = "api"
    verbose_name = "REST API"
