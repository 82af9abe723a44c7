import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Proposal, ProposalStatus
from movements.models import Sector
from network.proposals.engine import compute_proposals, proposals_refresh
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    TacticFactory,
    TensionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def places():
    bay_area = RegionFactory(slug="bay-area", name="Bay Area")
    return {
        "bay-area": bay_area,
        "oakland": RegionFactory(slug="oakland", name="Oakland", parent=bay_area),
        "berkeley": RegionFactory(slug="berkeley", name="Berkeley", parent=bay_area),
        "fresno": RegionFactory(slug="fresno", name="Fresno"),
    }


def movement(slug, *, sector, constituency, themes=(), tactics=(), regions=()):
    return MovementFactory(
        slug=slug,
        name=slug.replace("-", " ").title(),
        sector=sector,
        constituency=constituency,
        themes=[ThemeFactory(slug=t, name=t.title()) for t in themes],
        tactics=[TacticFactory(slug=t, name=t.title()) for t in tactics],
        regions=list(regions),
    )


def summary(candidates):
    return [(c.kind, sorted(m.slug for m in c.movements)) for c in candidates]


def share_people(a, b, n):
    for i in range(n):
        member = MemberFactory(key=f"{a.slug}-{b.slug}-{i}")
        EngagementFactory(member=member, movement=a)
        EngagementFactory(member=member, movement=b)


def test_potluck_pairs_two_constituencies_sharing_a_theme_in_one_region(places):
    movement("fast-food", sector=Sector.LABOR, constituency="fast-food workers",
             themes=["food", "wages"], regions=[places["oakland"]])  # fmt: skip
    movement("gardens", sector=Sector.COMMUNITY, constituency="gardeners",
             themes=["food"], regions=[places["oakland"]])  # fmt: skip

    candidates = compute_proposals(TODAY)

    assert summary(candidates) == [("potluck", ["fast-food", "gardens"])]
    potluck = candidates[0]
    assert potluck.title == "Potluck in Oakland: fast-food workers and gardeners on food"
    assert potluck.region == places["oakland"]
    assert potluck.reasons[:2] == [
        "Fast Food and Gardens both work on food in Oakland.",
        "They organize different people: fast-food workers and gardeners.",
    ]
    # affinity: themes 1/2, regions 1 → (0.2*0.5 + 0.1*1) / 0.45; no ties; sector bonus 0.15
    assert potluck.score == round(0.2 / 0.45 + 0.15, 4)


def test_a_parent_region_counts_as_shared_for_a_potluck(places):
    movement("fast-food", sector=Sector.LABOR, constituency="workers",
             themes=["food"], regions=[places["oakland"]])  # fmt: skip
    movement("bay-gardens", sector=Sector.COMMUNITY, constituency="gardeners",
             themes=["food"], regions=[places["bay-area"]])  # fmt: skip

    assert summary(compute_proposals(TODAY)) == [("potluck", ["bay-gardens", "fast-food"])]


@pytest.mark.parametrize(
    ("other_region", "other_constituency"),
    [("fresno", "gardeners"), ("oakland", "Fast-food workers")],
    ids=["no shared region", "same constituency"],
)
def test_no_potluck_without_a_shared_region_or_with_one_constituency(
    places, other_region, other_constituency
):
    movement("fast-food", sector=Sector.LABOR, constituency="fast-food workers",
             themes=["food"], regions=[places["oakland"]])  # fmt: skip
    movement("other", sector=Sector.COMMUNITY, constituency=other_constituency,
             themes=["food"], regions=[places[other_region]])  # fmt: skip

    assert compute_proposals(TODAY) == []


