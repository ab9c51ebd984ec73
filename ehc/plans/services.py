"""Writing a child's EHC plan: starting the draft from what the caseworker chooses, saving a section as
typed over several visits, and bringing in advice that arrived after the draft was started. Each is one
transaction that locks the row it changes and writes an audit row; only a version being written changes
(an issued one is refused here, whichever page asks)."""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core.inputs import whole_number
from core.services import audit_record
from ehc.hooks import AdviceForPlan
from ehc.models import (
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    Case,
    NeedArea,
    PlanInformation,
    PlanKind,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanSection,
    PlanStatus,
    PlanVersion,
    SettingType,
)
from ehc.plans.selectors import PLAN_STAGES, PlanSource, plan_sources

ISSUED = "This version of the plan has been issued and can no longer be changed"
NOT_SECTION = "There is no such section of the plan"
NOT_YET = "A plan is written once the council has decided to assess the child's needs"


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


def _version_locked(version: PlanVersion) -> PlanVersion:
    locked = PlanVersion.objects.select_for_update(of=("self",)).select_related("case").get(pk=version.pk)
    if locked.status != PlanStatus.WORKING:
        raise ValidationError(ISSUED)
    return locked


def _next_positions(version: PlanVersion) -> dict[str, int]:
    """Where new rows go in each kind of row: after the rows already there."""
    return {
        name: (getattr(version, name).aggregate(last=Max("position"))["last"] or 0) + 1
        for name in ("needs", "outcomes", "provisions", "information")
    }


@dataclass
class _NewRows:
    needs: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    provisions: list = field(default_factory=list)  # (row, the outcome row it serves or None)
    information: list = field(default_factory=list)

    def save(self) -> int:
        PlanNeed.objects.bulk_create(self.needs)
        PlanOutcome.objects.bulk_create(self.outcomes)
        for row, outcome in self.provisions:
            row.outcome = outcome  # saved just above: it has its id now
        PlanProvision.objects.bulk_create([row for row, _ in self.provisions])
        PlanInformation.objects.bulk_create(self.information)
        return len(self.needs) + len(self.outcomes) + len(self.provisions) + len(self.information)


def _rows_from(source: PlanSource, *, version: PlanVersion, rows: _NewRows, at: dict[str, int]) -> None:
    """The rows one source adds to a version, each marked with its source. Provision from advice serves
    the outcome of the same advice whose words match what the team said it supports; a health outcome's
    provision is health provision (G), any other's special educational provision (F); provision whose
    outcome matches none is left without one (a gap the caseworker sees)."""

    def place(kind: str) -> int:
        at[kind] += 1
        return at[kind] - 1

    mark = {"source": source.label[:200], "source_key": source.key}
    advice: AdviceForPlan | None = source.advice
    if advice is not None:
        mark["source"] = advice.source[:200]
        for area, text in advice.needs:
            section = PlanSection.C if area == NeedArea.HEALTH else PlanSection.B
            rows.needs.append(
                PlanNeed(
                    version=version,
                    section=section,
                    area=area,
                    description=text,
                    position=place("needs"),
                    **mark,
                )
            )
        outcomes = {}
        for area, text, steps in advice.outcomes:
            row = PlanOutcome(
                version=version, area=area, outcome=text, steps=steps, position=place("outcomes"), **mark
            )
            rows.outcomes.append(row)
            outcomes.setdefault(_words(text), row)
        for supports, text in advice.provision:
            outcome = outcomes.get(_words(supports)) if supports else None
            health = outcome is not None and outcome.area == NeedArea.HEALTH
            section = PlanSection.G if health else PlanSection.F
            rows.provisions.append(
                (
                    PlanProvision(
                        version=version, section=section, provision=text, position=place("provisions"), **mark
                    ),
                    outcome,
                )
            )
    for description, provided_by, dated in source.information:
        rows.information.append(
            PlanInformation(
                version=version,
                description=description[:300],
                provided_by=provided_by[:200],
                dated=dated,
                position=place("information"),
                **mark,
            )
        )


