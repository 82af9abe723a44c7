"""Follow-through back into proposals (issue 16, item 4; rules in the docstring of
network/proposals/engine.py): a pair whose joint events worked gets a follow-up potluck, a
pair with two joint events and nobody crossed ranks lower; both on hand-built networks with
exact identities, kinds, scores, hosts and reasons."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import EventHost, Proposal, ProposalStatus
from events.services import rsvp_check_in
from movements.exchange import NetworkImportError, network_export, network_import
from movements.models import ParticipationRole, Sector
from network.proposals.engine import compute_proposals, proposals_refresh
from network.proposals.services import proposal_accept, proposal_dismiss
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    RSVPFactory,
    TacticFactory,
    ThemeFactory,
    local_time,
)
from tests.helpers import held_yesterday, make_organizer
from worker.schedule import JOBS

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 14)  # the Oakland potluck
TODAY = datetime.date(2026, 11, 1)
NOW = local_time(TODAY, 12)
BEFORE = local_time(DAY - datetime.timedelta(days=1), 12)  # before any joint event ended
BONUS = MALUS = 0.25  # COALITION_PROPOSALS' FOLLOW_UP_BONUS and NO_CROSSERS_MALUS

WORKED = "A space between them that worked: meet again while the new ties are fresh."
TITLE = "Follow-up potluck in Oakland: fast-food workers and gardeners meet again"


def day(offset: int, base: datetime.date = DAY) -> datetime.date:
    return base + datetime.timedelta(days=offset)


@pytest.fixture
def world():
    """Fight for $15 (fast-food workers) and Food Justice (gardeners), both on food in
    Oakland: the Fast Food Union leads the first, the Garden Collective the second; the
    Eastside Kitchen takes part in neither but hosted the potluck for Food Justice."""
    oakland = RegionFactory(slug="oakland", name="Oakland")
    food = ThemeFactory(slug="food", name="Food")
    wages = ThemeFactory(slug="wages", name="Wages")
    f15 = MovementFactory(
        slug="fight-for-15", name="Fight for $15", sector=Sector.LABOR,
        constituency="fast-food workers", themes=[food, wages], regions=[oakland],
    )  # fmt: skip
    fj = MovementFactory(
        slug="food-justice", name="Food Justice", sector=Sector.COMMUNITY,
        constituency="gardeners", themes=[food], regions=[oakland],
    )  # fmt: skip
    union = OrganizationFactory(slug="fast-food-union", name="Fast Food Union")
    gardens = OrganizationFactory(slug="garden-collective", name="Garden Collective")
    kitchen = OrganizationFactory(slug="eastside-kitchen", name="Eastside Kitchen")
    ParticipationFactory(organization=union, movement=f15, role=ParticipationRole.LEAD)
    ParticipationFactory(organization=gardens, movement=fj, role=ParticipationRole.LEAD)
    for movement in (f15, fj):  # people who never came: the crossers are few ties yet
        for _ in range(20):
            EngagementFactory(movement=movement, since=day(-400))
    return {
        "oakland": oakland, "f15": f15, "fj": fj,
        "union": union, "gardens": gardens, "kitchen": kitchen,
    }  # fmt: skip


def joint_event(world, slug="oakland-potluck", *, on=DAY, kind="potluck", **fields):
    fields.setdefault("region", world["oakland"])
    event = EventFactory(
        slug=slug, title=slug.replace("-", " ").capitalize(), kind=kind,
        starts_at=local_time(on, 18), ends_at=local_time(on, 21),
        movements=[world["f15"], world["fj"]], **fields,
    )  # fmt: skip
    EventHost.objects.create(
        event=event, organization=world["union"], movement=world["f15"], status="confirmed"
    )
    EventHost.objects.create(
        event=event, organization=world["kitchen"], movement=world["fj"], status="confirmed"
    )
    return event


def came(event, home, *, into=None, n=1, crossed_on=None):
    """``n`` people checked in at ``event``, engaged in ``home`` since long before; with
    ``into``, each took up work there 10 days after the event (``crossed_on`` otherwise)."""
    start = timezone.localdate(event.starts_at)
    for _ in range(n):
        member = MemberFactory()
        RSVPFactory(event=event, member=member, checked_in_at=event.starts_at)
        EngagementFactory(member=member, movement=home, since=day(-400, start))
        if into is not None:
            EngagementFactory(member=member, movement=into, since=crossed_on or day(10, start))


def worked(world, event, *, crossers=5, attendees=11):
    """``attendees`` at ``event``, ``crossers`` of them crossed (alternately each way)."""
    f15, fj = world["f15"], world["fj"]
    for i in range(crossers):
        home, other = (f15, fj) if i % 2 == 0 else (fj, f15)
        came(event, home, into=other)
    came(event, f15, n=attendees - crossers)


def identity(kind, *movements, follow_up=False):
    ids = "-".join(str(pk) for pk in sorted(m.pk for m in movements))
    return ("follow-up:" if follow_up else "") + f"{kind}:{ids}"


def by_identity(candidates):
    return {c.identity: c for c in candidates}


def hosts(candidate):
    return [(h.organization.slug, h.movement.slug, h.rank) for h in candidate.hosts]


# --- the follow-up -------------------------------------------------------------------------


def test_a_pair_whose_joint_event_worked_gets_a_follow_up_ranked_first(world):
    worked(world, joint_event(world))  # 5 of 11 crossed

    candidates = compute_proposals(TODAY, now=NOW)

    f15, fj = world["f15"], world["fj"]
    follow_up, potluck = candidates
    assert follow_up.identity == identity("potluck", f15, fj, follow_up=True)
    assert potluck.identity == identity("potluck", f15, fj)
    assert (follow_up.kind, follow_up.title) == ("potluck", TITLE)
    assert follow_up.region == world["oakland"]
    assert [m.slug for m in follow_up.movements] == ["fight-for-15", "food-justice"]
    assert follow_up.reasons == [
        "Their potluck on 14 March: 5 of 11 people who came took up work in the other movement.",
        WORKED,
    ]
    # The bonus over the pair's bridge potential, which its first-time potluck scores.
    assert follow_up.score == round(potluck.score + BONUS, 4)
    assert follow_up.shared_themes == ["food"]
    # The potluck's hosts first (the Eastside Kitchen takes part in Food Justice only by
    # having hosted for it), then the usual choice.
    assert hosts(follow_up) == [
        ("fast-food-union", "fight-for-15", 1),
        ("eastside-kitchen", "food-justice", 1),
        ("garden-collective", "food-justice", 2),
    ]
    assert hosts(potluck) == [
        ("fast-food-union", "fight-for-15", 1),
        ("garden-collective", "food-justice", 1),
    ]
    assert follow_up.agenda.startswith(
        "A follow-up potluck between Fight for $15 and Food Justice.\n"
    )


def test_before_the_event_ends_there_is_no_follow_up(world):
    event = joint_event(world)
    worked(world, event)

    candidates = compute_proposals(TODAY, now=event.ends_at - datetime.timedelta(minutes=1))

    assert [c.identity for c in candidates] == [identity("potluck", world["f15"], world["fj"])]


def test_a_withheld_count_of_crossers_reads_fewer_than_5_for_everyone(
    world, client, curator_client
):
    worked(world, joint_event(world), crossers=3)  # 3 of 11: rate 0.27, 3 withheld
    proposals_refresh(today=TODAY, now=NOW)
    expected = (
        "Their potluck on 14 March: fewer than 5 of 11 people who came took up work in the "
        "other movement."
    )

    follow_up = Proposal.objects.get(identity__startswith="follow-up:")

    assert follow_up.reasons == [expected, WORKED]
    for viewer in (client, curator_client):
        [shown] = [p for p in viewer.get("/api/proposals/").json()["results"] if p["follow_up"]]
        assert shown["reasons"] == [expected, WORKED]
        assert expected in viewer.get("/proposals/").content.decode()


@pytest.mark.parametrize(
    ("attendees", "crossers", "follow_up"),
    [
        (5, 1, True),  # rate 0.2: at the threshold rate
        (6, 1, False),  # rate 0.17
        (4, 2, False),  # rate 0.5, but fewer attendees than the disclosure threshold
        (10, 2, True),
    ],
)
def test_the_rate_and_the_attendees_decide(world, attendees, crossers, follow_up):
    worked(world, joint_event(world), crossers=crossers, attendees=attendees)

    follow_ups = [c for c in compute_proposals(TODAY, now=NOW) if c.follow_up]

    assert len(follow_ups) == int(follow_up)


def test_the_follow_up_rate_is_a_setting(world, settings):
    worked(world, joint_event(world), crossers=2, attendees=10)
    settings.COALITION_FOLLOW_UP_RATE = 0.25

    assert [c for c in compute_proposals(TODAY, now=NOW) if c.follow_up] == []


def test_several_joint_events_count_as_one_pair_and_the_latest_public_is_named(world):
    march = joint_event(world)
    came(march, world["f15"], into=world["fj"], n=2)
    came(march, world["f15"], n=3)
    june = joint_event(world, "june-panel", on=day(98), kind="panel")
    came(june, world["fj"], into=world["f15"], n=1)
    came(june, world["fj"], n=4)
    secret = joint_event(world, "secret-dinner", on=day(120), visibility="private")
    came(secret, world["f15"], n=1)

    [follow_up] = [c for c in compute_proposals(TODAY, now=NOW) if c.follow_up]

    # 10 distinct attendees over the two public events, 3 crossed; the private dinner
    # stays out of the pair's figures (network.followthrough) and is not named.
    assert follow_up.reasons[0] == (
        "Their joint events, among them a panel on 20 June: fewer than 5 of 10 people who "
        "came took up work in the other movement."
    )


def test_an_event_of_another_year_names_the_year(world):
    worked(world, joint_event(world, on=datetime.date(2025, 11, 8)))

    [follow_up] = [c for c in compute_proposals(TODAY, now=NOW) if c.follow_up]

    assert follow_up.reasons[0].startswith("Their potluck on 8 November 2025: 5 of 11 people")


def test_a_private_joint_event_is_never_counted_named_nor_its_hosts_suggested(world):
    """Pairs are shown to everyone: a private event stays out of them, so on its own it
    proposes nothing (network.followthrough)."""
    event = joint_event(world, visibility="private", region=None)
    worked(world, event)

    assert [c for c in compute_proposals(TODAY, now=NOW) if c.follow_up] == []


def test_a_pair_with_a_dormant_movement_gets_no_follow_up(world):
    worked(world, joint_event(world))
    world["fj"].status = "dormant"
    world["fj"].save()

    assert compute_proposals(TODAY, now=NOW) == []


def test_follow_ups_take_a_fixed_number_of_queries(world):
    worked(world, joint_event(world))
    cache.clear()  # each run below computes afresh
    with CaptureQueriesContext(connection) as one:
        assert len([c for c in compute_proposals(TODAY, now=NOW) if c.follow_up]) == 1
    for n in range(3):
        other = MovementFactory(
            slug=f"pantry-{n}", name=f"Pantry {n}", constituency=f"congregation {n}",
            themes=[world["f15"].themes.first()], regions=[world["oakland"]],
        )  # fmt: skip
        ParticipationFactory(movement=other)
        event = EventFactory(
            slug=f"dinner-{n}", starts_at=local_time(DAY, 18), ends_at=local_time(DAY, 21),
            movements=[world["f15"], other],
        )  # fmt: skip
        came(event, world["f15"], into=other, n=5)
    cache.clear()
    with CaptureQueriesContext(connection) as four:
        assert len([c for c in compute_proposals(TODAY, now=NOW) if c.follow_up]) == 4

    assert len(one.captured_queries) == len(four.captured_queries)


# --- nobody crossed: try another format ----------------------------------------------------


def stalled(world, events=2, **kwargs):
    for i in range(events):
        event = joint_event(world, f"potluck-{i}", on=day(31 * i), **kwargs)
        came(event, world["f15"], n=3)


def potluck_of(candidates, world):
    return by_identity(candidates)[identity("potluck", world["f15"], world["fj"])]


@pytest.mark.parametrize(("events", "words"), [(2, "two"), (3, "three")])
def test_joint_events_with_nobody_crossed_rank_the_pair_lower(world, events, words):
    before = potluck_of(compute_proposals(TODAY, now=BEFORE), world)
    stalled(world, events)

    after = potluck_of(compute_proposals(TODAY, now=NOW), world)

    assert after.score == round(before.score - MALUS, 4)
    assert after.reasons == [
        *before.reasons,
        f"Fight for $15 and Food Justice: {words} joint events, nobody crossed yet: try "
        "another format.",
    ]


@pytest.mark.parametrize("case", ["one event", "nobody checked in", "someone crossed"], ids=str)
def test_no_malus_without_two_events_attended_and_nobody_crossed(world, case):
    before = potluck_of(compute_proposals(TODAY, now=BEFORE), world)
    if case == "one event":
        stalled(world, events=1)
    elif case == "nobody checked in":
        for i in range(2):
            RSVPFactory(event=joint_event(world, f"potluck-{i}", on=day(31 * i)))
    else:
        stalled(world)
        came(joint_event(world, "potluck-late", on=day(90)), world["f15"], into=world["fj"])

    after = potluck_of(compute_proposals(TODAY, now=NOW), world)

    assert (after.score, after.reasons) == (before.score, before.reasons)


def test_the_malus_never_takes_the_score_below_zero(world, settings):
    settings.COALITION_PROPOSALS = {"NO_CROSSERS_MALUS": 1.0}
    stalled(world)

    assert potluck_of(compute_proposals(TODAY, now=NOW), world).score == 0


def test_a_panel_shares_the_malus_among_its_pairs():
    divestment = TacticFactory(slug="divestment", name="Divestment")
    students = [
        MovementFactory(
            slug=slug,
            name=name,
            sector=Sector.STUDENT,
            constituency="students",
            themes=[ThemeFactory(slug=theme, name=theme.title())],
            tactics=[divestment],
        )  # fmt: skip
        for slug, name, theme in [
            ("fossil-free", "Fossil Free", "climate"),
            ("divest-israel", "Divest Israel", "palestine"),
            ("prison-divest", "Prison Divest", "prisons"),
        ]
    ]
    [before] = compute_proposals(TODAY, now=BEFORE)
    fossil, israel, _prisons = students
    for i in range(2):
        event = EventFactory(
            slug=f"teach-in-{i}", kind="workshop", movements=[fossil, israel],
            starts_at=local_time(day(7 * i), 18), ends_at=local_time(day(7 * i), 21),
        )  # fmt: skip
        came(event, fossil, n=2)

    [after] = compute_proposals(TODAY, now=NOW)

    assert before.kind == after.kind == "panel"
    assert after.score == round(before.score - MALUS / 3, 4)
    assert after.reasons[-1] == (
        "Divest Israel and Fossil Free: two joint events, nobody crossed yet: try another format."
    )


# --- stored, decided, refreshed ------------------------------------------------------------


def test_a_follow_up_keeps_its_identity_and_its_decisions_across_refreshes(world, curator):
    worked(world, joint_event(world))
    f15, fj = world["f15"], world["fj"]

    assert proposals_refresh(today=TODAY, now=NOW) == {"created": 2, "updated": 0, "removed": 0}
    assert proposals_refresh(today=TODAY, now=NOW) == {"created": 0, "updated": 2, "removed": 0}
    follow_up = Proposal.objects.get(identity=identity("potluck", f15, fj, follow_up=True))
    assert (follow_up.kind, follow_up.title, follow_up.is_follow_up) == ("potluck", TITLE, True)
    potluck = Proposal.objects.get(identity=identity("potluck", f15, fj))
    assert (potluck.is_follow_up, follow_up.score) == (False, round(potluck.score + BONUS, 4))

    proposal_dismiss(proposal=follow_up, user=curator, reason="We meet every month anyway.")
    result = proposals_refresh(today=TODAY, now=NOW)

    assert result == {"created": 0, "updated": 1, "removed": 0}
    follow_up.refresh_from_db()
    assert follow_up.status == ProposalStatus.DISMISSED
    assert Proposal.objects.filter(identity__startswith="follow-up:").count() == 1


def test_accepting_a_follow_up_invites_the_earlier_co_host(world):
    worked(world, joint_event(world))
    proposals_refresh(today=TODAY, now=NOW)
    follow_up = Proposal.objects.get(identity__startswith="follow-up:")
    user = make_organizer(world["union"], username="union-organizer")

    event = proposal_accept(
        proposal=follow_up, user=user, organization=world["union"], movement=world["f15"]
    )

    assert (event.kind, event.title, event.proposal) == ("potluck", TITLE, follow_up)
    assert sorted(event.event_hosts.values_list("organization__slug", "status")) == [
        ("eastside-kitchen", "invited"),
        ("fast-food-union", "confirmed"),
    ]
    assert proposals_refresh(today=TODAY, now=NOW)["created"] == 0
    assert Proposal.objects.get(pk=follow_up.pk).status == ProposalStatus.ACCEPTED


def test_the_hourly_job_brings_the_follow_up_once_the_event_has_ended(world):
    """Events end without any write: the periodic refresh (every hour, so at least once a
    day) finds them."""
    event = held_yesterday(joint_event(world))
    yesterday = timezone.localdate(event.starts_at)
    for i in range(5):
        came(event, world["f15"], into=world["fj"] if i == 0 else None, crossed_on=yesterday)
    proposals_refresh(now=event.ends_at - datetime.timedelta(hours=1))
    assert not Proposal.objects.filter(identity__startswith="follow-up:").exists()

    job = JOBS["proposals"]
    job.function()

    assert job.every <= datetime.timedelta(days=1)
    assert Proposal.objects.filter(identity__startswith="follow-up:").count() == 1


def test_a_check_in_brings_the_follow_up(world, django_capture_on_commit_callbacks):
    """A check-in asks for a refresh (network/receivers.py); with the immediate backend it
    runs at commit."""
    event = held_yesterday(joint_event(world))
    yesterday = timezone.localdate(event.starts_at)
    came(event, world["f15"], into=world["fj"], crossed_on=yesterday)
    came(event, world["f15"], n=3)
    last = MemberFactory()
    EngagementFactory(member=last, movement=world["fj"], since=day(-400, yesterday))
    rsvp = RSVPFactory(event=event, member=last)
    proposals_refresh()
    assert not Proposal.objects.filter(identity__startswith="follow-up:").exists()

    with django_capture_on_commit_callbacks(execute=True):
        rsvp_check_in(rsvp=rsvp)

    [follow_up] = Proposal.objects.filter(identity__startswith="follow-up:")
    assert follow_up.reasons[0].endswith(
        "fewer than 5 of 5 people who came took up work in the other movement."
    )


# --- pages, API, the network file ----------------------------------------------------------


def test_the_proposals_page_labels_follow_ups(world, client):
    worked(world, joint_event(world))
    proposals_refresh(today=TODAY, now=NOW)
    follow_up = Proposal.objects.get(identity__startswith="follow-up:")

    page = client.get("/proposals/").content.decode()
    detail = client.get(f"/proposals/{follow_up.pk}/").content.decode()

    assert page.count('<span class="badge badge--follow-up">Follow-up</span>') == 1
    assert page.index("badge--follow-up") < page.index(TITLE)
    assert '<span class="badge badge--follow-up">Follow-up</span>' in detail
    assert [p["follow_up"] for p in client.get("/api/proposals/").json()["results"]] == [
        True,
        False,
    ]


def test_decided_follow_ups_round_trip_through_the_network_file(world, curator):
    worked(world, joint_event(world))
    proposals_refresh(today=TODAY, now=NOW)
    for proposal in Proposal.objects.all():
        proposal_dismiss(proposal=proposal, user=curator, reason=f"Not now ({proposal.pk}).")
    follow_up = Proposal.objects.get(identity__startswith="follow-up:")
    document = network_export()
    movements = ["fight-for-15", "food-justice"]

    assert [p for p in document["proposals"] if p.get("follow_up")] == [
        {"kind": "potluck", "movements": movements, "status": "dismissed", "event": None,
         "reason": f"Not now ({follow_up.pk}).", "follow_up": True},
    ]  # fmt: skip
    assert [p.get("follow_up") for p in document["proposals"]] == [None, True]

    Proposal.objects.all().delete()
    network_import(document=document)

    restored = Proposal.objects.get(identity=follow_up.identity)
    assert (restored.status, restored.title) == (
        "dismissed",
        "Follow-up potluck between Fight for $15 and Food Justice",
    )
    assert Proposal.objects.count() == 2
    assert network_export() == document
    proposals_refresh(today=TODAY, now=NOW)
    assert Proposal.objects.get(identity=follow_up.identity).status == "dismissed"


def test_a_follow_up_flag_that_is_not_a_boolean_is_refused(world):
    document = {
        "proposals": [
            {"kind": "potluck", "movements": ["fight-for-15", "food-justice"],
             "status": "dismissed", "follow_up": "yes"},
        ]
    }  # fmt: skip

    with pytest.raises(NetworkImportError) as raised:
        network_import(document=document)

    assert (raised.value.record, raised.value.message) == (
        "proposals[0]",
        "'follow_up' must be true or false, not \"yes\"",
    )
    assert Proposal.objects.count() == 0
