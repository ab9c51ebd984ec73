"""The council admin's schools and settings: name, URN or UKPRN, type, central email address, and who
is in each (people with the education professional role in this council), with setting managers."""

from django.contrib import admin
from django.db import transaction

from core.admin_site import CouncilAdminMixin, MemberForm, PersonChoice, council_admin_site
from core.roles import Role
from core.services import audit_record
from ehc.models import EducationSetting, SettingMember


class SettingMemberForm(MemberForm):
    user = PersonChoice(
        roles={Role.EDUCATION_PROFESSIONAL},
        label="Person",
        help_text="Education professionals in this council. Invite someone new from Staff first.",
    )

    class Meta:
        model = SettingMember
        fields = ["user", "is_manager"]


class SettingMemberInline(CouncilAdminMixin, admin.StackedInline):
    model = SettingMember
    form = SettingMemberForm
    extra = 0
    verbose_name = "member"


@admin.register(EducationSetting, site=council_admin_site)
class EducationSettingAdmin(CouncilAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "urn", "ukprn", "email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "urn", "ukprn"]
    fields = ["name", "kind", "urn", "ukprn", "email", "is_active"]
    inlines = [SettingMemberInline]

    def has_delete_permission(self, request, obj=None):
        return False  # a setting that was consulted keeps its history: switch it off instead

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="education_setting.changed" if change else "education_setting.added",
                target=obj,
                detail={"fields": form.changed_data},
            )

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.has_changed():
                audit_record(
                    actor=request.user,
                    action="education_setting.members_changed",
                    target=form.instance,
                    detail={"members": [m.user_id for m in form.instance.members.all()]},
                )
