from django.contrib import admin

from core.admin_site import platform_admin_site
from core.identity.models import User


@admin.register(User, site=platform_admin_site)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fields = ["email", "first_name", "last_name", "is_active", "is_staff", "is_superuser", "date_joined"]
    readonly_fields = ["date_joined"]

    def has_delete_permission(self, request, obj=None):
        # An identity's memberships, audit records and data live in every council it belongs to; deleting
        # one is a service that visits each council (not built yet), never a cascade from the public schema.
        return False
