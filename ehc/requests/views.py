"""The EHC needs assessment request, page by page, as Oxfordshire's guide shows it; and the SEND team's
side of a submitted request: the incoming list, reading one, and opening a case from it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import role_required
from core.formdefs import (
    answers_from_post,
    page_errors,
    page_fields,
    page_problems,
    parse_date,
    summary_parts,
    table_rows_change,
)
from core.inputs import whole_number
from core.models import FormDefinition
from core.pdf import pdf_render
from core.roles import STAFF_ROLES
from core.selectors import user_has_role
from core.services import audit_record
from core.uploads import private_file_response
from ehc.cases.access import READ, cases_listed_for_staff, record_read_by
from ehc.cases.selectors import cases_same_child
from ehc.cases.services import case_open_from_request
from ehc.models import AccessStatus, AssessmentRequest, Case, CaseAccess
from ehc.requests import selectors, services
from ehc.requests.uploads import handle_upload_action

CHECK = "check-answers"


def _offered(request) -> list[FormDefinition]:
    enabled = request.council_config.request_form_variants
    return sorted(
        FormDefinition.objects.filter(slug__in=enabled, kind="request"), key=lambda d: enabled.index(d.slug)
    )


@require_http_methods(["GET", "POST"])
def start(request):
    """Application Form: Education, Health and Care Needs Assessment."""
    offered = _offered(request)
    error = ""
    if request.method == "POST":
        slug = request.POST.get("form")
        if slug in {d.slug for d in offered}:
            return redirect("request_begin", slug=slug)
        error = "Select the application form you want to complete"
    return render(request, "ehc/requests/start.html", {"offered": offered, "error": error})


@login_required
@require_http_methods(["GET", "POST"])
def begin(request, slug):
    if slug not in request.council_config.request_form_variants:
        raise Http404("This council does not offer that form")
    if request.method == "GET":
        definition = get_object_or_404(FormDefinition, slug=slug)
        return render(request, "ehc/requests/begin.html", {"definition": definition})
    draft = services.request_start(owner=request.user, slug=slug)
    return redirect("request_page", pk=draft.pk, page=draft.definition.pages[0].key)


def _own_request(request, pk) -> AssessmentRequest:
    draft = get_object_or_404(
        AssessmentRequest.objects.select_related("version__definition", "about_case"), pk=pk
    )
    if draft.owner_id != request.user.pk:
        raise Http404("No such form")  # not 403: do not confirm someone else's form exists
    if (
        draft.about_case_id
        and not CaseAccess.objects.filter(
            case_id=draft.about_case_id, user=request.user, status=AccessStatus.ACTIVE
        ).exists()
    ):
        raise Http404("No such form")  # a form about a child whose record they no longer see
    return draft


def _form_or_404(pk) -> AssessmentRequest:
    return get_object_or_404(
        AssessmentRequest.objects.select_related(
            "version__definition", "owner", "about_case", "case", "setting"
        ),
        pk=pk,
    )


def _staff_may_read(
    request, form: AssessmentRequest, *, action: str, detail: dict | None
) -> AssessmentRequest:
    """This council's SEND staff read a request only once it is submitted: a draft (a request being
    written, or a form sent to the family and not yet sent back) is the family's until they submit
    it. Every read is audited, naming the child's case (or the request, before it is one)."""
    if form.is_draft or not user_has_role(user=request.user, roles=STAFF_ROLES):
        raise Http404("No such form")
    record_read_by(request, subjects=[form.audit_subject], action=action, target=form, detail=detail)
    return form


def request_for_staff(request, pk, *, action: str = READ, detail: dict | None = None) -> AssessmentRequest:
    """A submitted request or form, for the SEND team, audited; 404 for a draft or anyone else."""
    return _staff_may_read(request, _form_or_404(pk), action=action, detail=detail)


def _readable_request(request, pk, *, action: str = READ, detail: dict | None = None) -> AssessmentRequest:
    """A request its owner (still allowed to see the child's case, for a form about one) or this
    council's SEND staff (once submitted, audited) may read; anyone else gets a 404 (not a 403: do not
    confirm someone else's form exists)."""
    form = _form_or_404(pk)
    if form.owner_id == request.user.pk and (
        not form.about_case_id
        or CaseAccess.objects.filter(
            case_id=form.about_case_id, user=request.user, status=AccessStatus.ACTIVE
        ).exists()
    ):
        return form  # the family's own form: not audited as a read
    return _staff_may_read(request, form, action=action, detail=detail)


