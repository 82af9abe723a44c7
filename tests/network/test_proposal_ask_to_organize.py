"""The "Run it" box of a proposal asks visitors to organize for the suggested hosts they do
not organize for (issue 14: a member who wants to run the proposed potluck)."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from movements.organizing import organizer_request_create
from movements.services import member_for_user, organization_archive
from network.proposals.services import proposal_accept

pytestmark = pytest.mark.django_db

ASK_UNION = (
    '<a href="/organizations/fast-food-union/organize/">Ask to organize for Fast Food Union</a>'
)
ASK_GARDENS = (
    '<a href="/organizations/garden-collective/organize/">'
    "Ask to organize for Garden Collective</a>"
)


@pytest.fixture
def organization(proposal_network):
    """The organizer of tests/conftest.py organizes the Fast Food Union: a suggested host of
    the potluck."""
    return proposal_network["union"]


def page(client, proposal_network):
    return client.get(f"/proposals/{proposal_network['potluck'].pk}/")


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_run_it_box_asks_to_organize_for_each_suggested_host(
    client, member_client, proposal_network, who
):
    c = {"anonymous": client, "member": member_client}[who]

    response = page(c, proposal_network)

    assertContains(response, ASK_UNION, html=True)
    assertContains(response, ASK_GARDENS, html=True)


def test_a_host_organizer_is_asked_only_for_the_other_host(organizer_client, proposal_network):
    response = page(organizer_client, proposal_network)

    assertContains(response, "Accept and create a draft event")
    assertContains(response, ASK_GARDENS, html=True)
    assertNotContains(response, "Ask to organize for Fast Food Union")


def test_a_waiting_request_is_said_instead_of_the_link(
    member_client, member_user, proposal_network
):
    organizer_request_create(
        member=member_for_user(user=member_user), organization=proposal_network["gardens"]
    )

    response = page(member_client, proposal_network)

    assertContains(response, "Your request to organize for")
    assertNotContains(response, "Ask to organize for Garden Collective")
    assertContains(response, ASK_UNION, html=True)


def test_curators_are_not_asked(curator_client, proposal_network):
    assertNotContains(page(curator_client, proposal_network), "Ask to organize for")


def test_archived_hosts_are_not_offered(member_client, proposal_network):
    organization_archive(organization=proposal_network["gardens"])

    response = page(member_client, proposal_network)

    assertNotContains(response, "Ask to organize for Garden Collective")


def test_an_accepted_proposal_asks_nothing(curator, member_client, proposal_network):
    proposal_accept(
        proposal=proposal_network["potluck"],
        user=curator,
        organization=proposal_network["union"],
        movement=proposal_network["fast_food"],
    )

    assertNotContains(page(member_client, proposal_network), "Ask to organize for")