def plan_start(*, case: Case, chosen, by) -> PlanVersion:
    """Start the case's plan: version 1, a draft being written, with only what the caseworker chose to
    bring in (``chosen``: the keys of ``plan_sources``; a key that is not offered is ignored). Section A
    is the family's words, each under its question. Refused when the plan is started already or the case
    is not at a stage where a plan is written."""
    chosen = set(chosen or ())
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",)).select_related("request__version").get(pk=case.pk)
        )
        if locked.stage not in PLAN_STAGES:
            raise ValidationError(NOT_YET)
        if PlanVersion.objects.filter(case=locked).exists():
            raise ValidationError("The plan has been started already")
        sources = [s for s in plan_sources(case=locked).all() if s.key in chosen]
        version = PlanVersion.objects.create(
            case=locked, number=1, kind=PlanKind.DRAFT, status=PlanStatus.WORKING, views="", started_by=by
        )
        views = [answer for s in sources for answer in s.views]
        if views:
            version.views = "\n\n".join(f"{question}:\n{answer}" for question, answer in views)
            version.save(update_fields=["views"])
        rows = _NewRows()
        at = {"needs": 1, "outcomes": 1, "provisions": 1, "information": 1}
        for source in sources:
            _rows_from(source, version=version, rows=rows, at=at)
        added = rows.save()
        audit_record(
            actor=by,
            action="plan.started",
            target=locked,
            detail={"version": version.number, "brought_in": [s.key for s in sources], "rows": added},
        )
    return version


def plan_rows_bring_in(*, version: PlanVersion, source_key: str, by) -> int:
    """Bring one team's advice, submitted after the draft was started, into the version being written
    (its needs, outcomes and provision, and its line in section K), after the rows already there.
    Refused when the advice is not on the case or is in the plan already. Returns the rows added."""
    with transaction.atomic():
        locked = _version_locked(version)
        offered = {s.key: s for s in plan_sources(case=locked.case).advice}
        source = offered.get(source_key)
        if source is None:
            raise ValidationError("Select advice submitted for this case")
        kinds = (locked.needs, locked.outcomes, locked.provisions, locked.information)
        if any(rows.filter(source_key=source_key).exists() for rows in kinds):
            raise ValidationError(f"{source.label} is in the plan already")
        rows = _NewRows()
        _rows_from(source, version=locked, rows=rows, at=_next_positions(locked))
        added = rows.save()
        locked.save(update_fields=["updated_at"])
        audit_record(
            actor=by,
            action="plan.rows_brought_in",
            target=locked.case,
            detail={"version": locked.number, "source": source_key, "rows": added},
        )
    return added


# Saving a section ---------------------------------------------------------------------------------------

# Each kind of row: its model, the prefix of its inputs' ids (as ehc.plans.gaps names them), what it is
# called on the page, and its inputs with the longest each may be.
ROW_KINDS = {
    "need": {"model": PlanNeed, "noun": "need", "fields": {"area": 30, "description": None}},
    "outcome": {
        "model": PlanOutcome,
        "noun": "outcome",
        "fields": {"area": 30, "outcome": None, "steps": None},
    },
    "provision": {
        "model": PlanProvision,
        "noun": "provision",
        "fields": {"provision": None, "provider": 200, "frequency": 200, "outcome": None},
    },
    "information": {
        "model": PlanInformation,
        "noun": "advice or information",
        "fields": {"description": 300, "provided_by": 200, "dated": None},
    },
}


# The key of a row the page added and that is not saved yet ("new-0"); a saved row's key is its id.
NEW_ROW = re.compile(r"new-[0-9]{1,4}")


def row_kind_of(section: str) -> str | None:
    if section in NEED_SECTIONS:
        return "need"
    if section == PlanSection.E:
        return "outcome"
    if section in PROVISION_SECTIONS:
        return "provision"
    if section == PlanSection.K:
        return "information"
    return None


