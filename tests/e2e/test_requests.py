"""The EHC needs assessment request in the browser, end to end, axe-checked on every page."""

import re
import subprocess
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.roles import Role
from core.services import membership_grant
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


@pytest.fixture(scope="module")
def requesters(django_db_setup, django_db_blocker):
    def make(role):
        email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
        user = get_user_model().objects.create_user(
            email=email, password=PASSWORD, first_name="Rose", last_name="Field"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        with schema_context("oxfordshire"):
            membership_grant(user=user, role=role)
        return email

    with django_db_blocker.unblock():
        return {"parent": make(Role.PARENT), "senco": make(Role.EDUCATION_PROFESSIONAL)}


class RequestForm:
    def __init__(self, page):
        self.page = page

    def next(self):
        self.page.get_by_role("button", name="Next", exact=True).click()
        self.page.wait_for_load_state()
        assert_accessible(self.page)

    def fill(self, label, value):
        self.page.get_by_label(label, exact=True).fill(value)

    def heading(self):
        return self.page.get_by_role("heading", level=1)


def sign_in(page, visit, url, email, path="/ehc-needs-assessment/"):
    accounts = Accounts(visit(url("oxfordshire", path)))
    page.get_by_role("link", name="log in").click()
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))


def test_parent_requests_an_assessment_end_to_end(visit, url, page, requesters, tmp_path):
    email = requesters["parent"]
    visit(url("oxfordshire"))
    page.get_by_role("button", name="Education, Health and Care Needs Assessment").click()
    assert_accessible(page)
    expect(page.get_by_text("In order to progress with this form you must either")).to_be_visible()
    page.get_by_role("link", name="log in").click()
    accounts = Accounts(page)
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))
    expect(page).to_have_url(re.compile(r"/ehc-needs-assessment/$"))  # back to the form after signing in

    for name in (
        "Parents/Young Person",
        "Early Years",
        "Primary School",
        "Secondary School/Further Education",
    ):
        expect(page.get_by_label(re.compile(name))).to_be_visible()
    page.get_by_label("Parents/Young Person EHCNA Application Form").check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start the form").click()
    form = RequestForm(page)
    assert_accessible(page)

    form.next()  # nothing ticked: refused, with the error summary
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick the statement that applies to you")
    page.get_by_label(re.compile("^I am the parent")).check()
    form.next()
    expect(form.heading()).to_have_text("Contents of the Application Form")
    expect(page.get_by_role("link", name="Local Offer")).to_be_visible()
    form.next()

    page.get_by_label("Someone else", exact=True).check()
    form.fill("Your relationship to person *", "Mother")
    form.fill("First name *", "Poppy")
    form.fill("Last name *", "Field")
    form.fill("Day", "3")
    form.fill("Month", "3")
    form.fill("Year", "2018")
    form.fill("Parent or carer 1: full name *", "Rose Field")
    form.next()
    form.fill("Views of the child or young person *", "Poppy loves drawing.")
    page.get_by_role("button", name="Save for later").click()
    expect(page.get_by_text("Your form has been saved")).to_be_visible()
    assert_accessible(page)

    # Sign out half way, sign back in, recover the form.
    page.get_by_role("button", name="Logout").click()
    visit(url("oxfordshire", "/accounts/login/"))
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))
    visit(url("oxfordshire", "/account/recover-a-form/"))
    expect(page.get_by_role("cell", name="Poppy Field")).to_be_visible()
    page.get_by_role("link", name="Parents/Young Person EHCNA Application Form").click()
    page.get_by_role("link", name="Part 2: 'All About Me'").click()
    expect(page.get_by_label("Views of the child or young person *")).to_have_value("Poppy loves drawing.")
    form.next()

    page.locator("#needs-0-information").fill("Speech and language")
    page.locator("#needs-0-date").fill("13-07-2025")
    page.locator("#needs-0-document").fill("SALT report.pdf")
    page.get_by_role("button", name="Add another row to The child or young person's needs").click()
    assert_accessible(page)
    page.locator("#needs-1-information").fill("Sleep")
    form.next()
    page.locator("#health_support-0-details").fill("Speech therapy weekly")
    form.next()
    form.next()  # part 5 is optional
    page.get_by_label("I confirm I would like to request an EHC needs assessment for my child").check()
    form.fill("Parent/Carer 1: Name *", "Rose Field")
    form.fill("Day", "1")
    form.fill("Month", "11")
    form.fill("Year", "2026")
    page.get_by_label("Portal").check()
    form.next()

    # Part 10: two uploads, one refused without losing the others.
    for name, content in (
        ("SALT report.pdf", PDF_BYTES),
        ("notes.rtf", b"{\\rtf1 x}"),
        ("drawing.png", PNG_BYTES),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        page.get_by_label("Upload Document").set_input_files(str(path))
        page.get_by_role("button", name="Attach this file").click()
        assert_accessible(page)
        if name.endswith(".rtf"):
            expect(page.locator(".govuk-error-summary")).to_contain_text("[rtf] is not an accepted extension")
    expect(page.locator(".govuk-summary-list__key")).to_have_text(["SALT report.pdf", "drawing.png"])
    expect(page.get_by_role("button", name=re.compile("Remove +drawing.png"))).to_be_visible()
    form.next()

    expect(form.heading()).to_have_text("Check your answers before submitting your form")
    page.get_by_role("button", name="Submit to Local Authority").click()
    assert_accessible(page)
    page.get_by_label(re.compile("I have reviewed the form")).check()
    page.get_by_role("button", name="Submit").click()
    expect(form.heading()).to_have_text("Submitted forms")
    assert_accessible(page)
    row = page.get_by_role("row", name=re.compile("Poppy Field"))
    expect(row).to_contain_text("No response posted")

    row.get_by_role("link").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    pdf = tmp_path / "request.pdf"
    download.value.save_as(pdf)
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for answer in (
        "Mother",
        "Poppy",
        "Field",
        "3 March 2018",
        "Rose Field",
        "Poppy loves drawing.",
        "Speech and language",
        "Sleep",
        "Speech therapy weekly",
        "SALT report.pdf",
        "drawing.png",
        "I confirm I would like to request an EHC needs assessment for my child",
        "Portal",
    ):
        assert answer in text, answer


def test_a_school_variant_submitted_by_a_professional(visit, url, page, requesters):
    email = requesters["senco"]
    sign_in(page, visit, url, email)
    page.get_by_label("Primary School EHCNA Application Form").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Start the form").click()
    form = RequestForm(page)
    page.get_by_label(re.compile("^I am a professional")).check()
    form.fill("I am a representative of the following school *", "Cherwell Primary")
    form.next()
    form.next()
    page.get_by_label("Someone else in a professional capacity").check()
    for label, value in (
        ("Your relationship to person *", "SENCo"),
        ("First name *", "Sam"),
        ("Last name *", "Oak"),
        ("Day", "9"),
        ("Month", "9"),
        ("Year", "2017"),
        ("Parent or carer 1: full name *", "Ash Oak"),
    ):
        form.fill(label, value)
    form.next()
    form.fill("Views of the child or young person *", "Sam enjoys football.")
    form.next()
    page.locator("#needs-0-information").fill("Cognition and learning")
    form.next()  # the school's evidence list is required
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the document for: School report")
    page.get_by_label(re.compile("^School report including child's strengths")).fill("Report, July 2026")
    page.get_by_label(re.compile("^The child's needs")).fill("Assessment summary, June 2026")
    page.get_by_label(re.compile("^Pupil Profile")).fill("Profile with three reviews")
    form.next()
    form.next()
    form.next()
    page.get_by_label("I confirm I would like to request an EHC needs assessment for my child").check()
    form.fill("Parent/Carer 1: Name *", "Ash Oak")
    form.fill("Day", "2")
    form.fill("Month", "11")
    form.fill("Year", "2026")
    page.get_by_label("Email").check()
    form.next()
    form.next()
    page.get_by_role("button", name="Submit to Local Authority").click()
    page.get_by_label(re.compile("I have reviewed the form")).check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("row", name=re.compile("Sam Oak"))).to_be_visible()


