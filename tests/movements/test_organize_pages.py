"""Organizer access on the site: the "Ask to organize" box of an organization's page, the
organize page (ask; decide), deciding by POST, stepping down."""

import pytest
from django.core import mail
from pytest_django.asserts import assertContains, assertNotContains

from movements.models import Membership, OrganizerRequest, OrganizerRequestStatus
from movements.organizing import organizer_request_create, organizer_request_decline
from movements.services import organization_archive
from tests.factories import MemberFactory, OrganizationFactory, UserFactory
from tests.helpers import logged_in, make_organizer

pytestmark = pytest.mark.django_db

ORG = "/organizations/organizers-union/"
ORGANIZE = "/organizations/organizers-union/organize/"
STEP_DOWN = "/organizations/organizers-union/step-down/"
NOTE = "I run the garden days on Saturdays."
ASKER = "Asa Asker"
ASKER_EMAIL = "asa@people.example.org"


@pytest.fixture
def asker():
    return MemberFactory(
        key="m-asa", name=ASKER, email=ASKER_EMAIL, user=UserFactory(username="asa")
    )


@pytest.fixture
def asker_client(asker):
    return logged_in(asker.user)


@pytest.fixture
def waiting(asker, organization):
    """Asa's open request to organize for the Organizers' Union."""
    return organizer_request_create(member=asker, organization=organization, note=NOTE)


def snapshot() -> list:
    return [
        list(OrganizerRequest.objects.order_by("pk").values_list("pk", "status", "note")),
        list(Membership.objects.order_by("pk").values_list("pk", "role", "until")),
    ]


# --- the organization's page ---------------------------------------------------------------


def test_organization_page_asks_anonymous_visitors_to_log_in(client, organization):
    response = client.get(ORG)

    assertContains(
        response,
        '<a href="/accounts/login/?next=/organizations/organizers-union/organize/">Log in</a>',
    )
    assertNotContains(response, "Ask to organize for")


def test_organization_page_offers_a_member_to_ask(member_client, organization):
    response = member_client.get(ORG)

    assertContains(
        response,
        f'<a class="button" href="{ORGANIZE}">Ask to organize for Organizers&#x27; Union</a>',
        html=True,
    )


def test_organization_page_says_a_request_is_waiting(asker_client, waiting):
    response = asker_client.get(ORG)

    assertContains(response, "Your request is waiting")
    assertNotContains(response, "Ask to organize for")


def test_organization_page_offers_its_organizers_to_step_down(organizer_client, organization):
    response = organizer_client.get(ORG)

    assertContains(response, "You organize for Organizers&#x27; Union.")
    assertContains(response, f'<a href="{STEP_DOWN}">Step down as organizer</a>', html=True)
    assertNotContains(response, "Ask to organize for")


def test_organization_page_asks_another_organizations_organizer_too(organization):
    other = logged_in(make_organizer(OrganizationFactory(slug="elsewhere"), "elsewhere"))

    assertContains(other.get(ORG), "Ask to organize for")


@pytest.mark.parametrize("who", ["anonymous", "member", "organizer"])
def test_organization_page_never_names_the_person_asking(
    client, member_client, organizer_client, waiting, who
):
    c = {"anonymous": client, "member": member_client, "organizer": organizer_client}[who]

    content = c.get(ORG).content.decode()

    assert ASKER not in content
    assert ASKER_EMAIL not in content
    assert NOTE not in content


# --- asking --------------------------------------------------------------------------------


def test_organize_page_sends_anonymous_visitors_to_log_in(client, organization):
    response = client.get(ORGANIZE)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next={ORGANIZE}",
    )


@pytest.mark.parametrize("slug", ["no-such-organization", "archived"])
def test_organize_page_of_an_unknown_or_archived_organization_is_404(member_client, slug):
    organization_archive(organization=OrganizationFactory(slug="archived"))

    assert member_client.get(f"/organizations/{slug}/organize/").status_code == 404


def test_organize_page_shows_the_form_and_who_will_read_it(member_client, organization):
    response = member_client.get(ORGANIZE)

    assert response.status_code == 200
    assertContains(response, '<textarea name="note"')
    assertContains(response, "They see your name and your note, never your email address.")


