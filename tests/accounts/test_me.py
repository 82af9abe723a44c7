"""/me/: the signed-in person's own RSVPs, organizations, history, roles and visibility."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from movements.models import (
    EngagementRole,
    EngagementSource,
    Member,
    MembershipRole,
    Visibility,
)
from tests.factories import (
    EngagementFactory,
    EventFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    RSVPFactory,
    UserFactory,
    days_from_now,
    next_year,
)
from tests.helpers import error_codes, logged_in

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# Next year, so the RSVPs stay upcoming whatever day the suite runs; both in summer time.
NEXT = next_year()
POTLUCK_STARTS = datetime.datetime(NEXT, 5, 1, 1, 0, tzinfo=UTC)  # 30 April, 6 PM in Oakland
PANEL_STARTS = datetime.datetime(NEXT, 6, 2, 16, 30, tzinfo=UTC)  # 2 June, 9:30 AM


def weekday(year: int, month: int, day: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[
        datetime.date(year, month, day).weekday()
    ]


def main_of(response):
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


@pytest.fixture
def ada():
    """A member with upcoming RSVPs, memberships past and present, and a history."""
    user = UserFactory(username="ada")
    member = MemberFactory(key="m-ada", name="Ada Okafor", user=user)
    fight = MovementFactory(name="Fight for $15", slug="fight-for-15")
    gardens = MovementFactory(name="Food Justice Gardens", slug="food-justice")
    union = OrganizationFactory(name="Local 1021", slug="local-1021")
    gardeners = OrganizationFactory(name="Planting Justice", slug="planting-justice")
    old = OrganizationFactory(name="Old Tenants Union", slug="old-tenants")

    MembershipFactory(
        member=member,
        organization=union,
        role=MembershipRole.ORGANIZER,
        since=datetime.date(2021, 3, 1),
    )
    MembershipFactory(member=member, organization=gardeners, since=datetime.date(2022, 9, 1))
    MembershipFactory(
        member=member,
        organization=old,
        role=MembershipRole.LEADER,
        since=datetime.date(2015, 1, 1),
        until=datetime.date(2018, 6, 30),
    )
    EngagementFactory(
        member=member,
        movement=fight,
        organization=union,
        role=EngagementRole.ORGANIZER,
        since=datetime.date(2021, 3, 1),
    )
    EngagementFactory(
        member=member,
        movement=gardens,
        since=datetime.date(2019, 5, 1),
        until=datetime.date(2020, 2, 1),
        source=EngagementSource.IMPORT,
    )
    EngagementFactory(
        member=member,
        movement=gardens,
        organization=gardeners,
        since=datetime.date(2024, 4, 6),
        until=datetime.date(2024, 4, 6),
        source=EngagementSource.EVENT,
    )

    potluck = EventFactory(
        title="Wages and Gardens Potluck",
        slug="wages-gardens-potluck",
        starts_at=POTLUCK_STARTS,
        ends_at=POTLUCK_STARTS + datetime.timedelta(hours=3),
        venue="Community hall",
        movements=[fight, gardens],
    )
    panel = EventFactory(
        title="Divest Panel",
        slug="divest-panel",
        starts_at=PANEL_STARTS,
        ends_at=PANEL_STARTS + datetime.timedelta(hours=2),
        venue="",
    )
    called_off = EventFactory(title="Called Off Workshop", slug="called-off", status="cancelled")
    RSVPFactory(event=panel, member=member, status="waitlisted")
    RSVPFactory(event=potluck, member=member, status="going", guests=2)
    RSVPFactory(event=called_off, member=member, status="going")
    # Not shown: a cancelled RSVP and an event that is over.
    RSVPFactory(
        event=EventFactory(title="Gave Up", slug="gave-up"), member=member, status="cancelled"
    )
    over = EventFactory(
        title="Last Year's Rally",
        slug="last-rally",
        starts_at=days_from_now(-2),
        ends_at=days_from_now(-2) + datetime.timedelta(hours=1),
    )
    RSVPFactory(event=over, member=member, status="going")
    return user


@pytest.fixture
def someone_else():
    """Another person with data of their own, RSVPing to one of ada's events too."""
    user = UserFactory(username="other")
    member = MemberFactory(key="m-other", name="Secret Other Person", user=user)
    hidden_org = OrganizationFactory(name="Hidden Collective", slug="hidden")
    MembershipFactory(member=member, organization=hidden_org, role=MembershipRole.LEADER)
    EngagementFactory(member=member, movement=MovementFactory(name="Hidden Movement"))
    RSVPFactory(
        event=EventFactory(title="Hidden Gathering", slug="hidden-gathering"), member=member
    )
    return user


