"""The statutory clock: every EHC due date, computed from a case's events (docs STATUTORY.md).

Pure: standard library only, no Django and no ORM, so the parent's dashboard, the staff case list, the
reminders and the SEN2 return all read the same dates, and the rules are tested without a database.

Counting ("Counting" in STATUTORY.md). A due date is the last day of the period, counting the day the
clock starts as day one, so it is never later than the legal limit:

- N weeks from S ends on S + 7N - 1 days (6 weeks from 1 January 2021 ends on 11 February 2021).
- N days from S ends on S + N - 1 days.
- N months from S ends on the day before the date N months later. Where that later month has no such
  date (29 February in a common year, the 31st of a 30-day month), the period runs to the end of that
  month: a plan issued on 29 February 2024 is reviewed by 28 February 2025, and one month from
  31 January ends on the last day of February. In those cases this is the day the courts'
  corresponding-date rule gives when the start day is excluded, and otherwise a day before it, so it
  is never later than the law allows.
- "At least N before" limits (review invitations, the post-16 move) count back from the later event:
  the latest day on which the thing can be done and still leave the whole period.

Exceptions (Regs. 5(4), 8(2), 10(4), 13(3)). Where one applies the limit does not: the council must
act as soon as practicable instead. The model here is conservative, so that a limit is never excused
on weaker evidence than the regulations ask for:

- Only the 6-week decision, the 6-week advice, the 16-week no-plan notice and the 20-week final plan
  have exceptions; every other date always applies.
- Exceptional personal circumstances count for any length; absence from the area counts only if it
  lasts 4 weeks (28 days) or more; a missed appointment counts only for advice (Reg. 8).
- A closure counts only if it lasts 4 weeks or more and the case records advice asked of a school,
  college or early-years provider during its window (one week before the closure until one week before
  it reopens). For an advice request, only that setting's own request made in the window counts.
- An exception applies to a limit only if its period (for a closure, the window) overlaps the limit's
  statutory running period, from the clock's start to the statutory due date. Something that starts
  after the date has passed cannot have made the date impractical.
- The limit is then marked ``applies=False`` (SEN2 reports whether 20-week exceptions applied), and
  the date shown moves later by the number of days of overlap, each day counted once however many
  exceptions cover it. The moved date is an expectation for the dashboard ("moved to X because Y"),
  not a legal limit; ``statutory_due`` keeps the original so reports can say on time or late against
  both.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# Stage keys from ehc/workflow.py (not imported: this module stays free of Django).
REQUEST_RECEIVED = "request_received"
DECISION_TO_ASSESS = "decision_to_assess"
ASSESSMENT = "assessment"
DRAFT_PLAN = "draft_plan"
FINAL_PLAN = "final_plan"
PLAN_IN_PLACE = "plan_in_place"
NOT_ASSESSED = "not_assessed"
NO_PLAN = "no_plan"
CEASED = "ceased"

# "A continuous period of not less than 4 weeks" (closures and absence from the area).
CONTINUOUS_DAYS = 28
CLOSURE_WINDOW_LEAD = timedelta(weeks=1)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --- Counting -----------------------------------------------------------------------------------------


def _month_shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _first_of_next_month(year: int, month: int) -> date:
    year, month = _month_shift(year, month, 1)
    return date(year, month, 1)


@dataclass(frozen=True)
class Period:
    """A length of time; ``end`` is its last day counting the start as day one (see the module doc)."""

    weeks: int = 0
    days: int = 0
    months: int = 0

    def end(self, start: date) -> date:
        if self.months:
            year, month = _month_shift(start.year, start.month, self.months)
            try:
                later = date(year, month, start.day)
            except ValueError:  # no such day that month: the period runs to the month's end
                later = _first_of_next_month(year, month)
            return later - timedelta(days=1)
        return start + timedelta(days=7 * self.weeks + self.days - 1)

    def before(self, event: date) -> date:
        """The latest day that still leaves the whole period before ``event``."""
        if self.months:
            year, month = _month_shift(event.year, event.month, -self.months)
            try:
                return date(year, month, event.day)
            except ValueError:  # no such day that month: its last day, the earlier choice
                return _first_of_next_month(year, month) - timedelta(days=1)
        return event - timedelta(days=7 * self.weeks + self.days)


# --- Exceptions ---------------------------------------------------------------------------------------


class ExceptionKind(StrEnum):
    CLOSURE = "closure"
    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    ABSENCE_FROM_AREA = "absence_from_area"
    MISSED_APPOINTMENT = "missed_appointment"


EXCEPTION_LABELS = {
    ExceptionKind.CLOSURE: "the school or college was closed",
    ExceptionKind.PERSONAL_CIRCUMSTANCES: "exceptional personal circumstances",
    ExceptionKind.ABSENCE_FROM_AREA: "the family was away from the area",
    ExceptionKind.MISSED_APPOINTMENT: "an appointment was missed",
}


def closure_window(*, closure_start: date, closure_end: date) -> tuple[date, date]:
    """The window for asking a closed setting for advice: from one week before the closure until one
    week before it reopens. ``closure_end`` is the last day closed, so it reopens the day after."""
    if closure_end < closure_start:
        raise ValueError("a closure cannot end before it starts")
    reopens = closure_end + timedelta(days=1)
    return closure_start - CLOSURE_WINDOW_LEAD, reopens - CLOSURE_WINDOW_LEAD


@dataclass(frozen=True)
class ClockException:
    """One recorded reason a limit may be impractical. ``start`` and ``end`` are inclusive; for a
    closure they are the first and last days the setting is closed; for a missed appointment, the
    appointment and the day it was rebooked for (or the same day)."""

    kind: ExceptionKind
    start: date
    end: date
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ExceptionKind(self.kind))
        if self.end < self.start:
            raise ValueError("an exception cannot end before it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def long_enough(self) -> bool:
        """Closures and absences count only when continuous for 4 weeks or more."""
        if self.kind in (ExceptionKind.CLOSURE, ExceptionKind.ABSENCE_FROM_AREA):
            return self.days >= CONTINUOUS_DAYS
        return True

    @property
    def period(self) -> tuple[date, date]:
        """The days this exception covers on the clock: a closure's window, otherwise start to end."""
        if self.kind is ExceptionKind.CLOSURE:
            return closure_window(closure_start=self.start, closure_end=self.end)
        return self.start, self.end

    @property
    def because(self) -> str:
        return self.reason or EXCEPTION_LABELS[self.kind]


