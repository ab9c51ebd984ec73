"""The case page's other actions: allocation, exceptions to the time limits, the response to the request,
and what reviews and ceasing must record."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.roles import Role
from core.services import membership_grant
from ehc.cases.selectors import case_due_dates
from ehc.cases.services import case_allocate, case_transition, request_response_post
from ehc.models import Case, CaseEvent, CaseException
from ehc.requests.services import request_save_page, request_start, request_submit
from ehc.workflow import Action, Note, Stage
from tests.conftest import host_client, sign_in
from tests.factories import CaseFactory, MembershipFactory, UserFactory, council_person
from tests.mail import emails_to

User = get_user_model()


@pytest.fixture
def staff(oxfordshire):
    cache.clear()
    user = council_person("caseworker@oxfordshire.example")
    return sign_in(host_client("oxfordshire"), user, oxfordshire)


def test_allocating_a_caseworker_records_who_and_since_when(staff, oxfordshire, assert_queries):
    manager = council_person("manager@oxfordshire.example")
    with schema_context(oxfordshire.schema_name):
        case = CaseFactory()
    url = f"/cases/{case.reference}/allocate/"
    page = staff.get(url).content.decode()
    assert "Who will be the caseworker?" in page
    # routing, session, configuration, identity, staff check, the case and its caseworker, the audit row
    # for reading it, the people
    with assert_queries(8):
        staff.get(url)
    refused = staff.post(url, {"caseworker": "999999"})
    assert refused.status_code == 400
    assert "Select a caseworker" in refused.content.decode()
    assert staff.post(url, {"caseworker": str(manager.pk)}).status_code == 302
    with schema_context(oxfordshire.schema_name):
        case.refresh_from_db()
        assert case.caseworker == manager
        assert case.caseworker_since == datetime.date.today()  # noqa: DTZ011
        note = CaseEvent.objects.get(case=case, action=Note.ALLOCATE)
        assert note.stage_from == note.stage_to == Stage.REQUEST_RECEIVED
        assert AuditEvent.objects.filter(action="case.allocated", target_id=str(case.pk)).exists()
    again = staff.post(url, {"caseworker": str(manager.pk)})
    assert "already allocated to this person" in again.content.decode()
    assert "since" in staff.get(f"/cases/{case.reference}/").content.decode()


def test_only_this_councils_caseworkers_can_be_given_a_case(oxfordshire):
    outsider = council_person("caseworker@worcestershire.example")
    parent = UserFactory(email=f"p-{uuid.uuid4().hex[:6]}@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=parent, role=Role.PARENT)
        case = CaseFactory()
        for person in (outsider, parent):
            with pytest.raises(ValidationError, match="caseworker of this council"):
                case_allocate(case=case, caseworker=person, by=None)
        case.refresh_from_db()
        assert case.caseworker is None
        assert not CaseEvent.objects.filter(case=case).exists()


def test_an_exception_moves_the_decision_date_and_errors_keep_what_was_typed(staff, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        case = CaseFactory()  # received 1 September 2026: decision due 12 October 2026
    url = f"/cases/{case.reference}/exceptions/add/"
    bad = staff.post(
        url, {"kind": "personal_circumstances", "start": "2026-09-20", "end": "2026-09-10", "reason": "Ill"}
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "The end date must be the same as or after the start date" in html
    assert 'value="2026-09-20"' in html
    assert ">Ill</textarea>" in html
    missing = staff.post(url, {"start": "", "end": "2026-09-10"}).content.decode()
    for message in ("Enter the date the exception started", "Select the kind of exception", "Say what"):
        assert message in missing
    with schema_context(oxfordshire.schema_name):
        assert not CaseException.objects.filter(case=case).exists()
    done = staff.post(
        url,
        {
            "kind": "personal_circumstances",
            "start": "2026-09-14",
            "end": "2026-09-27",
            "reason": "In hospital",
        },
    )
    assert done.status_code == 302
    with schema_context(oxfordshire.schema_name):
        case.refresh_from_db()
        assert case.next_due_on == datetime.date(2026, 10, 26)  # 12 Oct + the 14 days of the exception
        assert CaseEvent.objects.filter(case=case, action=Note.EXCEPTION).count() == 1
    page = staff.get(f"/cases/{case.reference}/").content.decode()
    assert "moved from 12 Oct 2026 by an exception" in page
    assert "In hospital" in page


def test_a_review_records_its_decision_and_ceasing_its_reason(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        case = CaseFactory()
        for action, day in (
            (Action.DECIDE_TO_ASSESS, 20),
            (Action.ISSUE_DRAFT, 40),
            (Action.ISSUE_FINAL, 60),
        ):
            case = case_transition(
                case=case,
                action=action,
                by=None,
                happened_on=datetime.date(2026, 9, 1) + datetime.timedelta(day),
            )
        review_day = datetime.date(2026, 11, 2)
        with pytest.raises(ValidationError, match="decision"):
            case_transition(case=case, action=Action.RECORD_REVIEW, by=None, happened_on=review_day)
        with pytest.raises(ValidationError, match="what the review decided"):
            case_transition(
                case=case,
                action=Action.RECORD_REVIEW,
                by=None,
                happened_on=review_day,
                detail={"decision": "x"},
            )
        case = case_transition(
            case=case,
            action=Action.RECORD_REVIEW,
            by=None,
            happened_on=review_day,
            detail={"decision": "amend"},
        )
        dues = {d.key: d for d in case_due_dates(case=Case.objects.get(pk=case.pk))}
        # the review is recorded with its decision: its report and decision are done that day, and the
        # next duty is the next annual review, 12 months on
        assert dues["review_report"].done == dues["review_decision"].done == review_day
        assert Case.objects.get(pk=case.pk).next_due_on == datetime.date(2027, 11, 1)
        with pytest.raises(ValidationError, match="why the plan is ceasing"):
            case_transition(
                case=case,
                action=Action.CEASE,
                by=None,
                happened_on=review_day,
                reason="Moved away",
                detail={"ceasing_reason": "bored"},
            )
        case = case_transition(
            case=case,
            action=Action.CEASE,
            by=None,
            happened_on=review_day,
            reason="Moved to Kent",
            detail={"ceasing_reason": "another_la"},
        )
        case.refresh_from_db()
        assert (case.stage, case.ceasing_reason) == (Stage.CEASED, "another_la")
        make = CaseFactory()
        with pytest.raises(ValidationError, match="future"):
            case_transition(
                case=make,
                action=Action.DECIDE_TO_ASSESS,
                by=None,
                happened_on=datetime.date.today() + datetime.timedelta(1),  # noqa: DTZ011
            )


def test_the_case_page_form_asks_each_action_for_its_own_answers(staff, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        case = case_transition(
            case=CaseFactory(),
            action=Action.DECIDE_TO_ASSESS,
            by=None,
            happened_on=datetime.date(2026, 9, 20),
        )
    url = f"/cases/{case.reference}/"
    bad = staff.post(url, {"action": "request_advice", "happened_on": "2026-09-21"})
    assert bad.status_code == 400
    assert "Select who the advice is asked of" in bad.content.decode()
    other = staff.post(
        url,
        {
            "action": "request_advice",
            "happened_on": "2026-09-21",
            "advice_service": "other",
            "advice_other": "CAMHS",
        },
    )
    assert other.status_code == 302
    page = staff.get(url).content.decode()
    assert '<option value="CAMHS"' in page  # now outstanding: offered when recording advice received
    assert (
        staff.post(
            url, {"action": "record_advice", "happened_on": "2026-10-01", "advice_received": "CAMHS"}
        ).status_code
        == 302
    )
    with schema_context(oxfordshire.schema_name):
        services = list(CaseEvent.objects.filter(case=case).values_list("action", "detail__service"))
    assert services[-2:] == [(Action.REQUEST_ADVICE, "CAMHS"), (Action.RECORD_ADVICE, "CAMHS")]
    future = staff.post(url, {"action": "issue_draft", "happened_on": "2099-01-01"})
    assert "cannot be in the future" in future.content.decode()


def test_a_posted_response_reaches_submitted_forms_and_the_email_says_only_that_one_is_waiting(
    staff, oxfordshire, django_capture_on_commit_callbacks
):
    from tests.e2e.test_cases import ANSWERS

    email = f"resp-{uuid.uuid4().hex[:8]}@example.com"
    owner = User.objects.create_user(email=email, password="correct horse battery staple")
    with schema_context(oxfordshire.schema_name):
        membership_grant(user=owner, role=Role.PARENT)
        draft = request_save_page(
            request=request_start(owner=owner, slug="parent"), by=owner, answers=ANSWERS
        )
        with django_capture_on_commit_callbacks(execute=True):
            submitted = request_submit(request=draft, by=owner)
        case = Case.objects.create(
            reference=f"CASE-R{uuid.uuid4().hex[:6].upper()}",
            child_first_name="Mary",
            child_last_name="Bluehat",
            received_on=datetime.date(2026, 11, 1),
            request=submitted,
        )
    url = f"/cases/{case.reference}/response/"
    empty = staff.post(url, {"response": "  "})
    assert empty.status_code == 400
    assert "Enter the response" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, {"response": "We will decide by 12 December."}).status_code == 302
    parent = sign_in(host_client("oxfordshire"), owner, oxfordshire)
    listed = parent.get("/account/submitted-forms/").content.decode()
    assert "We will decide by 12 December." in listed
    assert "No response posted" not in listed
    mail = emails_to(email)[-1]
    assert "a response to your request" in mail
    assert submitted.reference in mail
    for secret in ("Mary", "Bluehat", "12 December"):
        assert secret not in mail
    with schema_context(oxfordshire.schema_name):
        paper = CaseFactory()
    assert staff.get(f"/cases/{paper.reference}/response/").status_code == 404  # no online request
    with schema_context(oxfordshire.schema_name), pytest.raises(ValidationError):
        request_response_post(case=paper, text="Hello", by=None)


@pytest.mark.parametrize("suffix", ["allocate/", "exceptions/add/", "response/"])
def test_the_action_pages_refuse_parents_other_councils_and_strangers(suffix, oxfordshire, worcestershire):
    with schema_context(oxfordshire.schema_name):
        case = CaseFactory()
    url = f"/cases/{case.reference}/{suffix}"
    parent = UserFactory(email=f"p-{uuid.uuid4().hex[:6]}@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=parent, role=Role.PARENT)
    parent_client = sign_in(host_client("oxfordshire"), parent, oxfordshire)
    assert parent_client.get(url).status_code == 403
    assert parent_client.post(url, {"caseworker": "1", "response": "x"}).status_code == 403
    worcs = sign_in(
        host_client("worcestershire"),
        council_person("caseworker@worcestershire.example"),
        worcestershire,
    )
    assert worcs.get(url).status_code == 404
    assert worcs.post(url, {"response": "x"}).status_code == 404
    stranger = host_client("oxfordshire").get(url)
    assert stranger.status_code == 302
    assert "/accounts/login/" in stranger["Location"]


def test_recording_advice_asks_which_request_when_one_service_was_asked_twice(staff, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        case = case_transition(
            case=CaseFactory(),
            action=Action.DECIDE_TO_ASSESS,
            by=None,
            happened_on=datetime.date(2026, 9, 20),
        )
    url = f"/cases/{case.reference}/"
    for day in ("2026-09-21", "2026-09-28"):
        asked = {"action": "request_advice", "happened_on": day, "advice_service": "Educational psychology"}
        assert staff.post(url, asked).status_code == 302
    with schema_context(oxfordshire.schema_name):
        first, second = CaseEvent.objects.filter(case=case, action=Action.REQUEST_ADVICE).order_by("id")
    page = staff.get(url).content.decode()
    assert f'<option value="request:{first.pk}">Educational psychology (asked on 21 September 2026)' in page
    assert f'<option value="request:{second.pk}">Educational psychology (asked on 28 September 2026)' in page
    received = {
        "action": "record_advice",
        "happened_on": "2026-10-01",
        "advice_received": f"request:{second.pk}",
    }
    assert staff.post(url, received).status_code == 302
    with schema_context(oxfordshire.schema_name):
        dues = {d.key: d for d in case_due_dates(case=case)}
    assert dues[f"advice:{second.pk}"].done == datetime.date(2026, 10, 1)
    assert dues[f"advice:{first.pk}"].done is None
    page = staff.get(url).content.decode()  # one request waits: offered by its name, as ever
    assert '<option value="Educational psychology">Educational psychology</option>' in page
    assert "request:" not in page
