import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.manage_links import ManageLinkInvalid, manage_link_open, manage_token
from events.models import RSVP, Event, EventInvitation, RSVPStatus
from events.services import rsvp_create
from movements.models import Engagement
from tests.factories import (
    EngagementFactory,
    EventFactory,
    EventHostFactory,
    MemberFactory,
    MovementFactory,
    OrganizationFactory,
    RSVPFactory,
    days_from_now,
)
from tests.helpers import admin_event_form_data, held_yesterday

pytestmark = pytest.mark.django_db

GOING, WAITLISTED, CANCELLED = RSVPStatus.GOING, RSVPStatus.WAITLISTED, RSVPStatus.CANCELLED


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:events_{model._meta.model_name}_{view}", args=args)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def hosted_event(**kwargs) -> Event:
    """An event the admin form accepts as it is (hosts are required)."""
    return EventFactory(hosts=[OrganizationFactory()], **kwargs)


def add_rsvp_rows(data: dict, event: Event, rows: list[tuple[int, int]]) -> dict:
    data["rsvps-2-TOTAL_FORMS"] = len(rows)
    for index, (member_pk, guests) in enumerate(rows):
        data[f"rsvps-2-{index}-member"] = member_pk
        data[f"rsvps-2-{index}-guests"] = guests
        data[f"rsvps-2-{index}-event"] = event.pk
    return data


