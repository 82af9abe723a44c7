"""/me/ for organizers (issue 14, item 5): events I host (drafts, upcoming, past with
attendance), invitations to co-host, requests to decide, proposals my organizations can
run; empty states; nothing of it for members who organize nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.selectors import PAST_HOSTED_SHOWN, organizer_dashboard
from events.models import Proposal, ProposalHost, ProposalStatus
from tests.factories import (
    EventFactory,
    EventHostFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    RSVPFactory,
    days_from_now,
)
from tests.helpers import logged_in, make_organizer

pytestmark = pytest.mark.django_db


def section(content: str, title_id: str) -> str:
    start = content.index(f'aria-labelledby="{title_id}"')
    return content[start : content.index("</section>", start)]


@pytest.fixture
def world():
    fight = MovementFactory(slug="fight-for-15", name="Fight for $15")
    gardens = MovementFactory(slug="food-justice", name="Food Justice")
    union = OrganizationFactory(slug="local-1021", name="Local 1021")
    garden = OrganizationFactory(slug="garden-collective", name="Garden Collective")
    return {
        "fight": fight,
        "gardens": gardens,
        "union": union,
        "garden": garden,
        "union_organizer": make_organizer(union, "una"),
        "garden_organizer": make_organizer(garden, "gil"),
    }


def proposal(world, *, title: str, hosts, status=ProposalStatus.OPEN, score=0.5) -> Proposal:
    made = Proposal.objects.create(
        identity=f"potluck:{title}", kind="potluck", title=title, status=status, score=score
    )
    made.movements.set([world["fight"], world["gardens"]])
    for rank, (organization, movement) in enumerate(hosts, start=1):
        ProposalHost.objects.create(
            proposal=made, organization=organization, movement=movement, rank=rank
        )
    return made


def hosted(world, slug: str, *, days: int, status="published", **kwargs):
    return EventFactory(
        slug=slug,
        title=slug.replace("-", " ").title(),
        starts_at=days_from_now(days),
        status=status,
        movements=[world["fight"], world["gardens"]],
        hosts=[world["union"]],
        **kwargs,
    )


def test_me_lists_hosted_drafts_upcoming_and_past_with_attendance(world):
    draft = hosted(world, "draft-potluck", days=20, status="draft")
    upcoming = hosted(world, "next-potluck", days=7, capacity=10)
    past = hosted(world, "last-potluck", days=-10)
    hosted(world, "called-off", days=5, status="cancelled")
    EventFactory(slug="someone-elses", movements=[world["fight"]], hosts=[world["garden"]])
    for i in range(3):
        RSVPFactory(event=upcoming, member=MemberFactory(key=f"u-{i}"))
    for i in range(4):
        RSVPFactory(
            event=past,
            member=MemberFactory(key=f"p-{i}"),
            checked_in_at=past.starts_at if i < 3 else None,
        )

    dashboard = organizer_dashboard(world["union_organizer"])
    page = logged_in(world["union_organizer"]).get("/me/").content.decode()

    assert [e.slug for e in dashboard["hosted_drafts"]] == [draft.slug]
    assert [e.slug for e in dashboard["hosted_upcoming"]] == [upcoming.slug]
    assert [(e.slug, e.going_count, e.checked_in_count) for e in dashboard["hosted_past"]] == [
        (past.slug, 4, 3)
    ]
    mine = section(page, "hosted-events-title")
    assert "Draft Potluck" in mine
    assert "3 going of 10" in mine
    assert "3 came of 4 going" in mine
    assert "called-off" not in mine
    assert "someone-elses" not in mine
    assert 'href="/events/last-potluck/attendees/"' in mine


def test_me_past_hosted_events_show_the_latest_few(world):
    for i in range(PAST_HOSTED_SHOWN + 2):
        hosted(world, f"past-{i:02d}", days=-2 - i)

    past = organizer_dashboard(world["union_organizer"])["hosted_past"]

    assert [e.slug for e in past] == [f"past-{i:02d}" for i in range(PAST_HOSTED_SHOWN)]


def test_me_proposals_my_organizations_can_run(world):
    mine = proposal(
        world,
        title="Ours",
        hosts=[(world["union"], world["fight"]), (world["garden"], world["gardens"])],
    )
    proposal(world, title="Theirs only", hosts=[(world["garden"], world["gardens"])])
    proposal(world, title="Decided", hosts=[(world["union"], world["fight"])], status="dismissed")

    dashboard = organizer_dashboard(world["union_organizer"])
    page = logged_in(world["union_organizer"]).get("/me/").content.decode()

    assert dashboard["runnable_proposals"] == [mine]
    assert [
        (h.organization.slug, h.movement.slug) for h in dashboard["runnable_proposals"][0].mine
    ] == [("local-1021", "fight-for-15")]
    shown = section(page, "runnable-proposals-title")
    assert f'href="{mine.get_absolute_url()}"' in shown
    assert "<strong>Local 1021</strong> is suggested to host for Fight for $15." in shown
    assert "Theirs only" not in shown
    assert "Decided" not in shown


def test_me_invitation_to_co_host_shows_for_the_invited_organizer(world):
    event = hosted(world, "joint-potluck", days=9)
    EventHostFactory(event=event, organization=world["garden"], movement=world["gardens"])

    page = logged_in(world["garden_organizer"]).get("/me/").content.decode()

    invitations = section(page, "host-invitations-title")
    assert "Joint Potluck" in invitations
    assert 'action="/events/joint-potluck/hosts/garden-collective/confirm/"' in invitations
    # Invited, not confirmed: not among the events they host.
    assert "Joint Potluck" not in section(page, "hosted-events-title")


def test_me_organizer_sections_have_empty_states(world):
    page = logged_in(world["union_organizer"]).get("/me/").content.decode()

    assert "Your organizations host no event yet." in section(page, "hosted-events-title")
    assert "No invitation to co-host is waiting for your organizations." in section(
        page, "host-invitations-title"
    )
    assert "Nobody is waiting for a decision on a request to organize." in section(
        page, "requests-to-decide-title"
    )
    assert "No open proposal names your organizations as a host right now." in section(
        page, "runnable-proposals-title"
    )


def test_me_member_who_organizes_nothing_sees_no_organizer_sections(member_client, world):
    hosted(world, "next-potluck", days=7)
    proposal(world, title="Ours", hosts=[(world["union"], world["fight"])])

    page = member_client.get("/me/").content.decode()

    for title_id in [
        "hosted-events-title",
        "host-invitations-title",
        "requests-to-decide-title",
        "runnable-proposals-title",
    ]:
        assert title_id not in page
    assert organizer_dashboard(None)["organizes"] is False


def test_me_organizer_past_membership_does_not_count(world):
    membership = world["union_organizer"].member.memberships.get()
    membership.until = timezone.localdate() - datetime.timedelta(days=1)
    membership.save(update_fields=["until"])
    hosted(world, "next-potluck", days=7)

    assert organizer_dashboard(world["union_organizer"])["organizes"] is False


def test_me_organizer_sections_run_a_fixed_number_of_queries(world):
    client = logged_in(world["union_organizer"])

    def grow(numbers):
        for i in numbers:
            for days, status in [(-3 - i, "published"), (5 + i, "published"), (9 + i, "draft")]:
                event = hosted(world, f"e-{i}-{status}-{days}", days=days, status=status)
                RSVPFactory(event=event, member=MemberFactory(key=f"g-{i}-{days}"))
            proposal(world, title=f"P{i}", hosts=[(world["union"], world["fight"])])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/me/").status_code == 200
        return len(queries)

    grow(range(2))
    few = count()
    grow(range(2, 12))

    assert count() == few
