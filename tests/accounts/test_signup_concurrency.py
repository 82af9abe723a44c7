"""Signing up with one address several times at once: what only PostgreSQL can show (the
username, which is the address, racing on its unique index). Skipped on SQLite."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection

from accounts.services import account_sign_up
from movements.models import Member
from tests.helpers import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

User = get_user_model()


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL's concurrent inserts; this run uses {connection.vendor} "
            "(set DATABASE_URL=postgres://… to run it)"
        )


def sign_up(email: str):
    user = User(email=email)
    user.set_password("potluck between movements")
    member = account_sign_up(user=user, name="Ada Okafor")
    return member.pk if member is not None else None


def test_five_sign_ups_with_one_address_at_once_make_one_login():
    typed = ["ada@example.org", "Ada@example.org", "ada@example.org", "ADA@example.org"]
    results, errors = run_at_once([lambda email=email: sign_up(email) for email in typed * 2])

    assert errors == []
    assert len([pk for pk in results if pk is not None]) == 1
    assert User.objects.count() == 1
    assert Member.objects.count() == 1
    subjects = sorted(message.subject for message in mail.outbox)
    assert (
        subjects
        == ["Confirm your email address for Coalition"]
        + ["Someone tried to use your address on Coalition"] * 7
    )
