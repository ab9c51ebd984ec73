from django import forms
from django.contrib import admin
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from core.admin_site import CouncilAdminMixin, council_admin_site
from core.roles import Role
from core.services import audit_record
from tenants.configuration.models import (
    CouncilConfiguration,
    MessageType,
    ParentForm,
    RequestFormVariant,
    StageDescription,
    SupportTeam,
)
from tenants.configuration.services import configuration_update


class ConfigurationForm(forms.ModelForm):
    local_offer_url = forms.URLField(assume_scheme="https", required=False, label="Local Offer link")
    request_form_variants = forms.MultipleChoiceField(
        choices=RequestFormVariant.choices, widget=forms.CheckboxSelectMultiple, label="Request forms offered"
    )
    parent_forms = forms.MultipleChoiceField(
        choices=ParentForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Forms parents can start",
    )
    sms_code_roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Roles whose sign-in code is sent by text message",
    )

    class Meta:
        model = CouncilConfiguration
        exclude: list[str] = []


class SupportTeamInline(CouncilAdminMixin, admin.StackedInline):
    model = SupportTeam
    extra = 0


class MessageTypeInline(CouncilAdminMixin, admin.StackedInline):
    model = MessageType
    extra = 0


class StageDescriptionInline(CouncilAdminMixin, admin.StackedInline):
    model = StageDescription
    extra = 0


@admin.register(CouncilConfiguration, site=council_admin_site)
class CouncilConfigurationAdmin(CouncilAdminMixin, admin.ModelAdmin):
    form = ConfigurationForm
    inlines = [SupportTeamInline, MessageTypeInline, StageDescriptionInline]
    fieldsets = [
        ("Branding", {"fields": ["service_name", "logo", "logo_alt_text", "brand_colour"]}),
        (
            "Contact",
            {
                "fields": [
                    "contact_email",
                    "contact_phone",
                    "contact_hours",
                    "local_offer_url",
                    "caseworker_title",
                ]
            },
        ),
        ("Forms", {"fields": ["request_form_variants", "parent_forms"]}),
        (
            "Sign-in",
            {
                "fields": [
                    "registration",
                    "accounts_confirmed_by_team",
                    "code_length",
                    "code_channel",
                    "sms_code_roles",
                    "session_idle_minutes",
                ]
            },
        ),
        (
            "Password policy",
            {
                "fields": [
                    "password_min_length",
                    "password_require_letter",
                    "password_require_upper",
                    "password_require_digit",
                    "password_restrict_characters",
                    "password_history",
                ]
            },
        ),
        ("Messages", {"fields": ["parents_can_start_messages", "parents_can_reply", "messages_notice"]}),
        ("Health advice", {"fields": ["advice_checked_by_dco"]}),
        ("Uploads", {"fields": ["upload_types", "upload_max_mb"]}),
    ]

    def has_add_permission(self, request, *args):
        return False  # one configuration per council, made with the council

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect(reverse("council_admin:configuration_councilconfiguration_change", args=[1]))

    def save_model(self, request, obj, form, change):
        configuration_update(configuration=obj, by=request.user, changed=form.changed_data)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            removing = [f.instance.pk for f in formset.deleted_forms if f.instance.pk]  # gone after save
            super().save_formset(request, form, formset, change)
            if formset.new_objects or formset.changed_objects or formset.deleted_objects:
                # Which rows were added, changed (and which of their fields) or removed: ids and field
                # names only, never what was typed.
                audit_record(
                    actor=request.user,
                    action="configuration.changed",
                    target=form.instance,
                    detail={
                        "fields": [str(formset.model._meta.verbose_name_plural)],
                        "model": formset.model._meta.label_lower,
                        "added": [obj.pk for obj in formset.new_objects],
                        "changed": {str(obj.pk): fields for obj, fields in formset.changed_objects},
                        "removed": removing,
                    },
                )
