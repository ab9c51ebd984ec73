"""The health hub's pages on a council's site (North East Lincolnshire's EHC Hub guide): My cases,
Team cases for managers, the case's EHC needs assessment process page, allocating a request ("Request
for Advice"), and the advice template with Save changes and Submit advice."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.decorators import role_required
from core.errors import errors_by_field
from core.formdefs import (
    answers_from_post,
    definition_from_dict,
    page_errors,
    page_fields,
    page_problems,
    question_anchor,
    summary_parts,
    table_rows_change,
)
from core.pdf import pdf_render
from core.roles import HEALTH_ROLES, STAFF_ROLES
from core.selectors import membership_roles
from core.services import audit_record
from core.uploads import attachment_action, private_file_response
from ehc.cases.access import LISTED, READ, case_item_for_staff, record_read_by
from ehc.cases.selectors import DUE_SOON_DAYS
from ehc.family.access import family_case_or_404
from hub.advice import selectors, services
from hub.advice.definitions import ADVICE_GUIDANCE
from hub.advice.selectors import AdviceFilters
from hub.models import AdviceAttachment, AdviceRequest, AdviceStatus

PAGE_SIZE = 25
# What the SEND team may read of a team's answer (ehc: never the advice while it is being written).
ANSWERED = (AdviceStatus.SUBMITTED, AdviceStatus.NOT_KNOWN)
SUBMITTED = (AdviceStatus.SUBMITTED,)
FILES_FIELD = "documents"  # the advice template's files question
NEW_MEMBER_FIELDS = (
    ("first_name", "Forename", "text"),
    ("last_name", "Surname", "text"),
    ("email", "Email address", "email"),
)


def health_required(view):
    """A page for the health hub: a signed-in person with a health role here and a place in a team.
    Anyone else signed in gets 403; someone signed out is sent to sign in and brought back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.council_roles = membership_roles(user=request.user)
        if not request.council_roles & HEALTH_ROLES:
            raise PermissionDenied
        request.health_places = selectors.health_places_of(user=request.user)
        if not request.health_places:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def advice_for_health(request, pk, *, action: str = READ, detail: dict | None = None):
    """The advice request a member of a health team may open (selectors.advice_request_for: a manager
    of its team or the member it is allocated to, else 404), and whether they manage its team. Every
    page of the hub that opens one comes through here, and the read is audited, naming the child's
    case: a health team is not the family."""
    advice, is_manager = selectors.advice_request_for(user=request.user, pk=pk, places=request.health_places)
    record_read_by(request, subjects=[advice.case.reference], action=action, target=advice, detail=detail)
    return advice, is_manager


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


