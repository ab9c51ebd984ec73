"""The council admin's health teams: name, central email address, and who is in each team (people with a
health role in this council), with their manager level access."""

from django.contrib import admin
from django.db import transaction

from core.admin_site import CouncilAdminMixin, MemberForm, PersonChoice, council_admin_site
from core.roles import HEALTH_ROLES
from core.services import audit_record
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
class HealthTeamAdmin(CouncilAdminMixin, admin.ModelAdmin):
    list_display = ["name", "email", "is_active"]
    fields = ["name", "email", "is_active"]
    inlines = [HealthTeamMemberInline]

    def has_delete_permission(self, request, obj=None):
        return False  # a team that was asked for advice keeps its history: switch it off instead

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="health_team.changed" if change else "health_team.added",
                target=obj,
                detail={"fields": form.changed_data},
            )

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.has_changed():
                audit_record(
                    actor=request.user,
                    action="health_team.members_changed",
                    target=form.instance,
                    detail={"members": [m.user_id for m in form.instance.members.all()]},
                )
