from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: rules that must never drift, shared filters and list views, cache
    primitives, the app settings object. Imports no other app of the project."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import checks  # noqa: F401 (registers the settings check)
