"""Organizers reach an event's people through messages the app sends (PRODUCT.md, Privacy):
one mail to each person going or waitlisted, a copy to the sender, a log, a rate limit;
the organizer never reads an address."""

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone

from events.models import EventMessage, EventStatus, RSVPStatus
from events.services import (
    MessageError,
    MessageLimitReached,
    event_message_send,
)
from tests.factories import EventFactory, MemberFactory, RSVPFactory, UserFactory
from tests.helpers import logged_in, make_organizer, role_client
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


def test_the_next_message_time_is_rounded_up_to_the_minute(world, organizer):
    first = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=20)
    for seconds in (30, 40, 50):
        log_message(world["event"], first + datetime.timedelta(seconds=seconds))

    with pytest.raises(MessageLimitReached) as refused:
        send(world, organizer)

    assert refused.value.next_at == first + datetime.timedelta(hours=24, minutes=1)


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


# --- the pages -----------------------------------------------------------------------------

LOG = "/events/wages-potluck/messages/"
NEW = "/events/wages-potluck/messages/new/"
MESSAGE = {"audience": EVERYONE, "subject": "Bring a dish", "body": "Please bring a dish."}


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_compose_page_shows_how_many_will_receive_it(world, organizer_client):
    response = organizer_client.get(NEW)

    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "This will go to 1 person going and 1 waitlisted (1 more has no email address and "
        "will not get it)"
    ) in body
    assert [label for _, label in response.context["form"].fields["audience"].choices] == [
        "Everyone going or waitlisted (2 people)",
        "People going (1 person)",
        "People on the waitlist (1 person)",
    ]
    for address in (ADA, BO, CY):
        assert address not in body


def test_send_by_post_mails_and_logs_it(
    world, organizer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(NEW, MESSAGE)

    assert (response.status_code, response.url) == (302, LOG)
    assert flashed(response) == ["Your message is on its way to 2 people. A copy goes to you."]
    assert [m.to for m in mail.outbox] == [[ADA], [BO], [OLU]]
    logged = EventMessage.objects.get()
    assert (logged.subject, logged.body, logged.recipients) == (
        "Bring a dish",
        "Please bring a dish.",
        2,
    )


def test_log_lists_the_messages_sent(world, organizer, organizer_client):
    sent_at = timezone.now() - datetime.timedelta(hours=30)
    log_message(world["event"], sent_at, subject="Bring a dish", sender=organizer)

    response = organizer_client.get(LOG)

    assert response.status_code == 200
    assert list(response.context["sent_messages"].values_list("subject", flat=True)) == [
        "Bring a dish"
    ]
    body = response.content.decode()
    row = (
        "<td>Olu Organizer</td>\n      <td>Everyone going or waitlisted</td>\n      "
        "<td><details><summary>Bring a dish</summary><p>Earlier news.</p></details></td>\n"
        '      <td class="num">2</td>'
    )
    assert row in body
    assert f'href="{NEW}"' in body


def test_log_has_an_empty_state(world, organizer_client):
    body = organizer_client.get(LOG).content.decode()

    assert "No messages sent yet." in body


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({**MESSAGE, "body": "  "}, {"body": ["Write the message."]}),
        ({**MESSAGE, "subject": ""}, {"subject": ["Give the message a subject."]}),
        (
            {**MESSAGE, "subject": "x" * 151},
            {"subject": ["Keep the subject to 150 characters (it has 151)."]},
        ),
        (
            {**MESSAGE, "body": "x" * 5001},
            {"body": ["Keep the message to 5000 characters (it has 5001)."]},
        ),
        ({**MESSAGE, "audience": "all"}, {"audience": ["Choose who the message goes to."]}),
    ],
)
def test_bad_message_is_a_form_error_and_nothing_is_sent(
    world, organizer_client, django_capture_on_commit_callbacks, data, errors
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(NEW, data)

    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert (EventMessage.objects.count(), mail.outbox) == (0, [])


def test_a_subject_with_a_line_break_is_one_line(world, organizer_client):
    response = organizer_client.post(NEW, {**MESSAGE, "subject": "Bring\r\na dish"})

    assert response.status_code == 302
    assert EventMessage.objects.get().subject == "Bring a dish"


def test_nobody_to_reach_is_a_form_error(world, organizer_client):
    response = organizer_client.post(NEW, {**MESSAGE, "audience": "going", "subject": "x"})
    assert response.status_code == 302
    world["rsvp"].member.email = ""
    world["rsvp"].member.save(update_fields=["email"])

    response = organizer_client.post(NEW, {**MESSAGE, "audience": "going"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Nobody to send it to: there is nobody with an email address among the people going "
        "to “Wages Potluck”."
    ]
    assert EventMessage.objects.count() == 1


def test_the_fourth_message_is_refused_with_a_form_error(
    world, organizer_client, django_capture_on_commit_callbacks
):
    for n in range(3):
        assert organizer_client.post(NEW, {**MESSAGE, "subject": f"News {n}"}).status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(NEW, {**MESSAGE, "subject": "News 3"})

    assert response.status_code == 429
    [error] = response.context["form"].non_field_errors()
    assert error.startswith(
        "This event has had 3 messages in the last 24 hours, the most allowed;"
    )
    assert "the next one can go from" in response.content.decode()
    assert (EventMessage.objects.count(), mail.outbox) == (3, [])
    assert "The next message can go from" in organizer_client.get(LOG).content.decode()


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.CANCELLED])
def test_compose_for_an_unpublished_event_goes_back_to_the_log(world, organizer_client, status):
    world["event"].status = status
    world["event"].save(update_fields=["status"])

    page = organizer_client.get(NEW, follow=True)
    post = organizer_client.post(NEW, MESSAGE)

    refusal = f"Messages go to the people of a published event; “Wages Potluck” is {status}."
    assert page.redirect_chain == [(LOG, 302)]
    assert refusal in page.content.decode()
    assert (post.status_code, post.url) == (302, LOG)
    assert flashed(post) == [refusal]
    assert EventMessage.objects.count() == 0
    assert organizer_client.get(LOG).status_code == 200


