"""The workflow table, tested exhaustively, and the one service that moves a case."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from core.models import AuditEvent
from ehc.cases.services import TransitionRefused, case_transition
from ehc.models import Case, CaseEvent
from ehc.workflow import CLOSED, TRANSITIONS, Action, Stage, allowed_actions, transition_for

# The whole table, spelled out: (stage, action) -> stage it leads to. Anything missing is forbidden.
EXPECTED = {
    (Stage.REQUEST_RECEIVED, Action.CONSIDER): Stage.DECISION_TO_ASSESS,
    (Stage.REQUEST_RECEIVED, Action.DECIDE_TO_ASSESS): Stage.ASSESSMENT,
    (Stage.REQUEST_RECEIVED, Action.DECIDE_NOT_TO_ASSESS): Stage.NOT_ASSESSED,
    (Stage.DECISION_TO_ASSESS, Action.DECIDE_TO_ASSESS): Stage.ASSESSMENT,
    (Stage.DECISION_TO_ASSESS, Action.DECIDE_NOT_TO_ASSESS): Stage.NOT_ASSESSED,
    (Stage.ASSESSMENT, Action.REQUEST_ADVICE): Stage.ASSESSMENT,
    (Stage.ASSESSMENT, Action.RECORD_ADVICE): Stage.ASSESSMENT,
    (Stage.ASSESSMENT, Action.DECIDE_NOT_TO_ISSUE): Stage.NO_PLAN,
    (Stage.ASSESSMENT, Action.ISSUE_DRAFT): Stage.DRAFT_PLAN,
    (Stage.DRAFT_PLAN, Action.RECORD_PARENT_RESPONSE): Stage.DRAFT_PLAN,
    (Stage.DRAFT_PLAN, Action.ISSUE_FINAL): Stage.FINAL_PLAN,
    (Stage.FINAL_PLAN, Action.RECORD_REVIEW): Stage.PLAN_IN_PLACE,
    (Stage.PLAN_IN_PLACE, Action.RECORD_REVIEW): Stage.PLAN_IN_PLACE,
    (Stage.FINAL_PLAN, Action.CEASE): Stage.CEASED,
    (Stage.PLAN_IN_PLACE, Action.CEASE): Stage.CEASED,
}


@pytest.mark.parametrize(("stage", "action"), list(itertools.product(Stage, Action)))
def test_every_stage_and_action_pair_is_allowed_exactly_as_the_table_says(stage, action):
    move = transition_for(stage=stage, action=action)
    if (stage, action) in EXPECTED:
        assert move is not None
        assert move.target == EXPECTED[(stage, action)]
    else:
        assert move is None


def test_closed_stages_allow_nothing_and_every_stage_is_reachable():
    for stage in CLOSED:
        assert allowed_actions(stage) == []
    reachable = {Stage.REQUEST_RECEIVED} | {t.target for t in TRANSITIONS.values()}
    assert reachable == set(Stage)


def test_refusals_and_ceasing_need_a_reason():
    assert {a for a, t in TRANSITIONS.items() if t.needs_reason} == {
        Action.DECIDE_NOT_TO_ASSESS,
        Action.DECIDE_NOT_TO_ISSUE,
        Action.CEASE,
    }


@pytest.fixture
def case(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        yield Case.objects.create(
            reference="CASE-TEST0001",
            child_first_name="Red",
            child_last_name="Robin",
            received_on=datetime.date(2026, 9, 1),
        )


def test_a_case_moves_through_the_main_path_with_every_event_recorded(case):
    day = datetime.date(2026, 9, 1)
    for action, detail in (
        (Action.CONSIDER, {}),
        (Action.DECIDE_TO_ASSESS, {}),
        (Action.REQUEST_ADVICE, {"service": "Speech and Language Therapy"}),
        (Action.ISSUE_DRAFT, {}),
        (Action.ISSUE_FINAL, {}),
        (Action.RECORD_REVIEW, {"decision": "maintain"}),
    ):
        day += datetime.timedelta(days=10)
        case = case_transition(case=case, action=action, by=None, happened_on=day, detail=detail)
    assert case.stage == Stage.PLAN_IN_PLACE
    events = list(CaseEvent.objects.filter(case=case).values_list("action", "stage_to"))
    assert events[0] == (Action.CONSIDER, Stage.DECISION_TO_ASSESS)
    assert events[-1] == (Action.RECORD_REVIEW, Stage.PLAN_IN_PLACE)
    assert AuditEvent.objects.filter(action="case.issue_final", target_id=str(case.pk)).count() == 1


def test_a_forbidden_move_is_refused_and_changes_nothing(case):
    with pytest.raises(TransitionRefused, match="not allowed"):
        case_transition(case=case, action=Action.ISSUE_FINAL, by=None, happened_on=datetime.date(2026, 9, 5))
    case.refresh_from_db()
    assert case.stage == Stage.REQUEST_RECEIVED
    assert not CaseEvent.objects.filter(case=case).exists()


def test_a_refusal_needs_its_reason_and_advice_needs_its_service(case):
    with pytest.raises(ValidationError, match="reason"):
        case_transition(
            case=case, action=Action.DECIDE_NOT_TO_ASSESS, by=None, happened_on=datetime.date(2026, 10, 1)
        )
    case = case_transition(
        case=case, action=Action.DECIDE_TO_ASSESS, by=None, happened_on=datetime.date(2026, 10, 1)
    )
    with pytest.raises(ValidationError, match="service"):
        case_transition(
            case=case, action=Action.REQUEST_ADVICE, by=None, happened_on=datetime.date(2026, 10, 2)
        )


def test_a_date_before_the_request_is_refused(case):
    with pytest.raises(ValidationError, match="before the request was received"):
        case_transition(case=case, action=Action.CONSIDER, by=None, happened_on=datetime.date(2026, 8, 31))


def test_the_service_decides_from_the_locked_row_not_the_callers_copy(case):
    stale = Case.objects.get(pk=case.pk)
    case_transition(case=case, action=Action.DECIDE_TO_ASSESS, by=None, happened_on=datetime.date(2026, 9, 2))
    assert stale.stage == Stage.REQUEST_RECEIVED  # an out-of-date copy, as a second browser tab would hold
    with pytest.raises(TransitionRefused):
        case_transition(
            case=stale, action=Action.DECIDE_TO_ASSESS, by=None, happened_on=datetime.date(2026, 9, 2)
        )
    assert CaseEvent.objects.filter(case=case).count() == 1
    assert connection.schema_name == "oxfordshire"


def test_due_dates_come_from_the_recorded_events_through_the_one_clock(case, assert_queries):
    from ehc.cases.selectors import case_due_dates
    from ehc.models import CaseException

    received = datetime.date(2026, 9, 1)
    case_transition(
        case=case, action=Action.DECIDE_TO_ASSESS, by=None, happened_on=datetime.date(2026, 10, 6)
    )
    case_transition(
        case=case,
        action=Action.REQUEST_ADVICE,
        by=None,
        happened_on=datetime.date(2026, 10, 7),
        detail={"service": "Speech and Language Therapy"},
    )
    case.refresh_from_db()
    with assert_queries(2):  # events, exceptions: the same for any number of either
        dues = {d.key: d for d in case_due_dates(case=case)}
    assert case.received_on == received
    assert dues["decision"].statutory_due == datetime.date(2026, 10, 12)  # 6 weeks, the start day counted
    assert dues["decision"].done == datetime.date(2026, 10, 6)
    assert dues["decision"].met
    assert dues["final_plan"].statutory_due == datetime.date(2027, 1, 18)  # 20 weeks
    advice = [d for d in dues.values() if d.key.startswith("advice")]
    assert [a.statutory_due for a in advice] == [datetime.date(2026, 11, 17)]
    assert advice[0].done is None
    case_transition(
        case=case,
        action=Action.RECORD_ADVICE,
        by=None,
        happened_on=datetime.date(2026, 11, 10),
        detail={"service": "Speech and Language Therapy"},
    )
    case.refresh_from_db()
    advice = [d for d in case_due_dates(case=case) if d.key.startswith("advice")]
    assert advice[0].done == datetime.date(2026, 11, 10)
    assert advice[0].met

    CaseException.objects.create(
        case=case,
        kind="personal_circumstances",
        start=datetime.date(2026, 11, 1),
        end=datetime.date(2026, 11, 14),
        reason="Family bereavement",
    )
    moved = {d.key: d for d in case_due_dates(case=case)}["final_plan"]
    assert not moved.applies
    assert moved.due == datetime.date(2027, 2, 1)  # 14 days later
    assert moved.statutory_due == datetime.date(2027, 1, 18)


def _advice_dates(case) -> dict:
    from ehc.cases.selectors import case_due_dates

    case.refresh_from_db()
    return {d.key: d for d in case_due_dates(case=case) if d.key.startswith("advice:")}


def test_recorded_advice_closes_the_request_it_names_and_no_other_of_the_same_name(case):
    """Two requests to services of one name (two teams called the same, or one team asked twice) keep
    their own dates: answering one closes that one, and a name alone that could mean either is refused."""
    case = case_transition(
        case=case, action=Action.DECIDE_TO_ASSESS, by=None, happened_on=datetime.date(2026, 10, 1)
    )
    for day in (2, 9):
        case_transition(
            case=case,
            action=Action.REQUEST_ADVICE,
            by=None,
            happened_on=datetime.date(2026, 10, day),
            detail={"service": "Physiotherapy"},
        )
    first, second = CaseEvent.objects.filter(case=case, action=Action.REQUEST_ADVICE).order_by("id")
    assert set(_advice_dates(case)) == {f"advice:{first.pk}", f"advice:{second.pk}"}
    with pytest.raises(ValidationError, match="asked more than once"):
        case_transition(
            case=case,
            action=Action.RECORD_ADVICE,
            by=None,
            happened_on=datetime.date(2026, 10, 20),
            detail={"service": "Physiotherapy"},
        )
    case_transition(
        case=case,
        action=Action.RECORD_ADVICE,
        by=None,
        happened_on=datetime.date(2026, 10, 20),
        detail={"request_event": second.pk},
    )
    dates = _advice_dates(case)
    assert dates[f"advice:{second.pk}"].done == datetime.date(2026, 10, 20)
    assert dates[f"advice:{first.pk}"].done is None
    answer = CaseEvent.objects.filter(case=case, action=Action.RECORD_ADVICE).get()
    assert answer.detail == {"request_event": second.pk, "service": "Physiotherapy"}  # the timeline's name
    # Now one request to that name waits: the name alone is enough, and then none is left.
    case_transition(
        case=case,
        action=Action.RECORD_ADVICE,
        by=None,
        happened_on=datetime.date(2026, 10, 25),
        detail={"service": "Physiotherapy"},
    )
    assert _advice_dates(case)[f"advice:{first.pk}"].done == datetime.date(2026, 10, 25)
    with pytest.raises(ValidationError, match="No request for advice from Physiotherapy is waiting"):
        case_transition(
            case=case,
            action=Action.RECORD_ADVICE,
            by=None,
            happened_on=datetime.date(2026, 10, 26),
            detail={"service": "Physiotherapy"},
        )
    with pytest.raises(ValidationError, match="Select a request for advice made on this case"):
        case_transition(
            case=case,
            action=Action.RECORD_ADVICE,
            by=None,
            happened_on=datetime.date(2026, 10, 26),
            detail={"request_event": answer.pk},  # not a request
        )


def test_the_migration_names_the_request_each_old_answer_closed_by_the_old_name_rule(case):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("ehc.migrations.0011_record_advice_names_its_request")
    case = case_transition(
        case=case, action=Action.DECIDE_TO_ASSESS, by=None, happened_on=datetime.date(2026, 10, 1)
    )

    def event(action, day, **detail):
        return CaseEvent.objects.create(
            case=case,
            action=action,
            stage_from=Stage.ASSESSMENT,
            stage_to=Stage.ASSESSMENT,
            happened_on=datetime.date(2026, 10, day),
            detail=detail,
        )

    # As recorded before answers named their request: by the service's name only.
    camhs_first = event(Action.REQUEST_ADVICE, 2, service="CAMHS")
    speech = event(Action.REQUEST_ADVICE, 3, service="Speech and language therapy")
    camhs_again = event(Action.REQUEST_ADVICE, 4, service="CAMHS")
    answers = [
        event(Action.RECORD_ADVICE, 20, service="CAMHS"),
        event(Action.RECORD_ADVICE, 21, service="Speech and language therapy"),
        event(Action.RECORD_ADVICE, 22, service="Speech and language therapy"),  # recorded twice
        event(Action.RECORD_ADVICE, 23, service="Never asked"),
    ]
    migration.request_named(apps, None)
    migration.request_named(apps, None)  # a rerun changes nothing
    named = [CaseEvent.objects.get(pk=answer.pk).detail.get("request_event") for answer in answers]
    assert named == [camhs_first.pk, speech.pk, speech.pk, None]
    dates = _advice_dates(case)
    assert dates[f"advice:{camhs_first.pk}"].done == datetime.date(2026, 10, 20)
    assert dates[f"advice:{speech.pk}"].done == datetime.date(2026, 10, 21)
    assert dates[f"advice:{camhs_again.pk}"].done is None
