from django.contrib import admin

from core.admin_site import CouncilAdminMixin, council_admin_site
from core.models import AuditEvent, Membership


@admin.register(Membership, site=council_admin_site)
class MembershipAdmin(CouncilAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


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
