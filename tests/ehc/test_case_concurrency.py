"""A case moves by the workflow table only, whoever asks and however many ask at once.

The races run on two real PostgreSQL connections. They cannot use ``django_db(transaction=True)``:
pytest-django ends such a test with Django's ``flush``, which empties every table on the public schema,
the councils and identities that tests/conftest.py seeds once per session among them. So, as tests/e2e
does, the race tests commit their own case with the database unblocked and delete everything it gained
afterwards; the refusal test needs one connection only and runs in the usual rolled-back transaction.
"""

import datetime
import itertools
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent
from ehc.cases.selectors import case_due_dates, case_next_due
from ehc.cases.services import TransitionRefused, case_transition
from ehc.models import Case, CaseEvent, CeasingReason
from ehc.workflow import CLOSED, TRANSITIONS, Action, Stage, transition_for
from tests.factories import council_person

SCHEMA = "oxfordshire"
WAIT = 10  # seconds: only ever reached when something is broken, so a hang fails instead of hanging
NUMBERS = itertools.count()


@pytest.fixture
def committed_person(django_db_setup, django_db_blocker):
    """Commit one of Oxfordshire's people for the race; afterwards delete them (their membership and
    identity), so the session's data is as it was."""
    made = []

    def make(email: str):
        with django_db_blocker.unblock():
            made.append(council_person(email))
        return made[-1]

    yield make
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        for user in made:
            AuditEvent.objects.filter(actor=user).delete()
            user.delete()


@pytest.fixture
def committed_case(django_db_setup, django_db_blocker):
    """Commit a case in Oxfordshire at a given stage; afterwards delete it, its events (by cascade) and the
    audit rows written about it, so the session's data is as it was."""
    made: list[Case] = []

    def make(stage: Stage) -> Case:
        with django_db_blocker.unblock(), schema_context(SCHEMA):
            case = Case.objects.create(
                reference=f"CASE-R{next(NUMBERS):03d}{time.time_ns() % 10**4:04d}",
                child_first_name="Race",
                child_last_name="Condition",
                received_on=timezone.localdate() - datetime.timedelta(days=60),
                stage=stage,
            )
        made.append(case)
        return case

    yield make
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        for case in made:
            AuditEvent.objects.filter(target_type="ehc.case", target_id=str(case.pk)).delete()
            case.delete()
        assert not Case.objects.filter(pk__in=[case.pk for case in made]).exists()
        assert not CaseEvent.objects.filter(case_id__in=[case.pk for case in made]).exists()


def _in_thread(work: Callable, outcome: dict, name: str) -> threading.Thread:
    """Run ``work`` in a thread on its own connection (Django's connections are per thread), in the
    council's schema; keep what it returned or raised; close the connection at the end."""

    def run():
        try:
            with schema_context(SCHEMA):
                outcome[name] = work()
        except Exception as error:  # the test reads it
            outcome[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _race(*, case: Case, first: dict, second: dict) -> tuple[dict, bool]:
    """Two case_transition calls on one case, on two connections, overlapping for certain.

    The overlap is made, not hoped for. The first thread calls case_transition inside an outer
    ``transaction.atomic()``: the service takes the row lock itself (``select_for_update``) and does all
    its work, but as its own block is now a savepoint, the lock stays held and nothing is committed until
    the outer block ends, as if the request were slow to finish. With the lock held, the first thread
    waits at the barrier, so the second cannot call case_transition before the lock is taken. The first
    then keeps its transaction open until this (main) thread has seen in PostgreSQL
    (``pg_blocking_pids``) that the second connection is waiting for a lock the first one holds: both
    transactions are open together and the second is inside case_transition, stopped at the lock. Only
    then does the first commit, and the second goes on, reading the stage the first left.

    No sleep decides the order; the WAIT timeouts only turn a broken run into a failure, not a hang.
    Without the service's ``select_for_update`` the second would read the old stage, wait only at its
    UPDATE, and then succeed too: these tests fail that way when the lock is patched out.
    Returns what each thread returned or raised, and whether the second was seen blocked by the first.
    """
    barrier = threading.Barrier(2, timeout=WAIT)
    release = threading.Event()
    pids: dict[str, int] = {}
    outcome: dict = {}

    def holder():
        pids["first"] = _backend_pid()
        with transaction.atomic():
            moved = case_transition(case=case, **first)
            barrier.wait()  # the lock is held: let the second one try
            if not release.wait(WAIT):
                raise TimeoutError("never released")
        return moved

    def challenger():
        pids["second"] = _backend_pid()
        barrier.wait()
        return case_transition(case=case, **second)

    threads = [_in_thread(holder, outcome, "first"), _in_thread(challenger, outcome, "second")]
    blocked = False
    deadline = time.monotonic() + WAIT
    try:
        with connection.cursor() as cursor:
            while time.monotonic() < deadline and threads[1].is_alive():
                if "first" in pids and "second" in pids:
                    cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [pids["first"], pids["second"]])
                    if cursor.fetchone()[0]:
                        blocked = True
                        break
                time.sleep(0.005)
    finally:
        release.set()
        for thread in threads:
            thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    with connection.cursor() as cursor:  # each thread closed its connection: the server ends both
        while time.monotonic() < deadline + WAIT:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [list(pids.values())])
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.005)
        else:
            pytest.fail("a thread's connection was left open")
    return outcome, blocked


