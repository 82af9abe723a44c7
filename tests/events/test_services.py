import datetime
import zoneinfo

import pytest
from django.core import mail
from django.db import transaction
from django.forms import modelform_factory
from django.utils import timezone

from events.models import RSVP, Event, EventStatus, RSVPStatus
from events.services import (
    CheckInClosed,
    EventError,
    EventSlugUnavailable,
    RSVPClosed,
    RSVPNotAllowed,
    _lock_event,
    event_cancel,
    event_create,
    event_publish,
    event_update,
    rsvp_cancel,
    rsvp_check_in,
    rsvp_create,
)
from movements.models import Engagement, EngagementRole, EngagementSource
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MovementFactory,
    RSVPFactory,
    UserFactory,
    next_year,
)

pytestmark = pytest.mark.django_db

GOING, WAITLISTED, CANCELLED = RSVPStatus.GOING, RSVPStatus.WAITLISTED, RSVPStatus.CANCELLED


def statuses(event: Event) -> list[tuple[str, str, int]]:
    """(member key, status, guests) of every RSVP, in queue order."""
    return list(
        RSVP.objects.filter(event=event)
        .in_queue_order()
        .values_list("member__key", "status", "guests")
    )


def fill(event: Event, count: int) -> list[RSVP]:
    return [rsvp_create(event=event, member=MemberFactory()) for _ in range(count)]


# --- rsvp_create ---------------------------------------------------------------------------


def test_rsvp_create_is_going_when_it_fits():
    event = EventFactory(capacity=2)
    member = MemberFactory(key="m-a")

    rsvp = rsvp_create(event=event, member=member)

    assert rsvp.status == GOING
    assert statuses(event) == [("m-a", GOING, 0)]


def test_rsvp_create_owns_its_transaction_and_refuses_to_nest():
    event = EventFactory()

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        rsvp_create(event=event, member=MemberFactory())

    assert RSVP.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_event_row_is_only_locked_inside_a_transaction():
    event = EventFactory()

    with pytest.raises(RuntimeError, match="only be locked inside a transaction"):
        _lock_event(event)


def test_rsvp_create_is_waitlisted_when_full():
    event = EventFactory(capacity=2)
    fill(event, 2)

    rsvp = rsvp_create(event=event, member=MemberFactory())

    assert rsvp.status == WAITLISTED
    assert RSVP.objects.filter(event=event).going().count() == 2


def test_rsvp_create_counts_guests_against_capacity():
    event = EventFactory(capacity=4)
    first = rsvp_create(event=event, member=MemberFactory(), guests=2)

    second = rsvp_create(event=event, member=MemberFactory(), guests=1)
    third = rsvp_create(event=event, member=MemberFactory(), guests=0)

    assert (first.status, second.status, third.status) == (GOING, WAITLISTED, GOING)
    assert Event.objects.with_going_count().get(pk=event.pk).going_count == 4


def test_rsvp_create_fills_the_last_place_exactly():
    event = EventFactory(capacity=3)

    rsvp = rsvp_create(event=event, member=MemberFactory(), guests=2)

    assert rsvp.status == GOING


def test_rsvp_create_without_capacity_is_always_going():
    event = EventFactory(capacity=None)

    rsvps = [rsvp_create(event=event, member=MemberFactory(), guests=20) for _ in range(30)]

    assert {rsvp.status for rsvp in rsvps} == {GOING}


def test_rsvp_create_twice_returns_the_same_rsvp_unchanged():
    event = EventFactory(capacity=5)
    member = MemberFactory()
    first = rsvp_create(event=event, member=member, guests=1)

    second = rsvp_create(event=event, member=member, guests=1)

    assert second.pk == first.pk
    assert second.created_at == first.created_at
    assert RSVP.objects.filter(event=event).count() == 1


def test_rsvp_create_twice_keeps_a_waitlisted_rsvp_in_its_place():
    event = EventFactory(capacity=1)
    fill(event, 1)
    member = MemberFactory()
    first = rsvp_create(event=event, member=member)

    second = rsvp_create(event=event, member=member)

    assert (second.pk, second.status, second.created_at) == (
        first.pk,
        WAITLISTED,
        first.created_at,
    )


def test_rsvp_create_again_with_more_guests_that_fit_updates_them():
    event = EventFactory(capacity=5)
    member = MemberFactory()
    rsvp_create(event=event, member=member, guests=1)

    rsvp = rsvp_create(event=event, member=member, guests=4)

    assert (rsvp.status, rsvp.guests) == (GOING, 4)


def test_rsvp_create_again_with_more_guests_than_fit_is_refused_and_changes_nothing():
    event = EventFactory(capacity=5)
    fill(event, 3)
    member = MemberFactory()
    rsvp_create(event=event, member=member, guests=0)

    with pytest.raises(RSVPNotAllowed, match="room for 1 guest with you"):
        rsvp_create(event=event, member=member, guests=2)

    assert RSVP.objects.get(event=event, member=member).guests == 0


