"""The demo network: a believable San Francisco Bay Area directory, as one import document.

``demo_document(scale=1)`` returns a dict in the import/export format of
``movements.exchange`` (see PRODUCT.md, "Import/export document");
``manage.py seed_demo`` loads it with ``network_import``. Everything is fixed data or
comes from ``random.Random(SCALE_SEED)``, and no date depends on today, so loading the
same scale twice changes nothing.

The data is *designed* so that the analysis layer finds the product's three examples on
its own:

- **Potluck** — ``fight-for-15-oakland`` (labor, fast-food workers; wages + food; strike)
  and ``oakland-food-justice`` (community, neighbourhood gardeners; food, land, health;
  urban gardening + mutual aid) are both in Oakland and share the theme *food*, but their
  ties are weak: one shared person and one shared organization (East Oakland Mutual Aid
  Network). A tension notes that higher wages can raise food prices.
- **Panel** — three Berkeley student campaigns share the tactic *divestment* and the
  sector *student* with different themes: ``fossil-free-cal`` (climate),
  ``uc-divest-berkeley`` (Palestine) and ``cal-prison-divestment`` (incarceration). The
  first two share two people.
- **Conference** — ``railroad-workers-richmond`` (labor) and ``stop-oil-trains``
  (environmental) are both in Richmond and both use *strike* and *blockade*; a tension
  notes that blockading crude-oil trains stops the freight rail jobs depend on.

Engagement insights have two designed extremes: the Revolutionary Workers Front
(political) hops from struggle to struggle — about twenty short, overlapping
participations, its members' engagements through it end when it leaves (high stretch,
poor retention) — while Railroad Workers Local 39 (union) and the Fruitvale Garden
Collective have members engaged for years and ongoing (long tenure).

Two people in three on the hand-made roster opted in to invitations to joint events
(``"invites": true``), so publishing a joint event shows outreach at work.

After the directory, :func:`demo_extras_seed` adds one pending organizer request (someone
from the food-justice side asking to organize for the Fruitvale Garden Collective) and
sends ``demo_seeding`` so that higher layers add theirs (``events/demo.py``: past and
upcoming joint events, RSVPs, check-ins, the engagements some attendees took up after
them, a pending co-host invitation), dated relative to the day of the first seed.
``bootstrap_demo`` adds the demo logins (``DEMO_LOGINS``).

``--scale N`` adds generated records (slugs ``gen-movement-0001``, ``gen-org-00001``,
keys ``g-000001``) in proportion to ``N - 1``; see ``scaled_counts``.
"""

import calendar
import datetime
import random
import unicodedata
from typing import Any

from django.utils import timezone

from movements.models import (
    Engagement,
    EngagementSource,
    Member,
    Membership,
    Organization,
    OrganizerRequest,
)
from movements.signals import demo_seeding

SCALE_SEED = 20160501

# Named movements later features (and tests) rely on.
FIGHT_FOR_15 = "fight-for-15-oakland"
FOOD_JUSTICE = "oakland-food-justice"
FOSSIL_FREE = "fossil-free-cal"
UC_DIVEST = "uc-divest-berkeley"
PRISON_DIVEST = "cal-prison-divestment"
RAILROAD = "railroad-workers-richmond"
OIL_TRAINS = "stop-oil-trains"
CLIMATE_JUSTICE = "richmond-climate-justice"
TENANTS = "sf-tenant-power"
FAIR_FARES = "fair-fares-bay-area"
PALESTINE = "bay-area-palestine-solidarity"
JANITORS = "justice-for-janitors-san-jose"
SANCTUARY = "south-bay-sanctuary"
WAREHOUSE = "warehouse-workers-rising"

HOPPER = "revolutionary-workers-front"
STEADY_UNION = "railroad-workers-local-39"
STEADY_COLLECTIVE = "fruitvale-garden-collective"
BRIDGE_ORGANIZATION = "east-oakland-mutual-aid"

THEMES = [
    ("wages", "Wages"),
    ("food", "Food"),
    ("land", "Land"),
    ("health", "Health"),
    ("climate", "Climate"),
    ("palestine", "Palestine"),
    ("housing", "Housing"),
    ("immigration", "Immigration"),
    ("racial-justice", "Racial justice"),
    ("incarceration", "Incarceration"),
    ("workplace-safety", "Workplace safety"),
    ("transit", "Transit"),
]

TACTICS = [
    ("strike", "Strike"),
    ("blockade", "Blockade"),
    ("divestment", "Divestment"),
    ("boycott", "Boycott"),
    ("mutual-aid", "Mutual aid"),
    ("urban-gardening", "Urban gardening"),
    ("policy-advocacy", "Policy advocacy"),
]

# Parents first, so an importer may resolve them in order.
REGIONS = [
    ("bay-area", "Bay Area", None),
    ("oakland", "Oakland", "bay-area"),
    ("san-francisco", "San Francisco", "bay-area"),
    ("berkeley", "Berkeley", "bay-area"),
    ("richmond", "Richmond", "bay-area"),
    ("san-jose", "San José", "bay-area"),
    ("hayward", "Hayward", "bay-area"),
]


def _movement(slug, name, sector, constituency, themes, tactics, regions, started_on, summary,
              description="", status="active", website=""):  # fmt: skip
    return {
        "slug": slug,
        "name": name,
        "sector": sector,
        "constituency": constituency,
        "status": status,
        "themes": themes,
        "tactics": tactics,
        "regions": regions,
        "started_on": started_on,
        "summary": summary,
        "description": description,
        "website": website,
    }