def test_me_sends_anonymous_visitors_to_log_in(client):
    response = client.get("/me/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/"


def test_me_refuses_anonymous_visibility_changes(client):
    member = MemberFactory(user=UserFactory(username="ada"))

    response = client.post("/me/", {"visibility": "public"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/"
    member.refresh_from_db()
    assert member.visibility == Visibility.PRIVATE


def test_me_gives_a_user_without_a_member_a_private_one(member_client, member_user):
    response = member_client.get("/me/")

    assert response.status_code == 200
    member = Member.objects.get(user=member_user)
    assert (member.key, member.name, member.email, member.visibility) == (
        f"user-{member_user.pk}",
        "ordinary",
        "ordinary@example.org",
        Visibility.PRIVATE,
    )
    content = main_of(response)
    assert "You have no upcoming events." in content
    assert "You are not a member of any organization at the moment." in content
    assert "No engagement recorded yet." in content
    assert (
        "<li>You are a member. Organizers and leaders of an organization can run its events.</li>"
        in content
    )
    assert 'href="/events/new/"' not in content


def test_me_lists_my_upcoming_rsvps_soonest_first(ada):
    response = logged_in(ada).get("/me/")

    assert response.status_code == 200
    assert [(r.event.slug, r.status) for r in response.context["rsvps"]] == [
        ("called-off", "going"),
        ("wages-gardens-potluck", "going"),
        ("divest-panel", "waitlisted"),
    ]
    content = main_of(response)
    assert (
        '<h3 class="card__title"><a href="/events/wages-gardens-potluck/">'
        "Wages and Gardens Potluck</a></h3>\n"
        f'      <p class="card__meta"><time datetime="{NEXT}-04-30T18:00:00-07:00">'
        f"{weekday(NEXT, 4, 30)} 30 April {NEXT}, 6:00 PM</time> · Community hall</p>"
    ) in content
    assert (
        '<span class="status status--going">You are going</span> '
        '<span class="muted">with 2 guests</span>'
    ) in content
    assert (
        f'<p class="card__meta"><time datetime="{NEXT}-06-02T09:30:00-07:00">'
        f"{weekday(NEXT, 6, 2)} 2 June {NEXT}, 9:30 AM</time></p>"
    ) in content
    assert '<span class="status status--waitlisted">You are on the waitlist</span>' in content
    assert '<form method="post" action="/events/wages-gardens-potluck/rsvp/cancel/"' in content
    assert '<form method="post" action="/events/divest-panel/rsvp/cancel/"' in content
    assert (
        'Cancel my RSVP<span class="visually-hidden"> for Wages and Gardens Potluck</span>'
    ) in content
    assert ('Leave the waitlist<span class="visually-hidden"> for Divest Panel</span>') in content
    # two cancel forms, the calendar feed's "turn on", visibility, invitations, "send the
    # link again"
    assert content.count('name="csrfmiddlewaretoken"') == 6
    # A cancelled event shows as such, with nothing to cancel.
    assert '<span class="status status--cancelled">Event cancelled</span>' in content
    assert 'action="/events/called-off/rsvp/cancel/"' not in content
    assert "Gave Up" not in content
    assert "Last Year&#x27;s Rally" not in content


def test_me_lists_my_organizations_and_roles(ada):
    response = logged_in(ada).get("/me/")

    assert [(m.organization.slug, m.role) for m in response.context["current_memberships"]] == [
        ("planting-justice", "member"),
        ("local-1021", "organizer"),
    ]
    assert [m.organization.slug for m in response.context["past_memberships"]] == ["old-tenants"]
    content = main_of(response)
    assert (
        '<li><a href="/organizations/local-1021/">Local 1021</a>\n <span class="role">Organizer'
        '</span> <span class="muted">since <time datetime="2021-03-01">Mar 2021</time></span></li>'
    ) in content
    assert (
        '<li><a href="/organizations/old-tenants/">Old Tenants Union</a>\n <span class="role">'
        'Leader</span> <span class="muted"><time datetime="2015-01-01">Jan 2015</time> – '
        '<time datetime="2018-06-30">Jun 2018</time></span></li>'
    ) in content
    # Organizer of Local 1021 only: the ended leadership gives no role.
    assert [o.slug for o in response.context["organizing_for"]] == ["local-1021"]
    assert (
        '<li>You organize for <a href="/organizations/local-1021/">Local 1021</a>.</li>'
    ) in content
    assert 'You organize for <a href="/organizations/old-tenants/">' not in content
    assert '<a class="button" href="/events/new/">Create an event</a>' in content


def test_me_shows_my_engagement_history_latest_first(ada):
    response = logged_in(ada).get("/me/")

    assert [
        (e.movement.slug, e.organization and e.organization.slug, e.source)
        for e in response.context["engagements"]
    ] == [
        ("food-justice", "planting-justice", "event"),
        ("fight-for-15", "local-1021", "manual"),
        ("food-justice", None, "import"),
    ]
    content = main_of(response)
    assert (
        '<th scope="row"><a href="/movements/food-justice/">Food Justice Gardens</a></th>\n'
        "          <td>Participant</td>\n"
        '          <td><a href="/organizations/planting-justice/">Planting Justice</a>\n</td>\n'
        '          <td><time datetime="2024-04-06">Apr 2024</time> – '
        '<time datetime="2024-04-06">Apr 2024</time></td>\n'
        '          <td><span class="badge badge--event">Event attendance</span></td>'
    ) in content
    assert (
        '<td><time datetime="2021-03-01">Mar 2021</time> – ongoing</td>\n'
        "          <td>Entered by hand</td>"
    ) in content
    assert (
        '<td><span class="muted">—</span></td>\n'
        '          <td><time datetime="2019-05-01">May 2019</time> – '
        '<time datetime="2020-02-01">Feb 2020</time></td>\n'
        "          <td>Imported roster</td>"
    ) in content


def test_me_shows_only_my_own_data(ada, someone_else):
    shared = EventFactory(title="Shared Supper", slug="shared-supper")
    RSVPFactory(event=shared, member=someone_else.member)
    RSVPFactory(event=shared, member=ada.member)

    mine = main_of(logged_in(ada).get("/me/"))
    theirs = main_of(logged_in(someone_else).get("/me/"))

    for secret in [
        "Secret Other Person",
        "Hidden Collective",
        "Hidden Movement",
        "Hidden Gathering",
        "other@example.org",
        "m-other",
    ]:
        assert secret not in mine
    assert "Shared Supper" in mine
    for secret in ["Ada Okafor", "Local 1021", "Wages and Gardens Potluck", "Fight for $15"]:
        assert secret not in theirs
    assert "Hidden Gathering" in theirs
    assert "Shared Supper" in theirs


def test_me_names_curators_and_lets_them_create_events(curator_client):
    content = main_of(curator_client.get("/me/"))

    assert (
        '<li>You are a curator: you keep the directory true in <a href="/admin/">the admin</a>.'
        "</li>"
    ) in content
    assert '<a class="button" href="/events/new/">Create an event</a>' in content


def test_me_changes_visibility_and_says_so(ada):
    client = logged_in(ada)

    response = client.post("/me/", {"visibility": "public"}, follow=True)

    assert response.redirect_chain == [("/me/", 302)]
    ada.member.refresh_from_db()
    assert ada.member.visibility == Visibility.PUBLIC
    assert [str(m) for m in response.context["messages"]] == ["Your profile is now public."]
    assert (
        "<p>Your profile is <strong>public — my name and history can be shown</strong>.</p>"
        in (response.content.decode())
    )

    client.post("/me/", {"visibility": "private"})
    ada.member.refresh_from_db()
    assert ada.member.visibility == Visibility.PRIVATE


@pytest.mark.parametrize("data", [{"visibility": "everyone"}, {}], ids=["unknown", "missing"])
def test_me_refuses_a_bad_visibility_and_changes_nothing(ada, data):
    response = logged_in(ada).post("/me/", data)

    assert response.status_code == 400
    ada.member.refresh_from_db()
    assert ada.member.visibility == Visibility.PRIVATE
    content = main_of(response)
    code = "invalid_choice" if data else "required"
    assert error_codes(response.context["form"].errors) == {"visibility": [code]}
    if data:  # our message; the missing value's is Django's own wording
        error = "<li>Choose private or public.</li></ul>"
        assert f'<ul class="errorlist" id="id_visibility_error">{error}' in content
    else:
        assert '<ul class="errorlist" id="id_visibility_error"><li>' in content
    assert "<p>Your profile is <strong>private — only me and curators</strong>.</p>" in content


def test_me_visibility_form_has_labels_and_explains_each_choice(ada):
    content = main_of(logged_in(ada).get("/me/"))

    assert "<legend>Visibility:</legend>" in content
    assert (
        '<input type="radio" name="visibility" value="private" required id="id_visibility_0" '
        "checked>" in content
    )
    assert (
        '<label for="id_visibility_1"><input type="radio" name="visibility" value="public" '
        'required id="id_visibility_1">' in content
    )
    assert "<strong>Private</strong> (the default)" in content
    assert "<strong>Public</strong>: your name and your engagement history" in content
    assert "<script" not in content
    assert "style=" not in content


def grow(user, numbers):
    """Give ``user``'s member an upcoming RSVP, a membership and an engagement per number."""
    member = user.member
    for i in numbers:
        organization = OrganizationFactory(slug=f"grow-org-{i}")
        MembershipFactory(member=member, organization=organization, role=MembershipRole.LEADER)
        EngagementFactory(member=member, organization=organization, source=EngagementSource.EVENT)
        RSVPFactory(event=EventFactory(slug=f"grow-event-{i}"), member=member)


def queries_for(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/me/").status_code == 200
    return len(queries)


def test_me_runs_a_fixed_number_of_queries(ada, django_assert_max_num_queries):
    client = logged_in(ada)
    grow(ada, range(3))
    few = queries_for(client)
    grow(ada, range(3, 30))

    # session, user, member, RSVPs, memberships, engagements, organizer check, the
    # invitations to co-host, the timeline's own three (memberships, engagements, attended
    # events: member_timeline) and the organizer requests to decide and of my own
    # (organizer_requests_on_me), the organizer sections' organizations, hosted events and
    # runnable proposals (organizer_dashboard; tests/accounts/test_me_organizing.py grows
    # those)
    with django_assert_max_num_queries(16):
        response = client.get("/me/")

    assert len(response.context["rsvps"]) == 33
    assert queries_for(client) == few


def test_me_cancel_button_cancels_through_the_event_pages(ada):
    client = logged_in(ada)
    content = main_of(client.get("/me/"))
    action = '<form method="post" action="/events/divest-panel/rsvp/cancel/"'
    assert action in content

    response = client.post("/events/divest-panel/rsvp/cancel/")

    assert response.status_code == 302
    rsvp = ada.member.rsvps.get(event__slug="divest-panel")
    assert rsvp.status == "cancelled"
    assert [r.event.slug for r in client.get("/me/").context["rsvps"]] == [
        "called-off",
        "wages-gardens-potluck",
    ]
