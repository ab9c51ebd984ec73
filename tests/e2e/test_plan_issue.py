"""Issuing the plan in the browser: a caseworker is stopped by a gap (the error summary leads to it),
issues the draft, reads the issued version; the parent sees it with the 15 days to respond; the final is
issued and both compare the two versions. axe on every page."""

import datetime
import re
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.roles import Role
from core.services import membership_grant
from ehc import clock
from ehc.models import AccessStatus, CaseAccess, CaseDocument, PlanVersion
from ehc.plans.issued import services
from ehc.workflow import Stage
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.factories import (
    PlanInformationFactory,
    PlanNeedFactory,
    PlanOutcomeFactory,
    PlanProvisionFactory,
    PlanVersionFactory,
    UserFactory,
    case_at,
)
from tests.mail import emails_to, last_code

# No django_db: what the test body writes must be committed for the live server to see it.
pytestmark = [pytest.mark.browser]

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """A caseworker and a parent of their own, and a case in its assessment with a draft being written
    that has one gap (an outcome no provision serves)."""
    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:8]
        caseworker = UserFactory(
            email=f"plan-caseworker-{tag}@example.com", first_name="Cas", last_name="Worker"
        )
        parent = UserFactory(email=f"plan-parent-{tag}@example.com", first_name="Rowan", last_name="Moss")
        with schema_context("oxfordshire"):
            membership_grant(user=caseworker, role=Role.CASEWORKER)
            membership_grant(user=parent, role=Role.PARENT)
            case = case_at(
                Stage.ASSESSMENT,
                reference=f"CASE-P{tag[:7].upper()}",
                child_first_name="Ivy",
                child_last_name="Moss",
                child_date_of_birth=datetime.date(2017, 2, 3),
            )
            CaseAccess.objects.create(case=case, user=parent, email=parent.email, status=AccessStatus.ACTIVE)
            draft = PlanVersionFactory(
                case=case, number=1, nothing_in=["C", "D", "G", "H1", "H2"], personal_budget="None asked for"
            )
            PlanNeedFactory(version=draft, description="Finds it hard to follow spoken instructions")
            PlanProvisionFactory(version=draft, frequency="1 hour a week")
            PlanInformationFactory(version=draft)
            alone = PlanOutcomeFactory(version=draft, outcome="Will ride a bike")
        yield caseworker, parent, case, draft, alone
        with schema_context("oxfordshire"):
            for document in CaseDocument.objects.filter(case=case):
                document.file.delete(save=False)


def sign_in(page, email):
    accounts = Accounts(page)
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))


def test_the_draft_and_final_are_issued_and_compared(browser, visit, url, page, people, django_db_blocker):
    caseworker, parent, case, draft, alone = people
    staff = browser.new_context().new_page()
    staff.goto(url("oxfordshire", "/accounts/login/"))
    sign_in(staff, caseworker.email)
    staff.goto(url("oxfordshire", f"/cases/{case.reference}/plan/issue-draft/"))
    assert_accessible(staff)
    summary = staff.locator(".govuk-error-summary")
    expect(summary).to_contain_text("\u201cWill ride a bike\u201d has no provision")
    # To the section's editor at the input (the plan page until the editor's URLs are there).
    expect(summary.get_by_role("link")).to_have_attribute(
        "href", re.compile(rf"^/cases/{case.reference}/.*#outcome-{alone.pk}-outcome$")
    )

    with (
        django_db_blocker.unblock(),
        schema_context("oxfordshire"),
    ):  # the caseworker removes it in the editor
        alone.delete()
    staff.reload()
    assert_accessible(staff)
    expect(staff.get_by_label("Day")).to_have_value(str(timezone.localdate().day))
    staff.get_by_role("button", name="Issue draft plan").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Draft Education, Health and Care Plan")
    expect(staff.get_by_text("Draft Education, Health and Care Plan issued.")).to_be_visible()
    expect(staff.get_by_role("heading", name="Section K: Advice and information")).to_be_visible()
    assert_accessible(staff)

    visit(url("oxfordshire", "/accounts/login/"))
    sign_in(page, parent.email)
    page.goto(url("oxfordshire", f"/children/{case.reference}/"))
    page.get_by_role("link", name="Your EHC plan").first.click()
    until = clock.draft_response_window(served=timezone.localdate())[0]
    expect(page.get_by_text(f"You have until {until:%-d %B %Y} to respond")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft Education, Health and Care Plan")
    assert_accessible(page)

    with django_db_blocker.unblock(), schema_context("oxfordshire"):  # the final, finished in the editor
        final = services.plan_final_start(case=case, by=caseworker)
        PlanVersion.objects.filter(pk=final.pk).update(placement_name="Larkrise Primary School")
    staff.goto(url("oxfordshire", f"/cases/{case.reference}/plan/issue-final/"))
    expect(staff.get_by_text("The family has not sent a response to the draft plan")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_role("button", name="Issue final plan").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Final Education, Health and Care Plan")
    staff.get_by_role("link", name="See what changed between versions").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Compare versions of the plan")
    expect(staff.locator("ins").filter(has_text="Larkrise Primary School")).to_be_visible()
    assert_accessible(staff)

    page.goto(url("oxfordshire", f"/children/{case.reference}/plan/"))
    assert_accessible(page)
    page.get_by_role("link", name="See what changed between versions").click()
    expect(page.locator("ins").filter(has_text="Larkrise Primary School")).to_be_visible()
    assert_accessible(page)