def test_pairs_already_tied_rank_lower_and_strongly_tied_ones_get_no_potluck(places):
    oakland = [places["oakland"]]
    untied_a = movement("untied-a", sector=Sector.LABOR, constituency="a", themes=["food"],
                        regions=oakland)  # fmt: skip
    untied_b = movement("untied-b", sector=Sector.LABOR, constituency="b", themes=["food"],
                        regions=oakland)  # fmt: skip
    tied_a = movement("tied-a", sector=Sector.LABOR, constituency="c", themes=["housing"],
                      regions=oakland)  # fmt: skip
    tied_b = movement("tied-b", sector=Sector.LABOR, constituency="d", themes=["housing"],
                      regions=oakland)  # fmt: skip
    bound_a = movement("bound-a", sector=Sector.LABOR, constituency="e", themes=["transit"],
                       regions=oakland)  # fmt: skip
    bound_b = movement("bound-b", sector=Sector.LABOR, constituency="f", themes=["transit"],
                       regions=oakland)  # fmt: skip
    for m in (untied_a, untied_b, tied_a, tied_b, bound_a, bound_b):
        for i in range(4):
            EngagementFactory(member=MemberFactory(key=f"{m.slug}-{i}"), movement=m)
    # A tie everyone may see: one organization in both (ties 0.4, under 0.5). A few shared
    # people would be withheld, and proposals must not depend on them.
    ParticipationFactory(movement=tied_a, organization=OrganizationFactory(slug="tying"))
    ParticipationFactory(movement=tied_b, organization=OrganizationFactory(slug="tying"))
    share_people(bound_a, bound_b, 5)  # ties 0.6 * 1 = 0.6 > 0.5
    ParticipationFactory(movement=bound_a, organization=OrganizationFactory(slug="both"))
    ParticipationFactory(movement=bound_b, organization=OrganizationFactory(slug="both"))

    potlucks = [c for c in compute_proposals(TODAY) if c.kind == "potluck"]

    assert summary(potlucks) == [
        ("potluck", ["untied-a", "untied-b"]),
        ("potluck", ["tied-a", "tied-b"]),
    ]
    assert potlucks[0].score > potlucks[1].score


def test_a_withheld_number_of_shared_people_changes_no_proposal(places):
    oakland = [places["oakland"]]
    pairs = []
    for shared in (0, 1, 4):
        a = movement(f"a-{shared}", sector=Sector.LABOR, constituency=f"a{shared}",
                     themes=["food"], regions=oakland)  # fmt: skip
        b = movement(f"b-{shared}", sector=Sector.COMMUNITY, constituency=f"b{shared}",
                     themes=["food"], regions=oakland)  # fmt: skip
        for m in (a, b):
            for i in range(6):
                EngagementFactory(member=MemberFactory(key=f"{m.slug}-{i}"), movement=m)
        if shared:
            share_people(a, b, shared)
        pairs.append((a.slug, b.slug))

    potlucks = {
        tuple(m.slug for m in c.movements): c.score
        for c in compute_proposals(TODAY)
        if c.kind == "potluck"
    }

    scores = {potlucks[pair] for pair in pairs}
    assert len(scores) == 1  # 0, 1 or 4 shared people: the same public score


def test_panel_gathers_three_to_five_movements_of_a_sector_sharing_a_tactic(places):
    berkeley = [places["berkeley"]]
    for slug, theme in [("fossil-free", "climate"), ("divest-israel", "palestine"),
                        ("prison-divest", "incarceration")]:  # fmt: skip
        movement(slug, sector=Sector.STUDENT, constituency="students", themes=[theme],
                 tactics=["divestment"], regions=berkeley)  # fmt: skip

    candidates = compute_proposals(TODAY)

    assert summary(candidates) == [("panel", ["divest-israel", "fossil-free", "prison-divest"])]
    assert candidates[0].title == (
        "Panel on divestment in Berkeley: Divest Israel, Fossil Free and Prison Divest"
    )
    assert candidates[0].shared_tactics == ["divestment"]


def test_no_panel_for_two_movements_or_for_movements_with_the_same_themes(places):
    for slug in ("a", "b", "c"):
        movement(f"climate-{slug}", sector=Sector.STUDENT, constituency="students",
                 themes=["climate"], tactics=["divestment"])  # fmt: skip
    movement("only-two-a", sector=Sector.FAITH, constituency="x", themes=["x"],
             tactics=["vigil"])  # fmt: skip
    movement("only-two-b", sector=Sector.FAITH, constituency="y", themes=["y"],
             tactics=["vigil"])  # fmt: skip

    assert [c for c in compute_proposals(TODAY) if c.kind == "panel"] == []