# --- The rules, as data -------------------------------------------------------------------------------

_PERSONAL_OR_AWAY = frozenset({ExceptionKind.PERSONAL_CIRCUMSTANCES, ExceptionKind.ABSENCE_FROM_AREA})


@dataclass(frozen=True)
class Limit:
    label: str
    stage: str
    period: Period
    rule: str
    exceptions: frozenset[ExceptionKind] = frozenset()


LIMITS: dict[str, Limit] = {
    "decision": Limit(
        "Decision whether to assess",
        DECISION_TO_ASSESS,
        Period(weeks=6),
        "6 weeks from the request (Reg. 5(1))",
        _PERSONAL_OR_AWAY | {ExceptionKind.CLOSURE},
    ),
    "advice": Limit(
        "Advice and information",
        ASSESSMENT,
        Period(weeks=6),
        "6 weeks from the request for advice (Reg. 8(1))",
        _PERSONAL_OR_AWAY | {ExceptionKind.CLOSURE, ExceptionKind.MISSED_APPOINTMENT},
    ),
    "no_plan_notice": Limit(
        "Notice if no plan will be issued",
        NO_PLAN,
        Period(weeks=16),
        "16 weeks from the request (Reg. 10(1))",
        _PERSONAL_OR_AWAY | {ExceptionKind.CLOSURE},
    ),
    "draft_response": Limit(
        "Comments on the draft plan",
        DRAFT_PLAN,
        Period(days=15),
        "At least 15 days from the draft being served (Reg. 13(1))",
    ),
    "consultation_reply": Limit(
        "School or college replies to the consultation",
        DRAFT_PLAN,
        Period(days=15),
        "Within 15 days of the consultation (Code of Practice 9.79)",
    ),
    "final_plan": Limit(
        "Final plan issued",
        FINAL_PLAN,
        Period(weeks=20),
        "20 weeks from the request (Reg. 13(2))",
        _PERSONAL_OR_AWAY | {ExceptionKind.CLOSURE},
    ),
    "annual_review": Limit(
        "Annual review",
        PLAN_IN_PLACE,
        Period(months=12),
        "Within 12 months of the plan's issue (s.44 Children and Families Act 2014; Reg. 18)",
    ),
    "annual_review_again": Limit(
        "Annual review",
        PLAN_IN_PLACE,
        Period(months=12),
        "Within 12 months of the last review meeting (s.44 Children and Families Act 2014; Reg. 18)",
    ),
    "review_notice": Limit(
        "Review meeting invitations and advice sent",
        PLAN_IN_PLACE,
        Period(weeks=2),
        "At least 2 weeks before the review meeting (Reg. 20)",
    ),
    "review_report": Limit(
        "Review report sent",
        PLAN_IN_PLACE,
        Period(weeks=2),
        "Within 2 weeks of the review meeting (Reg. 20)",
    ),
    "review_decision": Limit(
        "Decision after the review",
        PLAN_IN_PLACE,
        Period(weeks=4),
        "Within 4 weeks of the review meeting (Reg. 20; R (L, M and P) v Devon CC [2022] EWHC 493)",
    ),
    "amendment_comments": Limit(
        "Comments on the proposed amendments",
        PLAN_IN_PLACE,
        Period(days=15),
        "At least 15 days from the amendment notice (Reg. 22)",
    ),
    "amended_plan": Limit(
        "Final amended plan issued",
        PLAN_IN_PLACE,
        Period(weeks=8),
        "8 weeks from the amendment notice (Reg. 22)",
    ),
    "post16_move": Limit(
        "Plan amended for the move between post-16 institutions",
        PLAN_IN_PLACE,
        Period(months=5),
        "At least 5 months before the move between post-16 institutions (Reg. 18)",
    ),
    "appeal": Limit(
        "Appeal to the Tribunal",
        FINAL_PLAN,
        Period(months=2),
        "2 months from the decision, or 1 month from a mediation certificate if later (Tribunal rules)",
    ),
}
MEDIATION_PERIOD = Period(months=1)


