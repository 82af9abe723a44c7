"""Organizer requests under simultaneous requests: what only PostgreSQL can show (row locks,
the conditional unique constraint racing). Skipped on SQLite."""

import pytest
from django.db import connection

from movements.models import Membership, OrganizerRequest, OrganizerRequestStatus
from movements.organizing import (
    RequestAlreadyDecided,
    RequestAlreadyOpen,
    organizer_request_approve,
    organizer_request_create,
    organizer_request_decline,
)
from tests.factories import MemberFactory, OrganizationFactory, UserFactory
from tests.helpers import make_organizer, run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL row locks; this run uses {connection.vendor} "
            "(set DATABASE_URL=postgres://… to run it)"
        )


def test_asking_five_times_at_once_makes_one_request():
    organization = OrganizationFactory()
    asker = MemberFactory(user=UserFactory(username="asa"))

    _, errors = run_at_once(
        [
            lambda: organizer_request_create(member=asker, organization=organization)
            for _ in range(5)
        ]
    )

    assert [type(error) for error in errors] == [RequestAlreadyOpen] * 4
    assert OrganizerRequest.objects.count() == 1


def test_two_deciders_at_once_decide_once():
    organization = OrganizationFactory()
    first = make_organizer(organization, "first")
    second = make_organizer(organization, "second")
    asker = MemberFactory(user=UserFactory(username="asa"))
    request = organizer_request_create(member=asker, organization=organization)

    _, errors = run_at_once(
        [
            lambda: organizer_request_approve(request=request, by=first),
            lambda: organizer_request_decline(request=request, by=second),
        ]
    )

    assert [type(error) for error in errors] == [RequestAlreadyDecided]
    request.refresh_from_db()
    approved = request.status == OrganizerRequestStatus.APPROVED
    assert Membership.objects.filter(member=asker).exists() is approved