MOVEMENTS = [
    _movement(
        FIGHT_FOR_15, "Fight for $15 Oakland", "labor", "fast-food workers",
        ["wages", "food"], ["strike", "policy-advocacy"], ["oakland"], "2013-04-01",
        "Fast-food workers striking for a $15 minimum wage and a union.",
        "One-day strikes at drive-throughs along International Boulevard grew into the "
        "campaign that passed Oakland's minimum-wage ballot measure and keeps pushing for "
        "fair scheduling and a union.",
        website="https://fightfor15-oakland.example.org",
    ),
    _movement(
        FOOD_JUSTICE, "Oakland Food Justice", "community", "neighbourhood gardeners",
        ["food", "land", "health"], ["urban-gardening", "mutual-aid"], ["oakland"],
        "2010-03-01",
        "Neighbourhood gardens, seed libraries and free produce stands in East and West "
        "Oakland's food deserts.",
        "Gardeners turn vacant lots into farms, share seeds and run weekly free produce "
        "stands, and defend garden land against sale.",
    ),
    _movement(
        FOSSIL_FREE, "Fossil Free Cal", "student", "university students",
        ["climate"], ["divestment"], ["berkeley"], "2013-09-01",
        "Berkeley students pressing the University of California to divest from fossil fuels.",
        "After the UC endowment sold its fossil-fuel holdings the campaign turned to the "
        "banks and pension funds that still finance them.",
    ),
    _movement(
        UC_DIVEST, "UC Divest (Berkeley)", "student", "university students",
        ["palestine"], ["divestment", "boycott"], ["berkeley"], "2010-03-01",
        "Students calling on the University of California to divest from companies "
        "profiting from Israel's occupation.",
    ),
    _movement(
        PRISON_DIVEST, "Cal Prison Divestment", "student", "university students",
        ["incarceration", "racial-justice"], ["divestment"], ["berkeley"], "2018-09-01",
        "Students pushing UC investments out of private prisons, detention and "
        "surveillance contractors.",
    ),
    _movement(
        RAILROAD, "Richmond Railroad Workers for Safe Staffing", "labor", "railroad workers",
        ["wages", "workplace-safety"], ["strike", "blockade"], ["richmond"], "2015-01-01",
        "Railroad crews at the Richmond yards fighting for two-person crews, sick days and "
        "safe schedules.",
        "Crews voted to strike in 2022 and picket the yard gates when the carriers cut "
        "staffing; their picket lines have stopped trains more than once.",
    ),
    _movement(
        OIL_TRAINS, "Stop the Oil Trains", "environmental", "climate activists",
        ["climate", "health"], ["blockade", "strike"], ["richmond"], "2014-09-01",
        "Climate activists blockading crude-by-rail shipments into Richmond's refineries.",
        "Sit-ins on the tracks, climate strikes and public hearings against the oil-train "
        "terminals that run through fenceline neighbourhoods.",
    ),
    _movement(
        CLIMATE_JUSTICE, "Richmond Climate Justice", "environmental",
        "refinery fenceline neighbours", ["climate", "health", "racial-justice"],
        ["policy-advocacy", "boycott"], ["richmond"], "2012-08-06",
        "Fenceline neighbours of the Richmond refinery organizing for clean air and a just "
        "transition.",
        "Born the night of the 2012 refinery fire; air monitoring, city council campaigns "
        "and a just-transition plan for refinery workers.",
    ),
    _movement(
        TENANTS, "San Francisco Tenant Power", "community", "tenants",
        ["housing", "racial-justice"], ["policy-advocacy", "mutual-aid"], ["san-francisco"],
        "2015-05-01",
        "Tenants in the Mission and the Tenderloin organizing against evictions.",
    ),
    _movement(
        FAIR_FARES, "Fair Fares Bay Area", "community", "transit riders",
        ["transit"], ["policy-advocacy"], ["san-francisco"], "2014-01-01",
        "Riders who won a low-income fare discount on Bay Area transit.",
        status="dormant",
    ),
    _movement(
        PALESTINE, "Bay Area Palestine Solidarity", "solidarity",
        "Palestinian community and allies", ["palestine"], ["boycott", "blockade"],
        ["oakland", "san-francisco"], "2014-08-01",
        "Boycott campaigns and port pickets in solidarity with Palestine.",
        "Best known for the 2014 picket that kept an Israeli cargo ship from unloading at "
        "the Port of Oakland.",
    ),
    _movement(
        JANITORS, "Justice for Janitors San José", "labor", "janitors",
        ["wages", "immigration"], ["strike"], ["san-jose"], "2016-06-01",
        "Immigrant janitors in Silicon Valley office parks organizing for a living wage.",
    ),
    _movement(
        SANCTUARY, "South Bay Sanctuary Network", "faith",
        "immigrant families and congregations", ["immigration", "housing"],
        ["mutual-aid", "policy-advocacy"], ["san-jose"], "2017-01-01",
        "Congregations sheltering and accompanying immigrant families facing deportation.",
    ),
    _movement(
        WAREHOUSE, "Warehouse Workers Rising", "labor", "warehouse workers",
        ["wages", "workplace-safety"], ["strike"], ["san-jose"], "2024-03-01",
        "Warehouse workers at South Bay delivery stations organizing against injury quotas.",
        status="emerging",
    ),
]  # fmt: skip


def _organization(slug, name, kind, region, founded_on, participations, description="",
                  active=True):  # fmt: skip
    return {
        "slug": slug,
        "name": name,
        "kind": kind,
        "region": region,
        "description": description,
        "website": f"https://{slug}.example.org",
        "contact_email": f"hello@{slug}.example.org",
        "founded_on": founded_on,
        "active": active,
        "participations": [
            {"movement": movement, "role": role, "since": since, "until": until}
            for movement, role, since, until in participations
        ],
    }


# The political organization that chases every visible struggle: joins a movement, leaves
# it months later, and is usually in two or three at once.
HOPPER_PARTICIPATIONS = [
    (FAIR_FARES, "ally", "2016-02-01", "2016-11-30"),
    (TENANTS, "ally", "2016-08-01", "2017-05-31"),
    (OIL_TRAINS, "ally", "2017-03-01", "2017-12-31"),
    (JANITORS, "ally", "2017-09-01", "2018-06-30"),
    (PALESTINE, "partner", "2018-03-01", "2018-12-31"),
    (CLIMATE_JUSTICE, "ally", "2018-10-01", "2019-06-30"),
    (RAILROAD, "ally", "2019-04-01", "2019-12-31"),
    (TENANTS, "partner", "2019-10-01", "2020-06-30"),
    (SANCTUARY, "ally", "2020-04-01", "2020-12-31"),
    (PALESTINE, "ally", "2020-10-01", "2021-06-30"),
    (OIL_TRAINS, "partner", "2021-04-01", "2021-12-31"),
    (RAILROAD, "ally", "2022-08-01", "2023-01-31"),
    (CLIMATE_JUSTICE, "ally", "2022-11-01", "2023-07-31"),
    (PALESTINE, "partner", "2023-10-15", "2024-06-30"),
    (TENANTS, "ally", "2024-04-01", "2024-12-31"),
    (WAREHOUSE, "ally", "2024-09-01", "2025-05-31"),
    (JANITORS, "ally", "2025-03-01", "2025-11-30"),
    (PALESTINE, "ally", "2025-09-01", "2026-04-30"),
    (SANCTUARY, "ally", "2026-01-15", None),
    (OIL_TRAINS, "ally", "2026-06-01", None),
]

