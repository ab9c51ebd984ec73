"""Items to view in the browser: a caseworker publishes a document (one file refused first), the parent
follows the email's sign-in link, opens Items to view and downloads it; axe on every page."""

import datetime
import uuid

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.models import AuditEvent
from core.roles import Role
from core.services import membership_grant
from ehc.models import AccessStatus, Case, CaseAccess, CaseDocument
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.factories import UserFactory
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """A caseworker and a parent of their own (so that no other test's sign-in codes get in the way), and
    Ivy Moss's case, which the parent has active access to."""
    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:8]
        caseworker = UserFactory(
            email=f"docs-caseworker-{tag}@example.com", first_name="Cas", last_name="Worker"
        )
        parent = UserFactory(email=f"docs-parent-{tag}@example.com", first_name="Rowan", last_name="Moss")
        with schema_context("oxfordshire"):
            membership_grant(user=caseworker, role=Role.CASEWORKER)
            membership_grant(user=parent, role=Role.PARENT)
            case = Case.objects.create(
                reference=f"CASE-V{tag[:7].upper()}",
                child_first_name="Ivy",
                child_last_name="Moss",
                received_on=datetime.date(2026, 9, 1),
            )
            CaseAccess.objects.create(case=case, user=parent, email=parent.email, status=AccessStatus.ACTIVE)
        yield caseworker, parent, case
        with schema_context("oxfordshire"):  # the database goes with the session; stored files do not
            for document in CaseDocument.objects.filter(case=case):
                document.file.delete(save=False)


def sign_in(page, email):
    accounts = Accounts(page)
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))


def test_a_caseworker_publishes_and_the_parent_downloads(browser, visit, url, page, people, tmp_path):
    caseworker, parent, case = people
    refused, letter = tmp_path / "notes.rtf", tmp_path / "Final plan.pdf"
    refused.write_bytes(b"{\\rtf1 x}")
    letter.write_bytes(PDF_BYTES)

    staff_context = browser.new_context(accept_downloads=True)
    staff = staff_context.new_page()
    staff.goto(url("oxfordshire", "/accounts/login/"))
    assert_accessible(staff)
    sign_in(staff, caseworker.email)
    staff.goto(url("oxfordshire", f"/cases/{case.reference}/"))
    expect(staff.get_by_role("heading", name="Documents published to the family")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_role("link", name="Publish a document").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Publish a document to the family")
    expect(staff.locator(".govuk-inset-text")).to_contain_text("1 person has access to this case")
    assert_accessible(staff)

    staff.get_by_label("Description", exact=True).fill("EHC Plan - Final")
    staff.get_by_label("Day").fill("14")
    staff.get_by_label("Month").fill("1")
    staff.get_by_label("Year").fill("2026")
    staff.get_by_label("File", exact=True).set_input_files(str(refused))
    staff.get_by_role("button", name="Publish to the family").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text(
        "[rtf] is not an accepted extension. Accepted extensions: doc, docx, pdf, jpg, jpeg, png"
    )
    expect(staff.get_by_label("Description", exact=True)).to_have_value("EHC Plan - Final")  # kept
    expect(staff.get_by_label("Year")).to_have_value("2026")
    assert_accessible(staff)
    staff.locator(".govuk-error-summary").get_by_role("link").click()
    expect(staff.get_by_label("File", exact=True)).to_be_focused()  # the summary leads to the field

    staff.get_by_label("File", exact=True).set_input_files(str(letter))
    staff.get_by_role("button", name="Publish to the family").click()
    expect(staff.get_by_text("Document published.")).to_be_visible()
    row = staff.get_by_role("row").filter(has_text="EHC Plan - Final")
    expect(row).to_contain_text("14 Jan 2026")
    expect(row).to_contain_text("Cas Worker")
    assert_accessible(staff)
    with staff.expect_download() as staff_download:
        row.get_by_role("link", name="Download EHC Plan - Final").click()
    assert staff_download.value.suggested_filename == "Final plan.pdf"
    staff_context.close()

    # The parent is told by email that there is something to view, and where to sign in; never what.
    email = emails_to(parent.email)[-1]
    assert "a new document to view" in email
    assert "EHC Plan" not in email
    assert "Ivy" not in email
    link = next(line for line in email.splitlines() if "/accounts/login/" in line).strip()
    assert link.startswith("http://oxfordshire.localhost:")
    visit(link)
    sign_in(page, parent.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Items to view")
    assert page.url.endswith(f"/children/{case.reference}/documents/")
    assert_accessible(page)
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Published Date", "Document Date", "Description"])
    expect(table.get_by_role("row").nth(1)).to_contain_text("14 Jan 2026")

    with page.expect_download() as download:
        page.get_by_role("link", name="EHC Plan - Final").click()
    assert download.value.suggested_filename == "Final plan.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF_BYTES
    assert_accessible(page)  # still on Items to view

    with schema_context("oxfordshire"):
        document = CaseDocument.objects.get(case=case)
        assert AuditEvent.objects.filter(
            action="document.downloaded", actor=parent, target_id=str(document.pk)
        ).exists()
        assert AuditEvent.objects.filter(
            action="document.published", actor=caseworker, target_id=str(document.pk)
        ).exists()
