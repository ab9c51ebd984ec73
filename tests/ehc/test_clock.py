"""The statutory clock (ehc/clock.py) against STATUTORY.md: worked examples, branches, exceptions.

No database and no Django settings: run with
``python -m pytest tests/ehc/test_clock.py -q -p no:django --noconftest``.
"""

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehc import clock
from ehc.clock import (
    AdviceRequest,
    CaseEvents,
    ClockException,
    ExceptionKind,
    TransferKind,
    advice_due,
    amended_plan_due,
    amendment_comment_window,
    annual_review_due,
    appeal_deadline,
    case_due_dates,
    closure_window,
    consultation_reply_due,
    decision_due,
    describe_move,
    draft_response_window,
    final_plan_due,
    format_sentence,
    format_table,
    no_plan_notice_due,
    phase_transfer_due,
    post16_move_due,
    review_decision_due,
    review_notice_due,
    review_report_due,
)

D = date


def by_key(events: CaseEvents, exceptions=()) -> dict:
    return {due.key: due for due in case_due_dates(events=events, exceptions=exceptions)}


# --- Counting: the worked examples --------------------------------------------------------------------


def test_oxfordshire_worked_examples():
    """STATUTORY.md "Counting": a request received on 1 January 2021."""
    assert decision_due(received=D(2021, 1, 1)) == D(2021, 2, 11)
    assert final_plan_due(received=D(2021, 1, 1)) == D(2021, 5, 20)
    assert no_plan_notice_due(received=D(2021, 1, 1)) == D(2021, 4, 22)
    assert advice_due(requested=D(2021, 1, 1)) == D(2021, 2, 11)


def test_a_new_request_shows_the_decision_and_the_20_week_date():
    dues = case_due_dates(events=CaseEvents(received=D(2021, 1, 1)), exceptions=[])
    assert [(d.key, d.due, d.statutory_due, d.applies, d.done) for d in dues] == [
        ("decision", D(2021, 2, 11), D(2021, 2, 11), True, None),
        ("final_plan", D(2021, 5, 20), D(2021, 5, 20), True, None),
    ]
    assert dues[0].rule == "6 weeks from the request (Reg. 5(1))"
    assert dues[0].stage == "decision_to_assess"
    assert dues[1].rule == "20 weeks from the request (Reg. 13(2))"
    assert dues[1].met is None


def test_a_request_received_on_29_february():
    assert decision_due(received=D(2024, 2, 29)) == D(2024, 4, 10)
    assert no_plan_notice_due(received=D(2024, 2, 29)) == D(2024, 6, 19)
    assert final_plan_due(received=D(2024, 2, 29)) == D(2024, 7, 17)


def test_a_request_across_new_year():
    assert decision_due(received=D(2025, 12, 15)) == D(2026, 1, 25)
    assert no_plan_notice_due(received=D(2025, 12, 15)) == D(2026, 4, 5)
    assert final_plan_due(received=D(2025, 12, 15)) == D(2026, 5, 3)
    assert advice_due(requested=D(2025, 12, 22)) == D(2026, 2, 1)


