from django.apps import AppConfig


class CoalitionConfig(AppConfig):
    name = "coalition"
    verbose_name = "Coalition"

    def ready(self):
        from movements.signals import network_imported

        connect_network_version()
        connect_events_version()
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
    overlap or a directory page, and on every import (its bulk writes send no model
    signals). Members count too: the home page shows how many people take part."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from coalition.cache import network_changed
    from movements.models import (
        Engagement,
        Member,
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
        Member,
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


def connect_events_version():
    """Bump the events version (coalition/cache.py) on every write to events and RSVPs
    and after their bulk updates (``events.signals.events_bulk_changed``)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from coalition.cache import events_changed
    from events.models import RSVP, Event
    from events.signals import events_bulk_changed

    for model in (Event, RSVP):
        uid = f"coalition.events_version.{model._meta.label_lower}"
        post_save.connect(events_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(events_changed, sender=model, dispatch_uid=f"{uid}.delete")
    for field in ("movements", "hosts"):
        m2m_changed.connect(
            events_changed,
            sender=getattr(Event, field).through,
            dispatch_uid=f"coalition.events_version.event_{field}",
        )
    events_bulk_changed.connect(events_changed, dispatch_uid="coalition.events_version.bulk")


def checked_in(sender, update_fields=None, using=None, **kwargs):
    from coalition.cache import network_changed

    if update_fields and "checked_in_at" in update_fields:
        network_changed(using=using)
