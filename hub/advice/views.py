"""The health hub's pages on a council's site (North East Lincolnshire's EHC Hub guide): My cases,
Team cases for managers, the case's EHC needs assessment process page, allocating a request ("Request
for Advice"), and the advice template with Save changes and Submit advice."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import errors_by_field
from core.formdefs import (
    answers_from_post,
    page_errors,
    page_fields,
    page_problems,
    question_anchor,
    summary_parts,
    table_rows_change,
)
from core.uploads import attachment_action, private_file_response
from ehc.cases.access import LISTED, record_read_by
from ehc.cases.selectors import DUE_SOON_DAYS
from ehc.workflow import Stage
from hub.advice import selectors, services
from hub.advice.access import advice_for_health, health_required
from hub.advice.definitions import ADVICE_GUIDANCE
from hub.advice.pdf import advice_pdf_response
from hub.advice.selectors import AdviceFilters
from hub.models import AdviceAttachment, AdviceRequest, AdviceStatus
from hub.teams.selectors import team_member_choices
from hub.teams.services import team_member_add

PAGE_SIZE = 25
FILES_FIELD = "documents"  # the advice template's files question
NEW_MEMBER_FIELDS = (
    ("first_name", "Forename", "text"),
    ("last_name", "Surname", "text"),
    ("email", "Email address", "email"),
)


def _listed_for_health(request, page) -> None:
    """My cases and Team cases show children's names: one audit row per child shown, one insert."""
    record_read_by(
        request,
        subjects=[advice.case.reference for advice in page.object_list],
        action=LISTED,
        detail={"filters": {k: v for k, v in request.GET.items() if k not in {"q", "page"} and v}}
        | {"searched": bool(request.GET.get("q", "").strip()), "page_number": page.number},
    )


def _managed(request) -> list:
    return [place.team for place in request.health_places if place.is_manager]


def _list_context(request, queryset, filters: AdviceFilters, *, settings: list[str]) -> dict:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    today = timezone.localdate()
    return {
        "page": page,
        "filters": filters,
        "statuses": AdviceStatus.choices,
        "stages": Stage.choices,
        "settings": settings,
        "querystring": urlencode(query),
        "today": today,
        "soon": today + timezone.timedelta(days=DUE_SOON_DAYS),
    }


@health_required
@require_GET
def my_cases(request):
    """My cases: the advice requests allocated to me, soonest due first."""
    filters = AdviceFilters.from_query(request.GET)
    context = _list_context(
        request,
        selectors.advice_requests_mine(user=request.user, filters=filters),
        filters,
        settings=selectors.advice_settings_listed(user=request.user),
    )
    _listed_for_health(request, context["page"])
    return render(request, "hub/cases/mine.html", context)


@health_required
@require_GET
def team_cases(request):
    """Team cases, for managers: every request sent to the teams they manage, with Awaiting allocation."""
    managed = _managed(request)
    if not managed:
        raise PermissionDenied
    filters = AdviceFilters.from_query(request.GET)
    team_ids = [t.pk for t in managed]
    queryset = selectors.advice_requests_team(managed_team_ids=team_ids, filters=filters)
    context = _list_context(
        request, queryset, filters, settings=selectors.advice_settings_listed(managed_team_ids=team_ids)
    )
    _listed_for_health(request, context["page"])
    context["teams"] = managed
    return render(request, "hub/cases/team.html", context)


@health_required
@require_GET
def advice_case(request, pk):
    """The EHC needs assessment process page for one advice request: the child, the request for advice,
    who else has been asked, and what the person may do next (assign professional, open the advice)."""
    advice, is_manager = advice_for_health(request, pk)
    case = advice.case
    others = [a for a in selectors.advice_requests_of_case(case=case) if a.pk != advice.pk]
    other_services = selectors.advice_asked_outside_hub(case=case)
    return render(
        request,
        "hub/advice/case.html",
        {
            "advice": advice,
            "case": case,
            "is_manager": is_manager,
            "is_writer": advice.allocated_to_id == request.user.pk,
            "others": others,
            "other_services": other_services,
            "today": timezone.localdate(),
        },
    )


