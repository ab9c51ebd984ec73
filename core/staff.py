"""The council admin's staff pages: who works in this council's portal, and inviting more."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.decorators import role_required
from core.models import Membership
from core.roles import STAFF_ROLES, Role
from core.services import staff_invite

INVITABLE_ROLES = [
    (role.value, role.label)
    for role in Role
    if role in STAFF_ROLES
    or role in {Role.HEALTH_TEAM_MANAGER, Role.HEALTH_PROFESSIONAL, Role.DESIGNATED_CLINICAL_OFFICER}
]


class InviteForm(forms.Form):
    forename = forms.CharField(max_length=150, error_messages={"required": "Enter their forename"})
    surname = forms.CharField(max_length=150, error_messages={"required": "Enter their surname"})
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address like name@example.com",
        },
    )
    role = forms.ChoiceField(choices=INVITABLE_ROLES, error_messages={"required": "Select their role"})


@role_required(Role.COUNCIL_ADMIN)
@require_http_methods(["GET"])
def staff_list(request):
    members = (
        Membership.objects.filter(role__in=[value for value, _ in INVITABLE_ROLES], is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__email")
    )
    return render(request, "core/staff/list.html", {"members": members})


@role_required(Role.COUNCIL_ADMIN)
@require_http_methods(["GET", "POST"])
def staff_invite_view(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        staff_invite(
            request=request,
            email=data["email"],
            first_name=data["forename"],
            last_name=data["surname"],
            role=data["role"],
            by=request.user,
        )
        messages.success(request, f"We have sent an invitation to {data['email']}.")
        return redirect("staff_list")
    return render(request, "core/staff/invite.html", {"form": form})
