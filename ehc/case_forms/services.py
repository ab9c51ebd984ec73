"""Writes for forms tied to a case (Items to complete): the SEND team sends one to a family member with a
due date, or a parent starts one the council offers ("Forms you can start"). Both are drafts of the same
engine as the request (ehc.requests.views: pages, save for later, check answers, submit, view, PDF)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.models import FormDefinition, FormVersion
from core.notifications import notify_person
from core.services import audit_record
from ehc import clock
from ehc.definitions.shipped import CASE_FORM_KIND
from ehc.models import AccessStatus, AssessmentRequest, Case, CaseAccess, CaseEvent
from ehc.workflow import Action
from tenants.selectors import council_name_current

# The form whose due date the law sets: the parent's response to the draft plan, due by the last of the
# 15 days from the draft being served (Reg. 13(1)); the caseworker may give an earlier day, not a later.
DRAFT_RESPONSE_FORM = "parental_response"


def case_draft_served_on(*, case: Case) -> datetime.date | None:
    """The day the draft plan was served (the case's first ISSUE_DRAFT event), or None. One query."""
    return (
        CaseEvent.objects.filter(case=case, action=Action.ISSUE_DRAFT)
        .order_by("happened_on", "id")
        .values_list("happened_on", flat=True)
        .first()
    )


def draft_response_due(*, served: datetime.date) -> datetime.date:
    """The last day to respond to a draft plan served on ``served``, from the clock."""
    return clock.draft_response_window(served=served)[0]


def case_form_recipients(*, case: Case) -> list[CaseAccess]:
    """The people who may be sent a form about the case: those with active access to it. One query."""
    return list(
        CaseAccess.objects.filter(case=case, status=AccessStatus.ACTIVE, user__isnull=False)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "id")
    )


def _due_on_checked(
    *, slug: str, due_on: datetime.date | None, served: datetime.date | None, today: datetime.date
) -> tuple[datetime.date | None, dict[str, str]]:
    """The due date to record, or the problems with it ({field: message})."""
    latest = None
    if slug == DRAFT_RESPONSE_FORM:
        if served is None:
            return None, {"form": "The draft plan has not been issued yet: record it on the case first"}
        latest = draft_response_due(served=served)
        due_on = latest if due_on is None else due_on
    if latest is not None and latest < today:
        problem = f"The 15 days to respond to the draft plan ended on {latest:%-d %B %Y}"
    elif latest is not None and due_on > latest:
        problem = (
            f"The due date must be on or before {latest:%-d %B %Y}, the last of the 15 days from the draft "
            "plan being served"
        )
    elif due_on is None:
        problem = "Enter the date the form is due"
    elif due_on < today:
        problem = "The due date must be today or in the future"
    else:
        return due_on, {}
    return None, {"due_on": problem}


def case_form_send(
    *,
    case: Case,
    slug: str,
    recipient,
    due_on: datetime.date | None,
    by,
    link: str,
    due_on_unreadable: bool = False,
) -> AssessmentRequest:
    """Send a form to a family member with active access to the case: a draft they own, tied to the case,
    on the form's newest version, with its due date; audited; they are emailed once it is committed.
    ``due_on_unreadable``: a due date was typed but is not a date (nothing is sent, whatever the form)."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    version = (
        FormVersion.objects.filter(definition__slug=slug, definition__kind=CASE_FORM_KIND)
        .select_related("definition")
        .first()
    )
    if version is None:
        errors["form"] = "Select the form to send"
    with transaction.atomic():
        # Lock the case so the draft plan's date cannot change between the check and the send.
        locked = Case.objects.select_for_update().get(pk=case.pk)
        active = recipient is not None and (
            CaseAccess.objects.filter(case=locked, user=recipient, status=AccessStatus.ACTIVE).exists()
        )
        if not active:
            errors["recipient"] = "Select who will complete the form"
        if due_on_unreadable:
            errors["due_on"] = "Enter the due date as a real date"
        elif version is not None:
            due_on, due_errors = _due_on_checked(
                slug=slug, due_on=due_on, served=case_draft_served_on(case=locked), today=today
            )
            errors.update(due_errors)
        if errors:  # in the order the page asks: which form, to whom, by when
            raise ValidationError(
                {key: errors[key] for key in ("form", "recipient", "due_on") if key in errors}
            )
        form = AssessmentRequest.objects.create(
            version=version,
            owner=recipient,
            about_case=locked,
            due_on=due_on,
            sent_by=by,
            sent_at=timezone.now(),
        )
        audit_record(
            actor=by,
            action="case.form_sent",
            target=form,
            detail={"case": locked.reference, "form": slug, "to": recipient.pk, "due": due_on.isoformat()},
        )
        council, reference = council_name_current(), locked.reference
        # Says what and by when, with the case's reference and a link; never the child's name or any
        # content (ARCHITECTURE.md 8).
        notify_person(
            user=recipient,
            kind="form_to_complete",
            subject=f"{council}: a form to complete by {due_on:%-d %B %Y}",
            body=(
                f"{council}'s SEND team has sent you a form to complete by {due_on:%-d %B %Y}, "
                f"for case {reference}.\n\n"
                f"Sign in to the EHC Portal and open Items to complete:\n{link}\n\n"
                "Each time you sign in we will also send you a code."
            ),
            key=f"form-sent:{form.pk}",
        )
    return form


def case_form_start(*, case: Case, slug: str, by) -> AssessmentRequest:
    """A family member starts one of the forms the council offers for a case: a draft tied to the case,
    with no sender and no due date (the request's 30-day draft rule applies). The caller checks that the
    council offers the form and that the person has access to the case."""
    version = (
        FormVersion.objects.filter(definition__slug=slug, definition__kind=CASE_FORM_KIND)
        .select_related("definition")
        .first()
    )
    if version is None:
        raise FormDefinition.DoesNotExist(slug)
    with transaction.atomic():
        form = AssessmentRequest.objects.create(version=version, owner=by, about_case=case)
        audit_record(
            actor=by, action="case.form_started", target=form, detail={"case": case.reference, "form": slug}
        )
    return form
