from django.apps import AppConfig


class CoalitionConfig(AppConfig):
    name = "coalition"
    verbose_name = "Coalition"

    def ready(self):
        from movements.signals import network_imported

        network_imported.connect(
            refresh_proposals_after_import, dispatch_uid="coalition.refresh_proposals"
        )


def refresh_proposals_after_import(sender, summary, **kwargs):
    """Proposals follow the data: recompute them whenever an import lands."""
    from coalition.proposals import proposals_refresh

    proposals_refresh()
