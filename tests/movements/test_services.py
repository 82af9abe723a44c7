import datetime

import pytest
from django.utils import timezone

from movements.models import (
    Engagement,
    Membership,
    MembershipRole,
    Organization,
    Participation,
    ParticipationRole,
)
from movements.services import (
    MergeError,
    MergeSummary,
    movement_archive,
    movement_unarchive,
    organization_archive,
    organization_merge,
    organization_unarchive,
)
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def test_organization_merge_moves_all_history_and_deletes_the_duplicate():
    keep, duplicate = OrganizationFactory(), OrganizationFactory()
    participation = ParticipationFactory(organization=duplicate)
    membership = MembershipFactory(organization=duplicate)
    engagement = EngagementFactory(organization=duplicate)

    summary = organization_merge(keep=keep, duplicates=[duplicate])

    assert summary == MergeSummary(
        organization=keep,
        merged=(duplicate,),
        participations=1,
        memberships=1,
        engagements=1,
        combined_participations=0,
        combined_memberships=0,
    )
    assert list(Participation.objects.values_list("pk", "organization")) == [
        (participation.pk, keep.pk)
    ]
    assert list(Membership.objects.values_list("pk", "organization")) == [(membership.pk, keep.pk)]
    assert list(Engagement.objects.values_list("pk", "organization")) == [(engagement.pk, keep.pk)]
    assert list(Organization.objects.all()) == [keep]


def test_organization_merge_folds_several_duplicates():
    keep = OrganizationFactory()
    first, second = OrganizationFactory(), OrganizationFactory()
    ParticipationFactory(organization=first)
    ParticipationFactory(organization=second)
    MembershipFactory(organization=second)

    organization_merge(keep=keep, duplicates=[first, second])

    assert Participation.objects.filter(organization=keep).count() == 2
    assert Membership.objects.filter(organization=keep).count() == 1
    assert list(Organization.objects.all()) == [keep]


def test_organization_merge_summary_counts_what_moved_and_what_was_combined():
    movement, member = MovementFactory(), MemberFactory()
    keep = OrganizationFactory()
    first, second = OrganizationFactory(), OrganizationFactory()
    ParticipationFactory(organization=keep, movement=movement)
    ParticipationFactory(organization=first, movement=movement)
    ParticipationFactory(organization=second, movement=movement)
    ParticipationFactory(organization=second)
    MembershipFactory(organization=keep, member=member)
    MembershipFactory(organization=second, member=member)
    EngagementFactory.create_batch(3, organization=first)

    summary = organization_merge(keep=keep, duplicates=[second, first])

    assert summary.organization == keep
    assert summary.merged == (second, first)
    assert (summary.participations, summary.memberships, summary.engagements) == (3, 1, 3)
    assert (summary.combined_participations, summary.combined_memberships) == (2, 1)
    assert summary.combined == 3
    assert Participation.objects.filter(organization=keep).count() == 2
    assert Membership.objects.filter(organization=keep).count() == 1


def test_organization_merge_fills_only_empty_fields_from_the_first_duplicate_that_has_them():
    oakland, berkeley = RegionFactory(), RegionFactory()
    keep = OrganizationFactory(description="", website="", contact_email="keep@example.org")
    first = OrganizationFactory(description="", website="https://first.example.org")
    second = OrganizationFactory(
        description="Second's story",
        website="https://second.example.org",
        founded_on=datetime.date(1999, 5, 1),
        region=berkeley,
    )
    keep.region = oakland
    keep.save()

    organization_merge(keep=keep, duplicates=[first, second])

    keep.refresh_from_db()
    assert keep.description == "Second's story"
    assert keep.website == "https://first.example.org"
    assert keep.contact_email == "keep@example.org"
    assert keep.founded_on == datetime.date(1999, 5, 1)
    assert keep.region == oakland


def test_organization_merge_fills_an_empty_region():
    region = RegionFactory()
    keep, duplicate = OrganizationFactory(), OrganizationFactory(region=region)

    organization_merge(keep=keep, duplicates=[duplicate])

    keep.refresh_from_db()
    assert keep.region == region


def test_organization_merge_combines_open_participations_in_the_same_movement():
    movement = MovementFactory()
    keep, duplicate = OrganizationFactory(), OrganizationFactory()
    kept = ParticipationFactory(
        organization=keep,
        movement=movement,
        role=ParticipationRole.ALLY,
        since=datetime.date(2021, 1, 1),
    )
    ParticipationFactory(
        organization=duplicate,
        movement=movement,
        role=ParticipationRole.LEAD,
        since=datetime.date(2019, 6, 1),
    )

    organization_merge(keep=keep, duplicates=[duplicate])

    assert list(
        Participation.objects.values_list("pk", "organization", "movement", "role", "since")
    ) == [(kept.pk, keep.pk, movement.pk, ParticipationRole.LEAD, datetime.date(2019, 6, 1))]