def test_conference_joins_sectors_sharing_tactics_in_one_region(places):
    oakland = [places["oakland"]]
    movement("railroad", sector=Sector.LABOR, constituency="rail crews",
             tactics=["strike", "blockade"], regions=oakland)  # fmt: skip
    movement("oil-trains", sector=Sector.ENVIRONMENTAL, constituency="climate activists",
             tactics=["blockade", "strike"], regions=oakland)  # fmt: skip
    movement("far-away", sector=Sector.ENVIRONMENTAL, constituency="others",
             tactics=["strike"], regions=[places["fresno"]])  # fmt: skip
    movement("same-sector", sector=Sector.LABOR, constituency="nurses",
             tactics=["picket"], regions=oakland)  # fmt: skip

    candidates = compute_proposals(TODAY)

    assert summary(candidates) == [("conference", ["oil-trains", "railroad"])]
    assert candidates[0].title == (
        "Conference on blockades and strikes in Oakland: Oil Trains and Railroad"
    )
    assert candidates[0].reasons[:2] == [
        "Oil Trains and Railroad all use blockade and strike in Oakland.",
        "They come from different sectors: environmental and labor.",
    ]


def test_hosts_are_lead_first_then_most_engaged_and_tensions_join_the_reasons(places):
    oakland = [places["oakland"]]
    railroad = movement("railroad", sector=Sector.LABOR, constituency="rail crews",
                        tactics=["strike"], regions=oakland)  # fmt: skip
    oil = movement("oil-trains", sector=Sector.ENVIRONMENTAL, constituency="activists",
                   tactics=["strike"], regions=oakland)  # fmt: skip
    ally = OrganizationFactory(slug="ally", name="Ally")
    busy = OrganizationFactory(slug="busy", name="Busy partner")
    lead = OrganizationFactory(slug="lead", name="Lead")
    ParticipationFactory(movement=railroad, organization=ally, role="ally")
    ParticipationFactory(movement=railroad, organization=busy, role="partner")
    ParticipationFactory(movement=railroad, organization=lead, role="lead")
    ParticipationFactory(movement=railroad, organization=OrganizationFactory(slug="quiet"),
                         role="partner")  # fmt: skip
    EngagementFactory(movement=railroad, organization=busy)
    TensionFactory(movement_a=railroad, movement_b=oil, note="Rail jobs carry the crude.")

    [conference] = compute_proposals(TODAY)

    assert [h.organization.slug for h in conference.hosts] == ["lead", "busy"]
    assert conference.reasons[-1] == "Tension to discuss: Rail jobs carry the crude."
    assert "  - Rail jobs carry the crude." in conference.agenda


def test_refresh_is_idempotent_and_keeps_decisions(places):
    oakland = [places["oakland"]]
    fast_food = movement("fast-food", sector=Sector.LABOR, constituency="workers",
                         themes=["food"], regions=oakland)  # fmt: skip
    movement("gardens", sector=Sector.COMMUNITY, constituency="gardeners", themes=["food"],
             regions=oakland)  # fmt: skip
    movement("pantry", sector=Sector.FAITH, constituency="congregations", themes=["food"],
             regions=oakland)  # fmt: skip

    assert proposals_refresh(today=TODAY) == {"created": 3, "updated": 0, "removed": 0}
    assert proposals_refresh(today=TODAY) == {"created": 0, "updated": 3, "removed": 0}

    def proposal(*slugs):
        return Proposal.objects.filter(movements__slug=slugs[0]).get(movements__slug=slugs[1])

    dismissed = proposal("fast-food", "gardens")
    accepted = proposal("fast-food", "pantry")
    still_open = proposal("gardens", "pantry")
    dismissed.status = ProposalStatus.DISMISSED
    dismissed.save()
    accepted.status = ProposalStatus.ACCEPTED
    accepted.save()
    event = EventFactory(proposal=accepted)

    fast_food.themes.clear()  # two of the three pairs no longer share a theme
    result = proposals_refresh(today=TODAY)

    assert result == {"created": 0, "updated": 1, "removed": 0}
    assert Proposal.objects.get(pk=dismissed.pk).status == ProposalStatus.DISMISSED
    assert Proposal.objects.get(pk=accepted.pk).events.get() == event
    assert sorted(m.slug for m in Proposal.objects.get(pk=still_open.pk).movements.all()) == [
        "gardens",
        "pantry",
    ]


