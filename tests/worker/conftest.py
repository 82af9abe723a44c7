"""A mail server that fails, for the outbox's retries."""

import pytest
from django.core.mail.backends.base import BaseEmailBackend


class BrokenMailServer(BaseEmailBackend):
    """A mail server that refuses every message, as a server that is down does."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def broken_mail_server(settings):
    """The default mailer fails every send (``BrokenMailServer``)."""
    settings.MAILERS = {"default": {"BACKEND": "tests.worker.conftest.BrokenMailServer"}}
