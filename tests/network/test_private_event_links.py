"""A private event is never listed or linked to someone who may not see it (issue: public
proposal pages linked to private events). The rule is ``Event.objects.linkable_for``:
public published or cancelled events for everyone; drafts and private events only for the
organizers of a host and curators."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from events.models import Event, EventStatus, EventVisibility
from network.proposals.services import proposal_accept
from tests.factories import EventFactory, OrganizationFactory, UserFactory
from tests.helpers import logged_in, make_organizer

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "member", "organizer of another group", "host organizer", "curator"]
MAY_SEE_PRIVATE = {"host organizer", "curator"}


def viewer_client(who: str, host):
    if who == "anonymous":
        from django.test import Client

        return Client()
    if who == "member":
        return logged_in(UserFactory())
    if who == "organizer of another group":
        return logged_in(make_organizer(OrganizationFactory(), "elsewhere"))
    if who == "host organizer":
        return logged_in(make_organizer(host, "host"))
    return logged_in(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def accepted_private(curator, proposal_network):
    proposal = proposal_network["potluck"]
    event = proposal_accept(
        proposal=proposal,
        user=curator,
        organization=proposal_network["union"],
        movement=proposal_network["fast_food"],
    )
    Event.objects.filter(pk=event.pk).update(
        status=EventStatus.PUBLISHED, visibility=EventVisibility.PRIVATE
    )
    return proposal, event, proposal_network["union"]


@pytest.mark.parametrize("who", VIEWERS)
def test_proposal_pages_link_a_private_event_only_for_those_who_manage_it(who, accepted_private):
    proposal, event, host = accepted_private
    client = viewer_client(who, host)

    pages = [client.get("/proposals/?status=accepted"), client.get(f"/proposals/{proposal.pk}/")]

    for page in pages:
        assert page.status_code == 200
        if who in MAY_SEE_PRIVATE:
            assertContains(page, event.get_absolute_url())
        else:
            assertNotContains(page, event.get_absolute_url())
            assertContains(page, "the hosts are preparing the event")


@pytest.mark.parametrize("who", VIEWERS)
def test_a_public_published_event_is_linked_for_everyone(who, accepted_private):
    proposal, event, host = accepted_private
    Event.objects.filter(pk=event.pk).update(visibility=EventVisibility.PUBLIC)

    page = viewer_client(who, host).get(f"/proposals/{proposal.pk}/")

    assertContains(page, event.get_absolute_url())


def test_linkable_for_is_the_rule():
    host = OrganizationFactory()
    public = EventFactory(hosts=[host])
    private = EventFactory(hosts=[host], visibility=EventVisibility.PRIVATE)
    draft = EventFactory(hosts=[host], status=EventStatus.DRAFT)
    cancelled = EventFactory(hosts=[host], status=EventStatus.CANCELLED)

    def linkable(user):
        return set(Event.objects.linkable_for(user))

    assert linkable(None) == {public, cancelled}
    assert linkable(make_organizer(OrganizationFactory(), "elsewhere")) == {public, cancelled}
    assert linkable(make_organizer(host, "host")) == {public, private, draft, cancelled}
    assert linkable(UserFactory(is_staff=True)) == {public, private, draft, cancelled}
