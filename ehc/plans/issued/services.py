"""Writes for issuing the plan: the draft and the final (each the clock's step through the case's
workflow, the version marked issued and its PDF published to the family's Items to view), and the next
version started from an issued one (the final from the draft, an amendment from the final), copying every
row with its lineage so the versions can be compared.

Each is one transaction: it locks the case and the version, so two people issuing at once issue once,
and a refusal or a failure leaves nothing written (no event, no document, the version still working)."""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.services import audit_record
from ehc.cases.services import TransitionRefused, case_transition
from ehc.models import (
    Case,
    CaseDocument,
    PlanInformation,
    PlanKind,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanStatus,
    PlanVersion,
)
from ehc.plans.gaps import plan_gaps
from ehc.plans.issued.compare import plan_sections
from ehc.plans.issued.pdf import plan_pdf, plan_title
from ehc.workflow import Action, Stage
from tenants.selectors import council_name_current

ISSUED_ON = "issued_on"


def plan_draft_issue(*, version: PlanVersion, by, issued_on: datetime.date | None) -> PlanVersion:
    """Issue the draft plan: refused while it has gaps (one error per gap, by the id of the input to fix)
    or unless the case is in its assessment; the case moves to its draft plan stage (the clock's draft
    step and the family's 15 days to respond, and the family is told there is an update), and the PDF is
    published to the family's Items to view."""
    return _plan_issue(
        version=version, by=by, issued_on=issued_on, kind=PlanKind.DRAFT, action=Action.ISSUE_DRAFT
    )


def plan_final_issue(*, version: PlanVersion, by, issued_on: datetime.date | None) -> PlanVersion:
    """Issue the final plan, as the draft, from the case's draft plan stage; section I must name the
    school or institution."""
    return _plan_issue(
        version=version, by=by, issued_on=issued_on, kind=PlanKind.FINAL, action=Action.ISSUE_FINAL
    )


# The stage a case must be at for each issue (the workflow table's rule, said in the plan's words).
_ISSUE_FROM = {PlanKind.DRAFT: Stage.ASSESSMENT, PlanKind.FINAL: Stage.DRAFT_PLAN}
_NOT_AT_STAGE = {
    PlanKind.DRAFT: "The draft plan can be issued only while the case is in its assessment",
    PlanKind.FINAL: "The final plan can be issued only once the draft plan has been issued",
}


def _plan_issue(
    *, version: PlanVersion, by, issued_on: datetime.date | None, kind: str, action: str
) -> PlanVersion:
    stored = None
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=version.case_id)
            locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
            if locked.status != PlanStatus.WORKING:
                raise ValidationError(f"Version {locked.number} of the plan has already been issued")
            if locked.kind != kind:
                raise ValidationError(
                    f"Version {locked.number} is a {locked.get_kind_display().lower()} plan, not a "
                    f"{PlanKind(kind).label.lower()} plan"
                )
            if case.stage != _ISSUE_FROM[kind]:
                raise ValidationError(_NOT_AT_STAGE[kind])
            rows = {
                "needs": list(locked.needs.all()),
                "outcomes": list(locked.outcomes.all()),
                "provisions": list(locked.provisions.all()),
                "information": list(locked.information.all()),
            }
            gaps = plan_gaps(version=locked, **rows)
            if gaps:
                raise ValidationError({gap.field: gap.message for gap in gaps})
            based_on = locked.based_on
            if (
                issued_on is not None
                and based_on is not None
                and based_on.issued_on
                and issued_on < based_on.issued_on
            ):
                raise ValidationError(
                    {
                        ISSUED_ON: f"The issue date cannot be before version {based_on.number} was issued, "
                        f"on {based_on.issued_on:%-d %B %Y}"
                    }
                )
            try:
                case = case_transition(case=case, action=action, by=by, happened_on=issued_on)
            except TransitionRefused:
                raise ValidationError(_NOT_AT_STAGE[kind]) from None
            except ValidationError as error:  # the date: the move's "happened_on" is this page's issue date
                raise ValidationError(
                    {
                        ISSUED_ON if key == "happened_on" else key: messages
                        for key, messages in error.message_dict.items()
                    }
                ) from None
            locked.case = case
            locked.status = PlanStatus.ISSUED
            locked.issued_on = issued_on
            locked.issued_at = timezone.now()
            locked.issued_by = by
            content = plan_pdf(
                version=locked,
                case=case,
                sections=plan_sections(version=locked, **rows),
                council_name=council_name_current(),
            )
            document = CaseDocument(
                case=case,
                description=f"EHC Plan - {plan_title(locked)} (version {locked.number})",
                document_date=issued_on,
                original_name=f"ehc-plan-{case.reference}-v{locked.number}-{kind}.pdf",
                extension="pdf",
                size=len(content),
                content_type="application/pdf",
                sha256=hashlib.sha256(content).hexdigest(),
                published_at=locked.issued_at,
                published_by=by,
            )
            document.file.save(document.original_name, ContentFile(content), save=True)
            stored = document.file.name
            locked.document = document
            locked.save(
                update_fields=["status", "issued_on", "issued_at", "issued_by", "document", "updated_at"]
            )
            audit_record(
                actor=by,
                action=f"plan.{kind}_issued",
                target=locked,
                detail={"case": case.reference, "version": locked.number, "document": document.pk},
            )
    except Exception:
        # The rows went with the transaction; the stored PDF must go too.
        if stored:
            CaseDocument.file.field.storage.delete(stored)
        raise
    return locked


