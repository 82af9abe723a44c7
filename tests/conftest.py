import pytest
from django.test import Client

from tests.factories import PINNED_TODAY, UserFactory, local_time


@pytest.fixture
def curator():
    """A staff superuser: the curator role."""
    return UserFactory(username="curator", is_staff=True, is_superuser=True)


@pytest.fixture
def curator_client(curator):
    client = Client()
    client.force_login(curator)
    return client


@pytest.fixture
def member_user():
    return UserFactory(username="ordinary")


@pytest.fixture
def member_client(member_user):
    client = Client()
    client.force_login(member_user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches, so cached overlaps and pages never leak between
    tests."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def today():
    """The pinned day for code that takes ``today=`` (tests/factories.PINNED_TODAY): results
    never depend on the date or the time of day the suite runs at."""
    return PINNED_TODAY


@pytest.fixture
def now(today):
    """Noon (local time) of the pinned day, for code that takes ``now=``."""
    return local_time(today, 12)
