"""The statutory stages and the moves between them, as data (STYLE.md "rules as data").

Every move a case can make is one row of TRANSITIONS: the action's name, the stages it may start from,
the stage it leads to, and what it must record. ehc.cases.services.case_transition is the only code that
moves a case, and it refuses anything this table does not allow, whoever the caller is.
"""

from dataclasses import dataclass

from django.db import models


class Stage(models.TextChoices):
    REQUEST_RECEIVED = "request_received", "Request received"
    DECISION_TO_ASSESS = "decision_to_assess", "Decision to assess"
    ASSESSMENT = "assessment", "Assessment"
    DRAFT_PLAN = "draft_plan", "Draft plan"
    FINAL_PLAN = "final_plan", "Final plan"
    PLAN_IN_PLACE = "plan_in_place", "Plan in place"
    NOT_ASSESSED = "not_assessed", "Decision not to assess"
    NO_PLAN = "no_plan", "Decision not to issue a plan"
    CEASED = "ceased", "Plan ceased"


# The path a parent follows on the process tracker, in order; the other stages are branches off it.
MAIN_PATH = (
    Stage.REQUEST_RECEIVED,
    Stage.DECISION_TO_ASSESS,
    Stage.ASSESSMENT,
    Stage.DRAFT_PLAN,
    Stage.FINAL_PLAN,
    Stage.PLAN_IN_PLACE,
)
BRANCHES = (Stage.NOT_ASSESSED, Stage.NO_PLAN, Stage.CEASED)
CLOSED = frozenset(BRANCHES)


class Action(models.TextChoices):
    CONSIDER = "consider", "Start deciding whether to assess"
    DECIDE_TO_ASSESS = "decide_to_assess", "Decide to assess"
    DECIDE_NOT_TO_ASSESS = "decide_not_to_assess", "Decide not to assess"
    REQUEST_ADVICE = "request_advice", "Request advice"
    RECORD_ADVICE = "record_advice", "Record advice received"
    DECIDE_NOT_TO_ISSUE = "decide_not_to_issue", "Decide not to issue a plan"
    ISSUE_DRAFT = "issue_draft", "Issue the draft plan"
    RECORD_PARENT_RESPONSE = "record_parent_response", "Record the parent's response"
    ISSUE_FINAL = "issue_final", "Issue the final plan"
    RECORD_REVIEW = "record_review", "Record an annual review"
    CEASE = "cease", "Cease the plan"


class Note(models.TextChoices):
    """Things recorded on a case's timeline that do not move it: not rows of the table."""

    ALLOCATE = "allocate", "Caseworker allocated"
    EXCEPTION = "exception", "Exception to the time limits recorded"
    RESPONSE = "response", "Response posted to the request"


# Who the council asks for advice and information during the assessment (Regulation 6(1) of the SEND
# Regulations 2014), as the advice-request form offers them.
ADVICE_SOURCES = (
    "Parent or young person",
    "Educational setting",
    "Educational psychology",
    "Health (designated medical officer)",
    "Speech and language therapy",
    "Occupational therapy",
    "Physiotherapy",
    "Social care",
    "Sensory support (hearing or vision)",
    "Preparing for adulthood",
)

# What an annual review can decide (Regulation 20(10)).
REVIEW_DECISIONS = {
    "maintain": "Keep the plan as it is",
    "amend": "Amend the plan",
    "cease": "Cease the plan",
}


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset
    target: Stage
    needs_reason: bool = False  # refusals and ceasing must say why (the parent is told, with appeal rights)
    needs_detail: tuple[str, ...] = ()  # keys the event must carry, e.g. the service advice was asked of


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.CONSIDER, frozenset({Stage.REQUEST_RECEIVED}), Stage.DECISION_TO_ASSESS),
        Transition(
            Action.DECIDE_TO_ASSESS,
            frozenset({Stage.REQUEST_RECEIVED, Stage.DECISION_TO_ASSESS}),
            Stage.ASSESSMENT,
        ),
        Transition(
            Action.DECIDE_NOT_TO_ASSESS,
            frozenset({Stage.REQUEST_RECEIVED, Stage.DECISION_TO_ASSESS}),
            Stage.NOT_ASSESSED,
            needs_reason=True,
        ),
        Transition(
            Action.REQUEST_ADVICE, frozenset({Stage.ASSESSMENT}), Stage.ASSESSMENT, needs_detail=("service",)
        ),
        Transition(
            Action.RECORD_ADVICE, frozenset({Stage.ASSESSMENT}), Stage.ASSESSMENT, needs_detail=("service",)
        ),
        Transition(
            Action.DECIDE_NOT_TO_ISSUE, frozenset({Stage.ASSESSMENT}), Stage.NO_PLAN, needs_reason=True
        ),
        Transition(Action.ISSUE_DRAFT, frozenset({Stage.ASSESSMENT}), Stage.DRAFT_PLAN),
        Transition(Action.RECORD_PARENT_RESPONSE, frozenset({Stage.DRAFT_PLAN}), Stage.DRAFT_PLAN),
        Transition(Action.ISSUE_FINAL, frozenset({Stage.DRAFT_PLAN}), Stage.FINAL_PLAN),
        Transition(
            Action.RECORD_REVIEW,
            frozenset({Stage.FINAL_PLAN, Stage.PLAN_IN_PLACE}),
            Stage.PLAN_IN_PLACE,
            needs_detail=("decision",),
        ),
        Transition(
            Action.CEASE,
            frozenset({Stage.FINAL_PLAN, Stage.PLAN_IN_PLACE}),
            Stage.CEASED,
            needs_reason=True,
            needs_detail=("ceasing_reason",),
        ),
    )
}


def allowed_actions(stage: str) -> list[Action]:
    """What can be done to a case at this stage, in the table's order."""
    return [action for action, t in TRANSITIONS.items() if stage in t.sources]


def transition_for(*, stage: str, action: str) -> Transition | None:
    t = TRANSITIONS.get(action)
    return t if t is not None and stage in t.sources else None
