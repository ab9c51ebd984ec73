"""What changed between two versions of a plan: the pure comparison (ehc/plans/issued/compare.py, rows
matched by lineage, no database) and the pages that show it to staff and to the family."""

import datetime
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from ehc.models import (
    PlanInformation,
    PlanKind,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanStatus,
    PlanVersion,
)
from ehc.plans.issued.compare import plan_sections, sections_compare
from tests.ehc.plans.issued_helpers import assessed_case, family_client, rows_fill, staff_client

OUTCOME = uuid.uuid4()
NEED = uuid.uuid4()
PROVISION = uuid.uuid4()
INFORMATION = uuid.uuid4()


def version_of(**changes):
    """A version and its rows, unsaved (the comparison reads no database): one need, one outcome, one
    provision serving it and one piece of advice, each with a fixed lineage; ``changes`` change them."""
    version = PlanVersion(
        number=1,
        kind=changes.pop("kind", PlanKind.DRAFT),
        views=changes.pop("views", "Amir loves trains"),
        placement_name=changes.pop("placement_name", ""),
        personal_budget="None",
        nothing_in=changes.pop("nothing_in", ["C", "D", "G", "H1", "H2"]),
    )
    outcome = PlanOutcome(
        pk=10, lineage=OUTCOME, area="communication", outcome="Will follow instructions", steps=""
    )
    needs = [
        PlanNeed(
            pk=1,
            lineage=NEED,
            section="B",
            area="communication",
            description=changes.pop("need", "Finds spoken instructions hard"),
        )
    ]
    provisions = [
        PlanProvision(
            pk=20,
            lineage=PROVISION,
            section="F",
            provision="Speech and language therapy",
            provider="Therapist",
            frequency=changes.pop("frequency", "Weekly"),
            outcome_id=10,
        )
    ]
    information = [
        PlanInformation(
            pk=30, lineage=INFORMATION, description="SALT advice", dated=datetime.date(2026, 3, 3)
        )
    ]
    extra = changes.pop("extra_needs", [])
    if changes.pop("no_information", False):
        information = []
    assert not changes, changes
    return plan_sections(
        version=version,
        needs=needs + extra,
        outcomes=[outcome],
        provisions=provisions,
        information=information,
    )


def by_letter(diffs):
    return {diff.letter: diff for diff in diffs}


def test_the_same_version_has_no_changes_in_any_section():
    diffs = sections_compare(version_of(), version_of())
    assert [d.letter for d in diffs] == ["A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K"]
    assert not any(diff.has_changes for diff in diffs)


def test_an_edited_row_is_a_change_field_by_field_not_a_removal_and_an_addition():
    diffs = by_letter(
        sections_compare(version_of(), version_of(need="Needs a visual timetable", frequency="Daily"))
    )
    (changed,) = diffs["B"].changed
    assert [(c.name, c.old, c.new) for c in changed.changes] == [
        ("Need", "Finds spoken instructions hard", "Needs a visual timetable")
    ]
    assert not diffs["B"].added
    assert not diffs["B"].removed
    (provision,) = diffs["F"].changed
    assert [(c.name, c.old, c.new) for c in provision.changes] == [("How often", "Weekly", "Daily")]
    assert {letter for letter, diff in diffs.items() if diff.has_changes} == {"B", "F"}


def test_rows_added_and_removed_and_answers_changed():
    added = PlanNeed(
        pk=2, lineage=uuid.uuid4(), section="B", area="semh", description="Anxious at transitions"
    )
    diffs = by_letter(
        sections_compare(
            version_of(),
            version_of(
                views="Amir loves buses",
                extra_needs=[added],
                no_information=True,
                placement_name="Larkrise Primary School",
                nothing_in=["D", "G", "H1", "H2"],
            ),
        )
    )
    assert [row.cells for row in diffs["B"].added] == [
        ("Social, emotional and mental health", "Anxious at transitions")
    ]
    assert [row.cells[0] for row in diffs["K"].removed] == ["SALT advice"]
    assert [(c.old, c.new) for c in diffs["A"].answers] == [("Amir loves trains", "Amir loves buses")]
    assert [(c.name, c.new) for c in diffs["I"].answers] == [
        ("Name of the school or institution", "Larkrise Primary School")
    ]
    assert [(c.old, c.new) for c in diffs["C"].answers] == [("Yes", "No")]