def test_organization_merge_combines_open_memberships_of_the_same_person():
    member = MemberFactory()
    keep, duplicate = OrganizationFactory(), OrganizationFactory()
    kept = MembershipFactory(
        member=member,
        organization=keep,
        role=MembershipRole.ORGANIZER,
        since=datetime.date(2018, 1, 1),
    )
    MembershipFactory(
        member=member,
        organization=duplicate,
        role=MembershipRole.MEMBER,
        since=datetime.date(2020, 1, 1),
    )

    organization_merge(keep=keep, duplicates=[duplicate])

    assert list(Membership.objects.values_list("pk", "organization", "role", "since")) == [
        (kept.pk, keep.pk, MembershipRole.ORGANIZER, datetime.date(2018, 1, 1))
    ]


def test_organization_merge_combines_open_rows_shared_by_two_duplicates_only():
    member = MemberFactory()
    keep = OrganizationFactory()
    first, second = OrganizationFactory(), OrganizationFactory()
    survivor = MembershipFactory(
        member=member, organization=first, role=MembershipRole.MEMBER, since=None
    )
    MembershipFactory(
        member=member,
        organization=second,
        role=MembershipRole.LEADER,
        since=datetime.date(2022, 3, 1),
    )

    summary = organization_merge(keep=keep, duplicates=[first, second])

    assert (summary.memberships, summary.combined_memberships, summary.combined) == (2, 1, 1)
    # An unknown start date counts as later than a known one.
    assert list(Membership.objects.values_list("pk", "organization", "role", "since")) == [
        (survivor.pk, keep.pk, MembershipRole.LEADER, datetime.date(2022, 3, 1))
    ]


def test_organization_merge_keeps_closed_rows_beside_an_open_one():
    movement = MovementFactory()
    keep, duplicate = OrganizationFactory(), OrganizationFactory()
    ParticipationFactory(organization=keep, movement=movement)
    ParticipationFactory(
        organization=duplicate,
        movement=movement,
        since=datetime.date(2010, 1, 1),
        until=datetime.date(2012, 1, 1),
    )

    organization_merge(keep=keep, duplicates=[duplicate])

    assert list(
        Participation.objects.filter(organization=keep)
        .order_by("since")
        .values_list("since", "until")
    ) == [
        (datetime.date(2010, 1, 1), datetime.date(2012, 1, 1)),
        (datetime.date(2020, 1, 1), None),
    ]


def test_organization_merge_refuses_an_empty_list_of_duplicates():
    keep = OrganizationFactory(name="Keepers")

    with pytest.raises(MergeError) as error:
        organization_merge(keep=keep, duplicates=[])

    assert str(error.value) == "Choose at least one organization to merge into “Keepers”."


def test_organization_merge_refuses_to_merge_an_organization_into_itself():
    keep, duplicate = OrganizationFactory(name="Keepers"), OrganizationFactory()
    ParticipationFactory(organization=duplicate)

    with pytest.raises(MergeError) as error:
        organization_merge(keep=keep, duplicates=[duplicate, keep])

    assert str(error.value) == "“Keepers” cannot be merged into itself."
    assert Organization.objects.count() == 2
    assert Participation.objects.get().organization == duplicate


def test_organization_merge_refuses_a_duplicate_that_no_longer_exists():
    keep, duplicate = OrganizationFactory(), OrganizationFactory()
    gone = OrganizationFactory()
    ParticipationFactory(organization=duplicate)
    Organization.objects.filter(pk=gone.pk).delete()

    with pytest.raises(MergeError):
        organization_merge(keep=keep, duplicates=[duplicate, gone])

    assert Participation.objects.get().organization == duplicate


def test_movement_archive_sets_archived_at_once():
    movement = MovementFactory()

    before = timezone.now()
    movement_archive(movement=movement)
    archived_at = movement.archived_at
    movement_archive(movement=movement)

    movement.refresh_from_db()
    assert movement.archived_at == archived_at
    assert before <= archived_at <= timezone.now()


def test_movement_unarchive_clears_archived_at():
    movement = MovementFactory(archived_at=timezone.now())

    movement_unarchive(movement=movement)

    movement.refresh_from_db()
    assert movement.archived_at is None


def test_organization_archive_and_unarchive():
    organization = OrganizationFactory(active=True)

    organization_archive(organization=organization)
    organization.refresh_from_db()
    assert organization.archived_at is not None
    assert organization.active is False

    organization_unarchive(organization=organization)
    organization.refresh_from_db()
    assert organization.archived_at is None
    assert organization.active is True


def test_organization_merge_moves_hosted_events_to_the_kept_organization():
    keep, first, second = (OrganizationFactory() for _ in range(3))
    shared = EventFactory(hosts=[keep, first])
    only_first = EventFactory(hosts=[first])
    both_duplicates = EventFactory(hosts=[first, second])
    elsewhere = OrganizationFactory()
    untouched = EventFactory(hosts=[elsewhere])

    organization_merge(keep=keep, duplicates=[first, second])

    hosts = {
        event.slug: list(event.hosts.values_list("pk", flat=True))
        for event in (shared, only_first, both_duplicates, untouched)
    }
    assert hosts == {
        shared.slug: [keep.pk],
        only_first.slug: [keep.pk],
        both_duplicates.slug: [keep.pk],
        untouched.slug: [elsewhere.pk],
    }
    assert list(keep.hosted_events.order_by("pk")) == [shared, only_first, both_duplicates]
