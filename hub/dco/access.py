"""Who may open the Designated Clinical Officer's pages, and the one audited read of a request for
advice they open: the DCO is not the family, so every read of a child's record is recorded."""

from django.http import Http404

from core.decorators import role_required
from core.roles import Role
from ehc.cases.access import READ, record_read_by
from hub.models import AdviceRequest

dco_required = role_required(Role.DESIGNATED_CLINICAL_OFFICER)


def advice_for_dco(request, pk, *, action: str = READ, detail: dict | None = None) -> AdviceRequest:
    """Any health team's request for advice in this council (the council's schema holds only its own:
    another council's number is a 404), read with what its page shows (one query), audited."""
    advice = (
        AdviceRequest.objects.select_related("case", "team", "allocated_to", "submitted_by", "version")
        .filter(pk=pk)
        .first()
    )
    if advice is None:
        raise Http404("No such advice request")
    record_read_by(request, subjects=[advice.case.reference], action=action, target=advice, detail=detail)
    return advice
