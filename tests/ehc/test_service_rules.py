"""Each rule a page shows is the service's: called without any view, the services refuse bad input
with ValidationError({input id: message}), the messages the pages show, in page order."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from ehc.cases.services import case_allocate, case_exception_add, case_transition, case_transition_problems
from ehc.invitations.services import invitation_details_check, invitation_send
from ehc.models import Case, CaseAccess, CaseEvent, CaseException, CeasingReason
from ehc.workflow import Action, Stage
from tenants.configuration.selectors import configuration_get

RECEIVED = datetime.date(2026, 9, 1)


@pytest.fixture
def in_oxfordshire(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        yield


def _case(stage=Stage.REQUEST_RECEIVED) -> Case:
    return Case.objects.create(
        reference=f"CASE-R{uuid.uuid4().hex[:8].upper()}",
        child_first_name="Red",
        child_last_name="Robin",
        received_on=RECEIVED,
        stage=stage,
    )


def _refused(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return refused.value.message_dict


@pytest.mark.parametrize(
    ("stage", "action", "detail", "field", "message"),
    [
        (Stage.ASSESSMENT, Action.REQUEST_ADVICE, {}, "advice_service", "Select who the advice is asked of"),
        (Stage.ASSESSMENT, Action.RECORD_ADVICE, {}, "advice_received", "Select whose advice was received"),
        (
            Stage.FINAL_PLAN,
            Action.RECORD_REVIEW,
            {"decision": "shrug"},
            "decision",
            "Select what the review decided",
        ),
        (
            Stage.FINAL_PLAN,
            Action.CEASE,
            {"ceasing_reason": "bored"},
            "ceasing_reason",
            "Select why the plan is ceasing",
        ),
    ],
)
def test_a_move_without_its_detail_is_refused_against_the_pages_input(
    in_oxfordshire, stage, action, detail, field, message
):
    case = _case(stage)
    errors = _refused(
        case_transition, case=case, action=action, by=None, happened_on=RECEIVED, reason="Why", detail=detail
    )
    assert errors == {field: [message]}
    assert not CaseEvent.objects.filter(case=case).exists()


def test_a_refusal_without_its_reason_or_its_date_is_refused_with_every_problem_at_once(in_oxfordshire):
    case = _case()
    errors = _refused(
        case_transition, case=case, action=Action.DECIDE_NOT_TO_ASSESS, by=None, happened_on=None, reason=" "
    )
    assert list(errors.items()) == [
        ("happened_on", ["Enter the date it happened"]),
        ("reason", ["Give the reason: the family is told it"]),
    ]
    future = timezone.localdate() + datetime.timedelta(days=1)
    for happened_on, message in (
        (future, "The date cannot be in the future"),
        (RECEIVED - datetime.timedelta(days=1), "The date cannot be before the request was received"),
    ):
        assert _refused(
            case_transition, case=case, action=Action.CONSIDER, by=None, happened_on=happened_on
        ) == {"happened_on": [message]}
    assert not CaseEvent.objects.filter(case=case).exists()


def test_what_the_case_page_checks_first_is_the_services_own_list_in_page_order(in_oxfordshire):
    case = _case(Stage.FINAL_PLAN)
    assert case_transition_problems(case=case, action="", happened_on=None) == {
        "action": "Select what happened",
        "happened_on": "Enter the date it happened",
    }
    assert list(
        case_transition_problems(
            case=case, action=Action.CEASE, happened_on=None, detail={"ceasing_reason": ""}
        )
    ) == ["ceasing_reason", "happened_on", "reason"]
    assert (
        case_transition_problems(
            case=case,
            action=Action.CEASE,
            happened_on=RECEIVED,
            reason="Moved away",
            detail={"ceasing_reason": CeasingReason.ANOTHER_LA},
        )
        == {}
    )


def test_an_exception_without_dates_kind_or_reason_is_refused_by_the_service_alone(in_oxfordshire):
    case = _case()
    errors = _refused(case_exception_add, case=case, kind="", start=None, end=None, reason="", by=None)
    assert list(errors.items()) == [
        ("kind", ["Select the kind of exception"]),
        ("start", ["Enter the date the exception started"]),
        ("end", ["Enter the date the exception ended"]),
        ("reason", ["Say what happened: it is kept for the statutory return"]),
    ]
    assert not CaseException.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"email": " ", "relationship": ""},
            {
                "email": ["Enter the email address to send the invitation to"],
                "relationship": ["Select how they are related to the child"],
            },
        ),
        (
            {"email": "not an address", "relationship": "other", "relationship_other": "  "},
            {
                "email": ["Enter an email address in the correct format, like name@example.com"],
                "relationship_other": ["Enter how they are related to the child"],
            },
        ),
        (
            {"email": "gran@example.com", "relationship": "other", "relationship_other": "g" * 61},
            {"relationship_other": ["The relationship must be 60 characters or fewer"]},
        ),
    ],
)
def test_the_invitation_details_are_checked_by_the_service_alone(in_oxfordshire, answers, expected):
    assert _refused(invitation_details_check, **answers) == expected
    case = _case()
    refused = _refused(
        invitation_send,
        case=case,
        **answers,
        by=None,
        config=configuration_get(),
        base_url="http://oxfordshire.localhost/",
    )
    assert refused == expected
    assert not CaseAccess.objects.filter(case=case).exists()


def test_the_invitation_details_as_stored(in_oxfordshire):
    assert invitation_details_check(email=" Gran@Example.com ", relationship="parent") == (
        "gran@example.com",
        "Parent or carer",
    )
    assert invitation_details_check(
        email="gran@example.com", relationship="other", relationship_other=" Grandmother "
    ) == ("gran@example.com", "Grandmother")
    assert invitation_details_check(email="gran@example.com", relationship="Foster carer") == (
        "gran@example.com",
        "Foster carer",
    )


def test_an_allocation_to_nobody_is_refused_by_the_service(in_oxfordshire):
    case = _case()
    assert _refused(case_allocate, case=case, caseworker=None, by=None) == {
        "caseworker": ["Select a caseworker"]
    }
    case.refresh_from_db()
    assert case.caseworker_id is None


def test_a_form_to_send_without_form_person_or_readable_date_is_refused_by_the_service_alone(in_oxfordshire):
    from ehc.case_forms.services import DRAFT_RESPONSE_FORM, case_form_send

    case = _case(stage=Stage.DRAFT_PLAN)
    before = CaseEvent.objects.count(), case.forms.count()
    problems = _refused(
        case_form_send, case=case, slug="no-such-form", recipient=None, due_on=None, by=None, link="/"
    )
    assert list(problems) == ["form", "recipient"]
    assert problems["form"] == ["Select the form to send"]
    assert problems["recipient"] == ["Select who will complete the form"]
    # A due date typed but not a date refuses even the draft plan response, whose due date would
    # otherwise default to the last of its 15 days: nothing is sent on a date the person did not give.
    problems = _refused(
        case_form_send,
        case=case,
        slug=DRAFT_RESPONSE_FORM,
        recipient=None,
        due_on=None,
        due_on_unreadable=True,
        by=None,
        link="/",
    )
    assert problems["due_on"] == ["Enter the due date as a real date"]
    assert list(problems) == ["recipient", "due_on"]
    assert (CaseEvent.objects.count(), case.forms.count()) == before
