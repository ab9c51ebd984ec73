from django import forms
from django.contrib import admin

from core.admin_site import platform_admin_site
from tenants.models import Council, Domain
from tenants.services import council_schema_refusal


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 1


class CouncilForm(forms.ModelForm):
    class Meta:
        model = Council
        fields = "__all__"  # noqa: DJ007 (the operator's own form; the admin picks the fields)

    def clean_schema_name(self):
        schema_name = self.cleaned_data["schema_name"]
        if self.instance.pk is None:  # a new council: the same rules as create_council
            refusal = council_schema_refusal(schema_name=schema_name)
            if refusal:
                raise forms.ValidationError(refusal)
        return schema_name


@admin.register(Council, site=platform_admin_site)
class CouncilAdmin(admin.ModelAdmin):
    """A council is switched off (is_active), never deleted from a page: deleting the row would leave
    its schema, with every child's record in it, for a new council of the same name to inherit."""

    form = CouncilForm
    list_display = ["name", "short_name", "schema_name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "schema_name"]
    inlines = [DomainInline]

    def get_readonly_fields(self, request, obj=None):
        # A council's schema name is fixed once its schema exists.
        return ["schema_name", "created_at"] if obj else ["created_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # also removes the bulk "delete selected" action

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(schema_name="public")