ORGANIZATIONS = [
    _organization(
        "east-bay-food-workers-union", "East Bay Food Workers Union", "union", "oakland",
        "2013-03-01", [(FIGHT_FOR_15, "lead", "2013-04-01", None)],
        "Fast-food and grocery workers in Alameda County.",
    ),
    _organization(
        STEADY_COLLECTIVE, "Fruitvale Garden Collective", "collective", "oakland",
        "2009-05-01", [(FOOD_JUSTICE, "lead", "2010-03-01", None)],
        "Runs six neighbourhood gardens and a Saturday produce stand in the Fruitvale.",
    ),
    _organization(
        BRIDGE_ORGANIZATION, "East Oakland Mutual Aid Network", "collective", "oakland",
        "2014-11-01",
        [(FOOD_JUSTICE, "partner", "2015-06-01", None),
         (FIGHT_FOR_15, "ally", "2016-04-01", None)],
        "Grocery deliveries, strike kitchens and a community fridge.",
    ),
    _organization(
        "west-oakland-seed-library", "West Oakland Seed Library", "collective", "oakland",
        "2012-04-01", [(FOOD_JUSTICE, "partner", "2012-04-01", None)],
    ),
    _organization(
        "alameda-food-policy-council", "Alameda County Food Policy Council", "nonprofit",
        "oakland", "2011-01-01", [(FOOD_JUSTICE, "ally", "2014-01-01", None)],
    ),
    _organization(
        STEADY_UNION, "Railroad Workers Local 39", "union", "richmond", "1937-05-01",
        [(RAILROAD, "lead", "2015-01-01", None)],
        "Conductors, engineers and yard crews at the Richmond rail yards.",
    ),
    _organization(
        "crude-awakening-richmond", "Crude Awakening Richmond", "collective", "richmond",
        "2014-09-01",
        [(OIL_TRAINS, "lead", "2014-09-01", None),
         (CLIMATE_JUSTICE, "ally", "2016-01-01", None)],
        "Direct-action collective that blockades oil trains.",
    ),
    _organization(
        "fenceline-health-project", "Fenceline Health Project", "nonprofit", "richmond",
        "2008-03-01", [(CLIMATE_JUSTICE, "lead", "2012-08-06", None)],
        "Community air monitoring and health research next to the refinery.",
    ),
    _organization(
        "interfaith-climate-vigil", "Interfaith Climate Vigil", "faith_group", "richmond",
        "2015-10-01",
        [(CLIMATE_JUSTICE, "partner", "2016-05-01", None),
         (OIL_TRAINS, "ally", "2017-02-01", "2019-12-31")],
    ),
    _organization(
        "bay-area-climate-justice-coalition", "Bay Area Climate Justice Coalition",
        "coalition", "bay-area", "2013-06-01",
        [(CLIMATE_JUSTICE, "partner", "2014-01-01", None),
         (OIL_TRAINS, "partner", "2015-03-01", None),
         (FOSSIL_FREE, "ally", "2016-01-01", None)],
    ),
    _organization(
        "fossil-free-cal-students", "Fossil Free Cal", "student_group", "berkeley",
        "2013-09-01", [(FOSSIL_FREE, "lead", "2013-09-01", None)],
    ),
    _organization(
        "sjp-berkeley", "Students for Justice in Palestine at Berkeley", "student_group",
        "berkeley", "2001-01-01",
        [(UC_DIVEST, "lead", "2010-03-01", None),
         (PALESTINE, "ally", "2014-08-01", None)],
    ),
    _organization(
        "students-against-prison-profiteers", "Students Against Prison Profiteers",
        "student_group", "berkeley", "2018-09-01",
        [(PRISON_DIVEST, "lead", "2018-09-01", None)],
    ),
    _organization(
        "cal-divest-coalition", "Cal Divest Coalition", "coalition", "berkeley",
        "2016-02-01",
        [(FOSSIL_FREE, "partner", "2016-02-01", None),
         (UC_DIVEST, "partner", "2016-02-01", None),
         (PRISON_DIVEST, "partner", "2019-01-15", None)],
        "Student governments and campus groups coordinating divestment campaigns.",
    ),
    _organization(
        "palestine-action-network", "Bay Area Palestine Action Network", "collective",
        "oakland", "2014-07-15", [(PALESTINE, "lead", "2014-08-01", None)],
    ),
    _organization(
        "havurah-for-a-just-peace", "Havurah for a Just Peace", "faith_group", "berkeley",
        "2009-09-01",
        [(PALESTINE, "partner", "2014-08-01", None),
         (UC_DIVEST, "ally", "2017-03-01", None)],
    ),
    _organization(
        "bay-area-legal-observers", "Bay Area Legal Observers", "other", "bay-area",
        "2003-02-01",
        [(PALESTINE, "ally", "2014-08-01", None),
         (OIL_TRAINS, "ally", "2016-05-01", None)],
        "Volunteer legal observers at protests, pickets and blockades.",
    ),
    _organization(
        "mission-tenant-mutual-aid", "Mission Tenant Mutual Aid", "collective",
        "san-francisco", "2015-05-01", [(TENANTS, "lead", "2015-05-01", None)],
    ),
    _organization(
        "sf-tenant-legal-clinic", "San Francisco Tenant Legal Clinic", "nonprofit",
        "san-francisco", "2004-06-01", [(TENANTS, "partner", "2016-01-01", None)],
    ),
    _organization(
        "bay-area-transit-riders", "Bay Area Transit Riders Union", "nonprofit",
        "san-francisco", "2012-02-01", [(FAIR_FARES, "lead", "2014-01-01", "2021-06-30")],
        "Disbanded in 2021 after the low-income fare programme became permanent.",
        active=False,
    ),
    _organization(
        "south-bay-janitors-united", "South Bay Janitors United", "union", "san-jose",
        "1988-04-01",
        [(JANITORS, "lead", "2016-06-01", None),
         (SANCTUARY, "ally", "2017-02-01", None)],
    ),
    _organization(
        "warehouse-workers-committee", "Warehouse Workers Organizing Committee", "union",
        "san-jose", "2024-02-01", [(WAREHOUSE, "lead", "2024-03-01", None)],
    ),
    _organization(
        "sacred-heart-sanctuary-circle", "Sacred Heart Sanctuary Circle", "faith_group",
        "san-jose", "2016-11-15", [(SANCTUARY, "lead", "2017-01-01", None)],
    ),
    _organization(
        "south-bay-immigrant-legal-defense", "South Bay Immigrant Legal Defense",
        "nonprofit", "san-jose", "2010-05-01", [(SANCTUARY, "partner", "2017-01-01", None)],
    ),
    _organization(
        HOPPER, "Revolutionary Workers Front", "political", "oakland", "2015-05-01",
        HOPPER_PARTICIPATIONS,
        "A small party that shows up wherever the struggle is most visible this season.",
    ),
]  # fmt: skip


def _since(month: str) -> str:
    """'2016-05' → '2016-05-01'; full dates pass through."""
    return month if len(month) == 10 else f"{month}-01"


def _until(month: str | None) -> str | None:
    """'2016-05' → '2016-05-31' (the month's last day); None stays ongoing."""
    if month is None or len(month) == 10:
        return month
    year, number = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = ".".join(
        "".join(ch for ch in part if ch.isalnum()) for part in ascii_name.lower().split()
    )
    return f"{local}@example.org"


# People: (name, region, public, memberships, engagements).
# membership: (organization, role, since, until); engagement: (movement, organization,
# role, since, until[, source]). Months ('2016-05') start on the 1st and end on the last
# day; ``None`` is ongoing. Engagements default to source "import" when they came through
# an organization, "manual" otherwise.
F15_UNION = "east-bay-food-workers-union"
GARDEN = STEADY_COLLECTIVE
SEEDS = "west-oakland-seed-library"
FOOD_COUNCIL = "alameda-food-policy-council"
LOCAL_39 = STEADY_UNION
CRUDE = "crude-awakening-richmond"
FENCELINE = "fenceline-health-project"
VIGIL = "interfaith-climate-vigil"
CLIMATE_COALITION = "bay-area-climate-justice-coalition"
FOSSIL_GROUP = "fossil-free-cal-students"
SJP = "sjp-berkeley"
PRISON_GROUP = "students-against-prison-profiteers"
DIVEST_COALITION = "cal-divest-coalition"
PAN = "palestine-action-network"
HAVURAH = "havurah-for-a-just-peace"
OBSERVERS = "bay-area-legal-observers"
MISSION = "mission-tenant-mutual-aid"
CLINIC = "sf-tenant-legal-clinic"
RIDERS = "bay-area-transit-riders"
SBJU = "south-bay-janitors-united"
WWOC = "warehouse-workers-committee"
SACRED_HEART = "sacred-heart-sanctuary-circle"
LEGAL_DEFENSE = "south-bay-immigrant-legal-defense"

