"""Items to complete, in the browser: the caseworker sends the Parental Response & Preference for DRAFT
EHCP form; the parent sees the days left, saves it for later, comes back, submits it with confirmation;
the caseworker sees it submitted on the case page."""

import datetime
import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.roles import Role
from core.services import membership_grant
from ehc.cases.services import case_transition
from ehc.clock import draft_response_window
from ehc.models import AccessStatus, Case, CaseAccess
from ehc.workflow import Action
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"
FORM = "Parental Response & Preference for DRAFT EHCP"
SERVED_DAYS_AGO = 4


@pytest.fixture(scope="module")
def family(django_db_setup, django_db_blocker):
    """A case at the draft plan stage, served 4 days ago, and a parent with active access: committed, so
    the live server sees them."""
    with django_db_blocker.unblock():
        email = f"response-parent-{uuid.uuid4().hex[:8]}@example.com"
        user = get_user_model().objects.create_user(
            email=email, password=PASSWORD, first_name="Robin", last_name="Hollis"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        today = timezone.localdate()
        with schema_context("oxfordshire"):
            membership_grant(user=user, role=Role.PARENT)
            case = Case.objects.create(
                reference=f"CASE-E2E{uuid.uuid4().hex[:6].upper()}",
                child_first_name="Ivy",
                child_last_name="Hollis",
                received_on=today - datetime.timedelta(days=90),
            )
            for action, days_ago in ((Action.DECIDE_TO_ASSESS, 60), (Action.ISSUE_DRAFT, SERVED_DAYS_AGO)):
                case = case_transition(
                    case=case, action=action, by=None, happened_on=today - datetime.timedelta(days=days_ago)
                )
            CaseAccess.objects.create(
                case=case, user=user, email=email, relationship="Mother", status=AccessStatus.ACTIVE
            )
        return {"email": email, "reference": case.reference}


def sign_in(page, visit, url, email, password):
    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in(email, password)
    accounts.enter_code(last_code(emails_to(email)))


def test_the_parent_completes_the_response_the_caseworker_sent(visit, url, page, family):
    reference, email = family["reference"], family["email"]
    served = timezone.localdate() - datetime.timedelta(days=SERVED_DAYS_AGO)
    due = draft_response_window(served=served)[0]
    days_left = (due - timezone.localdate()).days

    # The caseworker sends the form from the case page.
    sign_in(page, visit, url, "caseworker@oxfordshire.example", "Demo-Password-2026")
    visit(url("oxfordshire", f"/cases/{reference}/"))
    expect(page.get_by_text("No forms have been sent to the family.")).to_be_visible()
    page.get_by_role("link", name="Send a form to complete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send a form to complete")
    assert_accessible(page)
    page.get_by_role("button", name="Send the form").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the form to send")
    assert_accessible(page)
    page.get_by_label(FORM, exact=True).check()
    expect(page.get_by_text(f"due by {due.day} {due:%B %Y} at the latest")).to_be_visible()
    page.get_by_label("Robin Hollis (Mother)").check()
    page.get_by_role("button", name="Send the form").click()
    expect(page.get_by_text(f"{FORM} sent to Robin Hollis")).to_be_visible()
    assert_accessible(page)
    sent = page.get_by_role("row", name=re.compile(re.escape(FORM)))
    expect(sent).to_contain_text("Draft")
    expect(sent).to_contain_text(f"{due.day} {due:%b %Y}")
    page.get_by_role("button", name="Logout").click()
    assert "a form to complete by" in emails_to(email)[-1]

    # The parent signs in, sees the days left and starts the form.
    sign_in(page, visit, url, email, PASSWORD)
    visit(url("oxfordshire", f"/children/{reference}/forms/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Items to complete")
    row = page.get_by_role("row", name=re.compile(re.escape(FORM)))
    expect(row).to_contain_text(f"{days_left} days left")
    expect(row).to_contain_text("Not started")
    row.get_by_role("link", name=FORM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your response to the draft plan")
    assert_accessible(page)
    page.get_by_label("Your comments on the draft plan *").fill(
        "Section F should name weekly speech therapy."
    )
    page.get_by_label("In part").check()
    page.get_by_role("button", name="Save for later").click()
    expect(page.get_by_text("Your form has been saved")).to_be_visible()
    assert_accessible(page)

    # Comes back later from Items to complete, where it is now in progress.
    visit(url("oxfordshire", f"/children/{reference}/forms/"))
    row = page.get_by_role("row", name=re.compile(re.escape(FORM)))
    expect(row).to_contain_text("In progress")
    row.get_by_role("link", name=FORM).click()
    assert_accessible(page)
    expect(page.get_by_label("Your comments on the draft plan *")).to_have_value(
        "Section F should name weekly speech therapy."
    )
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School or college preference")
    assert_accessible(page)
    page.get_by_role("button", name="Next", exact=True).click()  # nothing named: refused
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the name of the school or college you would like named"
    )
    assert_accessible(page)
    page.get_by_label("The school or college you would like named in the plan *").fill(
        "Riverside Primary School"
    )
    page.get_by_label("Why you would like this school or college named *").fill("It is near home.")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting and personal budget")
    assert_accessible(page)
    page.get_by_role("group", name=re.compile("meeting")).get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("personal budget")).get_by_label("No").check()
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting your form"
    )
    expect(page.get_by_text("Riverside Primary School")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit to Local Authority").click()
    assert_accessible(page)
    page.get_by_role("button", name="Submit", exact=True).click()  # not confirmed: refused
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you want to submit the form")
    assert_accessible(page)
    page.get_by_label(re.compile("I have reviewed the form")).check()
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Items to complete")
    expect(page.get_by_text("Your form was submitted successfully")).to_be_visible()
    expect(page.get_by_text("There are no items for you to complete.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Logout").click()

    # The caseworker sees it submitted on the case page, and reads it.
    sign_in(page, visit, url, "caseworker@oxfordshire.example", "Demo-Password-2026")
    visit(url("oxfordshire", f"/cases/{reference}/"))
    sent = page.get_by_role("row", name=re.compile(re.escape(FORM)))
    expect(sent).to_contain_text("Submitted")
    sent.get_by_role("link", name=re.compile("^View")).click()
    expect(page.get_by_text("Section F should name weekly speech therapy.")).to_be_visible()
    expect(page.get_by_role("button", name="Open a case for this request")).to_have_count(0)
    assert_accessible(page)
