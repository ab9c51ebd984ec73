"""Worcestershire's invitation journey in the browser: the caseworker invites a parent, checks the code
they quote, the parent accepts with the link, the SEND team activates; and one invitation declined."""

import datetime
import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.roles import Role
from core.services import membership_grant
from ehc.models import AccessStatus, Case, CaseAccess
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Worcestershire's policy: 15 characters or more, a letter, an upper-case letter and a digit.
PASSWORD = "Juniper-Kettle-Harbour-42"
STAFF = "caseworker@worcestershire.example"


@pytest.fixture(scope="module")
def family(django_db_setup, django_db_blocker):
    """Two children's cases in Worcestershire, and a parent with an account there and no access yet."""
    with django_db_blocker.unblock():
        email = f"invited-{uuid.uuid4().hex[:8]}@example.com"
        parent = get_user_model().objects.create_user(
            email=email, password=PASSWORD, first_name="Robin", last_name="Ashgrove"
        )
        EmailAddress.objects.create(user=parent, email=email, verified=True, primary=True)
        with schema_context("worcestershire"):
            membership_grant(user=parent, role=Role.PARENT)
            cases = [
                Case.objects.create(
                    reference=f"CASE-V{uuid.uuid4().hex[:7].upper()}",
                    child_first_name=first,
                    child_last_name="Ashgrove",
                    child_date_of_birth=datetime.date(2015, 7, 9),
                    received_on=datetime.date(2026, 9, 1),
                )
                for first in ("Wren", "Linnet")
            ]
        return parent, cases


def code_in(message: str) -> str:
    [code] = re.findall(r"^([A-Z0-9]{8})$", message, flags=re.MULTILINE)
    return code


def link_in(message: str) -> str:
    [link] = re.findall(r"http://\S+/invitations/accept/\S+/", message)
    return link


