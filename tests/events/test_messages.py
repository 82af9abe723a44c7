"""Organizers reach an event's people through messages the app sends (PRODUCT.md, Privacy):
one mail to each person going or waitlisted, a copy to the sender, a log, a rate limit;
the organizer never reads an address."""

import datetime

import pytest
from django.core import mail
from django.utils import dateformat, timezone

from events.models import EventMessage, EventStatus, RSVPStatus
from events.services import (
    MessageError,
    MessageLimitReached,
    event_message_send,
)
from tests.factories import EventFactory, MemberFactory, RSVPFactory, UserFactory
from tests.helpers import make_organizer
from tests.scenarios import hosted_event

pytestmark = pytest.mark.django_db

ADA = "ada@people.example.org"  # going, with a guest
BO = "bo@people.example.org"  # waitlisted
CY = "cy@people.example.org"  # cancelled
OLU = "organizer@example.org"  # the organizer sending
FROM = "Olu Organizer via Coalition <hello@coalition.example.org>"
EVERYONE = "going_and_waitlisted"


@pytest.fixture(autouse=True)
def site_sender(settings):
    settings.DEFAULT_FROM_EMAIL = "Coalition <hello@coalition.example.org>"


@pytest.fixture
def world():
    """tests/scenarios.hosted_event (the Wages Potluck, Ada going), plus Bo waitlisted, Cy
    cancelled, Dee going without an email address."""
    world = hosted_event()
    event = world["event"]
    for key, name, email, status in [
        ("m-bo", "Bo Waiting", BO, RSVPStatus.WAITLISTED),
        ("m-cy", "Cy Gone", CY, RSVPStatus.CANCELLED),
        ("m-dee", "Dee Noaddress", "", RSVPStatus.GOING),
    ]:
        RSVPFactory(
            event=event, member=MemberFactory(key=key, name=name, email=email), status=status
        )
    return world


@pytest.fixture
def organization(world):
    """The organizer of tests/conftest.py organizes the host, Local 1021."""
    return world["host"]


@pytest.fixture
def organizer(organization):
    user = make_organizer(organization, name="Olu Organizer")
    user.email = OLU
    user.save(update_fields=["email"])
    return user


def send(world, organizer, **overrides) -> EventMessage:
    fields = {
        "event": world["event"],
        "sender": organizer,
        "subject": "Bring a dish",
        "body": "Hello all,\nplease bring a dish to share.",
        "audience": EVERYONE,
    }
    return event_message_send(**{**fields, **overrides})


def log_message(event, sent_at, **fields) -> EventMessage:
    return EventMessage.objects.create(
        event=event,
        subject=fields.pop("subject", "Earlier"),
        body="Earlier news.",
        audience=EVERYONE,
        recipients=2,
        sent_at=sent_at,
        **fields,
    )


# --- the service ---------------------------------------------------------------------------


def test_send_mails_each_person_going_or_waitlisted_and_a_copy_to_the_sender(
    world, organizer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(world, organizer)

    assert [m.to for m in mail.outbox] == [[ADA], [BO], [OLU]]
    assert [(m.cc, m.bcc, m.reply_to) for m in mail.outbox] == [([], [], [])] * 3
    assert {m.from_email for m in mail.outbox} == {FROM}
    assert [m.subject for m in mail.outbox] == [
        "Bring a dish",
        "Bring a dish",
        "Copy: Bring a dish",
    ]
    to_ada, to_bo, copy = mail.outbox
    assert to_ada.body.startswith("Hello all,\nplease bring a dish to share.\n\n--\n")
    assert "You get it because you are going." in to_ada.body
    assert "You get it because you are on the waitlist." in to_bo.body
    assert "replying to this mail does not reach them" in to_ada.body
    for sent in mail.outbox:
        others = {ADA, BO, CY, OLU} - set(sent.to)
        assert [address for address in others if address in sent.body] == []
    assert copy.body.startswith(
        "This is a copy of your message to 2 people: the people going to or waitlisted for "
        '"Wages Potluck".'
    )
    assert "please bring a dish to share." in copy.body
    logged = EventMessage.objects.get()
    assert logged == message
    assert (logged.event, logged.sender, logged.subject, logged.audience, logged.recipients) == (
        world["event"],
        organizer,
        "Bring a dish",
        EVERYONE,
        2,
    )


@pytest.mark.parametrize(("audience", "recipients"), [("going", [ADA]), ("waitlisted", [BO])])
def test_send_to_one_audience(
    world, organizer, django_capture_on_commit_callbacks, audience, recipients
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(world, organizer, audience=audience)

    assert [m.to for m in mail.outbox] == [[address] for address in recipients] + [[OLU]]
    assert message.recipients == 1
    assert "copy of your message to 1 person:" in mail.outbox[-1].body


def test_mail_goes_only_after_commit(world, organizer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(world, organizer)

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_sender_without_an_address_gets_no_copy(
    world, organizer, django_capture_on_commit_callbacks
):
    organizer.email = ""
    organizer.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        send(world, organizer)

    assert [m.to for m in mail.outbox] == [[ADA], [BO]]


def test_sender_is_never_named_by_their_username(world, django_capture_on_commit_callbacks):
    curator = UserFactory(username="cleo@example.org", email="cleo@example.org", is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        send(world, curator)

    assert {m.from_email for m in mail.outbox} == {
        "An organizer via Coalition <hello@coalition.example.org>"
    }
    assert "cleo@" not in mail.outbox[0].body


def test_a_deleted_senders_messages_stay_in_the_log(world, organizer):
    message = send(world, organizer)

    organizer.delete()

    message.refresh_from_db()
    assert (message.sender, message.sender_name) == (None, "A former organizer")


def test_subject_whitespace_is_collapsed(world, organizer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(world, organizer, subject="  Bring\r\na   dish ", body="\n Text \n")

    assert (message.subject, message.body) == ("Bring a dish", "Text")
    assert mail.outbox[0].subject == "Bring a dish"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"subject": " \n "}, "A message needs a subject and a text."),
        ({"body": "   "}, "A message needs a subject and a text."),
        ({"subject": "x" * 151}, "A message has at most 150 characters of subject"),
        ({"body": "x" * 5001}, "A message has at most 150 characters of subject"),
        ({"audience": "everyone"}, "Choose who the message goes to."),
    ],
)
def test_bad_message_is_refused(
    world, organizer, django_capture_on_commit_callbacks, fields, error
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(MessageError, match=error),
    ):
        send(world, organizer, **fields)

    assert (EventMessage.objects.count(), mail.outbox) == (0, [])


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.CANCELLED])
def test_only_a_published_events_people_get_messages(
    world, organizer, django_capture_on_commit_callbacks, status
):
    world["event"].status = status
    world["event"].save(update_fields=["status"])

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(MessageError, match="Messages go to the people of a published event"),
    ):
        send(world, organizer)

    assert (EventMessage.objects.count(), mail.outbox) == (0, [])


