"""The follow-through pages' world (issue 16): a joint potluck held a month ago and what
came of it, with exact figures the page and API tests pin.

Kept apart from tests/scenarios.py so that the helpers working on issue 16 at the same
time do not edit one file; same conventions (a plain function returning rows by name).
"""

import datetime

from django.utils import timezone

from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RSVPFactory,
    ThemeFactory,
    days_from_now,
)

# What the potluck's figures read as, for curators and for everyone else.
SENTENCE = "11 people came; 5 of them (45%) took up work in the other movement within 180 days."
CURATOR_BY_MOVEMENT = [
    {"movement": "fight-for-15", "came_from": 8, "crossed_in": 0},
    {"movement": "food-justice", "came_from": 3, "crossed_in": 5},
]
PUBLIC_BY_MOVEMENT = [
    {"movement": "fight-for-15", "came_from": None, "crossed_in": None},
    {"movement": "food-justice", "came_from": None, "crossed_in": None},
]


def attend(event, member):
    RSVPFactory(event=event, member=member, checked_in_at=event.starts_at)
    return member


def since(event, days: int) -> datetime.date:
    """``days`` after the event's local date."""
    return timezone.localdate(event.starts_at) + datetime.timedelta(days=days)


def bridge_world(*, days_ago: int = 30) -> dict:
    """Fight for $15 (labor; the Fast Food Union leads it) and Food Justice (community; the
    Garden Collective leads it), who share the food theme; Campus Climate takes part in
    neither. The potluck, held ``days_ago`` days ago and hosted by the union and the
    collective, had 11 people check in: 8 from Fight for $15, 5 of whom took up work in
    Food Justice afterwards (on the day, 10, 20, 30 and 40 days on... within the window),
    and 3 from Food Justice, none of whom crossed. Someone going who never checked in and
    a crossing recorded by a check-in elsewhere (source ``event``) do not count."""
    food = ThemeFactory(slug="food", name="Food")
    wages = MovementFactory(
        slug="fight-for-15", name="Fight for $15", sector="labor", themes=[food]
    )
    gardens = MovementFactory(
        slug="food-justice", name="Food Justice", sector="community", themes=[food]
    )
    union = OrganizationFactory(slug="fast-food-union", name="Fast Food Union")
    collective = OrganizationFactory(slug="garden-collective", name="Garden Collective")
    campus = OrganizationFactory(slug="campus-climate", name="Campus Climate")
    ParticipationFactory(organization=union, movement=wages, role="lead")
    ParticipationFactory(organization=collective, movement=gardens, role="lead")
    potluck = EventFactory(
        slug="potluck",
        title="Oakland potluck",
        starts_at=days_from_now(-days_ago),
        movements=[wages, gardens],
        hosts=[union, collective],
    )
    for n in range(8):
        worker = attend(potluck, MemberFactory(key=f"w-{n}"))
        EngagementFactory(member=worker, movement=wages, since=since(potluck, -400))
        if n < 5:
            EngagementFactory(member=worker, movement=gardens, since=since(potluck, n * 5))
    for n in range(3):
        gardener = attend(potluck, MemberFactory(key=f"g-{n}"))
        EngagementFactory(member=gardener, movement=gardens, since=since(potluck, -400))
    no_show = MemberFactory(key="no-show")
    RSVPFactory(event=potluck, member=no_show)
    EngagementFactory(member=no_show, movement=gardens, since=since(potluck, 3))
    return {
        "wages": wages,
        "gardens": gardens,
        "union": union,
        "collective": collective,
        "campus": campus,
        "potluck": potluck,
    }


def small_event(world, slug: str, *, days_ago: int = 20, **kwargs):
    """A joint event of the two movements held ``days_ago`` days ago: 3 people checked in
    from Fight for $15, 1 of whom then joined Food Justice."""
    event = EventFactory(
        slug=slug,
        title=slug.replace("-", " ").title(),
        starts_at=days_from_now(-days_ago),
        movements=[world["wages"], world["gardens"]],
        hosts=[world["union"]],
        **kwargs,
    )
    for n in range(3):
        member = attend(event, MemberFactory(key=f"{slug}-{n}"))
        EngagementFactory(member=member, movement=world["wages"], since=since(event, -400))
        if n == 0:
            EngagementFactory(member=member, movement=world["gardens"], since=since(event, 2))
    return event
