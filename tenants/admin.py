from django.contrib import admin

from core.admin_site import platform_admin_site
from tenants.models import Council, Domain


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 1


@admin.register(Council, site=platform_admin_site)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "schema_name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "schema_name"]
    inlines = [DomainInline]

    def get_readonly_fields(self, request, obj=None):
        # A council's schema name is fixed once its schema exists.
        return ["schema_name", "created_at"] if obj else ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(schema_name="public")
