"""Accounts and secure sign-in in the browser, in several councils, axe-checked on every page."""

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.accounts import codes
from core.models import Profile
from core.roles import Role
from core.services import membership_grant
from core.staff.services import staff_invitation_send
from tests.conftest import family_invitation_link
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.mail import emails_to, last_code, texts_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"
ADDRESS = {
    "Forename": "Sam",
    "Surname": "Carter",
    "Street": "Broad Street",
    "Town/City": "Oxford",
    "Postcode": "OX1 3BD",
}


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """People who exist before the browser arrives: committed, so the live server sees them."""

    def make(email, memberships, mobile=""):
        user = get_user_model().objects.create_user(
            email=email, password=PASSWORD, first_name="Alex", last_name="Test"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        for schema, role in memberships:
            with schema_context(schema):
                membership_grant(user=user, role=role)
                if mobile:
                    Profile.objects.create(
                        user=user,
                        mobile_phone=mobile,
                        street="Town Hall Square",
                        town="Grimsby",
                        postcode="DN31 1HU",
                    )
        return email

    with django_db_blocker.unblock():
        return {
            "herts_parent": make(unique("herts-parent"), [("hertfordshire", Role.PARENT)]),
            "oxon_parent": make(unique("oxon-parent"), [("oxfordshire", Role.PARENT)]),
            "expiry_parent": make(unique("expiry"), [("oxfordshire", Role.PARENT)]),
            "worcs_parent": make(unique("worcs-parent"), [("worcestershire", Role.PARENT)]),
            "mover": make(unique("mover"), [("oxfordshire", Role.PARENT)]),
            "slt": make(
                unique("slt"),
                [("nelincs", Role.HEALTH_PROFESSIONAL), ("oxfordshire", Role.HEALTH_PROFESSIONAL)],
                mobile="07700 900123",
            ),
        }


def test_register_in_three_steps_then_log_out_and_back_in(visit, url, page):
    email = unique("new-parent")
    accounts = Accounts(visit(url("oxfordshire")))
    page.get_by_role("link", name="Register", exact=True).click()
    assert_accessible(page)

    accounts.register_step_1(**{**ADDRESS, "Postcode": "not a postcode", "Surname": ""})
    expect(accounts.error_summary()).to_contain_text("Enter your surname")
    expect(accounts.error_summary()).to_contain_text("Enter a real postcode")
    expect(page.get_by_label("Street", exact=True)).to_have_value("Broad Street")  # nothing lost
    accounts.register_step_1(**ADDRESS)

    expect(page.get_by_text("It must be at least 12 characters long")).to_be_visible()  # before typing
    accounts.register_step_2(email, "correct horse battery staple", confirm="something else entirely")
    expect(accounts.error_summary()).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value(email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")  # passwords are never sent back
    accounts.register_step_2(email, PASSWORD)

    expect(page.get_by_text("We have just sent you an email to confirm your email address")).to_be_visible()
    page.get_by_label("Code").fill(last_code(emails_to(email)))
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Registration completed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    assert_accessible(page)

    page.locator(".app-account-menu summary").click()
    for item in ("My account", "Recover a form", "Submitted forms", "Update account"):
        expect(page.locator(".app-account-menu").get_by_role("link", name=item)).to_be_visible()
    page.locator(".app-account-menu").get_by_role("link", name="Submitted forms").click()
    expect(page).to_have_url(re.compile(r"/account/submitted-forms/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()  # loaded before axe reads it
    assert_accessible(page)

    page.get_by_role("button", name="Logout").click()
    expect(page.get_by_role("heading", name="You have logged out")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("link", name="Home")).to_be_visible()
    page.get_by_role("button", name="Log back in").click()
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))
    expect(page.get_by_role("heading", name="My account")).to_be_visible()


def test_hertfordshire_code_wrong_five_times_then_a_new_one(visit, url, page, people):
    email = people["herts_parent"]
    accounts = Accounts(visit(url("hertfordshire", "/accounts/login/")))
    accounts.sign_in(email, PASSWORD)
    first = last_code(emails_to(email))
    assert len(first) == 8
    wrong = "00000000" if first != "00000000" else "11111111"
    for left in (4, 3, 2, 1):
        accounts.enter_code(wrong)
        expect(accounts.error_summary()).to_contain_text(f"You have {left} more tr")
    accounts.enter_code(wrong)
    expect(accounts.error_summary()).to_contain_text("too many incorrect codes")
    accounts.enter_code(first)
    expect(accounts.error_summary()).to_contain_text("Ask for a new code")

    accounts.new_code()
    expect(page.get_by_text("We have sent you a new code.")).to_be_visible()
    second = last_code(emails_to(email))
    accounts.enter_code(second)
    expect(page.get_by_role("heading", name="My account")).to_be_visible()


def test_an_expired_code_is_refused(visit, url, page, people, monkeypatch):
    email = people["expiry_parent"]
    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in(email, PASSWORD)
    monkeypatch.setattr(codes, "CODE_LIFETIME_SECONDS", -1)  # the live server runs in this process
    accounts.enter_code(last_code(emails_to(email)))
    expect(accounts.error_summary()).to_contain_text("This code has expired")


@pytest.fixture(scope="module")
def worcs_invited(django_db_setup, django_db_blocker):
    """An address with an open family invitation in Worcestershire, where registration is by invitation
    only, and its link (committed, so the live server sees it)."""
    email = unique("worcs-new")
    with django_db_blocker.unblock():
        return email, family_invitation_link("worcestershire", email)


@pytest.fixture(scope="module")
def herts_parent_invited_to_oxfordshire(people, django_db_blocker):
    with django_db_blocker.unblock(), schema_context("oxfordshire"):
        staff_invitation_send(
            email=people["herts_parent"],
            first_name="Alex",
            last_name="Test",
            role=Role.HEALTH_PROFESSIONAL,
            by=None,
            base_url="http://oxfordshire.localhost/",
        )
    return people["herts_parent"]


def test_each_worcestershire_password_rule_has_its_own_error(visit, url, page, worcs_invited):
    email, link = worcs_invited
    accounts = Accounts(visit(url("worcestershire", f"/accounts/register/?next={link}")))
    accounts.register_step_1(**ADDRESS)
    cases = {
        "Short1A": "at least 15 characters long",
        "123456789012345678": "at least one letter",
        "Valid Pass 12345 ✓ABC": "only letters, digits, and special characters",
        "lower-case-only-2026": "at least one upper-case letter",
        "No-Digits-In-This-One": "at least one numerical digit",
    }
    for password, rule in cases.items():
        accounts.register_step_2(email, password)
        expect(accounts.error_summary()).to_contain_text(rule)
        expect(page.get_by_label("Email address")).to_have_value(email)


def test_worcestershire_refuses_the_current_password_on_change(visit, url, page, people):
    email = people["worcs_parent"]
    accounts = Accounts(visit(url("worcestershire", "/accounts/login/")))
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))
    visit(url("worcestershire", "/accounts/password/change/"))
    page.get_by_label("Current Password").fill(PASSWORD)
    page.get_by_label("New Password", exact=True).fill(PASSWORD)
    page.get_by_label("New Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("different to your current password")
    assert_accessible(page)


def test_a_new_mobile_number_asks_for_the_password_first(visit, url, page, people):
    email = people["mover"]
    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))
    visit(url("oxfordshire", "/account/update/"))
    page.get_by_label("Street").fill("Broad Street")
    page.get_by_label("Town/City").fill("Oxford")
    page.get_by_label("Postcode").fill("OX1 3BD")
    page.get_by_label("Mobile number").fill("07700 900777")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill("not my password")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    assert "your account was changed (mobile number)" in emails_to(email)[-1]


