"""The teams' advice read outside the hub: the SEND team reads each team's answer from the case page
(audited as a read of the child's record), and the family reads submitted advice from SEN
Involvements (their own record: only their downloads are audited)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.decorators import role_required
from core.roles import STAFF_ROLES
from core.services import audit_record
from core.uploads import private_file_response
from ehc.cases.access import READ, case_item_for_staff
from ehc.family.access import family_case_or_404
from hub.advice.pdf import advice_pdf_response
from hub.advice.selectors import advice_attachment_readable, advice_by_author
from hub.models import AdviceRequest, AdviceStatus

# The SEND team reads what the teams sent, from the case page ------------------------------------------

# What the SEND team may read of a team's answer (ehc: never the advice while it is being written).
ANSWERED = (AdviceStatus.SUBMITTED, AdviceStatus.NOT_KNOWN)
SUBMITTED = (AdviceStatus.SUBMITTED,)


def _case_advice(request, reference, pk, *, answered=ANSWERED, action: str = READ, detail=None):
    """A team's answer on the case, for the SEND team, audited: only once the team has answered (advice
    submitted, or the child not known to the service). Advice being written is the team's until its
    writer submits it, so the SEND team gets 404 for it, as for its PDF and clinic letters."""
    return case_item_for_staff(
        request,
        AdviceRequest.objects.select_related("team", "submitted_by", "version"),
        reference=reference,
        action=action,
        detail=detail,
        pk=pk,
        status__in=answered,
    )


@role_required(*STAFF_ROLES)
@require_GET
def case_advice_view(request, reference, pk):
    advice = _case_advice(request, reference, pk)
    return render(
        request,
        "hub/advice/view.html",
        {
            "advice": advice,
            "authors": advice_by_author(
                advice=advice,
                file_url=lambda a: reverse("case_advice_file", args=[reference, advice.pk, a.pk]),
            )
            if advice.status == AdviceStatus.SUBMITTED
            else [],
            "back_url": reverse("case_page", args=[reference]),
            "pdf_url": reverse("case_advice_pdf", args=[reference, advice.pk]),
        },
    )


@role_required(*STAFF_ROLES)
@require_GET
def case_advice_pdf(request, reference, pk):
    advice = _case_advice(request, reference, pk, answered=SUBMITTED, action="advice.pdf")
    return advice_pdf_response(advice=advice, council=request.tenant)


@role_required(*STAFF_ROLES)
@require_GET
def case_advice_file(request, reference, pk, file_id):
    advice = _case_advice(
        request,
        reference,
        pk,
        answered=SUBMITTED,
        action="advice.file_downloaded",
        detail={"file": file_id, "by": "send_team"},
    )
    return private_file_response(advice_attachment_readable(advice=advice, file_id=file_id))


# The family reads submitted advice from SEN Involvements ----------------------------------------------


def _family_advice(request, reference, pk):
    case = family_case_or_404(request, reference, select_related=())
    advice = get_object_or_404(
        AdviceRequest.objects.select_related("team", "version"),
        case=case,
        pk=pk,
        status=AdviceStatus.SUBMITTED,
    )
    advice.case = case  # already read: audit rows name it without a query
    return case, advice


@login_required
@require_GET
def family_advice_view(request, reference, pk):
    case, advice = _family_advice(request, reference, pk)
    audit_record(actor=request.user, action="advice.read_by_family", target=advice)
    authors = advice_by_author(
        advice=advice, file_url=lambda a: reverse("family_advice_file", args=[reference, advice.pk, a.pk])
    )
    return render(
        request,
        "hub/advice/family_view.html",
        {"case": case, "section": "involvements", "advice": advice, "authors": authors},
    )


@login_required
@require_GET
def family_advice_file(request, reference, pk, file_id):
    _, advice = _family_advice(request, reference, pk)
    return _advice_file(request, advice, file_id, seen_by="family")


def _advice_file(request, advice, file_id, *, seen_by: str):
    """The family's download of a clinic letter, audited (the family's reads of pages are not)."""
    attachment = advice_attachment_readable(advice=advice, file_id=file_id)
    audit_record(
        actor=request.user,
        action="advice.file_downloaded",
        target=advice,
        detail={"file": attachment.pk, "by": seen_by},
        subject=advice.case.reference,
    )
    return private_file_response(attachment)
