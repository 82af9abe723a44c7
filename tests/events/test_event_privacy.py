"""Privacy on the event pages: attendees are never named publicly, private events are
reachable by link but never listed, and their address is only for people going."""

import icalendar
import pytest
from django.test import Client

from events.models import RSVPStatus
from movements.models import MembershipRole
from tests.factories import (
    EventFactory,
    MemberFactory,
    MembershipFactory,
    MovementFactory,
    OrganizationFactory,
    RSVPFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = ["Zelda Secretperson", "Secretperson", "zelda@secret.example", "zelda@"]
ADDRESS = "99 Hidden Lane, Oakland"
LINK = "https://meet.example.org/private-room"
KEY = "quiet-meeting-secret-key-1"


@pytest.fixture
def events():
    movement = MovementFactory(slug="food-justice", name="Food Justice")
    host = OrganizationFactory(slug="planting-justice", name="Planting Justice")
    public = EventFactory(
        title="Open Potluck", slug="open-potluck", movements=[movement], hosts=[host]
    )
    private = EventFactory(
        title="Quiet Meeting",
        slug="quiet-meeting",
        visibility="private",
        link_key=KEY,
        venue="Back room",
        address=ADDRESS,
        online_link=LINK,
        movements=[movement],
        hosts=[host],
    )
    zelda = MemberFactory(name="Zelda Secretperson", email="zelda@secret.example", key="m-z")
    RSVPFactory(event=public, member=zelda, movement=movement)
    RSVPFactory(event=private, member=zelda, movement=movement)
    return {"public": public, "private": private, "host": host, "movement": movement}


def signed_in(username: str, *, organizer_of=None, staff=False) -> tuple[Client, object]:
    user = UserFactory(username=username, is_staff=staff, is_superuser=staff)
    member = MemberFactory(user=user, name=f"{username.title()} Person", key=f"m-{username}")
    if organizer_of is not None:
        MembershipFactory(member=member, organization=organizer_of, role=MembershipRole.ORGANIZER)
    client = Client()
    client.force_login(user)
    return client, member


PUBLIC_PAGES = [
    "/events/",
    "/events/?kind=potluck&movement=food-justice",
    "/events/open-potluck/",
    f"/events/quiet-meeting/?key={KEY}",
    "/events/open-potluck.ics",
    f"/events/quiet-meeting.ics?key={KEY}",
    "/events/feed.ics",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_attendee_names_never_on_public_pages(events, path):
    other_organizer, _ = signed_in("olga", organizer_of=OrganizationFactory())
    member, _ = signed_in("mo")
    host, _ = signed_in("hana", organizer_of=events["host"])
    curator, _ = signed_in("cura", staff=True)

    for client in (Client(), member, other_organizer, host, curator):
        response = client.get(path)
        assert response.status_code == 200
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body


def test_attendee_names_not_in_the_htmx_partial(events):
    client, _ = signed_in("mo")

    body = client.post(
        "/events/open-potluck/rsvp/", {"guests": "0"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "You are going" in body
    for secret in SECRETS:
        assert secret not in body


def test_private_event_is_not_listed_but_reachable_by_link(client, events):
    listed = [event.slug for event in client.get("/events/").context["events"]]
    feed = icalendar.Calendar.from_ical(client.get("/events/feed.ics").content)

    assert listed == ["open-potluck"]
    assert [str(vevent["SUMMARY"]) for vevent in feed.walk("VEVENT")] == ["Open Potluck"]
    page = client.get(f"/events/quiet-meeting/?key={KEY}")
    assert page.status_code == 200
    assert "<h1>Quiet Meeting</h1>" in page.content.decode()
    assert "Private: not listed" in page.content.decode()


def page_and_ics(client) -> tuple[str, str]:
    page = client.get(f"/events/quiet-meeting/?key={KEY}").content.decode()
    ics = client.get(f"/events/quiet-meeting.ics?key={KEY}").content
    (vevent,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return page, str(vevent.get("LOCATION", ""))


def test_private_address_hidden_from_people_not_going(events):
    member, mine = signed_in("mo")
    waiting, theirs = signed_in("wai")
    RSVPFactory(event=events["private"], member=theirs, status=RSVPStatus.WAITLISTED)
    gone, left = signed_in("gon")
    RSVPFactory(event=events["private"], member=left, status=RSVPStatus.CANCELLED)
    other_organizer, _ = signed_in("olga", organizer_of=OrganizationFactory())

    for client in (Client(), member, waiting, gone, other_organizer):
        page, location = page_and_ics(client)
        assert ADDRESS not in page
        assert LINK not in page
        assert "Shown to people who are going." in page
        assert location == "Back room"


def test_private_address_shown_to_people_going_and_managers(events):
    going, member = signed_in("goer")
    RSVPFactory(event=events["private"], member=member)
    host, _ = signed_in("hana", organizer_of=events["host"])
    curator, _ = signed_in("cura", staff=True)

    for client in (going, host, curator):
        page, location = page_and_ics(client)
        assert f"<dd>{ADDRESS}</dd>" in page
        assert f'href="{LINK}"' in page
        assert location == f"Back room, {ADDRESS}, {LINK}"


def test_public_event_address_is_public(client, events):
    body = client.get("/events/open-potluck/").content.decode()

    assert "<dd>1 Main Street, Oakland</dd>" in body


def test_attendee_list_is_refused_to_everyone_but_managers(events):
    member, _ = signed_in("mo")
    other_organizer, _ = signed_in("olga", organizer_of=OrganizationFactory())
    for client in (member, other_organizer):
        # A private event's management pages answer as an unknown slug.
        assert client.get("/events/quiet-meeting/attendees/").status_code == 404
        assert client.get("/events/quiet-meeting/attendees.csv").status_code == 404
        assert client.get("/events/open-potluck/attendees/").status_code == 403
    assert Client().get("/events/quiet-meeting/attendees/").status_code == 302
