import datetime

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from movements.models import (
    Engagement,
    Member,
    Membership,
    MembershipRole,
    Movement,
    Organization,
    Participation,
    ParticipationRole,
    Region,
    Tactic,
    Tension,
    Theme,
)
from movements.verification import email_mark_verified
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
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    Theme,
    Tactic,
    Region,
    Movement,
    Organization,
    Participation,
    Member,
    Membership,
    Engagement,
    Tension,
]
model_ids = [model.__name__ for model in MODELS]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:movements_{model._meta.model_name}_{view}", args=args)


def add_network(size: int) -> None:
    """``size`` rows of every model, each tied to the others the way real data is."""
    parent = RegionFactory(slug="bay-area")
    for _ in range(size):
        region = RegionFactory(parent=parent)
        theme, tactic = ThemeFactory(), TacticFactory()
        movement = MovementFactory(themes=[theme], tactics=[tactic], regions=[region])
        other = MovementFactory(regions=[region])
        organization = OrganizationFactory(region=region)
        ParticipationFactory(organization=organization, movement=movement)
        member = MemberFactory(region=region, user=UserFactory())
        MembershipFactory(member=member, organization=organization)
        EngagementFactory(member=member, movement=movement, organization=organization)
        TensionFactory(movement_a=movement, movement_b=other)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=model_ids)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_admin_pages_render_for_the_curator(curator_client, model, view):
    add_network(3)

    response = curator_client.get(admin_url(model, view))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=model_ids)
def test_admin_change_pages_render_for_the_curator(curator_client, model):
    add_network(2)
    obj = model.objects.first()

    response = curator_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=model_ids)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_admin_pages_send_anonymous_visitors_to_login(client, model, view):
    url = admin_url(model, view)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


@pytest.mark.parametrize("model", MODELS, ids=model_ids)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_admin_pages_send_non_staff_users_to_login(member_client, model, view):
    url = admin_url(model, view)

    response = member_client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


# --- Changelists: query counts and search -------------------------------------------------


# Queries per changelist: session, user, count(s), rows, one per list filter that lists
# related objects, and the date hierarchy. None of them depends on the number of rows.
CHANGELIST_QUERIES = {
    Theme: 5,
    Tactic: 5,
    Region: 6,
    Movement: 10,
    Organization: 6,
    Participation: 7,
    Member: 8,
    Membership: 7,
    Engagement: 7,
    Tension: 5,
}


@pytest.mark.parametrize("model", MODELS, ids=model_ids)
def test_changelist_query_count_does_not_grow_with_rows(
    curator_client, model, django_assert_max_num_queries
):
    url = admin_url(model, "changelist")
    add_network(5)
    curator_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as five:
        curator_client.get(url)

    add_network(15)
    with django_assert_max_num_queries(CHANGELIST_QUERIES[model]):
        response = curator_client.get(url)

    assert response.context["cl"].result_count >= 20
    assert len(five) == CHANGELIST_QUERIES[model]


