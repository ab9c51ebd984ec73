from django.contrib import admin

from core.admin_site import CouncilAdminMixin, council_admin_site
from core.models import AuditEvent, Membership


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


@admin.register(AuditEvent, site=council_admin_site)
class AuditEventAdmin(CouncilAdminMixin, admin.ModelAdmin):
    list_display = ["at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action"]
    list_select_related = ["actor"]

    # The audit log is append-only.
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
