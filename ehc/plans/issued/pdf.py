"""The plan as a PDF: every section A to K with its heading, the rows as tables with their sources, and
"Draft" or "Final" in the title on the first page, in the council's name (core/pdf/base.html's header)."""

import base64
import logging
import mimetypes

from core.pdf import pdf_render
from ehc.models import Case, PlanKind, PlanVersion
from ehc.plans.issued.compare import Section
from tenants.configuration.selectors import configuration_get

logger = logging.getLogger(__name__)
LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml"}

TITLES = {
    PlanKind.DRAFT: "Draft Education, Health and Care Plan",
    PlanKind.FINAL: "Final Education, Health and Care Plan",
}


def plan_title(version: PlanVersion) -> str:
    return TITLES[version.kind]


def council_logo_data_url() -> tuple[str, str]:
    """The council's logo as a data: URL (a PDF loads nothing else from outside build/static) and its
    alternative text, or ("", "") when there is none or it cannot be read: the PDF is made without it."""
    config = configuration_get()
    if not config.logo:
        return "", ""
    content_type = mimetypes.guess_type(config.logo.name)[0] or ""
    if content_type not in LOGO_TYPES:
        return "", ""
    try:
        with config.logo.open("rb") as logo:
            content = logo.read()
    except OSError:
        logger.warning("The council's logo could not be read for a plan's PDF")
        return "", ""
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}", config.logo_alt_text


def plan_pdf(*, version: PlanVersion, case: Case, sections: list[Section], council_name: str) -> bytes:
    """The PDF of ``version`` (its sections already read), with the council's name and logo. The plan is
    about the child, so it names them and their date of birth; no email ever carries it."""
    logo_url, logo_alt = council_logo_data_url()
    return pdf_render(
        template="ehc/plans/issued/plan_pdf.html",
        context={
            "title": plan_title(version),
            "council_name": council_name,
            "reference": case.reference,
            "case": case,
            "version": version,
            "sections": sections,
            "logo_url": logo_url,
            "logo_alt": logo_alt or council_name,
        },
    )
