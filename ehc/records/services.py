"""Writes for a case's statutory return (SEN2) records: the person, the request and the plan, ranked
needs and placements. Each is one transaction that locks the case row, so two people editing the same
case's needs or placements take turns, and each writes an audit row naming what changed (never the
values: they are personal data)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.services import audit_record
from ehc.models import Case, Need, NeedCode, Placement, SettingType

PERSON_FIELDS = ("sex", "ethnicity", "postcode", "upn", "uln")
PLAN_FIELDS = (
    "mediation",
    "tribunal",
    "moved_out_before_assessment",
    "residential",
    "work_based_learning",
    "personal_budget",
)
# Settings that have no URN or UKPRN to give: everyone else needs one of them for SEN2.
SETTINGS_WITHOUT_IDENTIFIER = frozenset({SettingType.HOME, SettingType.NONE, SettingType.OTHER})
# Ranks are moved out of the way before they are rewritten: the unique (case, rank) constraint is
# checked row by row, and ranks must stay positive, so the temporaries are large rather than negative.
RANK_PARKING = 10_000


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _rerank(queryset, ordered_ids: list[int]) -> None:
    """Give the rows ``ordered_ids`` the ranks 1..n in that order, in two statements whatever n is."""
    if not ordered_ids:
        return
    queryset.filter(pk__in=ordered_ids).update(rank=models.F("rank") + RANK_PARKING)
    queryset.filter(pk__in=ordered_ids).update(
        rank=models.Case(*(models.When(pk=pk, then=models.Value(i)) for i, pk in enumerate(ordered_ids, 1)))
    )


def _case_fields_update(*, case: Case, by, fields: tuple[str, ...], values: dict, action: str) -> list[str]:
    with transaction.atomic():
        locked = _locked(case)
        changed = [name for name in fields if getattr(locked, name) != values[name]]
        if changed:
            for name in changed:
                setattr(locked, name, values[name])
            locked.save(update_fields=[*changed, "updated_at"])
            audit_record(actor=by, action=action, target=locked, detail={"changed": changed})
    return changed


def case_person_update(*, case: Case, by, values: dict) -> list[str]:
    """The person's sex, ethnicity, postcode, UPN and ULN. Returns the names of the fields that changed
    (nothing is written or audited when none did)."""
    return _case_fields_update(
        case=case, by=by, fields=PERSON_FIELDS, values=values, action="case.records_person"
    )


def case_plan_update(*, case: Case, by, values: dict) -> list[str]:
    """Mediation, tribunal and the other flags, and the personal budget. Returns the changed names."""
    return _case_fields_update(
        case=case, by=by, fields=PLAN_FIELDS, values=values, action="case.records_plan"
    )


def case_need_add(*, case: Case, by, code: str) -> Need:
    """A need, ranked after the ones already recorded."""
    if code not in NeedCode.values:
        raise ValidationError({"code": "Select a need"})
    with transaction.atomic():
        locked = _locked(case)
        needs = list(locked.needs.all())
        if any(need.code == code for need in needs):
            raise ValidationError({"code": "That need is already recorded"})
        need = Need.objects.create(case=locked, code=code, rank=len(needs) + 1)
        audit_record(actor=by, action="case.records_need_added", target=locked, detail={"changed": ["needs"]})
    return need


def _need_of(case: Case, need_id: int) -> tuple[list[Need], Need]:
    needs = list(case.needs.order_by("rank", "id"))
    need = next((n for n in needs if n.pk == need_id), None)
    if need is None:
        raise ValidationError("That need is no longer recorded: someone may have removed it")
    return needs, need


def case_need_remove(*, case: Case, by, need_id: int) -> Need:
    """Remove a need; the ones after it move up, so the ranks stay 1..n."""
    with transaction.atomic():
        locked = _locked(case)
        needs, need = _need_of(locked, need_id)
        staying = [n.pk for n in needs if n.pk != need_id]  # before delete(), which clears need.pk
        need.delete()
        _rerank(Need.objects.filter(case=locked), staying)
        audit_record(
            actor=by, action="case.records_need_removed", target=locked, detail={"changed": ["needs"]}
        )
    return need


def case_need_move_up(*, case: Case, by, need_id: int) -> Need:
    """Swap a need with the one ranked above it."""
    with transaction.atomic():
        locked = _locked(case)
        needs, need = _need_of(locked, need_id)
        at = needs.index(need)
        if at == 0:
            raise ValidationError("That need is already the primary need")
        needs[at - 1], needs[at] = needs[at], needs[at - 1]
        _rerank(Need.objects.filter(case=locked), [n.pk for n in needs])
        audit_record(actor=by, action="case.records_need_moved", target=locked, detail={"changed": ["needs"]})
    need.refresh_from_db()
    return need


def placement_problems(*, setting_type: str, urn: str, ukprn: str) -> dict[str, str]:
    """SEN2 identifies a school by its URN and a college or training provider by its UKPRN; only
    home education, not being in education, and "other" have neither."""
    if setting_type not in SETTINGS_WITHOUT_IDENTIFIER and not urn and not ukprn:
        return {"urn": "Enter the setting's URN or UKPRN"}
    return {}


def case_placement_add(
    *,
    case: Case,
    by,
    setting_name: str,
    urn: str,
    ukprn: str,
    setting_type: str,
    entry_date: datetime.date | None,
    attendance: str,
) -> Placement:
    """A placement, ranked after the placements still open (ended ones keep the rank they had)."""
    problems = placement_problems(setting_type=setting_type, urn=urn, ukprn=ukprn)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = _locked(case)
        open_count = locked.placements.filter(leaving_date__isnull=True).count()
        placement = Placement.objects.create(
            case=locked,
            setting_name=setting_name,
            urn=urn,
            ukprn=ukprn,
            setting_type=setting_type,
            rank=open_count + 1,
            entry_date=entry_date,
            attendance=attendance,
        )
        changed = ["setting_name", "setting_type", "attendance", "rank"]
        changed += [name for name in ("urn", "ukprn", "entry_date") if getattr(placement, name)]
        audit_record(
            actor=by, action="case.records_placement_added", target=locked, detail={"changed": changed}
        )
    return placement


def case_placement_end(*, case: Case, by, placement_id: int, leaving_date: datetime.date) -> Placement:
    """End an open placement; the placements still open are ranked 1..n again in their order."""
    with transaction.atomic():
        locked = _locked(case)
        still_open = list(locked.placements.filter(leaving_date__isnull=True).order_by("rank", "id"))
        placement = next((p for p in still_open if p.pk == placement_id), None)
        if placement is None:
            raise ValidationError("That placement has already ended")
        if placement.entry_date and leaving_date < placement.entry_date:
            raise ValidationError({"leaving_date": "The leaving date cannot be before the entry date"})
        placement.leaving_date = leaving_date
        placement.save(update_fields=["leaving_date"])
        _rerank(Placement.objects.filter(case=locked), [p.pk for p in still_open if p.pk != placement_id])
        audit_record(
            actor=by,
            action="case.records_placement_ended",
            target=locked,
            detail={"changed": ["leaving_date"]},
        )
    return placement
