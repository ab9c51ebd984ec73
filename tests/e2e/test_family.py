"""A parent follows a child's case on the EHC dashboard while the caseworker works it, in the browser."""

import datetime
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.roles import Role
from core.services import membership_grant
from ehc.cases.services import case_due_refresh
from ehc.models import AccessStatus, Case, CaseAccess
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.factories import UserFactory
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def family(django_db_setup, django_db_blocker):
    """A parent with access to Lily Pink's case, received on 1 September 2026 (fixed dates)."""
    with django_db_blocker.unblock():
        email = f"pink-{uuid.uuid4().hex[:8]}@example.com"
        parent = UserFactory(email=email, first_name="Rose", last_name="Pink")  # email verified
        with schema_context("oxfordshire"):
            membership_grant(user=parent, role=Role.PARENT)
            case = Case.objects.create(
                reference=f"CASE-P{uuid.uuid4().hex[:7].upper()}",
                child_first_name="Lily",
                child_last_name="Pink",
                child_date_of_birth=datetime.date(2017, 2, 3),
                received_on=datetime.date(2026, 9, 1),
                requestor="Parent/Young Person",
                caseworker=get_user_model().objects.get(email="caseworker@oxfordshire.example"),
                caseworker_since=datetime.date(2026, 9, 2),
            )
            case_due_refresh(case=case)
            CaseAccess.objects.create(case=case, user=parent, email=email, status=AccessStatus.ACTIVE)
        return parent, case


def sign_in(page, visit, url, email, password):
    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in(email, password)
    accounts.enter_code(last_code(emails_to(email)))


def test_the_tracker_moves_when_the_caseworker_decides_to_assess(browser, visit, url, page, family):
    parent, case = family
    sign_in(page, visit, url, parent.email, PASSWORD)
    visit(url("oxfordshire", "/"))
    page.get_by_role("link", name="View EHC Dashboard for Lily Pink").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EHC Dashboard")
    assert_accessible(page)
    tracker = page.locator(".app-tracker")
    expect(tracker.locator('[aria-current="step"]')).to_contain_text("Request received")
    dates = page.locator(".govuk-summary-list").last
    expect(dates).to_contain_text("Decision to carry out Assessment Due Date")
    expect(dates).to_contain_text("12 Oct 2026")
    expect(dates).to_contain_text("18 Jan 2027")  # Final EHCP Issued Due Date, 20 weeks
    expect(page.locator(".govuk-summary-card").first).to_contain_text("SEN Officer")
    expect(page.locator(".govuk-summary-card").first).to_contain_text("02 Sep 2026")

    staff_context = browser.new_context()
    staff = staff_context.new_page()
    accounts = Accounts(staff)
    staff.goto(url("oxfordshire", "/accounts/login/"))
    accounts.sign_in("caseworker@oxfordshire.example", "Demo-Password-2026")
    accounts.enter_code(last_code(emails_to("caseworker@oxfordshire.example")))
    staff.goto(url("oxfordshire", f"/cases/{case.reference}/"))
    staff.get_by_label("Decide to assess", exact=True).check()
    staff.get_by_label("Date it happened").fill("2026-10-05")
    staff.get_by_role("button", name="Record", exact=True).click()
    expect(staff.get_by_text("Decide to assess: recorded.")).to_be_visible()
    assert_accessible(staff)
    staff_context.close()

    page.reload()
    expect(tracker.locator('[aria-current="step"]')).to_contain_text("Assessment")
    expect(tracker.locator(".app-tracker__step--next")).to_contain_text("Draft plan")
    expect(tracker.locator(".app-tracker__step--done")).to_have_count(2)
    expect(page.get_by_text("What happens in this stage?")).to_be_visible()
    expect(dates).to_contain_text("12 Oct 2026")
    assert_accessible(page)

    nav = page.get_by_role("navigation", name=re.compile("Lily Pink"))
    nav.get_by_role("link", name="EHC Request Details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EHC Request Details")
    expect(page.locator(".govuk-summary-list")).to_contain_text("01 Sep 2026")
    assert_accessible(page)
    nav.get_by_role("link", name="SEN Involvements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SEN Involvements")
    assert_accessible(page)
    nav.get_by_role("link", name="Back to EHC Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EHC Dashboard")

    # A new request offers the child already linked to the account (Part 1)
    visit(url("oxfordshire", "/ehc-needs-assessment/parent/"))
    page.get_by_role("button", name=re.compile("Start|Continue|Begin")).first.click()
    page.get_by_role("link", name=re.compile("Part 1")).first.click()
    expect(page.get_by_label("Lily Pink")).to_be_visible()
    assert_accessible(page)
