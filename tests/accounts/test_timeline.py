"""A person's engagement timeline on /me/ (accounts/selectors.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.selectors import TimelineEntry, member_timeline
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    RSVPFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def test_member_timeline_lists_memberships_engagements_and_attended_events_in_order():
    member = MemberFactory()
    organization = OrganizationFactory(name="Garden Collective", slug="garden")
    movement = MovementFactory(name="Food Justice", slug="food-justice")
    archived = MovementFactory(name="Old Campaign", archived_at=timezone.now())
    MembershipFactory(
        member=member, organization=organization, role="organizer", since=D(2019, 3, 1)
    )
    EngagementFactory(
        member=member, movement=movement, organization=organization, role="volunteer",
        since=D(2019, 3, 1), source="import",
    )  # fmt: skip
    EngagementFactory(member=member, movement=archived, since=None, until=D(2018, 1, 1))
    starts = datetime.datetime(2024, 5, 4, 18, 0, tzinfo=timezone.get_current_timezone())
    attended = EventFactory(
        title="Garden Potluck", slug="garden-potluck", starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3), movements=[movement],
    )  # fmt: skip
    RSVPFactory(event=attended, member=member, checked_in_at=starts)
    RSVPFactory(event=EventFactory(movements=[movement]), member=member)
    EngagementFactory(movement=movement, since=D(2010, 1, 1))  # someone else's

    with CaptureQueriesContext(connection) as queries:
        timeline = member_timeline(member)

    assert len(queries) == 3
    assert timeline == [
        TimelineEntry(
            kind="engagement", since=None, until=D(2018, 1, 1), title="Old Campaign", url=None,
            role="Participant", source="Entered by hand",
        ),
        TimelineEntry(
            kind="membership", since=D(2019, 3, 1), until=None, title="Garden Collective",
            url="/organizations/garden/", role="Organizer",
        ),
        TimelineEntry(
            kind="engagement", since=D(2019, 3, 1), until=None, title="Food Justice",
            url="/movements/food-justice/", role="Volunteer", through="Garden Collective",
            source="Imported roster",
        ),
        TimelineEntry(
            kind="event", since=D(2024, 5, 4), until=D(2024, 5, 4), title="Garden Potluck",
            url="/events/garden-potluck/", role="Potluck",
        ),
    ]  # fmt: skip
    assert [entry.ongoing for entry in timeline] == [False, True, True, False]


def test_member_timeline_is_empty_for_a_new_member():
    assert member_timeline(MemberFactory()) == []
