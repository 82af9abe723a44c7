"""The worker's own tasks: sending the outbox, the periodic jobs' chains, and the outbox
sweep (a periodic job). Arguments are JSON: ids and names, never objects."""

import datetime

from django.tasks import task

from worker import schedule, services


@task
def send_mails(mail_ids: list[int]) -> dict:
    """Send the outbox rows ``mail_ids`` (``services.mails_send``)."""
    return services.mails_send(mail_ids=mail_ids)


@task
def run_periodic(name: str, token: str) -> str:
    """One link of periodic job ``name``'s chain (``schedule.job_tick``)."""
    return schedule.job_tick(name=name, token=token)


@schedule.periodic(every=datetime.timedelta(minutes=5), name="mail-sweep")
def mail_sweep() -> None:
    services.mails_sweep()
