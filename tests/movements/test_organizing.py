"""Organizer requests (movements/organizing.py): asking, approving, declining, stepping
down, the mails each sends, the database's own guards, merging and erasing."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from movements.models import (
    Membership,
    MembershipRole,
    Organization,
    OrganizerRequest,
    OrganizerRequestStatus,
)
from movements.organizing import (
    AlreadyOrganizer,
    NeedsAccount,
    NotADecider,
    NotOrganizer,
    OrganizationUnavailable,
    OwnRequest,
    RequestAlreadyDecided,
    RequestAlreadyOpen,
    can_decide_organizer_request,
    organizer_request_approve,
    organizer_request_create,
    organizer_request_decline,
    organizer_step_down,
)
from movements.services import member_erase, organization_archive, organization_merge
from tests.factories import (
    MemberFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.helpers import make_organizer

pytestmark = pytest.mark.django_db

ASKER_EMAIL = "asa@people.example.org"


@pytest.fixture
def asker():
    """A signed-up member who organizes nothing: Asa."""
    return MemberFactory(
        key="m-asa", name="Asa Asker", email=ASKER_EMAIL, user=UserFactory(username="asa")
    )


def ask(asker, organization, note="I run the garden days.", *, capture=None):
    if capture is None:
        return organizer_request_create(member=asker, organization=organization, note=note)
    with capture(execute=True):
        return organizer_request_create(member=asker, organization=organization, note=note)


def sent() -> list[tuple[list[str], str]]:
    return [(message.to, message.subject) for message in mail.outbox]


# --- asking --------------------------------------------------------------------------------


def test_create_makes_one_open_request_and_mails_each_organizer(
    asker, organization, organizer, django_capture_on_commit_callbacks
):
    make_organizer(organization, "second", email="second@people.example.org")

    request = ask(asker, organization, capture=django_capture_on_commit_callbacks)

    assert (request.member, request.organization, request.status, request.note) == (
        asker,
        organization,
        OrganizerRequestStatus.OPEN,
        "I run the garden days.",
    )
    assert request.decided_at is None
    subject = "Asa Asker asks to organize for Organizers' Union"
    assert sent() == [
        (["m-organizer@people.example.org"], subject),
        (["second@people.example.org"], subject),
    ]
    body = mail.outbox[0].body
    assert "I run the garden days." in body
    assert "http://127.0.0.1:8000/organizations/organizers-union/organize/" in body
    assert ASKER_EMAIL not in body
    assert all(message.cc == message.bcc == message.reply_to == [] for message in mail.outbox)


def test_create_without_organizer_accounts_mails_the_curators_and_the_contact_address(
    asker, curator, django_capture_on_commit_callbacks
):
    roster_only = OrganizationFactory(slug="garden-collective", name="Garden Collective")
    # An organizer on the roster without a login is not an organizer account.
    MembershipFactory(organization=roster_only, role=MembershipRole.ORGANIZER)
    UserFactory(username="former-staff", is_staff=True, is_active=False)

    ask(asker, roster_only, capture=django_capture_on_commit_callbacks)

    subject = "Asa Asker asks to organize for Garden Collective"
    assert sent() == [
        (["curator@example.org"], subject),
        (["hello@garden-collective.example.org"], subject),
    ]
    curator_body, contact_body = (message.body for message in mail.outbox)
    assert "so the curators decide" in curator_body
    assert "sign up\nand ask here" in contact_body
    assert ASKER_EMAIL not in curator_body + contact_body


def test_create_strips_the_note_and_allows_none(asker, organization):
    request = ask(asker, organization, note="   ")

    assert request.note == ""


def test_create_needs_a_login(organization):
    roster_only = MemberFactory(key="m-roster")

    with pytest.raises(NeedsAccount, match="Only people with an account can ask to organize"):
        ask(roster_only, organization)

    assert OrganizerRequest.objects.count() == 0


def test_a_second_open_request_is_refused(asker, organization, organizer):
    ask(asker, organization)
    mail.outbox.clear()

    with pytest.raises(RequestAlreadyOpen) as error:
        ask(asker, organization, note="Again")

    assert str(error.value) == (
        "You asked to organize for Organizers' Union already; your request is waiting for a "
        "decision."
    )
    assert OrganizerRequest.objects.count() == 1
    assert mail.outbox == []


def test_the_database_keeps_one_open_request_per_person_and_organization(asker, organization):
    OrganizerRequest.objects.create(member=asker, organization=organization)

    with pytest.raises(IntegrityError):
        OrganizerRequest.objects.create(member=asker, organization=organization)


def test_the_database_wants_a_decision_time_on_decided_requests(asker, organization):
    with pytest.raises(IntegrityError):
        OrganizerRequest.objects.create(
            member=asker, organization=organization, status=OrganizerRequestStatus.DECLINED
        )


def test_a_declined_person_can_ask_again(asker, organization, organizer):
    first = ask(asker, organization)
    organizer_request_decline(request=first, by=organizer)

    second = ask(asker, organization, note="Now I know the group better.")

    assert second.pk != first.pk
    assert list(
        OrganizerRequest.objects.filter(member=asker).values_list("status", flat=True)
    ) == ["open", "declined"]


def test_an_organizer_cannot_ask_again(organization, organizer):
    with pytest.raises(AlreadyOrganizer, match="You organize for Organizers' Union already."):
        ask(organizer.member, organization)


def test_asking_for_an_archived_organization_is_refused(asker, organization):
    organization_archive(organization=organization)

    with pytest.raises(OrganizationUnavailable):
        ask(asker, organization)

    assert OrganizerRequest.objects.count() == 0


# --- deciding ------------------------------------------------------------------------------


def test_approve_makes_an_organizer_from_today_and_mails_the_person(
    asker, organization, organizer, django_capture_on_commit_callbacks
):
    request = ask(asker, organization)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        request = organizer_request_approve(request=request, by=organizer)

    assert (request.status, request.decided_by) == (OrganizerRequestStatus.APPROVED, organizer)
    assert request.decided_at is not None
    assert list(
        Membership.objects.filter(member=asker).values_list("organization", "role", "since")
    ) == [(organization.pk, "organizer", timezone.localdate())]
    assert sent() == [([ASKER_EMAIL], "You organize for Organizers' Union")]
    assert "was approved" in mail.outbox[0].body
    assert organizer.member.name not in mail.outbox[0].body  # who decided stays theirs


def test_approve_turns_an_ongoing_membership_into_an_organizers(asker, organization, organizer):
    ongoing = MembershipFactory(member=asker, organization=organization, role="member")
    ended = MembershipFactory(
        member=asker,
        organization=organization,
        since=datetime.date(2010, 1, 1),
        until=datetime.date(2012, 1, 1),
    )
    request = ask(asker, organization)

    organizer_request_approve(request=request, by=organizer)

    assert list(
        Membership.objects.filter(member=asker).order_by("pk").values_list("pk", "role", "until")
    ) == [(ongoing.pk, "organizer", None), (ended.pk, "member", datetime.date(2012, 1, 1))]
    ongoing.refresh_from_db()
    assert ongoing.since == datetime.date(2020, 1, 1)


def test_approve_leaves_someone_who_organizes_already_as_they_are(asker, organization, organizer):
    request = ask(asker, organization)
    MembershipFactory(member=asker, organization=organization, role=MembershipRole.LEADER)

    organizer_request_approve(request=request, by=organizer)

    assert list(Membership.objects.filter(member=asker).values_list("role", flat=True)) == [
        "leader"
    ]


def test_decline_mails_the_person_and_gives_no_membership(
    asker, organization, organizer, django_capture_on_commit_callbacks
):
    request = ask(asker, organization)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        request = organizer_request_decline(request=request, by=organizer)

    assert (request.status, request.decided_by) == (OrganizerRequestStatus.DECLINED, organizer)
    assert not Membership.objects.filter(member=asker).exists()
    assert sent() == [([ASKER_EMAIL], "Your request to organize for Organizers' Union")]
    assert "was declined" in mail.outbox[0].body
    assert "ask again" in mail.outbox[0].body


def test_curators_decide_any_request(asker, organization, curator):
    request = ask(asker, organization)

    organizer_request_approve(request=request, by=curator)

    assert Membership.objects.get(member=asker).role == "organizer"


@pytest.mark.parametrize("decide", [organizer_request_approve, organizer_request_decline])
def test_an_organizer_of_another_organization_cannot_decide(asker, organization, decide):
    request = ask(asker, organization)
    stranger = make_organizer(OrganizationFactory(slug="elsewhere"), "stranger")

    with pytest.raises(NotADecider, match="Only organizers of Organizers' Union and curators"):
        decide(request=request, by=stranger)

    request.refresh_from_db()
    assert request.status == OrganizerRequestStatus.OPEN
    assert not Membership.objects.filter(member=asker).exists()


@pytest.mark.parametrize("decide", [organizer_request_approve, organizer_request_decline])
def test_nobody_decides_their_own_request(asker, organization, curator, decide):
    # A curator who asks to organize (by membership) needs another decider too.
    own = ask(MemberFactory(key="m-curator", user=curator), organization)

    with pytest.raises(OwnRequest, match="You cannot decide your own request"):
        decide(request=own, by=curator)

    own.refresh_from_db()
    assert own.status == OrganizerRequestStatus.OPEN


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (organizer_request_approve, organizer_request_approve, "was approved already"),
        (organizer_request_approve, organizer_request_decline, "was approved already"),
        (organizer_request_decline, organizer_request_approve, "was declined already"),
    ],
)
def test_deciding_twice_is_refused(asker, organization, organizer, first, second, message):
    request = ask(asker, organization)
    first(request=request, by=organizer)
    decided = OrganizerRequest.objects.values_list("status", "decided_at").get()
    mail.outbox.clear()

    with pytest.raises(RequestAlreadyDecided, match=message):
        second(request=request, by=organizer)

    assert OrganizerRequest.objects.values_list("status", "decided_at").get() == decided
    assert mail.outbox == []


def test_approving_for_an_archived_organization_is_refused(asker, organization, curator):
    request = ask(asker, organization)
    organization_archive(organization=organization)

    with pytest.raises(OrganizationUnavailable, match="Decline the request instead"):
        organizer_request_approve(request=request, by=curator)

    organizer_request_decline(request=request, by=curator)  # declining still works


def test_who_may_decide(asker, organization, organizer, curator, member_user):
    request = ask(asker, organization)

    assert [
        can_decide_organizer_request(user, request)
        for user in (organizer, curator, member_user, asker.user, None)
    ] == [True, True, False, False, False]


# --- stepping down -------------------------------------------------------------------------


def test_step_down_turns_the_organizer_back_into_a_member(organization, organizer):
    membership = organizer_step_down(member=organizer.member, organization=organization)

    assert (membership.role, membership.until) == (MembershipRole.MEMBER, None)
    assert list(Membership.objects.filter(member=organizer.member).values_list("role")) == [
        ("member",)
    ]
    assert not Organization.objects.managed_by(organizer).exists()


def test_a_leader_steps_down_too(organization):
    leader = MemberFactory(key="m-leader", user=UserFactory(username="leader"))
    MembershipFactory(member=leader, organization=organization, role=MembershipRole.LEADER)

    organizer_step_down(member=leader, organization=organization)

    assert Membership.objects.get(member=leader).role == "member"


def test_step_down_without_organizing_is_refused(asker, organization):
    MembershipFactory(member=asker, organization=organization, role="member")

    with pytest.raises(NotOrganizer, match="You do not organize for Organizers' Union."):
        organizer_step_down(member=asker, organization=organization)


def test_after_stepping_down_one_asks_like_anyone(organization, organizer):
    organizer_step_down(member=organizer.member, organization=organization)

    request = ask(organizer.member, organization)

    assert request.status == OrganizerRequestStatus.OPEN


# --- merging and erasing -------------------------------------------------------------------


def test_merge_carries_requests_along_and_keeps_one_open_per_person(asker, organization):
    duplicate = OrganizationFactory(slug="organizers-union-2", name="Organizers Union")
    third = OrganizationFactory(slug="organizers-union-3", name="The Organizers' Union")
    kept_open = ask(asker, organization)
    ask(asker, duplicate)  # the same ask twice: dropped
    other = MemberFactory(key="m-other", user=UserFactory(username="other"))
    earliest = ask(other, duplicate)
    ask(other, third)  # later than the one on the duplicate: dropped
    declined = OrganizerRequest.objects.create(
        member=asker,
        organization=third,
        status=OrganizerRequestStatus.DECLINED,
        decided_at=timezone.now(),
    )

    summary = organization_merge(keep=organization, duplicates=[duplicate, third])

    assert (summary.organizer_requests, summary.combined_organizer_requests) == (4, 2)
    assert sorted(OrganizerRequest.objects.values_list("pk", "organization", "status")) == sorted(
        [
            (kept_open.pk, organization.pk, "open"),
            (earliest.pk, organization.pk, "open"),
            (declined.pk, organization.pk, "declined"),
        ]
    )


def test_erasing_a_member_deletes_their_requests(asker, organization):
    ask(asker, organization)

    member_erase(member=asker)

    assert OrganizerRequest.objects.count() == 0