def _written_about(case: Case) -> tuple[list[CaseEvent], int, Case, object]:
    """The case's events and audit rows, the case as committed, and its next duty as the clock gives it
    from what was committed."""
    with schema_context(SCHEMA):
        events = list(CaseEvent.objects.filter(case=case))
        audits = AuditEvent.objects.filter(target_type="ehc.case", target_id=str(case.pk)).count()
        now = Case.objects.get(pk=case.pk)
        return events, audits, now, case_next_due(case_due_dates(case=now))


ISSUE_DRAFT = {"action": Action.ISSUE_DRAFT, "reason": ""}
NOT_TO_ISSUE = {"action": Action.DECIDE_NOT_TO_ISSUE, "reason": "The needs can be met from the setting"}


@pytest.mark.parametrize(
    ("first", "second"),
    [(ISSUE_DRAFT, NOT_TO_ISSUE), (NOT_TO_ISSUE, ISSUE_DRAFT)],
    ids=["draft-wins", "no-plan-wins"],
)
def test_two_different_moves_from_assessment_at_once_leave_one_result_and_one_clear_error(
    committed_case, committed_person, django_db_blocker, first, second
):
    case = committed_case(Stage.ASSESSMENT)
    today = timezone.localdate()
    with django_db_blocker.unblock():
        caseworker = committed_person("caseworker@oxfordshire.example")
        manager = committed_person("manager@oxfordshire.example")
        outcome, blocked = _race(
            case=case,
            first={**first, "by": caseworker, "happened_on": today},
            second={**second, "by": manager, "happened_on": today},
        )
        events, audits, now, due = _written_about(case)

    assert blocked, "the second connection never waited for the first one's lock: no overlap"
    winner, loser = outcome["first"], outcome["second"]
    assert isinstance(winner, Case), f"the first move failed: {winner!r}"
    assert isinstance(loser, TransitionRefused), f"the second move was not refused: {loser!r}"
    target = transition_for(stage=Stage.ASSESSMENT, action=first["action"]).target
    assert winner.stage == target
    # The refusal names where the case is now (the winner's stage), not where it was when asked.
    assert loser.code == "refused"
    assert loser.messages == [
        f"This case is at '{Stage(target).label}', where '{second['action']}' is not allowed"
    ]
    assert [(e.action, e.stage_from, e.stage_to, e.by_id) for e in events] == [
        (first["action"], Stage.ASSESSMENT, target, caseworker.pk)
    ]
    assert audits == 1
    assert now.stage == target
    # The next due date kept on the case is the one for the winner's move, committed with it.
    assert (now.next_due_on, now.next_due_label) == ((due.due, due.label) if due else (None, ""))
    assert (now.next_due_on, now.next_due_label) == (winner.next_due_on, winner.next_due_label)


