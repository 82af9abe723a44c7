from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: rules that must never drift, shared filters and list views, cache
    primitives, the app settings object. Imports no other app of the project."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_migrate

        from core import cache, checks  # noqa: F401 (checks registers the settings check)

        # The cache versions (core/cache.py): read once per request; moved past the clock
        # by every migrate.
        request_started.connect(cache.request_started, dispatch_uid="core.cache.started")
        request_finished.connect(cache.request_finished, dispatch_uid="core.cache.finished")
        post_migrate.connect(cache.advance_versions, sender=self, dispatch_uid="core.cache")