class TransferKind(StrEnum):
    SCHOOL = "school"  # early years to school, infant to junior, primary to middle or secondary, ...
    SECONDARY_TO_POST16 = "secondary_to_post16"


# (month, day, rule) of the year of transfer, Reg. 18.
PHASE_TRANSFER_DATES = {
    TransferKind.SCHOOL: (2, 15, "15 February of the year of transfer (Reg. 18)"),
    TransferKind.SECONDARY_TO_POST16: (
        3,
        31,
        "31 March of the year of transfer from secondary school to post-16 (Reg. 18)",
    ),
}


# --- One limit at a time ------------------------------------------------------------------------------


def decision_due(*, received: date) -> date:
    return LIMITS["decision"].period.end(received)


def advice_due(*, requested: date) -> date:
    return LIMITS["advice"].period.end(requested)


def no_plan_notice_due(*, received: date) -> date:
    return LIMITS["no_plan_notice"].period.end(received)


def draft_response_window(*, served: date) -> tuple[date, date]:
    """(the last day to respond to the draft, the earliest day the final plan may follow)."""
    last = LIMITS["draft_response"].period.end(served)
    return last, last + timedelta(days=1)


def consultation_reply_due(*, consulted: date) -> date:
    return LIMITS["consultation_reply"].period.end(consulted)


def final_plan_due(*, received: date) -> date:
    return LIMITS["final_plan"].period.end(received)


def annual_review_due(*, from_date: date) -> date:
    """12 months from the plan's issue, then from each review meeting."""
    return LIMITS["annual_review"].period.end(from_date)


def review_notice_due(*, meeting: date) -> date:
    """The last day to send the invitations and advice, at least 2 weeks before the meeting."""
    return LIMITS["review_notice"].period.before(meeting)


def review_report_due(*, meeting: date) -> date:
    return LIMITS["review_report"].period.end(meeting)


def review_decision_due(*, meeting: date) -> date:
    return LIMITS["review_decision"].period.end(meeting)


def amendment_comment_window(*, amendment_notice: date) -> tuple[date, date]:
    """(the last day to comment on proposed amendments, the earliest day the amended plan may follow)."""
    last = LIMITS["amendment_comments"].period.end(amendment_notice)
    return last, last + timedelta(days=1)


def amended_plan_due(*, amendment_notice: date) -> date:
    return LIMITS["amended_plan"].period.end(amendment_notice)


