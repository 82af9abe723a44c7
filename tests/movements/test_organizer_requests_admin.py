"""Organizer requests in the admin: the list, and the approve and decline actions, which go
through movements/organizing.py (its rules, its mails)."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from movements.models import Membership, Organization, OrganizerRequest, OrganizerRequestStatus
from movements.organizing import organizer_request_create, organizer_request_decline
from tests.factories import MemberFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/movements/organizerrequest/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def asks(key: str, name: str, organization, note: str = "") -> OrganizerRequest:
    member = MemberFactory(key=key, name=name, user=UserFactory(username=key))
    return organizer_request_create(member=member, organization=organization, note=note)


@pytest.fixture
def requests(organization):
    return [
        asks("m-asa", "Asa Asker", organization, "Garden days."),
        asks("m-bea", "Bea Asker", organization),
    ]


def test_changelist_lists_and_filters_by_status(curator_client, curator, requests):
    organizer_request_decline(request=requests[0], by=curator)

    response = curator_client.get(CHANGELIST, {"status__exact": "open"})

    assert response.status_code == 200
    assert [str(r) for r in response.context["cl"].result_list] == [
        "Bea Asker asks to organize for Organizers' Union"
    ]


def test_changelist_is_for_curators_only(member_client, requests):
    response = member_client.get(CHANGELIST)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/admin/login/?next={CHANGELIST}",
    )


def test_requests_are_not_added_in_the_admin(curator_client):
    assert curator_client.get(f"{CHANGELIST}add/").status_code == 403


def test_approve_action_goes_through_the_service(
    curator_client, requests, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            CHANGELIST,
            {"action": "approve", "_selected_action": [r.pk for r in requests]},
        )

    assert (response.status_code, response["Location"]) == (302, CHANGELIST)
    assert messages_of(response) == ["Approved 2 organizer requests; each person is told by mail."]
    assert sorted(Membership.objects.values_list("member__key", "role")) == [
        ("m-asa", "organizer"),
        ("m-bea", "organizer"),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "m-asa@people.example.org",
        "m-bea@people.example.org",
    ]


def test_decline_action_reports_what_it_could_not_decide(curator_client, curator, organization):
    own = organizer_request_create(
        member=MemberFactory(key="m-curator", user=curator), organization=organization
    )
    other = asks("m-bea", "Bea Asker", organization)

    response = curator_client.post(
        CHANGELIST, {"action": "decline", "_selected_action": [own.pk, other.pk]}
    )

    assert messages_of(response) == [
        "Declined 1 organizer request; each person is told by mail.",
        f"{own}: You cannot decide your own request; another organizer or a curator will.",
    ]
    assert dict(OrganizerRequest.objects.values_list("pk", "status")) == {
        own.pk: OrganizerRequestStatus.OPEN,
        other.pk: OrganizerRequestStatus.DECLINED,
    }


def test_approve_action_from_the_change_page(curator_client, requests):
    url = reverse("admin:movements_organizerrequest_change", args=[requests[1].pk])

    response = curator_client.post(
        url, {"CHANGE_FORM-action": "approve", "_selected_action": [requests[1].pk]}
    )

    assert response.status_code == 302
    requests[1].refresh_from_db()
    assert requests[1].status == OrganizerRequestStatus.APPROVED


def test_merge_message_counts_the_requests_moved(curator_client):
    keep = OrganizationFactory(name="Food Not Bombs")
    duplicate = OrganizationFactory(name="FNB")
    MembershipFactory(organization=duplicate)
    asks("m-asa", "Asa Asker", keep)
    asks("m-asa-2", "Asa Again", duplicate)

    response = curator_client.post(
        "/admin/movements/organization/",
        {
            "action": "merge",
            "_selected_action": [keep.pk, duplicate.pk],
            "keep": keep.pk,
            "post": "yes",
        },
    )

    assert messages_of(response) == [
        "Merged “FNB” into “Food Not Bombs”: moved 0 participations, 1 membership and 0 "
        "engagements. 1 organizer request moved along."
    ]
    assert list(Organization.objects.all()) == [keep]
    assert OrganizerRequest.objects.filter(organization=keep).count() == 2