def _list_context(request, queryset, filters: AdviceFilters) -> dict:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    today = timezone.localdate()
    return {
        "page": page,
        "filters": filters,
        "statuses": AdviceStatus.choices,
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
        request, selectors.advice_requests_mine(user=request.user, filters=filters), filters
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
    queryset = selectors.advice_requests_team(managed_team_ids=[t.pk for t in managed], filters=filters)
    context = _list_context(request, queryset, filters)
    _listed_for_health(request, context["page"])
    context["teams"] = managed
    return render(request, "hub/cases/team.html", context)


def _advice_definition(advice):
    version = advice.version or services.advice_template_version()
    return definition_from_dict(version.schema)


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
    members = services.team_member_choices(team=advice.team)
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
                    member, invitation = services.team_member_add(
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
            if member is None:
                errors["member"] = "Select the team member who will write the advice"
            else:
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
    definition = _advice_definition(advice)
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
            services.advice_submit(advice=advice, by=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, "Your advice has been submitted. The SEND team has been told.")
            return redirect("hub_advice_view", pk=advice.pk)
    return render(
        request, "hub/advice/submit.html", {"advice": advice, "error": error}, status=400 if error else 200
    )


def advice_parts(advice, *, file_url=None) -> list:
    """The advice as it reads, part by part, with its clinic letters, each linked by ``file_url``
    (the viewer's own download address for an attachment)."""
    files = list(advice.attachments.all())
    for attachment in files:
        attachment.url = file_url(attachment) if file_url else ""
    parts, _ = summary_parts(_advice_definition(advice), advice.answers, files=files)
    return parts


def _advice_file(request, advice, file_id, *, seen_by: str):
    """The family's download of a clinic letter, audited (the family's reads of pages are not)."""
    attachment = get_object_or_404(advice.attachments, pk=file_id)
    audit_record(
        actor=request.user,
        action="advice.file_downloaded",
        target=advice,
        detail={"file": attachment.pk, "by": seen_by},
        subject=advice.case.reference,
    )
    return private_file_response(attachment)


def _downloaded(*, file_id, by: str) -> dict:
    return {"action": "advice.file_downloaded", "detail": {"file": file_id, "by": by}}


@health_required
@require_GET
def advice_file(request, pk, file_id):
    advice, _ = advice_for_health(request, pk, **_downloaded(file_id=file_id, by="health"))
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
            "parts": advice_parts(
                advice, file_url=lambda a: reverse("hub_advice_file", args=[advice.pk, a.pk])
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
    return advice_pdf_response(request, advice)


def advice_pdf_response(request, advice) -> HttpResponse:
    """The PDF, for a viewer whose guard has checked and audited the read."""
    content = pdf_render(
        template="ehc/requests/pdf.html",
        context={
            "parts": advice_parts(advice) if advice.version_id else [],
            "title": f"Health advice from {advice.team.name}",
            "reference": advice.case.reference,
        },
        council=request.tenant,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="advice-{advice.case.reference}-{advice.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# The SEND team reads what the teams sent, from the case page ------------------------------------------


def _case_advice(request, reference, pk, *, answered=ANSWERED, action: str = READ, detail=None):
    """A team's answer on the case, for the SEND team, audited: only once the team has answered (advice
    submitted, or the child not known to the service). Advice being written is the team's until its
    writer submits it, so the SEND team gets 404 for it, as for its PDF and clinic letters."""
    return case_item_for_staff(
        request,
        AdviceRequest.objects.select_related("team", "submitted_by", "version"),
        reference=reference,
        action=action,
        detail=detail,
        pk=pk,
        status__in=answered,
    )


@role_required(*STAFF_ROLES)
@require_GET
def case_advice_view(request, reference, pk):
    advice = _case_advice(request, reference, pk)
    return render(
        request,
        "hub/advice/view.html",
        {
            "advice": advice,
            "parts": advice_parts(
                advice, file_url=lambda a: reverse("case_advice_file", args=[reference, advice.pk, a.pk])
            )
            if advice.version_id
            else [],
            "back_url": reverse("case_page", args=[reference]),
            "pdf_url": reverse("case_advice_pdf", args=[reference, advice.pk]),
        },
    )


@role_required(*STAFF_ROLES)
@require_GET
def case_advice_pdf(request, reference, pk):
    advice = _case_advice(request, reference, pk, answered=SUBMITTED, action="advice.pdf")
    return advice_pdf_response(request, advice)


@role_required(*STAFF_ROLES)
@require_GET
def case_advice_file(request, reference, pk, file_id):
    advice = _case_advice(
        request, reference, pk, answered=SUBMITTED, **_downloaded(file_id=file_id, by="send_team")
    )
    return private_file_response(get_object_or_404(advice.attachments, pk=file_id))


# The family reads submitted advice from SEN Involvements ----------------------------------------------


def _family_advice(request, reference, pk):
    case = family_case_or_404(request, reference, select_related=())
    advice = get_object_or_404(
        AdviceRequest.objects.select_related("team", "version"),
        case=case,
        pk=pk,
        status=AdviceStatus.SUBMITTED,
    )
    advice.case = case  # already read: audit rows name it without a query
    return case, advice


@login_required
@require_GET
def family_advice_view(request, reference, pk):
    case, advice = _family_advice(request, reference, pk)
    audit_record(actor=request.user, action="advice.read_by_family", target=advice)
    parts = advice_parts(
        advice, file_url=lambda a: reverse("family_advice_file", args=[reference, advice.pk, a.pk])
    )
    return render(
        request,
        "hub/advice/family_view.html",
        {"case": case, "section": "involvements", "advice": advice, "parts": parts},
    )


@login_required
@require_GET
def family_advice_file(request, reference, pk, file_id):
    _, advice = _family_advice(request, reference, pk)
    return _advice_file(request, advice, file_id, seen_by="family")


# On the platform's host: one list across every council the person works for ---------------------------


@login_required
@require_GET
def advice_everywhere(request):
    """The open requests for advice allocated to me, and those awaiting allocation in the teams I
    manage, in every council I work for, soonest due first. Each links to the council's own site,
    where the child's details are read under that council's rules and audit."""
    if not selectors.health_councils_of(user=request.user):
        raise PermissionDenied
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    rows = [
        {"item": item, "url": f"{request.scheme}://{item.domain}{suffix}/health/advice/{item.pk}/"}
        for item in selectors.advice_requests_everywhere(user=request.user)
    ]
    return render(
        request,
        "hub/everywhere.html",
        {"rows": rows, "today": timezone.localdate(), "councils": len({r["item"].council for r in rows})},
    )