@pytest.mark.parametrize(
    ("issued", "review_by"),
    [
        (D(2021, 5, 20), D(2022, 5, 19)),
        (D(2024, 2, 29), D(2025, 2, 28)),  # no 29 February 2025: the period runs to the month's end
        (D(2024, 2, 28), D(2025, 2, 27)),
        (D(2024, 3, 1), D(2025, 2, 28)),
        (D(2023, 3, 1), D(2024, 2, 29)),  # into a leap February
        (D(2027, 2, 28), D(2028, 2, 27)),
        (D(2025, 12, 31), D(2026, 12, 30)),
        (D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_annual_review_months_rule(issued, review_by):
    assert annual_review_due(from_date=issued) == review_by


# --- The functions one limit at a time ----------------------------------------------------------------


def test_draft_response_window():
    # 15 days counting the day served as day one; the final plan may follow the day after.
    assert draft_response_window(served=D(2021, 4, 8)) == (D(2021, 4, 22), D(2021, 4, 23))
    assert draft_response_window(served=D(2025, 12, 20)) == (D(2026, 1, 3), D(2026, 1, 4))


def test_consultation_reply():
    assert consultation_reply_due(consulted=D(2021, 4, 9)) == D(2021, 4, 23)


def test_review_report_and_decision_after_a_meeting():
    assert review_report_due(meeting=D(2022, 5, 10)) == D(2022, 5, 23)
    assert review_decision_due(meeting=D(2022, 5, 10)) == D(2022, 6, 6)
    assert review_notice_due(meeting=D(2022, 5, 10)) == D(2022, 4, 26)


def test_amended_plan_within_12_weeks_of_the_meeting():
    assert amendment_comment_window(amendment_notice=D(2022, 6, 6)) == (D(2022, 6, 20), D(2022, 6, 21))
    assert amended_plan_due(amendment_notice=D(2022, 6, 6)) == D(2022, 7, 31)
    # A notice sent on the last day of the 4 weeks still ends inside 12 weeks of the meeting.
    meeting = D(2022, 5, 10)
    latest = amended_plan_due(amendment_notice=review_decision_due(meeting=meeting))
    assert latest == D(2022, 7, 31)
    assert latest <= meeting + timedelta(weeks=12) - timedelta(days=1) == D(2022, 8, 1)


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        (TransferKind.SCHOOL, D(2026, 2, 15)),
        (TransferKind.SECONDARY_TO_POST16, D(2026, 3, 31)),
        ("school", D(2026, 2, 15)),
    ],
)
def test_phase_transfer(kind, due):
    assert phase_transfer_due(transfer_year=2026, kind=kind) == due


def test_move_between_post16_institutions():
    assert post16_move_due(move=D(2026, 9, 1)) == D(2026, 4, 1)
    assert post16_move_due(move=D(2026, 7, 31)) == D(2026, 2, 28)  # no 31 February: the earlier day
    assert post16_move_due(move=D(2028, 7, 30)) == D(2028, 2, 29)


def test_appeal_deadline():
    assert appeal_deadline(decision=D(2025, 5, 10)) == D(2025, 7, 9)
    assert appeal_deadline(decision=D(2024, 12, 31)) == D(2025, 2, 28)
    # A mediation certificate gives a month from its issue when that is later...
    assert appeal_deadline(decision=D(2025, 5, 10), mediation_certificate=D(2025, 7, 1)) == D(2025, 7, 31)
    # ...and changes nothing when the 2 months run later.
    assert appeal_deadline(decision=D(2025, 5, 10), mediation_certificate=D(2025, 6, 1)) == D(2025, 7, 9)


def test_date_formats():
    assert format_table(D(2021, 2, 11)) == "11 Feb 2021"
    assert format_sentence(D(2021, 2, 11)) == "11 February 2021"
    assert format_table(D(2021, 9, 5)) == "5 Sep 2021"
    assert format_sentence(D(2021, 9, 5)) == "5 September 2021"
    assert format_table(D(2025, 12, 31)) == "31 Dec 2025"


# --- A case's dates: the main path and the branches ---------------------------------------------------


def test_decision_not_to_assess_gives_the_appeal_deadline():
    dues = by_key(CaseEvents(received=D(2021, 1, 1), decided_not_to_assess=D(2021, 2, 5)))
    assert set(dues) == {"decision", "appeal:not_assessed"}
    assert dues["decision"].done == D(2021, 2, 5)
    assert dues["decision"].met is True
    appeal = dues["appeal:not_assessed"]
    assert appeal.due == D(2021, 4, 4)
    assert appeal.stage == "not_assessed"
    assert appeal.label == "Appeal against the decision not to assess"


def test_assessed_but_no_plan_gives_the_16_week_notice():
    assessing = CaseEvents(received=D(2021, 1, 1), decided_to_assess=D(2021, 2, 8))
    dues = by_key(assessing)
    assert set(dues) == {"decision", "no_plan_notice", "final_plan"}
    assert dues["no_plan_notice"].due == D(2021, 4, 22)
    assert dues["no_plan_notice"].rule == "16 weeks from the request (Reg. 10(1))"

    dues = by_key(
        CaseEvents(received=D(2021, 1, 1), decided_to_assess=D(2021, 2, 8), no_plan_notified=D(2021, 4, 15))
    )
    assert set(dues) == {"decision", "no_plan_notice", "appeal:no_plan"}
    assert dues["no_plan_notice"].done == D(2021, 4, 15)
    assert dues["no_plan_notice"].met is True
    assert dues["appeal:no_plan"].due == D(2021, 6, 14)


def test_late_no_plan_notice_is_reported_late():
    dues = by_key(
        CaseEvents(received=D(2021, 1, 1), decided_to_assess=D(2021, 2, 8), no_plan_notified=D(2021, 4, 23))
    )
    assert dues["no_plan_notice"].met is False


def test_a_draft_drops_the_16_week_notice_and_opens_the_response_window():
    events = CaseEvents(
        received=D(2021, 1, 1),
        decided_to_assess=D(2021, 2, 8),
        draft_served=D(2021, 4, 8),
        consulted=(D(2021, 4, 9),),
    )
    dues = by_key(events)
    assert set(dues) == {"decision", "draft_response", "consultation:1", "final_plan"}
    assert dues["draft_response"].due == D(2021, 4, 22)
    assert dues["consultation:1"].due == D(2021, 4, 23)
    assert dues["final_plan"].due == D(2021, 5, 20)
    assert dues["final_plan"].not_before == D(2021, 4, 23)


def test_final_plan_issued_reports_20_weeks_met_and_the_first_annual_review():
    events = CaseEvents(
        received=D(2021, 1, 1),
        decided_to_assess=D(2021, 2, 8),
        draft_served=D(2021, 4, 8),
        final_issued=D(2021, 5, 20),
    )
    dues = case_due_dates(events=events, exceptions=[])
    assert [(d.key, d.due) for d in dues] == [
        ("decision", D(2021, 2, 11)),
        ("final_plan", D(2021, 5, 20)),
        ("appeal:final_plan", D(2021, 7, 19)),
        ("annual_review:1", D(2022, 5, 19)),
    ]
    final = dues[1]
    assert (final.done, final.met, final.met_moved, final.applies, final.early) == (
        D(2021, 5, 20),
        True,
        True,
        True,
        False,
    )
    assert (
        dues[3].rule == "Within 12 months of the plan's issue (s.44 Children and Families Act 2014; Reg. 18)"
    )


def test_final_plan_late_or_before_the_15_days():
    late = by_key(
        CaseEvents(received=D(2021, 1, 1), decided_to_assess=D(2021, 2, 8), final_issued=D(2021, 5, 21))
    )
    assert late["final_plan"].met is False
    early = by_key(
        CaseEvents(
            received=D(2021, 1, 1),
            decided_to_assess=D(2021, 2, 8),
            draft_served=D(2021, 4, 8),
            final_issued=D(2021, 4, 22),
        )
    )
    assert early["final_plan"].early is True
    assert early["final_plan"].met is True


def test_annual_reviews_chain_from_issue_then_each_review():
    events = CaseEvents(
        final_issued=D(2021, 5, 20),
        review_meetings=(D(2023, 5, 2), D(2022, 5, 10)),
        review_report_sent=D(2023, 5, 12),
        review_meeting_planned=D(2024, 4, 20),
    )
    dues = by_key(events)
    assert (dues["annual_review:1"].due, dues["annual_review:1"].done) == (D(2022, 5, 19), D(2022, 5, 10))
    assert (dues["annual_review:2"].due, dues["annual_review:2"].done) == (D(2023, 5, 9), D(2023, 5, 2))
    assert (dues["annual_review:3"].due, dues["annual_review:3"].done) == (D(2024, 5, 1), None)
    assert dues["annual_review:2"].met is True
    assert dues["annual_review:3"].rule.startswith("Within 12 months of the last review meeting")
    assert (dues["review_report"].due, dues["review_report"].met) == (D(2023, 5, 15), True)
    assert (dues["review_decision"].due, dues["review_decision"].done) == (D(2023, 5, 29), None)
    assert dues["review_notice"].due == D(2024, 4, 6)
    assert "annual_review:4" not in dues


def test_a_late_review_is_reported_late_and_the_next_runs_from_it():
    dues = by_key(CaseEvents(final_issued=D(2021, 5, 20), review_meetings=(D(2022, 5, 25),)))
    assert dues["annual_review:1"].met is False
    assert dues["annual_review:2"].due == D(2023, 5, 24)


def test_amended_plan_after_a_review():
    events = CaseEvents(
        final_issued=D(2021, 5, 20),
        review_meetings=(D(2022, 5, 10),),
        review_decided=D(2022, 6, 6),
        amendment_notice=D(2022, 6, 6),
    )
    dues = by_key(events)
    assert (dues["amended_plan"].due, dues["amended_plan"].not_before) == (D(2022, 7, 31), D(2022, 6, 21))
    assert dues["amendment_comments"].due == D(2022, 6, 20)
    assert dues["review_decision"].met is True

    dues = by_key(
        CaseEvents(
            final_issued=D(2021, 5, 20),
            review_meetings=(D(2022, 5, 10),),
            amendment_notice=D(2022, 6, 6),
            amended_plan_issued=D(2022, 7, 15),
        )
    )
    assert "amendment_comments" not in dues
    assert dues["amended_plan"].met is True
    assert dues["appeal:amended_plan"].due == D(2022, 9, 14)


def test_plan_ceased():
    events = CaseEvents(
        final_issued=D(2021, 5, 20),
        review_meetings=(D(2022, 5, 10),),
        review_decided=D(2022, 6, 6),
        ceased=D(2022, 6, 7),
        transfer_year=2023,
        transfer_kind=TransferKind.SCHOOL,
    )
    dues = by_key(events)
    assert set(dues) == {
        "annual_review:1",
        "review_report",
        "review_decision",
        "appeal:final_plan",
        "appeal:ceased",
    }
    assert dues["appeal:ceased"].due == D(2022, 8, 6)
    assert dues["appeal:ceased"].stage == "ceased"


def test_phase_transfer_in_a_case():
    dues = by_key(
        CaseEvents(
            final_issued=D(2021, 5, 20),
            transfer_year=2026,
            transfer_kind=TransferKind.SECONDARY_TO_POST16,
            transfer_plan_issued=D(2026, 3, 20),
        )
    )
    transfer = dues["phase_transfer"]
    assert (transfer.due, transfer.met) == (D(2026, 3, 31), True)
    assert transfer.rule == "31 March of the year of transfer from secondary school to post-16 (Reg. 18)"

    dues = by_key(CaseEvents(final_issued=D(2021, 5, 20), post16_move=D(2026, 9, 1)))
    assert dues["post16_move"].due == D(2026, 4, 1)


def test_mediation_certificate_extends_the_latest_decision_only():
    dues = by_key(
        CaseEvents(
            received=D(2025, 4, 1),
            decided_not_to_assess=D(2025, 5, 10),
            mediation_certificate=D(2025, 7, 1),
        )
    )
    assert dues["appeal:not_assessed"].due == D(2025, 7, 31)
    assert dues["appeal:not_assessed"].rule.startswith("1 month from the mediation certificate")

    dues = by_key(
        CaseEvents(
            received=D(2021, 1, 1),
            decided_to_assess=D(2021, 2, 8),
            final_issued=D(2021, 5, 20),
            review_meetings=(D(2022, 5, 10),),
            amendment_notice=D(2022, 6, 6),
            amended_plan_issued=D(2022, 7, 15),
            mediation_certificate=D(2022, 9, 1),
        )
    )
    assert dues["appeal:final_plan"].due == D(2021, 7, 19)
    assert dues["appeal:amended_plan"].due == D(2022, 9, 30)


def test_advice_requests_in_a_case():
    events = CaseEvents(
        received=D(2021, 1, 1),
        decided_to_assess=D(2021, 2, 8),
        advice_requested=(
            AdviceRequest(event=41, requested=D(2021, 2, 10), source="the school", from_setting=True),
            AdviceRequest(
                event=40, requested=D(2021, 2, 9), source="educational psychology", provided=D(2021, 3, 30)
            ),
        ),
    )
    dues = by_key(events)
    assert (dues["advice:40"].label, dues["advice:40"].due) == (
        "Advice from educational psychology",
        D(2021, 3, 22),
    )
    assert dues["advice:40"].met is False
    assert (dues["advice:41"].label, dues["advice:41"].due, dues["advice:41"].done) == (
        "Advice from the school",
        D(2021, 3, 23),
        None,
    )
    assert dues["advice:40"].rule == "6 weeks from the request for advice (Reg. 8(1))"


def test_each_advice_request_keeps_its_own_date_by_its_event_not_its_name_or_position():
    # Two teams with the same name asked on the same day, and one of them asked again later: three
    # requests, three dates, each done only when its own answer is recorded.
    events = CaseEvents(
        received=D(2021, 1, 1),
        decided_to_assess=D(2021, 2, 8),
        advice_requested=(
            AdviceRequest(event=30, requested=D(2021, 3, 1), source="Physiotherapy"),
            AdviceRequest(event=12, requested=D(2021, 2, 9), source="Physiotherapy", provided=D(2021, 3, 1)),
            AdviceRequest(event=13, requested=D(2021, 2, 9), source="Physiotherapy"),
        ),
    )
    dues = by_key(events)
    assert [key for key in dues if key.startswith("advice:")] == ["advice:12", "advice:13", "advice:30"]
    assert (dues["advice:12"].due, dues["advice:12"].done) == (D(2021, 3, 22), D(2021, 3, 1))
    assert (dues["advice:13"].due, dues["advice:13"].done) == (D(2021, 3, 22), None)
    assert (dues["advice:30"].due, dues["advice:30"].done) == (D(2021, 4, 11), None)
    assert {dues[key].label for key in ("advice:12", "advice:13", "advice:30")} == {
        "Advice from Physiotherapy"
    }


def test_case_dates_are_in_date_order():
    events = CaseEvents(
        received=D(2021, 1, 1),
        decided_to_assess=D(2021, 2, 8),
        advice_requested=(AdviceRequest(event=1, requested=D(2021, 2, 9)),),
        draft_served=D(2021, 4, 8),
    )
    dues = [d.due for d in case_due_dates(events=events, exceptions=[])]
    assert dues == sorted(dues)
    assert dues == [D(2021, 2, 11), D(2021, 3, 22), D(2021, 4, 22), D(2021, 5, 20)]


def test_nothing_happened_nothing_due():
    assert case_due_dates(events=CaseEvents(), exceptions=[]) == []


# --- Exceptions ---------------------------------------------------------------------------------------

ASSESSING = CaseEvents(received=D(2021, 1, 1), decided_to_assess=D(2021, 2, 11))


def test_absence_from_the_area_moves_the_6_16_and_20_week_dates():
    away = ClockException(
        kind=ExceptionKind.ABSENCE_FROM_AREA, start=D(2021, 2, 1), end=D(2021, 3, 5), reason="Family abroad"
    )
    dues = by_key(ASSESSING, [away])
    # 11 days of the absence fall in the 6 weeks; all 33 fall in the 16 and 20 weeks.
    assert (dues["decision"].statutory_due, dues["decision"].due) == (D(2021, 2, 11), D(2021, 2, 22))
    assert (dues["no_plan_notice"].statutory_due, dues["no_plan_notice"].due) == (
        D(2021, 4, 22),
        D(2021, 5, 25),
    )
    assert (dues["final_plan"].statutory_due, dues["final_plan"].due) == (D(2021, 5, 20), D(2021, 6, 22))
    for key in ("decision", "no_plan_notice", "final_plan"):
        assert dues[key].applies is False
        assert dues[key].moved_by == (away,)
    assert dues["decision"].met is True
    assert (
        describe_move(dues["final_plan"]) == "Moved from 20 May 2021 to 22 June 2021 because Family abroad."
    )


def test_absence_shorter_than_4_weeks_does_not_count():
    def absence(end):
        return ClockException(kind="absence_from_area", start=D(2021, 2, 1), end=end, reason="Away")

    assert by_key(ASSESSING, [absence(D(2021, 2, 27))])["final_plan"].applies is True  # 27 days
    exactly_4_weeks = by_key(ASSESSING, [absence(D(2021, 2, 28))])["final_plan"]
    assert (exactly_4_weeks.applies, exactly_4_weeks.due) == (False, D(2021, 6, 17))


def test_personal_circumstances_of_any_length():
    ill = ClockException(
        kind=ExceptionKind.PERSONAL_CIRCUMSTANCES,
        start=D(2021, 5, 10),
        end=D(2021, 5, 12),
        reason="In hospital",
    )
    dues = by_key(ASSESSING, [ill])
    assert (dues["final_plan"].due, dues["final_plan"].applies) == (D(2021, 5, 23), False)
    assert dues["final_plan"].statutory_due == D(2021, 5, 20)
    # Outside the 6 weeks, so the decision was not affected.
    assert (dues["decision"].due, dues["decision"].applies, dues["decision"].moved_by) == (
        D(2021, 2, 11),
        True,
        (),
    )
    assert describe_move(dues["decision"]) == ""


def test_an_exception_after_the_date_has_passed_does_not_apply():
    later = ClockException(
        kind="personal_circumstances", start=D(2021, 5, 21), end=D(2021, 6, 30), reason="x"
    )
    assert by_key(ASSESSING, [later])["final_plan"].applies is True


def test_overlapping_exceptions_count_each_day_once():
    away = ClockException(kind="absence_from_area", start=D(2021, 2, 1), end=D(2021, 3, 5), reason="Abroad")
    ill = ClockException(kind="personal_circumstances", start=D(2021, 3, 1), end=D(2021, 3, 10), reason="Ill")
    final = by_key(ASSESSING, [away, ill])["final_plan"]
    # 1 February to 10 March: 38 days.
    assert (final.due, final.moved_by) == (D(2021, 6, 27), (away, ill))
    assert describe_move(final) == "Moved from 20 May 2021 to 27 June 2021 because Abroad; Ill."


def test_missed_appointment_moves_advice_only():
    missed = ClockException(
        kind=ExceptionKind.MISSED_APPOINTMENT, start=D(2021, 3, 20), end=D(2021, 4, 2), reason="Rebooked"
    )
    events = CaseEvents(
        received=D(2021, 1, 1),
        decided_to_assess=D(2021, 2, 11),
        advice_requested=(
            AdviceRequest(event=7, requested=D(2021, 3, 1), source="the community paediatrician"),
        ),
    )
    dues = by_key(events, [missed])
    assert (dues["advice:7"].statutory_due, dues["advice:7"].due) == (D(2021, 4, 11), D(2021, 4, 25))
    assert dues["advice:7"].applies is False
    assert (dues["final_plan"].due, dues["final_plan"].applies) == (D(2021, 5, 20), True)


def test_closure_window():
    # Closed Tuesday 22 July to Tuesday 2 September 2025, reopening on Wednesday 3 September.
    assert closure_window(closure_start=D(2025, 7, 22), closure_end=D(2025, 9, 2)) == (
        D(2025, 7, 15),
        D(2025, 8, 27),
    )
    with pytest.raises(ValueError, match="cannot end before"):
        closure_window(closure_start=D(2025, 7, 22), closure_end=D(2025, 7, 21))


@pytest.mark.parametrize(("end", "counts"), [(D(2025, 8, 18), True), (D(2025, 8, 17), False)])
def test_closure_must_last_4_weeks(end, counts):
    # 22 July to 18 August is 28 days, exactly 4 weeks; a day less does not count.
    closure = ClockException(kind="closure", start=D(2025, 7, 22), end=end, reason="Summer")
    assert closure.long_enough is counts
    assert closure.days == (28 if counts else 27)


SUMMER = ClockException(
    kind=ExceptionKind.CLOSURE,
    start=D(2025, 7, 22),
    end=D(2025, 9, 2),
    reason="The school was closed for summer",
)


def test_closure_moves_school_advice_requested_in_the_window():
    events = CaseEvents(
        received=D(2025, 6, 2),
        decided_to_assess=D(2025, 7, 10),
        advice_requested=(
            AdviceRequest(event=1, requested=D(2025, 7, 16), source="the school", from_setting=True),
            AdviceRequest(event=2, requested=D(2025, 7, 16), source="educational psychology"),
        ),
    )
    dues = by_key(events, [SUMMER])
    school, psychology = dues["advice:1"], dues["advice:2"]
    assert school.label == "Advice from the school"
    # 16 July to 26 August (42 days) lie in the window 15 July to 27 August.
    assert (school.statutory_due, school.due, school.applies) == (D(2025, 8, 26), D(2025, 10, 7), False)
    assert (psychology.due, psychology.applies) == (D(2025, 8, 26), True)
    # The whole window (44 days) lies in the 20 weeks; the 6-week decision was due before it began.
    assert (dues["final_plan"].statutory_due, dues["final_plan"].due) == (D(2025, 10, 19), D(2025, 12, 2))
    assert dues["final_plan"].applies is False
    assert (dues["decision"].due, dues["decision"].applies) == (D(2025, 7, 13), True)
    assert describe_move(dues["final_plan"]) == (
        "Moved from 19 October 2025 to 2 December 2025 because The school was closed for summer."
    )


def test_closure_without_school_advice_in_the_window_does_not_count():
    events = CaseEvents(
        received=D(2025, 6, 2),
        decided_to_assess=D(2025, 7, 10),
        advice_requested=(
            AdviceRequest(event=3, requested=D(2025, 7, 1), source="the school", from_setting=True),
        ),
    )
    dues = by_key(events, [SUMMER])
    assert (dues["advice:3"].due, dues["advice:3"].applies) == (D(2025, 8, 11), True)
    assert (dues["final_plan"].due, dues["final_plan"].applies) == (D(2025, 10, 19), True)


def test_closure_shorter_than_4_weeks_does_not_count():
    christmas = ClockException(kind="closure", start=D(2025, 12, 20), end=D(2026, 1, 4), reason="Christmas")
    events = CaseEvents(
        received=D(2025, 12, 15),
        decided_to_assess=D(2026, 1, 20),
        advice_requested=(
            AdviceRequest(event=5, requested=D(2025, 12, 15), source="the nursery", from_setting=True),
        ),
    )
    dues = by_key(events, [christmas])
    assert all(due.applies for due in dues.values())
    assert (dues["advice:5"].due, dues["final_plan"].due) == (D(2026, 1, 25), D(2026, 5, 3))


def test_an_exception_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="cannot end before"):
        ClockException(kind="personal_circumstances", start=D(2021, 2, 2), end=D(2021, 2, 1), reason="x")
    with pytest.raises(ValueError, match="not a valid ExceptionKind"):
        ClockException(kind="holiday", start=D(2021, 2, 1), end=D(2021, 2, 1), reason="x")


