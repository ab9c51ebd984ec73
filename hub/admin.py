"""The council admin's health teams: name, central email address, and who is in each team (people with a
health role in this council), with their manager level access."""

from django.contrib import admin

from core.admin_site import CouncilAdminMixin, MemberForm, OrganisationAdmin, PersonChoice, council_admin_site
from core.roles import HEALTH_ROLES
from hub.models import HealthTeam, HealthTeamMember


class HealthTeamMemberForm(MemberForm):
    user = PersonChoice(
        roles=HEALTH_ROLES,
        label="Person",
        help_text="People with a health role in this council. Invite someone new from Staff first.",
    )

    class Meta:
        model = HealthTeamMember
        fields = ["user", "is_manager"]


class HealthTeamMemberInline(CouncilAdminMixin, admin.StackedInline):
    model = HealthTeamMember
    form = HealthTeamMemberForm
    extra = 0
    verbose_name = "team member"


@admin.register(HealthTeam, site=council_admin_site)
class HealthTeamAdmin(OrganisationAdmin):
    audit_name = "health_team"
    list_display = ["name", "email", "is_active"]
    fields = ["name", "email", "is_active"]
    inlines = [HealthTeamMemberInline]
