"""Reads of a child's EHC plan for the SEND team's plan pages: the case's versions, a version's rows, and
what a draft can be started from (the family's request, the teams' advice, the documents on the case).

Each read is a fixed number of queries, however many rows a section has (the pages' query counts are
asserted at 1 and 100 rows: tests/ehc/plans/test_editor.py)."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format

from core.formdefs import definition_from_dict
from ehc.hooks import AdviceForPlan, portal_advice
from ehc.models import (
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    Case,
    CaseEvent,
    PlanInformation,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanSection,
    PlanStatus,
    PlanVersion,
    RequestStatus,
)
from ehc.workflow import Action, Stage

# A plan is written once the council has decided to assess, and kept while the plan is in place; a case
# closed without one (not assessed, no plan, ceased) starts none.
PLAN_STAGES = frozenset({Stage.ASSESSMENT, Stage.DRAFT_PLAN, Stage.FINAL_PLAN, Stage.PLAN_IN_PLACE})
# The request form's questions section A is started from (Part 2 "All About Me": the views, interests and
# aspirations of the child and of the family), in the order the plan shows them.
REQUEST_VIEWS = ("views_child", "views_family")
# The sections whose page is one answer rather than rows.
TEXT_SECTIONS = (PlanSection.A, PlanSection.I, PlanSection.J)
SECTION_ORDER = [s.value for s in PlanSection]


def plan_section_of(letter: str) -> PlanSection | None:
    """The section a URL names ("H1", "k"), or None."""
    letter = (letter or "").upper()
    return PlanSection(letter) if letter in SECTION_ORDER else None


@dataclass(frozen=True)
class Plan:
    """A case's plan: the version being written (if any) and the issued ones, oldest first."""

    working: PlanVersion | None
    issued: list[PlanVersion]

    @property
    def started(self) -> bool:
        return self.working is not None or bool(self.issued)


def plan_of_case(*, case: Case) -> Plan:
    """The case's plan versions (one query)."""
    versions = list(PlanVersion.objects.filter(case=case).select_related("issued_by").order_by("number"))
    for version in versions:
        version.case = case  # read already: the audit rows and links name it without a query
    return Plan(
        working=next((v for v in versions if v.status == PlanStatus.WORKING), None),
        issued=[v for v in versions if v.status == PlanStatus.ISSUED],
    )


def plan_working_version(*, case: Case) -> PlanVersion | None:
    """The version being written, or None (one query)."""
    version = PlanVersion.objects.filter(case=case, status=PlanStatus.WORKING).first()
    if version is not None:
        version.case = case
    return version


@dataclass
class PlanRows:
    """A version's rows, read once for a page that shows several sections (four queries)."""

    needs: list[PlanNeed]
    outcomes: list[PlanOutcome]
    provisions: list[PlanProvision]
    information: list[PlanInformation]

    def in_section(self, section: str) -> list:
        if section in NEED_SECTIONS:
            return [row for row in self.needs if row.section == section]
        if section == PlanSection.E:
            return self.outcomes
        if section in PROVISION_SECTIONS:
            return [row for row in self.provisions if row.section == section]
        if section == PlanSection.K:
            return self.information
        return []

    def source_keys(self) -> set[str]:
        return {
            row.source_key
            for rows in (self.needs, self.outcomes, self.provisions, self.information)
            for row in rows
            if row.source_key
        }


def plan_rows(*, version: PlanVersion) -> PlanRows:
    return PlanRows(
        needs=list(version.needs.all()),
        outcomes=list(version.outcomes.all()),
        provisions=list(version.provisions.all()),
        information=list(version.information.all()),
    )


def plan_section_rows(*, version: PlanVersion, section: str) -> list:
    """The rows of one section of a version, in order (one query; none for A, I and J)."""
    if section in NEED_SECTIONS:
        return list(version.needs.filter(section=section))
    if section == PlanSection.E:
        return list(version.outcomes.all())
    if section in PROVISION_SECTIONS:
        return list(version.provisions.filter(section=section))
    if section == PlanSection.K:
        return list(version.information.all())
    return []


def plan_outcome_choices(*, version: PlanVersion) -> list[PlanOutcome]:
    """The outcomes a provision row may serve (one query)."""
    return list(version.outcomes.only("id", "area", "outcome", "position", "version_id"))


# What a draft can be started from ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSource:
    """One thing the caseworker may bring into a new draft (each offered as a ticked checkbox): its key
    (the rows' ``source_key``), what it is, and what it would add, section by section."""

    key: str
    label: str
    adds: str
    advice: AdviceForPlan | None = None
    views: tuple[tuple[str, str], ...] = ()  # (question, answer) for section A
    information: tuple[tuple[str, str, date | None], ...] = ()  # (description, provided by, date) for K


