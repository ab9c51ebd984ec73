"""Cases that do not start as an online request, entered by the council's SEND team: a request received
on paper or by email, and an existing EHC plan moving onto the portal with its real dates.

An existing plan's history is entered, not lived through: its events are written directly with the
stages the path would have had (ehc.workflow's table governs moves from now on, not the past), and the
clock then reads them as it reads any case's.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.services import audit_record
from ehc.cases.selectors import cases_same_child, caseworkers_of_council
from ehc.cases.services import case_due_refresh, case_reference_new
from ehc.models import Case, CaseEvent, CaseOrigin
from ehc.workflow import Action, Stage

NAME_LIMIT = 150  # Case.child_first_name / child_last_name
NOTE_LIMIT = 2000
ENTERED = {"entered": "existing_plan"}

# Who made a request received on paper or by email: the radio's value and what the case records.
REQUESTORS = {
    "parent": "Parent or carer",
    "young_person": "Young person",
    "setting": "Education setting",
    "health_social_care": "Health or social care",
    "other": "Other",
}

# Each date's name in messages, and what to say when it is left out (None: it is optional).
DATE_OF_BIRTH = ("Date of birth", "Enter the child's date of birth")
PAPER_DATES = {
    "date_of_birth": DATE_OF_BIRTH,
    "received_on": (
        "Date the council received the request",
        "Enter the date the council received the request",
    ),
}
# In the order the path runs: each must be the same as or after every one before it.
EXISTING_DATES = {
    "date_of_birth": DATE_OF_BIRTH,
    "received_on": (
        "Date the original request was received",
        "Enter the date the original request was received",
    ),
    "decided_on": ("Date the decision to assess was made", None),
    "final_issued_on": ("Date the final plan was issued", "Enter the date the final plan was issued"),
    "last_review_on": ("Date of the last annual review meeting", None),
}


class KnownChild(ValidationError):
    """The council already has a case for a child with this name and date of birth, and the person
    entering the case has not confirmed this is a different child."""

    def __init__(self, cases: list[Case]):
        super().__init__(
            "There is already a case for a child with this name and date of birth", code="known_child"
        )
        self.cases = cases


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _name_problems(*, first_name: str, last_name: str) -> dict[str, str]:
    problems = {}
    for key, value, missing, label in (
        ("first_name", first_name, "Enter the child's first name", "First name"),
        ("last_name", last_name, "Enter the child's last name", "Last name"),
    ):
        if not value.strip():
            problems[key] = missing
        elif len(value.strip()) > NAME_LIMIT:
            problems[key] = f"{label} must be {NAME_LIMIT} characters or fewer"
    return problems


def _date_problems(
    dates: dict[str, datetime.date | None], names: dict, *, today: datetime.date, skip: Iterable[str] = ()
) -> dict[str, str]:
    """Missing dates, dates in the future, and dates out of order. ``names`` lists the dates in the order
    the path runs (date of birth first); each must be the same as or after every earlier one given.
    Dates in ``skip`` could not be read (the page has said so), so they are neither checked nor
    compared."""
    skip = set(skip)
    problems = {}
    earlier: list[tuple[str, datetime.date]] = []
    for key, (label, missing) in names.items():
        if key in skip:
            continue
        value = dates.get(key)
        if value is None:
            if missing:
                problems[key] = missing
            continue
        if key == "date_of_birth" and value >= today:
            problems[key] = f"{label} must be in the past"
        elif value > today:
            problems[key] = f"{label} must be today or in the past"
        elif earlier:
            latest_key, latest = max(earlier, key=lambda pair: pair[1])
            if value < latest:
                other = names[latest_key][0]
                problems[key] = (
                    f"{label} must be the same as or after {_long_date(latest)}, "
                    f"the {other[0].lower()}{other[1:]}"
                )
        earlier.append((key, value))
    return problems


def paper_problems(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    received_on: datetime.date | None,
    requestor: str,
    note: str = "",
    today: datetime.date | None = None,
    skip: Iterable[str] = (),
) -> dict[str, str]:
    """What is wrong with a paper request's details, by field ({} when nothing is). No queries."""
    problems = _name_problems(first_name=first_name, last_name=last_name)
    problems |= _date_problems(
        {"date_of_birth": date_of_birth, "received_on": received_on},
        PAPER_DATES,
        today=today or timezone.localdate(),
        skip=skip,
    )
    if requestor not in REQUESTORS:
        problems["requestor"] = "Select who made the request"
    if len(note.strip()) > NOTE_LIMIT:
        problems["note"] = f"The note must be {NOTE_LIMIT:,} characters or fewer"
    return problems


