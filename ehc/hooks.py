"""Where an app above ehc hears of it and adds to it. The layer order (docs/ARCHITECTURE.md) lets hub
import ehc and never the reverse, so where ehc must reach the health hub, ehc defines the hook here and
hub fills it from its AppConfig.ready(). With nothing registered ehc still works: advice is then asked
and recorded by the service's name alone."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.dispatch import Signal

# Sent by case_due_refresh, inside the transaction that changed the case, with ``case`` and ``dues``
# (the clock's Due rows): whoever keeps a copy of a due date keeps it following the clock. An advice
# date's key is "advice:<id of the case event that asked>".
case_dues_refreshed = Signal()


@dataclass(frozen=True)
class PortalAdvice:
    """Advice asked and answered on the portal itself (the health hub's teams), as ehc's pages show it.
    One registration rather than a section per page: the staff case page's form asks, its section
    lists, and the family's involvements page links, all of the same requests.

    - ``choices()``: (value, name) of whom "Who is the advice asked of" may choose on the portal, under
      the heading ``choices_label``, each value starting with ``prefix``, so a choice no longer offered
      is refused, never taken for the name of a service asked outside the portal (one query);
    - ``ask(case=, chosen=, by=, requested_on=)``: ask the one chosen (a value of ``choices``), recording
      the case's "Request advice"; returns the message to show, or raises ValidationError;
    - ``prefetch()``: read with the staff case page's case, for its two templates (one query);
    - ``link_template`` and ``section_template``: the case page's "On this page" link and its section,
      after the form;
    - ``written(case=)``: the id of each request event whose advice the family may read on the portal,
      to the link to read it (one query);
    - ``for_plan(case=)``: each piece of advice submitted on the portal for the case, as the plan editor
      offers it to start sections B to G and K from (``AdviceForPlan``), oldest first (a fixed number of
      queries, however many teams answered).
    """

    prefix: str
    choices_label: str
    choices: Callable[[], list[tuple[str, str]]]
    ask: Callable[..., str]
    prefetch: Callable[[], Prefetch]
    link_template: str
    section_template: str
    written: Callable[..., dict[int, str]]
    for_plan: Callable[..., list["AdviceForPlan"]]


@dataclass(frozen=True)
class AdviceForPlan:
    """One team's submitted advice, as the plan is started from it. ``source_key`` is
    "advice:<id of the case event that asked>"; ``source`` names it on the plan ("Speech and language
    therapy advice, 3 Mar 2026"). Areas are the keys of ehc.models.NeedArea (the advice template's areas).

    - ``needs``: (area, what the team wrote as the child's needs in that area), one per area each
      professional answered;
    - ``outcomes``: (area or "" when the team's words match no area, outcome, steps);
    - ``provision``: (the outcome it supports, as the team wrote it, the provision).
    """

    source_key: str
    source: str
    team: str
    submitted_on: date
    needs: tuple[tuple[str, str], ...] = ()
    outcomes: tuple[tuple[str, str, str], ...] = ()
    provision: tuple[tuple[str, str], ...] = ()


_PORTAL_ADVICE: dict[str, PortalAdvice] = {}


def portal_advice_register(advice: PortalAdvice) -> None:
    _PORTAL_ADVICE["advice"] = advice


def portal_advice() -> PortalAdvice | None:
    return _PORTAL_ADVICE.get("advice")