@pytest.mark.parametrize(("method", "path"), [("get", LOG), ("get", NEW), ("post", NEW)])
def test_anonymous_visitors_are_sent_to_log_in(world, client, method, path):
    response = getattr(client, method)(path, MESSAGE if method == "post" else None)

    assert (response.status_code, response.url) == (
        302,
        f"{resolve_url(settings.LOGIN_URL)}?next={path}",
    )
    assert EventMessage.objects.count() == 0


@pytest.mark.parametrize(("method", "path"), [("get", LOG), ("get", NEW), ("post", NEW)])
@pytest.mark.parametrize(("visibility", "status"), [("private", 404), ("public", 403)])
def test_an_organizer_of_another_group_is_refused(world, method, path, visibility, status):
    """As on the attendee page: a private event answers 404, exactly as an unknown slug; a
    public one, whose existence is no secret, 403."""
    world["event"].visibility = visibility
    world["event"].save(update_fields=["visibility"])
    other = role_client("other_organizer", host=world["host"], other=world["other"])

    response = getattr(other, method)(path, MESSAGE if method == "post" else None)

    assert response.status_code == status
    assert EventMessage.objects.count() == 0


def test_curators_may_send(world, curator_client):
    response = curator_client.post(NEW, MESSAGE)

    assert (response.status_code, response.url) == (302, LOG)
    assert EventMessage.objects.get().recipients == 2


def test_attendee_page_and_event_page_link_the_messages(world, organizer_client):
    attendees = organizer_client.get("/events/wages-potluck/attendees/").content.decode()
    event = organizer_client.get("/events/wages-potluck/").content.decode()

    assert f'href="{NEW}"' in attendees
    assert f'href="{LOG}"' in attendees
    assert f'href="{NEW}"' in event
    assert f'href="{LOG}"' in event


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [LOG, NEW])
def test_pages_run_a_fixed_number_of_queries(world, organizer, url):
    client = logged_in(organizer)
    log_message(world["event"], timezone.now() - datetime.timedelta(days=2), sender=organizer)
    one = count_queries(client, url)
    for n in range(5):
        sender = make_organizer(world["host"], f"organizer-{n}", name=f"Organizer {n}")
        log_message(world["event"], timezone.now() - datetime.timedelta(hours=n), sender=sender)
        RSVPFactory(event=world["event"], member=MemberFactory(key=f"m-more-{n}"))

    assert count_queries(client, url) == one


def test_log_page_query_count(world, organizer, django_assert_num_queries):
    client = logged_in(organizer)
    for n in range(3):
        sender = make_organizer(world["host"], f"organizer-{n}", name=f"Organizer {n}")
        log_message(world["event"], timezone.now() - datetime.timedelta(days=n + 1), sender=sender)

    # Session, user, the event, may they manage it, the page count, the page, the limit.
    with django_assert_num_queries(7):
        client.get(LOG)


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
