"""Reads for cases: a case's due dates from the one clock and its next duty, the people who can hold
cases, cases for the same child, and the SEND team's case list with its search and filters."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from core.inputs import whole_number
from core.models import Membership
from core.roles import Role
from ehc import clock
from ehc.models import Case, CaseOrigin, Placement
from ehc.workflow import Action, Stage

# "Due soon" on every list that says it: the case list, the SEND team's workspace, the health hub's lists.
DUE_SOON_DAYS = 14
SORTS = {
    "due": ("next_due_on", "-received_on", "-id"),  # nulls last: PostgreSQL's default for ascending
    "received": ("-received_on", "-id"),
    "name": ("child_last_name", "child_first_name", "id"),
}
# The steps an existing plan entered with its history may not have dates for (see case_due_dates).
ENTERED_HISTORY_KEYS = frozenset({"decision", "no_plan_notice", "review_report", "review_decision"})


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


def cases_same_child(*, first_name: str, last_name: str, date_of_birth: datetime.date) -> list[Case]:
    """Cases for a child with this first name, last name (ignoring case) and date of birth. One query."""
    return list(
        Case.objects.filter(
            child_first_name__iexact=first_name.strip(),
            child_last_name__iexact=last_name.strip(),
            child_date_of_birth=date_of_birth,
        ).order_by("-received_on", "-id")
    )


def _date_in(query: str) -> datetime.date | None:
    """A date of birth typed into the search box: 23/11/2015, 23-11-2015 or 2015-11-23."""
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(query, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def _search(cases, query: str):
    """Search by a date of birth, or by words each matching the first name, last name or reference."""
    if not query:
        return cases
    born = _date_in(query)
    if born:
        return cases.filter(child_date_of_birth=born)
    match = Q()
    for word in query.split():
        match &= (
            Q(child_first_name__icontains=word)
            | Q(child_last_name__icontains=word)
            | Q(reference__icontains=word)
        )
    return cases.filter(match)


def _by_caseworker(cases, chosen: dict, *, user):
    """ "me", "none" (not allocated) or a person's id; anything else is no filter."""
    if chosen["caseworker"] == "me":
        return cases.filter(caseworker=user)
    if chosen["caseworker"] == "none":
        return cases.filter(caseworker__isnull=True)
    if (number := whole_number(chosen["caseworker"])) is not None:
        return cases.filter(caseworker_id=number)
    chosen["caseworker"] = ""
    return cases


def cases_filtered(params, *, user, today: datetime.date):
    """The case list's search, filters and order, from the query string. Returns (queryset, chosen)."""
    chosen = {
        "q": params.get("q", "").strip(),
        "stage": params.get("stage", "") if params.get("stage", "") in Stage.values else "",
        "caseworker": params.get("caseworker", ""),
        "setting": params.get("setting", "").strip(),
        "due": params.get("due", "") if params.get("due", "") in {"soon", "overdue"} else "",
        "sort": params.get("sort", "") if params.get("sort", "") in SORTS else "due",
    }
    if params.get("mine"):  # the old "Only my cases" link
        chosen["caseworker"] = "me"
    cases = Case.objects.select_related("caseworker")
    cases = _search(cases, chosen["q"])
    if chosen["stage"]:
        cases = cases.filter(stage=chosen["stage"])
    cases = _by_caseworker(cases, chosen, user=user)
    if chosen["setting"]:
        cases = cases.filter(
            Exists(
                Placement.objects.filter(
                    case=OuterRef("pk"), setting_name__icontains=chosen["setting"], leaving_date__isnull=True
                )
            )
        )
    if chosen["due"] == "overdue":
        cases = cases.filter(next_due_on__lt=today)
    elif chosen["due"] == "soon":
        cases = cases.filter(next_due_on__range=(today, today + datetime.timedelta(DUE_SOON_DAYS)))
    return cases.order_by(*SORTS[chosen["sort"]]), chosen
