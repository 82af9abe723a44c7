"""Event hosts (issue 14 b): each host an organization standing for one of the event's
movements, invited, confirmed or declined. The services and their mails, who may do what,
joint events, the hosts page and the event page, /me/, the merge of organizations and
the import's host rules. The API lives in tests/api/test_hosts_api.py, the accept flow of
proposals in tests/network/test_proposal_hosts.py.

The world: the proposal network's Oakland potluck between Fight for $15 and Food Justice,
hosted (confirmed) by the Fast Food Union for Fight for $15; the Garden Collective takes
part in Food Justice and has an organizer with an account; Campus Climate takes part in
Fossil Free only.
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.selectors import invitations_for
from events.models import Event, EventHost, EventStatus, HostStatus
from events.permissions import can_manage_event
from events.services import (
    HOST_REMINDER_AFTER,
    HostConflict,
    HostNotAllowed,
    event_host_confirm,
    event_host_decline,
    event_host_invite,
    event_host_withdraw,
    send_due_host_reminders,
)
from movements.exchange import network_export, network_import
from movements.services import organization_archive, organization_merge
from tests.factories import (
    EventFactory,
    EventHostFactory,
    MovementFactory,
    OrganizationFactory,
    ParticipationFactory,
)
from tests.helpers import (
    add_hosts,
    admin_event_form_data,
    event_form_data,
    logged_in,
    make_organizer,
)

pytestmark = pytest.mark.django_db

INVITATION = "Garden Collective is invited to co-host “Oakland potluck”"


@pytest.fixture
def world(proposal_network):
    network = proposal_network
    event = EventFactory(
        slug="potluck",
        title="Oakland potluck",
        movements=[network["fast_food"], network["food_justice"]],
        hosts=[network["union"]],
    )
    return {
        **network,
        "event": event,
        "union_organizer": make_organizer(network["union"], "union-organizer", name="Uma"),
        "garden_organizer": make_organizer(network["gardens"], "garden-organizer", name="Gil"),
    }


def invite_gardens(world, **kwargs) -> EventHost:
    return event_host_invite(
        event=world["event"],
        organization=world["gardens"],
        movement=world["food_justice"],
        by=world["union_organizer"],
        **kwargs,
    )


def hosts_of(event) -> list[tuple[str, str, str]]:
    return [
        (host.organization.slug, host.movement.slug, host.status)
        for host in EventHost.objects.filter(event=event).order_by("organization__slug")
    ]


def sent() -> list[tuple[list[str], str]]:
    return [(message.to, message.subject) for message in mail.outbox]


# --- inviting ------------------------------------------------------------------------------


def test_invite_mails_the_invited_organizations_organizers(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        host = invite_gardens(world)

    assert (host.status, host.movement, host.invited_by) == (
        HostStatus.INVITED,
        world["food_justice"],
        world["union_organizer"],
    )
    assert host.invited_at is not None
    assert sent() == [(["garden-organizer@example.org"], INVITATION)]
    body = mail.outbox[0].body
    assert "Fast Food Union invites Garden Collective to co-host" in body
    assert "standing for Food Justice" in body
    assert "http://127.0.0.1:8000/events/potluck/" in body
    # The inviting organizations are named, never the person who clicked.
    assert "Uma" not in body


def test_invite_of_an_organization_without_organizer_account_writes_to_its_contact_address(
    world, django_capture_on_commit_callbacks
):
    campus_food = OrganizationFactory(slug="soup-kitchen", name="Soup Kitchen")
    ParticipationFactory(organization=campus_food, movement=world["food_justice"])

    with django_capture_on_commit_callbacks(execute=True):
        event_host_invite(
            event=world["event"],
            organization=campus_food,
            movement=world["food_justice"],
            by=world["union_organizer"],
        )

    assert sent() == [
        (
            ["hello@soup-kitchen.example.org"],
            "Soup Kitchen is invited to co-host “Oakland potluck”",
        ),
        (
            ["union-organizer@example.org"],
            "Nobody at Soup Kitchen can answer your invitation yet",
        ),
    ]
    contact, inviter = mail.outbox
    assert "http://127.0.0.1:8000/organizations/soup-kitchen/organize/" in contact.body
    assert "We wrote to the organization's public contact address" in inviter.body


def test_invite_of_an_organization_nobody_can_be_reached_at_tells_the_inviter_only(
    world, django_capture_on_commit_callbacks
):
    unreachable = OrganizationFactory(slug="quiet-group", name="Quiet Group", contact_email="")
    ParticipationFactory(organization=unreachable, movement=world["food_justice"])

    with django_capture_on_commit_callbacks(execute=True):
        event_host_invite(
            event=world["event"],
            organization=unreachable,
            movement=world["food_justice"],
            by=world["union_organizer"],
        )

    assert sent() == [
        (["union-organizer@example.org"], "Nobody at Quiet Group can answer your invitation yet")
    ]
    assert "no contact address on Coalition either" in mail.outbox[0].body


def refusal_world(world, case: str) -> dict:
    """The arguments of an invitation that must be refused, by ``case``."""
    event, gardens, food = world["event"], world["gardens"], world["food_justice"]
    if case == "archived organization":
        organization_archive(organization=gardens)
    elif case == "cancelled event":
        Event.objects.filter(pk=event.pk).update(status=EventStatus.CANCELLED)
    elif case == "already invited":
        invite_gardens(world)
    args = {"event": event, "organization": gardens, "movement": food}
    if case == "movement not the event's":
        args["movement"] = world["students"]["fossil-free"]
    elif case == "organization not of that movement":
        args["organization"] = world["campus"]
    elif case == "already hosting":
        args.update(organization=world["union"], movement=world["fast_food"])
    return args


REFUSALS = [
    ("archived organization", HostNotAllowed, "Garden Collective is archived and cannot host"),
    ("cancelled event", HostNotAllowed, "“Oakland potluck” has been cancelled."),
    (
        "movement not the event's",
        HostNotAllowed,
        "“Fossil Free” is not one of the movements of “Oakland potluck”.",
    ),
    (
        "organization not of that movement",
        HostNotAllowed,
        "Campus Climate does not take part in Food Justice; invite an organization of that",
    ),
    ("already hosting", HostConflict, "Fast Food Union already hosts “Oakland potluck”."),
    (
        "already invited",
        HostConflict,
        "Garden Collective already is invited to host “Oakland potluck”.",
    ),
]


@pytest.mark.parametrize(("case", "error", "message"), REFUSALS)
def test_invite_refusals_change_nothing_and_send_nothing(
    world, django_capture_on_commit_callbacks, case, error, message
):
    args = refusal_world(world, case)
    before = hosts_of(world["event"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(error) as refused:
        event_host_invite(by=world["union_organizer"], **args)

    assert str(refused.value).startswith(message)
    assert hosts_of(world["event"]) == before
    assert mail.outbox == []


def test_a_declined_invitation_can_be_replaced_or_asked_again(world):
    host = invite_gardens(world)
    event_host_decline(host=host, by=world["garden_organizer"])
    other = OrganizationFactory(slug="seed-library", name="Seed Library")
    ParticipationFactory(organization=other, movement=world["food_justice"])

    event_host_invite(
        event=world["event"], organization=other, movement=world["food_justice"], by=None
    )
    again = invite_gardens(world)

    assert again.pk == host.pk
    assert (again.status, again.decided_at, again.reminded_at) == (HostStatus.INVITED, None, None)
    assert hosts_of(world["event"]) == [
        ("fast-food-union", "fight-for-15", "confirmed"),
        ("garden-collective", "food-justice", "invited"),
        ("seed-library", "food-justice", "invited"),
    ]


# --- answering and leaving -------------------------------------------------------------------


def test_confirming_makes_the_organizers_managers_and_tells_the_inviter(
    world, django_capture_on_commit_callbacks
):
    host = invite_gardens(world)
    gil = world["garden_organizer"]
    assert not can_manage_event(gil, world["event"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        host = event_host_confirm(host=host, by=gil)

    assert (host.status, host.decided_at is not None) == (HostStatus.CONFIRMED, True)
    assert can_manage_event(gil, world["event"])
    assert sent() == [
        (["union-organizer@example.org"], "Garden Collective will co-host “Oakland potluck”")
    ]
    assert "Its organizers now manage the event with you." in mail.outbox[0].body


def test_declining_tells_the_inviter_who_may_invite_another(
    world, django_capture_on_commit_callbacks
):
    host = invite_gardens(world)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event_host_decline(host=host, by=world["garden_organizer"])

    assert sent() == [
        (
            ["union-organizer@example.org"],
            "Garden Collective declined to co-host “Oakland potluck”",
        )
    ]
    assert "You can invite another organization of Food Justice" in mail.outbox[0].body
    assert not can_manage_event(world["garden_organizer"], world["event"])


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (event_host_confirm, event_host_confirm, "already confirmed"),
        (event_host_decline, event_host_decline, "already declined"),
        (event_host_confirm, event_host_decline, "already confirmed"),
        (event_host_decline, event_host_confirm, "already declined"),
    ],
)
def test_answering_twice_is_refused(world, first, second, message):
    host = invite_gardens(world)
    first(host=host, by=world["garden_organizer"])
    status = EventHost.objects.get(pk=host.pk).status

    with pytest.raises(HostConflict) as refused:
        second(host=host, by=world["garden_organizer"])

    assert str(refused.value) == (
        f"Garden Collective {message} the invitation to host “Oakland potluck”."
    )
    assert EventHost.objects.get(pk=host.pk).status == status


def test_the_last_confirmed_host_cannot_leave(world):
    union_host = EventHost.objects.get(event=world["event"], organization=world["union"])
    invite_gardens(world)  # an invitation is not a host

    with pytest.raises(HostConflict) as refused:
        event_host_withdraw(host=union_host, by=world["union_organizer"])

    assert "the last confirmed host of “Oakland potluck”" in str(refused.value)
    assert hosts_of(world["event"]) == [
        ("fast-food-union", "fight-for-15", "confirmed"),
        ("garden-collective", "food-justice", "invited"),
    ]


def test_a_confirmed_host_leaves_and_the_event_stays_with_the_others(world):
    event_host_confirm(host=invite_gardens(world), by=world["garden_organizer"])
    union_host = EventHost.objects.get(event=world["event"], organization=world["union"])

    event_host_withdraw(host=union_host, by=world["union_organizer"])

    assert hosts_of(world["event"]) == [("garden-collective", "food-justice", "confirmed")]
    assert not can_manage_event(world["union_organizer"], world["event"])
    assert Event.objects.filter(pk=world["event"].pk).exists()


def test_an_invitation_is_taken_back(world):
    host = invite_gardens(world)

    event_host_withdraw(host=host, by=world["union_organizer"])

    assert hosts_of(world["event"]) == [("fast-food-union", "fight-for-15", "confirmed")]
    with pytest.raises(HostConflict):
        event_host_confirm(host=host, by=world["garden_organizer"])


# --- reminders -----------------------------------------------------------------------------


def test_an_unanswered_invitation_is_reminded_once_after_three_days(
    world, django_capture_on_commit_callbacks
):
    host = invite_gardens(world)
    mail.outbox.clear()
    sent_at = host.invited_at

    with django_capture_on_commit_callbacks(execute=True):
        early = send_due_host_reminders(now=sent_at + HOST_REMINDER_AFTER - datetime.timedelta(1))
        due = send_due_host_reminders(now=sent_at + HOST_REMINDER_AFTER)
        again = send_due_host_reminders(now=sent_at + 2 * HOST_REMINDER_AFTER)

    assert (early, due, again) == (0, 1, 0)
    assert sent() == [(["garden-organizer@example.org"], f"Reminder: {INVITATION}")]
    assert "Nobody has answered this invitation yet" in mail.outbox[0].body


@pytest.mark.parametrize("case", ["answered", "cancelled", "over"])
def test_no_reminder_for_answered_invitations_cancelled_or_past_events(world, case):
    host = invite_gardens(world)
    if case == "answered":
        event_host_decline(host=host, by=world["garden_organizer"])
    elif case == "cancelled":
        Event.objects.filter(pk=world["event"].pk).update(status=EventStatus.CANCELLED)
    later = host.invited_at + HOST_REMINDER_AFTER
    if case == "over":
        later = world["event"].ends_at + datetime.timedelta(days=1)

    assert send_due_host_reminders(now=later) == 0


def test_the_reminders_job_reminds_invitations(world, django_capture_on_commit_callbacks):
    from events.tasks import reminders

    host = invite_gardens(world)
    EventHost.objects.filter(pk=host.pk).update(
        invited_at=timezone.now() - HOST_REMINDER_AFTER - datetime.timedelta(minutes=1)
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reminders()

    assert sent() == [(["garden-organizer@example.org"], f"Reminder: {INVITATION}")]
    assert EventHost.objects.get(pk=host.pk).reminded_at is not None


# --- who may do what ---------------------------------------------------------------------


def test_invited_organizers_manage_nothing_until_they_confirm(world):
    host = invite_gardens(world)
    gil = logged_in(world["garden_organizer"])
    urls = ["/events/potluck/edit/", "/events/potluck/attendees/", "/events/potluck/hosts/"]

    before = [gil.get(url).status_code for url in urls]
    event_host_confirm(host=host, by=world["garden_organizer"])
    after = [gil.get(url).status_code for url in urls]

    assert before == [403, 403, 403]
    assert after == [200, 200, 200]


def test_invited_organizers_open_a_draft_to_answer_and_nobody_else_does(world, member_client):
    draft = EventFactory(
        slug="draft-potluck",
        status=EventStatus.DRAFT,
        movements=[world["fast_food"], world["food_justice"]],
        hosts=[world["union"]],
    )
    host = event_host_invite(
        event=draft,
        organization=world["gardens"],
        movement=world["food_justice"],
        by=world["union_organizer"],
    )
    gil = logged_in(world["garden_organizer"])

    page = gil.get("/events/draft-potluck/")

    assert page.status_code == 200
    assert page.context["my_invitations"] == [host]
    assert "Confirm for Garden Collective</button>" in page.content.decode()
    assert member_client.get("/events/draft-potluck/").status_code == 404
    assert list(Event.objects.linkable_for(world["garden_organizer"]).filter(pk=draft.pk)) == [
        draft
    ]
    event_host_decline(host=host, by=world["garden_organizer"])
    assert gil.get("/events/draft-potluck/").status_code == 404


# --- joint ---------------------------------------------------------------------------------


def joint(event) -> tuple[bool, bool]:
    """``is_joint`` on a fresh row, and the ``with_joint()`` annotation."""
    fresh = Event.objects.get(pk=event.pk)
    return fresh.is_joint, Event.objects.with_joint().get(pk=event.pk).joint


def test_an_event_is_joint_once_confirmed_hosts_stand_for_two_movements(world):
    event = world["event"]
    host = invite_gardens(world)
    before = joint(event)

    event_host_confirm(host=host, by=world["garden_organizer"])

    assert before == (False, False)  # an invitation does not count
    assert joint(event) == (True, True)
    listed = Event.objects.with_relations().get(pk=event.pk)
    assert listed.is_joint is True


def test_two_hosts_of_one_movement_are_not_joint(world):
    other = OrganizationFactory(slug="burger-workers", name="Burger Workers")
    ParticipationFactory(organization=other, movement=world["fast_food"])
    add_hosts(world["event"], other)

    assert hosts_of(world["event"]) == [
        ("burger-workers", "fight-for-15", "confirmed"),
        ("fast-food-union", "fight-for-15", "confirmed"),
    ]
    assert joint(world["event"]) == (False, False)


def test_joint_is_marked_on_the_list_the_page_and_the_api(world, client):
    before = client.get("/events/").content.decode()
    event_host_confirm(host=invite_gardens(world), by=world["garden_organizer"])

    listed = client.get("/events/").content.decode()
    page = client.get("/events/potluck/").content.decode()
    api = client.get("/api/events/potluck/").json()

    badge = '<span class="badge badge--joint">Joint event</span>'
    assert badge not in before
    assert badge in listed
    assert "Joint event</span>" in page
    assert api["joint"] is True
    assert api["hosts"] == ["fast-food-union", "garden-collective"]
    assert client.get("/api/events/").json()["results"][0]["joint"] is True


# --- the event page --------------------------------------------------------------------------


def test_the_public_sees_confirmed_hosts_by_movement_never_invitations(world, client):
    invite_gardens(world)

    page = client.get("/events/potluck/").content.decode()

    assert "<dt>For Fight for $15</dt>" in page
    assert '<a href="/organizations/fast-food-union/">Fast Food Union</a>' in page
    assert "Garden Collective" not in page
    assert "For Food Justice" not in page
    assert client.get("/api/events/potluck/").json()["hosts"] == ["fast-food-union"]


def test_managers_see_the_invitations_waiting_on_the_event_page(world, curator_client):
    invite_gardens(world)
    uma = logged_in(world["union_organizer"])

    for manager in (uma, curator_client):
        page = manager.get("/events/potluck/").content.decode()
        assert "Garden Collective for Food Justice" in page
        assert '<a href="/events/potluck/hosts/">Hosts and invitations</a>' in page


def test_an_invited_organizer_confirms_from_the_event_page(
    world, django_capture_on_commit_callbacks
):
    invite_gardens(world)
    mail.outbox.clear()
    gil = logged_in(world["garden_organizer"])
    assert "Invitation to co-host" in gil.get("/events/potluck/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = gil.post("/events/potluck/hosts/garden-collective/confirm/", follow=True)

    assert response.redirect_chain == [("/events/potluck/hosts/", 302)]
    assert hosts_of(world["event"])[1] == ("garden-collective", "food-justice", "confirmed")
    assert sent() == [
        (["union-organizer@example.org"], "Garden Collective will co-host “Oakland potluck”")
    ]
    again = gil.post("/events/potluck/hosts/garden-collective/confirm/")
    assert again.status_code == 409
    assert "Garden Collective already confirmed the invitation" in again.content.decode()


def test_declining_from_the_event_page_goes_back_to_the_event(world):
    invite_gardens(world)
    gil = logged_in(world["garden_organizer"])

    response = gil.post("/events/potluck/hosts/garden-collective/decline/")

    assert (response.status_code, response["Location"]) == (302, "/events/potluck/")
    assert hosts_of(world["event"])[1] == ("garden-collective", "food-justice", "declined")


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("union", "/events/potluck/hosts/garden-collective/confirm/", 403),
        ("member", "/events/potluck/hosts/garden-collective/decline/", 403),
        ("gil", "/events/potluck/hosts/no-such-org/confirm/", 404),
        ("gil", "/events/potluck/hosts/fast-food-union/withdraw/", 403),
        ("gil", "/events/no-such-event/hosts/garden-collective/confirm/", 404),
    ],
)
def test_answering_for_another_organization_is_refused(world, member_user, who, url, status):
    invite_gardens(world)
    users = {
        "union": world["union_organizer"],
        "member": member_user,
        "gil": world["garden_organizer"],
    }

    response = logged_in(users[who]).post(url)

    assert response.status_code == status
    assert hosts_of(world["event"])[1] == ("garden-collective", "food-justice", "invited")


# --- the hosts page ------------------------------------------------------------------------


def test_the_hosts_page_lists_every_host_with_its_status(world):
    host = invite_gardens(world)
    event_host_decline(host=host, by=world["garden_organizer"])
    seeds = OrganizationFactory(slug="seed-library", name="Seed Library")
    ParticipationFactory(organization=seeds, movement=world["food_justice"])

    response = logged_in(world["union_organizer"]).get("/events/potluck/hosts/")

    assert response.status_code == 200
    rows = [(h.organization.slug, h.status) for h in response.context["hosts"]]
    assert rows == [("fast-food-union", "confirmed"), ("garden-collective", "declined")]
    body = response.content.decode()
    assert "Leave: Fast Food Union no longer hosts" in body
    assert "Remove the declined invitation of Garden Collective" in body
    # The organizations that may be invited: those of the event's movements, not hosting.
    choices = [label for _, label in response.context["form"].fields["organization"].choices]
    assert choices == ["Choose an organization", "Garden Collective", "Seed Library"]


def test_inviting_from_the_hosts_page(world, django_capture_on_commit_callbacks):
    uma = logged_in(world["union_organizer"])

    with django_capture_on_commit_callbacks(execute=True):
        response = uma.post(
            "/events/potluck/hosts/",
            {"organization": world["gardens"].pk, "movement": world["food_justice"].pk},
            follow=True,
        )

    assert response.redirect_chain == [("/events/potluck/hosts/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Garden Collective is invited to co-host; its organizers are mailed."
    ]
    assert hosts_of(world["event"])[1] == ("garden-collective", "food-justice", "invited")
    assert sent() == [(["garden-organizer@example.org"], INVITATION)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"movement": "{food}"}, "Choose the organization to invite."),
        ({"organization": "{gardens}"}, "Choose the movement it would stand for."),
        ({"organization": "99999999999", "movement": "{food}"}, "Choose one of the organizations"),
        ({"organization": "{campus}", "movement": "{food}"}, "Choose one of the organizations"),
        ({"organization": "{union}", "movement": "{fight}"}, "Choose one of the organizations"),
        (
            {"organization": "{gardens}", "movement": "{fossil}"},
            "Choose one of the event's movements.",
        ),
        (
            {"organization": "{gardens}", "movement": "{fight}"},
            "Garden Collective does not take part in Fight for $15",
        ),
    ],
)
def test_bad_invitations_on_the_hosts_page_are_400_and_change_nothing(world, data, message):
    ids = {
        "food": world["food_justice"].pk,
        "fight": world["fast_food"].pk,
        "fossil": world["students"]["fossil-free"].pk,
        "gardens": world["gardens"].pk,
        "campus": world["campus"].pk,
        "union": world["union"].pk,
    }
    before = hosts_of(world["event"])

    response = logged_in(world["union_organizer"]).post(
        "/events/potluck/hosts/", {key: value.format(**ids) for key, value in data.items()}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(error for field in errors.values() for error in field)
    assert hosts_of(world["event"]) == before


def test_hosts_page_query_count_is_fixed_as_hosts_grow(world):
    uma = logged_in(world["union_organizer"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert uma.get("/events/potluck/hosts/").status_code == 200
            assert uma.get("/events/potluck/").status_code == 200
        return len(queries)

    invite_gardens(world)
    small = count()
    for i in range(5):
        organization = OrganizationFactory(slug=f"group-{i}")
        ParticipationFactory(organization=organization, movement=world["food_justice"])
        EventHostFactory(event=world["event"], organization=organization)

    assert count() == small


# --- /me/ ----------------------------------------------------------------------------------


def test_me_lists_the_invitations_to_answer(world, curator):
    host = invite_gardens(world)
    cancelled = EventFactory(
        slug="called-off", status=EventStatus.CANCELLED, movements=[world["food_justice"]]
    )
    EventHostFactory(event=cancelled, organization=world["gardens"])
    gil = logged_in(world["garden_organizer"])

    page = gil.get("/me/").content.decode()

    assert invitations_for(world["garden_organizer"]) == [host]
    assert invitations_for(world["union_organizer"]) == []
    assert invitations_for(curator) == []  # curators answer on the hosts page
    assert "Invitations to co-host" in page
    assert 'action="/events/potluck/hosts/garden-collective/confirm/"' in page
    assert "called-off" not in page


# --- the event form ------------------------------------------------------------------------


def test_a_new_event_host_stands_for_the_movement_it_takes_part_in(world):
    uma = logged_in(world["union_organizer"])
    data = event_form_data([world["food_justice"], world["fast_food"]], [world["union"]])

    response = uma.post("/events/new/", data)

    assert response.status_code == 302
    event = Event.objects.get(slug="strikes-and-blockades")
    assert hosts_of(event) == [("fast-food-union", "fight-for-15", "confirmed")]


def test_editing_keeps_invitations_and_moves_hosts_off_a_removed_movement(world):
    invite_gardens(world)
    uma = logged_in(world["union_organizer"])
    rail = MovementFactory(slug="rail-workers", name="Rail workers")
    data = event_form_data([world["fast_food"], rail], [world["union"]], title="Oakland potluck")

    response = uma.post("/events/potluck/edit/", data)

    assert response.status_code == 302
    # Food Justice left the event: its invitation now stands for the first one left.
    assert hosts_of(world["event"]) == [
        ("fast-food-union", "fight-for-15", "confirmed"),
        ("garden-collective", "fight-for-15", "invited"),
    ]


def test_the_edit_form_does_not_offer_to_remove_other_hosts(world):
    event_host_confirm(host=invite_gardens(world), by=world["garden_organizer"])
    uma = logged_in(world["union_organizer"])

    form = uma.get("/events/potluck/edit/").context["form"]

    assert list(form.fields["hosts"].queryset) == [world["union"]]
    assert form.initial["hosts"] == [world["union"].pk]
    assert "Also hosting: Garden Collective (they stay hosts)." in form.fields["hosts"].help_text


# --- merging organizations ------------------------------------------------------------------


def test_merging_organizations_carries_their_hosts_along(world):
    duplicate = OrganizationFactory(slug="fast-food-union-2", name="Fast Food Union (dup)")
    ParticipationFactory(organization=duplicate, movement=world["fast_food"])
    # The duplicate was invited to the potluck the union hosts, and hosts another event.
    EventHostFactory(event=world["event"], organization=duplicate, movement=world["fast_food"])
    rally = EventFactory(slug="rally", movements=[world["fast_food"]], hosts=[duplicate])
    potluck_proposal = world["potluck"]  # suggested the duplicate instead of the union
    potluck_proposal.suggested_hosts.filter(organization=world["union"]).delete()
    potluck_proposal.suggested_hosts.create(
        organization=duplicate, movement=world["fast_food"], rank=1
    )

    organization_merge(keep=world["union"], duplicates=[duplicate])

    assert hosts_of(world["event"]) == [("fast-food-union", "fight-for-15", "confirmed")]
    assert hosts_of(rally) == [("fast-food-union", "fight-for-15", "confirmed")]
    assert [
        (h.organization.slug, h.movement.slug, h.rank)
        for h in potluck_proposal.suggested_hosts.order_by("organization__slug")
    ] == [("fast-food-union", "fight-for-15", 1), ("garden-collective", "food-justice", 1)]


def test_a_merge_keeps_the_strongest_host_row(world):
    duplicate = OrganizationFactory(slug="gardens-2", name="Gardens (dup)")
    EventHostFactory(event=world["event"], organization=world["gardens"], status="declined")
    EventHostFactory(event=world["event"], organization=duplicate, status="confirmed")

    organization_merge(keep=world["gardens"], duplicates=[duplicate])

    assert hosts_of(world["event"]) == [
        ("fast-food-union", "fight-for-15", "confirmed"),
        ("garden-collective", "fight-for-15", "confirmed"),
    ]


# --- import --------------------------------------------------------------------------------


def test_an_imported_plain_slug_without_participation_stands_for_the_first_movement(world):
    network_import(
        document={
            "events": [
                {
                    "slug": "new-potluck",
                    "title": "New potluck",
                    "movements": ["food-justice", "fight-for-15"],
                    "hosts": ["campus-climate", "garden-collective"],
                    "starts_at": "2027-03-01T18:00:00-08:00",
                    "ends_at": "2027-03-01T21:00:00-08:00",
                }
            ]
        }
    )

    # Campus Climate takes part in neither: the first movement by slug.
    assert hosts_of(Event.objects.get(slug="new-potluck")) == [
        ("campus-climate", "fight-for-15", "confirmed"),
        ("garden-collective", "food-justice", "confirmed"),
    ]


def test_imported_movements_without_hosts_move_the_hosts_of_a_removed_movement(world):
    host = invite_gardens(world)
    seeds = OrganizationFactory(slug="seed-library", name="Seed Library")
    EventHostFactory(
        event=world["event"], organization=seeds, movement=world["food_justice"], status="declined"
    )
    document = network_export()
    potluck = next(e for e in document["events"] if e["slug"] == "potluck")
    del potluck["hosts"]
    potluck["movements"] = ["fight-for-15"]

    network_import(document={"events": [potluck]})

    # The invitation now stands for the movement left; the declined one for the removed
    # movement is dropped; who invited it is kept.
    assert hosts_of(world["event"]) == [
        ("fast-food-union", "fight-for-15", "confirmed"),
        ("garden-collective", "fight-for-15", "invited"),
    ]
    assert EventHost.objects.get(pk=host.pk).invited_by == world["union_organizer"]


def test_anonymous_visitors_are_sent_to_log_in_to_answer(world):
    invite_gardens(world)

    response = Client().post("/events/potluck/hosts/garden-collective/confirm/")

    assert response.status_code == 302
    assert response["Location"] == (
        "/accounts/login/?next=/events/potluck/hosts/garden-collective/confirm/"
    )
    assert hosts_of(world["event"])[1] == ("garden-collective", "food-justice", "invited")


# --- the admin -----------------------------------------------------------------------------


def test_curators_fix_hosts_in_the_admin_without_mail(world, curator_client):
    host = invite_gardens(world)
    mail.outbox.clear()
    url = f"/admin/events/event/{world['event'].pk}/change/"

    page = curator_client.get(url)
    data = admin_event_form_data(world["event"])
    index = [row.pk for row in world["event"].event_hosts.order_by("pk")].index(host.pk)
    data[f"event_hosts-{index}-status"] = "confirmed"
    response = curator_client.post(url, data)

    assert page.status_code == 200
    assert "Hosts (each stands for one of the event" in page.content.decode()
    assert response.status_code == 302
    assert hosts_of(world["event"])[1] == ("garden-collective", "food-justice", "confirmed")
    assert mail.outbox == []


def test_send_reminders_reminds_invitations_too(world, django_capture_on_commit_callbacks):
    host = invite_gardens(world)
    EventHost.objects.filter(pk=host.pk).update(
        invited_at=timezone.now() - HOST_REMINDER_AFTER - datetime.timedelta(minutes=1)
    )
    mail.outbox.clear()
    output = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=output)

    assert output.getvalue() == "Sent 0 reminders.\nReminded 1 invitation to co-host.\n"
    assert sent() == [(["garden-organizer@example.org"], f"Reminder: {INVITATION}")]