@dataclass
class SectionSaved:
    """What a save did: the rows added, changed and removed, and the problems with what was not saved,
    by input id (the rows with a problem were left as they were; the page shows them as typed)."""

    added: dict[str, int] = field(default_factory=dict)  # a new row's key ("new-0") to its id
    changed: int = 0
    removed: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def _date_typed(value: str) -> tuple[datetime.date | None, bool]:
    value = (value or "").strip()
    if not value:
        return None, True
    try:
        return datetime.date.fromisoformat(value), True
    except ValueError:
        return None, False


def _row_problems(kind: str, key: str, values: dict, outcomes: set[int]) -> tuple[dict, dict[str, str]]:
    """The row's values as stored, and its problems by input id."""
    prefix = f"{kind}-{key}"
    spec = ROW_KINDS[kind]
    clean, errors = {}, {}
    for name, longest in spec["fields"].items():
        value = str(values.get(name) or "").strip()
        if longest and len(value) > longest:
            words = name.replace("_", " ").capitalize()
            errors[f"{prefix}-{name}"] = f"{words} must be {longest} characters or fewer"
        clean[name] = value
    if "area" in clean and clean["area"] and clean["area"] not in NeedArea.values:
        errors[f"{prefix}-area"] = "Select an area of need from the list"
    if kind == "need" and not clean["description"]:
        errors[f"{prefix}-description"] = "Enter the need, or remove this row"
    if kind == "need" and not clean["area"]:
        errors[f"{prefix}-area"] = "Select the area of need"
    if kind == "outcome" and not clean["outcome"]:
        errors[f"{prefix}-outcome"] = "Enter the outcome, or remove this row"
    if kind == "provision":
        if not clean["provision"]:
            errors[f"{prefix}-provision"] = "Enter the provision, or remove this row"
        chosen = clean["outcome"]
        outcome_id = whole_number(chosen)
        if chosen and outcome_id not in outcomes:
            errors[f"{prefix}-outcome"] = "Select an outcome of this plan"
        clean["outcome_id"] = outcome_id if outcome_id in outcomes else None
        del clean["outcome"]
    if kind == "information":
        if not clean["description"]:
            errors[f"{prefix}-description"] = "Enter what the advice or information is, or remove this row"
        dated, ok = _date_typed(clean["dated"])
        if not ok:
            errors[f"{prefix}-dated"] = "Enter the date as a real date, for example 3 March 2026"
        clean["dated"] = dated
    return clean, errors


def _blank(values: dict) -> bool:
    return not any(str(v or "").strip() for k, v in values.items() if k != "remove")


def plan_section_save(
    *,
    version: PlanVersion,
    section: str,
    by,
    rows: list[dict] | None = None,
    text: dict | None = None,
    nothing: bool = False,
) -> SectionSaved:
    """Save a section as typed: the text of A, I or J (``text``), or its rows (``rows``: each a dict with
    ``key``, the row's id or "new-<n>", ``remove`` and its inputs' values, in page order), and whether
    the caseworker says there is nothing in the section for this child. What is valid is saved; a row
    with a problem is left as it was (a new one is not added) and its problem returned, so saving over
    several visits never loses what was valid. A new row left blank is not added. Refused whole: an
    issued version, a section that does not exist."""
    try:
        section = PlanSection(section)
    except ValueError:
        raise ValidationError(NOT_SECTION) from None
    saved = SectionSaved()
    with transaction.atomic():
        locked = _version_locked(version)
        kind = row_kind_of(section)
        if kind is None:
            _text_save(locked, section, text or {}, saved)
        else:
            _rows_save(locked, section, kind, rows or [], saved)
        nothing_in = set(locked.nothing_in or ())
        if nothing and _section_has_content(locked, section, kind):
            # Both would be printed: the caseworker decides which is true.
            field = f"section-{section.value}" if kind else "nothing"
            saved.errors[field] = (
                f"Section {section.value} has something in it: remove it, or untick "
                f"\u201cThere is nothing in section {section.value} for this child\u201d"
            )
        elif nothing:
            nothing_in.add(section.value)
        else:
            nothing_in.discard(section.value)
        locked.nothing_in = sorted(nothing_in, key=list(PlanSection.values).index)
        locked.save()
        audit_record(
            actor=by,
            action="plan.section_saved",
            target=locked.case,
            detail={
                "version": locked.number,
                "section": section.value,
                "added": len(saved.added),
                "changed": saved.changed,
                "removed": saved.removed,
                "not_saved": len(saved.errors),
                "nothing_in": nothing,
            },
        )
    version.refresh_from_db()
    return saved


