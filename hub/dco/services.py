"""The Designated Clinical Officer's check (North East Lincolnshire's guide: "All health advice is checked
and collated by the Designated Clinical Officer prior to submission to the Local Authority"), where the
council turns it on (CouncilConfiguration.advice_checked_by_dco): "Mark as checked" sends the advice to
the council; "Return to the team" gives it back to its writer with a note saying what to change."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.notifications import notify_person
from core.roles import Role
from core.selectors import membership_roles
from core.services import audit_record
from hub.advice.services import advice_release
from hub.models import AdviceContribution, AdviceRequest, AdviceStatus
from tenants.selectors import council_name_current, council_url

NOTE_MAX = 5000


def _awaiting_check(*, advice: AdviceRequest, by) -> AdviceRequest:
    """The request locked, for a DCO of this council, while its advice waits for the check."""
    locked = AdviceRequest.objects.select_for_update().select_related("team", "case").get(pk=advice.pk)
    if Role.DESIGNATED_CLINICAL_OFFICER not in membership_roles(user=by):
        raise PermissionDenied
    if locked.status != AdviceStatus.AWAITING_CHECK:
        raise ValidationError("This advice is not waiting for a check: it has been checked or returned")
    return locked


def advice_check(*, advice: AdviceRequest, by, note: str = "") -> AdviceRequest:
    """Mark as checked: the advice goes to the council (advice_release: the case records the advice
    received on the day of the check, and the caseworker is told), with an optional note back to the
    team, which its writer is told of (what, never the note itself, by email)."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": "The note must be 5,000 characters or fewer"})
    with transaction.atomic():
        locked = _awaiting_check(advice=advice, by=by)
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


def advice_return(*, advice: AdviceRequest, by, note: str) -> AdviceRequest:
    """Return to the team: the advice goes back to its writers (every part open again) to change and
    submit again, with the DCO's note saying what to change (required); nothing reaches the council,
    and each professional with a part is told (what, never the note itself, by email). Reminders of the
    due date apply again."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Enter a note saying what the team should change"})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": "The note must be 5,000 characters or fewer"})
    with transaction.atomic():
        locked = _awaiting_check(advice=advice, by=by)
        locked.status = AdviceStatus.ALLOCATED
        locked.check_note = note
        locked.submitted_at = None
        locked.submitted_by = None
        locked.save(update_fields=["status", "check_note", "submitted_at", "submitted_by", "updated_at"])
        # Every professional's part is theirs to change again; the team's advice is submitted again once
        # all parts are in (or by a manager), as the first time.
        parts = list(
            AdviceContribution.objects.select_for_update(of=("self",))
            .filter(advice_request=locked)
            .select_related("professional")
        )
        AdviceContribution.objects.filter(pk__in=[part.pk for part in parts]).update(done_at=None)
        audit_record(actor=by, action="advice.returned", target=locked)
        reference = locked.case.reference
        for writer in {part.professional for part in parts if part.professional is not None}:
            notify_person(
                user=writer,
                kind="advice_returned",
                subject=f"{council_name_current()}: advice returned for changes, case {reference}",
                body=(
                    f"The Designated Clinical Officer has returned the advice {locked.team.name} submitted "
                    f"for case {reference}, with a note saying what to change. The advice is due by "
                    f"{locked.due_on.day} {locked.due_on:%B %Y}.\n\nSign in to the EHC Portal to change it "
                    f"and submit it again:\n{council_url(f'/health/advice/{locked.pk}/write/')}"
                ),
                key=f"advice-returned:{locked.pk}:{writer.pk}:{locked.updated_at.isoformat()}",
            )
    return locked
