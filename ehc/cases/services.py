"""Writes for a case: open it from a submitted request, move it by the workflow table, allocate it,
record an exception to the time limits, post the council's response to the request; each in one
transaction that keeps the case's next due date as the clock gives it."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.formdefs import parse_date
from core.notifications import notify_person
from core.roles import Role
from core.selectors import membership_roles
from core.services import audit_record
from ehc.cases.selectors import advice_received_on, case_due_dates, case_next_due, caseworkers_of_council
from ehc.hooks import case_dues_refreshed
from ehc.models import (
    AccessStatus,
    AssessmentRequest,
    Case,
    CaseAccess,
    CaseEvent,
    CaseException,
    CeasingReason,
    ExceptionKind,
    RequestStatus,
)
from ehc.requests.services import REFERENCE_ALPHABET
from ehc.workflow import REVIEW_DECISIONS, Action, Note, transition_for
from tenants.selectors import council_name_current, council_url


class TransitionRefused(ValidationError):
    """The workflow table does not allow this move from the case's current stage."""


def case_reference_new() -> str:
    """A new case's reference: the same form whether the case comes from an online request, a request
    on paper or an existing plan."""
    return "CASE-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def case_open_from_request(*, request: AssessmentRequest, by) -> Case:
    """A submitted request becomes a case; the clock starts on the day the council received it."""
    with transaction.atomic():
        locked = AssessmentRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RequestStatus.SUBMITTED:
            raise ValidationError("Only a submitted request can become a case")
        if Case.objects.filter(request=locked).exists():
            raise ValidationError("This request is already a case")
        if locked.about_case_id:
            raise ValidationError("This form is about an existing case, not a request")
        answers = locked.answers
        case = Case.objects.create(
            reference=case_reference_new(),
            child_first_name=answers.get("first_name", ""),
            child_last_name=answers.get("last_name", ""),
            child_date_of_birth=parse_date(answers.get("date_of_birth") or {}),
            request=locked,
            requestor="Education Setting"
            if locked.version.definition.slug != "parent"
            else "Parent/Young Person",
            received_on=timezone.localdate(locked.submitted_at),
        )
        case_due_refresh(case=case)
        _family_access_from_request(case=case, request=locked)
        audit_record(actor=by, action="case.opened", target=case, detail={"request": locked.reference})
    return case


FAMILY_ROLES = {Role.PARENT, Role.YOUNG_PERSON}


def _family_access_from_request(*, case: Case, request: AssessmentRequest) -> CaseAccess | None:
    """A parent's (or young person's) own request gives them the child's dashboard at once; a request
    made in a professional capacity gives nothing (the family is invited instead)."""
    answers = request.answers
    if request.version.definition.slug != "parent" or answers.get("on_behalf_of") == "professional":
        return None
    if not membership_roles(user=request.owner) & FAMILY_ROLES:
        return None
    myself = answers.get("on_behalf_of") == "myself"
    return CaseAccess.objects.create(
        case=case,
        user=request.owner,
        email=request.owner.email,
        relationship="Young person" if myself else (answers.get("relationship") or "Parent or carer")[:60],
        status=AccessStatus.ACTIVE,
        activated_at=timezone.now(),
    )


def case_due_refresh(*, case: Case) -> Case:
    """Keep the case's next duty (date and label) as the clock gives it, so lists can filter and sort in
    the database. Call after anything that changes the case's events, exceptions or dates, inside the
    same transaction."""
    dues = case_due_dates(case=case)
    due = case_next_due(dues)
    case.next_due_on = due.due if due else None
    case.next_due_label = due.label[:120] if due else ""
    Case.objects.filter(pk=case.pk).update(next_due_on=case.next_due_on, next_due_label=case.next_due_label)
    case_dues_refreshed.send(sender=Case, case=case, dues=dues)
    return case


def _advice_request_answered(*, case: Case, detail: dict) -> dict:
    """The request for advice a "Record advice received" answers: the one its detail names
    (``request_event``, as the health hub and the case page give it), else the one request still
    waiting for the service named. The clock keys each advice date by the event that asked, so two
    teams with one name, or one team asked twice, keep their own dates; a name that could mean either
    is refused, not guessed. A request answered already may be answered again (a team submits on the
    portal after its letter was recorded): the first answer closes its date. Returns the detail naming
    both the request and its service."""
    if not detail.get("request_event") and not detail.get("service"):
        return detail  # the workflow table asks for the service
    advice_events = list(
        CaseEvent.objects.filter(case=case, action__in=(Action.REQUEST_ADVICE, Action.RECORD_ADVICE))
    )
    asked = [event for event in advice_events if event.action == Action.REQUEST_ADVICE]
    if detail.get("request_event"):
        chosen = [event for event in asked if event.pk == detail["request_event"]]
        if not chosen:
            raise ValidationError({"advice_received": "Select a request for advice made on this case"})
    else:
        answered = advice_received_on(advice_events)
        service = detail["service"]
        chosen = [e for e in asked if e.pk not in answered and e.detail.get("service") == service]
        if not chosen:
            raise ValidationError({"advice_received": f"No request for advice from {service} is waiting"})
        if len(chosen) > 1:
            raise ValidationError(
                {"advice_received": f"{service} was asked more than once: select which request was answered"}
            )
    request = chosen[0]
    return {**detail, "service": request.detail.get("service", ""), "request_event": request.pk}


