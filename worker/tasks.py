"""The worker's own tasks: sending the outbox. Arguments are JSON: ids, never objects."""

from django.tasks import task

from worker import services


@task
def send_mails(mail_ids: list[int]) -> dict:
    """Send the outbox rows ``mail_ids`` (``services.mails_send``)."""
    return services.mails_send(mail_ids=mail_ids)
