"""Curators see the outbox in the admin: failed mails by status, with the error, and send
them again; nobody else sees it, and nobody sees a mail's body there."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from worker.models import Mail, MailStatus

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:worker_mail_changelist")


def make_mail(status: str, to: str, **fields) -> Mail:
    if status == MailStatus.SENT:
        fields.setdefault("sent_at", timezone.now())
    return Mail.objects.create(
        from_email="coalition@localhost",
        to=[to],
        subject=f"About {to}",
        body=f"Your secret link for {to}: /accounts/verify/token/",
        status=status,
        **fields,
    )


@pytest.fixture
def mails():
    return {
        "failed": make_mail(
            MailStatus.FAILED,
            "failed@example.org",
            attempts=6,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        ),
        "sent": make_mail(MailStatus.SENT, "sent@example.org", attempts=1),
        "pending": make_mail(MailStatus.PENDING, "pending@example.org"),
    }


def test_curators_filter_the_outbox_by_status_and_read_the_error(curator_client, mails):
    response = curator_client.get(CHANGELIST, {"status__exact": "failed"})

    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [mails["failed"].pk]
    content = response.content.decode()
    assert "failed@example.org" in content
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in content
    assert "sent@example.org" not in content


def test_the_mail_page_never_shows_the_body(curator_client, mails):
    response = curator_client.get(reverse("admin:worker_mail_change", args=[mails["failed"].pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "failed@example.org" in content
    assert "/accounts/verify/token/" not in content


def test_an_ordinary_member_is_sent_to_the_admin_login(member_client, mails):
    response = member_client.get(CHANGELIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_send_again_enqueues_failed_mails_with_fresh_retries_and_leaves_sent_ones(
    curator_client, mails, task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            CHANGELIST,
            {"action": "send_again", "_selected_action": [mails["failed"].pk, mails["sent"].pk]},
        )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 mail queued to be sent again. 1 already sent left alone."
    ]
    failed = Mail.objects.get(pk=mails["failed"].pk)
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (
        MailStatus.PENDING,
        0,
        None,
    )
    [task] = task_queue.enqueued("send_mails")
    assert task.args == [[failed.pk]]

    task_queue.run()

    assert [message.to for message in mail.outbox] == [["failed@example.org"]]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (MailStatus.SENT, 1)


def test_send_again_from_the_mail_page(curator_client, mails, task_queue):
    response = curator_client.post(
        reverse("admin:worker_mail_change", args=[mails["failed"].pk]),
        {"CHANGE_FORM-action": "send_again", "_selected_action": [mails["failed"].pk]},
    )

    assert response.status_code == 302
    assert Mail.objects.get(pk=mails["failed"].pk).status == MailStatus.PENDING
