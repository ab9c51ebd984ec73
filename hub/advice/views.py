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
from hub.advice.access import advice_for_health, advice_of_another_team, health_required
from hub.advice.definitions import ADVICE_GUIDANCE
from hub.advice.pdf import advice_pdf_response
from hub.advice.selectors import AdviceFilters
from hub.models import AdviceAttachment, AdviceContribution, AdviceStatus
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
    who writes the team's advice and who has submitted their part, who else has been asked (with the
    advice other teams have submitted, to read), and what the person may do next."""
    advice, is_manager = advice_for_health(request, pk)
    case = advice.case
    contributions = selectors.advice_contributions_of(advice=advice)
    others = [a for a in selectors.advice_requests_of_case(case=case) if a.pk != advice.pk]
    other_services = selectors.advice_asked_outside_hub(case=case)
    my_part = next((part for part in contributions if part.pk == advice.my_part), None)
    return render(
        request,
        "hub/advice/case.html",
        {
            "advice": advice,
            "case": case,
            "is_manager": is_manager,
            "contributions": contributions,
            "my_part": my_part,
            "parts_done": sum(1 for part in contributions if part.done_at),
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
    contributions = selectors.advice_contributions_of(advice=advice)
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
            return _members_change(request, advice=advice, members=members, contributions=contributions)
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
            "contributions": contributions,
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


def _members_change(request, *, advice, members, contributions):
    """The allocation's team members: "add" one (their name then shows below), take off one who has not
    started, or "Save changes", which adds the one chosen, if any, and completes the allocation."""
    posted = request.POST
    member = next((m for m in members if str(m.pk) == posted.get("member")), None)
    if posted.get("action") == "remove":
        services.advice_professional_remove(advice=advice, member=member, by=request.user)
        messages.success(request, f"{_name(member)} is no longer writing advice for this request.")
        return redirect("hub_advice_allocate", pk=advice.pk)
    if posted.get("action") == "add":
        services.advice_allocate(advice=advice, member=member, by=request.user)
        messages.success(request, f"{_name(member)} added. They have been emailed.")
        return redirect("hub_advice_allocate", pk=advice.pk)
    # "Once a team member is added, click 'save changes'. THIS COMPLETES THE ALLOCATION PROCESS."
    if member is not None or not contributions:
        services.advice_allocate(advice=advice, member=member, by=request.user)
    names = ", ".join(
        _name(part.professional)
        for part in selectors.advice_contributions_of(advice=advice)
        if part.professional
    )
    messages.success(request, f"Allocated to {names}. They have been emailed.")
    return redirect("hub_advice_case", pk=advice.pk)


def _name(user) -> str:
    return user.get_full_name() or user.email if user else ""


def _advice_being_written(request, pk):
    """The request and this person's part of its advice: theirs by allocation (a manager of the team
    who writes no part reads it but does not write it: 403)."""
    advice, _ = advice_for_health(request, pk)
    if advice.my_part is None:
        raise PermissionDenied
    part = get_object_or_404(AdviceContribution.objects.select_related("version"), pk=advice.my_part)
    return advice, part


@health_required
@require_http_methods(["GET", "POST"])
def advice_write(request, pk):
    """The advice template, for this professional's part: Save changes keeps what was typed; Submit
    advice asks to confirm first."""
    advice, part = _advice_being_written(request, pk)
    if advice.status != AdviceStatus.ALLOCATED:
        return redirect("hub_advice_view", pk=advice.pk)
    if part.done_at:
        return redirect("hub_advice_case", pk=advice.pk)
    definition = selectors.advice_definition(part=part)
    answers, errors, problem = part.answers, {}, ""
    if request.method == "POST":
        action = request.POST.get("action", "save")
        answers = {}
        for page in definition.pages:
            answers.update(answers_from_post(page, request.POST))
            if action.startswith(("add_row:", "remove_row:")):
                table_rows_change(page, answers, action)
        part = services.advice_save(advice=advice, answers=answers, by=request.user)
        if action.startswith(("upload", "remove_file:")):
            files_errors = attachment_action(
                request,
                action=action,
                field=FILES_FIELD,
                attachments=part.attachments.all(),
                build=lambda **fields: AdviceAttachment(advice_request=advice, contribution=part, **fields),
                audit_action="advice.file_attached",
                target=advice,
            )
        else:
            files_errors = {}
            for page in definition.pages:
                errors.update(page_errors(page, answers))
        errors.update(files_errors)
        if action == "submit" and not errors:
            if services.advice_has_content(part=part, answers=answers):
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
            "attachments": list(part.attachments.all()),
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
    """ "Are you ready to submit your advice?": a submitted part can no longer be changed; the last part
    in submits the team's advice."""
    advice, part = _advice_being_written(request, pk)
    if advice.status != AdviceStatus.ALLOCATED:
        return redirect("hub_advice_view", pk=advice.pk)
    if part.done_at:
        return redirect("hub_advice_case", pk=advice.pk)
    error = ""
    if request.method == "POST":
        try:
            advice = services.advice_submit(advice=advice, by=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            if advice.status == AdviceStatus.SUBMITTED:
                messages.success(request, "Your advice has been submitted. The SEND team has been told.")
                return redirect("hub_advice_view", pk=advice.pk)
            if advice.status == AdviceStatus.AWAITING_CHECK:
                messages.success(
                    request,
                    "Your advice has been submitted. The Designated Clinical Officer checks it before it "
                    "goes to the SEND team.",
                )
                return redirect("hub_advice_view", pk=advice.pk)
            messages.success(
                request,
                "Your part of the advice has been submitted. The team's advice goes to the SEND team once "
                "everyone has submitted their part, or a manager submits it.",
            )
            return redirect("hub_advice_case", pk=advice.pk)
    still_writing = [
        other
        for other in selectors.advice_contributions_of(advice=advice)
        if other.pk != part.pk and other.done_at is None
    ]
    return render(
        request,
        "hub/advice/submit.html",
        {"advice": advice, "error": error, "still_writing": still_writing},
        status=400 if error else 200,
    )


@health_required
@require_http_methods(["GET", "POST"])
def advice_team_submit(request, pk):
    """A manager's "Submit the team's advice", with the parts submitted so far, asked to confirm."""
    advice, is_manager = advice_for_health(request, pk)
    if not is_manager:
        raise PermissionDenied
    if advice.status != AdviceStatus.ALLOCATED:
        return redirect("hub_advice_case", pk=advice.pk)
    errors = {}
    if request.method == "POST":
        try:
            advice = services.advice_team_submit(advice=advice, by=request.user)
        except ValidationError as refused:
            errors = errors_by_field(refused, field="submit")
        else:
            messages.success(
                request,
                "The team's advice has been submitted. The Designated Clinical Officer checks it before "
                "it goes to the SEND team."
                if advice.status == AdviceStatus.AWAITING_CHECK
                else "The team's advice has been submitted. The SEND team has been told.",
            )
            return redirect("hub_advice_view", pk=advice.pk)
    contributions = selectors.advice_contributions_of(advice=advice)
    return render(
        request,
        "hub/advice/team_submit.html",
        {
            "advice": advice,
            "errors": errors,
            "done": [part for part in contributions if part.done_at],
            "still_writing": [part for part in contributions if not part.done_at],
        },
        status=400 if errors else 200,
    )


@health_required
@require_GET
def advice_file(request, pk, file_id):
    advice, _ = advice_for_health(
        request, pk, action="advice.file_downloaded", detail={"file": file_id, "by": "health"}
    )
    return private_file_response(
        selectors.advice_attachment_readable(advice=advice, file_id=file_id, user=request.user)
    )


@health_required
@require_GET
def advice_view(request, pk):
    """The team's advice as submitted, each part under its author's name (or the team's answer that the
    child is not known), read-only."""
    advice, _ = advice_for_health(request, pk)
    return render(
        request,
        "hub/advice/view.html",
        {
            "advice": advice,
            "authors": selectors.advice_by_author(
                advice=advice, file_url=lambda a: reverse("hub_advice_file", args=[advice.pk, a.pk])
            )
            if advice.status in (AdviceStatus.SUBMITTED, AdviceStatus.AWAITING_CHECK)
            else [],
            "pdf_url": reverse("hub_advice_pdf", args=[advice.pk]),
        },
    )


@health_required
@require_GET
def advice_pdf(request, pk):
    """A copy of the team's submitted advice for clinical notes, as a PDF, audited."""
    advice, _ = advice_for_health(request, pk, action="advice.pdf")
    return advice_pdf_response(advice=advice, council=request.tenant)


# Another team's submitted advice on the same case ("made available for ... professionals registered
# to the case to view on the hub") ---------------------------------------------------------------------


@health_required
@require_GET
def other_advice_view(request, pk, other_pk):
    advice, other = advice_of_another_team(request, pk, other_pk)
    return render(
        request,
        "hub/advice/view.html",
        {
            "advice": other,
            "authors": selectors.advice_by_author(
                advice=other,
                file_url=lambda a: reverse("hub_other_advice_file", args=[advice.pk, other.pk, a.pk]),
            ),
            "back_url": reverse("hub_advice_case", args=[advice.pk]),
            "back_text": "Back to the EHC needs assessment process",
            "pdf_url": reverse("hub_other_advice_pdf", args=[advice.pk, other.pk]),
        },
    )


@health_required
@require_GET
def other_advice_pdf(request, pk, other_pk):
    _, other = advice_of_another_team(request, pk, other_pk, action="advice.pdf")
    return advice_pdf_response(advice=other, council=request.tenant)


@health_required
@require_GET
def other_advice_file(request, pk, other_pk, file_id):
    _, other = advice_of_another_team(
        request, pk, other_pk, action="advice.file_downloaded", detail={"file": file_id, "by": "health"}
    )
    return private_file_response(selectors.advice_attachment_readable(advice=other, file_id=file_id))