def phase_transfer_due(*, transfer_year: int, kind: TransferKind) -> date:
    month, day, _rule = PHASE_TRANSFER_DATES[TransferKind(kind)]
    return date(transfer_year, month, day)


def post16_move_due(*, move: date) -> date:
    """A move between post-16 institutions: the plan is amended at least 5 months before it."""
    return LIMITS["post16_move"].period.before(move)


def appeal_deadline(*, decision: date, mediation_certificate: date | None = None) -> date:
    deadline = LIMITS["appeal"].period.end(decision)
    if mediation_certificate is not None:
        deadline = max(deadline, MEDIATION_PERIOD.end(mediation_certificate))
    return deadline


# --- A case's dates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdviceRequest:
    """The council's request for advice; ``from_setting`` for a school, college or early-years
    provider (the closure exception applies only to those). ``requested`` is the date sent, taken as
    the date received, which is never later. ``event`` is its identity (the id of the case event that
    asked): its date is keyed by it, never by its position or the service's name, so two teams with the
    same name, or a team asked twice, each keep their own date."""

    event: int
    requested: date
    source: str = ""
    from_setting: bool = False
    provided: date | None = None


@dataclass(frozen=True)
class CaseEvents:
    """What has happened on a case. Review, amendment and transfer fields describe the current cycle;
    ``mediation_certificate`` belongs to the latest appealable decision made on or before it."""

    received: date | None = None
    decided_to_assess: date | None = None
    decided_not_to_assess: date | None = None
    advice_requested: tuple[AdviceRequest, ...] = ()
    no_plan_notified: date | None = None
    draft_served: date | None = None
    consulted: tuple[date, ...] = ()
    final_issued: date | None = None
    review_meetings: tuple[date, ...] = ()
    review_meeting_planned: date | None = None
    review_report_sent: date | None = None
    review_decided: date | None = None
    amendment_notice: date | None = None
    amended_plan_issued: date | None = None
    transfer_year: int | None = None
    transfer_kind: TransferKind | None = None
    post16_move: date | None = None
    transfer_plan_issued: date | None = None
    ceased: date | None = None
    mediation_certificate: date | None = None


@dataclass(frozen=True)
class Due:
    key: str
    label: str
    stage: str
    due: date
    statutory_due: date
    rule: str
    moved_by: tuple[ClockException, ...] = ()
    applies: bool = True
    done: date | None = None
    not_before: date | None = None

    @property
    def moved(self) -> bool:
        return self.due != self.statutory_due

    @property
    def met(self) -> bool | None:
        """Done by the statutory date (None while not done)."""
        return None if self.done is None else self.done <= self.statutory_due

    @property
    def met_moved(self) -> bool | None:
        """Done by the date as moved by exceptions (None while not done)."""
        return None if self.done is None else self.done <= self.due

    @property
    def early(self) -> bool:
        """Done before the comment period allowed (a final plan before the 15 days ran out)."""
        return self.done is not None and self.not_before is not None and self.done < self.not_before


def _overlap_days(ranges: Iterable[tuple[date, date]]) -> int:
    """How many days the ranges cover, each day once."""
    days: set[date] = set()
    for first, last in ranges:
        days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return len(days)