def _page_context(draft, page, answers, errors):
    definition = draft.definition
    previous, following = definition.neighbours(page.key)
    return {
        "draft": draft,
        "definition": definition,
        "page": page,
        "fields": page_fields(page, answers, errors),
        "errors": errors,
        "problems": page_problems(page, errors),
        "previous": previous,
        "following": following,
        "attachments": draft.attachments.all() if any(q.type == "files" for q in page.questions) else [],
        "required_here": any(q.required for q in page.questions),
    }


@login_required
@require_http_methods(["GET", "POST"])
def page_view(request, pk, page):  # noqa: PLR0911 (one exit per button on the page)
    draft = _own_request(request, pk)
    if not draft.is_draft:
        return redirect("request_view", pk=draft.pk)
    definition = draft.definition
    try:
        current = definition.page(page)
    except KeyError as error:
        raise Http404("No such part") from error
    if request.method == "GET":
        return render(request, "ehc/requests/page.html", _page_context(draft, current, draft.answers, {}))

    action = request.POST.get("action", "next")
    if action == "cancel":
        if draft.about_case_id:  # a form about a child's case goes back to that child's Items to complete
            return redirect("family_forms", reference=draft.about_case.reference)
        return redirect("recover_form")
    answers = services.request_linked_child_prefill(
        request=draft, answers=answers_from_post(current, request.POST)
    )
    if action.startswith(("add_row:", "remove_row:")):
        table_rows_change(current, answers, action)
        draft = services.request_save_page(request=draft, by=request.user, answers=answers)
        return render(request, "ehc/requests/page.html", _page_context(draft, current, answers, {}))
    if action.startswith(("upload", "remove_file:")):
        draft = services.request_save_page(request=draft, by=request.user, answers=answers)
        errors = handle_upload_action(request, draft, action)
        return render(request, "ehc/requests/page.html", _page_context(draft, current, answers, errors))

    draft = services.request_save_page(request=draft, by=request.user, answers=answers)
    if action == "save" and draft.about_case_id:
        messages.success(
            request, "Your form has been saved. You can find it in the child's Items to complete."
        )
        return redirect("request_page", pk=draft.pk, page=current.key)
    if action == "save":
        messages.success(request, "Your form has been saved. You can find it in Recover a form for 30 days.")
        return redirect("request_page", pk=draft.pk, page=current.key)
    if action == "close":
        messages.success(request, "Your form has been saved. Select Recover a form to continue it.")
        return redirect("my_account")
    previous, following = definition.neighbours(current.key)
    if action == "previous" and previous:
        return redirect("request_page", pk=draft.pk, page=previous)
    errors = page_errors(current, answers)
    if errors:
        return render(request, "ehc/requests/page.html", _page_context(draft, current, answers, errors))
    return (
        redirect("request_page", pk=draft.pk, page=following)
        if following
        else redirect("request_check", pk=draft.pk)
    )


def _summary(draft):
    attachments = None
    if any(q.type == "files" for page in draft.definition.pages for q in page.questions):
        attachments = list(draft.attachments.all())
    return summary_parts(draft.definition, draft.answers, files=attachments)


@login_required
@require_http_methods(["GET", "POST"])
def check(request, pk):
    draft = _own_request(request, pk)
    if not draft.is_draft:
        return redirect("request_view", pk=draft.pk)
    parts, errors = _summary(draft)
    context = {"draft": draft, "parts": parts, "errors": errors, "problems": _check_problems(draft, errors)}
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return render(request, "ehc/requests/confirm.html", {"draft": draft, "confirm_error": True})
        try:
            services.request_submit(request=draft, by=request.user)
        except ValidationError:
            return render(request, "ehc/requests/check.html", context)
        if draft.about_case_id:  # a form about a case goes back to the child's Items to complete
            messages.success(request, "Your form was submitted successfully")
            return redirect("family_forms", reference=draft.about_case.reference)
        messages.success(request, "Your form has been submitted to the Local Authority.")
        return redirect("submitted_forms")
    return render(request, "ehc/requests/check.html", context)


def _check_problems(draft, errors) -> list[tuple[str, str]]:
    """The check page's summary: each question not answered acceptably, linked to its part of the form."""
    return [
        (reverse("request_page", args=[draft.pk, page.key]), message)
        for page in draft.definition.pages
        for message in page_problems(page, errors.get(page.key, {}), title=page.title).values()
    ]


