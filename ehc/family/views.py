"""The family's side of a child's case: the home page's list of children, the EHC dashboard with its
process tracker and dates, the request details and the SEN involvements (Oxfordshire guide section 4,
Hertfordshire's dashboard). Every page checks access with ehc.family.access.family_case_or_404."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ehc.cases.selectors import advice_received_on, case_due_dates
from ehc.family.access import family_case_or_404, family_cases_of
from ehc.hooks import portal_advice
from ehc.invitations.selectors import invitations_pending_of
from ehc.messages.selectors import unread_count_for
from ehc.models import AccessStatus, RequestStatus
from ehc.workflow import CLOSED, MAIN_PATH, Action, Stage


@require_GET
def home(request):
    """The council's start page; a signed-in person also sees each child linked to the account."""
    if not request.user.is_authenticated:
        return render(request, "core/home.html", {"children": [], "invitations_waiting": 0})
    return render(
        request,
        "core/home.html",
        {
            "children": family_cases_of(request.user),
            "invitations_waiting": len(invitations_pending_of(request.user)),
        },
    )


@dataclass(frozen=True)
class TrackerStep:
    stage: str
    label: str
    state: str  # "done" (grey), "now" (green), "next" (yellow), "later"


def tracker(stage: str) -> list[TrackerStep]:
    """The process tracker: the main path with each step done, now, next or later. A closed branch (not
    assessed, no plan, ceased) shows the path up to where it left it, and the branch as now."""
    if stage in CLOSED:
        left_at = {
            Stage.NOT_ASSESSED: Stage.DECISION_TO_ASSESS,
            Stage.NO_PLAN: Stage.ASSESSMENT,
            Stage.CEASED: Stage.PLAN_IN_PLACE,
        }[stage]
        path = list(MAIN_PATH[: MAIN_PATH.index(left_at) + 1])
        steps = [TrackerStep(s.value, s.label, "done") for s in path]
        return [*steps, TrackerStep(stage, Stage(stage).label, "now")]
    now = MAIN_PATH.index(Stage(stage))
    return [
        TrackerStep(
            s.value,
            s.label,
            "done" if i < now else "now" if i == now else "next" if i == now + 1 else "later",
        )
        for i, s in enumerate(MAIN_PATH)
    ]


def process_dates(case, dues) -> list[tuple[str, object, str]]:
    """EHC process dates as the guides list them: (label, date or text, note)."""
    by_key = {d.key: d for d in dues}

    def moved(key):
        due = by_key.get(key)
        if due and due.moved:
            return f"moved from {due.statutory_due:%-d %B %Y} because of an exception to the time limits"
        return ""

    issued_finals = [e.happened_on for e in case.events.all() if e.action == Action.ISSUE_FINAL]
    draft = next((e.happened_on for e in case.events.all() if e.action == Action.ISSUE_DRAFT), None)
    reviews = sorted(d for d in dues if d.key.startswith("annual_review:") and d.done is None)
    rows = [
        ("Date of the EHCNA Request", case.received_on, ""),
        ("Requestor", case.requestor or "Not recorded", ""),
    ]
    if "decision" in by_key:
        rows.append(("Decision to carry out Assessment Due Date", by_key["decision"].due, moved("decision")))
    if draft:
        rows.append(("Plan Issue Date", draft, ""))
    if "final_plan" in by_key:
        rows.append(("Final EHCP Issued Due Date", by_key["final_plan"].due, moved("final_plan")))
    if issued_finals:
        rows.append(("Final EHCP Issued Date", issued_finals[0], ""))
        rows.append(("Latest EHCP Issued Date", issued_finals[-1], ""))
    if reviews:
        rows.append(("Next annual review due", reviews[0].due, ""))
    return rows


def _dashboard_counts(case, user) -> dict:
    return {
        "forms_to_complete": case.forms.filter(owner=user, status=RequestStatus.DRAFT).count(),
        "documents": case.documents.count(),
        "unread_messages": unread_count_for(case, user),
    }


@login_required
@require_GET
def dashboard(request, reference):
    case = family_case_or_404(request, reference, prefetch_related=("events", "exceptions"))
    dues = case_due_dates(case=case)
    config = request.council_config
    descriptions = {d.stage: d.what_happens for d in config.stage_descriptions.all()}
    context = {
        "case": case,
        "section": "dashboard",
        "steps": tracker(case.stage),
        "what_happens": descriptions.get(case.stage, ""),
        "dates": process_dates(case, dues),
        "teams": list(config.teams.all()),
        **_dashboard_counts(case, request.user),
    }
    return render(request, "ehc/family/dashboard.html", context)


@login_required
@require_GET
def request_details(request, reference):
    case = family_case_or_404(
        request,
        reference,
        select_related=("caseworker", "request"),
        prefetch_related=("events", "exceptions"),
    )
    dues = case_due_dates(case=case)
    own_request = case.request if case.request and case.request.owner_id == request.user.pk else None
    return render(
        request,
        "ehc/family/request_details.html",
        {"case": case, "section": "request", "dates": process_dates(case, dues), "own_request": own_request},
    )


@login_required
@require_GET
def involvements(request, reference):
    case = family_case_or_404(request, reference, prefetch_related=("events",))
    recorded = list(case.events.all())
    received = advice_received_on(recorded)
    # Advice a health team wrote on the portal can be read once it is submitted (the hub guide).
    on_portal = portal_advice()
    written = on_portal.written(case=case) if on_portal else {}
    advice = [
        {
            "service": event.detail.get("service", ""),
            "asked": event.happened_on,
            "received": received.get(event.pk),
            "written": written.get(event.pk),
        }
        for event in recorded
        if event.action == Action.REQUEST_ADVICE
    ]
    teams = list(request.council_config.teams.all())
    return render(
        request,
        "ehc/family/involvements.html",
        {
            "case": case,
            "section": "involvements",
            "advice": advice,
            "teams": teams,
            "others": case.accesses.filter(status=AccessStatus.ACTIVE).exclude(user=request.user).count(),
        },
    )
