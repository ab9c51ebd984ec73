"""Writes for EHC needs assessment requests: start, save a page, submit, purge old drafts."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.formdefs import form_errors
from core.models import FormDefinition, FormVersion
from core.notifications import notify_person
from core.services import audit_record
from ehc.family.access import family_cases_of
from ehc.models import AssessmentRequest, RequestStatus
from ehc.schools.selectors import setting_of_submitter
from tenants.selectors import council_name_current, council_url

DRAFT_DAYS = 30
REFERENCE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ23456789"  # no vowels (no words), no 0/O or 1/I


def request_start(*, owner, slug: str) -> AssessmentRequest:
    version = FormVersion.objects.filter(definition__slug=slug).select_related("definition").first()
    if version is None:
        raise FormDefinition.DoesNotExist(slug)
    offered = {}
    if slug == "parent":
        children = [[f"child:{case.reference}", case.child_name] for case in family_cases_of(owner)]
        offered = {"on_behalf_of": children} if children else {}
    request = AssessmentRequest.objects.create(version=version, owner=owner, offered_choices=offered)
    audit_record(actor=owner, action="request.started", target=request, detail={"form": slug})
    return request


def request_linked_child_prefill(*, request: AssessmentRequest, answers: dict) -> dict:
    """When the person chose a child already linked to their account, fill in the child's name and date
    of birth where they left them blank (they can still correct them). The child must still be linked."""
    chosen = answers.get("on_behalf_of", "")
    if not chosen.startswith("child:"):
        return answers
    case = next((c for c in family_cases_of(request.owner) if f"child:{c.reference}" == chosen), None)
    if case is None:
        return answers
    filled = dict(answers)
    if not filled.get("first_name"):
        filled["first_name"] = case.child_first_name
    if not filled.get("last_name"):
        filled["last_name"] = case.child_last_name
    born = case.child_date_of_birth
    if born and not any((filled.get("date_of_birth") or {}).values()):
        filled["date_of_birth"] = {"day": str(born.day), "month": str(born.month), "year": str(born.year)}
    return filled


def _locked_draft(*, request: AssessmentRequest, by) -> AssessmentRequest:
    locked = AssessmentRequest.objects.select_for_update().get(pk=request.pk)
    if locked.owner_id != by.pk:
        raise PermissionDenied
    if locked.status != RequestStatus.DRAFT:
        raise ValidationError("This form has been submitted and can no longer be changed")
    return locked


def request_save_page(*, request: AssessmentRequest, by, answers: dict) -> AssessmentRequest:
    """Keep what was typed on a page, valid or not (a draft loses nothing)."""
    with transaction.atomic():
        locked = _locked_draft(request=request, by=by)
        locked.answers = {**locked.answers, **answers}
        locked.save(update_fields=["answers", "updated_at"])
    return locked


def _new_reference() -> str:
    return "EHC-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def request_submit(*, request: AssessmentRequest, by) -> AssessmentRequest:
    """Submit to the Local Authority: the whole form must be complete; afterwards it is read-only."""
    with transaction.atomic():
        locked = _locked_draft(request=request, by=by)
        errors = form_errors(locked.definition, locked.answers)
        if errors:
            raise ValidationError("Some parts of the form are not complete", code="incomplete")
        locked.status = RequestStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.reference = _new_reference()
        named = str(locked.answers.get("setting_name") or "")
        if not locked.about_case_id and named:
            # A professional's request ("I am a representative of the following school") is linked to the
            # school or setting its sender is a member of: the one they named if they are in several.
            locked.setting = setting_of_submitter(user=by, named=named)
        locked.save(update_fields=["status", "submitted_at", "reference", "setting", "updated_at"])
        audit_record(
            actor=by, action="request.submitted", target=locked, detail={"reference": locked.reference}
        )
        council, reference = council_name_current(), locked.reference
        # The acknowledgement says what, never who (ARCHITECTURE.md 8): no child's name, no answers.
        submitted_link = council_url("/account/submitted-forms/")
        if locked.about_case_id:  # a form about a case (Items to complete), not a request
            subject = f"{council}: we have received your form ({reference})"
            body = (
                f"{council} has received the form you submitted, reference {reference}.\n\n"
                f"Sign in to the EHC Portal to see your submitted forms:\n{submitted_link}"
            )
        else:
            subject = f"{council}: we have received your request ({reference})"
            body = (
                f"{council} has received your request for an Education, Health and Care needs "
                f"assessment, reference {reference}.\n\n"
                "We will tell you our decision within 6 weeks. "
                f"Sign in to the EHC Portal to see your submitted forms:\n{submitted_link}"
            )
        notify_person(
            user=by, kind="request_received", subject=subject, body=body, key=f"request-received:{locked.pk}"
        )
    return locked


def drafts_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete drafts not saved for 30 days, with their files. Returns how many went. A form the SEND team
    sent to the family (Items to complete) is kept: it waits for the family whatever its age."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=DRAFT_DAYS)
    stale = AssessmentRequest.objects.filter(
        status=RequestStatus.DRAFT, updated_at__lt=cutoff, sent_by__isnull=True, sent_at__isnull=True
    )
    count = 0
    for draft in stale.prefetch_related("attachments"):
        with transaction.atomic():
            for attachment in draft.attachments.all():
                attachment.file.delete(save=False)
            draft.delete()
            count += 1
    if count:
        audit_record(actor=None, action="request.drafts_purged", detail={"count": count})
    return count
