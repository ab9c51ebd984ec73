"""The plan's PDF, read back with pdftotext: every section's heading, the rows with their sources, the
child, and "Draft" or "Final" on the first page."""

import subprocess
import time

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import schema_context

from ehc.models import PlanSection, PlanVersion
from ehc.plans.issued import services
from tests.core.test_pdf import normalise, pdftotext
from tests.ehc.plans.issued_helpers import assessed_case, complete_draft, documents_removed, rows_fill
from tests.factories import council_person

pytestmark = pytest.mark.django_db


def text_of(document, *args) -> str:
    return normalise(pdftotext(default_storage.path(document.file.name), *args))


@pytest.fixture
def issued(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        case = assessed_case()
        draft = complete_draft(case)
        need = draft.needs.get()
        need.description = "Edited by the caseworker: needs a visual timetable"
        need.save()
        by = council_person("caseworker@oxfordshire.example")
        started = time.perf_counter()
        services.plan_draft_issue(version=draft, by=by, issued_on=timezone.localdate())
        draft.refresh_from_db()
        print(f"issued in {time.perf_counter() - started:.2f}s")
        yield {"case": case, "draft": draft, "by": by}
        documents_removed(case)


def test_the_draft_has_every_section_the_edited_row_and_says_draft_on_page_one(issued, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        document = issued["draft"].document
        whole = text_of(document)
        first = text_of(document, "-f", "1", "-l", "1")
    for section in PlanSection:
        assert normalise(f"Section {section.value}: {section.label}") in whole, section
    assert "Edited by the caseworker: needs a visual timetable" in whole
    assert "Speech and language therapy advice, 3 March 2026" in whole  # a row's source
    assert "Nothing in this section for this child" in whole  # section C
    assert "Draft Education, Health and Care Plan" in first
    assert "Final" not in first
    assert "Oxfordshire" in first
    assert issued["case"].reference in first
    assert "Amir Quillon" in first
    assert "4 May 2016" in first
    assert "Version 1" in first


def test_the_final_says_final_on_page_one_and_names_the_school(issued, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        final = services.plan_final_start(case=issued["case"], by=issued["by"])
        PlanVersion.objects.filter(pk=final.pk).update(placement_name="Larkrise Primary School")
        final.refresh_from_db()
        services.plan_final_issue(version=final, by=issued["by"], issued_on=timezone.localdate())
        final.refresh_from_db()
        first = text_of(final.document, "-f", "1", "-l", "1")
        whole = text_of(final.document)
    assert "Final Education, Health and Care Plan" in first
    assert "Draft" not in first
    assert "Larkrise Primary School" in whole


def test_a_hundred_rows_a_section_render_in_time(oxfordshire):
    """Rendering happens inside the issuing transaction (the case row stays locked meanwhile): it must
    stay quick for a long plan."""
    with schema_context(oxfordshire.schema_name):
        case = assessed_case()
        draft = complete_draft(case)
        rows_fill(draft, 100)
        by = council_person("caseworker@oxfordshire.example")
        started = time.perf_counter()
        services.plan_draft_issue(version=draft, by=by, issued_on=timezone.localdate())
        seconds = time.perf_counter() - started
        draft.refresh_from_db()
        whole = text_of(draft.document)
        documents_removed(case)
    assert "Provision H2 99" in whole or "Provision H299" in whole
    print(f"issued with 100 rows a section in {seconds:.2f}s")
    assert seconds < 20, seconds


def test_the_councils_logo_is_on_the_first_page(oxfordshire):
    from django.core.files.base import ContentFile

    from tenants.configuration.selectors import configuration_get
    from tests.core.test_uploads import make_png

    with schema_context(oxfordshire.schema_name):
        config = configuration_get()
        config.logo.save("logo.png", ContentFile(make_png()), save=True)
        try:
            case = assessed_case()
            draft = complete_draft(case)
            by = council_person("caseworker@oxfordshire.example")
            services.plan_draft_issue(version=draft, by=by, issued_on=timezone.localdate())
            draft.refresh_from_db()
            path = default_storage.path(draft.document.file.name)
            images = subprocess.run(
                ["pdfimages", "-list", "-f", "1", "-l", "1", path], capture_output=True, text=True, check=True
            ).stdout
            documents_removed(case)
        finally:
            config.logo.delete(save=True)
    assert "png" in images or "image" in images
    assert len(images.strip().splitlines()) == 3  # the two header lines, and the logo
