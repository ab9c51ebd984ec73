import csv
import json

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone

from core.admin_site import CouncilAdminMixin, council_admin_site
from core.models import AuditEvent, Membership
from core.services import audit_record


@admin.register(Membership, site=council_admin_site)
class MembershipAdmin(CouncilAdminMixin, admin.ModelAdmin):
    """Read-only: who already works here. Roles are given only by invitation, accepted by the owner of
    the address, and changed or removed on the audited staff pages (/staff/); the admin never offers a
    picker of the platform's identities (no add, no raw-id or autocomplete field, nothing editable)."""

    list_display = ["user", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    list_select_related = ["user"]
    search_fields = ["user__email"]  # within this council's memberships only
    fields = readonly_fields = ["user", "role", "is_active", "created_at"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PersonFilter(admin.SimpleListFilter):
    """By person: only people who belong to this council (an active or past membership here), by email;
    a number for anyone else is ignored, so the filter never names or finds someone of another council."""

    title = "person"
    parameter_name = "person"

    def lookups(self, request, model_admin):
        people = (
            get_user_model()
            .objects.filter(pk__in=Membership.objects.values("user_id"))
            .order_by("email")
            .values_list("pk", "email")
        )
        return [(str(pk), email) for pk, email in people]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and Membership.objects.filter(user_id=int(value)).exists():
            return queryset.filter(actor_id=int(value))
        return queryset


CSV_COLUMNS = ["at", "action", "actor_email", "subject", "target_type", "target_id", "detail"]


def _csv_cell(value) -> str:
    """A spreadsheet must not run what a cell holds: a cell that starts like a formula is quoted."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


@admin.register(AuditEvent, site=council_admin_site)
class AuditEventAdmin(CouncilAdminMixin, admin.ModelAdmin):
    """The council's audit log, read-only: filtered by child (the case's reference, typed into the search
    box), by person and by action, and exported as CSV exactly as filtered (itself audited)."""

    list_display = ["at", "action", "actor_email", "subject", "target_type", "target_id"]
    list_filter = ["action", PersonFilter]
    list_select_related = ["actor"]
    search_fields = ["=subject"]
    search_help_text = (
        "Search by a child's case reference (or a request's reference), for example CASE-1A2B3C4D"
    )
    change_list_template = "admin/core/auditevent/change_list.html"

    @admin.display(description="Person", ordering="actor__email")
    def actor_email(self, event):
        return event.actor.email if event.actor_id else ""

    def get_urls(self):
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_view),
            name="core_auditevent_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The rows the list shows with the same filters and search, as CSV, newest first. The export is
        audited with the filters used (the reference searched is the row's child's record)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        params = request.GET.copy()
        changelist = self.get_changelist_instance(request)
        rows = changelist.get_queryset(request).select_related("actor")
        searched = params.get("q", "").strip()
        exported = audit_record(
            actor=request.user,
            action="audit.exported",
            subject=searched[:20],
            detail={
                "filters": {k: v for k, v in params.items() if k not in {"q", "o", "p"}},
                "searched": bool(searched),
                "rows": rows.count(),
            },
        )
        rows = rows.exclude(pk=exported.pk)  # the log as it was when asked for
        writer = csv.writer(_Echo())

        def lines():
            yield writer.writerow(CSV_COLUMNS)
            for event in rows.iterator(chunk_size=2000):
                yield writer.writerow(
                    _csv_cell(value)
                    for value in (
                        event.at.isoformat(),
                        event.action,
                        event.actor.email if event.actor_id else "",
                        event.subject,
                        event.target_type,
                        event.target_id,
                        json.dumps(event.detail, sort_keys=True),
                    )
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = (
            f'attachment; filename="audit-log-{connection.schema_name}-{stamp}.csv"'
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "export_url": reverse("council_admin:core_auditevent_export") + "?" + request.GET.urlencode(),
        }
        return super().changelist_view(request, extra_context)

    # The audit log is append-only.
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
