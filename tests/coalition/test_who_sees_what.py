"""Who sees what: README's privacy table, walked role by role.

Each row names one piece of data, the page (or file, or API answer) where someone could
look for it, and the roles that find it there. Every role not named must not find it. The
roles are those of ``tests.helpers.ROLES`` and the person the data is about:

- ``anonymous``: a visitor who is not signed in;
- ``member``: signed in, organizes nothing, not going;
- ``other_organizer``: organizes another group (Campus Climate);
- ``host_organizer``: organizes the event's host (the Fast Food Union);
- ``curator``: staff;
- ``the_person``: Ada, who RSVP'd to the potluck and to the private meeting.

Bea (no role here) asks to organize for the Fast Food Union.

Later issues add their rows here (PRODUCT.md, Privacy). A row's ``find`` is a string that
must appear in the answer, or a function of the answer that says whether the data is
there (for data that is only meaningful in one place of the answer, such as one CSV cell).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axes.models import AccessLog
from django.test import Client

from events.models import EventStatus, MessageAudience
from events.services import event_message_send, event_outreach_send, rsvp_create
from movements.models import Member, Visibility
from movements.organizing import organizer_request_create
from tests.factories import (
    EngagementFactory,
    EventFactory,
    EventHostFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.helpers import ROLES, logged_in, make_organizer, role_client

pytestmark = pytest.mark.django_db

EVERYONE = (*ROLES, "the_person")
NAME = "Ada Quietperson"
EMAIL = "ada.quiet@example.org"
ADDRESS = "12 Hidden Lane, Oakland"
STREET = "12 Hidden Lane"  # the address as it reads in a page and in an .ics (commas escaped)
PRIVATE_TITLE = "Tenants and Teachers Strategy Night"
SECRET_MOVEMENT = "Rent Strike Network"
KEY = "strategy-night-secret-link-key"
SUBJECT = "Bring a dish from your kitchen"
BROWSER = "AdaBrowser/1.0 (who-sees-what)"
# Bea asks to organize for the Fast Food Union (the host): her request is its organizers'
# and the curators' to decide, and nobody else's to see.
ASKER = "Bea Askingperson"
ASKER_EMAIL = "bea.asking@example.org"
ASKER_NOTE = "I cooked for the last three union picnics."
INVITED_NAME = "Ines Invitedperson"
INVITED_HOST = "Quiet Bakery Cooperative"
INVITED_SLUG = "quiet-bakery-cooperative"
# Ada's calendar feed: its secret link is the whole authority (calendar apps cannot log in),
# so whoever holds it sees the events she is going to, as she would; nobody else's name.
FEED_TOKEN = "ada-calendar-feed-token-0123456789"
FEED = f"/me/calendar/{FEED_TOKEN}.ics"
# The Fast Food Union has a handful of members for its movements: stretched.
CAPACITY = "Takes on more struggles than its people can hold"


@dataclass(frozen=True)
class Row:
    """``find`` in the answer to GET ``url`` is seen by ``seen_by`` and by nobody else."""

    data: str
    url: str
    find: str | Callable[[str], bool]
    seen_by: frozenset[str]


def row(data: str, url: str, find, *seen_by: str) -> Row:
    unknown = set(seen_by) - set(EVERYONE)
    assert not unknown, unknown
    return Row(data, url, find, frozenset(seen_by))


def csv_cell(name: str, column: str, value: str) -> Callable[[str], bool]:
    """Whether the CSV row of ``name`` has ``value`` in ``column``."""

    def found(text: str) -> bool:
        lines = text.splitlines()
        if not lines or "," not in lines[0]:
            return False
        header = lines[0].split(",")
        if column not in header:
            return False
        rows = [line.split(",") for line in lines[1:]]
        return any(cells[0] == name and cells[header.index(column)] == value for cells in rows)

    return found


def invited_count(label: str) -> str:
    """The manage box's line of people invited through Fight for $15."""
    return f'Through Fight for $15</span>: <span class="outreach__count">{label}</span>'


