from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: rules that must never drift, shared filters and list views, cache
    primitives. Imports no other app of the project."""

    name = "core"
    verbose_name = "Core"
