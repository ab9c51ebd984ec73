"""The advice as a PDF download, for each page that offers one: the writers', the SEND team's and the
other teams asked on the case."""

from django.http import HttpResponse

from core.pdf import pdf_render
from hub.advice.selectors import advice_by_author
from hub.models import AdviceRequest, AdviceStatus


def advice_pdf_response(*, advice: AdviceRequest, council) -> HttpResponse:
    """The PDF of the team's submitted advice, each part under its author's name (nothing of advice not
    submitted yet), for a viewer whose guard has checked and audited the read; ``council`` names it."""
    content = pdf_render(
        template="hub/advice/pdf.html",
        context={
            "authors": advice_by_author(advice=advice) if advice.status == AdviceStatus.SUBMITTED else [],
            "title": f"Health advice from {advice.team.name}",
            "reference": advice.case.reference,
        },
        council=council,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="advice-{advice.case.reference}-{advice.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