def test_a_health_professional_signs_in_to_two_councils_with_one_identity(visit, url, page, people):
    email = people["slt"]
    accounts = Accounts(visit(url("nelincs", "/accounts/login/")))
    accounts.sign_in(email, PASSWORD)
    expect(page.get_by_text("We have just sent a text message")).to_be_visible()
    accounts.enter_code(last_code(texts_to("07700 900123")))
    expect(page.get_by_role("heading", name="My account")).to_be_visible()

    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in(email, PASSWORD)  # the same password; Oxfordshire sends its code by email
    accounts.enter_code(last_code(emails_to(email)))
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    expect(page.locator(".app-council-header__name")).to_have_text("Oxfordshire County Council")


def test_a_parent_from_another_council_is_offered_to_join(visit, url, page, people):
    email = people["oxon_parent"]
    accounts = Accounts(visit(url("hertfordshire", "/accounts/login/")))
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))  # the second factor before anything is granted
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Do you want to use your account with Hertfordshire County Council?"
    )
    expect(page.get_by_text("Oxfordshire")).to_have_count(0)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes, join Hertfordshire").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()


def test_forgotten_password_link_works_once(visit, url, page):
    email = unique("forgetful")
    accounts = Accounts(visit(url("oxfordshire", "/accounts/register/")))
    accounts.register_step_1(**ADDRESS)
    accounts.register_step_2(email, PASSWORD)
    page.get_by_label("Code").fill(last_code(emails_to(email)))
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Logout").click()

    visit(url("oxfordshire", "/accounts/login/"))
    page.get_by_role("link", name="Forgotten password?").click()
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Reset My Password").click()
    assert_accessible(page)
    link = next(
        line for line in emails_to(email)[-1].splitlines() if "/accounts/password/reset/key/" in line
    ).strip()
    page.goto(link)
    page.wait_for_load_state()
    new_password = "a brand new passphrase"
    page.get_by_label("New Password", exact=True).fill(new_password)
    page.get_by_label("New Password (again)").fill(new_password)
    page.get_by_role("button", name="Change Password").click()
    assert_accessible(page)
    page.goto(link)
    expect(page.get_by_text("Bad Token")).to_be_visible()
    assert_accessible(page)

    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in(email, new_password)
    accounts.enter_code(last_code(emails_to(email)))
    expect(page.get_by_role("heading", name="My account")).to_be_visible()


