"""Writes for consulting schools and settings on an issued draft plan (Reg. 14 of the SEND Regulations
2014; Code of Practice 9.78-9.84): the caseworker consults one or more settings, each setting's central
address is told what waits and by when; a member of the setting answers, and the caseworker is told.
Each is one transaction that locks its row, checks the move, audits it and queues its notifications
(ARCHITECTURE.md 6 and 8: what and by when, the case reference and a link, never the child's name)."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.models import Notification
from core.notifications import notify, notify_person
from core.services import audit_record
from ehc import clock
from ehc.models import (
    Case,
    Consultation,
    ConsultationStatus,
    EducationSetting,
    PlanKind,
    PlanStatus,
    PlanVersion,
    SettingMember,
)
from ehc.workflow import Stage
from tenants.selectors import council_name_current, council_url

MEMBER_LIST_PATH = "/schools/consultations/"


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def consultations_send(
    *,
    case: Case,
    version: PlanVersion,
    settings: Sequence[EducationSetting],
    costs_asked: bool,
    by,
    requested_on: datetime.date | None = None,
) -> list[Consultation]:
    """Consult these settings (in this order: the family's preference first) about being named in the
    child's plan, on the issued draft ``version``: one consultation each, due 15 days later counting the
    day of the consultation (ehc.clock.consultation_reply_due), and an email to each setting's central
    address. Refuses, by field: no setting chosen ("settings"), a case not at its draft plan or a
    version that is not its issued draft ("version"), a setting switched off or already consulted on
    this draft ("settings")."""
    if not settings:
        raise ValidationError({"settings": "Select at least one school or setting to consult"})
    requested_on = requested_on or timezone.localdate()
    due = clock.consultation_reply_due(consulted=requested_on)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        version = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if (
            case.stage != Stage.DRAFT_PLAN
            or version.case_id != case.pk
            or version.kind != PlanKind.DRAFT
            or version.status != PlanStatus.ISSUED
        ):
            raise ValidationError({"version": "Settings are consulted on an issued draft plan"})
        chosen = {
            s.pk: s
            for s in EducationSetting.objects.select_for_update().filter(pk__in=[s.pk for s in settings])
        }
        consulted = set(
            Consultation.objects.filter(plan_version=version, setting_id__in=chosen).values_list(
                "setting__name", flat=True
            )
        )
        inactive = [s.name for s in chosen.values() if not s.is_active]
        if consulted or inactive or len(chosen) != len({s.pk for s in settings}):
            names = ", ".join(sorted(consulted | set(inactive))) or "a setting that is not on the portal"
            raise ValidationError(
                {"settings": f"These settings cannot be consulted on this draft again or at all: {names}"}
            )
        rank_from = Consultation.objects.filter(plan_version=version).count()
        made = []
        council, link = council_name_current(), council_url(MEMBER_LIST_PATH)
        for number, wanted in enumerate(settings, start=1):
            setting = chosen[wanted.pk]
            consultation = Consultation.objects.create(
                case=case,
                plan_version=version,
                setting=setting,
                rank=rank_from + number,
                requested_on=requested_on,
                due_on=due,
                requested_by=by,
                costs_asked=costs_asked,
            )
            audit_record(
                actor=by,
                action="consultation.requested",
                target=consultation,
                detail={"setting": setting.pk, "version": version.number, "costs_asked": costs_asked},
            )
            costs = " The council also asks for the costs of meeting them." if costs_asked else ""
            notify(
                key=f"consultation:{consultation.pk}:setting",
                channel=Notification.Channel.EMAIL,
                to=setting.email,
                kind="consultation",
                subject=f"{council}: a consultation for case {case.reference}, reply by {_day(due)}",
                body=(
                    f"{council} is consulting {setting.name} about naming it in an Education, Health and "
                    f"Care plan, case {case.reference}. Please read the draft plan and answer by "
                    f"{_day(due)} whether the setting can meet the needs set out in it.{costs}\n\n"
                    f"Members of {setting.name} on the EHC Portal can sign in to read the draft plan and "
                    f"answer:\n{link}"
                ),
            )
            made.append(consultation)
    return made


def consultation_answer(
    *, consultation: Consultation, by, can_meet_needs: str, reasons: str, costs: str
) -> Consultation:
    """A member of the consulted setting answers: "Can the setting meet the child's needs?" ("yes" or
    "no"), the reasons (required when no) and the costs (required when the council asked for them).
    Once answered it cannot be changed. The caseworker (or whoever consulted) is told."""
    reasons, costs = reasons.strip(), costs.strip()
    with transaction.atomic():
        locked = (
            Consultation.objects.select_for_update(of=("self",))
            .select_related("case", "setting", "requested_by", "case__caseworker")
            .get(pk=consultation.pk)
        )
        if not SettingMember.objects.filter(setting_id=locked.setting_id, user=by).exists():
            raise PermissionDenied
        if locked.status == ConsultationStatus.ANSWERED:
            raise ValidationError("This consultation has been answered")
        if locked.status == ConsultationStatus.WITHDRAWN:
            raise ValidationError("This consultation was withdrawn: it needs no answer")
        errors = {}
        if can_meet_needs not in {"yes", "no"}:
            errors["can_meet_needs"] = "Select whether the setting can meet the child's needs"
        if can_meet_needs == "no" and not reasons:
            errors["reasons"] = "Enter the reasons the setting cannot meet the child's needs"
        if locked.costs_asked and not costs:
            errors["costs"] = "Enter the costs of meeting the child's needs"
        if errors:
            raise ValidationError(errors)
        locked.can_meet_needs = can_meet_needs == "yes"
        locked.reasons, locked.costs = reasons, costs
        locked.status = ConsultationStatus.ANSWERED
        locked.answered_by, locked.answered_at = by, timezone.now()
        locked.save(
            update_fields=["can_meet_needs", "reasons", "costs", "status", "answered_by", "answered_at"]
        )
        audit_record(
            actor=by,
            action="consultation.answered",
            target=locked,
            detail={"setting": locked.setting_id, "can_meet_needs": locked.can_meet_needs},
        )
        told = locked.case.caseworker or locked.requested_by
        if told is not None:
            council, reference = council_name_current(), locked.case.reference
            notify_person(
                user=told,
                kind="consultation_answer",
                key=f"consultation:{locked.pk}:answered",
                subject=f"{council}: an answer to a consultation for case {reference}",
                body=(
                    f"A school or setting consulted about being named in the plan for case {reference} "
                    "has answered.\n\nSign in to the EHC Portal to read the answer:\n"
                    f"{council_url(f'/cases/{reference}/consultations/')}"
                ),
            )
    return locked
