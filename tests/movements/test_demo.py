import io
import statistics

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from movements import demo
from movements.exchange import dumps, network_export
from movements.models import (
    Engagement,
    Member,
    Membership,
    Movement,
    Organization,
    Participation,
    Tension,
)
from tests.factories import PINNED_TODAY, MovementFactory, UserFactory

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def bootstrap() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("bootstrap_demo", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def slugs(related) -> set[str]:
    return set(related.values_list("slug", flat=True))


def people_in(movement: str) -> set[int]:
    """People on the roster in ``movement`` (the demo's events add attendance on top)."""
    return set(
        Engagement.objects.filter(movement__slug=movement)
        .exclude(source="event", organization=None)
        .values_list("member", flat=True)
    )


def roster_engagements() -> int:
    """Engagements but those the demo's check-ins created (attendance, no organization).
    The demo's events add FOLLOW_THROUGH real ones too (events/demo.py)."""
    return Engagement.objects.exclude(source="event", organization=None).count()


# The five attendees of the demo's Oakland potluck who took up an engagement in its other
# movement (events/demo.py): entered by hand after the seed, not on the roster.
FOLLOW_THROUGH = 5


def organizations_in(movement: str) -> set[str]:
    return set(
        Participation.objects.filter(movement__slug=movement).values_list(
            "organization__slug", flat=True
        )
    )


def days(engagement: Engagement, today=PINNED_TODAY) -> int:
    return ((engagement.until or today) - engagement.since).days


def test_seed_demo_loads_the_bay_area_network():
    output = seed()

    assert output == (
        "Demo network (scale 1): 14 movements, 25 organizations, 103 people, "
        "180 engagements; 510 rows created, 0 updated or removed.\n"
        "Demo organizer request: 1 created.\n"
        "Demo events: 7 created.\n"
    )
    assert Movement.objects.count() == 14
    assert Organization.objects.count() == 25
    assert Member.objects.count() == 103
    assert roster_engagements() == 180 + FOLLOW_THROUGH
    assert Tension.objects.count() == 4
    assert set(Movement.objects.values_list("sector", flat=True)) == {
        "labor",
        "environmental",
        "student",
        "community",
        "solidarity",
        "faith",
    }
    assert set(Organization.objects.values_list("kind", flat=True)) == {
        "union",
        "collective",
        "nonprofit",
        "student_group",
        "faith_group",
        "political",
        "coalition",
        "other",
    }
    assert Member.objects.public().count() == 7
    assert Member.objects.filter(key="m-0001").get().email == "marisol.gutierrez@example.org"


def test_seed_demo_people_have_distinct_names_and_emails_at_example_org():
    members = demo.demo_document()["members"]

    assert len({m["name"] for m in members}) == 103
    assert len({m["email"] for m in members}) == 103
    assert all(m["email"].endswith("@example.org") for m in members)
    assert [m["key"] for m in members[:2]] == ["m-0001", "m-0002"]


def test_seed_demo_potluck_pair_shares_food_and_oakland_with_weak_ties():
    seed()
    fast_food = Movement.objects.get(slug=demo.FIGHT_FOR_15)
    gardens = Movement.objects.get(slug=demo.FOOD_JUSTICE)

    assert (fast_food.sector, fast_food.constituency) == ("labor", "fast-food workers")
    assert (gardens.sector, gardens.constituency) == ("community", "neighbourhood gardeners")
    assert slugs(fast_food.themes) == {"wages", "food"}
    assert slugs(gardens.themes) == {"food", "land", "health"}
    assert "strike" in slugs(fast_food.tactics)
    assert slugs(gardens.tactics) == {"urban-gardening", "mutual-aid"}
    assert slugs(fast_food.regions) == slugs(gardens.regions) == {"oakland"}
    # One person on the roster, and the five who crossed after the pair's potluck of 1,200
    # days ago; only three of them are still engaged, so within the overlaps' window (three
    # years) the pair shares four people: a withheld count, no public tie.
    assert len(people_in(demo.FIGHT_FOR_15) & people_in(demo.FOOD_JUSTICE)) == 1 + FOLLOW_THROUGH
    ongoing = Engagement.objects.filter(until=None).exclude(source="event")
    assert (
        len(
            set(ongoing.filter(movement=fast_food).values_list("member", flat=True))
            & set(ongoing.filter(movement=gardens).values_list("member", flat=True))
        )
        == 4
    )
    assert organizations_in(demo.FIGHT_FOR_15) & organizations_in(demo.FOOD_JUSTICE) == {
        demo.BRIDGE_ORGANIZATION
    }
    assert (
        Tension.objects.between(fast_food, gardens)
        .get()
        .note.startswith("Higher wages can raise food prices")
    )


def test_seed_demo_student_divestment_campaigns_share_tactic_and_sector_not_themes():
    seed()

    campaigns = Movement.objects.filter(sector="student", tactics__slug="divestment")

    assert slugs(campaigns) == {demo.FOSSIL_FREE, demo.UC_DIVEST, demo.PRISON_DIVEST}
    themes = [slugs(m.themes) for m in campaigns]
    assert set.intersection(*themes) == set()
    assert {"climate"} in themes
    assert {"palestine"} in themes
    assert all(slugs(m.regions) == {"berkeley"} for m in campaigns)
    assert len(people_in(demo.FOSSIL_FREE) & people_in(demo.UC_DIVEST)) == 2


def test_seed_demo_railroad_workers_and_blockaders_share_strike_and_blockade_in_richmond():
    seed()
    railroad = Movement.objects.get(slug=demo.RAILROAD)
    blockaders = Movement.objects.get(slug=demo.OIL_TRAINS)

    assert (railroad.sector, blockaders.sector) == ("labor", "environmental")
    assert slugs(railroad.tactics) & slugs(blockaders.tactics) == {"strike", "blockade"}
    assert slugs(railroad.regions) == slugs(blockaders.regions) == {"richmond"}
    assert Tension.objects.between(railroad, blockaders).count() == 1
    assert len(people_in(demo.CLIMATE_JUSTICE) & people_in(demo.OIL_TRAINS)) == 9


def test_seed_demo_political_organization_hops_and_its_members_leave_with_it():
    seed()
    hopper = Organization.objects.get(slug=demo.HOPPER)
    participations = list(hopper.participations.all())
    through_it = list(Engagement.objects.filter(organization=hopper))

    assert hopper.kind == "political"
    assert len(participations) == 20
    assert len({p.movement_id for p in participations}) == 9
    assert sum(p.until is None for p in participations) == 2
    assert statistics.median((p.until - p.since).days for p in participations if p.until) < 300
    assert len(through_it) == 79
    assert sum(e.until is None for e in through_it) == 14
    assert statistics.median(days(e) for e in through_it) < 300


def test_seed_demo_steady_union_and_collective_keep_people_for_years():
    seed()

    for slug in (demo.STEADY_UNION, demo.STEADY_COLLECTIVE):
        engagements = list(Engagement.objects.filter(organization__slug=slug))
        assert sum(e.until is None for e in engagements) == len(engagements) - 1
        assert statistics.median(days(e) for e in engagements) > 6 * 365
        assert Membership.objects.filter(organization__slug=slug, until=None).count() == 8


def test_seed_demo_twice_changes_nothing():
    seed()
    first = dumps(network_export())

    output = seed()

    assert output == (
        "Demo network (scale 1): 14 movements, 25 organizations, 103 people, "
        "180 engagements; already loaded, nothing changed.\n"
        "Demo events: already there, left alone.\n"
    )
    assert dumps(network_export()) == first
    assert roster_engagements() == 180 + FOLLOW_THROUGH
    assert Tension.objects.count() == 4


def test_demo_document_is_deterministic_and_dated_before_november_2026():
    document = demo.demo_document(3)
    rows = [
        row
        for member in document["members"]
        for row in member["memberships"] + member["engagements"]
    ] + [p for org in document["organizations"] for p in org["participations"]]

    assert document == demo.demo_document(3)
    assert max(row["since"] for row in rows) <= "2026-10-31"
    assert max(row["until"] for row in rows if row["until"]) <= "2026-10-31"
    assert all(row["until"] is None or row["since"] <= row["until"] for row in rows)


def test_seed_demo_scale_two_adds_generated_records_idempotently():
    output = seed("--scale", "2")
    first = dumps(network_export())
    again = seed("--scale", "2")

    assert output == (
        "Demo network (scale 2): 16 movements, 43 organizations, 398 people, "
        "1646 engagements; 2752 rows created, 0 updated or removed.\n"
        "Demo organizer request: 1 created.\n"
        "Demo events: 8 created.\n"
    )
    assert again.endswith(
        "already loaded, nothing changed.\nDemo events: already there, left alone.\n"
    )
    assert dumps(network_export()) == first
    assert Movement.objects.filter(slug__startswith="gen-movement-").count() == 2
    assert Organization.objects.filter(slug__startswith="gen-org-").count() == 18
    assert Member.objects.filter(key__startswith="g-").count() == 295
    assert roster_engagements() == 1646 + FOLLOW_THROUGH


def test_scaled_counts_follow_the_documented_formula():
    assert demo.scaled_counts(1) == (0, 0, 0)
    assert demo.scaled_counts(2) == (2, 18, 295)
    assert demo.scaled_counts(170) == (296, 3042, 49855)


@pytest.mark.parametrize("scale", ["0", "-3", "many"])
def test_seed_demo_refuses_a_bad_scale(scale):
    with pytest.raises(CommandError, match="must be a whole number of 1 or more"):
        seed("--scale", scale)

    assert Movement.objects.count() == 0


def test_bootstrap_demo_seeds_once_and_creates_the_demo_logins_once(settings):
    settings.DEBUG = True

    first, _ = bootstrap()
    second, _ = bootstrap()

    logins = [
        "Demo admin: http://127.0.0.1:8000/admin/  user admin  password coalition-demo",
        "Demo organizer: http://127.0.0.1:8000/accounts/login/  user organizer  "
        "password coalition-demo",
        "Demo member: http://127.0.0.1:8000/accounts/login/  user member  password coalition-demo",
    ]
    assert first.splitlines() == [
        "Demo network (scale 1): 14 movements, 25 organizations, 103 people, "
        "180 engagements; 510 rows created, 0 updated or removed.",
        "Demo organizer request: 1 created.",
        "Demo events: 7 created.",
        *logins,
    ]
    assert second.splitlines() == [
        "The directory already has movements; not loading the demo.",
        *logins,
    ]
    admin = get_user_model().objects.get(username="admin")
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    assert admin.check_password("coalition-demo")
    assert get_user_model().objects.count() == 3
    assert Movement.objects.count() == 14


def test_bootstrap_demo_organizer_organizes_the_food_justice_side_and_member_is_invitable(
    settings,
):
    settings.DEBUG = True

    bootstrap()

    organizer = get_user_model().objects.get(username="organizer")
    member = get_user_model().objects.get(username="member")
    assert organizer.check_password("coalition-demo")
    assert member.check_password("coalition-demo")
    assert (organizer.is_staff, member.is_staff) == (False, False)
    assert list(Organization.objects.managed_by(organizer).values_list("slug", flat=True)) == [
        demo.STEADY_COLLECTIVE
    ]
    assert list(Organization.objects.managed_by(member)) == []
    assert list(
        Member.objects.outreach_allowed().filter(user=member).values_list("key", flat=True)
    ) == ["demo-member"]
    assert set(
        Engagement.objects.filter(member__user__in=[organizer, member]).values_list(
            "movement__slug", flat=True
        )
    ) == {demo.FOOD_JUSTICE, demo.FIGHT_FOR_15}


def test_bootstrap_demo_leaves_an_existing_directory_and_admin_password_alone(settings):
    settings.DEBUG = True
    MovementFactory(slug="already-here")
    UserFactory(username="admin", is_staff=True, is_superuser=True, password="changed-it")

    out, _ = bootstrap()

    assert Movement.objects.count() == 1
    assert get_user_model().objects.get(username="admin").check_password("changed-it")
    assert "user admin  password coalition-demo" not in out
    assert "user admin  (already exists; its password was changed" in out


def test_bootstrap_demo_refuses_the_demo_admin_without_debug(settings):
    settings.DEBUG = False

    out, err = bootstrap()

    assert get_user_model().objects.count() == 0
    assert Movement.objects.count() == 14
    assert "password" not in out
    assert err == (
        "DJANGO_DEBUG is off: not creating the demo admin, whose password is public. "
        "Create a real one with `manage.py createsuperuser`.\n"
    )
