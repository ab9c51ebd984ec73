"""The one check of a consultation a member of a school or setting opens, and the audit row of that read
of the child's record (a setting is not the family)."""

from django.http import Http404

from ehc.cases.access import READ, record_read_by
from ehc.consultations.selectors import consultation_for_member
from ehc.models import Consultation


def consultation_for_setting(request, pk, *, action: str = READ, detail: dict | None = None) -> Consultation:
    """The consultation a member of the consulted setting may open, else 404 (another setting's, another
    council's, or none). Every read is audited, naming the child's case: a setting is not the family."""
    consultation = consultation_for_member(user=request.user, pk=pk)
    if consultation is None:
        raise Http404
    record_read_by(
        request, subjects=[consultation.case.reference], action=action, target=consultation, detail=detail
    )
    return consultation
