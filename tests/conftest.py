import pytest

from tests import scenarios
from tests.factories import PINNED_TODAY, OrganizationFactory, UserFactory, local_time
from tests.helpers import TaskQueue, logged_in, make_organizer


@pytest.fixture
def curator():
    """A staff superuser: the curator role."""
    return UserFactory(username="curator", is_staff=True, is_superuser=True)


@pytest.fixture
def curator_client(curator):
    return logged_in(curator)


@pytest.fixture
def member_user():
    return UserFactory(username="ordinary")


@pytest.fixture
def member_client(member_user):
    return logged_in(member_user)


@pytest.fixture
def organization():
    """The organization ``organizer`` organizes. A module overrides this fixture to make the
    organizer one of its own organizations (e.g. a scenario's host)."""
    return OrganizationFactory(slug="organizers-union", name="Organizers' Union")


@pytest.fixture
def organizer(organization):
    """A user whose Member organizes ``organization``: an ongoing organizer Membership."""
    return make_organizer(organization)


@pytest.fixture
def organizer_client(organizer):
    """A client signed in as ``organizer``."""
    return logged_in(organizer)


@pytest.fixture
def proposal_network():
    """tests/scenarios.proposal_network: the potluck and the panel proposals."""
    return scenarios.proposal_network()


@pytest.fixture
def map_network():
    """tests/scenarios.map_network: two pairs of overlapping movements and what is left out."""
    return scenarios.map_network()


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


@pytest.fixture
def task_queue(settings) -> TaskQueue:
    """Tasks wait (Django's DummyBackend, which can defer) instead of running at once, as
    they wait for the worker in production; ``run()`` runs them as the worker would."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return TaskQueue()