def existing_plan_problems(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    received_on: datetime.date | None,
    decided_on: datetime.date | None,
    final_issued_on: datetime.date | None,
    last_review_on: datetime.date | None,
    today: datetime.date | None = None,
    skip: Iterable[str] = (),
) -> dict[str, str]:
    """What is wrong with an existing plan's details, by field ({} when nothing is). No queries."""
    problems = _name_problems(first_name=first_name, last_name=last_name)
    dates = {
        "date_of_birth": date_of_birth,
        "received_on": received_on,
        "decided_on": decided_on,
        "final_issued_on": final_issued_on,
        "last_review_on": last_review_on,
    }
    problems |= _date_problems(dates, EXISTING_DATES, today=today or timezone.localdate(), skip=skip)
    return problems


def _refuse_known_child(
    *, first_name: str, last_name: str, date_of_birth: datetime.date, different_from: Iterable[str]
) -> None:
    """Refuse unless every case for a child with these details is one the person confirmed is a
    different child (by reference: a confirmation covers only the cases they were shown)."""
    known = cases_same_child(first_name=first_name, last_name=last_name, date_of_birth=date_of_birth)
    if {case.reference for case in known} - set(different_from):
        raise KnownChild(known)


def case_enter_paper(  # noqa: PLR0913 (one keyword per thing on the paper form)
    *,
    by,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    received_on: datetime.date,
    requestor: str,
    note: str = "",
    different_from: Iterable[str] = (),
) -> Case:
    """A request received on paper or by email, entered by the SEND team: a case at 'request received',
    whose clock starts on the day the council received the request. Raises ValidationError (by field)
    for bad details, and KnownChild if a case for the same child may already exist."""
    problems = paper_problems(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        received_on=received_on,
        requestor=requestor,
        note=note,
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        _refuse_known_child(
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            different_from=different_from,
        )
        case = Case.objects.create(
            reference=case_reference_new(),
            child_first_name=first_name.strip(),
            child_last_name=last_name.strip(),
            child_date_of_birth=date_of_birth,
            requestor=REQUESTORS[requestor],
            received_on=received_on,
            stage=Stage.REQUEST_RECEIVED,
            origin=CaseOrigin.PAPER,
        )
        case_due_refresh(case=case)
        # The case has no field for a note yet: it is kept with the record of who entered the case.
        audit_record(
            actor=by,
            action="case.entered",
            target=case,
            detail={"origin": CaseOrigin.PAPER.value, "requestor": requestor, "note": note.strip()},
        )
    return case


def case_enter_existing_plan(  # noqa: PLR0913 (one keyword per date of the plan's history)
    *,
    by,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    received_on: datetime.date,
    final_issued_on: datetime.date,
    decided_on: datetime.date | None = None,
    last_review_on: datetime.date | None = None,
    caseworker=None,
    different_from: Iterable[str] = (),
) -> Case:
    """An EHC plan the council issued before it used the portal, entered with its real dates: the case,
    its history as events (the decision to assess if known, the final plan, the last annual review if
    any), its caseworker, and its next due date from the clock, in one transaction. Raises
    ValidationError (by field) for bad details, and KnownChild if the child may already have a case."""
    problems = existing_plan_problems(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        received_on=received_on,
        decided_on=decided_on,
        final_issued_on=final_issued_on,
        last_review_on=last_review_on,
    )
    if caseworker is not None and caseworker.pk not in {p.pk for p in caseworkers_of_council()}:
        problems["caseworker"] = "Select a caseworker of this council"
    if problems:
        raise ValidationError(problems)
    today = timezone.localdate()
    with transaction.atomic():
        _refuse_known_child(
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            different_from=different_from,
        )
        stage = Stage.PLAN_IN_PLACE if last_review_on else Stage.FINAL_PLAN
        case = Case.objects.create(
            reference=case_reference_new(),
            child_first_name=first_name.strip(),
            child_last_name=last_name.strip(),
            child_date_of_birth=date_of_birth,
            received_on=received_on,
            stage=stage,
            origin=CaseOrigin.EXISTING,
            caseworker=caseworker,
            caseworker_since=today if caseworker else None,
        )
        # The stages each event would have moved between had the case gone through the portal.
        history = [
            (Action.DECIDE_TO_ASSESS, Stage.REQUEST_RECEIVED, Stage.ASSESSMENT, decided_on),
            (Action.ISSUE_FINAL, Stage.DRAFT_PLAN, Stage.FINAL_PLAN, final_issued_on),
            (Action.RECORD_REVIEW, Stage.FINAL_PLAN, Stage.PLAN_IN_PLACE, last_review_on),
        ]
        CaseEvent.objects.bulk_create(
            CaseEvent(
                case=case,
                action=action,
                stage_from=stage_from,
                stage_to=stage_to,
                happened_on=happened_on,
                by=by,
                detail=dict(ENTERED),
            )
            for action, stage_from, stage_to, happened_on in history
            if happened_on is not None
        )
        case_due_refresh(case=case)
        audit_record(
            actor=by,
            action="case.entered",
            target=case,
            detail={
                "origin": CaseOrigin.EXISTING.value,
                "final_issued_on": final_issued_on.isoformat(),
                "caseworker": caseworker.pk if caseworker else None,
            },
        )
    return case
