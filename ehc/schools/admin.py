"""The council admin's schools and settings: name, URN or UKPRN, type, central email address, and who
is in each (people with the education professional role in this council), with setting managers."""

from django.contrib import admin

from core.admin_site import CouncilAdminMixin, MemberForm, OrganisationAdmin, PersonChoice, council_admin_site
from core.roles import Role
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
class EducationSettingAdmin(OrganisationAdmin):
    audit_name = "education_setting"
    list_display = ["name", "kind", "urn", "ukprn", "email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "urn", "ukprn"]
    fields = ["name", "kind", "urn", "ukprn", "email", "is_active"]
    inlines = [SettingMemberInline]
