from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """The analysis layer: overlaps, the map, proposals and engagement insights."""

    name = "network"
    verbose_name = "Network analysis"

    def ready(self):
        from network import receivers

        receivers.connect()
