"""The proposals pages: list, filters, one proposal, accept and dismiss by role."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from events.models import Event, EventStatus, Proposal, ProposalStatus
from movements.models import MembershipRole, ParticipationRole, Sector
from network.proposals.engine import proposals_refresh
from network.proposals.services import proposal_accept, proposal_dismiss
from tests.factories import (
    PINNED_TODAY,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    ParticipationFactory,
    RegionFactory,
    TacticFactory,
    TensionFactory,
    ThemeFactory,
)
from tests.helpers import error_codes, logged_in, make_organizer
from tests.scenarios import PANEL, POTLUCK, TENSION

pytestmark = pytest.mark.django_db

ACCEPTED = "Draft event created from the proposal — set the date and publish."


@pytest.fixture
def organization(proposal_network):
    """The organizer of tests/conftest.py organizes the Fast Food Union: a suggested host of
    the potluck."""
    return proposal_network["union"]


@pytest.fixture
def other_client(proposal_network):
    """An organizer of Campus Climate: not a suggested host of the potluck."""
    return logged_in(make_organizer(proposal_network["campus"], "other-organizer"))


def titles(response) -> list[str]:
    return [proposal.title for proposal in response.context["proposals"]]


# --- the list ------------------------------------------------------------------------------


def test_list_shows_open_proposals_best_first_with_why_and_who(client, proposal_network):
    response = client.get("/proposals/")

    assert response.status_code == 200
    assert titles(response) == [POTLUCK, PANEL]
    potluck = proposal_network["potluck"]
    assertContains(response, "2 open proposals")
    assertContains(
        response,
        f'<a href="/proposals/{potluck.pk}/">{POTLUCK}</a>',
        html=True,
    )
    assertContains(
        response,
        '<div class="proposal-score"><details class="worded worded--bridge">'
        '<summary class="worded__word">Good bridge potential</summary>'
        '<p class="worded__figure">Bridge potential '
        '<meter min="0" max="1" value="0.59" aria-label="Bridge potential">0.59</meter> '
        '<strong class="worded__number">0.59</strong> out of 1: shared causes, few existing '
        "ties.</p></details></div>",
        html=True,
    )
    assertContains(
        response,
        '<ul class="reasons proposal-reasons" aria-label="Why">'
        "<li>Fight for $15 and Food Justice both work on food in Oakland.</li>"
        "<li>They organize different people: fast-food workers and gardeners.</li>"
        "<li>They share no organizations or people yet: a new space between them.</li></ul>",
        html=True,
    )
    assertContains(
        response,
        '<p class="card__movements">Between '
        '<a class="movement-link sector--labor" href="/movements/fight-for-15/">Fight for $15</a>'
        ' and <a class="movement-link sector--community" href="/movements/food-justice/">'
        "Food Justice</a></p>",
        html=True,
    )
    assertContains(
        response,
        '<li><a class="tag tag--theme" href="/movements/?theme=food">'
        '<span class="visually-hidden">Shared theme: </span>Food</a></li>',
        html=True,
    )
    assertContains(
        response,
        '<li><a class="tag tag--tactic" href="/movements/?tactic=divestment">'
        '<span class="visually-hidden">Shared tactic: </span>Divestment</a></li>',
        html=True,
    )
    assertContains(
        response,
        '<li><span class="proposal-tensions__pair">Fight for $15 and Food Justice:</span> '
        f"{TENSION}</li>",
        html=True,
    )
    assertContains(
        response,
        '<p class="card__hosts">Suggested hosts: '
        '<a href="/organizations/fast-food-union/">Fast Food Union</a>, '
        '<a href="/organizations/garden-collective/">Garden Collective</a></p>',
        html=True,
    )
    # The tension is shown once, from the Tension row, not again among the reasons.
    assertNotContains(response, "Tension to discuss")
    # Anonymous visitors get no decision controls.
    assertNotContains(response, "Accept or dismiss")


def test_list_offers_the_decision_only_on_proposals_the_viewer_may_decide(
    organizer_client, proposal_network
):
    response = organizer_client.get("/proposals/")

    potluck = proposal_network["potluck"]
    assertContains(response, f'href="/proposals/{potluck.pk}/#decide"', count=1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=panel", [PANEL]),
        ("kind=potluck", [POTLUCK]),
        ("region=oakland", [POTLUCK]),
        ("region=bay-area", [POTLUCK, PANEL]),
        ("movement=fossil-free", [PANEL]),
        ("movement=food-justice&kind=potluck", [POTLUCK]),
        ("kind=conference", []),
        ("status=open", [POTLUCK, PANEL]),
        ("status=accepted", []),
    ],
)
def test_list_filters(client, proposal_network, query, expected):
    response = client.get(f"/proposals/?{query}")

    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("kind=picnic", "kind", None),  # Django's own wording
        ("region=atlantis", "region", "There is no region “atlantis”."),
        ("movement=nothing", "movement", "There is no movement “nothing”."),
        ("status=dismissed", "status", "“dismissed” is not a status you can list."),
    ],
)
def test_bad_filters_answer_400_with_the_message(client, proposal_network, query, field, message):
    response = client.get(f"/proposals/?{query}")

    assert response.status_code == 400
    assert response.context["proposals"] == []
    assert error_codes(response.context["filter"].form.errors) == {field: ["invalid_choice"]}
    assertContains(response, "No results: fix the filters", status_code=400)
    assertContains(response, f'<li><a href="#id_{field}">', status_code=400)
    if message:
        assertContains(response, message, status_code=400)


def test_curators_can_list_dismissed_proposals(curator_client, curator, proposal_network):
    proposal_dismiss(proposal=proposal_network["panel"], user=curator, reason="Done last year.")

    response = curator_client.get("/proposals/?status=dismissed")

    assert response.status_code == 200
    assert titles(response) == [PANEL]
    assertContains(response, "1 dismissed proposal")


def test_accepted_proposal_links_its_event_only_once_visible(client, curator, proposal_network):
    event = proposal_accept(
        proposal=proposal_network["potluck"],
        user=curator,
        organization=proposal_network["union"],
        movement=proposal_network["fast_food"],
    )

    draft = client.get("/proposals/?status=accepted")
    Event.objects.filter(pk=event.pk).update(status=EventStatus.PUBLISHED)
    published = client.get("/proposals/?status=accepted")

    assert titles(draft) == [POTLUCK]
    assertContains(draft, "Accepted — the hosts are preparing the event.")
    assertNotContains(draft, event.get_absolute_url())
    assertContains(
        published,
        f'<p class="proposal-card__event">Accepted — '
        f'<a href="{event.get_absolute_url()}">see the event</a></p>',
        html=True,
    )
    # Off the default list once accepted.
    assert titles(client.get("/proposals/")) == [PANEL]


def test_list_runs_a_fixed_number_of_queries_as_proposals_grow(
    client, organizer_client, proposal_network
):
    def grow(start: int, stop: int):
        for i in range(start, stop):
            region = RegionFactory(slug=f"town-{i}", name=f"Town {i}")
            theme = ThemeFactory(slug=f"theme-{i}", name=f"Theme {i}")
            tactic = TacticFactory(slug=f"tactic-{i}", name=f"Tactic {i}")
            a = MovementFactory(slug=f"a-{i}", constituency=f"a {i}", sector=Sector.LABOR,
                                themes=[theme], tactics=[tactic], regions=[region])  # fmt: skip
            b = MovementFactory(slug=f"b-{i}", constituency=f"b {i}",
                                themes=[theme], tactics=[tactic], regions=[region])  # fmt: skip
            for movement in (a, b):
                ParticipationFactory(movement=movement, role=ParticipationRole.LEAD)
            TensionFactory(movement_a=a, movement_b=b, note=f"Tension {i}.")
        proposals_refresh(today=PINNED_TODAY)
        # One of them accepted, its event published: the event link is read too.
        accepted = Proposal.objects.open().filter(kind="conference").first()
        if accepted is not None:
            first = accepted.suggested_hosts.order_by("rank", "pk").first()
            event = proposal_accept(
                proposal=accepted,
                user=None,
                organization=first.organization,
                movement=first.movement,
            )
            Event.objects.filter(pk=event.pk).update(status=EventStatus.PUBLISHED)

    def count(c: Client, query: str = "") -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(f"/proposals/{query}").status_code == 200
        return len(queries)

    grow(0, 1)
    small = [count(client), count(organizer_client), count(client, "?status=accepted")]
    grow(1, 5)
    large = [count(client), count(organizer_client), count(client, "?status=accepted")]

    assert Proposal.objects.open().count() > 6
    # anonymous: count, page, movements, hosts, events, tensions, themes, tactics, and the
    # filter form's regions and movements; signed in: + session, user, managed organizations;
    # accepted conferences: no shared themes to look up (and no hosts of the event to read).
    assert small == large == [10, 13, 9]


# --- one proposal --------------------------------------------------------------------------


def test_detail_shows_the_agenda_and_asks_anonymous_visitors_to_log_in(client, proposal_network):
    potluck = proposal_network["potluck"]

    response = client.get(f"/proposals/{potluck.pk}/")

    assert response.status_code == 200
    assertContains(response, f'<h1 id="proposal-title">{POTLUCK}</h1>', html=True)
    assertContains(response, f'<div class="agenda">{potluck.agenda}</div>', html=True)
    assertContains(response, f"  - {TENSION}")
    assertContains(response, '<a href="/overlaps/fight-for-15/food-justice/">')
    assertContains(response, f'<a href="/accounts/login/?next=/proposals/{potluck.pk}/">')
    assertNotContains(response, '<form method="post" action="/proposals/')


@pytest.mark.parametrize("role", ["member", "other"])
def test_detail_has_no_controls_for_those_who_may_not_decide(
    member_client, other_client, proposal_network, role
):
    c = {"member": member_client, "other": other_client}[role]

    response = c.get(f"/proposals/{proposal_network['potluck'].pk}/")

    assert response.status_code == 200
    assert response.context["can_decide"] is False
    assertNotContains(response, "Accept and create a draft event")


def test_detail_offers_a_host_organizer_their_own_organization(organizer_client, proposal_network):
    potluck = proposal_network["potluck"]

    response = organizer_client.get(f"/proposals/{potluck.pk}/")

    assert response.context["can_decide"] is True
    assert list(response.context["accept_form"].fields["host"].choices) == [
        ("fast-food-union:fight-for-15", "Fast Food Union, for Fight for $15"),
    ]
    assertContains(
        response,
        '<input type="radio" name="host" value="fast-food-union:fight-for-15" id="id_host_0" '
        "required checked>",
        html=True,
    )
    assertNotContains(response, 'value="garden-collective')
    assertContains(response, f'<a class="danger-link" href="/proposals/{potluck.pk}/dismiss/">')


def test_detail_offers_curators_every_suggested_host(curator_client, proposal_network):
    response = curator_client.get(f"/proposals/{proposal_network['potluck'].pk}/")

    assert list(response.context["accept_form"].fields["host"].choices) == [
        ("fast-food-union:fight-for-15", "Fast Food Union, for Fight for $15"),
        ("garden-collective:food-justice", "Garden Collective, for Food Justice"),
    ]


def test_detail_of_an_unknown_proposal_is_404(client, proposal_network):
    assert client.get("/proposals/999999/").status_code == 404


def test_dismissed_proposal_is_404_except_for_curators(
    client, organizer_client, curator_client, curator, proposal_network
):
    potluck = proposal_network["potluck"]
    proposal_dismiss(proposal=potluck, user=curator, reason="Tried it; nobody came.")

    assert client.get(f"/proposals/{potluck.pk}/").status_code == 404
    assert organizer_client.get(f"/proposals/{potluck.pk}/").status_code == 404
    response = curator_client.get(f"/proposals/{potluck.pk}/")
    assert response.status_code == 200
    assertContains(response, "“Tried it; nobody came.”")


def test_detail_queries_are_fixed(client, organizer_client, proposal_network):
    def count(c: Client) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(f"/proposals/{proposal_network['potluck'].pk}/").status_code == 200
        return len(queries)

    # proposal, movements, hosts, events, tensions, themes (the potluck shares no tactic);
    # the host organizer adds session, user, managed organizations, can_decide, what they
    # may stand for (their suggested hosts, their organizations' participations) and the
    # hosts they may ask to organize for.
    assert [count(client), count(organizer_client)] == [6, 13]


# --- accept --------------------------------------------------------------------------------


def test_anonymous_accept_goes_to_log_in(client, proposal_network):
    url = f"/proposals/{proposal_network['potluck'].pk}/accept/"

    response = client.post(url, {"host": "fast-food-union:fight-for-15"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert Event.objects.count() == 0


@pytest.mark.parametrize("role", ["member", "other"])
@pytest.mark.parametrize("action", ["accept", "dismiss"])
def test_those_who_may_not_decide_get_403(
    member_client, other_client, proposal_network, role, action
):
    c = {"member": member_client, "other": other_client}[role]
    potluck = proposal_network["potluck"]

    response = c.post(f"/proposals/{potluck.pk}/{action}/", {"host": "campus-climate:fossil-free"})

    assert response.status_code == 403
    assert Event.objects.count() == 0
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.OPEN


def test_those_who_may_not_decide_get_403_on_the_dismiss_page(member_client, proposal_network):
    assert (
        member_client.get(f"/proposals/{proposal_network['potluck'].pk}/dismiss/").status_code
        == 403
    )


def test_anonymous_dismiss_page_goes_to_log_in(client, proposal_network):
    url = f"/proposals/{proposal_network['potluck'].pk}/dismiss/"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_host_organizer_accepts_and_lands_on_the_event_form(organizer_client, proposal_network):
    potluck = proposal_network["potluck"]

    response = organizer_client.post(
        f"/proposals/{potluck.pk}/accept/", {"host": "fast-food-union:fight-for-15"}, follow=True
    )

    event = Event.objects.get()
    assert response.redirect_chain == [(f"/events/{event.slug}/edit/", 302)]
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        ACCEPTED + " Invited to co-host: Garden Collective (their organizers are mailed)."
    ]
    assert event.proposal == potluck
    assert event.status == EventStatus.DRAFT
    assert event.title == POTLUCK
    assert event.kind == "potluck"
    assert event.region == proposal_network["oakland"]
    assert event.description == potluck.agenda
    assert sorted(m.slug for m in event.movements.all()) == ["fight-for-15", "food-justice"]
    # The union hosts for Fight for $15; Food Justice's first suggested host is invited.
    assert hosts_of(event) == [
        ("fast-food-union", "fight-for-15", "confirmed"),
        ("garden-collective", "food-justice", "invited"),
    ]
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.ACCEPTED


def test_curator_accepts_with_the_hosts_they_choose(curator_client, proposal_network):
    potluck = proposal_network["potluck"]

    response = curator_client.post(
        f"/proposals/{potluck.pk}/accept/", {"host": "garden-collective:food-justice"}
    )

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.slug}/edit/"
    assert hosts_of(event) == [
        ("fast-food-union", "fight-for-15", "invited"),
        ("garden-collective", "food-justice", "confirmed"),
    ]
    assert event.proposal == potluck


def test_accepting_twice_makes_one_event(organizer_client, curator_client, proposal_network):
    potluck = proposal_network["potluck"]
    url = f"/proposals/{potluck.pk}/accept/"
    organizer_client.post(url, {"host": "fast-food-union:fight-for-15"}, follow=True)
    event = Event.objects.get()

    again = organizer_client.post(url, {"host": "fast-food-union:fight-for-15"}, follow=True)
    curator_again = curator_client.post(url, {"host": "garden-collective:food-justice"})

    assert Event.objects.count() == 1
    assert list(potluck.events.all()) == [event]
    assert again.redirect_chain == [(f"/events/{event.slug}/edit/", 302)]
    assert [str(m) for m in again.context["messages"]] == [
        "This proposal was already accepted: here is its event."
    ]
    assert curator_again["Location"] == f"/events/{event.slug}/edit/"


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("", "Choose the organization you host for and the movement it stands for."),
        (
            "garden-collective:food-justice",
            "“garden-collective:food-justice” is not a suggested host you can host for.",
        ),
        (
            "fast-food-union:food-justice",
            "“fast-food-union:food-justice” is not a suggested host you can host for.",
        ),
        (
            "campus-climate:fossil-free",
            "“campus-climate:fossil-free” is not a suggested host you can host for.",
        ),
    ],
)
def test_accept_with_bad_hosts_is_400_and_changes_nothing(
    organizer_client, proposal_network, host, message
):
    potluck = proposal_network["potluck"]

    response = organizer_client.post(f"/proposals/{potluck.pk}/accept/", {"host": host})

    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    assert Event.objects.count() == 0
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.OPEN


def test_accept_refused_by_the_service_is_409(curator_client, curator, proposal_network):
    potluck = proposal_network["potluck"]
    proposal_dismiss(proposal=potluck, user=curator)

    response = curator_client.post(
        f"/proposals/{potluck.pk}/accept/", {"host": "fast-food-union:fight-for-15"}
    )

    assert response.status_code == 409
    assertContains(
        response, "This proposal was dismissed and cannot be accepted.", status_code=409
    )
    assert Event.objects.count() == 0


def test_accept_of_a_dismissed_proposal_is_404_for_organizers(
    organizer_client, curator, proposal_network
):
    potluck = proposal_network["potluck"]
    proposal_dismiss(proposal=potluck, user=curator)

    response = organizer_client.post(
        f"/proposals/{potluck.pk}/accept/", {"host": "fast-food-union:fight-for-15"}
    )

    assert response.status_code == 404


def test_accept_is_post_only(organizer_client, proposal_network):
    assert (
        organizer_client.get(f"/proposals/{proposal_network['potluck'].pk}/accept/").status_code
        == 405
    )


# --- dismiss -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["host", "curator"])
def test_dismiss_confirms_then_dismisses_for_good(
    organizer_client, curator_client, proposal_network, role
):
    c = {"host": organizer_client, "curator": curator_client}[role]
    potluck = proposal_network["potluck"]
    url = f"/proposals/{potluck.pk}/dismiss/"

    page = c.get(url)
    response = c.post(url, {"reason": "  We ran one last month.  "}, follow=True)
    proposals_refresh(today=PINNED_TODAY)

    assert page.status_code == 200
    assertContains(page, "<h1>Dismiss this proposal?</h1>", html=True)
    assert response.redirect_chain == [("/proposals/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Dismissed “{POTLUCK}”. It will not be proposed again."
    ]
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.DISMISSED
    assert potluck.dismissed_reason == "We ran one last month."
    assert titles(Client().get("/proposals/")) == [PANEL]
    assert Proposal.objects.filter(kind="potluck").count() == 1


def test_dismiss_reason_too_long_is_400(organizer_client, proposal_network):
    potluck = proposal_network["potluck"]

    response = organizer_client.post(f"/proposals/{potluck.pk}/dismiss/", {"reason": "x" * 1001})

    assert response.status_code == 400
    assert error_codes(response.context["form"].errors) == {"reason": ["max_length"]}
    assertContains(response, '<ul class="errorlist" id="id_reason_error">', status_code=400)
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.OPEN


def test_dismissing_an_accepted_proposal_is_409(curator_client, curator, proposal_network):
    potluck = proposal_network["potluck"]
    proposal_accept(
        proposal=potluck,
        user=curator,
        organization=proposal_network["union"],
        movement=proposal_network["fast_food"],
    )

    response = curator_client.post(f"/proposals/{potluck.pk}/dismiss/", {"reason": ""})

    assert response.status_code == 409
    assertContains(
        response, "This proposal was accepted; cancel its event instead.", status_code=409
    )
    potluck.refresh_from_db()
    assert potluck.status == ProposalStatus.ACCEPTED


def test_dismiss_page_of_an_accepted_proposal_sends_back_to_it(
    curator_client, curator, proposal_network
):
    potluck = proposal_network["potluck"]
    proposal_accept(
        proposal=potluck,
        user=curator,
        organization=proposal_network["union"],
        movement=proposal_network["fast_food"],
    )

    response = curator_client.get(f"/proposals/{potluck.pk}/dismiss/")

    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{potluck.pk}/"


def test_accepted_proposal_page_links_the_event_for_those_who_may_see_it(
    client, organizer_client, curator, proposal_network
):
    potluck = proposal_network["potluck"]
    event = proposal_accept(
        proposal=potluck,
        user=curator,
        organization=proposal_network["union"],
        movement=proposal_network["fast_food"],
    )

    anonymous = client.get(f"/proposals/{potluck.pk}/")
    host = organizer_client.get(f"/proposals/{potluck.pk}/")

    assertNotContains(anonymous, event.get_absolute_url())
    assertContains(anonymous, "Accepted: the hosts are preparing the event.")
    assertContains(host, f'Accepted — <a href="{event.get_absolute_url()}">see the event</a>.')
    assert host.context["can_decide"] is False


def test_refresh_keeps_dismissed_dismissed_and_accepted_linked(curator, proposal_network):
    potluck, panel = proposal_network["potluck"], proposal_network["panel"]
    event = proposal_accept(
        proposal=potluck,
        user=curator,
        organization=proposal_network["union"],
        movement=proposal_network["fast_food"],
    )
    proposal_dismiss(proposal=panel, user=curator, reason="No.")

    proposals_refresh(today=PINNED_TODAY)

    potluck.refresh_from_db()
    panel.refresh_from_db()
    assert (potluck.status, panel.status) == (ProposalStatus.ACCEPTED, ProposalStatus.DISMISSED)
    assert list(potluck.events.all()) == [event]
    assert Proposal.objects.count() == 2


def test_no_person_appears_on_the_pages(client, proposal_network):
    MembershipFactory(
        member=MemberFactory(name="Zelda Secretperson", email="zelda@secret.example"),
        organization=proposal_network["union"],
        role=MembershipRole.ORGANIZER,
        since=datetime.date(2020, 1, 1),
    )

    for url in ["/proposals/", f"/proposals/{proposal_network['potluck'].pk}/"]:
        response = client.get(url)
        assertNotContains(response, "Secretperson")
        assertNotContains(response, "zelda@")


def hosts_of(event) -> list[tuple[str, str, str]]:
    """``(organization, movement, status)`` of each of ``event``'s hosts, by organization."""
    return [
        (host.organization.slug, host.movement.slug, host.status)
        for host in event.event_hosts.order_by("organization__slug")
    ]
