"""Reads for the SEND team's workspace: its counts of cases by stage and due date, and of new requests."""

import datetime

from django.db.models import Count, Q

from ehc.cases.selectors import DUE_SOON_DAYS
from ehc.models import AssessmentRequest, Case, RequestStatus
from ehc.workflow import Stage


def workspace_counts(*, user, today: datetime.date) -> dict:
    """Counts by stage in one query, and the submitted requests not yet made cases in another."""
    soon = Q(next_due_on__range=(today, today + datetime.timedelta(DUE_SOON_DAYS)))
    overdue = Q(next_due_on__lt=today)
    mine = Q(caseworker=user)
    by_stage = {
        row["stage"]: row
        for row in Case.objects.values("stage").annotate(
            open=Count("id"),
            mine_open=Count("id", filter=mine),
            mine_soon=Count("id", filter=mine & soon),
            mine_overdue=Count("id", filter=mine & overdue),
            team_soon=Count("id", filter=soon),
            team_overdue=Count("id", filter=overdue),
        )
    }
    keys = ("open", "mine_open", "mine_soon", "mine_overdue", "team_soon", "team_overdue")
    rows = [
        {"stage": value, "label": label, **{k: by_stage.get(value, {}).get(k, 0) for k in keys}}
        for value, label in Stage.choices
        if by_stage.get(value, {}).get("open")
    ]
    totals = {k: sum(row[k] for row in rows) for k in keys}
    new_requests = AssessmentRequest.objects.filter(
        status=RequestStatus.SUBMITTED, case__isnull=True, about_case__isnull=True
    ).count()
    return {"rows": rows, "totals": totals, "new_requests": new_requests}