def test_compute_proposals_runs_a_fixed_number_of_queries(places):
    def grow(start, n):
        for i in range(start, start + n):
            m = movement(f"m-{i}", sector=Sector.LABOR if i % 2 else Sector.COMMUNITY,
                         constituency=f"c{i}", themes=["food"], tactics=["strike"],
                         regions=[places["oakland"]])  # fmt: skip
            ParticipationFactory(movement=m)
            EngagementFactory(movement=m)

    grow(0, 3)
    with CaptureQueriesContext(connection) as small:
        compute_proposals(TODAY)
    grow(3, 12)
    with CaptureQueriesContext(connection) as large:
        compute_proposals(TODAY)

    assert len(small.captured_queries) == len(large.captured_queries)


def test_open_proposals_that_no_longer_follow_from_the_data_are_removed(places):
    oakland = [places["oakland"]]
    fast_food = movement("fast-food", sector=Sector.LABOR, constituency="workers",
                         themes=["food"], regions=oakland)  # fmt: skip
    movement("gardens", sector=Sector.COMMUNITY, constituency="gardeners", themes=["food"],
             regions=oakland)  # fmt: skip
    proposals_refresh(today=TODAY)

    fast_food.themes.clear()

    assert proposals_refresh(today=TODAY) == {"created": 0, "updated": 0, "removed": 1}
    assert Proposal.objects.count() == 0


def test_an_import_refreshes_the_proposals(places, django_capture_on_commit_callbacks):
    from movements.exchange import network_import

    document = {
        "themes": [{"slug": "food", "name": "Food"}],
        "movements": [
            {"slug": "fast-food", "name": "Fast food", "sector": "labor",
             "constituency": "fast-food workers", "themes": ["food"], "regions": ["oakland"]},
            {"slug": "gardens", "name": "Gardens", "sector": "community",
             "constituency": "gardeners", "themes": ["food"], "regions": ["oakland"]},
        ],
    }  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        network_import(document=document)

    assert [p.kind for p in Proposal.objects.all()] == ["potluck"]


def test_refresh_proposals_command_reports_counts(places):
    from io import StringIO

    from django.core.management import call_command

    movement("fast-food", sector=Sector.LABOR, constituency="workers", themes=["food"],
             regions=[places["oakland"]])  # fmt: skip
    movement("gardens", sector=Sector.COMMUNITY, constituency="gardeners", themes=["food"],
             regions=[places["oakland"]])  # fmt: skip
    out = StringIO()

    call_command("refresh_proposals", stdout=out)

    assert out.getvalue() == "Proposals refreshed: 1 new, 0 updated, 0 removed.\n"


def test_demo_network_proposes_the_three_bridges(today):
    from django.core.management import call_command

    from movements import demo

    call_command("seed_demo", stdout=None)
    candidates = compute_proposals(today)
    top = [(c.kind, sorted(m.slug for m in c.movements)) for c in candidates[:6]]

    # The first six: the janitors' and warehouse workers' potluck ranks high too, since the
    # few people the Revolutionary Workers Front took through both are a withheld count,
    # which proposals (public) must not depend on.
    assert ("potluck", sorted([demo.JANITORS, demo.WAREHOUSE])) == top[1]
    assert ("potluck", sorted([demo.FIGHT_FOR_15, demo.FOOD_JUSTICE])) in top
    assert ("conference", sorted([demo.RAILROAD, demo.OIL_TRAINS])) in top
    panel = next(c for c in candidates[:6] if c.kind == "panel")
    assert {demo.FOSSIL_FREE, demo.UC_DIVEST} <= {m.slug for m in panel.movements}
    conference = next(c for c in candidates if c.kind == "conference")
    assert conference.shared_tactics == ["blockade", "strike"]