def test_council_admin_invites_a_caseworker_who_accepts_by_setting_a_password(visit, url, page, browser):
    accounts = Accounts(visit(url("hertfordshire", "/accounts/login/")))
    accounts.sign_in("admin@hertfordshire.example", "Demo-Password-2026")
    accounts.enter_code(last_code(emails_to("admin@hertfordshire.example")))
    page.get_by_role("link", name="Staff").click()
    assert_accessible(page)
    page.get_by_role("button", name="Invite a member of staff").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select their role")
    assert_accessible(page)
    invitee = unique("caseworker").replace("@example.com", "@hertfordshire.example")
    page.get_by_label("Forename").fill("Casey")
    page.get_by_label("Surname").fill("Worker")
    page.get_by_label("Email address").fill(invitee)
    page.get_by_label("Caseworker").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"We have sent an invitation to {invitee}")).to_be_visible()
    # Waiting for an answer, not yet staff.
    expect(page.get_by_role("cell", name=invitee, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"Withdraw the invitation to {invitee}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Withdraw the invitation to {invitee}").click()
    expect(page.get_by_role("heading", name="Withdraw this invitation?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Change role of caseworker@hertfordshire.example").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the role of")
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Remove access of caseworker@hertfordshire.example").click()
    expect(page.get_by_role("button", name="Remove access")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    # The council's portal configuration (Django's admin) is checked with axe too.
    visit(url("hertfordshire", "/admin/"))
    visit(url("hertfordshire", "/admin/core/membership/"))
    visit(url("hertfordshire", "/admin/configuration/councilconfiguration/"))
    expect(page.get_by_label("What parents are told when they cannot send or reply")).to_have_value(
        re.compile("NOT possible to send new messages")
    )

    invitation = emails_to(invitee)[-1]
    link = next(line for line in invitation.splitlines() if "/staff/invitation/" in line).strip()
    port = page.url.split(":")[2].split("/")[0]
    link = link.replace("hertfordshire.localhost/", f"hertfordshire.localhost:{port}/")
    other = browser.new_context().new_page()  # the invitee, on their own computer
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text(
        "Accept the role of caseworker at Hertfordshire County Council"
    )
    assert_accessible(other)
    other.get_by_label("Password", exact=True).fill("short")
    other.get_by_label("Confirm password").fill("short")
    other.get_by_role("button", name="Set password and accept the role").click()
    expect(other.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(other)
    other.get_by_label("Password", exact=True).fill("a caseworker passphrase")
    other.get_by_label("Confirm password").fill("a caseworker passphrase")
    other.get_by_role("button", name="Set password and accept the role").click()
    expect(other.get_by_text("Your password is set and you have accepted the role")).to_be_visible()
    invited = Accounts(other)
    invited.sign_in(invitee, "a caseworker passphrase")
    invited.enter_code(last_code(emails_to(invitee)))
    expect(other.get_by_role("heading", name="My account")).to_be_visible()
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text("This invitation link does not work")
    assert_accessible(other)
    other.context.close()


def test_a_parent_of_another_council_accepts_a_staff_role_when_signing_in(
    visit, url, page, herts_parent_invited_to_oxfordshire
):
    """Invited to Oxfordshire, a Hertfordshire parent signs in there and is asked to accept the role,
    not to join as a parent."""
    email = herts_parent_invited_to_oxfordshire
    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Accept the role of health professional at Oxfordshire County Council?"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes, accept the role").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()


def test_worcestershire_says_an_invitation_is_needed_to_register(visit, url, page):
    visit(url("worcestershire", "/accounts/register/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You need an invitation to use this portal")
    expect(page.get_by_role("link", name="send@worcschildrenfirst.org.uk")).to_be_visible()


def test_too_many_attempts_gives_a_clear_page(visit, url, page):
    """allauth's rate limit (20 sign-ups a minute from one address) answers 429 with the council's own
    page, checked with axe like any other."""
    accounts = Accounts(visit(url("oxfordshire", "/accounts/register/")))
    accounts.register_step_1(**ADDRESS)
    for _ in range(25):
        page.get_by_role("button", name="Next").click()
        if page.get_by_role("heading", name="Too many attempts").count():
            break
    try:
        expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
        expect(page.locator(".app-council-header")).to_contain_text("Oxfordshire County Council")
        assert_accessible(page)
    finally:
        cache.clear()  # the limit is per address: later journeys from this machine must not meet it
