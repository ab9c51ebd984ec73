"""Timeliness of final EHC plans for a calendar year: the share issued within 20 weeks, with and
without exceptions, and the late ones (STATUTORY.md "SEN2": DfE publishes both figures).

Pure: no ORM. It reads each case's due dates from the one clock (``ehc.cases.selectors.case_due_dates``), so
the figures say on time or late exactly as the case page does. The definitions, in the words the
page shows them:

- A plan counts for a year if its final plan was issued in that calendar year (1 January to
  31 December), whenever the request was received.
- On time means issued on or before the 20-week date: the last day of 20 weeks counting the day the
  request was received as day one (``Due.statutory_due``, tested by ``Due.met``). A date moved by an
  exception is never used for these figures; it is shown beside the late ones.
- "Including exceptions": every final plan issued in the year. A plan where an exception applied
  still counts, and is on time only if it was issued by the 20-week date.
- "Excluding exceptions": only the plans where no exception applied to the 20-week limit
  (``Due.applies``): an exception applies if it is recorded on the case, is of a kind the 20-week
  limit allows (closure with advice asked of the setting in its window, exceptional personal
  circumstances, or 4 weeks or more away from the area) and overlaps the 20 weeks.
- Late: issued after the 20-week date, with or without an exception.
- Weeks taken counts the day the request was received as day one, as the 20-week date does, so a
  plan issued on its 20-week date took exactly 20 weeks.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

FINAL_PLAN_KEY = "final_plan"
NO_PLANS = "no plans issued"


@dataclass(frozen=True)
class Measure:
    """How many final plans were issued, and how many of them by the 20-week date."""

    issued: int
    on_time: int

    @property
    def percentage(self) -> Decimal | None:
        """The share on time, to one decimal place (halves rounded up); None when none were issued."""
        if not self.issued:
            return None
        share = Decimal(100 * self.on_time) / Decimal(self.issued)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def shown(self) -> str:
        """ "46.0%", or "no plans issued"."""
        return NO_PLANS if self.percentage is None else f"{self.percentage}%"


@dataclass(frozen=True)
class LatePlan:
    reference: str
    child_name: str
    received: date
    final_due: date  # the 20-week date, counting the day received as day one
    issued: date
    exception: bool  # an exception applied to the 20-week limit
    because: tuple[str, ...] = ()  # the exceptions' reasons
    moved_due: date | None = None  # the date as moved by the exceptions, when one applied

    @property
    def days_taken(self) -> int:
        return (self.issued - self.received).days + 1

    @property
    def weeks_taken(self) -> str:
        """ "21 weeks", "20 weeks and 1 day": the day received is day one."""
        weeks, days = divmod(self.days_taken, 7)
        text = f"{weeks} week{'s' if weeks != 1 else ''}"
        if days:
            text += f" and {days} day{'s' if days != 1 else ''}"
        return text

    @property
    def issued_by_moved_date(self) -> bool:
        """Issued by the date as the exceptions moved it (late against the 20 weeks all the same)."""
        return self.moved_due is not None and self.issued <= self.moved_due


@dataclass(frozen=True)
class Timeliness:
    year: int
    including_exceptions: Measure
    excluding_exceptions: Measure
    late: tuple[LatePlan, ...]


def _final_plan(dues) -> object | None:
    return next((due for due in dues if due.key == FINAL_PLAN_KEY), None)


def timeliness_for_year(*, year: int, cases_with_dues: Iterable[tuple[object, list]]) -> Timeliness:
    """The year's figures from ``(case, dues)`` pairs, ``dues`` being ``case_due_dates(case=case)``.

    A case needs ``reference``, ``child_name`` and ``received_on``. Cases whose final plan was not
    issued in ``year`` (not yet, or another year) are left out, so callers may pass more than the year's.
    """
    issued = on_time = issued_no_exception = on_time_no_exception = 0
    late = []
    for case, dues in cases_with_dues:
        due = _final_plan(dues)
        if due is None or due.done is None or due.done.year != year:
            continue
        met = bool(due.met)
        issued += 1
        on_time += met
        if due.applies:
            issued_no_exception += 1
            on_time_no_exception += met
        if not met:
            late.append(
                LatePlan(
                    reference=case.reference,
                    child_name=case.child_name,
                    received=case.received_on,
                    final_due=due.statutory_due,
                    issued=due.done,
                    exception=not due.applies,
                    because=tuple(dict.fromkeys(e.because for e in due.moved_by)),
                    moved_due=None if due.applies else due.due,
                )
            )
    return Timeliness(
        year=year,
        including_exceptions=Measure(issued=issued, on_time=on_time),
        excluding_exceptions=Measure(issued=issued_no_exception, on_time=on_time_no_exception),
        late=tuple(sorted(late, key=lambda plan: (plan.issued, plan.reference))),
    )
