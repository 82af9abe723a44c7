import datetime

import pytest
from django.db import IntegrityError, transaction

from events.models import RSVP, Event
from events.permissions import can_manage_event, is_organizer
from movements.models import Organization
from movements.services import member_for_user
from tests.factories import (
    EventFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    RSVPFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

_MINUTE = datetime.timedelta(minutes=1)


def test_event_must_end_after_it_starts():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_at=event.starts_at)


def test_capacity_is_at_least_one_or_empty():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(capacity=0)
    Event.objects.filter(pk=event.pk).update(capacity=None)


def test_one_rsvp_per_member_per_event():
    rsvp = RSVPFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RSVPFactory(event=rsvp.event, member=rsvp.member)


def test_going_count_includes_guests_and_skips_other_statuses():
    event = EventFactory()
    RSVPFactory(event=event, guests=2)
    RSVPFactory(event=event)
    RSVPFactory(event=event, status="waitlisted")
    RSVPFactory(event=event, status="cancelled", guests=5)

    annotated = Event.objects.with_going_count().get(pk=event.pk)

    assert (annotated.going_count, annotated.waitlist_count) == (4, 1)


def test_listed_and_upcoming_events(now):
    EventFactory(slug="later", starts_at=now + datetime.timedelta(days=9))
    EventFactory(slug="sooner", starts_at=now + datetime.timedelta(days=2))
    EventFactory(slug="draft", status="draft")
    EventFactory(slug="private", visibility="private")
    EventFactory(slug="over", starts_at=now - datetime.timedelta(days=2))
    EventFactory(slug="running", starts_at=now - datetime.timedelta(hours=1))

    upcoming = Event.objects.listed().upcoming(now)

    assert [e.slug for e in upcoming] == ["running", "sooner", "later"]


def test_organizers_manage_events_of_their_organizations_only():
    host, other = OrganizationFactory(), OrganizationFactory()
    event = EventFactory(hosts=[host])
    organizer, member, outsider = UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(member=MemberFactory(user=organizer), organization=host, role="organizer")
    MembershipFactory(member=MemberFactory(user=member), organization=host, role="member")
    MembershipFactory(member=MemberFactory(user=outsider), organization=other, role="leader")
    curator = UserFactory(is_staff=True)

    assert [can_manage_event(u, event) for u in (organizer, member, outsider, curator)] == [
        True,
        False,
        False,
        True,
    ]
    assert list(Organization.objects.managed_by(organizer)) == [host]
    assert (is_organizer(organizer), is_organizer(member)) == (True, False)


def test_an_ended_organizer_membership_no_longer_manages():
    host = OrganizationFactory()
    event = EventFactory(hosts=[host])
    former = UserFactory()
    MembershipFactory(
        member=MemberFactory(user=former),
        organization=host,
        role="organizer",
        until=datetime.date(2024, 1, 1),
    )

    assert can_manage_event(former, event) is False


def test_member_for_user_creates_a_private_member_once():
    user = UserFactory(username="newcomer", first_name="Ana", last_name="Ruiz")

    first = member_for_user(user=user)
    second = member_for_user(user=user)

    assert first == second
    assert (first.name, first.email, first.visibility, first.key) == (
        "Ana Ruiz",
        "newcomer@example.org",
        "private",
        f"user-{user.pk}",
    )


# --- RSVPQuerySet reads --------------------------------------------------------------------


def test_rsvp_ahead_of_is_the_queue_before_it_by_time_then_pk(now):
    event = EventFactory(capacity=1)
    moment = now
    earlier = RSVPFactory(event=event, status="waitlisted", created_at=moment - _MINUTE)
    tie_first = RSVPFactory(event=event, status="waitlisted", created_at=moment)
    tie_second = RSVPFactory(event=event, status="waitlisted", created_at=moment)
    later = RSVPFactory(event=event, status="waitlisted", created_at=moment + _MINUTE)
    RSVPFactory(status="waitlisted", created_at=moment - _MINUTE)  # another event

    ahead = {rsvp.pk: set(RSVP.objects.ahead_of(rsvp)) for rsvp in (earlier, tie_second, later)}

    assert ahead == {
        earlier.pk: set(),
        tie_second.pk: {earlier, tie_first},
        later.pk: {earlier, tie_first, tie_second},
    }


def test_rsvp_ahead_of_chains_with_status(now):
    event = EventFactory(capacity=1)
    moment = now
    RSVPFactory(event=event, status="going", created_at=moment - 2 * _MINUTE)
    first = RSVPFactory(event=event, status="waitlisted", created_at=moment - _MINUTE)
    RSVPFactory(event=event, status="cancelled", created_at=moment - _MINUTE)
    second = RSVPFactory(event=event, status="waitlisted", created_at=moment)

    assert list(RSVP.objects.waitlisted().ahead_of(second)) == [first]
    assert RSVP.objects.waitlisted().ahead_of(first).count() == 0


def test_rsvp_going_by_movement_counts_people_going_per_event_and_movement():
    first, second = MovementFactory(), MovementFactory()
    event = EventFactory(movements=[first, second])
    other = EventFactory(movements=[first])
    RSVPFactory.create_batch(2, event=event, movement=first, guests=3)
    RSVPFactory(event=event, movement=second)
    RSVPFactory(event=event, movement=second, status="waitlisted")
    RSVPFactory(event=event, movement=second, status="cancelled")
    RSVPFactory(event=event, movement=None)
    RSVPFactory(event=other, movement=first)

    counts = RSVP.objects.filter(event=event).going_by_movement()

    assert counts == {(event.pk, first.pk): 2, (event.pk, second.pk): 1}
    assert RSVP.objects.going_by_movement() == {
        (event.pk, first.pk): 2,
        (event.pk, second.pk): 1,
        (other.pk, first.pk): 1,
    }