def plan_final_start(*, case: Case, by) -> PlanVersion:
    """Start the final plan from the issued draft: a new version being written (the next number, kind
    final, based on the draft) with every row and answer copied, for the caseworker to finish (section I
    names the school). Refused unless the draft has been issued and nothing is being written."""
    return _plan_next(
        case=case,
        by=by,
        kind=PlanKind.FINAL,
        from_kind=PlanKind.DRAFT,
        stages=(Stage.DRAFT_PLAN,),
        refusal=(
            "The final plan can be started only from an issued draft plan, while the case is at its "
            "draft plan stage"
        ),
    )


def plan_amendment_start(*, case: Case, by) -> PlanVersion:
    """Start an amendment: a new draft being written from the current issued final plan (after an annual
    review), every row and answer copied."""
    return _plan_next(
        case=case,
        by=by,
        kind=PlanKind.DRAFT,
        from_kind=PlanKind.FINAL,
        stages=(Stage.FINAL_PLAN, Stage.PLAN_IN_PLACE),
        refusal="An amendment can be started only from an issued final plan",
    )


def _plan_next(*, case: Case, by, kind: str, from_kind: str, stages, refusal: str) -> PlanVersion:
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        versions = PlanVersion.objects.filter(case=locked)
        if versions.filter(status=PlanStatus.WORKING).exists():
            raise ValidationError("A version of the plan is already being written: finish or issue it first")
        latest = versions.filter(status=PlanStatus.ISSUED).order_by("-number").first()
        if locked.stage not in stages or latest is None or latest.kind != from_kind:
            raise ValidationError(refusal)
        number = (versions.aggregate(last=Max("number"))["last"] or 0) + 1
        new = plan_version_copy(version=latest, number=number, kind=kind, by=by)
        audit_record(
            actor=by,
            action=f"plan.{'final' if kind == PlanKind.FINAL else 'amendment'}_started",
            target=new,
            detail={"case": locked.reference, "version": number, "based_on": latest.number},
            subject=locked.reference,
        )
    return new


def _copied(row, **changes):
    """A new unsaved row with every value of ``row`` (its lineage too) and ``changes``."""
    values = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }
    return type(row)(**(values | changes))


def plan_version_copy(*, version: PlanVersion, number: int, kind: str, by) -> PlanVersion:
    """A new working version with every answer and row of ``version``, each row keeping its lineage and
    provision pointing at the copied outcome. Called inside the caller's transaction; five inserts."""
    new = PlanVersion.objects.create(
        case_id=version.case_id,
        number=number,
        kind=kind,
        based_on=version,
        views=version.views,
        placement_name=version.placement_name,
        placement_type=version.placement_type,
        personal_budget=version.personal_budget,
        nothing_in=list(version.nothing_in or ()),
        started_by=by,
    )
    PlanNeed.objects.bulk_create([_copied(row, version_id=new.pk) for row in version.needs.all()])
    old_outcomes = list(version.outcomes.all())
    new_outcomes = PlanOutcome.objects.bulk_create([_copied(row, version_id=new.pk) for row in old_outcomes])
    outcome_map = {old.pk: copy.pk for old, copy in zip(old_outcomes, new_outcomes, strict=True)}
    PlanProvision.objects.bulk_create(
        [
            _copied(row, version_id=new.pk, outcome_id=outcome_map.get(row.outcome_id))
            for row in version.provisions.all()
        ]
    )
    PlanInformation.objects.bulk_create(
        [_copied(row, version_id=new.pk) for row in version.information.all()]
    )
    return new
