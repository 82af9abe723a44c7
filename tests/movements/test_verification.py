"""movements.verification: whether a person confirmed their address, and the signed links
that confirm it."""

import time

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from movements import exchange
from movements.models import Member
from movements.services import member_erase
from movements.verification import (
    LINK_SALT,
    EmailAlreadyVerified,
    VerificationLinkInvalid,
    email_digest,
    email_mark_verified,
    email_verify,
    is_verified,
    may_receive_outreach,
    verification_token,
    verification_url,
)
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

INVALID = "This link is not valid. Copy the whole link from the mail, or ask for a new one."
EXPIRED = "This link has expired: links work for 3 days. Ask for a new one."
STALE = (
    "This link was sent to an address that is no longer on the account. "
    "Use the link in the newest mail, or ask for a new one."
)


def signed_days_ago(payload: dict, days: float) -> str:
    """A token signed as ``verification_token`` would have signed it ``days`` ago."""

    class Then(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - days * 86400))

    return Then(salt=LINK_SALT).sign_object(payload)


def test_a_new_member_is_not_verified_and_gets_no_outreach():
    member = MemberFactory(email="ada@example.org")

    assert is_verified(member) is False
    assert member.invites is False
    assert may_receive_outreach(member) is False
    assert list(Member.objects.verified()) == []
    assert list(Member.objects.outreach_allowed()) == []


def outreach(member: Member) -> tuple[bool, bool]:
    """The consent rule for one person and as a QuerySet: they must agree."""
    member = Member.objects.get(pk=member.pk)
    return may_receive_outreach(member), Member.objects.outreach_allowed().contains(member)


def test_outreach_needs_the_opt_in_even_when_verified():
    member = verified_member(user=UserFactory())

    assert outreach(member) == (False, False)
    Member.objects.filter(pk=member.pk).update(invites=True)
    assert outreach(member) == (True, True)


def test_outreach_to_a_signed_up_member_needs_a_confirmed_address():
    member = MemberFactory(email="ada@example.org", user=UserFactory(), invites=True)

    assert outreach(member) == (False, False)
    email_mark_verified(member=member, email="ada@example.org")
    assert outreach(member) == (True, True)


def test_outreach_to_a_roster_member_who_opted_in_needs_no_confirmation():
    """Imported with ``"invites": true`` and no login: the roster carried the consent."""
    exchange.network_import(
        document={
            "members": [
                {"key": "m-0001", "name": "Ada", "email": "ada@example.org", "invites": True},
                {"key": "m-0002", "name": "Bea", "email": "bea@example.org"},
            ]
        }
    )
    ada, bea = Member.objects.order_by("key")

    assert outreach(ada) == (True, True)
    assert outreach(bea) == (False, False)


def test_outreach_needs_an_address():
    member = MemberFactory(email="", invites=True)

    assert outreach(member) == (False, False)


def test_email_verify_confirms_the_address_the_link_was_sent_to():
    member = MemberFactory(email="Ada@Example.org")
    other = MemberFactory(email="bea@example.org")

    verified = email_verify(verification_token(member))

    assert verified == member
    member.refresh_from_db()
    assert member.verified_email == "Ada@Example.org"
    assert member.email_verified_at is not None
    assert is_verified(member) is True
    assert list(Member.objects.verified()) == [member]
    assert is_verified(Member.objects.get(pk=other.pk)) is False


def test_email_verify_a_second_time_says_so_and_keeps_the_first_time():
    member = MemberFactory(email="ada@example.org")
    token = verification_token(member)
    email_verify(token)
    first = Member.objects.get(pk=member.pk).email_verified_at

    with pytest.raises(EmailAlreadyVerified) as raised:
        email_verify(token)

    assert raised.value.member == member
    assert Member.objects.get(pk=member.pk).email_verified_at == first


def test_a_link_for_an_old_address_does_not_verify_the_new_one():
    member = MemberFactory(email="old@example.org")
    token = verification_token(member)
    member.email = "new@example.org"
    member.save(update_fields=["email"])

    with pytest.raises(VerificationLinkInvalid) as raised:
        email_verify(token)

    assert str(raised.value) == STALE
    assert is_verified(Member.objects.get(pk=member.pk)) is False


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("nonsense", INVALID),
        ("eyJtIjoxfQ:1vQ2xS:forged-signature-here", INVALID),
        (signing.dumps({"m": 1, "e": "x"}, salt="some.other.purpose"), INVALID),
        ("", INVALID),
    ],
    ids=["garbage", "forged", "other-salt", "empty"],
)
def test_email_verify_refuses_a_bad_link_and_changes_nothing(token, message):
    member = MemberFactory(email="ada@example.org")

    with pytest.raises(VerificationLinkInvalid) as raised:
        email_verify(token)

    assert str(raised.value) == message
    assert is_verified(Member.objects.get(pk=member.pk)) is False


