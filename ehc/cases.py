"""The SEND team's case pages: the list, a case, and the actions that move it."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import role_required
from core.roles import STAFF_ROLES
from ehc import services
from ehc.models import AssessmentRequest, Case, CaseEvent
from ehc.selectors import case_due_dates
from ehc.workflow import Action, Stage, allowed_actions

PAGE_SIZE = 25


# Periods that run for the family (to comment, to appeal) rather than duties of the council.
FAMILY_WINDOWS = ("draft_response", "amendment_comments", "appeal")


def _next_due(case):
    """The council's next duty on the case: the earliest open date that is the council's to meet."""
    open_dues = [
        d for d in case_due_dates(case=case) if d.done is None and not d.key.startswith(FAMILY_WINDOWS)
    ]
    return min(open_dues, key=lambda d: d.due) if open_dues else None


@role_required(*STAFF_ROLES)
def case_list(request):
    cases = Case.objects.select_related("caseworker").prefetch_related(
        Prefetch("events", queryset=CaseEvent.objects.order_by("happened_on", "id")), "exceptions"
    )
    query = request.GET.get("q", "").strip()
    if query:
        cases = cases.filter(
            Q(reference__icontains=query)
            | Q(child_first_name__icontains=query)
            | Q(child_last_name__icontains=query)
        )
    stage = request.GET.get("stage", "")
    if stage in Stage.values:
        cases = cases.filter(stage=stage)
    if request.GET.get("mine"):
        cases = cases.filter(caseworker=request.user)
    page = Paginator(cases.order_by("-received_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"case": case, "next_due": _next_due(case)} for case in page]
    return render(
        request,
        "ehc/cases/list.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "stage": stage,
            "stages": Stage.choices,
            "mine": bool(request.GET.get("mine")),
            "today": timezone.localdate(),
        },  # noqa: DTZ011
    )


def _case(reference):
    return get_object_or_404(
        Case.objects.select_related("caseworker", "request__version__definition").prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("by").order_by("happened_on", "id")),
            "exceptions",
        ),
        reference=reference,
    )


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_page(request, reference):
    case = _case(reference)
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        action = posted.get("action", "")
        try:
            happened_on = datetime.date.fromisoformat(posted.get("happened_on", ""))
        except ValueError:
            errors["happened_on"] = "Enter the date it happened, like 2026-11-23"
            happened_on = None
        if action not in {a.value for a in allowed_actions(case.stage)}:
            errors["action"] = "Select what happened"
        if not errors:
            try:
                services.case_transition(
                    case=case,
                    action=action,
                    by=request.user,
                    happened_on=happened_on,
                    reason=posted.get("reason", ""),
                    detail={"service": posted.get("service", "").strip()} if posted.get("service") else {},
                )
            except ValidationError as error:
                errors["action"] = " ".join(error.messages)
            else:
                messages.success(request, f"{Action(action).label}: recorded.")
                return redirect("case_page", reference=case.reference)
    context = {
        "case": case,
        "dues": case_due_dates(case=case),
        "actions": allowed_actions(case.stage),
        "errors": errors,
        "posted": posted,
    }
    return render(request, "ehc/cases/page.html", context, status=400 if errors else 200)


@role_required(*STAFF_ROLES)
@require_POST
def case_open(request, pk):
    submitted = get_object_or_404(AssessmentRequest, pk=pk)
    try:
        case = services.case_open_from_request(request=submitted, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("request_view", pk=pk)
    return redirect("case_page", reference=case.reference)