PEOPLE = [
    # Fight for $15: fast-food turnover — a few long-time leaders, many short stints.
    ("Marisol Gutiérrez", "oakland", True,
     [(F15_UNION, "leader", "2013-04", None)],
     [(FIGHT_FOR_15, F15_UNION, "leader", "2013-04", None)]),
    ("Darnell Washington", "oakland", False,
     [(F15_UNION, "organizer", "2014-06", None)],
     [(FIGHT_FOR_15, F15_UNION, "organizer", "2014-08", None)]),
    ("Kiana Brooks", "oakland", False,
     [(F15_UNION, "member", "2016-05", "2017-02")],
     [(FIGHT_FOR_15, F15_UNION, "participant", "2016-05", "2017-02")]),
    ("Luis Ramírez", "hayward", False,
     [(F15_UNION, "member", "2016-11", "2018-03")],
     [(FIGHT_FOR_15, F15_UNION, "participant", "2016-11", "2018-03")]),
    ("Tamika Johnson", "oakland", False,
     [(F15_UNION, "member", "2017-04", None)],
     [(FIGHT_FOR_15, F15_UNION, "participant", "2017-04", None)]),
    ("Jesús Hernández", "oakland", False,
     [(F15_UNION, "member", "2018-09", "2019-02")],
     [(FIGHT_FOR_15, F15_UNION, "participant", "2018-09", "2019-02")]),
    ("Aaliyah Carter", "oakland", False,
     [(F15_UNION, "member", "2019-06", None)],
     [(FIGHT_FOR_15, F15_UNION, "volunteer", "2019-06", None)]),
    ("Rogelio Santos", "hayward", False,
     [(F15_UNION, "member", "2021-03", "2021-07")],
     [(FIGHT_FOR_15, F15_UNION, "participant", "2021-03", "2021-07")]),
    ("Brianna Mitchell", "oakland", False,
     [(F15_UNION, "member", "2022-01", None)],
     [(FIGHT_FOR_15, F15_UNION, "participant", "2022-01", None)]),
    ("Tuan Nguyen", "oakland", False,
     [(F15_UNION, "member", "2024-05", None)],
     [(FIGHT_FOR_15, F15_UNION, "participant", "2024-05", None)]),
    ("Destiny Okafor", "oakland", False, [],
     [(FIGHT_FOR_15, None, "participant", "2023-04", "2023-06")]),
    # Oakland Food Justice: the steady Fruitvale Garden Collective and its neighbours.
    ("Rosa Delgado", "oakland", True,
     [(GARDEN, "leader", "2009-05", None)],
     [(FOOD_JUSTICE, GARDEN, "leader", "2010-03", None)]),
    ("Samuel Tesfaye", "oakland", False,
     [(GARDEN, "organizer", "2012-03", None)],
     [(FOOD_JUSTICE, GARDEN, "organizer", "2012-03", None)]),
    ("Mei Lin Chen", "oakland", False,
     [(GARDEN, "member", "2013-05", None)],
     [(FOOD_JUSTICE, GARDEN, "volunteer", "2013-05", None)]),
    ("Guadalupe Morales", "oakland", False,
     [(GARDEN, "member", "2014-04", None)],
     [(FOOD_JUSTICE, GARDEN, "volunteer", "2014-04", None)]),
    ("Harold Jenkins", "oakland", False,
     [(GARDEN, "member", "2015-03", None)],
     [(FOOD_JUSTICE, GARDEN, "volunteer", "2015-03", None)]),
    ("Fatima Al-Sayed", "oakland", False,
     [(GARDEN, "member", "2016-04", None)],
     [(FOOD_JUSTICE, GARDEN, "participant", "2016-04", None)]),
    ("Bao Tran", "oakland", False,
     [(GARDEN, "member", "2017-05", None)],
     [(FOOD_JUSTICE, GARDEN, "volunteer", "2017-05", None)]),
    ("Ernesto Vázquez", "oakland", False,
     [(GARDEN, "organizer", "2018-03", None)],
     [(FOOD_JUSTICE, GARDEN, "organizer", "2018-03", None)]),
    ("Claire Dubois", "berkeley", False,
     [(GARDEN, "member", "2016-04", "2019-10")],
     [(FOOD_JUSTICE, GARDEN, "volunteer", "2016-04", "2019-10")]),
    ("Kofi Mensah", "oakland", False,
     [(SEEDS, "organizer", "2014-02", None)],
     [(FOOD_JUSTICE, SEEDS, "volunteer", "2014-02", None)]),
    ("Priya Raman", "oakland", False,
     [(SEEDS, "member", "2019-03", None)],
     [(FOOD_JUSTICE, SEEDS, "volunteer", "2019-03", "2022-05")]),
    ("Nadia Petrova", "berkeley", False,
     [(FOOD_COUNCIL, "leader", "2015-01", None)],
     [(FOOD_JUSTICE, FOOD_COUNCIL, "organizer", "2015-01", None)]),
    # The one person in both Fight for $15 and Oakland Food Justice.
    ("Yolanda Reyes", "oakland", False,
     [(BRIDGE_ORGANIZATION, "organizer", "2015-06", None)],
     [(FOOD_JUSTICE, BRIDGE_ORGANIZATION, "volunteer", "2015-06", None),
      (FIGHT_FOR_15, BRIDGE_ORGANIZATION, "volunteer", "2016-04", None)]),
    ("Marcus Bell", "oakland", False,
     [(BRIDGE_ORGANIZATION, "member", "2020-04", "2021-08")],
     [(FOOD_JUSTICE, BRIDGE_ORGANIZATION, "volunteer", "2020-04", "2021-08")]),
    # Railroad Workers Local 39: long, ongoing engagement.
    ("Walter Kowalski", "richmond", False,
     [(LOCAL_39, "leader", "2009-04", None)],
     [(RAILROAD, LOCAL_39, "leader", "2015-01", None)]),
    ("Gloria Jiménez", "richmond", False,
     [(LOCAL_39, "organizer", "2011-06", None)],
     [(RAILROAD, LOCAL_39, "organizer", "2015-01", None)]),
    ("Raymond Thompson", "richmond", False,
     [(LOCAL_39, "member", "2013-02", None)],
     [(RAILROAD, LOCAL_39, "participant", "2015-06", None)]),
    ("Dennis O'Brien", "richmond", False,
     [(LOCAL_39, "member", "2012-08", "2021-12")],
     [(RAILROAD, LOCAL_39, "participant", "2015-03", "2021-12")]),
    ("Angela Foster", "richmond", False,
     [(LOCAL_39, "member", "2014-09", None)],
     [(RAILROAD, LOCAL_39, "participant", "2016-02", None),
      (CLIMATE_JUSTICE, None, "participant", "2020-02", None)]),
    ("Manuel Ortega", "richmond", False,
     [(LOCAL_39, "member", "2015-05", None)],
     [(RAILROAD, LOCAL_39, "participant", "2016-09", None)]),
    ("Curtis Lee", "richmond", False,
     [(LOCAL_39, "member", "2016-07", None)],
     [(RAILROAD, LOCAL_39, "participant", "2017-01", None)]),
    ("Sione Taufa", "richmond", False,
     [(LOCAL_39, "member", "2018-03", None)],
     [(RAILROAD, LOCAL_39, "participant", "2018-03", None)]),
    ("Keisha Douglas", "richmond", False,
     [(LOCAL_39, "organizer", "2019-01", None)],
     [(RAILROAD, LOCAL_39, "organizer", "2019-01", None)]),
    # Berkeley students: tenures of a degree, two people in both of the first two campaigns.
    ("Emma Lindqvist", "berkeley", False,
     [(FOSSIL_GROUP, "leader", "2014-09", "2018-05")],
     [(FOSSIL_FREE, FOSSIL_GROUP, "leader", "2014-09", "2018-05")]),
    ("Jordan Kim", "berkeley", False,
     [(FOSSIL_GROUP, "member", "2016-09", "2020-05")],
     [(FOSSIL_FREE, FOSSIL_GROUP, "organizer", "2016-09", "2020-05")]),
    ("Sofia Castillo", "berkeley", False,
     [(FOSSIL_GROUP, "member", "2019-01", "2022-12")],
     [(FOSSIL_FREE, FOSSIL_GROUP, "participant", "2019-01", "2022-12"),
      (UC_DIVEST, DIVEST_COALITION, "participant", "2020-09", "2022-12")]),
    ("Arjun Mehta", "berkeley", False,
     [(FOSSIL_GROUP, "organizer", "2021-09", "2025-05")],
     [(FOSSIL_FREE, FOSSIL_GROUP, "organizer", "2021-09", "2025-05")]),
    ("Hannah Goldberg", "berkeley", False,
     [(FOSSIL_GROUP, "member", "2023-09", None)],
     [(FOSSIL_FREE, FOSSIL_GROUP, "participant", "2023-09", None)]),
    ("Malik Robinson", "berkeley", False,
     [(FOSSIL_GROUP, "member", "2024-09", None)],
     [(FOSSIL_FREE, FOSSIL_GROUP, "participant", "2024-09", None)]),
    ("Layla Haddad", "berkeley", True,
     [(SJP, "leader", "2015-09", "2019-05")],
     [(UC_DIVEST, SJP, "leader", "2015-09", "2019-05")]),
    ("Omar Khalil", "berkeley", False,
     [(SJP, "member", "2018-09", "2022-05")],
     [(UC_DIVEST, SJP, "organizer", "2018-09", "2022-05")]),
    ("Yasmin Darwish", "berkeley", False,
     [(SJP, "organizer", "2021-09", "2025-05")],
     [(UC_DIVEST, SJP, "organizer", "2021-09", "2025-05"),
      (FOSSIL_FREE, DIVEST_COALITION, "participant", "2022-01", "2024-05")]),
    ("Noah Friedman", "berkeley", False,
     [(SJP, "member", "2023-10", None)],
     [(UC_DIVEST, SJP, "participant", "2023-10", None),
      (PALESTINE, None, "participant", "2023-10", None)]),
    ("Amira Nasser", "berkeley", False,
     [(SJP, "member", "2024-09", None)],
     [(UC_DIVEST, SJP, "participant", "2024-09", None)]),
    ("Tyrone Jackson", "berkeley", False,
     [(PRISON_GROUP, "leader", "2018-09", "2022-05")],
     [(PRISON_DIVEST, PRISON_GROUP, "leader", "2018-09", "2022-05")]),
    ("Isabel Navarro", "berkeley", False,
     [(PRISON_GROUP, "member", "2020-09", "2024-05")],
     [(PRISON_DIVEST, PRISON_GROUP, "organizer", "2020-09", "2024-05")]),
    ("Kenji Watanabe", "berkeley", False,
     [(PRISON_GROUP, "member", "2023-09", None)],
     [(PRISON_DIVEST, PRISON_GROUP, "participant", "2023-09", None)]),
    ("Zoe Alvarez", "berkeley", False,
     [(PRISON_GROUP, "member", "2025-01", None)],
     [(PRISON_DIVEST, PRISON_GROUP, "participant", "2025-01", None)]),
    ("Grace Oyelaran", "berkeley", False,
     [(DIVEST_COALITION, "organizer", "2019-02", "2023-05")],
     [(UC_DIVEST, DIVEST_COALITION, "organizer", "2019-02", "2023-05"),
      (PRISON_DIVEST, DIVEST_COALITION, "organizer", "2019-02", "2023-05")]),
    # Richmond: oil-train blockaders and fenceline neighbours, closely tied.
    ("Skye Running Water", "richmond", True,
     [(CRUDE, "leader", "2014-09", None)],
     [(OIL_TRAINS, CRUDE, "leader", "2014-09", None),
      (CLIMATE_JUSTICE, CRUDE, "participant", "2016-01", None)]),
    ("Ben Hartley", "oakland", False,
     [(CRUDE, "organizer", "2016-05", None)],
     [(OIL_TRAINS, CRUDE, "organizer", "2016-05", None),
      (CLIMATE_JUSTICE, CRUDE, "volunteer", "2018-03", None)]),
    ("Lucía Fernández", "richmond", False,
     [(CRUDE, "member", "2017-02", "2019-08")],
     [(OIL_TRAINS, CRUDE, "participant", "2017-02", "2019-08")]),
    ("Devon Price", "berkeley", False,
     [(CRUDE, "member", "2020-06", None)],
     [(OIL_TRAINS, CRUDE, "participant", "2020-06", None)]),
    ("Maya Patel", "richmond", False,
     [(CRUDE, "member", "2023-01", None)],
     [(OIL_TRAINS, CRUDE, "participant", "2023-01", None),
      (CLIMATE_JUSTICE, None, "participant", "2023-06", None)]),
    ("Doris Williams", "richmond", True,
     [(FENCELINE, "leader", "2012-09", None)],
     [(CLIMATE_JUSTICE, FENCELINE, "leader", "2012-09", None)]),
    ("Henry Vo", "richmond", False,
     [(FENCELINE, "organizer", "2015-02", None)],
     [(CLIMATE_JUSTICE, FENCELINE, "organizer", "2015-02", None)]),
    ("Alejandra Soto", "richmond", False,
     [(FENCELINE, "member", "2019-04", None)],
     [(CLIMATE_JUSTICE, FENCELINE, "volunteer", "2019-04", None)]),
    ("Patrick Nolan", "richmond", False,
     [(FENCELINE, "member", "2021-03", "2023-03")],
     [(CLIMATE_JUSTICE, FENCELINE, "volunteer", "2021-03", "2023-03")]),
    ("Eleanor Hayes", "richmond", False,
     [(VIGIL, "leader", "2015-10", None)],
     [(CLIMATE_JUSTICE, VIGIL, "volunteer", "2016-05", None),
      (OIL_TRAINS, VIGIL, "participant", "2017-02", "2019-12")]),
    ("Tomás Aguilar", "oakland", False,
     [(CLIMATE_COALITION, "organizer", "2014-01", None)],
     [(CLIMATE_JUSTICE, CLIMATE_COALITION, "organizer", "2014-01", None),
      (OIL_TRAINS, CLIMATE_COALITION, "organizer", "2015-03", None)]),
    ("Ruth Abernathy", "berkeley", False,
     [(OBSERVERS, "member", "2010-01", None)],
     [(PALESTINE, OBSERVERS, "volunteer", "2014-08", None),
      (OIL_TRAINS, OBSERVERS, "volunteer", "2016-05", "2022-12")]),
    # Palestine solidarity in Oakland and San Francisco.
    ("Rami Saleh", "oakland", True,
     [(PAN, "leader", "2014-07", None)],
     [(PALESTINE, PAN, "leader", "2014-08", None)]),
    ("Dalia Mansour", "san-francisco", False,
     [(PAN, "organizer", "2016-03", None)],
     [(PALESTINE, PAN, "organizer", "2016-03", None)]),
    ("Jamal Whitaker", "oakland", False,
     [(PAN, "member", "2021-05", None)],
     [(PALESTINE, PAN, "participant", "2021-05", None)]),
    ("Leila Barakat", "san-francisco", False,
     [(PAN, "member", "2023-10", None)],
     [(PALESTINE, PAN, "participant", "2023-10", None)]),
    ("Connor Walsh", "oakland", False,
     [(PAN, "member", "2023-11", "2024-08")],
     [(PALESTINE, PAN, "participant", "2023-11", "2024-08", "event")]),
    ("Miriam Levin", "berkeley", False,
     [(HAVURAH, "leader", "2009-09", None)],
     [(PALESTINE, HAVURAH, "volunteer", "2014-08", None)]),
    ("Ezra Cohen", "berkeley", False,
     [(HAVURAH, "member", "2017-03", None)],
     [(PALESTINE, HAVURAH, "volunteer", "2023-10", None)]),
    # San Francisco tenants and transit riders.
    ("Carmen Flores", "san-francisco", True,
     [(MISSION, "leader", "2015-05", None)],
     [(TENANTS, MISSION, "leader", "2015-05", None)]),
    ("Wei Zhang", "san-francisco", False,
     [(MISSION, "organizer", "2017-01", None)],
     [(TENANTS, MISSION, "organizer", "2017-01", None)]),
    ("Ana Lucia Mendoza", "san-francisco", False,
     [(MISSION, "member", "2020-04", None)],
     [(TENANTS, MISSION, "volunteer", "2020-04", None)]),
    ("Gregory Adams", "san-francisco", False,
     [(CLINIC, "leader", "2008-01", None)],
     [(TENANTS, CLINIC, "organizer", "2016-01", None)]),
    ("Lorraine Chu", "san-francisco", False,
     [(RIDERS, "leader", "2012-02", "2021-06")],
     [(FAIR_FARES, RIDERS, "leader", "2014-01", "2021-06")]),
    ("Victor Ramos", "san-francisco", False,
     [(RIDERS, "member", "2015-04", "2020-12")],
     [(FAIR_FARES, RIDERS, "volunteer", "2015-04", "2020-12")]),
    # San José: janitors, sanctuary congregations, warehouse workers.
    ("María Elena Cruz", "san-jose", False,
     [(SBJU, "leader", "2005-03", None)],
     [(JANITORS, SBJU, "leader", "2016-06", None)]),
    ("José Luis Peña", "san-jose", False,
     [(SBJU, "organizer", "2010-09", None)],
     [(JANITORS, SBJU, "organizer", "2016-06", None),
      (SANCTUARY, SBJU, "volunteer", "2017-02", None)]),
    ("Graciela Ríos", "san-jose", False,
     [(SBJU, "member", "2016-08", None)],
     [(JANITORS, SBJU, "participant", "2016-08", None)]),
    ("Phuong Le", "san-jose", False,
     [(SBJU, "member", "2019-02", "2022-04")],
     [(JANITORS, SBJU, "participant", "2019-02", "2022-04")]),
    ("Ricardo Mendes", "san-jose", False,
     [(SBJU, "member", "2025-01", None)],
     [(JANITORS, SBJU, "participant", "2025-01", None)]),
    ("Miguel Ángel Torres", "san-jose", False,
     [(SACRED_HEART, "leader", "2016-11", None)],
     [(SANCTUARY, SACRED_HEART, "leader", "2017-01", None)]),
    ("Teresa Lopez", "san-jose", False,
     [(SACRED_HEART, "member", "2017-02", None)],
     [(SANCTUARY, SACRED_HEART, "volunteer", "2017-02", None)]),
    ("Anh Pham", "san-jose", False,
     [(SACRED_HEART, "member", "2025-02", None)],
     [(SANCTUARY, SACRED_HEART, "volunteer", "2025-02", None)]),
    ("Sarah Goldstein", "san-jose", False,
     [(LEGAL_DEFENSE, "organizer", "2012-06", None)],
     [(SANCTUARY, LEGAL_DEFENSE, "organizer", "2017-01", None)]),
    ("DeShawn Harris", "san-jose", False,
     [(WWOC, "organizer", "2024-02", None)],
     [(WAREHOUSE, WWOC, "organizer", "2024-03", None)]),
    ("Francisco Ibarra", "san-jose", False,
     [(WWOC, "member", "2024-05", None)],
     [(WAREHOUSE, WWOC, "participant", "2024-05", None)]),
    ("Jasmine Tupou", "hayward", False,
     [(WWOC, "member", "2025-06", None)],
     [(WAREHOUSE, WWOC, "participant", "2025-06", None)]),
]  # fmt: skip

