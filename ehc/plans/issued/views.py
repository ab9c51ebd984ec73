"""The issued plan's pages. Staff: issue the draft and the final (a confirmation page with the issue date
and, while the plan has gaps, the error summary linking to each), start the final or an amendment, one
issued version, and the comparison of two. The family: their child's issued versions (never the one
being written), one version, and the comparison. Staff reads are audited (ehc.cases.access); the
family's own reads are not (ehc.family.access)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.dateinputs import DateAnswer, dates_posted
from core.decorators import role_required
from core.errors import errors_by_field
from core.roles import STAFF_ROLES
from ehc.cases.access import case_for_staff
from ehc.consultations.selectors import consultations_of_case
from ehc.family.access import family_case_or_404
from ehc.models import PlanKind, PlanSection
from ehc.plans.gaps import plan_gaps
from ehc.plans.issued import services
from ehc.plans.issued.compare import sections_compare
from ehc.plans.issued.pdf import plan_title
from ehc.plans.issued.selectors import (
    draft_response_until,
    parental_response_forms_of,
    parental_responses,
    plan_rows,
    plan_version_sections,
    plan_versions_issued,
    plan_working,
    versions_for_compare,
)

DATES = {services.ISSUED_ON: ("Issue date", "Enter the date the plan is issued")}
GAP_SECTIONS = {section.value for section in PlanSection}


def _plan_page_url(reference: str) -> str:
    return reverse("plan_page", args=[reference])


def _gap_url(reference: str, section: str, field: str) -> str:
    """Where a gap is put right: the section's editor, at the input."""
    return reverse("plan_section", args=[reference, section]) + f"?check=1#{field}"


def _today_typed() -> dict:
    today = timezone.localdate()
    return {"day": str(today.day), "month": str(today.month), "year": str(today.year)}


def _issue_page(request, reference, *, kind: str):
    case = case_for_staff(request, reference)
    working = plan_working(case=case, kind=kind)
    title = "Issue draft plan" if kind == PlanKind.DRAFT else "Issue final plan"
    if working is None:
        # Issued already, or not started: the page says so (a POST has nothing to issue).
        context = {"case": case, "working": None, "kind": kind, "title": title}
        context["plan_url"] = _plan_page_url(case.reference)
        return render(
            request, "ehc/plans/issued/issue.html", context, status=400 if request.method == "POST" else 200
        )
    gaps = plan_gaps(version=working, **plan_rows(version=working).as_kwargs())
    posted = request.POST if request.method == "POST" else None
    dates = dates_posted(posted, DATES)
    if posted is None:
        dates = {services.ISSUED_ON: DateAnswer(services.ISSUED_ON, _today_typed())}
    errors: dict[str, str] = {}
    refusal = ""
    if posted is not None:
        issue = services.plan_draft_issue if kind == PlanKind.DRAFT else services.plan_final_issue
        try:
            version = issue(version=working, by=request.user, issued_on=dates[services.ISSUED_ON].value)
        except ValidationError as error:
            errors = errors_by_field(error, field="__all__")
            if dates[services.ISSUED_ON].error:
                errors[services.ISSUED_ON] = dates[services.ISSUED_ON].error
            refusal = errors.pop("__all__", "")
            gaps = [gap for gap in gaps if gap.field in errors] or gaps
        else:
            messages.success(
                request,
                f"{plan_title(version)} issued. The family has been told, and the plan is in their "
                "Items to view.",
            )
            return redirect("plan_version", reference=case.reference, number=version.number)
    problems = []
    if refusal:
        problems.append(("", refusal))
    for gap in gaps:
        problems.append((_gap_url(case.reference, gap.section, gap.field), gap.message))
    if services.ISSUED_ON in errors:
        problems.append((f"#{dates[services.ISSUED_ON].anchor}", errors[services.ISSUED_ON]))
    context = {
        "case": case,
        "working": working,
        "kind": kind,
        "title": title,
        "gaps": gaps,
        "dates": dates,
        "errors": errors,
        "problems": problems,
        "plan_url": _plan_page_url(case.reference),
    }
    if kind == PlanKind.FINAL:
        context["responses"] = parental_responses(case=case)
        context["draft_until"] = draft_response_until(case=case)
        context["consultations"] = consultations_of_case(case=case)
        context["today"] = timezone.localdate()
    return render(request, "ehc/plans/issued/issue.html", context, status=400 if problems and posted else 200)


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def plan_issue_draft(request, reference):
    return _issue_page(request, reference, kind=PlanKind.DRAFT)


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def plan_issue_final(request, reference):
    return _issue_page(request, reference, kind=PlanKind.FINAL)


