"""/me/ and organizer access: "Requests to decide" for organizers and curators, "My
requests to organize" for the person asking, and the requests in /me/data.json."""

import datetime

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from movements.models import Membership, OrganizerRequestStatus
from movements.organizing import organizer_request_create, organizer_request_decline
from tests.factories import MemberFactory, OrganizationFactory, UserFactory
from tests.helpers import logged_in, make_organizer

pytestmark = pytest.mark.django_db

NOTE = "I keep the tool shed and would like to run the spring potluck."


@pytest.fixture
def asker():
    return MemberFactory(
        key="m-asa",
        name="Asa Asker",
        email="asa@people.example.org",
        user=UserFactory(username="asa"),
    )


@pytest.fixture
def waiting(asker, organization):
    return organizer_request_create(member=asker, organization=organization, note=NOTE)


def section(response, title_id: str) -> str:
    content = response.content.decode()
    start = content.index(f'aria-labelledby="{title_id}"')
    return content[start : content.index("</section>", start)]


def test_an_organizer_sees_the_requests_to_decide_with_buttons(organizer_client, waiting):
    response = organizer_client.get("/me/")

    decide = section(response, "requests-to-decide-title")
    assert "Asa Asker" in decide
    assert NOTE in decide
    assert f'action="/organizer-requests/{waiting.pk}/approve/"' in decide
    assert f'action="/organizer-requests/{waiting.pk}/decline/"' in decide
    assert '<input type="hidden" name="next" value="/me/">' in decide
    assert "asa@people.example.org" not in response.content.decode()


def test_a_curator_sees_every_open_request_but_their_own(curator_client, curator, waiting):
    elsewhere = OrganizationFactory(slug="elsewhere", name="Elsewhere Collective")
    organizer_request_create(
        member=MemberFactory(key="m-curator", name="Cura Tor", user=curator),
        organization=elsewhere,
    )

    decide = section(curator_client.get("/me/"), "requests-to-decide-title")

    assert "Asa Asker" in decide
    assert "Cura Tor" not in decide


@pytest.mark.parametrize("who", ["member", "other organizer"])
def test_others_have_no_requests_to_decide(member_client, waiting, who):
    if who == "member":
        c = member_client
    else:
        c = logged_in(make_organizer(OrganizationFactory(slug="elsewhere"), "elsewhere"))

    response = c.get("/me/")

    if who == "member":
        assertNotContains(response, "Requests to decide")
    else:  # an organizer sees the section, empty
        assert "Nobody is waiting for a decision" in section(response, "requests-to-decide-title")
    assertNotContains(response, "Asa Asker")


def test_approving_from_me_comes_back_to_me(organizer_client, asker, waiting):
    response = organizer_client.post(
        f"/organizer-requests/{waiting.pk}/approve/", {"next": "/me/"}, follow=True
    )

    assert response.redirect_chain == [("/me/", 302)]
    assertContains(response, "Approved: Asa Asker organizes for Organizers&#x27; Union now.")
    decide = section(response, "requests-to-decide-title")
    assert "Nobody is waiting for a decision on a request to organize." in decide
    assert "Asa Asker" not in decide
    assert Membership.objects.get(member=asker).role == "organizer"


def test_the_person_sees_their_requests_and_the_outcome(asker, organizer, waiting):
    client = logged_in(asker.user)

    mine = section(client.get("/me/"), "organizer-requests-title")
    assert '<a href="/organizations/organizers-union/">Organizers&#x27; Union</a>' in mine
    assert '<span class="status status--open">Waiting for a decision</span>' in mine

    organizer_request_decline(request=waiting, by=organizer)

    mine = section(client.get("/me/"), "organizer-requests-title")
    assert '<span class="status status--declined">Declined</span>' in mine


def test_no_request_sections_for_a_member_with_none(member_client):
    response = member_client.get("/me/")

    assertNotContains(response, "My requests to organize")
    assertNotContains(response, "Requests to decide")


def test_my_data_lists_my_requests_without_who_decided(asker, organizer, waiting):
    organizer_request_decline(request=waiting, by=organizer)
    waiting.refresh_from_db()

    data = logged_in(asker.user).get("/me/data.json").json()

    assert data["organizer_requests"] == [
        {
            "organization": "organizers-union",
            "organization_name": "Organizers' Union",
            "note": NOTE,
            "status": OrganizerRequestStatus.DECLINED,
            "created_at": waiting.created_at.astimezone(datetime.UTC).isoformat(),
            "decided_at": waiting.decided_at.astimezone(datetime.UTC).isoformat(),
        }
    ]