def test_rsvp_create_again_with_fewer_guests_promotes_the_waitlist(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=3)
    member = MemberFactory()
    rsvp_create(event=event, member=member, guests=2)
    waiting = rsvp_create(event=event, member=MemberFactory(key="m-wait"))

    with django_capture_on_commit_callbacks(execute=True):
        rsvp_create(event=event, member=member, guests=0)

    waiting.refresh_from_db()
    assert waiting.status == GOING
    assert [message.to for message in mail.outbox] == [["m-wait@people.example.org"]]


@pytest.mark.parametrize(
    ("capacity", "guests", "message"),
    [
        (3, 3, "This event has 3 places; a party of 4 can never fit."),
        (1, 1, "This event has 1 place; a party of 2 can never fit."),
    ],
)
def test_rsvp_create_refuses_a_party_that_can_never_fit(capacity, guests, message):
    event = EventFactory(capacity=capacity)

    with pytest.raises(RSVPNotAllowed) as refused:
        rsvp_create(event=event, member=MemberFactory(), guests=guests)

    assert str(refused.value) == message
    assert RSVP.objects.count() == 0


def test_rsvp_create_again_with_a_party_that_can_never_fit_is_refused_going_or_waitlisted():
    event = EventFactory(capacity=3)
    going = rsvp_create(event=event, member=MemberFactory(key="m-going"), guests=1)
    waiting = rsvp_create(event=event, member=MemberFactory(key="m-wait"), guests=1)

    for rsvp in (going, waiting):
        with pytest.raises(RSVPNotAllowed, match="^This event has 3 places; a party of 4 can"):
            rsvp_create(event=event, member=rsvp.member, guests=3)

    assert statuses(event) == [("m-going", GOING, 1), ("m-wait", WAITLISTED, 1)]


def test_a_party_waitlisted_before_the_capacity_was_lowered_below_it_keeps_waiting():
    event = EventFactory(capacity=4)
    rsvp_create(event=event, member=MemberFactory(key="m-going"))
    waiting = rsvp_create(event=event, member=MemberFactory(key="m-big"), guests=3)
    Event.objects.filter(pk=event.pk).update(capacity=2)

    again = rsvp_create(event=event, member=waiting.member, guests=3)

    assert (again.pk, again.status) == (waiting.pk, WAITLISTED)
    assert statuses(event) == [("m-going", GOING, 0), ("m-big", WAITLISTED, 3)]


def test_a_waitlisted_rsvp_with_fewer_guests_that_now_fit_is_promoted_at_once(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=3, title="Soup night")
    rsvp_create(event=event, member=MemberFactory(key="m-going"), guests=1)
    waiting = rsvp_create(event=event, member=MemberFactory(key="m-wait"), guests=1)

    with django_capture_on_commit_callbacks(execute=True):
        rsvp = rsvp_create(event=event, member=waiting.member, guests=0)

    assert (rsvp.pk, rsvp.status, rsvp.guests) == (waiting.pk, GOING, 0)
    assert statuses(event) == [("m-going", GOING, 1), ("m-wait", GOING, 0)]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["m-wait@people.example.org"], "You're in: Soup night")
    ]


def test_a_waitlisted_rsvp_with_fewer_guests_that_still_do_not_fit_keeps_waiting(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=3)
    rsvp_create(event=event, member=MemberFactory(key="m-going"), guests=1)
    waiting = rsvp_create(event=event, member=MemberFactory(key="m-wait"), guests=2)

    with django_capture_on_commit_callbacks(execute=True):
        rsvp = rsvp_create(event=event, member=waiting.member, guests=1)

    assert (rsvp.status, rsvp.guests) == (WAITLISTED, 1)
    assert mail.outbox == []


def test_a_waitlisted_rsvp_with_fewer_guests_is_promoted_by_the_waitlists_own_rule():
    # One place free; the earlier party (two places) still does not fit, so the later
    # one that now fits in one place goes, as when a place is freed by a cancellation.
    event = EventFactory(capacity=4)
    rsvp_create(event=event, member=MemberFactory(key="m-going"), guests=2)
    rsvp_create(event=event, member=MemberFactory(key="m-pair"), guests=1)
    later = rsvp_create(event=event, member=MemberFactory(key="m-later"), guests=2)

    rsvp_create(event=event, member=later.member, guests=0)

    assert statuses(event) == [
        ("m-going", GOING, 2),
        ("m-pair", WAITLISTED, 1),
        ("m-later", GOING, 0),
    ]


