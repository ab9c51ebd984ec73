import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.models import Membership
from core.roles import Role
from ehc import clock
from ehc.models import AssessmentRequest, CaseOrigin, RequestStatus
from ehc.workflow import Action

RECENT_DAYS = 30
# The steps an existing plan entered with its history may not have dates for (see case_due_dates).
ENTERED_HISTORY_KEYS = frozenset({"decision", "no_plan_notice", "review_report", "review_decision"})


def requests_drafts_of(*, user) -> list[AssessmentRequest]:
    return list(
        AssessmentRequest.objects.filter(
            owner=user,
            status=RequestStatus.DRAFT,
            about_case__isnull=True,  # case forms: Items to complete
        ).select_related("version__definition")
    )


def requests_submitted_recently(*, user) -> list[AssessmentRequest]:
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return list(
        AssessmentRequest.objects.filter(owner=user, status=RequestStatus.SUBMITTED, submitted_at__gte=since)
        .select_related("version__definition")
        .order_by("-submitted_at")
    )


def requests_incoming() -> list[AssessmentRequest]:
    """Submitted requests, newest first, for the SEND team (one query whatever their number)."""
    return list(
        AssessmentRequest.objects.filter(status=RequestStatus.SUBMITTED, about_case__isnull=True)
        .select_related("version__definition", "owner", "case")  # "case": audit rows name the child
        .order_by("-submitted_at")
    )


def advice_received_on(events) -> dict[int, datetime.date]:
    """When each request for advice was answered, by the id of the event that asked: a "Record advice
    received" names the request it answers (``detail["request_event"]``), never only a service's name,
    which two teams, or two requests to one team, share. The first answer counts."""
    received: dict[int, datetime.date] = {}
    for event in events:
        if event.action == Action.RECORD_ADVICE and event.detail.get("request_event"):
            received.setdefault(event.detail["request_event"], event.happened_on)
    return received


def case_due_dates(*, case) -> list:
    """Every due date for a case, from its recorded events and exceptions through the one clock
    (ARCHITECTURE.md 5: the parent's dashboard and the staff pages read the same dates). Two queries."""
    first: dict[str, object] = {}
    requested, reviews = [], []
    decided_review = None
    recorded = list(case.events.all())
    received = advice_received_on(recorded)
    for event in recorded:
        if event.action == Action.REQUEST_ADVICE:
            requested.append(event)
        elif event.action == Action.RECORD_REVIEW:
            reviews.append(event.happened_on)
            # Staff record a review once it has decided (the decision is part of the record), so the
            # report and the decision are done by that day.
            decided_review = event.happened_on if event.detail.get("decision") else None
        else:
            first.setdefault(event.action, event.happened_on)
    advice = [
        clock.AdviceRequest(
            event=event.id,
            requested=event.happened_on,
            source=event.detail.get("service", ""),
            from_setting=bool(event.detail.get("from_setting")),
            provided=received.get(event.id),
        )
        for event in requested
    ]
    events = clock.CaseEvents(
        received=case.received_on,
        decided_to_assess=first.get(Action.DECIDE_TO_ASSESS),
        decided_not_to_assess=first.get(Action.DECIDE_NOT_TO_ASSESS),
        advice_requested=tuple(advice),
        no_plan_notified=first.get(Action.DECIDE_NOT_TO_ISSUE),
        draft_served=first.get(Action.ISSUE_DRAFT),
        final_issued=first.get(Action.ISSUE_FINAL),
        review_meetings=tuple(reviews),
        review_report_sent=decided_review,
        review_decided=decided_review,
        ceased=first.get(Action.CEASE),
    )
    exceptions = [
        clock.ClockException(kind=e.kind, start=e.start, end=e.end, reason=e.reason)
        for e in case.exceptions.all()
    ]
    dues = clock.case_due_dates(events=events, exceptions=exceptions)
    if case.origin == CaseOrigin.EXISTING:
        # A plan entered with its history: steps that were not entered (the decision to assess, the
        # last review's report and decision) were done before the portal, so they are not duties now.
        dues = [d for d in dues if d.done is not None or d.key not in ENTERED_HISTORY_KEYS]
    return dues


# Periods that run for the family (to comment, to appeal) rather than duties of the council.
FAMILY_WINDOWS = ("draft_response", "amendment_comments", "appeal")


def case_next_due(dues: list):
    """The council's next duty among a case's due dates: the earliest open one that is the council's to
    meet (the family's comment and appeal windows are not), or None."""
    open_dues = [d for d in dues if d.done is None and not d.key.startswith(FAMILY_WINDOWS)]
    return min(open_dues, key=lambda d: d.due) if open_dues else None


CASEWORKING_ROLES = (Role.CASEWORKER, Role.SEND_MANAGER)


def caseworkers_of_council() -> list:
    """People who can hold cases in this council (caseworkers and SEND managers), by name. One query."""
    members = Membership.objects.filter(role__in=CASEWORKING_ROLES, is_active=True).values("user_id")
    return list(
        get_user_model()
        .objects.filter(id__in=members, is_active=True)
        .order_by("first_name", "last_name", "id")
    )
