"""The Designated Clinical Officer's check (North East Lincolnshire's guide: "All health advice is checked
and collated by the Designated Clinical Officer prior to submission to the Local Authority"), where the
council turns it on (CouncilConfiguration.advice_checked_by_dco): "Mark as checked" sends the advice to
the council."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.notifications import notify_person
from core.roles import Role
from core.selectors import membership_roles
from core.services import audit_record
from hub.advice.services import advice_release
from hub.models import AdviceRequest, AdviceStatus
from tenants.selectors import council_name_current, council_url

NOTE_MAX = 5000


def advice_check(*, advice: AdviceRequest, by, note: str = "") -> AdviceRequest:
    """Mark as checked: the advice goes to the council (advice_release: the case records the advice
    received on the day of the check, and the caseworker is told), with an optional note back to the
    team, which its writer is told of (what, never the note itself, by email)."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": "The note must be 5,000 characters or fewer"})
    with transaction.atomic():
        locked = AdviceRequest.objects.select_for_update().select_related("team", "case").get(pk=advice.pk)
        if Role.DESIGNATED_CLINICAL_OFFICER not in membership_roles(user=by):
            raise PermissionDenied
        if locked.status != AdviceStatus.AWAITING_CHECK:
            raise ValidationError("This advice is not waiting for a check: it has been checked already")
        locked.status = AdviceStatus.SUBMITTED
        locked.checked_at = timezone.now()
        locked.checked_by = by
        locked.check_note = note
        locked.save(update_fields=["status", "checked_at", "checked_by", "check_note", "updated_at"])
        audit_record(actor=by, action="advice.checked", target=locked, detail={"note": bool(note)})
        advice_release(advice=locked, by=by)
        if locked.submitted_by_id:
            reference, link = locked.case.reference, f"/health/advice/{locked.pk}/view/"
            notify_person(
                user=locked.submitted_by,
                kind="advice_checked",
                subject=f"{council_name_current()}: your advice has been checked, case {reference}",
                body=(
                    f"The Designated Clinical Officer has checked the advice {locked.team.name} submitted "
                    f"for case {reference}, and it has gone to the SEND team."
                    + (" They left you a note." if note else "")
                    + f"\n\nSign in to the EHC Portal to see it:\n{council_url(link)}"
                ),
                key=f"advice-checked:{locked.pk}",
            )
    return locked