# --- The module itself --------------------------------------------------------------------------------


def test_the_clock_is_pure():
    """Standard library only: no Django, no ORM (STYLE.md, "Rules as data")."""
    tree = ast.parse(Path(clock.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"collections.abc", "dataclasses", "datetime", "enum"}


def test_stages_are_workflow_stages():
    from ehc.workflow import Stage

    stages = {limit.stage for limit in clock.LIMITS.values()} | {
        stage for _, stage in clock._APPEALABLE.values()
    }
    assert stages <= {stage.value for stage in Stage}


# --- Properties ---------------------------------------------------------------------------------------

starts = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))

WEEKS = [
    (lambda s: decision_due(received=s), 6),
    (lambda s: advice_due(requested=s), 6),
    (lambda s: no_plan_notice_due(received=s), 16),
    (lambda s: final_plan_due(received=s), 20),
    (lambda s: review_report_due(meeting=s), 2),
    (lambda s: review_decision_due(meeting=s), 4),
    (lambda s: amended_plan_due(amendment_notice=s), 8),
]


@given(start=starts)
def test_week_limits_end_7n_minus_1_days_after_the_start(start):
    for due, weeks in WEEKS:
        assert due(start) - start == timedelta(days=7 * weeks - 1)


@given(start=starts)
def test_day_windows(start):
    last, earliest = draft_response_window(served=start)
    assert (last - start, earliest - start) == (timedelta(days=14), timedelta(days=15))
    last, earliest = amendment_comment_window(amendment_notice=start)
    assert (last - start, earliest - start) == (timedelta(days=14), timedelta(days=15))
    assert consultation_reply_due(consulted=start) - start == timedelta(days=14)


