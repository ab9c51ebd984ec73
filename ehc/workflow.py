"""The statutory stages as data (STATUTORY.md, "The stages a parent sees").

Later work adds the full state machine (allowed transitions and what each stage requires); the stage
keys here are the ones councils word "What happens in this stage?" against.
"""

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
