"""The organizer requests API (/api/organizer-requests/): asking, listing, approving and
declining, each refusal, who sees the name of the person asking, query counts."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.fields import DateTimeField
from rest_framework.test import APIClient

from movements.models import Membership, OrganizerRequest, OrganizerRequestStatus
from movements.organizing import organizer_request_create, organizer_request_decline
from movements.services import organization_archive
from tests.factories import MemberFactory, OrganizationFactory, UserFactory
from tests.helpers import error_codes, make_organizer

pytestmark = pytest.mark.django_db

URL = "/api/organizer-requests/"
NOTE = "I run the Saturday garden days."
ASKER_EMAIL = "asa@people.example.org"
ORG = "organizers-union"
# A JSON body with a lone surrogate in the note (the test client cannot encode one).
SURROGATE = '{"organization": "organizers-union", "note": "\\ud800"}'


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def asker():
    return MemberFactory(
        key="m-asa", name="Asa Asker", email=ASKER_EMAIL, user=UserFactory(username="asa")
    )


@pytest.fixture
def waiting(asker, organization):
    return organizer_request_create(member=asker, organization=organization, note=NOTE)


@pytest.fixture
def other_organizer():
    return make_organizer(OrganizationFactory(slug="elsewhere", name="Elsewhere"), "elsewhere")


def snapshot() -> list:
    return [
        list(OrganizerRequest.objects.order_by("pk").values_list("pk", "status", "decided_at")),
        list(Membership.objects.order_by("pk").values_list("pk", "role", "until")),
    ]


def shown(request: OrganizerRequest, **changes) -> dict:
    request.refresh_from_db()
    return {
        "id": request.pk,
        "organization": request.organization.slug,
        "member": request.member.name,
        "note": request.note,
        "status": request.status,
        "created_at": response_time(request.created_at),
        "decided_at": response_time(request.decided_at),
        **changes,
    }


def response_time(moment):
    """A datetime as DRF writes it (the current time zone, ISO 8601)."""
    return DateTimeField().to_representation(moment) if moment else None


# --- asking --------------------------------------------------------------------------------


def test_anonymous_callers_get_401_with_the_token_hint(organization):
    for response in (api().get(URL), api().post(URL, {"organization": organization.slug})):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    assert OrganizerRequest.objects.count() == 0


def test_asking_makes_a_request_and_mails_the_organizers(
    asker, organization, organizer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(asker.user).post(
            URL, {"organization": organization.slug, "note": NOTE}, format="json"
        )

    assert response.status_code == 201
    request = OrganizerRequest.objects.get()
    assert response.json() == shown(request)
    assert response.json()["status"] == "open"
    assert [message.to for message in mail.outbox] == [["m-organizer@people.example.org"]]


def test_asking_with_a_token_needs_no_csrf_token(asker, organization):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=asker.user).key}")

    response = client.post(URL, {"organization": organization.slug}, format="json")

    assert response.status_code == 201


def test_asking_with_the_session_needs_the_csrf_token(asker, organization):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(asker.user)

    response = client.post(URL, {"organization": organization.slug}, format="json")

    assert response.status_code == 403
    assert OrganizerRequest.objects.count() == 0


def test_a_second_open_request_is_409(asker, waiting):
    before = snapshot()

    response = api(asker.user).post(URL, {"organization": "organizers-union"}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "You asked to organize for Organizers' Union already; your request is "
        "waiting for a decision."
    }
    assert snapshot() == before


def test_asking_again_after_a_decline_is_201(asker, organizer, waiting):
    organizer_request_decline(request=waiting, by=organizer)

    response = api(asker.user).post(URL, {"organization": "organizers-union"}, format="json")

    assert response.status_code == 201
    assert OrganizerRequest.objects.filter(member=asker).count() == 2


def test_an_organizer_asking_again_is_409(organizer, organization):
    response = api(organizer).post(URL, {"organization": organization.slug}, format="json")

    assert response.json() == {"detail": "You organize for Organizers' Union already."}
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"organization": ["required"]}),
        ({"organization": "no-such-org"}, {"organization": ["does_not_exist"]}),
        ({"organization": "archived"}, {"organization": ["does_not_exist"]}),
        ({"organization": ["organizers-union"]}, {"organization": ["invalid"]}),
        ({"organization": ORG, "note": "x" * 501}, {"note": ["max_length"]}),
        ({"organization": ORG, "note": "nul\x00"}, {"note": ["null_characters_not_allowed"]}),
        ({"organization": ORG, "note": None}, {"note": ["null"]}),
        (SURROGATE, {"note": ["surrogate_characters_not_allowed"]}),
    ],
)  # fmt: skip
def test_bad_bodies_are_400_and_change_nothing(member_user, organization, body, expected):
    organization_archive(organization=OrganizationFactory(slug="archived"))

    if isinstance(body, str):
        response = api(member_user).post(URL, body, content_type="application/json")
    else:
        response = api(member_user).post(URL, body, format="json")

    assert response.status_code == 400
    assert error_codes(response.data) == expected
    assert OrganizerRequest.objects.count() == 0


def test_an_unknown_organization_is_named(member_user):
    response = api(member_user).post(URL, {"organization": "no-such-org"}, format="json")

    assert response.json() == {"organization": ["No organization “no-such-org”."]}


# --- listing -------------------------------------------------------------------------------


def test_the_list_holds_my_own_and_those_i_decide(asker, organization, organizer, waiting):
    elsewhere = OrganizationFactory(slug="elsewhere-too")
    mine = organizer_request_create(member=organizer.member, organization=elsewhere)

    as_organizer = api(organizer).get(URL).json()
    as_asker = api(asker.user).get(URL).json()

    assert [item["id"] for item in as_organizer["results"]] == [mine.pk, waiting.pk]
    assert as_organizer["results"][1] == shown(waiting)
    assert as_asker == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [shown(waiting)],
    }
    assert ASKER_EMAIL not in str(as_organizer)


def test_curators_list_every_request(curator, waiting):
    assert [item["member"] for item in api(curator).get(URL).json()["results"]] == ["Asa Asker"]


@pytest.mark.parametrize("who", ["member", "other organizer"])
def test_others_list_nothing(member_user, other_organizer, waiting, who):
    user = member_user if who == "member" else other_organizer

    assert api(user).get(URL).json()["results"] == []


def test_the_list_runs_a_fixed_number_of_queries(organizer, organization):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api(organizer).get(URL).status_code == 200
        return len(queries)

    organizer_request_create(
        member=MemberFactory(key="m-0", user=UserFactory(username="u0")),
        organization=organization,
    )
    few = count()
    for i in range(1, 8):
        organizer_request_create(
            member=MemberFactory(key=f"m-{i}", user=UserFactory(username=f"u{i}")),
            organization=organization,
        )

    # the managed organizations (names), the count and the page (with people)
    assert count() == few == 3


# --- deciding ------------------------------------------------------------------------------


def test_approving_makes_an_organizer_and_mails_the_person(
    asker, organizer, waiting, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = api(organizer).post(f"{URL}{waiting.pk}/approve/")

    assert response.status_code == 200
    assert response.json() == shown(waiting, status="approved")
    assert response.json()["decided_at"] is not None
    assert Membership.objects.get(member=asker).role == "organizer"
    assert [message.to for message in mail.outbox] == [[ASKER_EMAIL]]


def test_declining_mails_the_person(organizer, waiting, django_capture_on_commit_callbacks):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = api(organizer).post(f"{URL}{waiting.pk}/decline/")

    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert [message.subject for message in mail.outbox] == [
        "Your request to organize for Organizers' Union"
    ]


def test_curators_decide(curator, waiting):
    assert api(curator).post(f"{URL}{waiting.pk}/approve/").status_code == 200


@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_deciding_refusals(member_user, other_organizer, asker, waiting, decision):
    url = f"{URL}{waiting.pk}/{decision}/"
    before = snapshot()

    assert api().post(url).status_code == 401
    # Those who may not see the request get exactly what an unknown id gets.
    unknown = api(member_user).post(f"{URL}999999/{decision}/")
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"detail": "No OrganizerRequest matches the given query."},
    )
    for user in (member_user, other_organizer):
        response = api(user).post(url)
        assert (response.status_code, response.json()) == (404, unknown.json())
    own = api(asker.user).post(url)
    assert (own.status_code, own.json()) == (
        403,
        {"detail": "You cannot decide your own request; another organizer or a curator will."},
    )
    assert snapshot() == before  # fmt: skip


@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_deciding_twice_is_409(organizer, curator, waiting, decision):
    assert api(curator).post(f"{URL}{waiting.pk}/approve/").status_code == 200
    before = snapshot()

    response = api(organizer).post(f"{URL}{waiting.pk}/{decision}/")

    assert (response.status_code, response.json()) == (
        409,
        {"detail": "This request was approved already."},
    )
    assert snapshot() == before


def test_approving_for_an_archived_organization_is_409(curator, organization, waiting):
    organization_archive(organization=organization)

    response = api(curator).post(f"{URL}{waiting.pk}/approve/")

    assert response.status_code == 409
    waiting.refresh_from_db()
    assert waiting.status == OrganizerRequestStatus.OPEN


def test_deciding_is_post_only(organizer, waiting):
    assert api(organizer).get(f"{URL}{waiting.pk}/approve/").status_code == 405
