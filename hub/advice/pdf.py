"""The advice as a PDF download, for each page that offers one: the writer's and the SEND team's."""

from django.http import HttpResponse

from core.pdf import pdf_render
from hub.advice.selectors import advice_parts
from hub.models import AdviceRequest


def advice_pdf_response(*, advice: AdviceRequest, council) -> HttpResponse:
    """The PDF, for a viewer whose guard has checked and audited the read; ``council`` names it."""
    content = pdf_render(
        template="ehc/requests/pdf.html",
        context={
            "parts": advice_parts(advice=advice) if advice.version_id else [],
            "title": f"Health advice from {advice.team.name}",
            "reference": advice.case.reference,
        },
        council=council,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="advice-{advice.case.reference}-{advice.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
