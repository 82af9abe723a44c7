from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Events"

    def ready(self):
        # Events, RSVPs and proposal decisions travel in the network document.
        from events.exchange import EVENTS_PART
        from movements.exchange import register_part

        register_part(EVENTS_PART)

        # Merging organizations carries the events they host along.
        from events import receivers

        receivers.connect()