# Revolutionary Workers Front members: (name, region, role, since, until). Their
# engagements are derived from the front's participations during their membership, so
# each one ends when the front leaves that movement.
HOPPER_PEOPLE = [
    ("Vladimir Sokolov", "oakland", "leader", "2015-06-01", None),
    ("Chris Donovan", "oakland", "organizer", "2016-01-15", "2018-08-31"),
    ("Ayesha Rahman", "san-francisco", "member", "2016-06-01", "2017-06-30"),
    ("Tyler Brennan", "berkeley", "member", "2017-01-10", "2019-03-31"),
    ("Nicole Baptiste", "oakland", "member", "2018-02-01", "2019-01-31"),
    ("Diego Fuentes", "richmond", "organizer", "2019-01-05", "2021-09-30"),
    ("Kayla Morgan", "oakland", "member", "2020-03-01", "2021-02-28"),
    ("Samir Aziz", "hayward", "member", "2021-05-01", "2023-04-30"),
    ("Lauren Fischer", "berkeley", "member", "2022-07-01", "2024-09-30"),
    ("Andre Dupree", "oakland", "organizer", "2023-09-01", None),
    ("Hyun-woo Park", "san-francisco", "member", "2024-11-01", "2025-08-31"),
    ("Olivia Grant", "oakland", "member", "2025-08-15", None),
    # Recruited on the front's newest struggles (sanctuary, oil trains): the front is
    # bigger than ever and spread across two movements at once.
    ("Reuben Castillo", "oakland", "member", "2026-01-20", None),
    ("Priya Nair", "san-francisco", "member", "2026-02-01", None),
    ("Jonah Weiss", "oakland", "member", "2026-03-01", None),
    ("Fatima Haddad", "hayward", "member", "2026-06-15", None),
]