def _section_has_content(locked: PlanVersion, section: PlanSection, kind: str | None) -> bool:
    if kind is None:
        text = {
            PlanSection.A: locked.views,
            PlanSection.I: locked.placement_name,
            PlanSection.J: locked.personal_budget,
        }
        return bool(text[section].strip())
    rows = ROW_KINDS[kind]["model"].objects.filter(version=locked)
    return (rows.filter(section=section) if kind in {"need", "provision"} else rows).exists()


def _text_save(locked: PlanVersion, section: PlanSection, text: dict, saved: SectionSaved) -> None:
    if section == PlanSection.A:
        locked.views = str(text.get("views") or "").strip()
    elif section == PlanSection.J:
        locked.personal_budget = str(text.get("personal_budget") or "").strip()
    else:
        name = str(text.get("placement_name") or "").strip()
        kind = str(text.get("placement_type") or "").strip()
        if len(name) > 200:
            saved.errors["placement_name"] = "The name must be 200 characters or fewer"
        else:
            locked.placement_name = name
        if kind and kind not in SettingType.values:
            saved.errors["placement_type"] = "Select the type of school or institution from the list"
        else:
            locked.placement_type = kind
    saved.changed = 0 if saved.errors else 1


def _rows_save(locked: PlanVersion, section: PlanSection, kind: str, posted: list[dict], saved: SectionSaved):
    model = ROW_KINDS[kind]["model"]
    in_section = model.objects.filter(version=locked)
    if kind in {"need", "provision"}:
        in_section = in_section.filter(section=section)
    existing = {row.pk: row for row in in_section}
    outcomes = set(locked.outcomes.values_list("pk", flat=True)) if kind == "provision" else set()
    changed, new, gone = [], [], []
    for position, values in enumerate(posted, start=1):
        key = str(values.get("key", ""))
        pk = whole_number(key)
        row = existing.get(pk) if pk is not None else None
        if (pk is not None and row is None) or (pk is None and not NEW_ROW.fullmatch(key)):
            continue  # removed meanwhile (another tab), or no row of the page
        if values.get("remove") or (row is None and _blank({k: v for k, v in values.items() if k != "key"})):
            if row is not None:
                gone.append(row.pk)
            continue  # removed, or the empty row "Add another" gave, left empty
        clean, errors = _row_problems(kind, key, values, outcomes)
        if errors:
            saved.errors.update(errors)
        elif row is None:
            row = model(version=locked, position=position, **clean)
            if kind in {"need", "provision"}:
                row.section = section
            new.append((key, row))
        elif _row_changed(row, clean, position):
            changed.append(row)
    if gone:
        model.objects.filter(pk__in=gone).delete()  # an outcome's provision keeps going, with no outcome
    if changed:
        model.objects.bulk_update(changed, ["position", *ROW_KINDS[kind]["fields"]])
    model.objects.bulk_create([row for _, row in new])
    saved.added = {key: row.pk for key, row in new}
    saved.changed, saved.removed = len(changed), len(gone)


def _row_changed(row, clean: dict, position: int) -> bool:
    """Set what was typed on the row; whether anything changed."""
    changed = row.position != position
    row.position = position
    for name, value in clean.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