def test_a_waitlisted_rsvp_with_fewer_guests_does_not_pass_an_earlier_party_that_fits():
    event = EventFactory(capacity=2)
    rsvp_create(event=event, member=MemberFactory(key="m-going"))
    rsvp_create(event=event, member=MemberFactory(key="m-early"), guests=1)
    later = rsvp_create(event=event, member=MemberFactory(key="m-later"), guests=1)
    # Two places free, without a promotion (a direct change to the database).
    Event.objects.filter(pk=event.pk).update(capacity=3)

    rsvp = rsvp_create(event=event, member=later.member, guests=0)

    assert rsvp.status == WAITLISTED
    assert statuses(event) == [
        ("m-going", GOING, 0),
        ("m-early", GOING, 1),
        ("m-later", WAITLISTED, 0),
    ]


def test_rsvp_create_after_cancelling_goes_to_the_back_of_the_queue():
    event = EventFactory(capacity=1)
    fill(event, 1)
    member = MemberFactory(key="m-back")
    rsvp = rsvp_create(event=event, member=member)
    later = rsvp_create(event=event, member=MemberFactory(key="m-later"))
    rsvp_cancel(rsvp=rsvp)

    again = rsvp_create(event=event, member=member)

    assert again.pk == rsvp.pk
    assert again.status == WAITLISTED
    assert again.created_at > later.created_at
    assert [key for key, *_ in statuses(event)][1:] == ["m-later", "m-back"]


def test_rsvp_create_after_cancelling_is_going_when_a_place_is_free():
    event = EventFactory(capacity=2)
    rsvp = rsvp_create(event=event, member=MemberFactory())
    rsvp_cancel(rsvp=rsvp)

    again = rsvp_create(event=event, member=rsvp.member, guests=1)

    assert (again.pk, again.status, again.guests) == (rsvp.pk, GOING, 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "draft"}, "is not published yet"),
        ({"status": "cancelled"}, "has been cancelled"),
        ({"starts_at": timezone.now() - datetime.timedelta(minutes=1)}, "has already started"),
    ],
    ids=["draft", "cancelled", "started"],
)
def test_rsvp_create_is_refused_when_the_event_is_closed(changes, message):
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(**changes)

    with pytest.raises(RSVPClosed, match=message):
        rsvp_create(event=event, member=MemberFactory())

    assert RSVP.objects.count() == 0


@pytest.mark.parametrize("guests", [-1, 21])
def test_rsvp_create_refuses_a_bad_guest_count(guests):
    event = EventFactory()

    with pytest.raises(RSVPNotAllowed, match="from 0 to 20"):
        rsvp_create(event=event, member=MemberFactory(), guests=guests)

    assert RSVP.objects.count() == 0


def test_rsvp_create_records_the_given_movement():
    first, second = MovementFactory(), MovementFactory()
    event = EventFactory(movements=[first, second])

    rsvp = rsvp_create(event=event, member=MemberFactory(), movement=second)

    assert rsvp.movement == second


def test_rsvp_create_refuses_a_movement_that_is_not_the_events():
    event = EventFactory()
    other = MovementFactory(name="Elsewhere")

    with pytest.raises(RSVPNotAllowed, match="“Elsewhere” is not one of the movements"):
        rsvp_create(event=event, member=MemberFactory(), movement=other)

    assert RSVP.objects.count() == 0


def test_rsvp_create_never_guesses_the_movement_from_engagements():
    """Engagements are private; the RSVP's movement is shown to organizers, so only the
    person's own choice is stored."""
    food = MovementFactory()
    event = EventFactory(movements=[food])
    member = MemberFactory()
    EngagementFactory(member=member, movement=food, since=datetime.date(2020, 1, 1))

    assert rsvp_create(event=event, member=member).movement is None
    assert (
        rsvp_create(event=EventFactory(movements=[food]), member=member, movement=food).movement
        == food
    )


def test_rsvp_create_without_engagement_in_the_events_movements_records_no_movement():
    event = EventFactory()
    member = MemberFactory()
    EngagementFactory(member=member)

    rsvp = rsvp_create(event=event, member=member)

    assert rsvp.movement is None


# --- rsvp_cancel ---------------------------------------------------------------------------


def test_rsvp_cancel_of_a_going_rsvp_promotes_the_earliest_waitlisted_and_mails_them(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1, title="Soup and solidarity")
    going = rsvp_create(event=event, member=MemberFactory())
    rsvp_create(event=event, member=MemberFactory(key="m-first"))
    rsvp_create(event=event, member=MemberFactory(key="m-second"))

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = rsvp_cancel(rsvp=going)

    assert cancelled.status == CANCELLED
    assert statuses(event)[1:] == [("m-first", GOING, 0), ("m-second", WAITLISTED, 0)]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["m-first@people.example.org"]
    assert mail.outbox[0].subject == "You're in: Soup and solidarity"
    assert "moved from the waitlist to going" in mail.outbox[0].body
    assert "http://127.0.0.1:8000/events/" in mail.outbox[0].body


