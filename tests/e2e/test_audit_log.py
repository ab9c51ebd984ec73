"""The council admin's journey through the audit log: a caseworker reads a child's case, the council
admin finds that read by the child's reference and by the caseworker, and exports what the list shows
as CSV, each page checked with axe."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from ehc.models import Case
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def reference(django_db_setup, django_db_blocker) -> str:
    """A child's case in Hertfordshire, committed for the browser's server to see."""
    with django_db_blocker.unblock(), schema_context("hertfordshire"):
        return Case.objects.create(
            reference=f"CASE-E{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Audrey",
            child_last_name="Logged",
            received_on=datetime.date(2026, 10, 1),
        ).reference


def test_the_council_admin_finds_who_read_a_childs_record_and_exports_it(
    visit, url, page, browser, reference
):
    caseworker = get_user_model().objects.get(email="caseworker@hertfordshire.example")

    # A caseworker reads the child's case, on their own computer.
    reader = browser.new_context().new_page()
    reader.goto(url("hertfordshire", "/accounts/login/"))
    staff = Accounts(reader)
    staff.sign_in(caseworker.email, "Demo-Password-2026")
    staff.enter_code(last_code(emails_to(caseworker.email)))
    reader.goto(url("hertfordshire", f"/cases/{reference}/"))
    expect(reader.get_by_text("Audrey Logged").first).to_be_visible()
    reader.context.close()

    accounts = Accounts(visit(url("hertfordshire", "/accounts/login/")))
    accounts.sign_in("admin@hertfordshire.example", "Demo-Password-2026")
    accounts.enter_code(last_code(emails_to("admin@hertfordshire.example")))
    visit(url("hertfordshire", "/admin/core/auditevent/"))
    page.locator("#searchbar").fill(reference)
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    row = page.locator("#result_list tbody tr").first
    expect(row).to_contain_text("record.read")
    expect(row).to_contain_text(caseworker.email)
    expect(row).to_contain_text(reference)

    page.get_by_role("link", name=caseworker.email, exact=True).click()  # the person filter
    assert_accessible(page)
    expect(page.locator("#result_list")).to_contain_text(reference)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export these rows as CSV").click()
    lines = open(download.value.path(), encoding="utf-8").read().splitlines()  # noqa: PTH123, SIM115
    assert lines[0] == "at,action,actor_email,subject,target_type,target_id,detail"
    assert any(reference in line and caseworker.email in line for line in lines[1:])
    assert not any("Audrey" in line for line in lines)
