from django.apps import AppConfig


class CoalitionConfig(AppConfig):
    name = "coalition"
    verbose_name = "Coalition"

    def ready(self):
        from movements.signals import network_imported

        connect_network_version()
        # After the version bump connected above: proposals must not read stale overlaps.
        network_imported.connect(
            refresh_proposals_after_import, dispatch_uid="coalition.refresh_proposals"
        )


def refresh_proposals_after_import(sender, summary, **kwargs):
    """Proposals follow the data: recompute them whenever an import lands."""
    from coalition.proposals import proposals_refresh

    proposals_refresh()


def connect_network_version():
    """Bump the network version (coalition/cache.py) on every write that can change an
    overlap, and on every import (its bulk writes send no model signals)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from coalition.cache import network_changed
    from movements.models import (
        Engagement,
        Membership,
        Movement,
        Organization,
        Participation,
        Region,
        Tactic,
        Tension,
        Theme,
    )
    from movements.signals import network_imported

    for model in (
        Engagement,
        Participation,
        Membership,
        Movement,
        Organization,
        Tension,
        Theme,
        Tactic,
        Region,
    ):
        uid = f"coalition.network_version.{model._meta.label_lower}"
        post_save.connect(network_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(network_changed, sender=model, dispatch_uid=f"{uid}.delete")
    for field in ("themes", "tactics", "regions"):
        through = getattr(Movement, field).through
        m2m_changed.connect(
            network_changed, sender=through, dispatch_uid=f"coalition.network_version.{field}"
        )
    network_imported.connect(network_changed, dispatch_uid="coalition.network_version.import")
    # Check-in saves the RSVP, then bulk-creates attendance engagements in one transaction.
    post_save.connect(
        checked_in, sender="events.RSVP", dispatch_uid="coalition.network_version.check_in"
    )


def checked_in(sender, update_fields=None, using=None, **kwargs):
    from coalition.cache import network_changed

    if update_fields and "checked_in_at" in update_fields:
        network_changed(using=using)
