"""Hand-built networks that several test modules share.

Each scenario is a plain function that creates its rows and returns the ones tests refer
to, by name, in a dict. tests/conftest.py exposes ``proposal_network`` and ``map_network``
as fixtures of the same names; call the functions directly where a fixture does not fit
(browser tests, which build their data inside the test). Factories (tests/factories.py)
make single rows; a scenario is a small, fixed world whose numbers the tests pin (scores,
counts, reasons), so change one only together with them.

- proposal_network: the proposals pages, the proposals API, the authorization table, the
  escaping checks and the CSP browser test.
- map_network (+ grow_map_network, ZELDA): the map and its data, the overlap pages, the
  map browser test.
- hosted_event: the organizers' pages and the CSRF checks of test_security.
- demo_network, cross_movement_event: the browser journeys and the accessibility checks.
"""

import datetime

from django.core.management import call_command
from django.utils import timezone

from events.models import FOLLOW_UP_PREFIX, Event, Proposal
from movements import demo
from movements.models import Movement, Organization, ParticipationRole, Sector
from network.proposals.engine import proposals_refresh
from tests.factories import (
    PINNED_TODAY,
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    RSVPFactory,
    TacticFactory,
    TensionFactory,
    ThemeFactory,
    days_from_now,
)

# --- the proposals network -----------------------------------------------------------------

POTLUCK = "Potluck in Oakland: fast-food workers and gardeners on food"
PANEL = "Panel on divestment in Berkeley: Divest Israel, Fossil Free and Prison Divest"
TENSION = "Higher wages raise food prices."


def proposal_network() -> dict:
    """Two open proposals, drawn on the pinned day: a potluck (Fight for $15 and Food
    Justice in Oakland, a tension between them) and a panel (three student divestment
    campaigns in Berkeley). The Fast Food Union leads Fight for $15 and the Garden
    Collective leads Food Justice: the potluck's suggested hosts. Campus Climate takes part
    in Fossil Free only: a host of the panel, not of the potluck — so an organizer of it is
    the organizer who may not decide the potluck."""
    bay_area = RegionFactory(slug="bay-area", name="Bay Area")
    oakland = RegionFactory(slug="oakland", name="Oakland", parent=bay_area)
    berkeley = RegionFactory(slug="berkeley", name="Berkeley", parent=bay_area)
    food = ThemeFactory(slug="food", name="Food")
    wages = ThemeFactory(slug="wages", name="Wages")
    strike = TacticFactory(slug="strike", name="Strike")
    gardening = TacticFactory(slug="urban-gardening", name="Urban gardening")
    divestment = TacticFactory(slug="divestment", name="Divestment")
    fast_food = MovementFactory(
        slug="fight-for-15", name="Fight for $15", sector=Sector.LABOR,
        constituency="fast-food workers", themes=[food, wages], tactics=[strike],
        regions=[oakland],
    )  # fmt: skip
    food_justice = MovementFactory(
        slug="food-justice", name="Food Justice", sector=Sector.COMMUNITY,
        constituency="gardeners", themes=[food], tactics=[gardening], regions=[oakland],
    )  # fmt: skip
    students = {
        slug: MovementFactory(
            slug=slug,
            name=name,
            sector=Sector.STUDENT,
            constituency="students",
            themes=[ThemeFactory(slug=theme, name=theme.title())],
            tactics=[divestment],
            regions=[berkeley],
        )  # fmt: skip
        for slug, name, theme in [
            ("fossil-free", "Fossil Free", "climate"),
            ("divest-israel", "Divest Israel", "palestine"),
            ("prison-divest", "Prison Divest", "prisons"),
        ]
    }
    union = OrganizationFactory(slug="fast-food-union", name="Fast Food Union")
    gardens = OrganizationFactory(slug="garden-collective", name="Garden Collective")
    campus = OrganizationFactory(slug="campus-climate", name="Campus Climate")
    ParticipationFactory(organization=union, movement=fast_food, role=ParticipationRole.LEAD)
    ParticipationFactory(organization=gardens, movement=food_justice, role=ParticipationRole.LEAD)
    ParticipationFactory(organization=campus, movement=students["fossil-free"])
    TensionFactory(movement_a=fast_food, movement_b=food_justice, note=TENSION)
    proposals_refresh(today=PINNED_TODAY)
    return {
        "oakland": oakland,
        "fast_food": fast_food,
        "food_justice": food_justice,
        "students": students,
        "union": union,
        "gardens": gardens,
        "campus": campus,
        "potluck": Proposal.objects.get(kind="potluck"),
        "panel": Proposal.objects.get(kind="panel"),
    }