# The one former front member who stayed on after the front left: Ayesha Rahman keeps
# organizing with San Francisco tenants through Mission Tenant Mutual Aid.
HOPPER_STAYED = {
    "Ayesha Rahman": (
        [(MISSION, "member", "2017-06", None)],
        [(TENANTS, MISSION, "volunteer", "2017-06", None)],
    ),
}

TENSIONS = [
    (
        FIGHT_FOR_15,
        FOOD_JUSTICE,
        "Higher wages can raise food prices for the neighbourhoods food-justice gardens "
        "serve; gardeners ask who pays when a meal costs more.",
    ),
    (
        RAILROAD,
        OIL_TRAINS,
        "Blockading crude-oil trains stops the freight railroad jobs depend on, and crews "
        "carry the risk when people are on the tracks.",
    ),
    (
        RAILROAD,
        CLIMATE_JUSTICE,
        "Closing the refinery would end the rail jobs that haul its products; a "
        "just-transition plan for rail crews is still missing.",
    ),
    (
        FOSSIL_FREE,
        UC_DIVEST,
        "Some climate organizers fear that joining the Israel divestment campaign will cost "
        "them the administration's support; others say divestment is one fight.",
    ),
]


def _hopper_people() -> list[tuple]:
    """Engagements through the front for each of its members, one per participation that
    overlaps their membership, ending when the front (or the person) left."""
    people = []
    for name, region, role, joined, left in HOPPER_PEOPLE:
        memberships = [(HOPPER, role, joined, left)]
        engagement_role = "participant" if role == "member" else "organizer"
        engagements = []
        for movement, _, since, until in HOPPER_PARTICIPATIONS:
            start = max(since, joined)
            ends = [day for day in (until, left) if day is not None]
            end = min(ends) if ends else None
            if end is None or start <= end:
                engagements.append((movement, HOPPER, engagement_role, start, end))
        stayed_memberships, stayed_engagements = HOPPER_STAYED.get(name, ([], []))
        people.append(
            (
                name,
                region,
                False,
                memberships + stayed_memberships,
                engagements + stayed_engagements,
            )
        )
    return people