@login_required
def confirm(request, pk):
    draft = _own_request(request, pk)
    if not draft.is_draft:
        return redirect("request_view", pk=draft.pk)
    return render(request, "ehc/requests/confirm.html", {"draft": draft})


@login_required
def view(request, pk):
    """A submitted form, read-only, printable (the parent's own, or any for SEND staff)."""
    form = _readable_request(request, pk)
    return render(request, "ehc/requests/view.html", request_view_context(request, form))


def _case_of(form: AssessmentRequest) -> Case | None:
    try:
        return form.case  # loaded with the form (select_related), or one query
    except Case.DoesNotExist:
        return None


def request_view_context(request, form, errors=None) -> dict:
    """What the request's page shows: the answers; for SEND staff also the case it became (or the case a
    form sent to the family is about), or, before it is a case, the cases the council already has for a
    child with the same name and date of birth."""
    parts, _ = _summary(form)
    is_staff = user_has_role(user=request.user, roles=STAFF_ROLES)
    form_case, known = None, []
    if is_staff:
        form_case = form.about_case if form.about_case_id else _case_of(form)
        born = parse_date(form.answers.get("date_of_birth") or {})
        if form_case is None and form.reference and born:
            known = cases_same_child(
                first_name=form.answers.get("first_name", ""),
                last_name=form.answers.get("last_name", ""),
                date_of_birth=born,
            )
            # Naming the council's cases for a child with these details is a read of their records.
            cases_listed_for_staff(request, [case.reference for case in known])
    return {
        "form": form,
        "parts": parts,
        "is_staff": is_staff,
        "form_case": form_case,
        "known": known,
        "errors": errors or {},
    }


@login_required
def pdf(request, pk):
    """Create PDF: the whole form with the answers so far (or as submitted)."""
    form = _readable_request(request, pk)
    parts, _ = _summary(form)
    content = pdf_render(
        template="ehc/requests/pdf.html",
        context={"parts": parts, "title": form.version.definition.name, "reference": form.reference},
        council=request.tenant,
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = form.reference or f"draft-{form.pk}"
    response["Content-Disposition"] = f'attachment; filename="ehc-request-{name}.pdf"'
    return response


@login_required
def attachment(request, pk, file_id):
    """A supporting document, only to its uploader or the council's SEND staff, and audited
    (ARCHITECTURE.md 7: files never sit behind a public URL)."""
    form = _readable_request(request, pk, action="request.file_downloaded", detail={"file": file_id})
    document = get_object_or_404(form.attachments, pk=file_id)
    if form.owner_id == request.user.pk:  # staff's download was audited as they were let in
        audit_record(
            actor=request.user, action="request.file_downloaded", target=form, detail={"file": document.pk}
        )
    return private_file_response(document)


@login_required
@require_http_methods(["GET", "POST"])
def recover(request):
    """Recover a form: drafts, kept 30 days from their last save."""
    if request.method == "POST":
        number = whole_number(request.POST.get("delete"))
        if number is None:  # not a form's number (a changed button): no such form, not a crash
            raise Http404("No such form")
        draft = _own_request(request, number)
        if draft.is_draft:
            draft.delete()
            messages.success(request, "The form has been deleted.")
        return redirect("recover_form")
    return render(
        request, "ehc/requests/drafts.html", {"drafts": selectors.requests_drafts_of(user=request.user)}
    )


@login_required
def submitted(request):
    forms = selectors.requests_submitted_recently(user=request.user)
    return render(request, "ehc/requests/submitted.html", {"forms": forms})


@role_required(*STAFF_ROLES)
def incoming(request):
    """The SEND team's list of submitted requests."""
    submitted = selectors.requests_incoming()
    cases_listed_for_staff(request, [form.audit_subject for form in submitted])
    return render(request, "ehc/requests/incoming.html", {"requests": submitted})


@role_required(*STAFF_ROLES)
@require_POST
def case_open(request, pk):
    """The request page's "open a case" button. When the council already has a case for a child with these
    details, the page is shown again until the person confirms this is a different child."""
    submitted = request_for_staff(request, pk)
    context = request_view_context(request, submitted)
    if context["known"] and request.POST.get("different_child") != "yes":
        context["errors"] = {
            "different_child": "Go to the child's case, or confirm that this request needs a new case"
        }
        return render(request, "ehc/requests/view.html", context, status=400)
    try:
        case = case_open_from_request(request=submitted, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("request_view", pk=pk)
    return redirect("case_page", reference=case.reference)