# --- the map network -----------------------------------------------------------------------

# The one person in two movements of the map network: never shown on a public page.
ZELDA = {"name": "Zelda Secretperson", "email": "zelda@secret.example", "key": "zelda-key-7731"}


def map_network() -> dict:
    """Fight for $15 (labor, 6 people now) and Food justice (community, 2 people now) in
    Oakland share Zelda, the Alliance and the food theme; the two student campaigns in
    Berkeley share the Divest Coalition and divestment. Left out everywhere: an archived
    movement, an archived organization and a participation that ended. So the map draws
    exactly two overlaps (0.55 and 0.5), has a people-count below the disclosure threshold
    to suppress, a person (Zelda) who must never appear, and three rows to leave out."""
    bay_area = RegionFactory(slug="bay-area", name="Bay Area")
    oakland = RegionFactory(slug="oakland", name="Oakland", parent=bay_area)
    berkeley = RegionFactory(slug="berkeley", name="Berkeley", parent=bay_area)
    food = ThemeFactory(slug="food", name="Food")
    wages = ThemeFactory(slug="wages", name="Wages")
    climate = ThemeFactory(slug="climate", name="Climate")
    palestine = ThemeFactory(slug="palestine", name="Palestine")
    strike = TacticFactory(slug="strike", name="Strike")
    gardening = TacticFactory(slug="urban-gardening", name="Urban gardening")
    divestment = TacticFactory(slug="divestment", name="Divestment")
    fast_food = MovementFactory(
        slug="fight-for-15", name="Fight for $15", sector=Sector.LABOR,
        constituency="fast-food workers", themes=[wages, food], tactics=[strike],
        regions=[oakland],
    )  # fmt: skip
    food_justice = MovementFactory(
        slug="food-justice", name="Food justice", sector=Sector.COMMUNITY,
        constituency="neighbourhood gardeners", themes=[food], tactics=[gardening],
        regions=[oakland],
    )  # fmt: skip
    fossil_free = MovementFactory(
        slug="fossil-free", name="Fossil Free", sector=Sector.STUDENT,
        constituency="students", themes=[climate], tactics=[divestment], regions=[berkeley],
    )  # fmt: skip
    uc_divest = MovementFactory(
        slug="uc-divest", name="UC Divest", sector=Sector.STUDENT, constituency="students",
        themes=[palestine], tactics=[divestment], regions=[berkeley],
    )  # fmt: skip
    archived = MovementFactory(
        slug="archived-food", name="Archived food", sector=Sector.COMMUNITY, themes=[food],
        regions=[oakland], archived_at=timezone.now(),
    )  # fmt: skip

    zelda = MemberFactory(**ZELDA)
    for movement in (fast_food, food_justice, archived):
        EngagementFactory(member=zelda, movement=movement)
    for n in range(5):
        EngagementFactory(member=MemberFactory(key=f"ff-{n}"), movement=fast_food)
    EngagementFactory(member=MemberFactory(key="fj-0"), movement=food_justice)

    alliance = OrganizationFactory(slug="alliance", name="Alliance")
    ParticipationFactory(organization=alliance, movement=fast_food, role="lead")
    ParticipationFactory(organization=alliance, movement=food_justice, role="ally")
    gone = OrganizationFactory(slug="gone", name="Gone collective", archived_at=timezone.now())
    ParticipationFactory(organization=gone, movement=food_justice)
    former = OrganizationFactory(slug="former", name="Former partner")
    ParticipationFactory(
        organization=former, movement=food_justice, until=datetime.date(2021, 1, 1)
    )
    coalition = OrganizationFactory(slug="divest-coalition", name="Divest Coalition")
    ParticipationFactory(organization=coalition, movement=fossil_free, role="lead")
    ParticipationFactory(organization=coalition, movement=uc_divest)
    return {
        "fast_food": fast_food,
        "food_justice": food_justice,
        "fossil_free": fossil_free,
        "uc_divest": uc_divest,
        "archived": archived,
        "zelda": zelda,
    }