@health_required
@require_GET
def advice_request_details(request, pk):
    """What the family or setting wrote in the assessment request, for the team asked for advice."""
    advice, _ = advice_for_health(request, pk, action="advice.request_read")
    submitted = advice.case.request
    parts = []
    if submitted is not None:
        parts, _ = summary_parts(submitted.definition, submitted.answers)
    return render(
        request, "hub/advice/request_details.html", {"advice": advice, "parts": parts, "submitted": submitted}
    )


@health_required
@require_http_methods(["GET", "POST"])
def advice_allocate(request, pk):
    """Request for Advice: a manager answers whether the child is known to the service, and either
    allocates a team member (Save changes) or closes the team's involvement (Submit response)."""
    advice, is_manager = advice_for_health(request, pk)
    if not is_manager:
        raise PermissionDenied
    members = team_member_choices(team=advice.team)
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        try:
            if posted.get("action") == "not_known":
                services.advice_not_known(advice=advice, details=posted.get("details", ""), by=request.user)
                messages.success(request, "Response submitted: the SEND team has been told.")
                return redirect("hub_team_cases")
            if posted.get("action") == "add_member":
                with transaction.atomic():
                    member, invitation = team_member_add(
                        team=advice.team,
                        first_name=posted.get("first_name", ""),
                        last_name=posted.get("last_name", ""),
                        email=posted.get("email", ""),
                        by=request.user,
                        base_url=request.build_absolute_uri("/"),
                    )
                    if member is not None:
                        services.advice_allocate(advice=advice, member=member, by=request.user)
                if member is None:
                    messages.success(
                        request,
                        f"Invitation sent to {invitation.email}. Once they accept it they join "
                        f"{advice.team.name}, and you can allocate this request to them.",
                    )
                    return redirect("hub_advice_allocate", pk=advice.pk)
                messages.success(
                    request,
                    f"{member.get_full_name() or member.email} added to {advice.team.name} and allocated. "
                    "They have been emailed the request for advice.",
                )
                return redirect("hub_advice_case", pk=advice.pk)
            member = next((m for m in members if str(m.pk) == posted.get("member")), None)
            services.advice_allocate(advice=advice, member=member, by=request.user)
            messages.success(
                request,
                f"Allocated to {member.get_full_name() or member.email}. They have been emailed.",
            )
            return redirect("hub_advice_case", pk=advice.pk)
        except ValidationError as error:
            errors.update(
                errors_by_field(error, field="details" if posted.get("action") == "not_known" else "member")
            )
    return render(
        request,
        "hub/advice/allocate.html",
        {
            "advice": advice,
            "members": members,
            "errors": errors,
            "posted": posted,
            "new_member": [
                {
                    "name": name,
                    "label": label,
                    "type": kind,
                    "value": posted.get(name, ""),
                    "error": errors.get(name),
                }
                for name, label, kind in NEW_MEMBER_FIELDS
            ],
        },
        status=400 if errors else 200,
    )


def _advice_being_written(request, pk) -> AdviceRequest:
    """The request whose advice this person writes: theirs by allocation (a manager of the team who is
    not the writer reads it but does not write it: 403)."""
    advice, _ = advice_for_health(request, pk)
    if advice.allocated_to_id != request.user.pk:
        raise PermissionDenied
    return advice


