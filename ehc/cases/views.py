"""The SEND team's case pages: the list, a case, and the actions that move it."""

import datetime
from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.decorators import role_required
from core.errors import errors_by_field
from core.inputs import whole_number
from core.roles import STAFF_ROLES
from ehc.cases import services
from ehc.cases.access import case_for_staff, cases_listed_for_staff
from ehc.cases.selectors import (
    DUE_SOON_DAYS,
    FAMILY_WINDOWS,
    advice_received_on,
    case_due_dates,
    cases_filtered,
    caseworkers_of_council,
)
from ehc.hooks import portal_advice
from ehc.messages.selectors import case_messages_prefetch
from ehc.models import (
    AssessmentRequest,
    Case,
    CaseAccess,
    CaseDocument,
    CaseEvent,
    CeasingReason,
    ExceptionKind,
)
from ehc.plans.selectors import PLAN_STAGES
from ehc.workflow import ADVICE_SOURCES, REVIEW_DECISIONS, Action, Stage, allowed_actions

PAGE_SIZE = 25


@role_required(*STAFF_ROLES)
def case_list(request):
    today = timezone.localdate()
    cases, chosen = cases_filtered(request.GET, user=request.user, today=today)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    cases_listed_for_staff(
        request,
        [case.reference for case in page.object_list],
        detail={
            "filters": {k: v for k, v in chosen.items() if v and k != "q"},
            "searched": bool(chosen["q"]),
            "page_number": page.number,
        },
    )
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


def _case(request, reference):
    advice = portal_advice()
    return case_for_staff(
        request,
        reference,
        queryset=Case.objects.select_related(
            "caseworker", "request__version__definition", "request__setting"
        ).prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("by").order_by("happened_on", "id")),
            "exceptions",
            Prefetch("accesses", queryset=CaseAccess.objects.select_related("user")),
            Prefetch("documents", queryset=CaseDocument.objects.select_related("published_by")),
            Prefetch(
                "forms",
                queryset=AssessmentRequest.objects.select_related("version__definition", "owner", "sent_by"),
            ),
            case_messages_prefetch(),
            *([advice.prefetch()] if advice else []),
        ),
    )


def _date_posted(posted, name: str) -> datetime.date | None:
    """The date typed in a date input (YYYY-MM-DD), or None when it is not one: the service says so."""
    try:
        return datetime.date.fromisoformat(posted.get(name, "").strip())
    except ValueError:
        return None


def _advice_outstanding(case) -> list[tuple[str, str]]:
    """The requests for advice not answered yet (from prefetched events), as (value, label) choices of
    "Whose advice was received": a service's name where one request to it waits, else each request by
    its event and the day it was asked, so the answer closes that request's date and no other."""
    recorded = list(case.events.all())
    answered = advice_received_on(recorded)
    waiting = [e for e in recorded if e.action == Action.REQUEST_ADVICE and e.pk not in answered]
    named = Counter(event.detail.get("service", "") for event in waiting)
    choices = []
    for event in waiting:
        service = event.detail.get("service", "")
        if named[service] == 1:
            choices.append((service, service))
        else:
            choices.append((f"request:{event.pk}", f"{service} (asked on {event.happened_on:%-d %B %Y})"))
    return choices


def _detail_posted(action: str, posted, *, on_portal: str) -> dict:
    """The action's own answers (the fields shown under its radio) as the event's detail; the rules they
    must meet are the case service's (``case_transition_problems``). A choice starting with
    ``on_portal`` is someone asked on the portal (ehc.hooks.PortalAdvice)."""
    if action == Action.REQUEST_ADVICE:
        service = posted.get("advice_service", "").strip()
        if on_portal and service.startswith(on_portal):
            return {"on_portal": service}
        if service == "other":
            service = posted.get("advice_other", "").strip()
        return {"service": service}
    if action == Action.RECORD_ADVICE:
        chosen = posted.get("advice_received", "")
        # One of several requests to services of the same name, or the one request waiting for a service.
        request_event = chosen.removeprefix("request:")
        return (
            {"request_event": whole_number(request_event)} if request_event != chosen else {"service": chosen}
        )
    if action == Action.RECORD_REVIEW:
        return {"decision": posted.get("decision", "")}
    if action == Action.CEASE:
        return {"ceasing_reason": posted.get("ceasing_reason", "")}
    return {}


