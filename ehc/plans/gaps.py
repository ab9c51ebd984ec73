"""What must be put right before a plan version is issued: the one rule, used by the editor's "Check the
plan" and refused again by the services that issue (so no page can skip it).

A gap names its section, the id of the input (or the section's anchor) a page's error summary links to,
and the message, in the order the plan reads."""

from dataclasses import dataclass

from ehc.models import (
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    NeedArea,
    PlanKind,
    PlanSection,
    PlanVersion,
)


@dataclass(frozen=True)
class PlanGap:
    section: str
    field: str  # the id of the input to fix, or "section-<letter>" for a section as a whole
    message: str


def plan_gaps(
    *, version: PlanVersion, needs=None, outcomes=None, provisions=None, information=None
) -> list[PlanGap]:
    """The gaps in ``version``. Pass its rows if they are already read (a page that shows them), else they
    are read here (four queries). Section I may be left empty only in a draft: the draft names no school
    or college (Reg. 13(1)); the final names one."""
    needs = list(version.needs.all()) if needs is None else needs
    outcomes = list(version.outcomes.all()) if outcomes is None else outcomes
    provisions = list(version.provisions.all()) if provisions is None else provisions
    information = list(version.information.all()) if information is None else information
    nothing = set(version.nothing_in or ())
    gaps: list[PlanGap] = []

    def empty(section: PlanSection, has: bool) -> None:
        if not has and section not in nothing:
            label = section.label[0].lower() + section.label[1:]  # "... Persons Act 1970" keeps its capitals
            gaps.append(
                PlanGap(
                    section,
                    f"section-{section.value}",
                    f"Section {section.value} ({label}) is empty: add to it, or say there is nothing in "
                    "it for this child",
                )
            )

    empty(PlanSection.A, bool(version.views.strip()))
    for section in NEED_SECTIONS:
        empty(section, any(n.section == section for n in needs))
    empty(PlanSection.E, bool(outcomes))
    served = {p.outcome_id for p in provisions if p.outcome_id}
    for outcome in outcomes:
        # An outcome brought in from advice whose "advice area" matched no area of need has none yet.
        if outcome.area not in NeedArea.values:
            gaps.append(
                PlanGap(
                    PlanSection.E,
                    f"outcome-{outcome.pk}-area",
                    f"Select the area of need of the outcome \u201c{_short(outcome.outcome)}\u201d",
                )
            )
        if outcome.pk not in served:
            gaps.append(
                PlanGap(
                    PlanSection.E,
                    f"outcome-{outcome.pk}-outcome",
                    f"Outcome \u201c{_short(outcome.outcome)}\u201d has no provision: add provision in "
                    "section F, G or H that serves it, or remove the outcome",
                )
            )
    for section in PROVISION_SECTIONS:
        rows = [p for p in provisions if p.section == section]
        empty(section, bool(rows))
        for row in rows:
            if not row.provider.strip():
                gaps.append(
                    PlanGap(
                        section,
                        f"provision-{row.pk}-provider",
                        f"Say who provides \u201c{_short(row.provision)}\u201d in section {section.value}",
                    )
                )
            if not row.frequency.strip():
                gaps.append(
                    PlanGap(
                        section,
                        f"provision-{row.pk}-frequency",
                        f"Say how often \u201c{_short(row.provision)}\u201d happens "
                        f"in section {section.value}",
                    )
                )
            if row.outcome_id is None:
                gaps.append(
                    PlanGap(
                        section,
                        f"provision-{row.pk}-outcome",
                        f"Select the outcome \u201c{_short(row.provision)}\u201d serves "
                        f"in section {section.value}",
                    )
                )
    if version.kind == PlanKind.FINAL and not version.placement_name.strip():
        gaps.append(
            PlanGap(
                PlanSection.I,
                "placement_name",
                "Enter the school or other institution the final plan names in section I",
            )
        )
    empty(PlanSection.J, bool(version.personal_budget.strip()))
    empty(PlanSection.K, bool(information))
    order = [s.value for s in PlanSection]
    return sorted(gaps, key=lambda gap: order.index(gap.section))


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "\u2026"
