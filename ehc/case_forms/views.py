"""Forms tied to a case. The SEND team sends one to a family member from the case page; the family sees
them on the child's Items to complete (Oxfordshire guide section 4.2, Worcestershire's "Actions to
Complete") with the forms the council lets them start (Hertfordshire's "Forms you can start"). Filling
in, saving for later, checking and submitting are the request's own pages (ehc.requests.views)."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.decorators import role_required
from core.errors import errors_by_field
from core.models import FormDefinition
from core.roles import STAFF_ROLES
from ehc.case_forms import services
from ehc.case_forms.services import (
    DRAFT_RESPONSE_FORM,
    case_draft_served_on,
    case_form_recipients,
    case_form_start,
    draft_response_due,
)
from ehc.cases.access import case_for_staff
from ehc.definitions.shipped import CASE_FORM_KIND
from ehc.family.access import family_case_or_404
from ehc.models import AssessmentRequest


def days_left_text(due_on: datetime.date | None, today: datetime.date) -> str:
    """How long is left to complete a form, as the family reads it."""
    if due_on is None:
        return ""
    days = (due_on - today).days
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    if days == 0:
        return "Due today"
    return f"Overdue by {-days} day{'s' if days != -1 else ''}"


def _date_or_none(typed: str) -> datetime.date | None:
    """The date typed in a date input (YYYY-MM-DD), or None when it is blank or not a date."""
    try:
        return datetime.date.fromisoformat(typed)
    except ValueError:
        return None


def _person(user) -> str:
    return user.get_full_name() or user.email


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_form_send(request, reference):
    """Send a form to complete: which form, to whom (people with active access to the case), by when."""
    case = case_for_staff(request, reference)
    definitions = list(FormDefinition.objects.filter(kind=CASE_FORM_KIND).order_by("name"))
    recipients = case_form_recipients(case=case)
    served = case_draft_served_on(case=case)
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        # The page reads what was chosen and typed; which answers are acceptable is the service's rule.
        recipient = next((a.user for a in recipients if str(a.user_id) == posted.get("recipient")), None)
        typed = posted.get("due_on", "").strip()
        due_on = _date_or_none(typed)
        path = reverse("family_forms", args=[case.reference])
        link = request.build_absolute_uri(f"{reverse('account_login')}?{urlencode({'next': path})}")
        try:
            form = services.case_form_send(
                case=case,
                slug=posted.get("form", ""),
                recipient=recipient,
                due_on=due_on,
                due_on_unreadable=bool(typed) and due_on is None,
                by=request.user,
                link=link,
            )
        except ValidationError as error:
            errors = errors_by_field(error)
        else:
            messages.success(
                request,
                f"{form.version.definition.name} sent to {_person(recipient)}, due "
                f"{form.due_on:%-d %B %Y}. They have been emailed.",
            )
            return redirect("case_page", reference=case.reference)
    context = {
        "case": case,
        "definitions": definitions,
        "recipients": recipients,
        "draft_response_form": DRAFT_RESPONSE_FORM,
        "served": served,
        "draft_due": draft_response_due(served=served) if served else None,
        "errors": errors,
        "posted": posted,
    }
    return render(request, "ehc/cases/form_send.html", context, status=400 if errors else 200)


def _started(answers: dict) -> bool:
    return any(value for value in answers.values() if isinstance(value, str | list))


@login_required
@require_GET
def family_forms(request, reference):
    """Items to complete: the forms sent to this person for this child, with the days left, the forms
    they have submitted, and the forms the council lets them start. Constant queries whatever the count."""
    case = family_case_or_404(request, reference, select_related=())
    today = timezone.localdate()
    forms = list(
        AssessmentRequest.objects.filter(about_case=case, owner=request.user)
        .select_related("version__definition")
        .order_by(F("due_on").asc(nulls_last=True), "-updated_at", "-id")
    )
    to_complete = [
        {
            "form": form,
            "name": form.version.definition.name,
            "first_page": form.definition.pages[0].key,
            "days_left": days_left_text(form.due_on, today),
            "overdue": form.due_on is not None and form.due_on < today,
            "started": _started(form.answers),
        }
        for form in forms
        if form.is_draft
    ]
    submitted = sorted(
        (form for form in forms if not form.is_draft), key=lambda form: form.submitted_at, reverse=True
    )
    offered_slugs = list(request.council_config.parent_forms)
    offered = sorted(
        FormDefinition.objects.filter(slug__in=offered_slugs, kind=CASE_FORM_KIND),
        key=lambda definition: offered_slugs.index(definition.slug),
    )
    return render(
        request,
        "ehc/family/forms.html",
        {
            "case": case,
            "section": "forms",
            "to_complete": to_complete,
            "submitted": submitted,
            "offered": offered,
        },
    )


@login_required
@require_POST
def family_form_start(request, reference, slug):
    """Start one of the forms the council offers (Forms you can start) for this child."""
    case = family_case_or_404(request, reference, select_related=())
    if slug not in request.council_config.parent_forms:
        raise Http404("This council does not offer that form")
    try:
        form = case_form_start(case=case, slug=slug, by=request.user)
    except FormDefinition.DoesNotExist as error:
        raise Http404("No such form") from error
    return redirect("request_page", pk=form.pk, page=form.definition.pages[0].key)