# --- Who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Event, RSVP], ids=["event", "rsvp"])
def test_admin_changelist_redirects_an_ordinary_member_to_the_login(member_client, model):
    response = member_client.get(admin_url(model, "changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- Events --------------------------------------------------------------------------------


def test_event_changelist_shows_going_and_waitlist_counts(curator_client):
    event = EventFactory(title="Soup night", capacity=2)
    rsvp_create(event=event, member=MemberFactory(), guests=1)
    rsvp_create(event=event, member=MemberFactory())

    response = curator_client.get(admin_url(Event, "changelist"))

    assert response.status_code == 200
    [row] = response.context["cl"].result_list
    assert (row.title, row.going_count, row.waitlist_count) == ("Soup night", 2, 1)


def test_event_changelist_query_count_does_not_grow_with_rows(curator_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert curator_client.get(admin_url(Event, "changelist")).status_code == 200
        return len(queries)

    for _ in range(2):
        RSVPFactory(event=EventFactory())
    few = count_queries()
    for _ in range(8):
        RSVPFactory(event=EventFactory())

    assert count_queries() == few


@pytest.mark.parametrize(
    "query",
    ["status__exact=published", "kind__exact=potluck", "visibility__exact=private", "q=Soup"],
)
def test_event_changelist_filters_and_search(curator_client, query):
    EventFactory(title="Soup night", visibility="private")
    EventFactory(title="Panel", kind="panel", status="draft")

    response = curator_client.get(f"{admin_url(Event, 'changelist')}?{query}")

    assert response.status_code == 200
    assert [event.title for event in response.context["cl"].result_list] == ["Soup night"]


def test_event_changelist_filters_by_movement(curator_client):
    movement = MovementFactory()
    EventFactory(title="With", movements=[movement])
    EventFactory(title="Without")

    response = curator_client.get(
        f"{admin_url(Event, 'changelist')}?movements__id__exact={movement.pk}"
    )

    assert [event.title for event in response.context["cl"].result_list] == ["With"]


def test_event_add_and_change_pages_render(curator_client):
    event = EventFactory()
    RSVPFactory.create_batch(3, event=event)

    assert curator_client.get(admin_url(Event, "add")).status_code == 200
    response = curator_client.get(admin_url(Event, "change", event.pk))
    assert response.status_code == 200
    assert "Add RSVPs (capacity and waitlist apply)" in response.text


def test_event_added_in_the_admin_is_a_draft_by_its_creator(curator_client, curator):
    movement = MovementFactory()
    starts = days_from_now(3)
    data = admin_event_form_data(
        Event(title="New potluck", slug="new-potluck", kind="potluck", visibility="public"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        movements=[movement.pk],
        hosts=[OrganizationFactory().pk],
    )

    response = curator_client.post(admin_url(Event, "add"), data)

    assert response.status_code == 302
    event = Event.objects.get(slug="new-potluck")
    assert (event.status, event.created_by) == ("draft", curator)


def test_event_publish_action(curator_client):
    draft = EventFactory(status="draft")
    cancelled = EventFactory(status="cancelled", title="Gone")

    response = curator_client.post(
        admin_url(Event, "changelist"),
        {"action": "publish", "_selected_action": [draft.pk, cancelled.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    cancelled.refresh_from_db()
    assert (draft.status, cancelled.status) == ("published", "cancelled")
    assert messages_of(response) == [
        "“Gone” was cancelled and cannot be published again.",
        "Published 1 event.",
    ]


def test_event_cancel_action_mails_everyone(curator_client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    rsvp_create(event=event, member=MemberFactory())
    rsvp_create(event=event, member=MemberFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            admin_url(Event, "changelist"),
            {"action": "cancel", "_selected_action": [event.pk]},
        )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "cancelled"
    assert len(mail.outbox) == 2


def test_event_publish_action_from_the_change_page(curator_client):
    event = EventFactory(status="draft")

    response = curator_client.post(
        admin_url(Event, "change", event.pk),
        {"CHANGE_FORM-action": "publish", "_selected_action": [event.pk]},
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "published"


def test_event_status_cannot_be_changed_by_editing(curator_client):
    event = hosted_event(status="draft")

    response = curator_client.post(
        admin_url(Event, "change", event.pk), admin_event_form_data(event, status="published")
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "draft"


def test_event_edit_of_the_venue_mails_people_going(
    curator_client, django_capture_on_commit_callbacks
):
    event = hosted_event(capacity=1)
    going = rsvp_create(event=event, member=MemberFactory(key="m-going"))
    waiting = rsvp_create(event=event, member=MemberFactory(key="m-waiting"))

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            admin_url(Event, "change", event.pk),
            admin_event_form_data(event, [going, waiting], venue="Bigger hall"),
        )

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["m-going@people.example.org"]]


def test_event_edit_of_the_movements_mails_people_going_and_waitlisted(
    curator_client, django_capture_on_commit_callbacks
):
    kept, dropped = MovementFactory(name="Kept"), MovementFactory(name="Dropped")
    event = hosted_event(capacity=1, title="Soup night", movements=[kept, dropped])
    going = rsvp_create(event=event, member=MemberFactory(key="m-going"))
    waiting = rsvp_create(event=event, member=MemberFactory(key="m-waiting"))
    data = admin_event_form_data(event, [going, waiting])
    data["movements"] = [kept.pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(admin_url(Event, "change", event.pk), data)

    assert response.status_code == 302
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["m-going@people.example.org"], "Movements changed: Soup night"),
        (["m-waiting@people.example.org"], "Movements changed: Soup night"),
    ]
    assert "Removed: Dropped.\n" in mail.outbox[0].body
    assert list(event.movements.all()) == [kept]
    assert list(going.told_movements.all()) == [kept]


def test_event_edit_adds_rsvps_through_the_capacity_rule(curator_client):
    event = hosted_event(capacity=2)
    first, second = MemberFactory(name="Ana"), MemberFactory(name="Bo")
    data = add_rsvp_rows(admin_event_form_data(event), event, [(first.pk, 1), (second.pk, 0)])

    response = curator_client.post(admin_url(Event, "change", event.pk), data, follow=True)

    assert response.status_code == 200
    assert list(
        RSVP.objects.filter(event=event).in_queue_order().values_list("member__name", "status")
    ) == [("Ana", GOING), ("Bo", WAITLISTED)]
    assert "Ana is going." in messages_of(response)
    assert "Bo is waitlisted." in messages_of(response)


def test_event_edit_refuses_a_party_that_can_never_fit_and_says_why(curator_client):
    event = hosted_event(capacity=2)
    data = add_rsvp_rows(admin_event_form_data(event), event, [(MemberFactory(name="Ana").pk, 2)])

    response = curator_client.post(admin_url(Event, "change", event.pk), data, follow=True)

    assert RSVP.objects.count() == 0
    assert "No RSVP for Ana: This event has 2 places; a party of 3 can never fit." in messages_of(
        response
    )


def test_event_edit_refuses_a_second_rsvp_for_the_same_person(curator_client):
    event = hosted_event()
    existing = RSVPFactory(event=event)
    data = add_rsvp_rows(
        admin_event_form_data(event, [existing]), event, [(existing.member_id, 0)]
    )

    response = curator_client.post(admin_url(Event, "change", event.pk), data)

    assert response.status_code == 200
    assert "This person already has an RSVP for this event." in response.text
    assert RSVP.objects.filter(event=event).count() == 1


def test_event_edit_of_a_draft_adds_no_rsvp_and_says_why(curator_client):
    event = hosted_event(status="draft", title="Not yet")
    data = add_rsvp_rows(admin_event_form_data(event), event, [(MemberFactory(name="Ana").pk, 0)])

    response = curator_client.post(admin_url(Event, "change", event.pk), data, follow=True)

    assert RSVP.objects.count() == 0
    assert "No RSVP for Ana: “Not yet” is not published yet." in messages_of(response)


# --- RSVPs ---------------------------------------------------------------------------------


def test_rsvp_changelist_filters_and_searches(curator_client):
    soup, panel = EventFactory(title="Soup night"), EventFactory(title="Panel")
    RSVPFactory(event=soup, member=MemberFactory(name="Ana"), status=GOING)
    RSVPFactory(event=panel, member=MemberFactory(name="Bo"), status=WAITLISTED)
    url = admin_url(RSVP, "changelist")

    by_status = curator_client.get(f"{url}?status__exact=waitlisted")
    by_event = curator_client.get(f"{url}?event__id__exact={soup.pk}")
    by_name = curator_client.get(f"{url}?q=Bo")
    by_title = curator_client.get(f"{url}?q=Soup")

    names = [
        [rsvp.member.name for rsvp in response.context["cl"].result_list]
        for response in (by_status, by_event, by_name, by_title)
    ]
    assert names == [["Bo"], ["Ana"], ["Bo"], ["Ana"]]


def test_rsvp_changelist_query_count_does_not_grow_with_rows(curator_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert curator_client.get(admin_url(RSVP, "changelist")).status_code == 200
        return len(queries)

    event = EventFactory()
    RSVPFactory.create_batch(2, event=event, movement=event.movements.first())
    few = count_queries()
    RSVPFactory.create_batch(10, event=EventFactory())

    assert count_queries() == few


def test_rsvp_cannot_be_added_or_deleted_in_the_admin(curator_client):
    rsvp = RSVPFactory()

    assert curator_client.get(admin_url(RSVP, "add")).status_code == 403
    assert curator_client.get(admin_url(RSVP, "delete", rsvp.pk)).status_code == 403
    assert RSVP.objects.count() == 1


def test_rsvp_change_keeps_status_and_guests_but_takes_the_movement(curator_client):
    first, second = MovementFactory(), MovementFactory()
    rsvp = RSVPFactory(event=EventFactory(movements=[first, second]), status=WAITLISTED)

    response = curator_client.post(
        admin_url(RSVP, "change", rsvp.pk),
        {"movement": second.pk, "status": GOING, "guests": 5},
    )

    assert response.status_code == 302
    rsvp.refresh_from_db()
    assert (rsvp.status, rsvp.guests, rsvp.movement) == (WAITLISTED, 0, second)


def test_rsvp_change_page_shows_the_movements_told_about_read_only(curator_client):
    told, untold = MovementFactory(name="Told one"), MovementFactory(name="Untold one")
    rsvp = RSVPFactory(event=EventFactory(movements=[told, untold]), told_movements=[told])

    response = curator_client.get(admin_url(RSVP, "change", rsvp.pk))

    assert response.status_code == 200
    assert "Movements told about" in response.text
    assert "told_movements" not in response.context["adminform"].form.fields
    assert '<div class="readonly">Told one</div>' in response.text


def test_rsvp_change_refuses_a_movement_that_is_not_the_events(curator_client):
    rsvp = RSVPFactory()
    other = MovementFactory()

    response = curator_client.post(admin_url(RSVP, "change", rsvp.pk), {"movement": other.pk})

    assert response.status_code == 200
    assert f"Choose one of the movements of “{rsvp.event}”." in response.text
    rsvp.refresh_from_db()
    assert rsvp.movement is None


def test_rsvp_cancel_action_promotes_the_waitlist(curator_client):
    event = EventFactory(capacity=1)
    going = rsvp_create(event=event, member=MemberFactory())
    waiting = rsvp_create(event=event, member=MemberFactory())

    response = curator_client.post(
        admin_url(RSVP, "changelist"),
        {"action": "cancel_selected", "_selected_action": [going.pk]},
        follow=True,
    )

    going.refresh_from_db()
    waiting.refresh_from_db()
    assert (going.status, waiting.status) == (CANCELLED, GOING)
    assert messages_of(response) == ["Cancelled 1 RSVP."]


def test_rsvp_check_in_action_checks_in_people_going_only(curator_client):
    event = EventFactory(capacity=1)
    going = rsvp_create(event=event, member=MemberFactory())
    waiting = rsvp_create(event=event, member=MemberFactory(name="Wai"))
    held_yesterday(event)

    response = curator_client.post(
        admin_url(RSVP, "changelist"),
        {"action": "check_in_selected", "_selected_action": [going.pk, waiting.pk]},
        follow=True,
    )

    going.refresh_from_db()
    waiting.refresh_from_db()
    assert going.checked_in_at is not None
    assert waiting.checked_in_at is None
    assert Engagement.objects.filter(member=going.member).count() == 1
    assert messages_of(response) == [
        "Wai: Wai is waitlisted, not going: only people going can be checked in.",
        "Checked in 1 RSVP.",
    ]


def test_rsvp_check_in_action_from_the_change_page(curator_client):
    rsvp = rsvp_create(event=EventFactory(), member=MemberFactory())
    held_yesterday(rsvp.event)

    response = curator_client.post(
        admin_url(RSVP, "change", rsvp.pk),
        {"CHANGE_FORM-action": "check_in_selected", "_selected_action": [rsvp.pk]},
    )

    assert response.status_code == 302
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is not None


def test_rsvp_check_in_action_before_check_in_opens_says_so(curator_client):
    rsvp = rsvp_create(event=EventFactory(title="Soup night"), member=MemberFactory(name="Al"))

    response = curator_client.post(
        admin_url(RSVP, "changelist"),
        {"action": "check_in_selected", "_selected_action": [rsvp.pk]},
        follow=True,
    )

    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None
    [message] = messages_of(response)
    assert message.startswith("Al: Check-in for “Soup night” opens at ")
    assert Engagement.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "expected"), [("publish", "published"), ("cancel", "cancelled")]
)
def test_event_actions_from_the_change_page_run_in_the_services_own_transaction(
    curator_client, django_capture_on_commit_callbacks, action, expected
):
    # The services' transactions are durable: nested in the change page's, they would fail.
    event = EventFactory(status="draft" if action == "publish" else "published")
    if action == "cancel":
        rsvp_create(event=event, member=MemberFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            admin_url(Event, "change", event.pk),
            {"CHANGE_FORM-action": action, "_selected_action": [event.pk]},
        )

    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).status == expected
    assert len(mail.outbox) == (1 if action == "cancel" else 0)


def test_rsvp_cancel_action_from_the_change_page(curator_client):
    event = EventFactory(capacity=1)
    going = rsvp_create(event=event, member=MemberFactory())
    waiting = rsvp_create(event=event, member=MemberFactory())

    response = curator_client.post(
        admin_url(RSVP, "change", going.pk),
        {"CHANGE_FORM-action": "cancel_selected", "_selected_action": [going.pk]},
    )

    assert response.status_code == 302
    assert RSVP.objects.get(pk=going.pk).status == CANCELLED
    assert RSVP.objects.get(pk=waiting.pk).status == GOING


def test_event_change_page_query_count_does_not_grow_with_rsvps(curator_client):
    event = hosted_event(capacity=None)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = curator_client.get(admin_url(Event, "change", event.pk))
            assert response.status_code == 200
        return len(queries)

    movement = event.movements.first()
    RSVPFactory.create_batch(2, event=event, movement=movement)
    few = count_queries()
    RSVPFactory.create_batch(10, event=event, movement=movement)

    assert count_queries() == few


def test_event_edit_refuses_a_capacity_below_the_places_taken(curator_client):
    event = hosted_event(capacity=10)
    RSVPFactory(event=event, guests=2)

    response = curator_client.post(
        admin_url(Event, "change", event.pk), admin_event_form_data(event, capacity=2)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "capacity": [
            "3 places are already taken (people going and their guests); capacity cannot be lower."
        ]
    }
    assert Event.objects.get(pk=event.pk).capacity == 10


def test_the_publish_action_and_the_change_form_invite_like_the_organizers_pages(
    curator_client, django_capture_on_commit_callbacks
):
    first, second = MovementFactory(), MovementFactory()
    for n, movement in enumerate([first, second]):
        member = MemberFactory(key=f"m-roster-{n}", invites=True)
        EngagementFactory(member=member, movement=movement)
    draft = EventFactory(status="draft", movements=[first, second])
    private = EventFactory(visibility="private", movements=[first, second])
    for event in (draft, private):  # a confirmed host for each movement: joint
        for movement in (first, second):
            EventHostFactory(event=event, movement=movement, status="confirmed")

    with django_capture_on_commit_callbacks(execute=True):
        curator_client.post(
            admin_url(Event, "changelist"), {"action": "publish", "_selected_action": [draft.pk]}
        )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "m-roster-0@people.example.org",
        "m-roster-1@people.example.org",
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            admin_url(Event, "change", private.pk),
            admin_event_form_data(private, visibility="public"),
        )

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert EventInvitation.objects.filter(event=private).count() == 2


def test_invitations_are_a_read_only_log_for_curators(curator_client):
    event = EventFactory(title="Wages Potluck")
    invitation = EventInvitation.objects.create(
        event=event, member=MemberFactory(name="Ines"), movement=event.movements.get()
    )

    listing = curator_client.get(admin_url(EventInvitation, "changelist"))
    detail = curator_client.get(admin_url(EventInvitation, "change", invitation.pk))
    add = curator_client.get(admin_url(EventInvitation, "add"))

    assert listing.status_code == 200
    assert [str(i) for i in listing.context["cl"].result_list] == ["Ines invited to Wages Potluck"]
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
    assert add.status_code == 403


def test_rsvp_renew_manage_links_action_revokes_and_mails(
    curator_client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=5)
    rsvp = rsvp_create(event=event, member=MemberFactory(email="sam@example.org"))
    old = manage_token(rsvp)

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            admin_url(RSVP, "changelist"),
            {"action": "renew_manage_links", "_selected_action": [rsvp.pk]},
            follow=True,
        )

    assert "Revoked the manage links of 1 RSVP" in response.content.decode()
    with pytest.raises(ManageLinkInvalid):
        manage_link_open(event.slug, old)
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