# The case page's questions for a move, in page order: each refusal is raised against the input it is
# about (its id on the page), so the page's error summary links to it.
TRANSITION_FIELDS = (
    "action",
    "advice_service",
    "advice_received",
    "decision",
    "ceasing_reason",
    "happened_on",
    "reason",
)

# What each move's detail is asked as on the page: (action, detail key) -> (input, what to select).
_DETAIL_QUESTIONS = {
    (Action.REQUEST_ADVICE, "service"): ("advice_service", "Select who the advice is asked of"),
    (Action.RECORD_ADVICE, "service"): ("advice_received", "Select whose advice was received"),
    (Action.RECORD_REVIEW, "decision"): ("decision", "Select what the review decided"),
    (Action.CEASE, "ceasing_reason"): ("ceasing_reason", "Select why the plan is ceasing"),
}
_DETAIL_CHOICES = {"decision": REVIEW_DECISIONS, "ceasing_reason": CeasingReason.values}


def case_transition_problems(
    *,
    case: Case,
    action: str,
    happened_on: datetime.date | None,
    reason: str = "",
    detail: dict | None = None,
) -> dict[str, str]:
    """What is wrong with this move of this case, {input: message} in page order (empty when nothing is):
    the one statement of the rules a move's answers must meet. ``case_transition`` applies it to the
    locked row; the case page asks it first, so that every problem is shown at once."""
    detail = detail or {}
    problems = {}
    move = transition_for(stage=case.stage, action=action)
    if move is None:
        problems["action"] = "Select what happened"
    else:
        for key in move.needs_detail:
            field, question = _DETAIL_QUESTIONS.get((move.action, key), (key, f"Give the {key}"))
            value = detail.get(key)
            if key == "service" and move.action == Action.RECORD_ADVICE and detail.get("request_event"):
                continue  # the request answered is named; its service comes from it
            if not value or (key in _DETAIL_CHOICES and value not in _DETAIL_CHOICES[key]):
                problems[field] = question
    if happened_on is None:
        problems["happened_on"] = "Enter the date it happened"
    elif happened_on < case.received_on:
        problems["happened_on"] = "The date cannot be before the request was received"
    elif happened_on > timezone.localdate():
        problems["happened_on"] = "The date cannot be in the future"
    if move is not None and move.needs_reason and not reason.strip():
        problems["reason"] = "Give the reason: the family is told it"
    return {field: problems[field] for field in [*TRANSITION_FIELDS, *problems] if field in problems}


def case_transition(
    *,
    case: Case,
    action: str,
    by,
    happened_on: datetime.date | None,
    reason: str = "",
    detail: dict | None = None,
) -> Case:
    """Move a case by one row of the workflow table: lock it, check the move from its current stage,
    record who, when and why, and audit it, all in one transaction. A move the locked row's stage does
    not allow (another person moved the case first) is TransitionRefused; answers the move needs and
    does not have are a ValidationError by the page's inputs (``case_transition_problems``)."""
    detail = detail or {}
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        move = transition_for(stage=locked.stage, action=action)
        if move is None:
            raise TransitionRefused(
                f"This case is at '{locked.get_stage_display()}', where '{action}' is not allowed",
                code="refused",
            )
        problems = case_transition_problems(
            case=locked, action=action, happened_on=happened_on, reason=reason, detail=detail
        )
        if problems:
            raise ValidationError(problems)
        if action == Action.RECORD_ADVICE:
            detail = _advice_request_answered(case=locked, detail=detail)
        if action == Action.CEASE:
            locked.ceasing_reason = detail["ceasing_reason"]
        CaseEvent.objects.create(
            case=locked,
            action=action,
            stage_from=locked.stage,
            stage_to=move.target,
            happened_on=happened_on,
            by=by,
            reason=reason.strip(),
            detail=detail,
        )
        locked.stage = move.target
        locked.save(update_fields=["stage", "ceasing_reason", "updated_at"])
        case_due_refresh(case=locked)
        audit_record(actor=by, action=f"case.{action}", target=locked, detail={"to": move.target})
        if action in FAMILY_TOLD:
            _family_told_of_update(case=locked, event_key=f"{action}:{locked.pk}:{happened_on.isoformat()}")
    return locked


# Moves the family hears about (by email and text, after commit): the decisions and the plans.
FAMILY_TOLD = frozenset(
    {
        Action.DECIDE_TO_ASSESS,
        Action.DECIDE_NOT_TO_ASSESS,
        Action.DECIDE_NOT_TO_ISSUE,
        Action.ISSUE_DRAFT,
        Action.ISSUE_FINAL,
        Action.RECORD_REVIEW,
        Action.CEASE,
    }
)


