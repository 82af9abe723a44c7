import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from movements.exchange import NetworkImportError, dumps, loads, network_export, network_import
from movements.models import (
    Engagement,
    EngagementSource,
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
from tests.factories import (
    EngagementFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    TacticFactory,
    TensionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [Theme, Tactic, Region, Movement, Organization, Participation, Member]
MODELS += [Membership, Engagement, Tension]


@pytest.fixture(autouse=True)
def pacific_time(settings):
    """A datetime's day is read in the site's time zone."""
    settings.TIME_ZONE = "America/Los_Angeles"


def _flush():
    for model in (Tension, Engagement, Membership, Participation, Member, Organization):
        model.objects.all().delete()
    Movement.objects.all().delete()
    Region.objects.update(parent=None)
    for model in (Region, Theme, Tactic):
        model.objects.all().delete()


def _row_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def network():
    """A small network with every feature the document carries."""
    bay_area = RegionFactory(slug="bay-area", name="Bay Area")
    oakland = RegionFactory(slug="oakland", name="Oakland", parent=bay_area)
    food, wages = ThemeFactory(slug="food"), ThemeFactory(slug="wages")
    strike = TacticFactory(slug="strike")
    fight = MovementFactory(
        slug="fight-for-15",
        name="Fight for $15",
        sector="labor",
        themes=[wages, food],
        tactics=[strike],
        regions=[oakland],
        started_on=datetime.date(2012, 11, 29),
        website="https://fightfor15.example.org",
    )
    gardens = MovementFactory(slug="food-justice", name="Food justice", themes=[food])
    old = MovementFactory(
        slug="old-campaign",
        status="dormant",
        archived_at=datetime.datetime(2024, 3, 1, 12, 30, tzinfo=datetime.UTC),
    )
    union = OrganizationFactory(slug="sein", name="SEIN", kind="union", region=oakland)
    closed = OrganizationFactory(
        slug="acorn",
        name="Acorn",
        active=False,
        founded_on=datetime.date(1970, 1, 1),
        archived_at=datetime.datetime(2023, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    )
    ParticipationFactory(organization=union, movement=fight, role="lead")
    ParticipationFactory(
        organization=closed,
        movement=old,
        since=datetime.date(2001, 1, 1),
        until=datetime.date(2008, 6, 30),
    )
    ana = MemberFactory(
        key="m-0001", name="Ana", region=oakland, visibility="public", invites=True
    )
    ben = MemberFactory(key="m-0002", name="Ben")
    MembershipFactory(member=ana, organization=union, role="organizer")
    MembershipFactory(member=ben, organization=closed, until=datetime.date(2008, 1, 1), since=None)
    EngagementFactory(member=ana, movement=fight, organization=union, role="organizer")
    EngagementFactory(
        member=ana,
        movement=gardens,
        since=datetime.date(2016, 2, 1),
        until=datetime.date(2016, 9, 30),
        source=EngagementSource.EVENT,
    )
    EngagementFactory(member=ben, movement=old, since=None, source=EngagementSource.IMPORT)
    TensionFactory(movement_a=gardens, movement_b=fight, note="Higher wages raise food prices.")


def _document():
    """A valid document that only adds records: importing it would change the database."""
    return {
        "themes": [{"slug": "climate", "name": "Climate"}],
        "tactics": [{"slug": "blockade", "name": "Blockade"}],
        "regions": [
            {"slug": "east-bay", "name": "East Bay"},
            {"slug": "richmond", "name": "Richmond", "parent": "east-bay"},
        ],
        "movements": [
            {
                "slug": "refinery-watch",
                "name": "Refinery watch",
                "sector": "environmental",
                "themes": ["climate"],
                "tactics": ["blockade"],
                "regions": ["richmond"],
            },
            {"slug": "rail-strike", "name": "Rail strike", "sector": "labor"},
        ],
        "organizations": [
            {
                "slug": "rail-union",
                "name": "Rail union",
                "kind": "union",
                "region": "richmond",
                "participations": [{"movement": "rail-strike", "role": "lead"}],
            }
        ],
        "members": [
            {
                "key": "m-0100",
                "name": "Cleo",
                "memberships": [{"organization": "rail-union", "since": "2020-01-01"}],
                "engagements": [
                    {
                        "movement": "rail-strike",
                        "organization": "rail-union",
                        "since": "2020-01-01",
                        "until": "2021-01-01",
                    }
                ],
            }
        ],
        "tensions": [{"movements": ["refinery-watch", "rail-strike"], "note": "Jobs."}],
        "events": [],
    }


# --- Export ----------------------------------------------------------------------------------


def test_export_writes_every_field_in_a_fixed_order(network):
    document = network_export()

    assert document["regions"] == [
        {"slug": "bay-area", "name": "Bay Area", "parent": None},
        {"slug": "oakland", "name": "Oakland", "parent": "bay-area"},
    ]
    assert document["movements"][0] == {
        "slug": "fight-for-15",
        "name": "Fight for $15",
        "sector": "labor",
        "constituency": "neighbours",
        "status": "active",
        "themes": ["food", "wages"],
        "tactics": ["strike"],
        "regions": ["oakland"],
        "summary": "A movement used in tests.",
        "description": "",
        "started_on": "2012-11-29",
        "website": "https://fightfor15.example.org",
    }
    assert document["movements"][2]["archived_at"] == "2024-03-01T12:30:00+00:00"
    assert document["organizations"][0] == {
        "slug": "acorn",
        "name": "Acorn",
        "kind": "collective",
        "region": None,
        "description": "",
        "website": "",
        "contact_email": "hello@acorn.example.org",
        "founded_on": "1970-01-01",
        "active": False,
        "archived_at": "2023-01-02T03:04:05+00:00",
        "participations": [
            {
                "movement": "old-campaign",
                "role": "partner",
                "since": "2001-01-01",
                "until": "2008-06-30",
            }
        ],
    }
    assert document["members"][0] == {
        "key": "m-0001",
        "name": "Ana",
        "email": "m-0001@people.example.org",
        "region": "oakland",
        "visibility": "public",
        "invites": True,
        "memberships": [
            {"organization": "sein", "role": "organizer", "since": "2020-01-01", "until": None}
        ],
        "engagements": [
            {
                "movement": "food-justice",
                "organization": None,
                "role": "participant",
                "since": "2016-02-01",
                "until": "2016-09-30",
                "source": "event",
            },
            {
                "movement": "fight-for-15",
                "organization": "sein",
                "role": "organizer",
                "since": "2020-01-01",
                "until": None,
                "source": "manual",
            },
        ],
    }
    assert document["tensions"] == [
        {"movements": ["fight-for-15", "food-justice"], "note": "Higher wages raise food prices."}
    ]
    assert document["events"] == []


def test_export_runs_a_fixed_number_of_queries(network, django_assert_num_queries):
    # 13 for the directory, 4 for events (rows, movements, hosts, RSVPs), 3 for proposals.
    with django_assert_num_queries(20):
        network_export()


def test_dumps_is_indented_utf8_with_a_final_newline():
    assert dumps({"themes": [{"slug": "a", "name": "Café"}]}) == (
        '{\n  "themes": [\n    {\n      "slug": "a",\n      "name": "Café"\n    }\n  ]\n}\n'
    )


def test_export_import_export_is_byte_identical(network):
    exported = dumps(network_export())
    _flush()

    summary = network_import(document=json.loads(exported))

    assert dumps(network_export()) == exported
    assert (summary.movements.created, summary.engagements.created) == (3, 3)
    assert Region.objects.get(slug="oakland").parent.slug == "bay-area"


def test_import_twice_changes_nothing(network):
    document = json.loads(dumps(network_export()))
    network_import(document=_document())
    counts, exported = _row_counts(), dumps(network_export())

    first = network_import(document=document)
    second = network_import(document=document)

    assert first.changed is False
    assert second.changed is False
    assert _row_counts() == counts
    assert dumps(network_export()) == exported


def test_import_into_an_empty_database_reports_what_it_created():
    summary = network_import(document=_document())

    assert str(summary) == "\n".join(
        [
            "themes: 1 created, 0 updated, 0 removed",
            "tactics: 1 created, 0 updated, 0 removed",
            "regions: 2 created, 0 updated, 0 removed",
            "movements: 2 created, 0 updated, 0 removed",
            "organizations: 1 created, 0 updated, 0 removed",
            "participations: 1 created, 0 updated, 0 removed",
            "members: 1 created, 0 updated, 0 removed",
            "memberships: 1 created, 0 updated, 0 removed",
            "engagements: 1 created, 0 updated, 0 removed",
            "tensions: 1 created, 0 updated, 0 removed",
            "events: 0 created, 0 updated, 0 removed",
            "rsvps: 0 created, 0 updated, 0 removed",
            "proposals: 0 created, 0 updated, 0 removed",
        ]
    )
    engagement = Engagement.objects.get()
    assert engagement.source == EngagementSource.IMPORT
    assert engagement.organization.slug == "rail-union"
    assert Participation.objects.get().role == "lead"
    assert Membership.objects.get().role == "member"


def _members(keys):
    engagements = [
        {"movement": "food-justice", "since": "2020-01-01"},
        {"movement": "old-campaign"},
    ]
    return {
        "members": [
            {"key": key, "name": key, "memberships": [], "engagements": engagements}
            for key in keys
        ]
    }


def test_import_query_count_does_not_grow_with_the_document(network):
    network_import(document=_members(["m-0001", "m-0002"]))
    with CaptureQueriesContext(connection) as two:
        network_import(document=_members(["m-0001", "m-0002"] + ["m-0003"]))
    with CaptureQueriesContext(connection) as six:
        network_import(document=_members(["m-0001", "m-0002"] + ["m-0004", "m-0005", "m-0006"]))

    assert len(six) == len(two)
    assert Engagement.objects.filter(member__key="m-0006").count() == 2


# --- Upserts ---------------------------------------------------------------------------------


def test_import_updates_a_record_found_by_slug(network):
    document = {"movements": [{"slug": "fight-for-15", "name": "Fight for $20"}]}

    summary = network_import(document=document)

    assert (summary.movements.created, summary.movements.updated) == (0, 1)
    assert Movement.objects.count() == 3
    movement = Movement.objects.get(slug="fight-for-15")
    assert movement.name == "Fight for $20"
    # Keys missing from the record leave the stored values alone.
    assert movement.sector == "labor"
    assert sorted(movement.themes.values_list("slug", flat=True)) == ["food", "wages"]


def test_import_updates_a_member_found_by_key(network):
    document = {"members": [{"key": "m-0002", "name": "Benedict", "region": "oakland"}]}

    summary = network_import(document=document)

    assert (summary.members.created, summary.members.updated) == (0, 1)
    member = Member.objects.get(key="m-0002")
    assert (member.name, member.region.slug) == ("Benedict", "oakland")
    assert member.engagements.count() == 1


def test_members_carry_their_invitations_choice_both_ways(network):
    exported = network_export()["members"]
    assert [(m["key"], m["invites"]) for m in exported] == [("m-0001", True), ("m-0002", False)]

    document = {
        "members": [
            {"key": "m-0001", "name": "Ana", "invites": False},
            {"key": "m-0002", "name": "Ben", "invites": True},
            {"key": "m-0003", "name": "Cleo"},
        ]
    }
    summary = network_import(document=document)

    assert (summary.members.created, summary.members.updated) == (1, 2)
    assert dict(Member.objects.values_list("key", "invites")) == {
        "m-0001": False,
        "m-0002": True,
        "m-0003": False,
    }


def test_import_without_invites_leaves_the_choice_alone(network):
    network_import(document={"members": [{"key": "m-0001", "name": "Ana Maria"}]})

    assert Member.objects.get(key="m-0001").invites is True


def test_import_null_clears_a_reference_and_an_archive_date(network):
    document = {
        "regions": [{"slug": "oakland", "name": "Oakland", "parent": None}],
        "movements": [{"slug": "old-campaign", "name": "Old", "archived_at": None}],
    }

    summary = network_import(document=document)

    assert (summary.regions.updated, summary.movements.updated) == (1, 1)
    assert Region.objects.get(slug="oakland").parent is None
    assert Movement.objects.get(slug="old-campaign").archived_at is None


def test_import_archives_with_the_given_time(network):
    document = {
        "organizations": [
            {"slug": "sein", "name": "SEIN", "archived_at": "2025-01-01T10:00:00-08:00"}
        ]
    }

    network_import(document=document)

    archived_at = Organization.objects.get(slug="sein").archived_at
    assert archived_at == datetime.datetime(2025, 1, 1, 18, tzinfo=datetime.UTC)
    assert archived_at <= timezone.now()


def test_import_references_records_already_in_the_database(network):
    document = {
        "members": [
            {"key": "m-0003", "name": "Dee", "engagements": [{"movement": "food-justice"}]}
        ]
    }

    network_import(document=document)

    engagement = Engagement.objects.get(member__key="m-0003")
    assert (engagement.movement.slug, engagement.since, engagement.until) == (
        "food-justice",
        None,
        None,
    )


# --- Nested lists ----------------------------------------------------------------------------


def test_import_replaces_nested_lists_that_are_present(network):
    ended = {"movement": "food-justice", "since": "2016-02-01", "until": "2016-09-30"}
    document = {
        "movements": [{"slug": "fight-for-15", "name": "Fight for $15", "themes": ["wages"]}],
        "members": [
            {
                "key": "m-0001",
                "name": "Ana",
                "memberships": [],
                "engagements": [{**ended, "source": "event"}, {"movement": "old-campaign"}],
            }
        ],
    }

    summary = network_import(document=document)

    movement = Movement.objects.get(slug="fight-for-15")
    assert list(movement.themes.values_list("slug", flat=True)) == ["wages"]
    assert list(movement.tactics.values_list("slug", flat=True)) == ["strike"]
    ana = Member.objects.get(key="m-0001")
    assert ana.memberships.count() == 0
    assert sorted(ana.engagements.values_list("movement__slug", "source")) == [
        ("food-justice", "event"),
        ("old-campaign", "import"),
    ]
    assert (summary.memberships.removed, summary.engagements.removed) == (1, 1)
    assert (summary.engagements.created, summary.movements.updated) == (1, 1)


def test_import_keeps_unchanged_nested_rows(network):
    kept = Engagement.objects.get(member__key="m-0001", movement__slug="food-justice")
    ana = next(m for m in network_export()["members"] if m["key"] == "m-0001")
    ana["engagements"].append({"movement": "old-campaign", "role": "leader"})

    summary = network_import(document={"members": [ana]})

    assert Engagement.objects.filter(pk=kept.pk).exists()
    assert (summary.engagements.created, summary.engagements.removed) == (1, 0)


def test_import_leaves_nested_lists_that_are_absent(network):
    document = {
        "organizations": [{"slug": "sein", "name": "SEIN"}],
        "members": [{"key": "m-0001", "name": "Ana"}],
    }

    network_import(document=document)

    assert Participation.objects.filter(organization__slug="sein").count() == 1
    assert Engagement.objects.filter(member__key="m-0001").count() == 2
    assert Membership.objects.filter(member__key="m-0001").count() == 1


def test_import_replaces_participations(network):
    document = {
        "organizations": [
            {
                "slug": "sein",
                "name": "SEIN",
                "participations": [
                    {"movement": "fight-for-15", "since": "2013-04-01", "until": "2019-12-31"},
                    {"movement": "fight-for-15", "role": "ally", "since": "2020-01-01"},
                ],
            }
        ]
    }

    summary = network_import(document=document)

    assert sorted(
        Participation.objects.filter(organization__slug="sein").values_list("role", "until")
    ) == [("ally", None), ("partner", datetime.date(2019, 12, 31))]
    assert (summary.participations.created, summary.participations.removed) == (2, 1)


def test_import_adds_a_tension_once_whatever_the_order_of_its_pair(network):
    note = "Higher wages raise food prices."
    document = {
        "tensions": [
            {"movements": ["fight-for-15", "food-justice"], "note": note},
            {"movements": ["food-justice", "fight-for-15"], "note": note},
            {"movements": ["food-justice", "fight-for-15"], "note": "Land use."},
        ]
    }

    summary = network_import(document=document)

    assert summary.tensions.created == 1
    assert sorted(Tension.objects.values_list("note", flat=True)) == [
        "Higher wages raise food prices.",
        "Land use.",
    ]
    tension = Tension.objects.get(note="Land use.")
    assert tension.movement_a_id < tension.movement_b_id


# --- Bad documents ---------------------------------------------------------------------------


def _member(document):
    return document["members"][0]


BAD_DOCUMENTS = [
    (
        "unknown top-level key",
        lambda d: d.update(people=[]),
        "document",
        "unknown key 'people' (expected: themes, tactics, regions, movements, "
        "organizations, members, tensions, events, proposals)",
    ),
    (
        "section not a list",
        lambda d: d.update(themes={"slug": "food"}),
        "themes",
        "must be a list, not an object",
    ),
    (
        "record not an object",
        lambda d: d["tactics"].append("strike"),
        "tactics[1]",
        "must be an object, not a string",
    ),
    (
        "unknown record key",
        lambda d: d["movements"][0].update(colour="red"),
        "movements[0] (slug 'refinery-watch')",
        "unknown key 'colour'",
    ),
    (
        "unknown nested key",
        lambda d: _member(d)["engagements"][0].update(hours=3),
        "members[0] (key 'm-0100')",
        "unknown key 'hours' in engagements[0]",
    ),
    (
        "missing slug",
        lambda d: d["themes"][0].pop("slug"),
        "themes[0]",
        "missing required key 'slug'",
    ),
    (
        "missing name",
        lambda d: d["organizations"][0].pop("name"),
        "organizations[0] (slug 'rail-union')",
        "missing required key 'name'",
    ),
    (
        "missing key",
        lambda d: _member(d).pop("key"),
        "members[0]",
        "missing required key 'key'",
    ),
    (
        "empty name",
        lambda d: _member(d).update(name="  "),
        "members[0] (key 'm-0100')",
        "'name' must not be empty",
    ),
    (
        "name not a string",
        lambda d: d["regions"][0].update(name=7),
        "regions[0] (slug 'east-bay')",
        "'name' must be a string, not a number",
    ),
    (
        "bad slug",
        lambda d: d["themes"][0].update(slug="Climate Justice"),
        "themes[0] (slug 'Climate Justice')",
        "'slug' must be a slug (letters, digits, hyphens, underscores), not 'Climate Justice'",
    ),
    (
        "name too long",
        lambda d: d["movements"][1].update(name="x" * 201),
        "movements[1] (slug 'rail-strike')",
        "'name' must be at most 200 characters long",
    ),
    (
        "bad choice",
        lambda d: d["movements"][1].update(sector="labour"),
        "movements[1] (slug 'rail-strike')",
        "'sector' must be one of labor, environmental, student, community, faith, "
        'solidarity, other, not "labour"',
    ),
    (
        "bad nested choice",
        lambda d: _member(d)["memberships"][0].update(role="boss"),
        "members[0] (key 'm-0100')",
        "'role' in memberships[0] must be one of member, organizer, leader, not \"boss\"",
    ),
    (
        "bad email",
        lambda d: _member(d).update(email="not an address"),
        "members[0] (key 'm-0100')",
        "'email' must be an email address, not 'not an address'",
    ),
    (
        "active not a boolean",
        lambda d: d["organizations"][0].update(active="yes"),
        "organizations[0] (slug 'rail-union')",
        "'active' must be true or false, not \"yes\"",
    ),
    (
        "invites not a boolean",
        lambda d: _member(d).update(invites="true"),
        "members[0] (key 'm-0100')",
        "'invites' must be true or false, not \"true\"",
    ),
    (
        "invites null",
        lambda d: _member(d).update(invites=None),
        "members[0] (key 'm-0100')",
        "'invites' must be true or false, not null",
    ),
    (
        "impossible date",
        lambda d: _member(d)["engagements"][0].update(since="2020-02-30"),
        "members[0] (key 'm-0100')",
        "'since' in engagements[0] must be an ISO date (YYYY-MM-DD) or null, not \"2020-02-30\"",
    ),
    (
        "date in another format",
        lambda d: d["movements"][0].update(started_on="02/01/2016"),
        "movements[0] (slug 'refinery-watch')",
        "'started_on' must be an ISO date (YYYY-MM-DD) or null, not \"02/01/2016\"",
    ),
    (
        "archive time without offset",
        lambda d: d["movements"][0].update(archived_at="2024-01-01T10:00:00"),
        "movements[0] (slug 'refinery-watch')",
        "'archived_at' must be an ISO date and time with a UTC offset "
        '(2024-05-01T18:00:00+00:00) or null, not "2024-01-01T10:00:00"',
    ),
    (
        "until before since",
        lambda d: _member(d)["engagements"][0].update(until="2019-12-31"),
        "members[0] (key 'm-0100')",
        "'until' (2019-12-31) is before 'since' (2020-01-01) in engagements[0]",
    ),
    (
        "participation until before since",
        lambda d: d["organizations"][0]["participations"][0].update(
            since="2020-01-02", until="2020-01-01"
        ),
        "organizations[0] (slug 'rail-union')",
        "'until' (2020-01-01) is before 'since' (2020-01-02) in participations[0]",
    ),
    (
        "two open memberships in one organization",
        lambda d: _member(d)["memberships"].append({"organization": "rail-union"}),
        "members[0] (key 'm-0100')",
        "memberships[0] and memberships[1] are both open (until: null) for organization "
        "'rail-union'; end one of them",
    ),
    (
        "nested list not a list",
        lambda d: _member(d).update(engagements={"movement": "rail-strike"}),
        "members[0] (key 'm-0100')",
        "'engagements' must be a list, not an object",
    ),
    (
        "nested reference missing",
        lambda d: _member(d)["engagements"][0].pop("movement"),
        "members[0] (key 'm-0100')",
        "missing required key 'movement' in engagements[0]",
    ),
    (
        "duplicate slug",
        lambda d: d["movements"].append({"slug": "refinery-watch", "name": "Again"}),
        "movements[2] (slug 'refinery-watch')",
        "slug 'refinery-watch' appears twice (first at movements[0])",
    ),
    (
        "duplicate member key",
        lambda d: d["members"].append({"key": "m-0100", "name": "Again"}),
        "members[1] (key 'm-0100')",
        "key 'm-0100' appears twice (first at members[0])",
    ),
    (
        "theme listed twice",
        lambda d: d["movements"][0].update(themes=["climate", "climate"]),
        "movements[0] (slug 'refinery-watch')",
        "'themes' lists 'climate' twice",
    ),
    (
        "unknown parent region",
        lambda d: d["regions"][1].update(parent="contra-costa"),
        "regions[1] (slug 'richmond')",
        "unknown region 'contra-costa' in 'parent'",
    ),
    (
        "region loop",
        lambda d: d["regions"][0].update(parent="richmond"),
        "regions[0] (slug 'east-bay')",
        "'parent' makes a loop: east-bay > richmond > east-bay",
    ),
    (
        "unknown theme",
        lambda d: d["movements"][0].update(themes=["climate", "weather"]),
        "movements[0] (slug 'refinery-watch')",
        "unknown theme 'weather' in 'themes'",
    ),
    (
        "unknown tactic",
        lambda d: d["movements"][0].update(tactics=["sit-in"]),
        "movements[0] (slug 'refinery-watch')",
        "unknown tactic 'sit-in' in 'tactics'",
    ),
    (
        "unknown movement region",
        lambda d: d["movements"][0].update(regions=["atlantis"]),
        "movements[0] (slug 'refinery-watch')",
        "unknown region 'atlantis' in 'regions'",
    ),
    (
        "unknown organization region",
        lambda d: d["organizations"][0].update(region="atlantis"),
        "organizations[0] (slug 'rail-union')",
        "unknown region 'atlantis'",
    ),
    (
        "unknown participation movement",
        lambda d: d["organizations"][0]["participations"][0].update(movement="fight-for-16"),
        "organizations[0] (slug 'rail-union')",
        "unknown movement 'fight-for-16' in participations[0]",
    ),
    (
        "unknown membership organization",
        lambda d: _member(d)["memberships"][0].update(organization="rail-onion"),
        "members[0] (key 'm-0100')",
        "unknown organization 'rail-onion' in memberships[0]",
    ),
    (
        "unknown engagement movement",
        lambda d: _member(d)["engagements"][0].update(movement="fight-for-16"),
        "members[0] (key 'm-0100')",
        "unknown movement 'fight-for-16' in engagements[0]",
    ),
    (
        "unknown engagement organization",
        lambda d: _member(d)["engagements"][0].update(organization="rail-onion"),
        "members[0] (key 'm-0100')",
        "unknown organization 'rail-onion' in engagements[0]",
    ),
    (
        "unknown tension movement",
        lambda d: d["tensions"][0].update(movements=["refinery-watch", "fight-for-16"]),
        "tensions[0]",
        "unknown movement 'fight-for-16' in 'movements'",
    ),
    (
        "tension on one movement",
        lambda d: d["tensions"][0].update(movements=["rail-strike", "rail-strike"]),
        "tensions[0]",
        "'movements' lists 'rail-strike' twice",
    ),
    (
        "tension without note",
        lambda d: d["tensions"][0].pop("note"),
        "tensions[0]",
        "missing required key 'note'",
    ),
    (
        "new event without a start",
        lambda d: d["events"].append({"slug": "potluck", "title": "Potluck"}),
        "events[0] (slug 'potluck')",
        "missing required key 'starts_at' (a new event needs it)",
    ),
]

# Values of the right JSON type that would not fit where they go: each class of value, in a
# top-level record and in a nested row.
_RANGE = "must lie between 1900-01-01 and 2100-12-31, not"
# A datetime's day is read in the site's time zone (see the pacific_time fixture).
_LOCAL_RANGE = "must lie between 1900-01-01 and 2100-12-31 (America/Los_Angeles time), not"
BAD_DOCUMENTS += [
    # Dates: parse errors, out of range, overflow.
    (
        "impossible month",
        lambda d: d["movements"][0].update(started_on="2024-13-01"),
        "movements[0] (slug 'refinery-watch')",
        "'started_on' must be an ISO date (YYYY-MM-DD) or null, not \"2024-13-01\"",
    ),
    (
        "date in non-ASCII digits",
        lambda d: d["movements"][0].update(started_on="\u0662\u0660\u0662\u0660-01-01"),
        "movements[0] (slug 'refinery-watch')",
        "'started_on' must be an ISO date (YYYY-MM-DD) or null, "
        'not "\\u0662\\u0660\\u0662\\u0660-01-01"',
    ),
    (
        "date before 1900",
        lambda d: d["movements"][0].update(started_on="1899-12-31"),
        "movements[0] (slug 'refinery-watch')",
        f"'started_on' {_RANGE} \"1899-12-31\"",
    ),
    (
        "date after 2100",
        lambda d: d["organizations"][0].update(founded_on="2101-01-01"),
        "organizations[0] (slug 'rail-union')",
        f"'founded_on' {_RANGE} \"2101-01-01\"",
    ),
    (
        "nested date in year 1",
        lambda d: d["organizations"][0]["participations"][0].update(since="0001-01-01"),
        "organizations[0] (slug 'rail-union')",
        f"'since' in participations[0] {_RANGE} \"0001-01-01\"",
    ),
    (
        "nested date in year 9999",
        lambda d: _member(d)["engagements"][0].update(until="9999-12-31"),
        "members[0] (key 'm-0100')",
        f"'until' in engagements[0] {_RANGE} \"9999-12-31\"",
    ),
    (
        "membership date in year 9999",
        lambda d: _member(d)["memberships"][0].update(since="9999-01-01"),
        "members[0] (key 'm-0100')",
        f"'since' in memberships[0] {_RANGE} \"9999-01-01\"",
    ),
    (
        "archive time that overflows",
        lambda d: d["movements"][0].update(archived_at="9999-12-31T23:59:59-14:00"),
        "movements[0] (slug 'refinery-watch')",
        f"'archived_at' {_LOCAL_RANGE} \"9999-12-31T23:59:59-14:00\"",
    ),
    (
        "archive time before year 1",
        lambda d: d["organizations"][0].update(archived_at="0001-01-01T00:00:00+14:00"),
        "organizations[0] (slug 'rail-union')",
        f"'archived_at' {_LOCAL_RANGE} \"0001-01-01T00:00:00+14:00\"",
    ),
    (
        "archive time in range only on its own clock",
        lambda d: d["movements"][0].update(archived_at="1900-01-01T02:00:00+05:00"),
        "movements[0] (slug 'refinery-watch')",
        f"'archived_at' {_LOCAL_RANGE} \"1900-01-01T02:00:00+05:00\"",
    ),
    (
        "archive time with an impossible hour",
        lambda d: d["movements"][0].update(archived_at="2024-05-01T25:00:00+00:00"),
        "movements[0] (slug 'refinery-watch')",
        "'archived_at' must be an ISO date and time with a UTC offset "
        '(2024-05-01T18:00:00+00:00) or null, not "2024-05-01T25:00:00+00:00"',
    ),
    (
        "archive time with a huge year",
        lambda d: d["movements"][0].update(archived_at="+10000-01-01T00:00:00+00:00"),
        "movements[0] (slug 'refinery-watch')",
        "'archived_at' must be an ISO date and time with a UTC offset "
        '(2024-05-01T18:00:00+00:00) or null, not "+10000-01-01T00:00:00+00:00"',
    ),
    # Text: unpaired surrogates, NUL characters, beyond the column's length.
    (
        "unpaired surrogate in a name",
        lambda d: d["movements"][1].update(name="Rail \ud800strike"),
        "movements[1] (slug 'rail-strike')",
        "'name' must be valid Unicode text, not an unpaired surrogate (\\ud800 at character 6)",
    ),
    (
        "unpaired surrogate in a member key",
        lambda d: _member(d).update(key="m-\udfff"),
        "members[0] (key 'm-\\udfff')",
        "'key' must be valid Unicode text, not an unpaired surrogate (\\udfff at character 3)",
    ),
    (
        "unpaired surrogate in an email",
        lambda d: _member(d).update(email="cleo@\ud800.example.org"),
        "members[0] (key 'm-0100')",
        "'email' must be valid Unicode text, not an unpaired surrogate (\\ud800 at character 6)",
    ),
    (
        "unpaired surrogate in a tension note",
        lambda d: d["tensions"][0].update(note="\udc80"),
        "tensions[0]",
        "'note' must be valid Unicode text, not an unpaired surrogate (\\udc80 at character 1)",
    ),
    (
        "NUL in a description",
        lambda d: d["organizations"][0].update(description="Rail\x00union"),
        "organizations[0] (slug 'rail-union')",
        "'description' must not contain NUL characters",
    ),
    (
        "NUL in a tension note",
        lambda d: d["tensions"][0].update(note="Jobs\x00"),
        "tensions[0]",
        "'note' must not contain NUL characters",
    ),
    (
        "slug too long",
        lambda d: d["themes"][0].update(slug="c" * 81),
        f"themes[0] (slug '{'c' * 60}…')",
        "'slug' must be at most 80 characters long",
    ),
    (
        "member key too long",
        lambda d: _member(d).update(key="m" * 65),
        f"members[0] (key '{'m' * 60}…')",
        "'key' must be at most 64 characters long",
    ),
    (
        "email too long",
        lambda d: _member(d).update(email="c" * 250 + "@x.org"),
        "members[0] (key 'm-0100')",
        "'email' must be at most 254 characters long",
    ),
    (
        "website too long",
        lambda d: d["movements"][0].update(website="https://x.org/" + "a" * 190),
        "movements[0] (slug 'refinery-watch')",
        "'website' must be at most 200 characters long",
    ),
    # Numbers and other JSON types where they do not belong.
    (
        "number as a date",
        lambda d: _member(d)["engagements"][0].update(since=20200101),
        "members[0] (key 'm-0100')",
        "'since' in engagements[0] must be an ISO date (YYYY-MM-DD) or null, not 20200101",
    ),
    (
        "number beyond 64 bits as a name",
        lambda d: d["themes"][0].update(name=2**63),
        "themes[0] (slug 'climate')",
        "'name' must be a string, not a number",
    ),
    (
        "negative number as a choice",
        lambda d: d["movements"][1].update(status=-1),
        "movements[1] (slug 'rail-strike')",
        "'status' must be one of emerging, active, dormant, not -1",
    ),
    (
        "number as a boolean",
        lambda d: d["organizations"][0].update(active=1),
        "organizations[0] (slug 'rail-union')",
        "'active' must be true or false, not 1",
    ),
    (
        "boolean as a reference",
        lambda d: d["organizations"][0].update(region=True),
        "organizations[0] (slug 'rail-union')",
        "'region' must be a slug or null, not true",
    ),
    (
        "list as a date",
        lambda d: d["movements"][0].update(archived_at=["2024-01-01T00:00:00+00:00"]),
        "movements[0] (slug 'refinery-watch')",
        "'archived_at' must be an ISO date and time with a UTC offset "
        "(2024-05-01T18:00:00+00:00) or null, not a list",
    ),
    (
        "object as a slug",
        lambda d: d["regions"][0].update(slug={"slug": "east-bay"}),
        "regions[0]",
        "'slug' must be a string, not an object",
    ),
    (
        "long text quoted short",
        lambda d: d["movements"][1].update(sector="x" * 1000),
        "movements[1] (slug 'rail-strike')",
        "'sector' must be one of labor, environmental, student, community, faith, "
        f'solidarity, other, not "{"x" * 60}…"',
    ),
]


@pytest.mark.parametrize(
    ("spoil", "record", "message"),
    [case[1:] for case in BAD_DOCUMENTS],
    ids=[case[0] for case in BAD_DOCUMENTS],
)
def test_bad_document_names_the_record_and_changes_nothing(network, spoil, record, message):
    document = _document()
    spoil(document)
    before = dumps(network_export())

    with pytest.raises(NetworkImportError) as raised:
        network_import(document=document)

    assert (raised.value.record, raised.value.message) == (record, message)
    assert str(raised.value) == f"{record}: {message}"
    assert dumps(network_export()) == before


def test_the_unspoiled_document_imports(network):
    summary = network_import(document=_document())

    assert summary.movements.created == 2


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(NetworkImportError) as raised:
        network_import(document=[])

    assert str(raised.value) == "document: must be a JSON object, not a list"


def test_loads_refuses_invalid_json():
    with pytest.raises(NetworkImportError) as raised:
        loads('{"themes": [')

    assert str(raised.value) == (
        "document: is not valid JSON: Expecting value: line 1 column 13 (char 12)"
    )


def test_loads_refuses_a_document_nested_too_deeply():
    with pytest.raises(NetworkImportError) as raised:
        loads("[" * 100_000 + "]" * 100_000)

    assert str(raised.value) == "document: is nested too deeply"


def test_loads_refuses_a_key_repeated_in_one_object():
    with pytest.raises(NetworkImportError) as raised:
        loads('{"themes": [{"slug": "food", "name": "Food", "name": "Meal"}]}')

    assert str(raised.value) == (
        "document: key 'name' appears twice in an object (the one with slug 'food')"
    )


def test_loads_keeps_integers_that_fit_a_column():
    assert loads('{"n": [-9223372036854775808, 9223372036854775807]}') == {
        "n": [-(2**63), 2**63 - 1]
    }


@pytest.mark.parametrize(
    ("text", "record", "message"),
    [
        (
            '{"themes": [{"slug": "food", "name": %s}]}',
            "themes[0] (slug 'food')",
            "'name' must be a string, not a number",
        ),
        (
            '{"members": [{"key": "m-1", "name": "Ana", "engagements": '
            '[{"movement": "x", "since": %s}]}]}',
            "members[0] (key 'm-1')",
            "'since' in engagements[0] must be an ISO date (YYYY-MM-DD) or null, "
            "not a number of 5000 digits",
        ),
        ('{"themes": %s}', "themes", "must be a list, not a number"),
    ],
    ids=["as a name", "as a nested date", "as a section"],
)
def test_a_number_too_long_to_read_is_refused_naming_its_record(network, text, record, message):
    document = loads(text % ("9" * 5000))
    before = dumps(network_export())

    with pytest.raises(NetworkImportError) as raised:
        network_import(document=document)

    assert (raised.value.record, raised.value.message) == (record, message)
    assert dumps(network_export()) == before


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"themes": [{"slug": "food", "name": ' + "[" * 100_000 + "]" * 100_000 + "}]}",
        '{"themes": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001,
    ],
    ids=["lists", "inside a record", "objects"],
)
def test_loads_refuses_any_document_nested_100000_levels_deep(text):
    with pytest.raises(NetworkImportError) as raised:
        loads(text)

    assert str(raised.value) == "document: is nested too deeply"


def _archived_at(text, slug):
    return next(m for m in json.loads(text)["movements"] if m["slug"] == slug)["archived_at"]


def test_an_archive_time_at_the_edges_of_the_range_round_trips(network):
    """Moments at both ends of the range in the site's time zone import whatever offset they
    are written with; export writes them in UTC (2101-01-01 for the last one), and that
    imports again unchanged."""
    document = _document()
    document["movements"][0]["archived_at"] = "1900-01-01T13:00:00+05:00"
    document["movements"][1]["archived_at"] = "2100-12-31T23:59:59-08:00"
    network_import(document=document)
    exported = dumps(network_export())

    network_import(document=loads(exported))

    assert dumps(network_export()) == exported
    assert _archived_at(exported, "refinery-watch") == "1900-01-01T08:00:00+00:00"
    assert _archived_at(exported, "rail-strike") == "2101-01-01T07:59:59+00:00"
