"""The curators' tool: the whole directory in Django admin.

Anything with history (participations, memberships, engagements) is archived, not deleted:
those objects refuse deletion here with a note on their change page, and bulk actions call
the services in ``movements/services.py``.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.text import Truncator

from core.admin import ServiceActionsAdmin
from core.text import join_names
from movements import organizing, services
from movements.models import (
    Engagement,
    Member,
    Membership,
    Movement,
    Organization,
    OrganizerRequest,
    Participation,
    Region,
    Tactic,
    Tension,
    Theme,
)
from movements.verification import is_verified

EVERYWHERE = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def _count_phrase(count: int, model) -> str:
    opts = model._meta
    return f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}"


def _annotate_history_totals(organizations: list[Organization]) -> None:
    """Set ``participation_total``, ``membership_total`` and ``engagement_total`` on each
    organization: one query per kind of row (counting them in one query would multiply
    the joins)."""
    ids = [organization.pk for organization in organizations]
    for model in (Participation, Membership, Engagement):
        totals = dict(
            model.objects.filter(organization__in=ids)
            .order_by()
            .values_list("organization")
            .annotate(n=Count("pk"))
        )
        for organization in organizations:
            setattr(
                organization, f"{model._meta.model_name}_total", totals.get(organization.pk, 0)
            )


class ArchivedListFilter(admin.SimpleListFilter):
    title = "archived"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("yes", "Archived"), ("no", "Not archived")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        return queryset


class KeepsHistoryAdmin(admin.ModelAdmin):
    """Refuses to delete an object that other records still refer to.

    ``history_relations`` names the reverse relations that count as history. The change
    page says why an object cannot be deleted; the delete page answers 403 and the bulk
    delete confirmation lists the objects with history instead of deleting anything."""

    history_relations: tuple[str, ...] = ()
    instead = "archive it instead"

    def history_counts(self, obj) -> dict[str, int]:
        """``{relation: count}`` for the relations that have rows, cached on ``obj``."""
        if not hasattr(obj, "_history_counts"):
            counts = {name: getattr(obj, name).count() for name in self.history_relations}
            obj._history_counts = {name: n for name, n in counts.items() if n}
        return obj._history_counts

    def history_phrase(self, obj) -> str:
        return join_names(
            [
                _count_phrase(count, obj._meta.get_field(name).related_model)
                for name, count in self.history_counts(obj).items()
            ]
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.history_counts(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept = [
            f"{obj._meta.verbose_name.capitalize()} “{obj}” has history "
            f"({self.history_phrase(obj)}): {self.instead}."
            for obj in objs
            if self.history_counts(obj)
        ]
        if kept:
            # Reported as protected objects, with the reason, rather than as a missing
            # permission.
            perms_needed.discard(self.opts.verbose_name)
            protected = [*kept, *protected]
        return deleted, model_count, perms_needed, protected

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if obj is None else [*readonly, "deletion"]

    @admin.display(description="Deletion")
    def deletion(self, obj):
        if self.history_counts(obj):
            return f"Has history ({self.history_phrase(obj)}), so it cannot be deleted: " + (
                f"{self.instead}."
            )
        return "Nothing refers to it: it can be deleted."


class ArchivableAdmin(ServiceActionsAdmin, KeepsHistoryAdmin):
    """Movements and organizations: archived rather than deleted, never in bulk."""

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(boolean=True, description="Archived", ordering="archived_at")
    def is_archived(self, obj):
        return obj.archived_at is not None

    # The services behind the archive and unarchive actions; each takes the object as the
    # keyword named after the model (``movement=…``, ``organization=…``).
    archive_service: Callable
    unarchive_service: Callable

    @admin.action(permissions=["change"], description="Archive", location=EVERYWHERE)
    def archive(self, request, queryset):
        self._each(
            request, queryset.filter(archived_at__isnull=True), self.archive_service, "Archived"
        )

    @admin.action(permissions=["change"], description="Unarchive", location=EVERYWHERE)
    def unarchive(self, request, queryset):
        self._each(
            request,
            queryset.filter(archived_at__isnull=False),
            self.unarchive_service,
            "Unarchived",
        )

    def _each(self, request, queryset, service, verb: str) -> None:
        objects = list(queryset)
        for obj in objects:
            service(**{self.opts.model_name: obj})
        self.message_user(
            request,
            f"{verb} {_count_phrase(len(objects), self.model)}.",
            messages.SUCCESS,
        )


# --- Taxonomy and regions -----------------------------------------------------------------


class TaxonomyAdmin(KeepsHistoryAdmin):
    list_display = ["name", "slug", "movement_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]
    history_relations = ("movements",)
    instead = "untag those movements first"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(movement_count=Count("movements"))

    @admin.display(description="Movements", ordering="movement_count")
    def movement_count(self, obj):
        return obj.movement_count


@admin.register(Theme)
class ThemeAdmin(TaxonomyAdmin):
    pass


@admin.register(Tactic)
class TacticAdmin(TaxonomyAdmin):
    pass


@admin.register(Region)
class RegionAdmin(KeepsHistoryAdmin):
    list_display = ["name", "slug", "parent"]
    list_select_related = ["parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "parent__name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]
    history_relations = ("movements", "organizations", "members", "children")
    instead = "move what lies in it to another region first"


# --- Movements and organizations ----------------------------------------------------------


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ["organization", "movement", "role", "since", "until"]
    autocomplete_fields = ["organization", "movement"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "movement")


@admin.register(Movement)
class MovementAdmin(ArchivableAdmin):
    list_display = [
        "name",
        "sector",
        "status",
        "constituency",
        "organization_count",
        "people_count",
        "is_archived",
    ]
    list_filter = ["sector", "status", ArchivedListFilter, "themes", "tactics", "regions"]
    search_fields = ["name", "slug", "constituency", "summary"]
    autocomplete_fields = ["themes", "tactics", "regions"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]
    date_hierarchy = "started_on"
    inlines = [ParticipationInline]
    actions = ["archive", "unarchive"]
    archive_service = staticmethod(services.movement_archive)
    unarchive_service = staticmethod(services.movement_unarchive)
    history_relations = ("participations", "engagements", "events")

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description="Organizations", ordering="organization_count")
    def organization_count(self, obj):
        return obj.organization_count

    @admin.display(description="People now", ordering="people_count")
    def people_count(self, obj):
        return obj.people_count


@admin.register(Organization)
class OrganizationAdmin(ArchivableAdmin):
    list_display = [
        "name",
        "kind",
        "region",
        "movement_count",
        "people_count",
        "active",
        "is_archived",
    ]
    list_select_related = ["region"]
    list_filter = ["kind", "active", ArchivedListFilter, "region"]
    search_fields = ["name", "slug", "description", "contact_email"]
    autocomplete_fields = ["region"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]
    inlines = [ParticipationInline]
    actions = ["merge", "archive", "unarchive"]
    archive_service = staticmethod(services.organization_archive)
    unarchive_service = staticmethod(services.organization_unarchive)
    history_relations = (
        "participations",
        "memberships",
        "engagements",
        "hosted_events",
        "organizer_requests",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description="Movements now", ordering="movement_count")
    def movement_count(self, obj):
        return obj.movement_count

    @admin.display(description="Members now", ordering="people_count")
    def people_count(self, obj):
        return obj.people_count

    def has_merge_permission(self, request):
        # A merge changes one organization and deletes the others.
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(permissions=["merge"], description="Merge selected organizations into one…")
    def merge(self, request, queryset):
        """Two steps: a confirmation page where the curator picks the organization to
        keep (the oldest is preselected), then the merge itself."""
        organizations = list(queryset.order_by("pk"))
        if len(organizations) < 2:
            self.message_user(
                request, "Select at least two organizations to merge.", messages.WARNING
            )
            return None
        if "post" not in request.POST:
            return self._merge_confirmation(request, organizations, keep=organizations[0])

        keep = next((o for o in organizations if str(o.pk) == request.POST.get("keep")), None)
        if keep is None:
            return self._merge_confirmation(
                request,
                organizations,
                keep=None,
                error="Choose which of the selected organizations to keep.",
            )
        duplicates = [o for o in organizations if o is not keep]
        try:
            summary = services.organization_merge(keep=keep, duplicates=duplicates)
        except services.MergeError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        names = join_names([f"“{o}”" for o in summary.merged])
        self.log_deletions(request, list(summary.merged))
        self.log_change(request, summary.organization, f"Merged {names} into it.")

        moved = {
            Participation: summary.participations,
            Membership: summary.memberships,
            Engagement: summary.engagements,
        }
        message = (
            f"Merged {names} into “{summary.organization}”: moved "
            f"{join_names([_count_phrase(n, model) for model, n in moved.items()])}."
        )
        if combined := summary.combined:
            rows = "open row was" if combined == 1 else "open rows were"
            message += (
                f" {combined} {rows} combined with a matching open row "
                "(earliest start, strongest role)."
            )
        if summary.organizer_requests:
            message += (
                f" {_count_phrase(summary.organizer_requests, OrganizerRequest)} moved along"
            )
            if dropped := summary.combined_organizer_requests:
                message += (
                    f" ({dropped} open one{'s' if dropped > 1 else ''} dropped: the same "
                    "person had asked on another of them)"
                )
            message += "."
        self.message_user(request, message, messages.SUCCESS)
        return None

    def _merge_confirmation(self, request, organizations, *, keep, error=""):
        _annotate_history_totals(organizations)
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge organizations",
            "subtitle": None,
            "opts": self.opts,
            "organizations": organizations,
            "keep": keep,
            "error": error,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/movements/organization/merge.html",
            context,
            status=400 if error else 200,
        )


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["organization", "movement", "role", "since", "until"]
    list_select_related = ["organization", "movement"]
    list_filter = ["role"]
    search_fields = ["organization__name", "movement__name"]
    autocomplete_fields = ["organization", "movement"]
    ordering = ["-since", "pk"]
    date_hierarchy = "since"


# --- People -------------------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["organization", "role", "since", "until"]
    autocomplete_fields = ["organization"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "organization")


class EngagementInline(admin.TabularInline):
    model = Engagement
    fields = ["movement", "organization", "role", "since", "until", "source"]
    autocomplete_fields = ["movement", "organization"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "movement")


class EmailConfirmedFilter(admin.SimpleListFilter):
    """Whether the person confirmed the address they have now (``movements.verification``):
    outreach goes only to those who did."""

    title = "email confirmed"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        verified = Member.objects.verified().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=verified)
        if self.value() == "no":
            return queryset.exclude(pk__in=verified)
        return queryset


@admin.register(Member)
class MemberAdmin(KeepsHistoryAdmin):
    """People are sensitive: the admin is staff-only, and the list shows no email."""

    @admin.display(boolean=True, description="Email confirmed")
    def email_confirmed(self, member: Member) -> bool:
        return is_verified(member)

    list_display = ["key", "name", "region", "visibility", "invites", "user", "email_confirmed"]
    list_select_related = ["region", "user"]
    list_filter = ["visibility", "invites", EmailConfirmedFilter, "region"]
    search_fields = ["key", "name", "email"]
    readonly_fields = ["verified_email", "email_verified_at"]
    autocomplete_fields = ["region", "user"]
    ordering = ["name", "key"]
    date_hierarchy = "created_at"
    inlines = [MembershipInline, EngagementInline]
    history_relations = ("memberships", "engagements", "rsvps")
    instead = "end their memberships and engagements instead"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "organization", "role", "since", "until"]
    list_select_related = ["member", "organization"]
    list_filter = ["role"]
    search_fields = ["member__name", "member__key", "organization__name"]
    autocomplete_fields = ["member", "organization"]
    ordering = ["-since", "pk"]
    date_hierarchy = "since"


@admin.register(OrganizerRequest)
class OrganizerRequestAdmin(ServiceActionsAdmin):
    """Requests to organize: read here, decided by the actions (``movements.organizing``,
    the same rules and mails as on the site). A curator never decides their own."""

    list_display = ["member", "organization", "status", "created_at", "decided_at", "decided_by"]
    list_select_related = ["member", "organization", "decided_by"]
    list_filter = ["status", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["member__name", "member__key", "organization__name", "note"]
    readonly_fields = [
        "member",
        "organization",
        "note",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    ordering = ["-created_at", "-pk"]
    date_hierarchy = "created_at"
    actions = ["approve", "decline"]

    def has_add_permission(self, request):
        return False  # people ask on the organization's page

    @admin.action(permissions=["change"], description="Approve", location=EVERYWHERE)
    def approve(self, request, queryset):
        self._decide(request, queryset, organizing.organizer_request_approve, "Approved")

    @admin.action(permissions=["change"], description="Decline", location=EVERYWHERE)
    def decline(self, request, queryset):
        self._decide(request, queryset, organizing.organizer_request_decline, "Declined")

    def _decide(self, request, queryset, service, verb: str) -> None:
        decided, refused = 0, []
        for organizer_request in queryset.with_people().order_by("pk"):
            try:
                service(request=organizer_request, by=request.user)
            except organizing.OrganizerRequestError as error:
                refused.append(f"{organizer_request}: {error}")
            else:
                decided += 1
        if decided:
            self.message_user(
                request,
                f"{verb} {_count_phrase(decided, self.model)}; each person is told by mail.",
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["member", "movement", "organization", "role", "since", "until", "source"]
    list_select_related = ["member", "movement", "organization"]
    list_filter = ["role", "source"]
    search_fields = ["member__name", "member__key", "movement__name", "organization__name"]
    autocomplete_fields = ["member", "movement", "organization"]
    ordering = ["-since", "pk"]
    date_hierarchy = "since"


@admin.register(Tension)
class TensionAdmin(admin.ModelAdmin):
    list_display = ["movement_a", "movement_b", "short_note"]
    list_select_related = ["movement_a", "movement_b"]
    search_fields = ["movement_a__name", "movement_b__name", "note"]
    autocomplete_fields = ["movement_a", "movement_b"]
    ordering = ["movement_a__name", "movement_b__name", "pk"]

    @admin.display(description="Note")
    def short_note(self, obj):
        return Truncator(obj.note).chars(80)