def _member(key: str, person: tuple) -> dict[str, Any]:
    name, region, public, memberships, engagements = person
    return {
        "key": key,
        "name": name,
        "email": _email(name),
        "region": region,
        "visibility": "public" if public else "private",
        "memberships": [
            {"organization": org, "role": role, "since": _since(since), "until": _until(until)}
            for org, role, since, until in memberships
        ],
        "engagements": [
            {
                "movement": movement,
                "organization": org,
                "role": role,
                "since": _since(since),
                "until": _until(until),
                "source": rest[0] if rest else ("import" if org else "manual"),
            }
            for movement, org, role, since, until, *rest in engagements
        ],
    }


def base_document() -> dict[str, Any]:
    """The hand-made demo network (``--scale 1``)."""
    people = PEOPLE + _hopper_people()
    return {
        "themes": [{"slug": slug, "name": name} for slug, name in THEMES],
        "tactics": [{"slug": slug, "name": name} for slug, name in TACTICS],
        "regions": [
            {"slug": slug, "name": name, "parent": parent} for slug, name, parent in REGIONS
        ],
        "movements": [dict(movement) for movement in MOVEMENTS],
        "organizations": [
            {**org, "participations": [dict(p) for p in org["participations"]]}
            for org in ORGANIZATIONS
        ],
        "members": [
            {**_member(f"m-{number:04d}", person), "invites": number % 3 != 0}
            for number, person in enumerate(people, start=1)
        ],
        "tensions": [{"movements": [a, b], "note": note} for a, b, note in TENSIONS],
    }


# --- Scaling ---------------------------------------------------------------------------

MOVEMENTS_PER_STEP = 1.75
ORGANIZATIONS_PER_STEP = 18
PEOPLE_PER_STEP = 295
ENGAGEMENTS_PER_PERSON = (3, 7)  # inclusive range, five on average

SCALE_HELP = (
    "Multiply the demo for benchmarks. Scale N adds, for each step above 1, about "
    f"{MOVEMENTS_PER_STEP} movements, {ORGANIZATIONS_PER_STEP} organizations and "
    f"{PEOPLE_PER_STEP} people with {ENGAGEMENTS_PER_PERSON[0]}-{ENGAGEMENTS_PER_PERSON[1]} "
    "engagements each (five on average); --scale 170 gives about 310 movements, 3,070 "
    "organizations, 50,000 people and 250,000 engagements. Deterministic (fixed seed)."
)

_GEN_WORDS = ["Campaign", "Coalition", "Network", "Alliance", "Project", "Committee"]
_GEN_FIRST = [
    "Alex", "Ana", "Bilal", "Camila", "Chen", "Dana", "Elif", "Farah", "Gabriel", "Hana",
    "Ibrahim", "Jada", "Juan", "Kai", "Lan", "Mateo", "Nia", "Oscar", "Paz", "Quinn",
    "Rina", "Sergio", "Tala", "Uma", "Valeria", "Wen", "Ximena", "Yusuf", "Zainab", "Ravi",
]  # fmt: skip
_GEN_LAST = [
    "Abebe", "Baker", "Chávez", "Dang", "Ellis", "Flores", "García", "Hoang", "Ito",
    "Jones", "Khan", "López", "Martin", "Ng", "Ochoa", "Perez", "Quach", "Reyes", "Singh",
    "Tran", "Umar", "Vargas", "Wong", "Xu", "Yamada", "Zapata", "Silva", "Nakamura",
]  # fmt: skip
_KINDS = ["union", "collective", "nonprofit", "student_group", "faith_group", "political",
          "coalition", "other"]  # fmt: skip
_SECTORS = ["labor", "environmental", "student", "community", "faith", "solidarity"]
_PARTICIPATION_ROLES = ["lead", "partner", "ally", "ally"]
_MEMBERSHIP_ROLES = ["member"] * 8 + ["organizer", "leader"]
_ENGAGEMENT_ROLES = ["participant"] * 6 + ["volunteer"] * 3 + ["organizer"]


def _months() -> tuple[list[str], list[str]]:
    """First and last days of every month from January 2016 to October 2026."""
    starts, ends = [], []
    for year in range(2016, 2027):
        for month in range(1, 13):
            if (year, month) > (2026, 10):
                break
            starts.append(f"{year}-{month:02d}-01")
            ends.append(f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}")
    return starts, ends


def scaled_counts(scale: int) -> tuple[int, int, int]:
    """Generated (movements, organizations, people) added on top of the demo."""
    steps = scale - 1
    return (
        (int(MOVEMENTS_PER_STEP * 4) * steps + 3) // 4,
        ORGANIZATIONS_PER_STEP * steps,
        PEOPLE_PER_STEP * steps,
    )


