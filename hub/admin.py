"""The council admin's health teams: name, central email address, and who is in each team (people with a
health role in this council), with their manager level access."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction

from core.admin_site import CouncilAdminMixin, council_admin_site
from core.models import Membership
from core.roles import HEALTH_ROLES
from core.services import audit_record
from hub.models import HealthTeam, HealthTeamMember


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class HealthTeamMemberForm(forms.ModelForm):
    user = PersonChoice(
        label="Person",
        queryset=get_user_model().objects.none(),
        help_text="People with a health role in this council. Invite someone new from Staff first.",
    )

    class Meta:
        model = HealthTeamMember
        fields = ["user", "is_manager"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        health = Membership.objects.filter(role__in=HEALTH_ROLES, is_active=True).values("user_id")
        self.fields["user"].queryset = (
            get_user_model().objects.filter(pk__in=health).order_by("last_name", "first_name", "email")
        )


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
