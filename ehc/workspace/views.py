"""The SEND team's home: what is due in the next 2 weeks and what is overdue, by stage, for me and for
the team, each count a link to the case list filtered to exactly those cases."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.decorators import role_required
from core.roles import STAFF_ROLES, Role
from ehc.consultations.selectors import consultations_overdue
from ehc.workspace.selectors import workspace_counts


@role_required(*STAFF_ROLES)
@require_GET
def workspace(request):
    today = timezone.localdate()
    return render(
        request,
        "ehc/cases/workspace.html",
        {
            **workspace_counts(user=request.user, today=today),
            "today": today,
            "consultations_overdue": consultations_overdue(today=today),
            "is_manager": bool(request.council_roles & {Role.SEND_MANAGER, Role.COUNCIL_ADMIN}),
        },
    )
