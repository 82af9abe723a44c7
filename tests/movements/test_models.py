import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from movements.models import Member, Movement, Organization, Tension
from tests.factories import (
    EngagementFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [ParticipationFactory, MembershipFactory, EngagementFactory],
    ids=lambda f: f.__name__,
)
def test_until_before_since_is_refused_by_the_database(factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(since=datetime.date(2020, 5, 1), until=datetime.date(2020, 4, 30))


def test_same_day_engagement_is_allowed():
    engagement = EngagementFactory(
        since=datetime.date(2020, 5, 1), until=datetime.date(2020, 5, 1)
    )
    assert engagement.pk is not None


def test_a_member_has_one_open_membership_per_organization():
    membership = MembershipFactory(until=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(member=membership.member, organization=membership.organization)


def test_a_closed_membership_does_not_block_a_new_open_one():
    closed = MembershipFactory(until=datetime.date(2021, 1, 1))
    reopened = MembershipFactory(
        member=closed.member, organization=closed.organization, since=datetime.date(2022, 1, 1)
    )
    assert reopened.pk is not None


def test_slugs_are_unique():
    MovementFactory(slug="fight-for-15")
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.create(name="Another", slug="fight-for-15")


def test_tension_pair_is_stored_in_one_order():
    first, second = MovementFactory(), MovementFactory()
    tension = Tension.objects.create(movement_a=second, movement_b=first, note="Prices.")
    assert (tension.movement_a_id, tension.movement_b_id) == (first.pk, second.pk)
    assert list(Tension.objects.between(second, first)) == [tension]


def test_with_counts_counts_distinct_people_engaged_today(today):
    movement = MovementFactory()
    twice = MemberFactory()
    EngagementFactory(movement=movement, member=twice)
    EngagementFactory(movement=movement, member=twice, since=datetime.date(2021, 1, 1))
    EngagementFactory(movement=movement)
    EngagementFactory(movement=movement, until=datetime.date(2021, 1, 1))  # ended
    ParticipationFactory(movement=movement)
    ParticipationFactory(movement=movement, until=datetime.date(2021, 1, 1))  # ended

    annotated = Movement.objects.with_counts(on=today).get(pk=movement.pk)

    assert (annotated.people_count, annotated.organization_count) == (2, 1)


def test_in_region_includes_child_regions():
    bay_area = RegionFactory(slug="bay-area")
    oakland = RegionFactory(slug="oakland", parent=bay_area)
    in_oakland = MovementFactory(regions=[oakland])
    MovementFactory(regions=[RegionFactory(slug="fresno")])

    assert list(Movement.objects.in_region(bay_area)) == [in_oakland]


def test_archived_organizations_leave_the_visible_directory():
    kept = OrganizationFactory()
    OrganizationFactory(archived_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    assert list(Organization.objects.visible()) == [kept]


def test_member_for_user_is_the_users_member_record():
    member = MemberFactory(user=UserFactory())

    assert Member.objects.for_user(member.user) == member


def test_member_for_user_is_none_without_one_and_creates_none():
    user = UserFactory()

    assert Member.objects.for_user(user) is None
    assert Member.objects.for_user(AnonymousUser()) is None
    assert Member.objects.count() == 0
