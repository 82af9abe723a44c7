"""Signal receivers of the analysis layer, connected once by ``NetworkConfig.ready()``.

They add the analysis layer's sections to the directory's pages (``network/sections.py``),
keep the caches true (``core.cache``: the network and events versions move on every
write that can change an overlap, a directory page or an events page) and ask for a
proposal refresh after every write that can change a proposal and after every import
(``network.tasks``: on the task worker, one refresh per 30-second burst).
"""


def connect() -> None:
    from events.signals import event_page
    from movements.signals import home_page, movement_page, organization_page
    from network import bridging, sections

    connect_network_version()
    connect_events_version()
    movement_page.connect(sections.movement_page_sections, dispatch_uid="network.movement_page")
    organization_page.connect(
        sections.organization_page_sections, dispatch_uid="network.organization_page"
    )
    home_page.connect(bridging.home_section, dispatch_uid="network.home_page")
    event_page.connect(sections.event_page_sections, dispatch_uid="network.event_page")
    # After the version bump connected above: proposals must not read stale overlaps.
    connect_proposals_refresh()


def network_models() -> tuple:
    """The models whose writes can change an overlap or a directory page."""
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

    return (
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
    )


def connect_network_version():
    """Bump the network version (core/cache.py) on every write that can change an
    overlap or a directory page, and on every import (its bulk writes send no model
    signals). Members count too: the home page shows how many people take part."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from core.cache import network_changed
    from movements.models import Movement
    from movements.signals import network_imported

    for model in network_models():
        uid = f"network.network_version.{model._meta.label_lower}"
        post_save.connect(network_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(network_changed, sender=model, dispatch_uid=f"{uid}.delete")
    for field in ("themes", "tactics", "regions"):
        through = getattr(Movement, field).through
        m2m_changed.connect(
            network_changed, sender=through, dispatch_uid=f"network.network_version.{field}"
        )
    network_imported.connect(network_changed, dispatch_uid="network.network_version.import")
    # Check-in saves the RSVP, then bulk-creates attendance engagements in one transaction.
    post_save.connect(
        checked_in, sender="events.RSVP", dispatch_uid="network.network_version.check_in"
    )


def connect_events_version():
    """Bump the events version (core/cache.py) on every write to events, their hosts and
    RSVPs and after their bulk updates (``events.signals.events_bulk_changed``)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from core.cache import events_changed
    from events.models import RSVP, Event, EventHost
    from events.signals import events_bulk_changed

    # An event's hosts show on its card and page, and make it joint (or not).
    for model in (Event, RSVP, EventHost):
        uid = f"network.events_version.{model._meta.label_lower}"
        post_save.connect(events_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(events_changed, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(
        events_changed,
        sender=Event.movements.through,
        dispatch_uid="network.events_version.event_movements",
    )
    events_bulk_changed.connect(events_changed, dispatch_uid="network.events_version.bulk")


def checked_in(sender, update_fields=None, using=None, **kwargs):
    from core.cache import network_changed

    if update_fields and "checked_in_at" in update_fields:
        network_changed(using=using)


def connect_proposals_refresh():
    """Ask for a proposal refresh (debounced) on the writes that can change a proposal:
    those of ``network_models()`` but people's own records (a name, an address, a
    visibility changes no proposal), check-ins (follow-through) and imports."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from movements.models import Member, Movement
    from movements.signals import network_imported

    for model in network_models():
        if model is Member:
            continue
        uid = f"network.proposals.{model._meta.label_lower}"
        post_save.connect(proposals_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(proposals_changed, sender=model, dispatch_uid=f"{uid}.delete")
    for field in ("themes", "tactics", "regions"):
        m2m_changed.connect(
            proposals_changed,
            sender=getattr(Movement, field).through,
            dispatch_uid=f"network.proposals.{field}",
        )
    network_imported.connect(proposals_changed, dispatch_uid="network.proposals.import")
    post_save.connect(
        proposals_checked_in, sender="events.RSVP", dispatch_uid="network.proposals.check_in"
    )


def proposals_changed(sender=None, **kwargs):
    from network.tasks import schedule_proposals_refresh

    schedule_proposals_refresh()


def proposals_checked_in(sender, update_fields=None, **kwargs):
    if update_fields and "checked_in_at" in update_fields:
        proposals_changed(sender)
