"""No request talks to the mail server (issue 13): with tasks queued instead of run, the
mail outbox is empty when each mailing request has answered, and holds every mail once
the worker ran. The request leaves the mail as outbox rows, written with its change."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.factories import EventFactory, MemberFactory, RSVPFactory, UserFactory
from tests.helpers import event_form_data, logged_in, role_client
from tests.scenarios import hosted_event
from worker.models import Mail, MailStatus

pytestmark = pytest.mark.django_db

ADA = "ada@people.example.org"  # going to the Wages Potluck (tests.scenarios.hosted_event)


def rsvp_cancel_with_promotion():
    """Sam cancels the only place; Bo, waiting, is promoted."""
    event = EventFactory(slug="small-potluck", title="Small Potluck", capacity=1)
    user = UserFactory(username="sam")
    RSVPFactory(event=event, member=MemberFactory(user=user, key="m-sam"), status="going")
    RSVPFactory(
        event=event, member=MemberFactory(key="m-bo", email="bo@example.org"), status="waitlisted"
    )
    request = ("/events/small-potluck/rsvp/cancel/", {})
    return logged_in(user), request, [(["bo@example.org"], "You're in: Small Potluck")]


def event_cancel():
    world = hosted_event()
    client = role_client("host_organizer", host=world["host"], other=world["other"])
    request = ("/events/wages-potluck/cancel/", {"reason": "The hall flooded."})
    return client, request, [([ADA], "Cancelled: Wages Potluck")]


def event_update():
    world = hosted_event()
    client = role_client("host_organizer", host=world["host"], other=world["other"])
    day = (timezone.localdate() + datetime.timedelta(days=12)).isoformat()
    data = event_form_data(
        [world["wages"], world["food"]],
        [world["host"]],
        title="Wages Potluck",
        starts_at=f"{day}T17:00",
        ends_at=f"{day}T20:00",
    )
    request = ("/events/wages-potluck/edit/", data)
    return client, request, [([ADA], "Changed: Wages Potluck")]


def organizer_message():
    world = hosted_event()
    client = role_client("host_organizer", host=world["host"], other=world["other"])
    data = {"audience": "going_and_waitlisted", "subject": "Bring a dish", "body": "Please."}
    request = ("/events/wages-potluck/messages/new/", data)
    copy = (["host_organizer@example.org"], "Copy: Bring a dish")
    return client, request, [([ADA], "Bring a dish"), copy]


def signup():
    data = {
        "name": "Ada Okafor",
        "email": "ada@example.org",
        "password": "potluck between movements",
    }
    request = ("/accounts/signup/", data)
    return Client(), request, [(["ada@example.org"], "Confirm your email address for Coalition")]


def password_reset():
    UserFactory(username="ada", email="ada@example.org")
    request = ("/accounts/password/reset/", {"email": "ada@example.org"})
    return Client(), request, [(["ada@example.org"], "Reset your Coalition password")]


FLOWS = {
    "rsvp cancel with promotion": rsvp_cancel_with_promotion,
    "event cancel": event_cancel,
    "event update": event_update,
    "organizer message": organizer_message,
    "signup": signup,
    "password reset": password_reset,
}


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_the_request_leaves_its_mail_to_the_worker(
    flow, task_queue, django_capture_on_commit_callbacks
):
    client, (path, data), expected = flow()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert mail.outbox == []
    assert Mail.objects.pending().count() == len(expected)
    assert [result.task.name for result in task_queue.results] == ["send_mails"]

    task_queue.run()

    assert [(message.to, message.subject) for message in mail.outbox] == expected
    assert Mail.objects.filter(status=MailStatus.SENT).count() == len(expected)