def test_nobody_with_an_address_is_refused(organizer):
    event = EventFactory(slug="empty", title="Empty Potluck")
    RSVPFactory(event=event, member=MemberFactory(key="m-x", email=""))

    with pytest.raises(MessageError, match="Nobody to send it to"):
        event_message_send(
            event=event, sender=organizer, subject="Hi", body="Hello.", audience="going"
        )

    assert EventMessage.objects.count() == 0


def test_the_fourth_message_in_24_hours_is_refused(
    world, organizer, django_capture_on_commit_callbacks
):
    now = timezone.now().replace(second=0, microsecond=0)
    for hours in (23, 2, 1):
        log_message(world["event"], now - datetime.timedelta(hours=hours))

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(MessageLimitReached) as refused,
    ):
        send(world, organizer)

    next_at = now + datetime.timedelta(hours=1)
    assert refused.value.next_at == next_at
    when = dateformat.format(timezone.localtime(next_at), "D j M, g:i A")
    assert str(refused.value) == (
        "This event has had 3 messages in the last 24 hours, the most allowed; "
        f"the next one can go from {when}."
    )
    assert (EventMessage.objects.count(), mail.outbox) == (3, [])


def test_three_messages_in_a_row_go_and_the_fourth_does_not(world, organizer):
    for n in range(3):
        send(world, organizer, subject=f"News {n}")

    with pytest.raises(MessageLimitReached):
        send(world, organizer, subject="News 3")

    assert EventMessage.objects.count() == 3


def test_messages_older_than_24_hours_do_not_count(world, organizer):
    for minutes in (0, 1, 2):
        log_message(world["event"], timezone.now() - datetime.timedelta(hours=24, minutes=minutes))

    send(world, organizer)

    assert EventMessage.objects.count() == 4


def test_another_events_messages_do_not_count(world, organizer):
    elsewhere = EventFactory(slug="elsewhere")
    for _ in range(3):
        log_message(elsewhere, timezone.now())

    send(world, organizer)

    assert EventMessage.objects.filter(event=world["event"]).count() == 1


def test_the_limit_is_a_setting(world, organizer, settings):
    settings.COALITION_EVENT_MESSAGES_PER_DAY = 1
    send(world, organizer)

    with pytest.raises(MessageLimitReached, match="has had 1 message in the last 24 hours"):
        send(world, organizer)


# --- the admin -----------------------------------------------------------------------------


def test_admin_lists_messages_for_curators_read_only(world, organizer, curator_client):
    message = log_message(world["event"], timezone.now(), subject="Bring a dish", sender=organizer)

    listing = curator_client.get("/admin/events/eventmessage/")
    change = f"/admin/events/eventmessage/{message.pk}/change/"

    assert listing.status_code == 200
    assert "Bring a dish" in listing.content.decode()
    assert curator_client.get(change).status_code == 200
    assert curator_client.get("/admin/events/eventmessage/add/").status_code == 403
    assert curator_client.post(change, {"subject": "Changed"}).status_code == 403
    assert curator_client.post(f"{change[:-7]}delete/", {"post": "yes"}).status_code == 403
    message.refresh_from_db()
    assert message.subject == "Bring a dish"


def test_admin_messages_are_for_curators_only(world, organizer_client):
    response = organizer_client.get("/admin/events/eventmessage/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