def test_a_parent_is_invited_checked_accepts_and_is_activated(browser, visit, url, page, family):
    parent, (wren, linnet) = family
    staff = browser.new_page()

    def staff_visit(path: str):
        response = staff.goto(url("worcestershire", path))
        assert response is not None, path
        assert response.status == 200, path
        assert_accessible(staff)

    # The caseworker signs in and invites the parent to both children's records.
    staff_visit("/accounts/login/")
    accounts = Accounts(staff)
    accounts.sign_in(STAFF, "Demo-Password-2026")
    accounts.enter_code(last_code(emails_to(STAFF)))
    for case in (wren, linnet):
        staff_visit(f"/cases/{case.reference}/")
        expect(staff.get_by_role("heading", name="People with access on the portal")).to_be_visible()
        staff.get_by_role("link", name="Invite a parent or carer").click()
        expect(staff.get_by_role("heading", level=1)).to_have_text("Invite a parent or carer")
        assert_accessible(staff)
        staff.get_by_role("button", name="Continue").click()
        expect(staff.locator(".govuk-error-summary")).to_contain_text("Enter the email address")
        assert_accessible(staff)
        staff.get_by_label("Email address").fill(parent.email)
        staff.get_by_label("Parent or carer").check()
        staff.get_by_role("button", name="Continue").click()
        expect(staff.get_by_role("heading", level=1)).to_have_text("Check the invitation before sending it")
        assert_accessible(staff)
        staff.get_by_role("button", name="Send invitation").click()
        expect(staff.locator(".govuk-notification-banner")).to_contain_text("Invitation sent")
        expect(staff.locator("#family-access + table")).to_contain_text("Invited: identity to be checked")
        assert_accessible(staff)
        code = code_in(emails_to(parent.email)[-1])

        # The parent quotes the code on the phone; the caseworker mistypes it once.
        staff.get_by_role("link", name=f"Check identity of {parent.email}").click()
        assert_accessible(staff)
        staff.get_by_label("Code they quoted").fill("BBBBBBBB" if code != "BBBBBBBB" else "CCCCCCCC")
        staff.get_by_role("button", name="Confirm identity").click()
        expect(staff.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
        assert_accessible(staff)
        staff.get_by_label("Code they quoted").fill(code)
        staff.get_by_role("button", name="Confirm identity").click()
        expect(staff.locator(".govuk-notification-banner")).to_contain_text("Identity checked")
        expect(staff.locator("#family-access + table")).to_contain_text("acceptance link sent")
        assert_accessible(staff)

    *_, wren_link_mail, _, linnet_link_mail = emails_to(parent.email)
    assert "Accept Portal Invitation" in wren_link_mail
    assert "Accept Portal Invitation" in linnet_link_mail
    for message in emails_to(parent.email):
        assert "Wren" not in message
        assert "Linnet" not in message
        assert "Ashgrove" not in message

    # Linnet's link first: sign in, come back, decline.
    response = page.goto(link_in(linnet_link_mail))
    assert response is not None
    assert_accessible(page)
    accounts = Accounts(page)
    accounts.sign_in(parent.email, PASSWORD)
    accounts.enter_code(last_code(emails_to(parent.email)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations awaiting approval")
    assert_accessible(page)
    expect(page.get_by_label("Linnet Ashgrove")).to_be_visible()
    expect(page.get_by_text("Date of birth 9 July 2015")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select yes if you wish to continue")
    assert_accessible(page)
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Have you entered all the information you need to?"
    )
    warning = 'You will not be able to make any further changes once you press the "Submit" button.'
    expect(page.locator(".govuk-warning-text")).to_contain_text(warning)
    assert_accessible(page)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation response sent")
    expect(page.locator("main")).to_contain_text("You declined")
    assert_accessible(page)

    # Wren's link, signed in now: tick, Yes, Confirm, Submit.
    visit(link_in(wren_link_mail))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations awaiting approval")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the children")
    assert_accessible(page)
    page.get_by_label("Wren Ashgrove").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Wren Ashgrove")
    assert_accessible(page)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("main")).to_contain_text("The SEND team will now activate your access")
    assert_accessible(page)
    visit(url("worcestershire", "/invitations/"))
    expect(page.locator("main")).to_contain_text("There are no invitations waiting for your approval.")

    # The SEND team sees the answers and activates Wren's access.
    staff_visit(f"/cases/{linnet.reference}/")
    expect(staff.locator("#family-access + table")).to_contain_text("Declined")
    staff_visit(f"/cases/{wren.reference}/")
    staff.get_by_role("button", name=f"Activate access for {parent.email}").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("Access activated")
    expect(staff.locator("#family-access + table")).to_contain_text("Active")
    assert_accessible(staff)
    activation = emails_to(parent.email)[-1]
    assert "Portal access to customer SEND record" in activation
    assert f"you can now see the EHC record for reference {wren.reference}" in activation
    assert "Wren" not in activation

    with schema_context("worcestershire"):
        assert CaseAccess.objects.get(case=wren, user=parent).status == AccessStatus.ACTIVE
        assert CaseAccess.objects.get(case=linnet, user=parent).status == AccessStatus.DECLINED

    # The parent now sees Wren (and not Linnet) on the home page, and opens the dashboard.
    visit(url("worcestershire", "/"))
    expect(page.locator("main")).not_to_contain_text("Linnet")
    page.get_by_role("link", name="View EHC Dashboard for Wren Ashgrove").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EHC Dashboard")
    assert_accessible(page)
    assert page.goto(url("worcestershire", f"/children/{linnet.reference}/")).status == 404

    # The SEND team removes the access, after a page that asks to confirm; the dashboard is gone.
    staff_visit(f"/cases/{wren.reference}/")
    staff.get_by_role("link", name=f"Remove access for {parent.email}").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("access?")
    assert_accessible(staff)
    staff.get_by_role("button", name="Remove access").click()
    expect(staff.locator("#family-access + table")).to_contain_text("Removed")
    assert page.goto(url("worcestershire", f"/children/{wren.reference}/")).status == 404
    staff.close()
