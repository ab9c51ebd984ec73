"""On the platform's host: one list across every council a health professional works for."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hub.everywhere.selectors import advice_requests_everywhere, health_councils_of


@login_required
@require_GET
def advice_everywhere(request):
    """The open requests for advice allocated to me, and those awaiting allocation in the teams I
    manage, in every council I work for, soonest due first. Each links to the council's own site,
    where the child's details are read under that council's rules and audit."""
    if not health_councils_of(user=request.user):
        raise PermissionDenied
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    rows = [
        {"item": item, "url": f"{request.scheme}://{item.domain}{suffix}/health/advice/{item.pk}/"}
        for item in advice_requests_everywhere(user=request.user)
    ]
    return render(
        request,
        "hub/everywhere.html",
        {"rows": rows, "today": timezone.localdate(), "councils": len({r["item"].council for r in rows})},
    )