@dataclass(frozen=True)
class _Clock:
    """Builds one case's ``Due`` rows, applying the recorded exceptions to the limits that have them."""

    events: CaseEvents
    exceptions: tuple[ClockException, ...]

    @property
    def setting_requests(self) -> tuple[date, ...]:
        return tuple(a.requested for a in self.events.advice_requested if a.from_setting)

    def _applied(
        self, *, limit: Limit, start: date, statutory_due: date, advice: AdviceRequest | None
    ) -> tuple[ClockException, ...]:
        applied = []
        for exception in self.exceptions:
            if exception.kind not in limit.exceptions or not exception.long_enough:
                continue
            first, last = exception.period
            if exception.kind is ExceptionKind.CLOSURE:
                # Only advice asked of a setting during the window brings a closure in.
                if advice is None:
                    asked = self.setting_requests
                elif advice.from_setting:
                    asked = (advice.requested,)
                else:
                    continue
                if not any(first <= day <= last for day in asked):
                    continue
            if first <= statutory_due and last >= start:
                applied.append(exception)
        return tuple(applied)

    def due(
        self,
        key: str,
        limit_key: str,
        *,
        start: date,
        statutory_due: date | None = None,
        done: date | None = None,
        label: str = "",
        not_before: date | None = None,
        advice: AdviceRequest | None = None,
    ) -> Due:
        limit = LIMITS[limit_key]
        statutory = statutory_due or limit.period.end(start)
        applied = self._applied(limit=limit, start=start, statutory_due=statutory, advice=advice)
        moved = _overlap_days(
            (max(first, start), min(last, statutory)) for first, last in (e.period for e in applied)
        )
        return Due(
            key=key,
            label=label or limit.label,
            stage=limit.stage,
            due=statutory + timedelta(days=moved),
            statutory_due=statutory,
            rule=limit.rule,
            moved_by=applied,
            applies=not applied,
            done=done,
            not_before=not_before,
        )

    def request(self) -> list[Due]:
        events, received = self.events, self.events.received
        if received is None:
            return []
        decided = _first(events.decided_to_assess, events.decided_not_to_assess)
        dues = [self.due("decision", "decision", start=received, done=decided)]
        plan_made = events.draft_served is not None or events.final_issued is not None
        no_plan = events.no_plan_notified is not None
        assessing = events.decided_to_assess is not None or plan_made or no_plan
        # The 16-week notice matters only once assessing, and only until a draft shows a plan is coming.
        if assessing and (no_plan or not plan_made):
            dues.append(
                self.due("no_plan_notice", "no_plan_notice", start=received, done=events.no_plan_notified)
            )
        # The 20-week date runs from the request, so it shows from the start (as Oxfordshire's portal
        # does), until a refusal to assess or a decision not to issue a plan ends that path.
        refused = events.decided_not_to_assess is not None and not assessing
        if not refused and (events.final_issued is not None or not no_plan):
            earliest = None
            if events.draft_served is not None:
                earliest = draft_response_window(served=events.draft_served)[1]
            dues.append(
                self.due(
                    "final_plan", "final_plan", start=received, done=events.final_issued, not_before=earliest
                )
            )
        return dues

    def advice(self) -> list[Due]:
        requests = sorted(self.events.advice_requested, key=lambda a: a.requested)
        return [
            self.due(
                f"advice:{advice.event}",
                "advice",
                start=advice.requested,
                done=advice.provided,
                label=f"Advice from {advice.source}" if advice.source else "",
                advice=advice,
            )
            for advice in requests
        ]

    def draft(self) -> list[Due]:
        served = self.events.draft_served
        if served is None or self.events.final_issued is not None:
            return []
        consulted = enumerate(sorted(self.events.consulted), start=1)
        return [
            self.due("draft_response", "draft_response", start=served),
            *(self.due(f"consultation:{n}", "consultation_reply", start=day) for n, day in consulted),
        ]

    def reviews(self) -> list[Due]:
        events, issued = self.events, self.events.final_issued
        if issued is None:
            return []
        dues = []
        previous = issued
        meetings = sorted(m for m in events.review_meetings if m >= issued)
        for number, meeting in enumerate(meetings, start=1):
            limit_key = "annual_review" if number == 1 else "annual_review_again"
            dues.append(self.due(f"annual_review:{number}", limit_key, start=previous, done=meeting))
            previous = meeting
        if events.ceased is None:
            limit_key = "annual_review_again" if meetings else "annual_review"
            dues.append(self.due(f"annual_review:{len(meetings) + 1}", limit_key, start=previous))
            if (planned := events.review_meeting_planned) is not None:
                notice_due = review_notice_due(meeting=planned)
                dues.append(
                    self.due("review_notice", "review_notice", start=planned, statutory_due=notice_due)
                )
        if meetings:
            last = meetings[-1]
            dues.append(
                self.due("review_report", "review_report", start=last, done=events.review_report_sent)
            )
            dues.append(
                self.due("review_decision", "review_decision", start=last, done=events.review_decided)
            )
        return dues

    def amendment(self) -> list[Due]:
        notice, issued = self.events.amendment_notice, self.events.amended_plan_issued
        if notice is None:
            return []
        earliest = amendment_comment_window(amendment_notice=notice)[1]
        dues = [self.due("amended_plan", "amended_plan", start=notice, done=issued, not_before=earliest)]
        if issued is None:
            dues.append(self.due("amendment_comments", "amendment_comments", start=notice))
        return dues

    def transfer(self) -> list[Due]:
        events = self.events
        if events.ceased is not None:
            return []
        dues = []
        if events.transfer_year is not None and events.transfer_kind is not None:
            kind = TransferKind(events.transfer_kind)
            transfer = phase_transfer_due(transfer_year=events.transfer_year, kind=kind)
            dues.append(
                Due(
                    key="phase_transfer",
                    label="Plan amended to name the new school or college",
                    stage=PLAN_IN_PLACE,
                    due=transfer,
                    statutory_due=transfer,
                    rule=PHASE_TRANSFER_DATES[kind][2],
                    done=events.transfer_plan_issued,
                )
            )
        if (move := events.post16_move) is not None:
            due = post16_move_due(move=move)
            dues.append(
                self.due(
                    "post16_move",
                    "post16_move",
                    start=move,
                    statutory_due=due,
                    done=events.transfer_plan_issued,
                )
            )
        return dues

    def appeals(self) -> list[Due]:
        events = self.events
        decisions = {
            "not_assessed": events.decided_not_to_assess,
            "no_plan": events.no_plan_notified,
            "final_plan": events.final_issued,
            "amended_plan": events.amended_plan_issued,
            "ceased": events.ceased,
        }
        made = [(day, name) for name, day in decisions.items() if day is not None]
        certificate = events.mediation_certificate
        mediated = max(
            ((d, n) for d, n in made if certificate is not None and d <= certificate), default=None
        )
        dues = []
        for day, name in made:
            label, stage = _APPEALABLE[name]
            deadline = appeal_deadline(
                decision=day, mediation_certificate=certificate if mediated == (day, name) else None
            )
            by_mediation = deadline != LIMITS["appeal"].period.end(day)
            dues.append(
                Due(
                    key=f"appeal:{name}",
                    label=label,
                    stage=stage,
                    due=deadline,
                    statutory_due=deadline,
                    rule=MEDIATION_RULE if by_mediation else LIMITS["appeal"].rule,
                )
            )
        return dues