@given(start=starts, certificate=st.one_of(st.none(), starts))
def test_no_due_date_precedes_its_start(start, certificate):
    for due, _weeks in WEEKS:
        assert due(start) >= start
    assert min(draft_response_window(served=start)) >= start
    assert min(amendment_comment_window(amendment_notice=start)) >= start
    assert consultation_reply_due(consulted=start) >= start
    review = annual_review_due(from_date=start)
    assert start + timedelta(days=364) <= review <= start + timedelta(days=365)
    appeal = appeal_deadline(decision=start, mediation_certificate=certificate)
    assert appeal >= start
    assert start + timedelta(days=58) <= appeal_deadline(decision=start) <= start + timedelta(days=61)
    if certificate is not None:
        assert appeal >= certificate + timedelta(days=27)
    # The fixed dates fall in the year of transfer; the "before" limits come before the event.
    for kind in TransferKind:
        assert phase_transfer_due(transfer_year=start.year, kind=kind).year == start.year
    assert review_notice_due(meeting=start) == start - timedelta(days=14)
    assert start - timedelta(days=153) <= post16_move_due(move=start) <= start - timedelta(days=150)


@given(
    received=starts,
    gap=st.integers(min_value=0, max_value=400),
    length=st.integers(min_value=1, max_value=60),
)
def test_an_exception_never_brings_a_date_forward(received, gap, length):
    start = received + timedelta(days=gap)
    exception = ClockException(
        kind="personal_circumstances", start=start, end=start + timedelta(days=length - 1), reason="x"
    )
    events = CaseEvents(
        received=received, decided_to_assess=received, draft_served=received + timedelta(days=90)
    )
    for due in case_due_dates(events=events, exceptions=[exception]):
        assert due.due >= due.statutory_due >= received
        assert due.applies is (due.due == due.statutory_due)