def grow_map_network(network: dict, n: int) -> None:
    """Add ``n`` movements to ``map_network()``, each with people, an organization and ties to
    Fight for $15 and Food justice: for the tests that count queries as the network grows."""
    food = network["food_justice"].themes.get()
    for i in range(n):
        movement = MovementFactory(slug=f"grown-{i}", themes=[food])
        organization = OrganizationFactory(slug=f"grown-org-{i}")
        ParticipationFactory(organization=organization, movement=movement)
        ParticipationFactory(organization=organization, movement=network["fast_food"])
        for j in range(3):
            member = MemberFactory(key=f"grown-{i}-{j}")
            EngagementFactory(member=member, movement=movement)
            EngagementFactory(member=member, movement=network["food_justice"])


# --- a hosted event ------------------------------------------------------------------------


def hosted_event() -> dict:
    """The organizers' pages' world: the Local 1021 union (``host``) and Sunrise Bay
    (``other``), two movements (``wages``: Fight for $15, ``food``: Food Justice) and the
    Wages Potluck (``event``, slug wages-potluck) the union hosts between them: published, a
    week ahead, for 10 people, with Ada going with a guest for Food Justice (``rsvp``).
    tests/helpers.role_client gives the roles that manage it or not."""
    wages = MovementFactory(slug="fight-for-15", name="Fight for $15")
    food = MovementFactory(slug="food-justice", name="Food Justice")
    host = OrganizationFactory(slug="local-1021", name="Local 1021")
    other = OrganizationFactory(slug="sunrise-bay", name="Sunrise Bay")
    event = EventFactory(
        title="Wages Potluck",
        slug="wages-potluck",
        movements=[wages, food],
        hosts=[host],
        capacity=10,
    )
    ada = MemberFactory(name="Ada Attendee", email="ada@people.example.org", key="m-ada")
    rsvp = RSVPFactory(event=event, member=ada, guests=1, movement=food)
    return {
        "wages": wages,
        "food": food,
        "host": host,
        "other": other,
        "event": event,
        "rsvp": rsvp,
    }


# --- the demo network ----------------------------------------------------------------------

# The East Bay Food Workers Union: a suggested host of the demo's Oakland potluck.
DEMO_HOST = "east-bay-food-workers-union"
CROSS_MOVEMENT_EVENT = "Strikes and blockades: a Richmond conference"


def demo_network() -> dict:
    """The demo Bay Area network (``seed_demo``) and the proposals the engine draws from it
    on the pinned day (not the calendar's: they would drift as the demo's dates age). Returns
    the proposed Oakland potluck between fast-food workers and gardeners (``potluck``) and
    its suggested host, the East Bay Food Workers Union (``host``)."""
    call_command("seed_demo", verbosity=0)
    proposals_refresh(today=PINNED_TODAY)
    potluck = (
        Proposal.objects.filter(kind="potluck", movements__slug=demo.FIGHT_FOR_15)
        .filter(movements__slug=demo.FOOD_JUSTICE)
        # Not the follow-up of the demo's past potluck (issue 16): the first one.
        .exclude(identity__startswith=FOLLOW_UP_PREFIX)
        .get()
    )
    return {"potluck": potluck, "host": Organization.objects.get(slug=DEMO_HOST)}


def cross_movement_event() -> Event:
    """In the demo network: a published conference a month from now between a labor and an
    environmental movement (railroad workers, oil-train blockaders), hosted by the railroad
    workers' union."""
    return EventFactory(
        slug="strikes-and-blockades",
        title=CROSS_MOVEMENT_EVENT,
        kind="conference",
        starts_at=days_from_now(30),
        capacity=40,
        movements=list(Movement.objects.filter(slug__in=[demo.RAILROAD, demo.OIL_TRAINS])),
        hosts=[Organization.objects.get(slug=demo.STEADY_UNION)],
    )