def test_rsvp_cancel_promotes_the_earliest_waitlisted_that_fit():
    event = EventFactory(capacity=3)
    going = rsvp_create(event=event, member=MemberFactory(key="m-going"), guests=1)
    rsvp_create(event=event, member=MemberFactory(key="m-solo"))
    rsvp_create(event=event, member=MemberFactory(key="m-big"), guests=2)
    rsvp_create(event=event, member=MemberFactory(key="m-pair"), guests=1)
    rsvp_create(event=event, member=MemberFactory(key="m-late"))

    rsvp_cancel(rsvp=going)

    assert statuses(event) == [
        ("m-going", CANCELLED, 1),
        ("m-solo", GOING, 0),
        ("m-big", WAITLISTED, 2),
        ("m-pair", GOING, 1),
        ("m-late", WAITLISTED, 0),
    ]


def test_rsvp_cancel_of_a_waitlisted_rsvp_leaves_the_waitlist_and_promotes_no_one(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1)
    fill(event, 1)
    leaving = rsvp_create(event=event, member=MemberFactory())
    staying = rsvp_create(event=event, member=MemberFactory())

    with django_capture_on_commit_callbacks(execute=True):
        rsvp_cancel(rsvp=leaving)

    leaving.refresh_from_db()
    staying.refresh_from_db()
    assert (leaving.status, staying.status) == (CANCELLED, WAITLISTED)
    assert mail.outbox == []


def test_rsvp_cancel_twice_changes_nothing(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    going = rsvp_create(event=event, member=MemberFactory())
    rsvp_create(event=event, member=MemberFactory())
    rsvp_cancel(rsvp=going)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = rsvp_cancel(rsvp=going)

    assert again.status == CANCELLED
    assert callbacks == []
    assert RSVP.objects.filter(event=event).going().count() == 1


def test_rsvp_cancel_is_refused_once_the_event_started():
    rsvp = RSVPFactory(event=EventFactory(), status=GOING)
    Event.objects.filter(pk=rsvp.event_id).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    with pytest.raises(RSVPClosed, match="has already started"):
        rsvp_cancel(rsvp=rsvp)

    rsvp.refresh_from_db()
    assert rsvp.status == GOING


def test_rsvp_cancel_on_a_cancelled_event_promotes_no_one():
    event = EventFactory(capacity=1)
    going = rsvp_create(event=event, member=MemberFactory())
    waiting = rsvp_create(event=event, member=MemberFactory())
    event_cancel(event=event)

    rsvp_cancel(rsvp=going)

    waiting.refresh_from_db()
    assert waiting.status == WAITLISTED


def test_promoted_member_without_an_email_gets_no_mail(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    going = rsvp_create(event=event, member=MemberFactory())
    waiting = rsvp_create(event=event, member=MemberFactory(email=""))

    with django_capture_on_commit_callbacks(execute=True):
        rsvp_cancel(rsvp=going)

    waiting.refresh_from_db()
    assert waiting.status == GOING
    assert mail.outbox == []


# --- rsvp_check_in -------------------------------------------------------------------------


def test_rsvp_check_in_records_attendance_and_an_engagement_per_movement():
    first, second = MovementFactory(), MovementFactory()
    day = datetime.date(next_year(), 5, 1)  # ahead, so RSVPs are open, whenever this runs
    starts = datetime.datetime.combine(
        day, datetime.time(18), tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles")
    )
    event = EventFactory(
        movements=[first, second], starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    rsvp = rsvp_create(event=event, member=MemberFactory())

    checked = rsvp_check_in(rsvp=rsvp, now=event.starts_at)

    assert checked.checked_in_at is not None
    assert list(
        Engagement.objects.filter(member=rsvp.member)
        .order_by("movement")
        .values_list("movement", "role", "since", "until", "source", "organization")
    ) == [
        (first.pk, EngagementRole.PARTICIPANT, day, day, EngagementSource.EVENT, None),
        (second.pk, EngagementRole.PARTICIPANT, day, day, EngagementSource.EVENT, None),
    ]


def test_rsvp_check_in_twice_changes_nothing():
    rsvp = rsvp_create(event=EventFactory(), member=MemberFactory())
    first = rsvp_check_in(rsvp=rsvp, now=rsvp.event.starts_at)

    second = rsvp_check_in(rsvp=rsvp, now=rsvp.event.ends_at)

    assert second.checked_in_at == first.checked_in_at
    assert Engagement.objects.count() == 1


def test_rsvp_check_in_keeps_an_existing_attendance_engagement_of_that_day():
    movement = MovementFactory()
    event = EventFactory(movements=[movement])
    other = EventFactory(
        movements=[movement], starts_at=event.starts_at + datetime.timedelta(hours=4)
    )
    member = MemberFactory()
    rsvp_check_in(rsvp=rsvp_create(event=other, member=member), now=other.starts_at)

    rsvp_check_in(rsvp=rsvp_create(event=event, member=member), now=event.starts_at)

    assert Engagement.objects.filter(member=member).count() == 1


def test_rsvp_check_in_adds_to_a_manual_engagement():
    movement = MovementFactory()
    event = EventFactory(movements=[movement])
    member = MemberFactory()
    EngagementFactory(member=member, movement=movement)

    rsvp_check_in(rsvp=rsvp_create(event=event, member=member), now=event.starts_at)

    assert sorted(Engagement.objects.filter(member=member).values_list("source", flat=True)) == [
        EngagementSource.EVENT,
        EngagementSource.MANUAL,
    ]


@pytest.mark.parametrize("status", [WAITLISTED, CANCELLED])
def test_rsvp_check_in_is_refused_for_people_not_going(status):
    rsvp = RSVPFactory(status=status)

    with pytest.raises(RSVPNotAllowed, match="only people going can be checked in"):
        rsvp_check_in(rsvp=rsvp, now=rsvp.event.starts_at)

    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None
    assert Engagement.objects.count() == 0


def test_rsvp_check_in_is_refused_for_a_cancelled_event():
    rsvp = rsvp_create(event=EventFactory(), member=MemberFactory())
    event_cancel(event=rsvp.event)

    with pytest.raises(RSVPClosed, match="has been cancelled"):
        rsvp_check_in(rsvp=rsvp, now=rsvp.event.starts_at)

    assert Engagement.objects.count() == 0


def in_window_event(**kwargs) -> Event:
    """An event from 18:00 to 21:00 local time on 1 May next year (RSVPs open, whenever
    this runs)."""
    starts = datetime.datetime.combine(
        datetime.date(next_year(), 5, 1),
        datetime.time(18),
        tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"),
    )
    return EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), **kwargs)


@pytest.mark.parametrize(
    "moment",
    [
        datetime.timedelta(minutes=-60),  # from the start: opens 60 minutes before
        datetime.timedelta(hours=1),  # during
        datetime.timedelta(hours=3, days=3),  # from the end: the last moment, 3 days after
    ],
    ids=["opens", "during", "last-moment"],
)
def test_rsvp_check_in_is_open_from_an_hour_before_the_start_until_three_days_after_the_end(
    moment,
):
    event = in_window_event()
    rsvp = rsvp_create(event=event, member=MemberFactory())

    checked = rsvp_check_in(rsvp=rsvp, now=event.starts_at + moment)

    assert checked.checked_in_at == event.starts_at + moment
    assert Engagement.objects.filter(member=rsvp.member).count() == 1


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (
            datetime.timedelta(minutes=-61),
            "Check-in for “Soup night” opens at {may_1:%a} 1 May {may_1.year}, 5:00 PM, "
            "60 minutes before the start.",
        ),
        (
            datetime.timedelta(hours=3, days=3, seconds=1),
            "Check-in for “Soup night” closed at {may_4:%a} 4 May {may_4.year}, 9:00 PM, "
            "three days after the event ended.",
        ),
    ],
    ids=["too-early", "too-late"],
)
def test_rsvp_check_in_outside_the_window_is_refused_and_changes_nothing(moment, message):
    event = in_window_event(title="Soup night")
    rsvp = rsvp_create(event=event, member=MemberFactory())

    with pytest.raises(CheckInClosed) as refused:
        rsvp_check_in(rsvp=rsvp, now=event.starts_at + moment)

    may_1, may_4 = datetime.date(next_year(), 5, 1), datetime.date(next_year(), 5, 4)
    assert str(refused.value) == message.format(may_1=may_1, may_4=may_4)
    assert isinstance(refused.value, RSVPClosed)
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None
    assert Engagement.objects.count() == 0


