"""A plan version as sections of plain values, and what changed between two of them: pure (no ORM, no
queries), so the version page, the PDF and the comparison read the same words, and the comparison is
unit-tested on its own.

A row is matched across versions by its ``lineage`` (kept when a version is copied from another), so an
edited row is a change, not a removal and an addition."""

import uuid
from dataclasses import dataclass

from ehc.models import NEED_SECTIONS, PROVISION_SECTIONS, NeedArea, PlanSection, SettingType

NEED_COLUMNS = ("Area of need", "Need")
OUTCOME_COLUMNS = ("Area of need", "Outcome", "Steps towards it")
PROVISION_COLUMNS = ("Provision", "Who provides it", "How often", "Outcome it serves")
INFORMATION_COLUMNS = ("Advice or information", "Provided by", "Date")
AREA_ORDER = {value: index for index, value in enumerate(NeedArea.values)}
NOTHING = "Nothing in this section for this child"


@dataclass(frozen=True)
class Row:
    lineage: uuid.UUID
    cells: tuple[str, ...]  # in the section's column order
    source: str = ""


@dataclass(frozen=True)
class Section:
    letter: str
    label: str
    columns: tuple[str, ...] = ()  # a section of rows has columns; a section of answers has none
    rows: tuple[Row, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()  # (question, answer) for A, I and J
    nothing: bool = False  # the caseworker said there is nothing in it for this child

    @property
    def heading(self) -> str:
        return f"Section {self.letter}: {self.label}"

    @property
    def is_rows(self) -> bool:
        return bool(self.columns)

    @property
    def is_empty(self) -> bool:
        return not self.rows and not any(answer for _, answer in self.answers)


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def plan_sections(*, version, needs, outcomes, provisions, information) -> list[Section]:
    """Every section A to K of ``version``, from its rows as already read (no query here)."""
    nothing = set(version.nothing_in or ())
    outcome_text = {outcome.pk: outcome.outcome for outcome in outcomes}
    area = dict(NeedArea.choices)

    def made(letter: PlanSection, **kwargs) -> Section:
        return Section(letter.value, letter.label, nothing=letter.value in nothing, **kwargs)

    sections = [made(PlanSection.A, answers=(("Views, interests and aspirations", version.views),))]
    for letter in NEED_SECTIONS:
        rows = sorted(
            (need for need in needs if need.section == letter),
            key=lambda need: (AREA_ORDER.get(need.area, 99), need.position, need.pk),
        )
        sections.append(
            made(
                letter,
                columns=NEED_COLUMNS,
                rows=tuple(
                    Row(need.lineage, (area.get(need.area, need.area), need.description), need.source)
                    for need in rows
                ),
            )
        )
    sections.append(
        made(
            PlanSection.E,
            columns=OUTCOME_COLUMNS,
            rows=tuple(
                Row(o.lineage, (area.get(o.area, o.area), o.outcome, o.steps), o.source) for o in outcomes
            ),
        )
    )
    for letter in PROVISION_SECTIONS:
        sections.append(
            made(
                letter,
                columns=PROVISION_COLUMNS,
                rows=tuple(
                    Row(
                        p.lineage,
                        (p.provision, p.provider, p.frequency, outcome_text.get(p.outcome_id, "")),
                        p.source,
                    )
                    for p in provisions
                    if p.section == letter
                ),
            )
        )
    sections.append(
        made(
            PlanSection.I,
            answers=(
                ("Name of the school or institution", version.placement_name),
                ("Type of school or institution", dict(SettingType.choices).get(version.placement_type, "")),
            ),
        )
    )
    sections.append(made(PlanSection.J, answers=(("Personal budget", version.personal_budget),)))
    sections.append(
        made(
            PlanSection.K,
            columns=INFORMATION_COLUMNS,
            rows=tuple(
                Row(i.lineage, (i.description, i.provided_by, _date(i.dated)), i.source) for i in information
            ),
        )
    )
    return sections


@dataclass(frozen=True)
class Change:
    """One value that changed: what it is, what it was and what it is now."""

    name: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    old: Row
    new: Row
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class SectionDiff:
    letter: str
    heading: str
    columns: tuple[str, ...] = ()
    added: tuple[Row, ...] = ()
    removed: tuple[Row, ...] = ()
    changed: tuple[RowChange, ...] = ()
    answers: tuple[Change, ...] = ()  # the section's answers (A, I, J) that changed, and "nothing in it"

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.answers)


def sections_compare(old: list[Section], new: list[Section]) -> list[SectionDiff]:
    """What changed from ``old`` to ``new``, section by section in the plan's order (every section, so a
    page can say "No changes" for one): rows matched by lineage, a changed row listed with the values
    that changed."""
    old_by_letter = {section.letter: section for section in old}
    diffs = []
    for after in new:
        before = old_by_letter.get(after.letter) or Section(after.letter, after.label, columns=after.columns)
        answers = [
            Change(question, was, now)
            for (question, was), (_, now) in zip(before.answers, after.answers, strict=False)
            if was.strip() != now.strip()
        ]
        if before.nothing != after.nothing:
            answers.append(
                Change(NOTHING, "Yes" if before.nothing else "No", "Yes" if after.nothing else "No")
            )
        old_rows = {row.lineage: row for row in before.rows}
        new_lineages = {row.lineage for row in after.rows}
        changed = []
        for row in after.rows:
            was = old_rows.get(row.lineage)
            if was is None:
                continue
            changes = tuple(
                Change(column, a, b)
                for column, a, b in zip(after.columns, was.cells, row.cells, strict=False)
                if a.strip() != b.strip()
            )
            if changes:
                changed.append(RowChange(was, row, changes))
        diffs.append(
            SectionDiff(
                after.letter,
                after.heading,
                columns=after.columns,
                added=tuple(row for row in after.rows if row.lineage not in old_rows),
                removed=tuple(row for row in before.rows if row.lineage not in new_lineages),
                changed=tuple(changed),
                answers=tuple(answers),
            )
        )
    return diffs