def test_the_same_move_twice_at_once_is_recorded_once(committed_case, committed_person, django_db_blocker):
    case = committed_case(Stage.DRAFT_PLAN)
    today = timezone.localdate()
    with django_db_blocker.unblock():
        caseworker = committed_person("caseworker@oxfordshire.example")
        move = {"action": Action.ISSUE_FINAL, "by": caseworker, "happened_on": today}
        outcome, blocked = _race(case=case, first=move, second=move)
        events, audits, now, due = _written_about(case)

    assert blocked, "the second connection never waited for the first one's lock: no overlap"
    assert isinstance(outcome["first"], Case), f"the first move failed: {outcome['first']!r}"
    assert isinstance(outcome["second"], TransitionRefused), f"not refused: {outcome['second']!r}"
    assert outcome["second"].messages == ["This case is at 'Final plan', where 'issue_final' is not allowed"]
    assert [(e.action, e.stage_from, e.stage_to) for e in events] == [
        (Action.ISSUE_FINAL, Stage.DRAFT_PLAN, Stage.FINAL_PLAN)
    ]
    assert audits == 1
    assert now.stage == Stage.FINAL_PLAN
    assert due is not None
    assert (now.next_due_on, now.next_due_label) == (due.due, due.label)


FORBIDDEN = [
    (stage, action)
    for stage in Stage
    for action in Action
    if transition_for(stage=stage, action=action) is None
]
TRANSACTION_CONTROL = ("SET search_path", "SAVEPOINT", "ROLLBACK TO SAVEPOINT", "RELEASE SAVEPOINT")
# Everything a move could need, so that only the table can be what refuses.
EVERYTHING = {
    "reason": "A reason the family is told",
    "detail": {
        "service": "Educational psychology",
        "decision": "maintain",
        "ceasing_reason": CeasingReason.values[0],
    },
}


def test_a_move_the_table_forbids_is_refused_whoever_asks_and_writes_nothing(db, oxfordshire, in_council):
    # Every (stage, action) pair that is not a row's source is here: 9 x 11 less the table's 15 moves.
    moves = sum(len(t.sources) for t in TRANSITIONS.values())
    assert len(FORBIDDEN) == len(Stage) * len(Action) - moves == 84
    assert {action for stage, action in FORBIDDEN if stage in CLOSED} == set(Action)
    callers = [
        None,
        council_person("caseworker@oxfordshire.example"),
        council_person("admin@oxfordshire.example"),
    ]
    today = timezone.localdate()
    with in_council(oxfordshire):
        case = Case.objects.create(
            reference="CASE-FORBIDDN",
            child_first_name="Table",
            child_last_name="Rules",
            received_on=today - datetime.timedelta(days=60),
        )
        events, audits = CaseEvent.objects.count(), AuditEvent.objects.count()
        for stage, action in FORBIDDEN:
            Case.objects.filter(pk=case.pk).update(stage=stage)
            before = Case.objects.values().get(pk=case.pk)
            for by in callers:
                with (
                    CaptureQueriesContext(connection) as captured,
                    pytest.raises(TransitionRefused) as refused,
                ):
                    case_transition(case=case, action=action, by=by, happened_on=today, **EVERYTHING)
                assert refused.value.code == "refused"
                assert refused.value.messages == [
                    f"This case is at '{stage.label}', where '{action}' is not allowed"
                ]
                # The locked read and nothing else: no write was even attempted and rolled back.
                sql = [
                    q["sql"]
                    for q in captured.captured_queries
                    if not q["sql"].startswith(TRANSACTION_CONTROL)
                ]
                assert len(sql) == 1, (stage, action, by, sql)
                assert sql[0].startswith("SELECT")
                assert sql[0].endswith("FOR UPDATE")
                assert Case.objects.values().get(pk=case.pk) == before
        assert CaseEvent.objects.count() == events
        assert AuditEvent.objects.count() == audits