def _record(request, case, *, action: str, happened_on, detail: dict) -> str | dict:
    """Record the action (asking someone on the portal goes through the app that registered them,
    ehc.hooks.PortalAdvice): the message to show once it is recorded, or the errors by field."""
    try:
        if "on_portal" in detail:
            return portal_advice().ask(
                case=case, chosen=detail["on_portal"], by=request.user, requested_on=happened_on
            )
        services.case_transition(
            case=case,
            action=action,
            by=request.user,
            happened_on=happened_on,
            reason=request.POST.get("reason", ""),
            detail=detail,
        )
    except ValidationError as error:
        return errors_by_field(error, order=services.TRANSITION_FIELDS, field="action")
    return f"{Action(action).label}: recorded."


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_page(request, reference):
    case = _case(request, reference)
    advice = portal_advice()
    on_portal = advice.choices() if advice else []
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        action = posted.get("action", "")
        detail = _detail_posted(action, posted, on_portal=advice.prefix if advice else "")
        happened_on = _date_posted(posted, "happened_on")
        # Someone asked on the portal is checked as the service it names (an unknown choice names none).
        checked = (
            {"service": dict(on_portal).get(detail["on_portal"], "")} if "on_portal" in detail else detail
        )
        # Asked before recording so that every problem is shown at once; recording asks again, locked.
        errors = services.case_transition_problems(
            case=case, action=action, happened_on=happened_on, reason=posted.get("reason", ""), detail=checked
        )
        if not errors:
            done = _record(request, case, action=action, happened_on=happened_on, detail=detail)
            if isinstance(done, str):
                messages.success(request, done)
                return redirect("case_page", reference=case.reference)
            errors.update(done)
    dues = case_due_dates(case=case)
    context = {
        "case": case,
        "dues": dues,
        "family_windows": {d.key for d in dues if d.key.startswith(FAMILY_WINDOWS)},
        "actions": allowed_actions(case.stage),
        "action_values": {a.value for a in allowed_actions(case.stage)},
        "advice_sources": ADVICE_SOURCES,
        "portal_choices": on_portal,
        "portal_advice": advice,
        "advice_outstanding": _advice_outstanding(case),
        "review_decisions": REVIEW_DECISIONS.items(),
        "ceasing_reasons": CeasingReason.choices,
        "errors": errors,
        "posted": posted,
        "today": timezone.localdate(),
        "plan_open": case.stage in PLAN_STAGES,
    }
    return render(request, "ehc/cases/page.html", context, status=400 if errors else 200)


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_allocate(request, reference):
    case = case_for_staff(request, reference, queryset=Case.objects.select_related("caseworker"))
    people = caseworkers_of_council()
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        chosen = next((p for p in people if str(p.pk) == posted.get("caseworker")), None)
        try:
            services.case_allocate(case=case, caseworker=chosen, by=request.user)
        except ValidationError as error:
            errors = errors_by_field(error)
        else:
            messages.success(request, f"Case allocated to {chosen.get_full_name() or chosen.email}.")
            return redirect("case_page", reference=case.reference)
    return render(
        request,
        "ehc/cases/allocate.html",
        {"case": case, "people": people, "errors": errors, "posted": posted},
        status=400 if errors else 200,
    )


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_exception_add(request, reference):
    case = case_for_staff(request, reference)
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        try:
            services.case_exception_add(
                case=case,
                kind=posted.get("kind", ""),
                start=_date_posted(posted, "start"),
                end=_date_posted(posted, "end"),
                reason=posted.get("reason", ""),
                by=request.user,
            )
        except ValidationError as error:
            errors = errors_by_field(error)
        else:
            messages.success(request, "Exception recorded. The due dates it moves are shown below.")
            return redirect("case_page", reference=case.reference)
    return render(
        request,
        "ehc/cases/exception.html",
        {"case": case, "kinds": ExceptionKind.choices, "errors": errors, "posted": posted},
        status=400 if errors else 200,
    )


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_response(request, reference):
    case = case_for_staff(request, reference, queryset=Case.objects.select_related("request"))
    if case.request is None:
        raise Http404("This case did not come from an online request")
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        try:
            services.request_response_post(case=case, text=posted.get("response", ""), by=request.user)
        except ValidationError as error:
            errors = errors_by_field(error)
        else:
            messages.success(request, "Response posted. The person who made the request has been emailed.")
            return redirect("case_page", reference=case.reference)
    return render(
        request,
        "ehc/cases/response.html",
        {"case": case, "errors": errors, "posted": posted},
        status=400 if errors else 200,
    )