def test_rsvp_check_in_opens_as_many_minutes_before_as_the_setting_says(settings):
    settings.COALITION_CHECK_IN_OPENS_MINUTES = 15
    event = in_window_event()
    early = rsvp_create(event=event, member=MemberFactory())
    on_time = rsvp_create(event=event, member=MemberFactory())

    with pytest.raises(CheckInClosed, match="15 minutes before the start"):
        rsvp_check_in(rsvp=early, now=event.starts_at - datetime.timedelta(minutes=16))
    checked = rsvp_check_in(rsvp=on_time, now=event.starts_at - datetime.timedelta(minutes=15))

    assert checked.checked_in_at is not None


def test_rsvp_check_in_uses_the_clock_without_now():
    rsvp = rsvp_create(event=EventFactory(), member=MemberFactory())  # a week ahead

    with pytest.raises(CheckInClosed, match="opens at"):
        rsvp_check_in(rsvp=rsvp)


# --- events --------------------------------------------------------------------------------


def test_event_publish_opens_a_draft():
    event = EventFactory(status="draft")

    published = event_publish(event=event)

    event.refresh_from_db()
    assert published.status == event.status == "published"


def test_event_publish_refuses_a_cancelled_event():
    event = EventFactory(status="cancelled")

    with pytest.raises(EventError, match="cannot be published again"):
        event_publish(event=event)

    event.refresh_from_db()
    assert event.status == "cancelled"