MANAGERS = ("host_organizer", "curator")
ROWS = [
    # The person's name: only the event's managers, on the attendee page and its CSV.
    row("attendee's name", "/events/potluck/", NAME),
    row("attendee's name", "/events/potluck/attendees/", NAME, *MANAGERS),
    row("attendee's name", "/events/potluck/attendees.csv", NAME, *MANAGERS),
    row("attendee's name", "/api/events/potluck/", NAME),
    row("attendee's name", "/me/", NAME, "the_person"),
    # The person's email: the person and the curators; organizers send messages instead.
    row("attendee's email", "/events/potluck/attendees/", EMAIL, "curator"),
    row("attendee's email", "/events/potluck/attendees.csv", EMAIL, "curator"),
    row("attendee's email", "/api/events/potluck/", EMAIL),
    row("attendee's email", "/me/", EMAIL, "the_person"),
    row("attendee's email", "/me/data.json", EMAIL, "the_person"),
    # The movement the person chose to come through: the event's managers.
    row(
        "movement chosen on the RSVP",
        "/events/potluck/attendees.csv",
        csv_cell(NAME, "movement", "food-justice"),
        *MANAGERS,
    ),
    # A private engagement: the person (and curators in the admin), never an organizer.
    row("private engagement", "/events/potluck/attendees/", SECRET_MOVEMENT),
    row("private engagement", "/events/potluck/attendees.csv", SECRET_MOVEMENT),
    row("private engagement", "/me/", SECRET_MOVEMENT, "the_person"),
    row("private engagement", "/me/data.json", SECRET_MOVEMENT, "the_person"),
    row("private engagement", "/movements/rent-strike-network/", NAME),
    row("member records", "/admin/movements/member/", NAME, "curator"),
    # A private event: its managers and the people going; with the key, anyone.
    row("private event", "/events/", PRIVATE_TITLE),
    row("private event", "/events/strategy-night/", PRIVATE_TITLE, *MANAGERS, "the_person"),
    row("private event", f"/events/strategy-night/?key={KEY}", PRIVATE_TITLE, *EVERYONE),
    row("private event", "/api/events/strategy-night/", PRIVATE_TITLE, *MANAGERS, "the_person"),
    row("private event", "/events/feed.ics", PRIVATE_TITLE),
    # A private event's address: its managers and the people going, even with the key.
    row("private address", f"/events/strategy-night/?key={KEY}", ADDRESS, *MANAGERS, "the_person"),
    row(
        "private address",
        f"/events/strategy-night.ics?key={KEY}",
        STREET,
        *MANAGERS,
        "the_person",
    ),
    # The person's calendar feed: its link on /me/ for her alone; what it holds for whoever
    # has the link (the private event and its address: she is going), never her name or
    # address.
    row("calendar feed link", "/me/", FEED_TOKEN, "the_person"),
    row("private event", FEED, PRIVATE_TITLE, *EVERYONE),
    row("private address", FEED, STREET, *EVERYONE),
    row("attendee's name", FEED, NAME),
    row("attendee's email", FEED, EMAIL),
    row("calendar feed link", "/me/data.json", FEED_TOKEN),
    # Messages organizers sent: the event's managers see the log (never who got them).
    row("messages organizers sent", "/events/potluck/messages/", SUBJECT, *MANAGERS),
    row("messages organizers sent", "/events/potluck/messages/", NAME),
    # Login records (django-axes): the person, in their data export.
    row("login records", "/me/data.json", BROWSER, "the_person"),
    # A request to organize: its deciders (the organization's organizers, curators).
    row("organizer request's name", "/organizations/fast-food-union/", ASKER),
    row("organizer request's name", "/organizations/fast-food-union/organize/", ASKER, *MANAGERS),
    row("organizer request's name", "/me/", ASKER, *MANAGERS),
    row("organizer request's name", "/api/organizer-requests/", ASKER, *MANAGERS),
    row("organizer request's name", "/admin/movements/organizerrequest/", ASKER, "curator"),
    row("organizer request's note", "/organizations/fast-food-union/", ASKER_NOTE),
    row("organizer request's note", "/me/", ASKER_NOTE, *MANAGERS),
    row("organizer request's note", "/api/organizer-requests/", ASKER_NOTE, *MANAGERS),
    row("organizer request's email", "/organizations/fast-food-union/organize/", ASKER_EMAIL),
    row("organizer request's email", "/me/", ASKER_EMAIL),
    row("organizer request's email", "/api/organizer-requests/", ASKER_EMAIL),
    # People-counts below the threshold: exact for curators, "fewer than 5" for the rest.
    row(
        "small movement's size",
        "/movements/rent-strike-network/",
        "<dd>1 person</dd>",
        "curator",
    ),
    row(
        "small movement's size",
        "/movements/rent-strike-network/",
        "<dd>fewer than 5 people</dd>",
        *(role for role in EVERYONE if role != "curator"),
    ),
    # Outreach: how many were invited per movement, for the event's managers (suppressed
    # below the threshold but for curators); who, for nobody.
    row("invitations per movement", "/events/potluck/", invited_count("2 people"), "curator"),
    row(
        "invitations per movement",
        "/events/potluck/",
        invited_count("fewer than 5 people"),
        "host_organizer",
    ),
    row("invited person's name", "/events/potluck/", INVITED_NAME),
    row("invited person's name", "/events/potluck/attendees/", INVITED_NAME),
    row("invited person's name", "/events/potluck/attendees.csv", INVITED_NAME),
    row("invited person's name", "/api/events/potluck/", INVITED_NAME),
    # An invitation to co-host: the event's managers only, on its page, its hosts page and
    # the hosts API; never in the event's public answers or the list.
    row("co-host invitation", "/events/potluck/", INVITED_HOST, *MANAGERS),
    row("co-host invitation", "/events/potluck/hosts/", INVITED_HOST, *MANAGERS),
    row("co-host invitation", "/api/events/potluck/hosts/", INVITED_SLUG, *MANAGERS),
    row("co-host invitation", "/api/events/potluck/", INVITED_SLUG),
    row("co-host invitation", "/events/", INVITED_HOST),
    row(
        "API size below the threshold",
        "/api/movements/rent-strike-network/",
        '"people_count":1',
        "curator",
    ),
    # An organization's capacity warning: its organizers and the curators, never the public.
    row("capacity warning", "/organizations/fast-food-union/", CAPACITY, *MANAGERS),
    row("capacity warning", "/api/organizations/fast-food-union/insights/", CAPACITY, *MANAGERS),
    # Follow-through (issue 16): a private event's opens as the event does; people in two
    # movements below the threshold, for curators only.
    row(
        "private event's follow-through",
        "/api/events/strategy-night/follow-through/",
        '"measured":false',
        *MANAGERS,
        "the_person",
    ),
    row(
        "private event's follow-through",
        f"/api/events/strategy-night/follow-through/?key={KEY}",
        '"measured":false',
        *EVERYONE,
    ),
    row(
        "API pair overlap below the threshold",
        "/api/overlaps/fight-for-15/rent-strike-network/",
        '"shared_members":1',
        "curator",
    ),
    row(
        "API pair overlap below the threshold",
        "/api/overlaps/rent-strike-network/fight-for-15/",
        '"shared_members":null',
        *(role for role in EVERYONE if role != "curator"),
    ),
]


