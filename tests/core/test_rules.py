"""The rules that must never drift, each in its one home: who is a curator
(``core.roles``), which people-count may be shown (``core.privacy``), small text helpers
(``core.text``), role strength and "running" (``movements.models``), who organizes for an
organization, and who may see a private event's address (``events.permissions``)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from core import privacy
from core.roles import is_curator
from core.text import iso, join_names, percent
from events.models import EventVisibility
from events.permissions import can_see_address
from movements.models import (
    Engagement,
    MembershipRole,
    Organization,
    ParticipationRole,
)
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MembershipFactory,
    OrganizationFactory,
    RSVPFactory,
    UserFactory,
)

D = datetime.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"is_staff": True, "is_active": True}, True),
        ({"is_staff": True, "is_active": False}, False),
        ({"is_staff": False, "is_active": True}, False),
    ],
)
def test_a_curator_is_an_active_staff_user(fields, expected):
    assert is_curator(UserFactory(**fields)) is expected


def test_nobody_signed_out_is_a_curator():
    assert (is_curator(None), is_curator(AnonymousUser())) == (False, False)


@override_settings(COALITION_MIN_DISCLOSED_COUNT=5)
@pytest.mark.parametrize(
    ("count", "curator", "shown", "label"),
    [
        (0, False, None, "fewer than 5 people"),
        (4, False, None, "fewer than 5 people"),
        (5, False, 5, "5 people"),
        (1234, False, 1234, "1,234 people"),
        (1, True, 1, "1 person"),
        (0, True, 0, "0 people"),
        (None, False, None, "fewer than 5 people"),
    ],
)
def test_a_people_count_is_withheld_below_the_threshold_except_for_curators(
    count, curator, shown, label
):
    assert privacy.disclosed(count, curator=curator) == shown
    assert privacy.withheld(count, curator=curator) is (shown is None)
    assert privacy.people_label(count, curator=curator) == label


@override_settings(COALITION_MIN_DISCLOSED_COUNT=10)
def test_the_threshold_is_a_setting():
    assert privacy.fewer_than("active members") == "fewer than 10 active members"
    assert privacy.disclosed(9, curator=False) is None


def test_text_helpers():
    assert [join_names([]), join_names(["a"]), join_names(["a", "b"])] == ["", "a", "a and b"]
    assert join_names(["a", "b", "c"]) == "a, b and c"
    assert iso(None) is None
    assert iso(D(2026, 5, 1)) == "2026-05-01"
    pacific = datetime.timezone(datetime.timedelta(hours=-7))
    assert iso(datetime.datetime(2026, 5, 1, 18, tzinfo=pacific)) == "2026-05-02T01:00:00+00:00"
    assert percent(0.256) == "26%"


def test_roles_rank_strongest_first():
    assert [role.rank for role in ParticipationRole] == [0, 1, 2]
    assert [MembershipRole(v).rank for v in ("leader", "organizer", "member")] == [0, 1, 2]
    assert ParticipationRole.rank_of("nonsense") == len(ParticipationRole)


@pytest.mark.django_db
def test_running_is_one_definition_for_windows_days_and_ongoing_rows():
    ended = EngagementFactory(since=D(2020, 1, 1), until=D(2020, 12, 31))
    ongoing = EngagementFactory(since=D(2021, 6, 1), until=None)
    undated = EngagementFactory(since=None, until=None)
    later = EngagementFactory(since=D(2030, 1, 1), until=None)

    def ids(queryset):
        return set(queryset.values_list("pk", flat=True))

    rows = Engagement.objects.all()
    assert ids(rows.ongoing_on(D(2020, 6, 1))) == {ended.pk, undated.pk}
    assert ids(rows.running(D(2020, 12, 31), D(2021, 6, 1))) == {ended.pk, ongoing.pk, undated.pk}
    assert ids(rows.running(D(2021, 1, 1))) == {ongoing.pk, undated.pk, later.pk}
    running = {row.pk: row.running for row in rows.with_running(D(2021, 1, 1))}
    assert running == {ended.pk: False, ongoing.pk: True, undated.pk: True, later.pk: True}


@pytest.mark.django_db
def test_managed_by_is_ongoing_organizer_or_leader_memberships_and_everything_for_curators():
    user = UserFactory()
    member = MemberFactory(user=user)
    organizing, leading, past, plain = OrganizationFactory.create_batch(4)
    MembershipFactory(member=member, organization=organizing, role=MembershipRole.ORGANIZER)
    MembershipFactory(member=member, organization=leading, role=MembershipRole.LEADER)
    MembershipFactory(
        member=member, organization=past, role=MembershipRole.ORGANIZER, until=D(2020, 1, 1)
    )
    MembershipFactory(member=member, organization=plain, role=MembershipRole.MEMBER)

    assert set(Organization.objects.managed_by(user)) == {organizing, leading}
    assert list(Organization.objects.managed_by(AnonymousUser())) == []
    curator = UserFactory(is_staff=True)
    assert Organization.objects.managed_by(curator).count() == 4


@pytest.mark.django_db
def test_a_private_events_address_is_for_people_going_and_its_managers():
    private = EventFactory(visibility=EventVisibility.PRIVATE)
    public = EventFactory()
    going, stranger = UserFactory(), UserFactory()
    RSVPFactory(event=private, member=MemberFactory(user=going))

    assert can_see_address(AnonymousUser(), public) is True
    assert can_see_address(AnonymousUser(), private) is False
    assert can_see_address(stranger, private) is False
    assert can_see_address(going, private) is True
    assert can_see_address(UserFactory(is_staff=True), private) is True
