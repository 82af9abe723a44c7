"""Proposals store the movement each suggested host stands for, ranked; accepting one
confirms the accepting organizer's organization for the movement they choose and invites
the first-ranked suggested host of each other movement (PRODUCT.md, "Event hosts")."""

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Event, ProposalHost
from events.permissions import proposal_host_choices
from movements.models import MembershipRole, ParticipationRole
from network.proposals.engine import proposals_refresh
from network.proposals.services import ProposalError, proposal_accept
from tests.factories import (
    PINNED_TODAY,
    EngagementFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipationFactory,
)
from tests.helpers import logged_in, make_organizer

pytestmark = pytest.mark.django_db


def suggested(proposal) -> list[tuple[str, str, int]]:
    return [
        (host.organization.slug, host.movement.slug, host.rank)
        for host in ProposalHost.objects.filter(proposal=proposal).order_by(
            "movement__slug", "rank"
        )
    ]


def hosts_of(event) -> list[tuple[str, str, str]]:
    return [
        (host.organization.slug, host.movement.slug, host.status)
        for host in event.event_hosts.order_by("organization__slug")
    ]


@pytest.fixture
def network(proposal_network):
    """The proposal network with a second host for Food Justice, ranked after the Garden
    Collective (a partner, not the lead, though more people come through it)."""
    seeds = OrganizationFactory(slug="seed-library", name="Seed Library")
    ParticipationFactory(
        organization=seeds, movement=proposal_network["food_justice"], role="partner"
    )
    for _ in range(6):
        EngagementFactory(movement=proposal_network["food_justice"], organization=seeds)
    proposals_refresh(today=PINNED_TODAY)
    return {**proposal_network, "seeds": seeds}


def test_the_engine_stores_each_suggested_host_with_its_movement_and_rank(network):
    assert suggested(network["potluck"]) == [
        ("fast-food-union", "fight-for-15", 1),
        ("garden-collective", "food-justice", 1),
        ("seed-library", "food-justice", 2),
    ]
    page = logged_in(make_organizer(network["union"])).get(f"/proposals/{network['potluck'].pk}/")
    assert "Collective, for Food Justice</span>" in page.content.decode()


def test_accepting_invites_the_first_ranked_host_of_each_other_movement_and_mails_them(
    network, django_capture_on_commit_callbacks
):
    organizer = make_organizer(network["union"], "union-organizer")
    make_organizer(network["gardens"], "garden-organizer")
    make_organizer(network["seeds"], "seed-organizer")
    client = logged_in(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/proposals/{network['potluck'].pk}/accept/",
            {"host": "fast-food-union:fight-for-15"},
        )

    event = Event.objects.get()
    assert response["Location"] == f"/events/{event.slug}/edit/"
    assert hosts_of(event) == [
        ("fast-food-union", "fight-for-15", "confirmed"),
        ("garden-collective", "food-justice", "invited"),
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["garden-organizer@example.org"],
            f"Garden Collective is invited to co-host “{event.title}”",
        )
    ]
    invitation = event.event_hosts.get(organization=network["gardens"])
    assert invitation.invited_by == organizer
    assert not event.is_joint  # until the gardens confirm


def test_the_accepting_organization_is_passed_over_for_the_other_movement(network):
    # The Garden Collective also takes part in Fight for $15 and stands for it: Food
    # Justice's next suggested host is invited instead.
    ParticipationFactory(organization=network["gardens"], movement=network["fast_food"])
    organizer = make_organizer(network["gardens"], "garden-organizer")
    choices = proposal_host_choices(organizer, network["potluck"])

    event = proposal_accept(
        proposal=network["potluck"],
        user=organizer,
        organization=network["gardens"],
        movement=network["fast_food"],
    )

    assert [(o.slug, m.slug) for o, m in choices] == [
        ("garden-collective", "food-justice"),
        ("garden-collective", "fight-for-15"),
    ]
    # Nobody else is invited for Fight for $15: the gardens stand for it.
    assert hosts_of(event) == [
        ("garden-collective", "fight-for-15", "confirmed"),
        ("seed-library", "food-justice", "invited"),
    ]


def test_an_organization_taking_part_in_a_movement_may_stand_for_it(network):
    # Not a suggested host, but the organizer's organization takes part in Food Justice
    # now: a choice for organizers who may decide (they organize a suggested host too).
    kitchen = OrganizationFactory(slug="kitchen", name="Kitchen")
    ParticipationFactory(
        organization=kitchen, movement=network["food_justice"], role=ParticipationRole.ALLY
    )
    organizer = make_organizer(network["union"], "union-organizer")
    MembershipFactory(member=organizer.member, organization=kitchen, role=MembershipRole.ORGANIZER)

    choices = proposal_host_choices(organizer, network["potluck"])

    assert [(o.slug, m.slug) for o, m in choices] == [
        ("fast-food-union", "fight-for-15"),
        ("kitchen", "food-justice"),
    ]


def test_accepting_for_a_movement_not_the_proposals_is_refused(network, curator):
    with pytest.raises(ProposalError) as refused:
        proposal_accept(
            proposal=network["potluck"],
            user=curator,
            organization=network["campus"],
            movement=network["students"]["fossil-free"],
        )

    assert str(refused.value) == "“Fossil Free” is not one of this proposal's movements."
    assert Event.objects.count() == 0


def test_accepting_through_the_api_invites_too(network, django_capture_on_commit_callbacks):
    organizer = make_organizer(network["union"], "union-organizer")
    make_organizer(network["gardens"], "garden-organizer")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=organizer).key}")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/proposals/{network['potluck'].pk}/accept/",
            {"organization": "fast-food-union", "movement": "fight-for-15"},
            format="json",
        )

    assert response.status_code == 201
    event = Event.objects.get()
    assert hosts_of(event)[1] == ("garden-collective", "food-justice", "invited")
    assert [m.to for m in mail.outbox] == [["garden-organizer@example.org"]]