def test_event_cancel_mails_everyone_going_or_waitlisted(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, title="Panel on wages", visibility="private")
    rsvp_create(event=event, member=MemberFactory(key="m-going"))
    rsvp_create(event=event, member=MemberFactory(key="m-waiting"))
    gone = rsvp_create(event=event, member=MemberFactory(key="m-gone"))
    rsvp_cancel(rsvp=gone)

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = event_cancel(event=event, reason="The hall flooded.")

    assert cancelled.status == "cancelled"
    assert Event.objects.get(pk=event.pk).status == "cancelled"
    assert [message.to for message in mail.outbox] == [
        ["m-going@people.example.org"],
        ["m-waiting@people.example.org"],
    ]
    assert {message.subject for message in mail.outbox} == {"Cancelled: Panel on wages"}
    assert "Their note: The hall flooded." in mail.outbox[0].body
    assert "You were going" in mail.outbox[0].body
    assert "You were on the waitlist" in mail.outbox[1].body
    # Each mail goes to its one person: nobody learns another's address.
    assert [(m.cc, m.bcc, m.reply_to) for m in mail.outbox] == [([], [], [])] * 2
    assert "m-waiting@" not in mail.outbox[0].body
    assert "m-going@" not in mail.outbox[1].body


def test_event_cancel_twice_sends_no_more_mail(django_capture_on_commit_callbacks):
    event = EventFactory()
    rsvp_create(event=event, member=MemberFactory())
    event_cancel(event=event)

    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event)

    assert mail.outbox == []


def test_event_create_saves_a_draft_by_the_user_under_a_fresh_slug():
    movement = MovementFactory()
    user = UserFactory()
    EventFactory(slug="harvest-supper")
    form = modelform_factory(Event, fields=["title", "starts_at", "ends_at", "movements"])(
        data={
            "title": "Harvest Supper",
            "starts_at": timezone.now() + datetime.timedelta(days=3),
            "ends_at": timezone.now() + datetime.timedelta(days=3, hours=2),
            "movements": [movement.pk],
        }
    )
    assert form.is_valid(), form.errors

    event = event_create(user=user, form=form)

    assert Event.objects.filter(pk=event.pk).values_list("slug", "status", "created_by").get() == (
        "harvest-supper-2",
        EventStatus.DRAFT,
        user.pk,
    )
    assert list(event.movements.all()) == [movement]


def test_event_create_raises_when_every_slug_tried_is_taken(monkeypatch):
    EventFactory(slug="taken")
    monkeypatch.setattr("events.services.unique_event_slug", lambda title: "taken")
    form = modelform_factory(Event, fields=["title", "starts_at", "ends_at"])(
        data={
            "title": "Taken",
            "starts_at": timezone.now() + datetime.timedelta(days=3),
            "ends_at": timezone.now() + datetime.timedelta(days=3, hours=2),
        }
    )
    assert form.is_valid(), form.errors

    with pytest.raises(EventSlugUnavailable, match="please try again"):
        event_create(user=UserFactory(), form=form)

    assert Event.objects.count() == 1


def edit(event: Event, **values) -> Event:
    """Change ``event`` as an organizer would: through a ModelForm of just those fields."""
    form = modelform_factory(Event, fields=list(values))(data=values, instance=event)
    assert form.is_valid(), form.errors
    return event_update(form=form)


def later(event: Event, hours: int = 1) -> dict:
    return {
        "starts_at": event.starts_at + datetime.timedelta(hours=hours),
        "ends_at": event.ends_at + datetime.timedelta(hours=hours),
    }


def test_event_update_saves_and_mails_only_people_going(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, title="Potluck")
    rsvp_create(event=event, member=MemberFactory(key="m-going"))
    rsvp_create(event=event, member=MemberFactory(key="m-waiting"))
    new_time = later(event)

    with django_capture_on_commit_callbacks(execute=True):
        updated = edit(
            event, venue="New hall", starts_at=new_time["starts_at"], description="More food."
        )

    assert updated == event
    assert Event.objects.filter(pk=event.pk).values_list("venue", "starts_at").get() == (
        "New hall",
        new_time["starts_at"],
    )
    assert [message.to for message in mail.outbox] == [["m-going@people.example.org"]]
    assert mail.outbox[0].subject == "Changed: Potluck"
    assert "changed the start time, venue." in mail.outbox[0].body
    assert "Where: New hall, 1 Main Street, Oakland" in mail.outbox[0].body


def test_event_update_of_the_time_sends_one_mail_only_after_commit(
    django_capture_on_commit_callbacks,
):
    event = EventFactory()
    rsvp_create(event=event, member=MemberFactory())

    with django_capture_on_commit_callbacks() as callbacks:
        edit(event, **later(event))

    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:  # the commit
        callback()
    assert len(mail.outbox) == 1