# The decisions a parent or young person can appeal: key suffix -> (label, stage).
_APPEALABLE = {
    "not_assessed": ("Appeal against the decision not to assess", NOT_ASSESSED),
    "no_plan": ("Appeal against the decision not to issue a plan", NO_PLAN),
    "final_plan": ("Appeal against the plan", FINAL_PLAN),
    "amended_plan": ("Appeal against the amended plan", PLAN_IN_PLACE),
    "ceased": ("Appeal against ceasing the plan", CEASED),
}
MEDIATION_RULE = (
    "1 month from the mediation certificate, later than 2 months from the decision (Tribunal rules)"
)


def _first(*days: date | None) -> date | None:
    return min((d for d in days if d is not None), default=None)


def case_due_dates(*, events: CaseEvents, exceptions: Iterable[ClockException] = ()) -> list[Due]:
    """The due dates relevant to a case given what has happened, earliest first.

    Dates already met stay in the list with ``done`` set, so the 20-week figure and each review can be
    reported as on time or late against ``statutory_due`` and ``due``. Dates that no longer apply drop
    out: the 16-week notice once a draft is served, the comment windows once the plan they precede is
    issued, the next annual review and any transfer once a plan has ceased.
    """
    clock = _Clock(events=events, exceptions=tuple(exceptions))
    dues = [
        *clock.request(),
        *clock.advice(),
        *clock.draft(),
        *clock.reviews(),
        *clock.amendment(),
        *clock.transfer(),
        *clock.appeals(),
    ]
    return sorted(dues, key=lambda d: d.due)


# --- Showing dates ------------------------------------------------------------------------------------


def format_table(d: date) -> str:
    """11 Feb 2021: for tables."""
    return f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}"


def format_sentence(d: date) -> str:
    """11 February 2021: for sentences."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def describe_move(due: Due) -> str:
    """The dashboard's note on a moved date; empty when the date has not moved."""
    if not due.moved:
        return ""
    reasons = "; ".join(dict.fromkeys(e.because for e in due.moved_by))
    return f"Moved from {format_sentence(due.statutory_due)} to {format_sentence(due.due)} because {reasons}."