def _generated(document: dict[str, Any], scale: int) -> None:
    """Append generated movements, organizations and people (deterministically)."""
    n_movements, n_organizations, n_people = scaled_counts(scale)
    if not n_people:
        return
    rng = random.Random(SCALE_SEED)
    starts, ends = _months()
    last_start = len(starts) - 5  # nothing generated starts after mid-2026
    themes = [slug for slug, _ in THEMES]
    theme_names = dict(THEMES)
    tactics = [slug for slug, _ in TACTICS]
    cities = [slug for slug, _, parent in REGIONS if parent]
    city_names = {slug: name for slug, name, _ in REGIONS}

    def period(ongoing_share: float) -> tuple[str, str | None]:
        first = rng.randrange(last_start)
        if rng.random() < ongoing_share:
            return starts[first], None
        last = min(first + rng.randint(1, 48), len(ends)) - 1
        return starts[first], ends[last]

    movement_slugs = []
    for number in range(1, n_movements + 1):
        slug = f"gen-movement-{number:04d}"
        movement_themes = rng.sample(themes, rng.randint(1, 3))
        region = rng.choice(cities)
        movement_slugs.append(slug)
        document["movements"].append(
            {
                "slug": slug,
                "name": f"{city_names[region]} {theme_names[movement_themes[0]]} "
                f"{rng.choice(_GEN_WORDS)} {number}",
                "sector": rng.choice(_SECTORS),
                "constituency": "generated",
                "status": "active",
                "themes": movement_themes,
                "tactics": rng.sample(tactics, rng.randint(1, 3)),
                "regions": [region],
                "summary": "Generated for benchmarks.",
            }
        )

    organization_movements: dict[str, list[str]] = {}
    for number in range(1, n_organizations + 1):
        slug = f"gen-org-{number:05d}"
        region = rng.choice(cities)
        kind = rng.choice(_KINDS)
        movements = rng.sample(movement_slugs, min(rng.randint(1, 3), len(movement_slugs)))
        organization_movements[slug] = movements
        participations = []
        for movement in movements:
            since, until = period(0.7)
            participations.append(
                {
                    "movement": movement,
                    "role": rng.choice(_PARTICIPATION_ROLES),
                    "since": since,
                    "until": until,
                }
            )
        document["organizations"].append(
            {
                "slug": slug,
                "name": f"{city_names[region]} {kind.replace('_', ' ').title()} {number}",
                "kind": kind,
                "region": region,
                "participations": participations,
            }
        )

    organization_slugs = list(organization_movements)
    for number in range(1, n_people + 1):
        first, last = rng.choice(_GEN_FIRST), rng.choice(_GEN_LAST)
        organizations = rng.sample(organization_slugs, rng.randint(1, 2))
        memberships = []
        for organization in organizations:
            since, until = period(0.6)
            memberships.append(
                {
                    "organization": organization,
                    "role": rng.choice(_MEMBERSHIP_ROLES),
                    "since": since,
                    "until": until,
                }
            )
        engagements = []
        for _ in range(rng.randint(*ENGAGEMENTS_PER_PERSON)):
            if rng.random() < 0.8:
                organization = rng.choice(organizations)
                movement = rng.choice(organization_movements[organization])
            else:
                organization, movement = None, rng.choice(movement_slugs)
            since, until = period(0.35)
            engagements.append(
                {
                    "movement": movement,
                    "organization": organization,
                    "role": rng.choice(_ENGAGEMENT_ROLES),
                    "since": since,
                    "until": until,
                    "source": "import" if organization else "manual",
                }
            )
        document["members"].append(
            {
                "key": f"g-{number:06d}",
                "name": f"{first} {last}",
                "email": f"g-{number:06d}@people.example.org",
                "region": rng.choice(cities),
                "visibility": "public" if rng.random() < 0.05 else "private",
                "memberships": memberships,
                "engagements": engagements,
            }
        )


def demo_document(scale: int = 1) -> dict[str, Any]:
    """The demo network as an import document; ``scale`` > 1 adds generated records."""
    if scale < 1:
        raise ValueError("The scale must be 1 or more.")
    document = base_document()
    _generated(document, scale)
    return document


# --- After the directory: requests, events, logins ------------------------------------------

REQUEST_ORGANIZATION = STEADY_COLLECTIVE
REQUEST_NOTE = "I run the Saturday seed swap and would like to post our workdays."


def _organizer_request_seed(*, today: datetime.date) -> bool:
    """One pending organizer request for the Fruitvale Garden Collective, from the first
    person (by key) engaged in food justice who does not organize there; made once (any
    request for the collective means it was seeded, or answered)."""
    organization = Organization.objects.filter(slug=REQUEST_ORGANIZATION).first()
    if organization is None or OrganizerRequest.objects.filter(organization=organization).exists():
        return False
    members_there = Membership.objects.filter(
        organization=organization, until__isnull=True
    ).values("member")
    member = (
        Member.objects.filter(engagements__movement__slug=FOOD_JUSTICE)
        .exclude(pk__in=members_there)
        .order_by("key")
        .first()
    )
    if member is None:
        return False
    OrganizerRequest.objects.create(
        member=member,
        organization=organization,
        note=REQUEST_NOTE,
        created_at=timezone.make_aware(datetime.datetime.combine(today, datetime.time(9))),
    )
    return True


def with_attendance(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the engagements its members took up at and after the demo's
    events: the attendance engagements (source ``event``) and the real engagements that
    began on or after the day they attended an event in that movement (the follow-through
    of ``events/demo.py``). Check-ins and follow-through happened after the first seed, and
    an import replaces a member's engagements with the file's, so re-seeding keeps them."""
    keys = {member["key"]: member for member in document["members"]}
    columns = ("member__key", "movement__slug", "organization__slug", "role", "since", "until")
    attended = list(
        Engagement.objects.filter(source=EngagementSource.EVENT)
        .order_by("member__key", "since", "movement__slug", "pk")
        .values_list(*columns, "source")
    )
    first_attended: dict[tuple[str, str], datetime.date] = {}
    for key, movement, _organization, _role, since, _until, _source in attended:
        first_attended.setdefault((key, movement), since)
    later = [
        row
        for row in Engagement.objects.filter(
            member__key__in=[key for key, _ in first_attended],
            source__in=[EngagementSource.MANUAL, EngagementSource.IMPORT],
            since__isnull=False,
        )
        .order_by("member__key", "since", "movement__slug", "pk")
        .values_list(*columns, "source")
        if (day := first_attended.get((row[0], row[1]))) is not None and row[4] >= day
    ]
    for key, movement, organization, role, since, until, source in attended + later:
        if key not in keys:  # someone the demo does not list (a sign-up, an import)
            continue
        row = {
            "movement": movement,
            "organization": organization,
            "role": role,
            "since": since.isoformat(),
            "until": until.isoformat() if until else None,
            "source": str(source),
        }
        if row not in keys[key]["engagements"]:
            keys[key]["engagements"].append(row)
    return document


def demo_extras_seed(*, scale: int = 1, today: datetime.date) -> list[str]:
    """What ``seed_demo`` adds after the directory: the pending organizer request and,
    through ``demo_seeding``, the other layers' parts. Returns the lines to print."""
    lines = []
    if _organizer_request_seed(today=today):
        lines.append("Demo organizer request: 1 created.")
    for _, line in demo_seeding.send(sender=Member, scale=scale, today=today):
        if line:
            lines.append(line)
    return lines