def test_event_update_rolled_back_saves_nothing_and_mails_nobody(
    django_capture_on_commit_callbacks, monkeypatch
):
    event = EventFactory(capacity=1, venue="Old hall")
    rsvp_create(event=event, member=MemberFactory())
    rsvp_create(event=event, member=MemberFactory())

    def fail(event):
        raise RuntimeError("the database went away")

    # The waitlist is filled after the mails are queued, inside the same transaction.
    monkeypatch.setattr("events.services._promote_waitlisted", fail)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        edit(event, venue="New hall", capacity=2)

    assert callbacks == []
    assert mail.outbox == []
    assert Event.objects.filter(pk=event.pk).values_list("venue", "capacity").get() == (
        "Old hall",
        1,
    )


def test_event_update_ignores_changes_that_are_not_time_or_place(
    django_capture_on_commit_callbacks,
):
    event = EventFactory()
    rsvp_create(event=event, member=MemberFactory())

    with django_capture_on_commit_callbacks(execute=True):
        edit(event, title="A new title", description="A new description.")

    assert mail.outbox == []
    assert Event.objects.get(pk=event.pk).title == "A new title"


def test_event_update_sends_nothing_for_a_draft(django_capture_on_commit_callbacks):
    event = EventFactory(status="draft")
    RSVPFactory(event=event)

    with django_capture_on_commit_callbacks(execute=True):
        edit(event, **later(event))

    assert mail.outbox == []


def test_event_update_of_a_new_start_lets_the_reminder_go_again():
    event = EventFactory()
    rsvp = rsvp_create(event=event, member=MemberFactory())
    RSVP.objects.filter(pk=rsvp.pk).update(reminded_at=timezone.now())

    edit(event, **later(event))

    rsvp.refresh_from_db()
    assert rsvp.reminded_at is None


def test_event_update_of_a_larger_capacity_promotes_the_waitlist():
    event = EventFactory(capacity=1)
    fill(event, 1)
    waiting = fill(event, 2)

    edit(event, capacity=2)

    assert [RSVP.objects.get(pk=rsvp.pk).status for rsvp in waiting] == [GOING, WAITLISTED]


def test_private_address_is_only_in_mail_to_people_going(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, visibility="private", address="7 Secret Lane")
    rsvp_create(event=event, member=MemberFactory(key="m-going"))
    rsvp_create(event=event, member=MemberFactory(key="m-waiting"))

    with django_capture_on_commit_callbacks(execute=True):
        edit(event, address="8 Secret Lane")
        event_cancel(event=event)

    bodies = {message.to[0].split("@")[0]: [] for message in mail.outbox}
    for message in mail.outbox:
        bodies[message.to[0].split("@")[0]].append(message.body)
    assert "8 Secret Lane" in bodies["m-going"][0]
    assert all("Secret Lane" not in body for body in bodies["m-waiting"])


# --- changed movements: who was told, and what check-in records ----------------------------


def told(rsvp: RSVP) -> list[str]:
    return sorted(rsvp.told_movements.values_list("slug", flat=True))


def attended(member) -> list[str]:
    """The movements ``member`` has attendance engagements in."""
    return sorted(
        Engagement.objects.filter(member=member, source=EngagementSource.EVENT).values_list(
            "movement__slug", flat=True
        )
    )


@pytest.fixture
def soup():
    """A published soup night a week ahead between wages and food, for three people."""
    wages = MovementFactory(slug="wages", name="Wages")
    food = MovementFactory(slug="food", name="Food")
    climate = MovementFactory(slug="climate", name="Climate")
    event = EventFactory(title="Soup night", movements=[wages, food], capacity=3)
    return {"event": event, "wages": wages, "food": food, "climate": climate}


def test_rsvp_create_records_the_movements_the_person_saw(soup):
    rsvp = rsvp_create(event=soup["event"], member=MemberFactory())

    assert told(rsvp) == ["food", "wages"]


def test_rsvp_create_again_after_cancelling_records_the_movements_as_they_are_now(soup):
    rsvp = rsvp_create(event=soup["event"], member=MemberFactory())
    rsvp_cancel(rsvp=rsvp)
    soup["event"].movements.set([soup["wages"], soup["climate"]])  # nobody was told

    again = rsvp_create(event=soup["event"], member=rsvp.member)

    assert told(again) == ["climate", "wages"]


def test_changed_movements_are_mailed_to_people_going_and_waitlisted_not_cancelled(
    soup, django_capture_on_commit_callbacks
):
    event = soup["event"]
    going = rsvp_create(event=event, member=MemberFactory(key="m-going"), guests=2)
    waiting = rsvp_create(event=event, member=MemberFactory(key="m-waiting"))
    gone = rsvp_create(event=event, member=MemberFactory(key="m-gone"))
    rsvp_cancel(rsvp=gone)

    with django_capture_on_commit_callbacks(execute=True):
        edit(event, movements=[soup["wages"].pk, soup["climate"].pk])

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["m-going@people.example.org"], "Movements changed: Soup night"),
        (["m-waiting@people.example.org"], "Movements changed: Soup night"),
    ]
    body = mail.outbox[0].body
    assert "Added: Climate.\nRemoved: Food.\n" in body
    assert (
        "When you are checked in at the event, your attendance is recorded in your "
        "engagement history in each of its movements: Climate, Wages." in body
    )
    assert (told(going), told(waiting), told(gone)) == (
        ["climate", "wages"],
        ["climate", "wages"],
        ["wages"],
    )