def test_needs_are_shown_by_area_and_provision_names_the_outcome_it_serves():
    later = PlanNeed(
        pk=3, lineage=uuid.uuid4(), section="B", area="communication", description="Second", position=9
    )
    first_area = PlanNeed(
        pk=4, lineage=uuid.uuid4(), section="B", area="sensory_physical", description="Hearing", position=0
    )
    sections = {s.letter: s for s in version_of(extra_needs=[first_area, later])}
    assert [row.cells[1] for row in sections["B"].rows] == [
        "Finds spoken instructions hard",
        "Second",
        "Hearing",
    ]
    assert sections["F"].rows[0].cells[3] == "Will follow instructions"
    assert sections["F"].heading == "Section F: Special educational provision"


def issued_version(case, number, **fields):
    return PlanVersion.objects.create(
        case=case,
        number=number,
        status=PlanStatus.ISSUED,
        kind=fields.pop("kind", PlanKind.DRAFT),
        issued_on=timezone.localdate(),
        issued_at=timezone.now(),
        **fields,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("per_section", [1, 100])
def test_the_compare_pages_show_the_edit_in_the_same_queries_for_1_and_100_rows(
    per_section, oxfordshire, assert_queries
):
    from ehc.plans.issued.services import plan_version_copy

    with schema_context(oxfordshire.schema_name):
        case = assessed_case()
        first = issued_version(case, 1, views="Amir loves trains")
        rows_fill(first, per_section)
        second = plan_version_copy(version=first, number=2, kind=PlanKind.FINAL, by=None)
        PlanVersion.objects.filter(pk=second.pk).update(
            status=PlanStatus.ISSUED,
            issued_on=timezone.localdate(),
            issued_at=timezone.now(),
            views="Amir loves buses",
        )
        PlanNeed.objects.filter(version=second, description="Need B0").update(description="Need B0, edited")
    client, _ = staff_client(oxfordshire)
    url = f"/cases/{case.reference}/plan/compare/?from=1&to=2"
    client.get(url)
    # routing, session, the council's configuration, identity, roles, the case, the audit row, the issued
    # versions, and the four kinds of rows of each of the two versions
    with assert_queries(16):
        html = client.get(url).content.decode()
    assert "<del>Need B0</del>" in html
    assert "<ins>Need B0, edited</ins>" in html
    assert "<del>Amir loves trains</del>" in html
    assert html.count("No changes.") == 10  # every section but A and B
    family, _ = family_client(oxfordshire, case)
    family_url = f"/children/{case.reference}/plan/compare/?from=1&to=2"
    family.get(family_url)
    with assert_queries(14):
        assert "<ins>Need B0, edited</ins>" in family.get(family_url).content.decode()


@pytest.mark.django_db
def test_a_version_that_is_not_issued_cannot_be_compared(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        case = assessed_case()
        issued_version(case, 1, views="Issued words")
        issued_version(case, 2, views="Second words", kind=PlanKind.FINAL)
        PlanVersion.objects.create(case=case, number=3, views="Being written")
    client, _ = staff_client(oxfordshire)
    default = client.get(f"/cases/{case.reference}/plan/compare/").content.decode()
    assert "<del>Issued words</del>" in default
    assert "<ins>Second words</ins>" in default
    refused = client.get(f"/cases/{case.reference}/plan/compare/?from=1&to=3")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Select a version to compare with" in html
    assert 'href="#to"' in html
    assert "Being written" not in html
    family, _ = family_client(oxfordshire, case)
    assert (
        "Being written"
        not in family.get(f"/children/{case.reference}/plan/compare/?from=1&to=3").content.decode()
    )
    same = client.get(f"/cases/{case.reference}/plan/compare/?from=2&to=2")
    assert "Select two different versions" in same.content.decode()