@health_required
@require_http_methods(["GET", "POST"])
def advice_write(request, pk):
    """The advice template: Save changes keeps what was typed; Submit advice asks to confirm first."""
    advice = _advice_being_written(request, pk)
    if advice.status != AdviceStatus.ALLOCATED:
        return redirect("hub_advice_view", pk=advice.pk)
    definition = selectors.advice_definition(advice=advice)
    answers, errors, problem = advice.answers, {}, ""
    if request.method == "POST":
        action = request.POST.get("action", "save")
        answers = {}
        for page in definition.pages:
            answers.update(answers_from_post(page, request.POST))
            if action.startswith(("add_row:", "remove_row:")):
                table_rows_change(page, answers, action)
        advice = services.advice_save(advice=advice, answers=answers, by=request.user)
        if action.startswith(("upload", "remove_file:")):
            files_errors = attachment_action(
                request,
                action=action,
                field=FILES_FIELD,
                attachments=advice.attachments.all(),
                build=lambda **fields: AdviceAttachment(advice_request=advice, **fields),
                audit_action="advice.file_attached",
                target=advice,
            )
        else:
            files_errors = {}
            for page in definition.pages:
                errors.update(page_errors(page, answers))
        errors.update(files_errors)
        if action == "submit" and not errors:
            if services.advice_has_content(advice=advice, answers=answers):
                return redirect("hub_advice_submit", pk=advice.pk)
            problem = "Give advice in at least one advice area, or upload a clinic letter, before you submit"
        elif action == "save" and not errors:
            messages.success(request, "Your changes have been saved. Come back to them from My cases.")
            return redirect("hub_advice_write", pk=advice.pk)
    sections = [{"page": page, "fields": page_fields(page, answers, errors)} for page in definition.pages]
    return render(
        request,
        "hub/advice/write.html",
        {
            "advice": advice,
            "definition": definition,
            "sections": sections,
            "guidance": ADVICE_GUIDANCE,
            "errors": errors,
            "problem": problem,
            "problems": _advice_problems(definition, errors, problem),
            "attachments": list(advice.attachments.all()),
        },
        status=400 if errors or problem else 200,
    )


def _advice_problems(definition, errors: dict, problem: str) -> dict[str, str]:
    """The write page's summary: each field's error under its advice area's title, in page order, or the
    one problem with the whole advice, against the first question."""
    if problem and not errors:
        return {question_anchor(definition.pages[0].questions[0]): problem}
    problems = {}
    for page in definition.pages:
        problems.update(page_problems(page, errors, title=page.title))
    return problems


@health_required
@require_http_methods(["GET", "POST"])
def advice_submit(request, pk):
    """ "Are you ready to submit your advice?": submitted advice can no longer be changed."""
    advice = _advice_being_written(request, pk)
    if advice.status != AdviceStatus.ALLOCATED:
        return redirect("hub_advice_view", pk=advice.pk)
    error = ""
    if request.method == "POST":
        try:
            advice = services.advice_submit(advice=advice, by=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                "Your advice has been submitted. The Designated Clinical Officer checks it before it goes "
                "to the SEND team."
                if advice.status == AdviceStatus.AWAITING_CHECK
                else "Your advice has been submitted. The SEND team has been told.",
            )
            return redirect("hub_advice_view", pk=advice.pk)
    return render(
        request, "hub/advice/submit.html", {"advice": advice, "error": error}, status=400 if error else 200
    )


@health_required
@require_GET
def advice_file(request, pk, file_id):
    advice, _ = advice_for_health(
        request, pk, action="advice.file_downloaded", detail={"file": file_id, "by": "health"}
    )
    return private_file_response(get_object_or_404(advice.attachments, pk=file_id))


@health_required
@require_GET
def advice_view(request, pk):
    """The advice as submitted (or the team's answer that the child is not known), read-only."""
    advice, _ = advice_for_health(request, pk)
    return render(
        request,
        "hub/advice/view.html",
        {
            "advice": advice,
            "parts": selectors.advice_parts(
                advice=advice, file_url=lambda a: reverse("hub_advice_file", args=[advice.pk, a.pk])
            )
            if advice.version_id
            else [],
            "pdf_url": reverse("hub_advice_pdf", args=[advice.pk]),
        },
    )


@health_required
@require_GET
def advice_pdf(request, pk):
    """A copy of the advice for clinical notes, as a PDF, audited."""
    advice, _ = advice_for_health(request, pk, action="advice.pdf")
    return advice_pdf_response(advice=advice, council=request.tenant)