def test_asking_makes_a_request_mails_the_organizers_and_goes_back(
    asker_client, asker, organization, organizer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = asker_client.post(ORGANIZE, {"note": NOTE}, follow=True)

    assert response.redirect_chain == [(ORG, 302)]
    assertContains(response, "Your request to organize for Organizers&#x27; Union is on its way.")
    assertContains(response, "Your request is waiting")
    assert list(OrganizerRequest.objects.values_list("member", "status", "note")) == [
        (asker.pk, "open", NOTE)
    ]
    assert [message.to for message in mail.outbox] == [["m-organizer@people.example.org"]]


def test_a_user_without_a_member_record_can_ask(member_client, member_user, organization):
    response = member_client.post(ORGANIZE, {"note": ""})

    assert response.status_code == 302
    assert OrganizerRequest.objects.get().member.user == member_user


def test_asking_twice_is_409_with_the_reason(asker_client, waiting):
    before = snapshot()

    response = asker_client.post(ORGANIZE, {"note": "Again"})

    assert response.status_code == 409
    assertContains(
        response,
        "You asked to organize for Organizers&#x27; Union already; your request is waiting",
        status_code=409,
    )
    assert snapshot() == before


def test_an_organizer_asking_is_409(organizer_client, organization):
    response = organizer_client.post(ORGANIZE, {"note": ""})

    assertContains(response, "You organize for Organizers&#x27; Union already.", status_code=409)
    assert OrganizerRequest.objects.count() == 0


def test_a_note_too_long_is_400_and_changes_nothing(member_client, organization):
    response = member_client.post(ORGANIZE, {"note": "x" * 501})

    assertContains(
        response, "Ensure this value has at most 500 characters (it has 501).", status_code=400
    )
    assert OrganizerRequest.objects.count() == 0


def test_the_organize_page_shows_a_waiting_request_without_the_form(asker_client, waiting):
    response = asker_client.get(ORGANIZE)

    assertContains(response, "Your request is waiting")
    assertContains(response, NOTE)
    assertNotContains(response, '<textarea name="note"')


# --- deciding ------------------------------------------------------------------------------


def test_deciders_see_the_open_requests_on_the_organize_page(organizer_client, waiting):
    response = organizer_client.get(ORGANIZE)

    assertContains(response, "Requests to decide")
    assertContains(response, ASKER)
    assertContains(response, NOTE)
    assertContains(response, f'action="/organizer-requests/{waiting.pk}/approve/"')
    assertContains(response, f'action="/organizer-requests/{waiting.pk}/decline/"')
    assertNotContains(response, ASKER_EMAIL)


@pytest.mark.parametrize("who", ["member", "other organizer"])
def test_others_do_not_see_the_requests_on_the_organize_page(member_client, waiting, who):
    if who == "member":
        c = member_client
    else:
        c = logged_in(make_organizer(OrganizationFactory(slug="elsewhere"), "elsewhere"))

    response = c.get(ORGANIZE)

    assertNotContains(response, "Requests to decide")
    assertNotContains(response, ASKER)


def test_approving_on_the_site_makes_an_organizer_and_goes_back(
    organizer_client, asker, waiting, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            f"/organizer-requests/{waiting.pk}/approve/", {"next": "/me/"}
        )

    assert (response.status_code, response["Location"]) == (302, "/me/")
    assert Membership.objects.get(member=asker).role == "organizer"
    assert [message.to for message in mail.outbox] == [[ASKER_EMAIL]]
    page = logged_in(asker.user).get(ORG)
    assertContains(page, "You organize for Organizers&#x27; Union.")


def test_declining_on_the_site_goes_back_to_the_organize_page(
    organizer_client, asker, waiting, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            f"/organizer-requests/{waiting.pk}/decline/", {"next": "https://evil.example/"}
        )

    assert (response.status_code, response["Location"]) == (302, ORGANIZE)
    waiting.refresh_from_db()
    assert waiting.status == OrganizerRequestStatus.DECLINED
    assert [message.subject for message in mail.outbox] == [
        "Your request to organize for Organizers' Union"
    ]


@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_deciding_refusals(client, member_client, asker_client, waiting, decision):
    url = f"/organizer-requests/{waiting.pk}/{decision}/"
    other = logged_in(make_organizer(OrganizationFactory(slug="elsewhere"), "elsewhere"))
    before = snapshot()

    anonymous = client.post(url)
    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        f"/accounts/login/?next={url}",
    )
    # Those who may not see the request get what an unknown id gets.
    assert member_client.post(url).status_code == 404
    assert other.post(url).status_code == 404
    assert member_client.post("/organizer-requests/999999/approve/").status_code == 404
    # The person asking sees it, but does not decide it.
    assert asker_client.post(url).status_code == 403
    assert asker_client.get(url).status_code == 405
    assert snapshot() == before


def test_deciding_a_decided_request_is_409_with_the_reason(organizer_client, organizer, waiting):
    organizer_request_decline(request=waiting, by=organizer)
    before = snapshot()

    response = organizer_client.post(f"/organizer-requests/{waiting.pk}/approve/")

    assertContains(response, "This request was declined already.", status_code=409)
    assert snapshot() == before


# --- stepping down -------------------------------------------------------------------------


def test_step_down_asks_first_then_steps_down(organizer_client, organizer):
    page = organizer_client.get(STEP_DOWN)
    assertContains(page, "Step down as organizer?")

    response = organizer_client.post(STEP_DOWN, follow=True)

    assert response.redirect_chain == [(ORG, 302)]
    assertContains(response, "You no longer organize for Organizers&#x27; Union")
    assert Membership.objects.get(member=organizer.member).role == "member"


@pytest.mark.parametrize("method", ["get", "post"])
def test_step_down_refusals(client, member_client, curator_client, organization, method):
    before = snapshot()

    anonymous = getattr(client, method)(STEP_DOWN)
    assert anonymous["Location"] == f"/accounts/login/?next={STEP_DOWN}"
    assert getattr(member_client, method)(STEP_DOWN).status_code == 403
    # Curators decide requests; they step down only from what they organize themselves.
    assert getattr(curator_client, method)(STEP_DOWN).status_code == 403
    assert snapshot() == before
