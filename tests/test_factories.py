"""The per-stage factory makes a case the way the workflow does, so tests can trust what it hands them."""

import pytest
from django.utils import timezone

from core.models import AuditEvent
from ehc.workflow import Action, Stage
from hub.models import AdviceStatus
from tests.factories import HealthTeamFactory, advice_asked, case_at


@pytest.mark.parametrize("stage", list(Stage))
def test_case_at_walks_the_workflow_to_each_stage(oxfordshire, in_council, stage):
    with in_council(oxfordshire):
        case = case_at(stage)
        case.refresh_from_db()
        events = list(case.events.order_by("happened_on", "id"))
        assert case.stage == stage
        # One event a move, each from where the last one left the case, none in the future.
        chain = [Stage.REQUEST_RECEIVED] + [e.stage_to for e in events]
        assert [(e.stage_from, e.stage_to) for e in events] == list(zip(chain, chain[1:], strict=False))
        assert all(case.received_on <= e.happened_on <= timezone.localdate() for e in events)
        assert AuditEvent.objects.filter(target_type="ehc.case", target_id=str(case.pk)).count() == len(
            events
        )
        # The due date the lists read is the clock's, as case_due_refresh writes it.
        assert (case.next_due_on is None) == (stage in {Stage.NOT_ASSESSED, Stage.NO_PLAN, Stage.CEASED})


def test_advice_asked_and_recorded_on_the_way_to_the_draft(oxfordshire, in_council):
    with in_council(oxfordshire):
        case = case_at(Stage.DRAFT_PLAN, advice=("Educational psychology", "Social care"))
        assert list(case.events.values_list("action", flat=True).order_by("happened_on", "id")) == [
            Action.DECIDE_TO_ASSESS,
            Action.REQUEST_ADVICE,
            Action.REQUEST_ADVICE,
            Action.RECORD_ADVICE,
            Action.RECORD_ADVICE,
            Action.ISSUE_DRAFT,
        ]
        waiting = case_at(Stage.ASSESSMENT, advice=("Social care",))
        advice = advice_asked(case=waiting, team=HealthTeamFactory())
        assert advice.status == AdviceStatus.AWAITING_ALLOCATION
        assert advice.event.case == waiting