@dataclass(frozen=True)
class PlanSources:
    request: PlanSource | None = None
    advice: list[PlanSource] = field(default_factory=list)
    information: list[PlanSource] = field(default_factory=list)

    def all(self) -> list[PlanSource]:
        return [*([self.request] if self.request else []), *self.advice, *self.information]


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _request_source(case: Case) -> PlanSource | None:
    request = case.request
    if request is None or request.status != RequestStatus.SUBMITTED:
        return None
    labels = {}
    for page in definition_from_dict(request.version.schema).pages:
        for question in page.questions:
            labels[question.key] = question.label
    views = tuple(
        (labels.get(key, key), str(request.answers.get(key) or "").strip())
        for key in REQUEST_VIEWS
        if str(request.answers.get(key) or "").strip()
    )
    if not views:
        return None
    submitted = timezone.localdate(request.submitted_at) if request.submitted_at else None
    return PlanSource(
        key="request",
        label="The family's request"
        + (f", {date_format(submitted, 'j M Y')}" if submitted else "")
        + f" ({request.reference})",
        adds="Section A: " + ", ".join(question.lower() for question, _ in views),
        views=views,
    )


def _advice_source(advice: AdviceForPlan) -> PlanSource:
    health = sum(1 for area, _ in advice.needs if area == "health")
    parts = []
    if advice.needs:
        parts.append(
            "needs in "
            + " and ".join(
                s for s, n in (("section B", len(advice.needs) - health), ("section C", health)) if n
            )
            + f" ({len(advice.needs)})"
        )
    if advice.outcomes:
        parts.append(f"{_counted(len(advice.outcomes), 'outcome', 'outcomes')} in section E")
    if advice.provision:
        parts.append(f"provision in sections F and G ({len(advice.provision)})")
    parts.append("listed in section K")
    return PlanSource(
        key=advice.source_key,
        label=advice.source,
        adds=(parts[0][0].upper() + parts[0][1:] + "".join(f"; {p}" for p in parts[1:])),
        advice=advice,
        information=((f"{advice.team} advice", advice.team, advice.submitted_on),),
    )


def plan_sources(*, case: Case) -> PlanSources:
    """What a new draft of this case's plan can be started from: the family's request (section A), each
    health team's advice submitted on the portal (B to G, and listed in K), and, listed in K only, the
    advice received outside the portal and the documents published on the case. A fixed number of
    queries: the request, the portal's advice, the advice events, the documents."""
    advice = portal_advice()
    on_portal = advice.for_plan(case=case) if advice else []
    advice_actions = (Action.REQUEST_ADVICE, Action.RECORD_ADVICE)
    events = list(
        CaseEvent.objects.filter(case=case, action__in=advice_actions).order_by("happened_on", "id")
    )
    asked = {event.pk: event for event in events if event.action == Action.REQUEST_ADVICE}
    on_portal_keys = {a.source_key for a in on_portal}
    information, seen = [], set()
    for event in events:
        request_event = asked.get(event.detail.get("request_event"))
        if event.action != Action.RECORD_ADVICE or request_event is None:
            continue
        key = f"advice:{request_event.pk}"
        # Asked of a team on the portal: its advice comes from the hub when it is submitted.
        if "team" in request_event.detail or key in on_portal_keys or key in seen:
            continue
        seen.add(key)
        service = request_event.detail.get("service", "") or "Advice"
        information.append(
            PlanSource(
                key=key,
                label=f"{service} advice, {date_format(event.happened_on, 'j M Y')} "
                "(received outside the portal)",
                adds="Listed in section K",
                information=((f"{service} advice", service, event.happened_on),),
            )
        )
    documents = case.documents.filter(plan_version__isnull=True).order_by("document_date", "id")
    information += [
        PlanSource(
            key=f"document:{document.pk}",
            label=f"Document: {document.description}, {date_format(document.document_date, 'j M Y')}",
            adds="Listed in section K",
            information=((document.description, "", document.document_date),),
        )
        for document in documents
    ]
    return PlanSources(
        request=_request_source(case),
        advice=[_advice_source(a) for a in on_portal],
        information=information,
    )


def plan_advice_not_in(*, version: PlanVersion, rows: PlanRows) -> list[PlanSource]:
    """The teams' advice submitted on the portal that no row of the version came from ("Advice not yet in
    the plan", brought in with plan_rows_bring_in): one query."""
    advice = portal_advice()
    if advice is None:
        return []
    present = rows.source_keys()
    return [_advice_source(a) for a in advice.for_plan(case=version.case) if a.source_key not in present]