def _start(request, reference, start, done: str):
    case = case_for_staff(request, reference)
    try:
        start(case=case, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(_plan_page_url(case.reference))


@role_required(*STAFF_ROLES)
@require_POST
def plan_final_start(request, reference):
    return _start(
        request,
        reference,
        services.plan_final_start,
        "The final plan has been started from the draft. Name the school or institution in section I.",
    )


def _version_context(case, number: int, *, family: bool) -> dict:
    versions = plan_versions_issued(case=case)
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise Http404("No such issued version of the plan")
    return {
        "case": case,
        "version": version,
        "versions": versions,
        "previous": next((v for v in reversed(versions) if v.number < number), None),
        "title": plan_title(version),
        "sections": plan_version_sections(version=version),
        "family": family,
    }


def _compare_context(request, case, *, family: bool) -> dict:
    versions = plan_versions_issued(case=case)
    old, new, problems = versions_for_compare(versions, request.GET.get("from"), request.GET.get("to"))
    diffs = []
    if old is not None and new is not None and not problems:
        diffs = sections_compare(plan_version_sections(version=old), plan_version_sections(version=new))
    return {
        "case": case,
        "versions": versions,
        "old": old,
        "new": new,
        "problems": problems,
        "diffs": diffs,
        "family": family,
    }


@role_required(*STAFF_ROLES)
@require_GET
def plan_version(request, reference, number):
    case = case_for_staff(request, reference, detail={"plan_version": number})
    return render(request, "ehc/plans/issued/version.html", _version_context(case, number, family=False))


@role_required(*STAFF_ROLES)
@require_GET
def plan_compare(request, reference):
    case = case_for_staff(request, reference)
    context = _compare_context(request, case, family=False)
    return render(
        request, "ehc/plans/issued/compare.html", context, status=400 if context["problems"] else 200
    )


@login_required
@require_GET
def family_plan(request, reference):
    """Your EHC plan: the issued versions, and while a draft is the latest, the days left to respond."""
    case = family_case_or_404(request, reference, select_related=())
    versions = plan_versions_issued(case=case)
    latest = versions[-1] if versions else None
    until = None
    response_forms = []
    if latest is not None and latest.kind == PlanKind.DRAFT:
        until = draft_response_until(case=case)
        response_forms = parental_response_forms_of(case=case, user=request.user)
    return render(
        request,
        "ehc/plans/issued/family_plan.html",
        {
            "case": case,
            "section": "plan",
            "versions": list(reversed(versions)),
            "latest": latest,
            "until": until,
            "today": timezone.localdate(),
            "response_forms": response_forms,
            "can_start_response": "parental_response" in request.council_config.parent_forms,
        },
    )


@login_required
@require_GET
def family_plan_version(request, reference, number):
    case = family_case_or_404(request, reference, select_related=())
    context = _version_context(case, number, family=True) | {"section": "plan"}
    return render(request, "ehc/plans/issued/family_version.html", context)


@login_required
@require_GET
def family_plan_compare(request, reference):
    case = family_case_or_404(request, reference, select_related=())
    context = _compare_context(request, case, family=True) | {"section": "plan"}
    return render(
        request, "ehc/plans/issued/family_compare.html", context, status=400 if context["problems"] else 200
    )