@pytest.fixture
def world(proposal_network):
    """The potluck (hosted by the Fast Food Union) and a private meeting, both with Ada
    going; Ada is privately engaged in a third movement she chose not to mention."""
    network = proposal_network
    secret = MovementFactory(slug="rent-strike-network", name=SECRET_MOVEMENT)
    user = UserFactory(username="ada", email=EMAIL)
    ada = MemberFactory(user=user, name=NAME, email=EMAIL, key="m-ada")
    assert ada.visibility == Visibility.PRIVATE
    EngagementFactory(member=ada, movement=secret)
    EngagementFactory(member=ada, movement=network["fast_food"])
    potluck = EventFactory(
        slug="potluck",
        movements=[network["fast_food"], network["food_justice"]],
        hosts=[network["union"]],
        status=EventStatus.PUBLISHED,
    )
    meeting = EventFactory(
        slug="strategy-night",
        title=PRIVATE_TITLE,
        movements=[network["fast_food"]],
        hosts=[network["union"]],
        visibility="private",
        link_key=KEY,
        address=ADDRESS,
    )
    rsvp_create(event=potluck, member=ada, movement=network["food_justice"])
    rsvp_create(event=meeting, member=ada)
    Member.objects.filter(pk=ada.pk).update(calendar_token=FEED_TOKEN)
    organizer = make_organizer(network["union"], "potluck-host", name="Potluck Host")
    event_message_send(
        event=potluck,
        sender=organizer,
        subject=SUBJECT,
        body="See you there.",
        audience=MessageAudience.GOING,
    )
    AccessLog.objects.create(username="ada", ip_address="192.0.2.7", user_agent=BROWSER)
    organizer_request_create(
        member=MemberFactory(
            key="m-bea", name=ASKER, email=ASKER_EMAIL, user=UserFactory(username="bea")
        ),
        organization=network["union"],
        note=ASKER_NOTE,
    )
    # The Garden Collective co-hosts for Food Justice: the potluck is joint, so it invites.
    EventHostFactory(
        event=potluck,
        organization=network["gardens"],
        movement=network["food_justice"],
        status="confirmed",
    )
    # Two roster members who opted in to invitations, invited to the potluck.
    for key, name in [("m-ines", INVITED_NAME), ("m-ivo", "Ivo Invitedperson")]:
        invited = MemberFactory(key=key, name=name, invites=True)
        EngagementFactory(member=invited, movement=network["fast_food"])
    assert len(event_outreach_send(event=potluck)) == 2
    bakery = OrganizationFactory(slug=INVITED_SLUG, name=INVITED_HOST)
    EventHostFactory(event=potluck, organization=bakery, movement=network["food_justice"])
    return {**network, "ada": user}


def client_for(role: str, world) -> Client:
    if role == "the_person":
        return logged_in(world["ada"])
    return role_client(role, host=world["union"], other=world["campus"])


def answer_text(client: Client, url: str) -> str:
    """The answer's text; a refusal (log-in redirect, 403, 404) shows nothing."""
    response = client.get(url)
    if response.status_code != 200:
        return ""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_every_row_names_known_roles_and_each_role_sees_something():
    """The table is about data someone sees: no row without a role, no role without a
    row (a role that sees nothing would mean the fixtures are wrong)."""
    assert all(row.seen_by or row.url for row in ROWS)
    assert set().union(*(row.seen_by for row in ROWS)) == set(EVERYONE)


@pytest.mark.parametrize("role", EVERYONE)
def test_who_sees_what(world, role):
    client = client_for(role, world)
    wrong = []
    for item in ROWS:
        text = answer_text(client, item.url)
        found = item.find(text) if callable(item.find) else item.find in text
        if found != (role in item.seen_by):
            seen = "sees" if found else "does not see"
            wrong.append(f"{role} {seen} the {item.data} on {item.url}")
    assert not wrong, "\n".join(wrong)