def test_changed_movements_are_mailed_only_after_commit(soup, django_capture_on_commit_callbacks):
    rsvp_create(event=soup["event"], member=MemberFactory())

    with django_capture_on_commit_callbacks() as callbacks:
        edit(soup["event"], movements=[soup["wages"].pk])

    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.subject for m in mail.outbox] == ["Movements changed: Soup night"]
    assert "Removed: Food." in mail.outbox[0].body
    assert "Added:" not in mail.outbox[0].body


def test_the_same_movements_again_mail_nobody(soup, django_capture_on_commit_callbacks):
    rsvp_create(event=soup["event"], member=MemberFactory())

    with django_capture_on_commit_callbacks(execute=True):
        edit(soup["event"], movements=[soup["food"].pk, soup["wages"].pk], title="Soup!")

    assert mail.outbox == []


def test_check_in_records_an_added_movement_the_person_was_told_about(soup):
    event = soup["event"]
    rsvp = rsvp_create(event=event, member=MemberFactory())
    edit(event, movements=[soup["wages"].pk, soup["food"].pk, soup["climate"].pk])

    rsvp_check_in(rsvp=rsvp, now=event.starts_at)

    assert attended(rsvp.member) == ["climate", "food", "wages"]


def test_check_in_records_nothing_in_a_movement_added_without_telling_the_person(soup):
    # Told about wages only (made by a path that sent no mail); the event has both.
    rsvp = RSVPFactory(event=soup["event"], told_movements=[soup["wages"]])

    rsvp_check_in(rsvp=rsvp, now=soup["event"].starts_at)

    assert attended(rsvp.member) == ["wages"]


def test_check_in_records_nothing_in_a_movement_added_directly_in_the_database(soup):
    event = soup["event"]
    rsvp = rsvp_create(event=event, member=MemberFactory())
    event.movements.add(soup["climate"])  # no service: nobody was told

    rsvp_check_in(rsvp=rsvp, now=event.starts_at)

    assert attended(rsvp.member) == ["food", "wages"]


@pytest.mark.parametrize("through_the_service", [True, False], ids=["edited", "in-database"])
def test_check_in_never_records_a_removed_movement(soup, through_the_service):
    event = soup["event"]
    rsvp = rsvp_create(event=event, member=MemberFactory())
    if through_the_service:
        edit(event, movements=[soup["wages"].pk])
    else:
        event.movements.remove(soup["food"])

    rsvp_check_in(rsvp=rsvp, now=event.starts_at)

    assert attended(rsvp.member) == ["wages"]


def test_a_movement_removed_then_added_again_is_told_anew(soup):
    event = soup["event"]
    rsvp = RSVPFactory(event=event, member=MemberFactory(email=""))  # cannot be told by mail
    edit(event, movements=[soup["wages"].pk])
    edit(event, movements=[soup["wages"].pk, soup["food"].pk])

    rsvp_check_in(rsvp=rsvp, now=event.starts_at)

    assert told(rsvp) == ["wages"]
    assert attended(rsvp.member) == ["wages"]


def test_a_person_without_an_address_is_not_told_about_an_added_movement(
    soup, django_capture_on_commit_callbacks
):
    event = soup["event"]
    rsvp = rsvp_create(event=event, member=MemberFactory(email=""))

    with django_capture_on_commit_callbacks(execute=True):
        edit(event, movements=[soup["wages"].pk, soup["food"].pk, soup["climate"].pk])
    rsvp_check_in(rsvp=rsvp, now=event.starts_at)

    assert mail.outbox == []
    assert attended(rsvp.member) == ["food", "wages"]


def test_a_person_already_checked_in_is_told_their_attendance_stays(
    soup, django_capture_on_commit_callbacks
):
    event = soup["event"]
    rsvp = rsvp_create(event=event, member=MemberFactory())
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=2),
    )
    rsvp_check_in(rsvp=rsvp)
    event.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        edit(event, movements=[soup["wages"].pk, soup["food"].pk, soup["climate"].pk])

    assert "You are already checked in: the attendance recorded then stays as it was." in (
        mail.outbox[0].body
    )
    assert attended(rsvp.member) == ["food", "wages"]


def test_changed_movements_mail_nobody_once_check_in_has_closed(
    soup, django_capture_on_commit_callbacks
):
    event = soup["event"]
    rsvp = rsvp_create(event=event, member=MemberFactory())
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=5),
        ends_at=timezone.now() - datetime.timedelta(days=4),
    )
    event.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        edit(event, movements=[soup["wages"].pk, soup["climate"].pk])

    assert mail.outbox == []
    assert told(rsvp) == ["wages"]
