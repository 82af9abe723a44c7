"""The public directory pages: home, movement and organization lists and details."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from movements.models import MovementStatus, OrganizationKind, ParticipationRole, Sector
from tests.factories import (
    EngagementFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
    RegionFactory,
    TacticFactory,
    TensionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

ARCHIVED = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def names(response, key):
    return [obj.name for obj in response.context[key]]


@pytest.fixture
def network():
    """Two labour/community movements that share an organization, plus an archived one."""
    oakland = RegionFactory(slug="oakland", name="Oakland")
    food = ThemeFactory(slug="food", name="Food")
    strike = TacticFactory(slug="strike", name="Strike")
    fight = MovementFactory(
        name="Fight for $15",
        slug="fight-for-15",
        summary="Fast-food workers organizing for $15.",
        description="Started in New York.\n\nNow everywhere.",
        sector=Sector.LABOR,
        constituency="fast-food workers",
        started_on=datetime.date(2013, 4, 1),
        website="https://fightfor15.example.org",
        themes=[food],
        tactics=[strike],
        regions=[oakland],
    )
    gardens = MovementFactory(
        name="Food Justice Gardens", slug="food-justice", sector=Sector.COMMUNITY
    )
    archived = MovementFactory(name="Archived Drive", slug="archived-drive", archived_at=ARCHIVED)
    union = OrganizationFactory(
        name="Local 1021",
        slug="local-1021",
        kind=OrganizationKind.UNION,
        region=oakland,
        description="A union of public workers.",
        founded_on=datetime.date(2007, 3, 1),
        website="https://local1021.example.org",
        contact_email="hello@local1021.example.org",
    )
    gardeners = OrganizationFactory(name="Planting Justice", slug="planting-justice")
    gone = OrganizationFactory(name="Gone Collective", slug="gone", archived_at=ARCHIVED)
    ParticipationFactory(organization=union, movement=fight, role=ParticipationRole.LEAD)
    ParticipationFactory(organization=gardeners, movement=fight, role=ParticipationRole.ALLY)
    ParticipationFactory(organization=gardeners, movement=gardens, role=ParticipationRole.LEAD)
    ParticipationFactory(
        organization=union,
        movement=gardens,
        role=ParticipationRole.PARTNER,
        since=datetime.date(2018, 1, 1),
        until=datetime.date(2019, 6, 30),
    )
    ParticipationFactory(organization=gone, movement=fight)
    ParticipationFactory(organization=union, movement=archived)
    TensionFactory(movement_a=fight, movement_b=gardens, note="Higher wages raise food prices.")
    TensionFactory(movement_a=fight, movement_b=archived, note="Hidden tension.")
    return {"fight": fight, "gardens": gardens, "union": union, "gardeners": gardeners}


# --- Home ---------------------------------------------------------------------------------


def test_home_shows_counts_and_featured_active_movements(client, network):
    MovementFactory(name="Sleeping Campaign", slug="sleeping", status=MovementStatus.DORMANT)

    response = client.get("/")

    assert response.status_code == 200
    # Featured: most organizations first, then by name; dormant and archived left out.
    assert names(response, "featured_movements") == ["Fight for $15", "Food Justice Gardens"]
    assert response.context["movement_total"] == 3
    assert response.context["organization_total"] == 2
    content = response.content.decode()
    assert "Where movements meet" in content
    assert 'href="/movements/"' in content
    assert 'href="/organizations/"' in content
    assert "Sleeping Campaign" not in content
    assert "Archived Drive" not in content


def test_home_with_an_empty_directory_says_so(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "No movements are listed yet." in response.content.decode()


# --- Movement list ------------------------------------------------------------------------


def test_movement_list_lists_visible_movements_by_name(client, network):
    response = client.get("/movements/")

    assert response.status_code == 200
    assert names(response, "movements") == ["Fight for $15", "Food Justice Gardens"]
    content = response.content.decode()
    assert "Archived Drive" not in content
    assert '<a href="/movements/fight-for-15/">Fight for $15</a>' in content
    assert "Fast-food workers organizing for $15." in content
    assert "2 organizations · fewer than 5 people" in content
    assert 'href="/movements/?theme=food"' in content
    assert 'href="/movements/?tactic=strike"' in content
    assert "2 movements" in content


def test_movement_list_empty_filter_result_offers_to_clear(client, network):
    response = client.get("/movements/", {"q": "nothing like this"})

    assert response.status_code == 200
    assert list(response.context["movements"]) == []
    content = response.content.decode()
    assert 'No movements match these filters. <a href="/movements/">Clear filters</a>' in content


def test_movement_list_paginates_and_keeps_the_filters(client, settings):
    settings.COALITION_PAGE_SIZE = 2
    oakland = RegionFactory(slug="oakland")
    for letter in "ABCDE":
        MovementFactory(name=f"Campaign {letter}", slug=f"campaign-{letter.lower()}")
    for letter in "VWXYZ":
        MovementFactory(
            name=f"Oakland {letter}", slug=f"oakland-{letter.lower()}", regions=[oakland]
        )

    first = client.get("/movements/", {"region": "oakland"})
    second = client.get("/movements/", {"region": "oakland", "page": 2})

    assert names(first, "movements") == ["Oakland V", "Oakland W"]
    assert names(second, "movements") == ["Oakland X", "Oakland Y"]
    assert 'href="?region=oakland&amp;page=2" rel="next"' in first.content.decode()
    content = second.content.decode()
    assert 'href="?region=oakland&amp;page=1" rel="prev"' in content
    assert 'href="?region=oakland&amp;page=3" rel="next"' in content
    assert "Page 2 of 3" in content


@pytest.mark.parametrize("page", ["9", "0", "abc"])
def test_movement_list_page_out_of_range_is_404(client, network, page):
    response = client.get("/movements/", {"page": page})

    assert response.status_code == 404


def test_movement_list_marks_the_current_nav_item(client, network):
    content = client.get("/movements/").content.decode()

    assert '<a href="/movements/" aria-current="page">Movements</a>' in content
    assert '<a href="/organizations/">Organizations</a>' in content


# --- Movement detail ----------------------------------------------------------------------


def test_movement_detail_shows_the_movement(client, network):
    response = client.get("/movements/fight-for-15/")

    assert response.status_code == 200
    movement = response.context["movement"]
    assert [p.organization.name for p in movement.current_participations] == [
        "Local 1021",
        "Planting Justice",
    ]
    assert movement.past_participations == []
    assert [(other.name, note) for other, note in response.context["tensions"]] == [
        ("Food Justice Gardens", "Higher wages raise food prices.")
    ]
    content = response.content.decode()
    assert "<h1>Fight for $15</h1>" in content
    assert "fast-food workers" in content
    assert "April 2013" in content
    assert "<p>Started in New York.</p>\n\n<p>Now everywhere.</p>" in content
    assert 'href="/movements/?region=oakland">Oakland</a>' in content
    assert 'href="https://fightfor15.example.org"' in content
    assert (
        '<a href="/organizations/local-1021/">Local 1021</a> <span class="role">Lead</span>'
        in (content)
    )
    assert '<a href="/movements/food-justice/">Food Justice Gardens</a>' in content
    assert "Gone Collective" not in content
    assert "Archived Drive" not in content
    assert "Hidden tension." not in content


def test_movement_detail_lists_past_participations_after_current_ones(client, network):
    response = client.get("/movements/food-justice/")

    movement = response.context["movement"]
    assert [p.organization.name for p in movement.current_participations] == ["Planting Justice"]
    assert [p.organization.name for p in movement.past_participations] == ["Local 1021"]
    content = response.content.decode()
    assert content.index("Planting Justice") < content.index("<h3>Earlier</h3>")
    assert content.index("<h3>Earlier</h3>") < content.index("Local 1021")
    assert (
        '<time datetime="2018-01-01">Jan 2018</time> – <time datetime="2019-06-30">Jun 2019</time>'
        in content
    )


def test_movement_detail_a_future_participation_is_not_shown_yet(client, network):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    newcomer = OrganizationFactory(name="Newcomers", slug="newcomers")
    ParticipationFactory(organization=newcomer, movement=network["gardens"], since=tomorrow)

    response = client.get("/movements/food-justice/")

    assert "Newcomers" not in response.content.decode()


@pytest.mark.parametrize("slug", ["archived-drive", "no-such-movement"])
def test_movement_detail_archived_or_unknown_is_404(client, network, slug):
    response = client.get(f"/movements/{slug}/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# --- Organization list --------------------------------------------------------------------


def test_organization_list_lists_visible_organizations(client, network):
    response = client.get("/organizations/")

    assert response.status_code == 200
    assert names(response, "organizations") == ["Local 1021", "Planting Justice"]
    union = response.context["organizations"][0]
    # Current participations in visible movements only: not the past one, not the archived one.
    assert [p.movement.name for p in union.current_participations] == ["Fight for $15"]
    content = response.content.decode()
    assert "Gone Collective" not in content
    assert "Union · Oakland" in content
    assert 'In <a href="/movements/fight-for-15/">Fight for $15</a></p>' in content


def test_organization_list_empty_filter_result_offers_to_clear(client, network):
    response = client.get("/organizations/", {"kind": OrganizationKind.FAITH_GROUP})

    assert response.status_code == 200
    assert (
        'No organizations match these filters. <a href="/organizations/">Clear filters</a>'
        in response.content.decode()
    )


# --- Organization detail ------------------------------------------------------------------


def test_organization_detail_shows_the_organization(client, network):
    response = client.get("/organizations/local-1021/")

    assert response.status_code == 200
    organization = response.context["organization"]
    assert [p.movement.name for p in organization.current_participations] == ["Fight for $15"]
    assert [p.movement.name for p in organization.past_participations] == ["Food Justice Gardens"]
    content = response.content.decode()
    assert "<h1>Local 1021</h1>" in content
    assert "A union of public workers." in content
    assert "March 2007" in content
    assert "Yes, organizing today" in content
    assert 'href="mailto:hello@local1021.example.org"' in content
    assert 'href="https://local1021.example.org"' in content
    assert 'href="/organizations/?region=oakland">Oakland</a>' in content
    assert "Archived Drive" not in content


def test_organization_detail_shows_an_inactive_organization_as_such(client):
    OrganizationFactory(name="Old Union", slug="old-union", active=False)

    content = client.get("/organizations/old-union/").content.decode()

    assert "No longer active" in content


@pytest.mark.parametrize("slug", ["gone", "no-such-organization"])
def test_organization_detail_archived_or_unknown_is_404(client, network, slug):
    response = client.get(f"/organizations/{slug}/")

    assert response.status_code == 404


# --- Query counts: fixed whatever the data size --------------------------------------------


def grow_network(count: int, start: int = 0):
    """``count`` movements, each with a theme, a tactic, a region, an organization taking
    part, a member of it engaged in the movement, and a tension with the first movement."""
    region = RegionFactory(slug="bay-area")
    first = None
    for i in range(start, start + count):
        movement = MovementFactory(
            name=f"Movement {i:03d}",
            slug=f"movement-{i:03d}",
            themes=[ThemeFactory(slug=f"theme-{i:03d}")],
            tactics=[TacticFactory(slug=f"tactic-{i:03d}")],
            regions=[RegionFactory(slug=f"region-{i:03d}", parent=region)],
        )
        organization = OrganizationFactory(
            name=f"Organization {i:03d}", slug=f"organization-{i:03d}", region=region
        )
        ParticipationFactory(organization=organization, movement=movement)
        ParticipationFactory(
            organization=organization,
            movement=MovementFactory(slug="movement-000"),
            since=datetime.date(2015, 1, 1),
            until=datetime.date(2016, 1, 1),
        )
        member = MemberFactory()
        MembershipFactory(member=member, organization=organization)
        EngagementFactory(member=member, movement=movement, organization=organization)
        first = first or movement
        if movement != first:
            TensionFactory(movement_a=first, movement_b=movement)


def count_queries(client, url):
    # Cold (what the first request after a write pays): people bridging movements, once
    # computed, is served stale after writes (network.followthrough.bridging_by_quarter).
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


PAGES = [
    "/",
    "/movements/",
    "/movements/?region=bay-area&theme=theme-001&tactic=tactic-001&q=Movement",
    "/movements/movement-000/",
    "/organizations/",
    "/organizations/?region=bay-area&movement=movement-001&kind=collective",
    "/organizations/organization-000/",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_query_count_does_not_grow_with_the_data(client, url):
    grow_network(3)
    small = count_queries(client, url)

    grow_network(27, start=3)
    large = count_queries(client, url)

    assert small == large


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # The anonymous visitor's lists read the cache versions first (the page cache).
        # three totals, featured movements, their themes/tactics/regions, and people
        # bridging movements (1: network.followthrough; then cached per network version
        # and day, and served stale while refreshed)
        ("/", 9),
        ("/movements/", 9),  # count, page, themes/tactics/regions, theme/tactic/region choices
        # ... plus looking up the theme, tactic and region slugs
        ("/movements/?region=bay-area&theme=theme-001&tactic=tactic-001&q=Movement", 12),
        # movement, themes/tactics/regions, current and past participations, tensions,
        # related movements (8: network.overlaps), proposals and their movements (2),
        # engagement insights (3: network.insights.measures)
        ("/movements/movement-000/", 20),
        ("/organizations/", 6),  # count, page, participations, movement/region choices
        # ... plus looking up the movement and region slugs
        ("/organizations/?region=bay-area&movement=movement-001&kind=collective", 8),
        # organization, current and past participations, engagement insights (4)
        ("/organizations/organization-000/", 7),
    ],
)
def test_page_query_count_is_pinned(
    client, member_client, django_assert_max_num_queries, url, expected
):
    grow_network(30)

    with django_assert_max_num_queries(expected):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(expected + 2):  # the session and the user
        assert member_client.get(url).status_code == 200


def test_nav_offers_curators_the_admin_and_others_a_log_in(client, curator_client):
    anonymous = client.get("/").content.decode()
    curator = curator_client.get("/").content.decode()

    assert '<a href="/accounts/login/?next=/">Log in</a>' in anonymous
    assert '<a href="/admin/">Admin</a>' not in anonymous
    assert '<a href="/admin/">Admin</a>' in curator
    assert "Log in" not in curator


def test_base_template_is_accessible_without_javascript(client):
    content = client.get("/").content.decode()

    assert '<html lang="en">' in content
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in content
    assert '<a class="skip-link" href="#main">Skip to content</a>' in content
    assert '<main id="main" class="wrap" tabindex="-1">' in content
    assert '<link rel="stylesheet" href="/static/css/coalition.css">' in content
    assert "<script" not in content
    assert "style=" not in content


def test_500_page_renders_without_a_request():
    content = render_to_string("500.html")

    assert "<h1>Something went wrong</h1>" in content
    assert '<a href="/">Back to the home page</a>' in content
