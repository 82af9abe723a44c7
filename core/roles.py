"""Who is who, decided in one place (pretalx keeps one predicate per role in ``rules.py``).

A *curator* keeps the directory true in the admin: an active staff user. Curators see
exact people-counts and everything hidden from other roles. *Organizers* (an ongoing
organizer or leader membership) are defined where memberships live:
``Organization.objects.managed_by(user)`` in ``movements``; what they may do with events is
``events.permissions``.
"""


def is_curator(user) -> bool:
    """An active, signed-in staff user. ``None`` and anonymous users are not."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    )