def test_email_verify_refuses_an_expired_link():
    member = MemberFactory(email="ada@example.org")
    payload = {"m": member.pk, "e": email_digest(member.email)}
    fresh = signed_days_ago(payload, 2.9)
    expired = signed_days_ago(payload, 3.1)

    with pytest.raises(VerificationLinkInvalid) as raised:
        email_verify(expired)

    assert str(raised.value) == EXPIRED
    assert is_verified(Member.objects.get(pk=member.pk)) is False
    assert email_verify(fresh) == member


@pytest.mark.parametrize(
    "payload",
    [{"m": 10**9, "e": "x"}, {"m": "1"}, ["m", 1], {"e": "x"}],
    ids=["unknown-member", "pk-as-text", "list", "no-member"],
)
def test_email_verify_refuses_a_signed_link_that_names_no_member(payload):
    MemberFactory(email="ada@example.org")

    with pytest.raises(VerificationLinkInvalid) as raised:
        email_verify(signing.dumps(payload, salt=LINK_SALT))

    assert str(raised.value) == STALE


def test_a_member_without_an_address_cannot_be_verified():
    member = MemberFactory(email="")

    with pytest.raises(VerificationLinkInvalid):
        email_verify(verification_token(member))
    email_mark_verified(member=member, email="")

    assert is_verified(Member.objects.get(pk=member.pk)) is False


def test_the_link_names_no_address():
    member = MemberFactory(email="ada@example.org")

    url = verification_url(member, next_url="/events/potluck/")

    assert url.startswith("http://127.0.0.1:8000/accounts/verify/")
    assert url.endswith("/?next=%2Fevents%2Fpotluck%2F")
    assert "ada" not in signing.b64_decode(url.split("/")[-2].split(":")[0].encode()).decode()


def test_email_mark_verified_takes_the_address_in_any_case():
    member = MemberFactory(email="Ada@Example.org")

    email_mark_verified(member=member, email=" ada@example.ORG ")

    member.refresh_from_db()
    assert member.verified_email == "Ada@Example.org"
    assert is_verified(member) is True


def test_email_mark_verified_for_another_address_verifies_nothing():
    member = MemberFactory(email="ada@example.org")

    email_mark_verified(member=member, email="someone-else@example.org")

    member.refresh_from_db()
    assert (member.verified_email, member.email_verified_at) == ("", None)


def test_email_mark_verified_twice_keeps_the_first_time_and_writes_nothing():
    member = MemberFactory(email="ada@example.org")
    email_mark_verified(member=member, email="ada@example.org")
    first = member.email_verified_at

    with CaptureQueriesContext(connection) as queries:
        email_mark_verified(member=member, email="ada@example.org")

    assert len(queries) == 0
    assert Member.objects.get(pk=member.pk).email_verified_at == first


def verified_member(email="ada@example.org", **fields) -> Member:
    member = MemberFactory(email=email, **fields)
    return email_mark_verified(member=member, email=email)


def test_any_change_of_the_address_unverifies_even_a_bulk_update():
    member = verified_member()

    Member.objects.filter(pk=member.pk).update(email="elsewhere@example.org")

    member.refresh_from_db()
    assert is_verified(member) is False
    assert list(Member.objects.verified()) == []


def test_an_import_that_changes_the_address_unverifies():
    member = verified_member(key="m-0001", name="Ada")
    document = {"members": [{"key": "m-0001", "name": "Ada", "email": "typo@example.org"}]}

    exchange.network_import(document=document)

    member.refresh_from_db()
    assert member.email == "typo@example.org"
    assert is_verified(member) is False


def test_a_change_of_case_only_unverifies_too():
    """Verified means exactly the address confirmed: conservative, and the same answer
    in Python and in SQL on every database."""
    member = verified_member(email="ada@example.org")

    Member.objects.filter(pk=member.pk).update(email="ADA@example.org")

    assert is_verified(Member.objects.get(pk=member.pk)) is False
    assert list(Member.objects.verified()) == []


def test_member_erase_forgets_the_confirmation_and_the_opt_in():
    member = verified_member(invites=True)

    member_erase(member=member)

    member.refresh_from_db()
    assert (member.email, member.verified_email, member.email_verified_at) == ("", "", None)
    assert member.invites is False
    assert may_receive_outreach(member) is False
