"""The SEND team's case pages: the list, a case, and the actions that move it."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import role_required
from core.roles import STAFF_ROLES
from ehc import services
from ehc.models import AssessmentRequest, Case, CaseEvent, Placement
from ehc.selectors import case_due_dates, caseworkers_of_council
from ehc.workflow import Action, Stage, allowed_actions

PAGE_SIZE = 25


DUE_SOON_DAYS = 14
SORTS = {
    "due": ("next_due_on", "-received_on", "-id"),  # nulls last: PostgreSQL's default for ascending
    "received": ("-received_on", "-id"),
    "name": ("child_last_name", "child_first_name", "id"),
}


def _date_in(query: str) -> datetime.date | None:
    """A date of birth typed into the search box: 23/11/2015, 23-11-2015 or 2015-11-23."""
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(query, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def _search(cases, query: str):
    """Search by a date of birth, or by words each matching the first name, last name or reference."""
    if not query:
        return cases
    born = _date_in(query)
    if born:
        return cases.filter(child_date_of_birth=born)
    match = Q()
    for word in query.split():
        match &= (
            Q(child_first_name__icontains=word)
            | Q(child_last_name__icontains=word)
            | Q(reference__icontains=word)
        )
    return cases.filter(match)


def _by_caseworker(cases, chosen: dict, *, user):
    """ "me", "none" (not allocated) or a person's id; anything else is no filter."""
    if chosen["caseworker"] == "me":
        return cases.filter(caseworker=user)
    if chosen["caseworker"] == "none":
        return cases.filter(caseworker__isnull=True)
    if chosen["caseworker"].isdigit():
        return cases.filter(caseworker_id=int(chosen["caseworker"]))
    chosen["caseworker"] = ""
    return cases


def cases_filtered(params, *, user, today: datetime.date):
    """The case list's search, filters and order, from the query string. Returns (queryset, chosen)."""
    chosen = {
        "q": params.get("q", "").strip(),
        "stage": params.get("stage", "") if params.get("stage", "") in Stage.values else "",
        "caseworker": params.get("caseworker", ""),
        "setting": params.get("setting", "").strip(),
        "due": params.get("due", "") if params.get("due", "") in {"soon", "overdue"} else "",
        "sort": params.get("sort", "") if params.get("sort", "") in SORTS else "due",
    }
    if params.get("mine"):  # the old "Only my cases" link
        chosen["caseworker"] = "me"
    cases = Case.objects.select_related("caseworker")
    cases = _search(cases, chosen["q"])
    if chosen["stage"]:
        cases = cases.filter(stage=chosen["stage"])
    cases = _by_caseworker(cases, chosen, user=user)
    if chosen["setting"]:
        cases = cases.filter(
            Exists(
                Placement.objects.filter(
                    case=OuterRef("pk"), setting_name__icontains=chosen["setting"], leaving_date__isnull=True
                )
            )
        )
    if chosen["due"] == "overdue":
        cases = cases.filter(next_due_on__lt=today)
    elif chosen["due"] == "soon":
        cases = cases.filter(next_due_on__range=(today, today + datetime.timedelta(DUE_SOON_DAYS)))
    return cases.order_by(*SORTS[chosen["sort"]]), chosen


@role_required(*STAFF_ROLES)
def case_list(request):
    today = timezone.localdate()
    cases, chosen = cases_filtered(request.GET, user=request.user, today=today)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ehc/cases/list.html",
        {
            "page": page,
            "chosen": chosen,
            "querystring": urlencode({k: v for k, v in chosen.items() if v}),
            "stages": Stage.choices,
            "caseworkers": caseworkers_of_council(),
            "today": today,
            "soon": today + datetime.timedelta(DUE_SOON_DAYS),
        },
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
