"""Consulting a school on the draft plan, in the browser: the caseworker consults the family's preferred
school (refused first with nothing ticked), the school's SENCo signs in, finds Consultations from their
account, reads the draft, is stopped by a missing reason, and answers; the caseworker sees the answer.
axe on every page."""

import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.models import FormVersion
from core.roles import Role
from core.services import membership_grant
from ehc.models import AssessmentRequest, Consultation, EducationSetting, RequestStatus, SettingMember
from ehc.workflow import Stage
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.factories import CaseDocumentFactory, PlanVersionFactory, UserFactory, case_at
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """A caseworker, a SENCo who is a member of the family's preferred school, and a case at its draft
    plan with the draft issued and the family's preference submitted (committed: the server reads it)."""
    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:8]
        caseworker = UserFactory(email=f"consult-cw-{tag}@example.com", first_name="Cas", last_name="Worker")
        senco = UserFactory(email=f"consult-senco-{tag}@example.com", first_name="Sam", last_name="Senco")
        parent = UserFactory(email=f"consult-parent-{tag}@example.com")
        with schema_context("oxfordshire"):
            membership_grant(user=caseworker, role=Role.CASEWORKER)
            membership_grant(user=senco, role=Role.EDUCATION_PROFESSIONAL)
            membership_grant(user=parent, role=Role.PARENT)
            school = EducationSetting.objects.create(
                name=f"Wolvercote Primary {tag}",
                kind="mainstream",
                urn="112233",
                email=f"office-{tag}@example.com",
            )
            SettingMember.objects.create(setting=school, user=senco)
            case = case_at(
                Stage.DRAFT_PLAN, caseworker=caseworker, child_first_name="Wren", child_last_name="Ash"
            )
            document = CaseDocumentFactory(case=case)
            PlanVersionFactory(
                case=case,
                status="issued",
                issued_on=timezone.localdate(),
                issued_at=timezone.now(),
                document=document,
            )
            AssessmentRequest.objects.create(
                version=FormVersion.objects.filter(definition__slug="parental_response")
                .order_by("-number")
                .first(),
                owner=parent,
                status=RequestStatus.SUBMITTED,
                reference=f"EHC-B{tag[:7].upper()}",
                about_case=case,
                submitted_at=timezone.now(),
                answers={"setting_name": school.name, "reasons": "Close to home"},
            )
        yield caseworker, senco, school, case
        with schema_context("oxfordshire"):
            document.file.delete(save=False)


def sign_in(page, email):
    accounts = Accounts(page)
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))


def test_the_caseworker_consults_and_the_school_answers(browser, url, people):
    caseworker, senco, school, case = people
    staff = browser.new_page()
    staff.goto(url("oxfordshire", f"/accounts/login/?next=/cases/{case.reference}/"))
    sign_in(staff, caseworker.email)
    staff.get_by_role("link", name="Consult schools and settings on the draft plan").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Consult schools and settings")
    expect(staff.locator(".govuk-inset-text")).to_contain_text(f"The family asked for {school.name}")
    preferred = staff.get_by_label(f"{school.name} (the family's preference)")
    expect(preferred).to_be_checked()
    assert_accessible(staff)
    preferred.uncheck()
    staff.get_by_label("Ask about costs").check()
    staff.get_by_role("button", name="Consult").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Select at least one school or setting")
    expect(staff.get_by_label("Ask about costs")).to_be_checked()
    assert_accessible(staff)
    staff.get_by_label(f"{school.name} (the family's preference)").check()
    staff.get_by_role("button", name="Consult").click()
    expect(staff.locator(".govuk-notification-banner, .govuk-panel, body").first).to_contain_text(
        f"Consulted {school.name}"
    )
    expect(staff.get_by_role("table")).to_contain_text("Waiting")
    assert_accessible(staff)
    email = emails_to(school.email)[-1]
    assert case.reference in email
    assert "Wren" not in email
    assert "Ash" not in email

    member = browser.new_page()
    member.goto(url("oxfordshire", "/accounts/login/"))
    sign_in(member, senco.email)
    member.goto(url("oxfordshire", "/account/"))
    member.get_by_role("link", name="Consultations", exact=True).click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Consultations")
    assert_accessible(member)
    member.get_by_role("link", name="Wren Ash").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Consultation about Wren Ash")
    expect(member.get_by_role("link", name="Read the draft plan (PDF)")).to_be_visible()
    assert_accessible(member)
    member.get_by_label("No", exact=True).check()
    member.get_by_label("Costs").fill("About £9,000 a year for a teaching assistant")
    member.get_by_role("button", name="Send answer").click()
    expect(member.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reasons the setting cannot meet the child's needs"
    )
    expect(member.get_by_label("Costs")).to_have_value("About £9,000 a year for a teaching assistant")
    assert_accessible(member)
    member.get_by_label("Reasons").fill("Our year 3 class is full and the building has no lift.")
    member.get_by_role("button", name="Send answer").click()
    expect(member.get_by_text("can no longer be changed")).to_be_visible()
    assert_accessible(member)
    with schema_context("oxfordshire"):
        answered = Consultation.objects.get(case=case, setting=school)
    assert answered.can_meet_needs is False
    assert "no lift" in answered.reasons

    staff.reload()
    expect(staff.get_by_role("table")).to_contain_text("Cannot meet the child's needs")
    assert_accessible(staff)