def _family_told_of_update(*, case: Case, event_key: str) -> None:
    """Tell everyone with active access that the record has an update: the case's reference and a link,
    never what the update is (ARCHITECTURE.md 8). Queued as notifications in the caller's transaction and
    sent by Celery once it commits; the key makes a retried transition tell nobody twice."""
    council = council_name_current()
    link = council_url(f"/children/{case.reference}/")
    for access in CaseAccess.objects.filter(case=case, status=AccessStatus.ACTIVE).select_related("user"):
        notify_person(
            user=access.user,
            kind="case_update",
            subject=f"{council}: an update on case {case.reference}",
            body=(
                f"There is an update on the EHC record for case {case.reference}.\n\n"
                f"Sign in to the EHC Portal to see it:\n{link}"
            ),
            key=f"case-update:{event_key}:{access.user_id}",
        )


def _note(*, case: Case, kind: Note, by, happened_on: datetime.date, reason: str = "", detail=None) -> None:
    CaseEvent.objects.create(
        case=case,
        action=kind,
        stage_from=case.stage,
        stage_to=case.stage,
        happened_on=happened_on,
        by=by,
        reason=reason,
        detail=detail or {},
    )


def case_allocate(*, case: Case, caseworker, by) -> Case:
    """Give the case to a caseworker (or a SEND manager) of this council, from today (None: nobody was
    chosen)."""
    if caseworker is None:
        raise ValidationError({"caseworker": "Select a caseworker"})
    if caseworker.pk not in {person.pk for person in caseworkers_of_council()}:
        raise ValidationError({"caseworker": "Select a caseworker of this council"})
    today = timezone.localdate()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.caseworker_id == caseworker.pk:
            raise ValidationError({"caseworker": "The case is already allocated to this person"})
        locked.caseworker, locked.caseworker_since = caseworker, today
        locked.save(update_fields=["caseworker", "caseworker_since", "updated_at"])
        name = caseworker.get_full_name() or caseworker.email
        _note(case=locked, kind=Note.ALLOCATE, by=by, happened_on=today, detail={"caseworker": name})
        audit_record(actor=by, action="case.allocated", target=locked, detail={"caseworker": caseworker.pk})
    return locked


EXCEPTION_LATEST_DAYS = 2 * 366


def case_exception_add(
    *, case: Case, kind: str, start: datetime.date | None, end: datetime.date | None, reason: str, by
) -> CaseException:
    """Record an exception to the time limits (Regs. 5(4), 8(2), 10(4), 13(3)) for a period, and move
    the case's next due date as the clock says. Refused by the page's inputs (a date that could not be
    read is None), every problem at once."""
    errors = {}
    if kind not in ExceptionKind.values:
        errors["kind"] = "Select the kind of exception"
    if start is None:
        errors["start"] = "Enter the date the exception started"
    if end is None:
        errors["end"] = "Enter the date the exception ended"
    latest = timezone.localdate() + datetime.timedelta(days=EXCEPTION_LATEST_DAYS)
    if start is not None and end is not None:
        if end < start:
            errors["end"] = "The end date must be the same as or after the start date"
        elif end > latest:  # (the clock adds weeks to these dates: year 9999 overflowed, a 500)
            errors["end"] = "The end date must be no more than 2 years from today"
        elif start < case.received_on:
            errors["start"] = "The start date cannot be before the request was received"
    if not reason.strip():
        errors["reason"] = "Say what happened: it is kept for the statutory return"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        exception = CaseException.objects.create(
            case=locked, kind=kind, start=start, end=end, reason=reason.strip(), by=by
        )
        _note(
            case=locked,
            kind=Note.EXCEPTION,
            by=by,
            happened_on=start,
            reason=reason.strip(),
            detail={"kind": exception.get_kind_display(), "end": end.isoformat()},
        )
        case_due_refresh(case=locked)
        audit_record(actor=by, action="case.exception_added", target=locked, detail={"kind": kind})
    return exception


def request_response_post(*, case: Case, text: str, by) -> AssessmentRequest:
    """Post the council's response to the request a case came from: the person who made it sees it in
    Submitted forms and is told by email that a response is waiting (no details in the email)."""
    if not text.strip():
        raise ValidationError({"response": "Enter the response"})
    if case.request_id is None:
        raise ValidationError({"response": "This case did not come from an online request"})
    with transaction.atomic():
        request = AssessmentRequest.objects.select_for_update().get(pk=case.request_id)
        request.response = text.strip()
        request.response_posted_at = timezone.now()
        request.response_by = by
        request.save(update_fields=["response", "response_posted_at", "response_by", "updated_at"])
        _note(case=case, kind=Note.RESPONSE, by=by, happened_on=timezone.localdate())
        audit_record(actor=by, action="request.response_posted", target=request)
        reference, council = request.reference, council_name_current()
        notify_person(
            user=request.owner,
            kind="response",
            subject=f"{council}: a response to your request {reference}",
            body=(
                f"{council} has posted a response to your request {reference}.\n\n"
                "Sign in to the EHC Portal and open Submitted forms to read it:\n"
                f"{council_url('/account/submitted-forms/')}"
            ),
            # Each response posted is told once (posting again replaces the response and tells again).
            key=f"response:{request.pk}:{request.response_posted_at.timestamp():.6f}",
        )
    return request
