"""A setting manager's page of the setting's members: who is in it, and "Add a member" (at once if
they already are an education professional here, else by an emailed invitation)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.errors import errors_by_field
from ehc.schools import services
from ehc.schools.access import setting_member_required
from ehc.schools.selectors import setting_members

NEW_MEMBER_FIELDS = (
    ("first_name", "First name", "text"),
    ("last_name", "Last name", "text"),
    ("email", "Email address", "email"),
)


@setting_member_required
@require_http_methods(["GET", "POST"])
def setting_members_page(request, pk):
    place = next((p for p in request.setting_places if p.setting_id == pk), None)
    if place is None or not place.is_manager:
        raise PermissionDenied
    setting = place.setting
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        try:
            member, invitation = services.setting_member_add(
                setting=setting,
                first_name=posted.get("first_name", ""),
                last_name=posted.get("last_name", ""),
                email=posted.get("email", ""),
                is_manager=posted.get("is_manager") == "yes",
                by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            errors = errors_by_field(error, order=[name for name, _, _ in NEW_MEMBER_FIELDS], field="email")
        else:
            if member is not None:
                messages.success(
                    request, f"{member.get_full_name() or member.email} added to {setting.name}."
                )
            else:
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email}. Once they accept it they join {setting.name}.",
                )
            return redirect("school_members", pk=setting.pk)
    return render(
        request,
        "ehc/schools/members.html",
        {
            "setting": setting,
            "members": setting_members(setting=setting),
            "errors": errors,
            "posted": posted,
            "new_member": [
                {"name": n, "label": label, "type": t, "value": posted.get(n, ""), "error": errors.get(n)}
                for n, label, t in NEW_MEMBER_FIELDS
            ],
        },
        status=400 if errors else 200,
    )
