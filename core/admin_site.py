"""The council's own admin, on the council's host: only the council's admins, only its schema."""

from django import forms
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from core.models import Membership
from core.roles import Role
from core.selectors import user_has_role
from core.services import audit_record


class CouncilAdminSite(AdminSite):
    site_header = "Portal administration"
    site_title = "Portal administration"
    index_title = "Configure your portal"

    def has_permission(self, request) -> bool:
        # Asked for every model on every admin page: look the role up once per request.
        if not hasattr(request, "_is_council_admin"):
            user = request.user
            request._is_council_admin = (
                user.is_active
                and user.is_authenticated
                and user_has_role(user=user, roles={Role.COUNCIL_ADMIN})
            )
        return request._is_council_admin

    def login(self, request, extra_context=None):
        # Everyone signs in through the portal's own sign-in (with its second factor), never a bypass.
        # Someone already signed in who reached here lacks the role: say so rather than loop.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", "/admin/"), reverse("account_login"))


class PlatformAdminSite(AdminSite):
    """The operator's admin on the bare platform host: councils, domains and identities."""

    site_header = "EHC Portal platform"
    site_title = "EHC Portal platform"
    index_title = "Operate the platform"

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", "/admin/"), reverse("account_login"))


council_admin_site = CouncilAdminSite(name="council_admin")
platform_admin_site = PlatformAdminSite(name="platform_admin")


class CouncilAdminMixin:
    """Model permissions in a council come from the person's role there, not from public-schema flags."""

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, *args):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)


class PersonChoice(forms.ModelChoiceField):
    """A person, named with their address, chosen from those holding one of ``roles`` in this council (an
    organisation's member: a health team's, a school's)."""

    def __init__(self, *, roles, **kwargs):
        self.roles = frozenset(roles)
        super().__init__(queryset=get_user_model().objects.none(), **kwargs)

    def people(self):
        holders = Membership.objects.filter(role__in=self.roles, is_active=True).values("user_id")
        return get_user_model().objects.filter(pk__in=holders).order_by("last_name", "first_name", "email")

    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class MemberForm(forms.ModelForm):
    """An organisation's member row: its ``user`` field offers the people holding the field's roles
    here, read when the form is made (so a role given a moment ago is offered)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = self.fields["user"].people()


class OrganisationAdmin(CouncilAdminMixin, ModelAdmin):
    """An organisation the council admin manages with its members (a health team, a school): never
    deleted, since what it was asked keeps its history (switched off instead), and every change to it
    or its members audited as "<audit_name>.added", ".changed" or ".members_changed"."""

    audit_name = ""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"{self.audit_name}.changed" if change else f"{self.audit_name}.added",
                target=obj,
                detail={"fields": form.changed_data},
            )

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.has_changed():
                audit_record(
                    actor=request.user,
                    action=f"{self.audit_name}.members_changed",
                    target=form.instance,
                    detail={"members": [m.user_id for m in form.instance.members.all()]},
                )