def test_the_send_team_sees_the_request(visit, url, page, requesters):
    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in("caseworker@oxfordshire.example", "Demo-Password-2026")
    accounts.enter_code(last_code(emails_to("caseworker@oxfordshire.example")))
    visit(url("oxfordshire", "/requests/"))
    expect(page.get_by_role("heading", name="Incoming requests")).to_be_visible()


def test_a_council_admin_words_a_form_and_publishes_it(visit, url, page):
    accounts = Accounts(visit(url("worcestershire", "/accounts/login/")))
    accounts.sign_in("admin@worcestershire.example", "Demo-Password-2026")
    accounts.enter_code(last_code(emails_to("admin@worcestershire.example")))
    page.get_by_role("link", name="Form wording").click()
    assert_accessible(page)
    page.get_by_role("link", name="Change wording of Parents/Young Person EHCNA Application Form").click()
    assert_accessible(page)
    page.locator("#q-first_name-label").fill("")
    page.locator("#new_label").fill("Which languages are spoken at home?")
    page.get_by_role("button", name=re.compile("^Publish version")).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the question's wording")
    expect(page.locator("#new_label")).to_have_value("Which languages are spoken at home?")
    assert_accessible(page)
    page.locator("#q-first_name-label").fill("Child's first name")
    page.get_by_role("button", name=re.compile("^Publish version")).click()
    expect(
        page.get_by_text(
            re.compile(r"Version \d+ of Parents/Young Person EHCNA Application Form is published")
        )
    ).to_be_visible()
    assert_accessible(page)