def test_organization_search_finds_by_name(curator_client):
    wanted = OrganizationFactory(name="Food Not Bombs")
    OrganizationFactory(name="Teamsters Local 70")

    response = curator_client.get(admin_url(Organization, "changelist"), {"q": "food"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_member_search_finds_by_key_and_email(curator_client):
    wanted = MemberFactory(key="m-4242", email="rosa@example.org")
    MemberFactory(key="m-0007")

    by_key = curator_client.get(admin_url(Member, "changelist"), {"q": "m-4242"})
    by_email = curator_client.get(admin_url(Member, "changelist"), {"q": "rosa@"})

    assert list(by_key.context["cl"].result_list) == [wanted]
    assert list(by_email.context["cl"].result_list) == [wanted]


def test_engagement_search_finds_by_movement_name(curator_client):
    wanted = EngagementFactory(movement=MovementFactory(name="Fight for $15"))
    EngagementFactory(movement=MovementFactory(name="Food Justice"))

    response = curator_client.get(admin_url(Engagement, "changelist"), {"q": "fight"})

    assert list(response.context["cl"].result_list) == [wanted]


@pytest.mark.parametrize(("archived", "expected"), [("yes", ["Old"]), ("no", ["New"])])
def test_movement_changelist_filters_on_archived(curator_client, archived, expected):
    MovementFactory(name="Old", archived_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    MovementFactory(name="New")

    response = curator_client.get(admin_url(Movement, "changelist"), {"archived": archived})

    assert [m.name for m in response.context["cl"].result_list] == expected


# --- Merge --------------------------------------------------------------------------------


def post_merge(client, organizations, **extra):
    data = {"action": "merge", "_selected_action": [o.pk for o in organizations], **extra}
    return client.post(admin_url(Organization, "changelist"), data)


def test_merge_action_asks_which_organization_to_keep(curator_client):
    oldest, newer = OrganizationFactory(), OrganizationFactory()

    response = post_merge(curator_client, [newer, oldest])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/movements/organization/merge.html"
    assert response.context["organizations"] == [oldest, newer]
    assert response.context["keep"] == oldest
    assert Organization.objects.count() == 2


def test_merge_action_moves_history_into_the_chosen_organization(curator_client):
    duplicate, keep = OrganizationFactory(name="FNB"), OrganizationFactory(name="Food Not Bombs")
    participation = ParticipationFactory(organization=duplicate)
    membership = MembershipFactory(organization=duplicate)
    engagement = EngagementFactory(organization=duplicate)

    response = post_merge(curator_client, [duplicate, keep], keep=keep.pk, post="yes")

    assert response.status_code == 302
    assert response["Location"] == admin_url(Organization, "changelist")
    assert list(Organization.objects.all()) == [keep]
    assert Participation.objects.get(pk=participation.pk).organization == keep
    assert Membership.objects.get(pk=membership.pk).organization == keep
    assert Engagement.objects.get(pk=engagement.pk).organization == keep
    assert messages_of(response) == [
        "Merged “FNB” into “Food Not Bombs”: moved 1 participation, 1 membership and 1 engagement."
    ]
    assert sorted(
        LogEntry.objects.values_list("action_flag", "object_id", "object_repr", "change_message")
    ) == [
        (CHANGE, str(keep.pk), "Food Not Bombs", "Merged “FNB” into it."),
        (DELETION, str(duplicate.pk), "FNB", ""),
    ]


def test_merge_action_combines_open_rows_for_the_same_pair(curator_client):
    movement, member = MovementFactory(), MemberFactory()
    keep, duplicate = OrganizationFactory(name="Keep"), OrganizationFactory(name="Dup")
    kept = ParticipationFactory(
        organization=keep, movement=movement, role=ParticipationRole.PARTNER
    )
    ParticipationFactory(
        organization=duplicate,
        movement=movement,
        role=ParticipationRole.LEAD,
        since=datetime.date(2015, 1, 1),
    )
    MembershipFactory(organization=keep, member=member, role=MembershipRole.LEADER)
    MembershipFactory(organization=duplicate, member=member, role=MembershipRole.MEMBER)

    response = post_merge(curator_client, [keep, duplicate], keep=keep.pk, post="yes")

    assert response.status_code == 302
    assert list(Participation.objects.values_list("pk", "organization", "role", "since")) == [
        (kept.pk, keep.pk, ParticipationRole.LEAD, datetime.date(2015, 1, 1))
    ]
    assert list(Membership.objects.values_list("organization", "role")) == [
        (keep.pk, MembershipRole.LEADER)
    ]
    assert messages_of(response) == [
        "Merged “Dup” into “Keep”: moved 1 participation, 1 membership and 0 engagements. "
        "2 open rows were combined with a matching open row (earliest start, strongest role)."
    ]


def test_merge_action_needs_two_organizations(curator_client):
    organization = OrganizationFactory()
    ParticipationFactory(organization=organization)

    response = post_merge(curator_client, [organization], keep=organization.pk, post="yes")

    assert response.status_code == 302
    assert messages_of(response) == ["Select at least two organizations to merge."]
    assert Organization.objects.count() == 1


def test_merge_action_refuses_a_keep_outside_the_selection(curator_client):
    first, second, outsider = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()

    response = post_merge(curator_client, [first, second], keep=outsider.pk, post="yes")

    assert response.status_code == 400
    assert response.context["error"] == "Choose which of the selected organizations to keep."
    assert Organization.objects.count() == 3


def test_merge_action_refuses_a_missing_keep(curator_client):
    first, second = OrganizationFactory(), OrganizationFactory()

    response = post_merge(curator_client, [first, second], post="yes")

    assert response.status_code == 400
    assert Organization.objects.count() == 2


def test_merge_action_is_not_offered_without_delete_permission(client):
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_organization", "change_organization"])
    )
    client.force_login(editor)

    response = client.get(admin_url(Organization, "changelist"))

    choices = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert choices == ["", "archive", "unarchive"]


# --- Archive ------------------------------------------------------------------------------


def test_archive_action_archives_selected_movements(curator_client):
    movement, untouched = MovementFactory(), MovementFactory()

    response = curator_client.post(
        admin_url(Movement, "changelist"),
        {"action": "archive", "_selected_action": [movement.pk]},
    )

    assert response.status_code == 302
    movement.refresh_from_db()
    untouched.refresh_from_db()
    assert movement.archived_at is not None
    assert untouched.archived_at is None
    assert messages_of(response) == ["Archived 1 movement."]


def test_archive_and_unarchive_actions_for_organizations(curator_client):
    organization = OrganizationFactory()
    url = admin_url(Organization, "changelist")

    curator_client.post(url, {"action": "archive", "_selected_action": [organization.pk]})
    organization.refresh_from_db()
    assert organization.archived_at is not None
    assert organization.active is False

    curator_client.post(url, {"action": "unarchive", "_selected_action": [organization.pk]})
    organization.refresh_from_db()
    assert organization.archived_at is None
    assert organization.active is True


@pytest.mark.parametrize(
    ("model", "factory", "plural"),
    [
        (Movement, MovementFactory, "movements"),
        (Organization, OrganizationFactory, "organizations"),
    ],
)
def test_archive_and_unarchive_actions_skip_objects_already_in_that_state(
    curator_client, model, factory, plural
):
    archived = factory(archived_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    first, second = factory(), factory()
    url = admin_url(model, "changelist")
    selected = [archived.pk, first.pk, second.pk]

    archiving = curator_client.post(url, {"action": "archive", "_selected_action": selected})
    assert messages_of(archiving) == [f"Archived 2 {plural}."]
    assert model.objects.filter(archived_at__isnull=False).count() == 3
    assert model.objects.get(pk=archived.pk).archived_at == archived.archived_at

    curator_client.get(url)  # shows (and so clears) the message
    unarchiving = curator_client.post(url, {"action": "unarchive", "_selected_action": selected})
    assert messages_of(unarchiving) == [f"Unarchived 3 {plural}."]
    assert model.objects.filter(archived_at__isnull=False).count() == 0


def test_archive_action_works_from_the_change_page(curator_client):
    organization = OrganizationFactory()
    url = admin_url(Organization, "change", organization.pk)

    response = curator_client.post(
        url, {"CHANGE_FORM-action": "archive", "_selected_action": [organization.pk]}
    )

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.archived_at is not None


# --- Delete -------------------------------------------------------------------------------


def test_organization_with_history_cannot_be_deleted(curator_client):
    organization = OrganizationFactory()
    ParticipationFactory(organization=organization)

    page = curator_client.get(admin_url(Organization, "change", organization.pk))
    response = curator_client.post(admin_url(Organization, "delete", organization.pk))

    assert page.context["has_delete_permission"] is False
    assert (
        "Has history (1 participation), so it cannot be deleted: archive it instead."
        in page.content.decode()
    )
    assert response.status_code == 403
    assert Organization.objects.count() == 1


def test_organization_without_history_can_be_deleted(curator_client):
    organization = OrganizationFactory()

    response = curator_client.post(
        admin_url(Organization, "delete", organization.pk), {"post": "yes"}
    )

    assert response.status_code == 302
    assert Organization.objects.count() == 0


@pytest.mark.parametrize("model", [Movement, Organization], ids=["Movement", "Organization"])
def test_bulk_delete_is_not_offered_for_movements_and_organizations(curator_client, model):
    response = curator_client.get(admin_url(model, "changelist"))

    choices = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in choices


def test_movement_with_engagements_cannot_be_deleted(curator_client):
    engagement = EngagementFactory()

    response = curator_client.get(admin_url(Movement, "delete", engagement.movement.pk))

    assert response.status_code == 403


def test_bulk_delete_of_members_with_history_is_refused_with_a_reason(curator_client):
    member = MemberFactory(name="Rosa")
    MembershipFactory(member=member)
    data = {"action": "delete_selected", "_selected_action": [member.pk]}

    page = curator_client.post(admin_url(Member, "changelist"), data)
    confirmed = curator_client.post(admin_url(Member, "changelist"), {**data, "post": "yes"})

    assert page.context["protected"] == [
        "Member “Rosa” has history (1 membership): end their memberships and engagements instead."
    ]
    assert page.context["perms_lacking"] == set()
    assert confirmed.status_code == 200
    assert Member.objects.count() == 1
    assert Membership.objects.count() == 1


def test_theme_in_use_cannot_be_deleted_but_an_unused_one_can(curator_client):
    used, unused = ThemeFactory(), ThemeFactory()
    MovementFactory(themes=[used])

    refused = curator_client.post(admin_url(Theme, "delete", used.pk), {"post": "yes"})
    deleted = curator_client.post(admin_url(Theme, "delete", unused.pk), {"post": "yes"})

    assert refused.status_code == 403
    assert deleted.status_code == 302
    assert list(Theme.objects.all()) == [used]


def test_region_with_organizations_cannot_be_deleted(curator_client):
    region = RegionFactory()
    OrganizationFactory(region=region)

    response = curator_client.get(admin_url(Region, "delete", region.pk))

    assert response.status_code == 403


# --- Dates are bounded (core.dates) -------------------------------------------------------


@pytest.fixture
def dated_targets():
    return {
        "movement": MovementFactory(),
        "organization": OrganizationFactory(),
        "member": MemberFactory(),
    }


def _movement_form(targets, **fields):
    return {
        "name": "Tenants unite",
        "slug": "tenants-unite",
        "sector": "community",
        "status": "active",
        "participations-TOTAL_FORMS": 0,
        "participations-INITIAL_FORMS": 0,
        **fields,
    }


def _organization_form(targets, **fields):
    return {
        "name": "Tenant union",
        "slug": "tenant-union",
        "kind": "union",
        "active": "on",
        "participations-TOTAL_FORMS": 0,
        "participations-INITIAL_FORMS": 0,
        **fields,
    }


def _participation_form(targets, **fields):
    return {
        "organization": targets["organization"].pk,
        "movement": targets["movement"].pk,
        "role": "partner",
        **fields,
    }


def _membership_form(targets, **fields):
    return {
        "member": targets["member"].pk,
        "organization": targets["organization"].pk,
        "role": "member",
        **fields,
    }


def _engagement_form(targets, **fields):
    return {
        "member": targets["member"].pk,
        "movement": targets["movement"].pk,
        "role": "participant",
        "source": "manual",
        **fields,
    }


# (model, form, the field, its value in year 9999 as the admin form posts it)
YEAR_9999 = [
    (Movement, _movement_form, "started_on", {"started_on": "9999-01-01"}),
    (
        Movement,
        _movement_form,
        "archived_at",
        {"archived_at_0": "9999-12-31", "archived_at_1": "23:59:59"},
    ),
    (Organization, _organization_form, "founded_on", {"founded_on": "9999-01-01"}),
    (
        Organization,
        _organization_form,
        "archived_at",
        {"archived_at_0": "9999-12-31", "archived_at_1": "23:59:59"},
    ),
    (Participation, _participation_form, "since", {"since": "9999-01-01"}),
    (Participation, _participation_form, "until", {"until": "9999-12-31"}),
    (Membership, _membership_form, "since", {"since": "9999-01-01"}),
    (Membership, _membership_form, "until", {"until": "9999-12-31"}),
    (Engagement, _engagement_form, "since", {"since": "9999-01-01"}),
    (Engagement, _engagement_form, "until", {"until": "9999-12-31"}),
]
year_9999_ids = [f"{model.__name__}.{field}" for model, _, field, _ in YEAR_9999]


@pytest.mark.parametrize(("model", "form", "field", "value"), YEAR_9999, ids=year_9999_ids)
def test_admin_add_form_refuses_year_9999_naming_the_field(
    curator_client, dated_targets, model, form, field, value
):
    before = model.objects.count()

    response = curator_client.post(admin_url(model, "add"), form(dated_targets, **value))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert {name: [e.code for e in found] for name, found in errors.items()} == {
        field: ["date_out_of_range"]
    }
    assert model.objects.count() == before


@pytest.mark.parametrize(("model", "form", "field", "value"), YEAR_9999, ids=year_9999_ids)
def test_admin_add_form_takes_the_same_date_in_range(
    curator_client, dated_targets, model, form, field, value
):
    in_range = {name: text.replace("9999", "2100") for name, text in value.items()}
    before = model.objects.count()

    response = curator_client.post(admin_url(model, "add"), form(dated_targets, **in_range))

    assert response.status_code == 302
    assert model.objects.count() == before + 1


def test_admin_inline_refuses_year_9999_naming_the_field(curator_client, dated_targets):
    data = {
        "key": "m-9999",
        "name": "Dana",
        "visibility": "private",
        "memberships-TOTAL_FORMS": 1,
        "memberships-INITIAL_FORMS": 0,
        "memberships-0-organization": dated_targets["organization"].pk,
        "memberships-0-role": "member",
        "memberships-0-since": "9999-01-01",
        "engagements-TOTAL_FORMS": 0,
        "engagements-INITIAL_FORMS": 0,
    }

    response = curator_client.post(admin_url(Member, "add"), data)

    assert response.status_code == 200
    memberships = response.context["inline_admin_formsets"][0].formset
    assert [
        {name: [e.code for e in found] for name, found in form.errors.as_data().items()}
        for form in memberships.forms
    ] == [{"since": ["date_out_of_range"]}]
    assert not Member.objects.filter(key="m-9999").exists()


def test_member_admin_shows_and_filters_whether_the_email_is_confirmed(curator_client):
    """Outreach goes only to confirmed addresses: curators can see who confirmed."""
    confirmed = MemberFactory(name="Confirmed Person", email="yes@example.org")
    MemberFactory(name="Unconfirmed Person", email="no@example.org")
    email_mark_verified(member=confirmed, email="yes@example.org")

    everyone = curator_client.get("/admin/movements/member/").content.decode()
    only_yes = curator_client.get("/admin/movements/member/?confirmed=yes").content.decode()
    only_no = curator_client.get("/admin/movements/member/?confirmed=no").content.decode()

    assert "Email confirmed" in everyone
    assert "Confirmed Person" in only_yes and "Unconfirmed Person" not in only_yes
    assert "Unconfirmed Person" in only_no and "Confirmed Person" not in only_no


def test_member_admin_filters_who_opted_in_to_invitations(curator_client):
    MemberFactory(name="Opted In", invites=True)
    MemberFactory(name="Not Asked")

    opted_in = curator_client.get("/admin/movements/member/?invites__exact=1")
    not_asked = curator_client.get("/admin/movements/member/?invites__exact=0")

    assert [m.name for m in opted_in.context["cl"].result_list] == ["Opted In"]
    assert [m.name for m in not_asked.context["cl"].result_list] == ["Not Asked"]
    assert "By invitations to joint events" in opted_in.content.decode()
