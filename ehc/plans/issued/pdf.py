"""The plan as a PDF: every section A to K with its heading, the rows as tables with their sources, and
"Draft" or "Final" in the title on the first page, in the council's name (core/pdf/base.html's header)."""

from core.pdf import pdf_render
from ehc.models import Case, PlanKind, PlanVersion
from ehc.plans.issued.compare import Section

TITLES = {
    PlanKind.DRAFT: "Draft Education, Health and Care Plan",
    PlanKind.FINAL: "Final Education, Health and Care Plan",
}


def plan_title(version: PlanVersion) -> str:
    return TITLES[version.kind]


def plan_pdf(*, version: PlanVersion, case: Case, sections: list[Section], council_name: str) -> bytes:
    """The PDF of ``version`` (its sections already read). The plan is about the child, so it names them
    and their date of birth; no email ever carries it."""
    return pdf_render(
        template="ehc/plans/issued/plan_pdf.html",
        context={
            "title": plan_title(version),
            "council_name": council_name,
            "reference": case.reference,
            "case": case,
            "version": version,
            "sections": sections,
        },
    )
