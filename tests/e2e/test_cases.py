"""A submitted request becomes a case, and the caseworker moves it to a final plan, in the browser."""

import datetime
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.roles import Role
from core.services import membership_grant
from ehc.models import AssessmentRequest
from ehc.requests.services import request_save_page, request_start, request_submit
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ANSWERS = {
    "request_statements": ["parent"],
    "on_behalf_of": "someone_else",
    "relationship": "Mother",
    "first_name": "Mary",
    "last_name": "Bluehat",
    "date_of_birth": {"day": "4", "month": "5", "year": "2016"},
    "parent1_name": "Jo Bluehat",
    "views_child": "Mary likes music.",
    "needs": [{"information": "Hearing", "date": "01-09-2026", "document": "Audiology.pdf"}],
    "consent": ["confirmed"],
    "consent_name": "Jo Bluehat",
    "consent_date": {"day": "1", "month": "11", "year": "2026"},
    "preferred_contact": "portal",
}


# The request reached the council on Monday 2 March 2026: every date below follows from that day.
RECEIVED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def submitted(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        email = f"bluehat-{uuid.uuid4().hex[:8]}@example.com"
        user = get_user_model().objects.create_user(email=email, password="correct horse battery staple")
        with schema_context("oxfordshire"):
            membership_grant(user=user, role=Role.PARENT)
            draft = request_start(owner=user, slug="parent")
            draft = request_save_page(request=draft, by=user, answers=ANSWERS)
            done = request_submit(request=draft, by=user)
            AssessmentRequest.objects.filter(pk=done.pk).update(submitted_at=RECEIVED)
            done.refresh_from_db()
            return done


def test_a_request_becomes_a_case_and_reaches_a_final_plan(visit, url, page, submitted):
    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in("caseworker@oxfordshire.example", "Demo-Password-2026")
    accounts.enter_code(last_code(emails_to("caseworker@oxfordshire.example")))
    visit(url("oxfordshire", "/council/forms/"), status=403)  # a caseworker is not a council admin
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    visit(url("oxfordshire", "/workspace/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("SEND team workspace")
    page.get_by_role("link", name="Requests", exact=True).click()
    page.get_by_role("link", name=submitted.reference).click()
    assert_accessible(page)
    page.get_by_role("button", name="Open a case for this request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mary Bluehat")
    assert_accessible(page)
    reference = page.locator(".govuk-caption-l").first.inner_text().strip()

    def due(step):
        return page.get_by_role("row", name=re.compile(f"^{step}")).first

    expect(due("Decision")).to_contain_text("12 Apr 2026")  # 6 weeks
    expect(due("Final plan")).to_contain_text("19 Jul 2026")  # 20 weeks

    def record(action: str, day: str, **choices):
        page.get_by_label(action, exact=True).check()
        page.get_by_label("Date it happened").fill(day)
        for label, value in choices.items():
            page.get_by_label(label).select_option(value)
        page.get_by_role("button", name="Record", exact=True).click()
        expect(page.get_by_text(f"{action}: recorded.")).to_be_visible()
        assert_accessible(page)

    page.get_by_role("button", name="Record", exact=True).click()  # nothing chosen: a clear error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what happened")
    assert_accessible(page)

    page.get_by_role("link", name="Allocate a caseworker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who will be the caseworker?")
    assert_accessible(page)
    page.get_by_label("Senior Caseworker (demo)").check()
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator(".govuk-summary-list__row").filter(has_text="Caseworker")).to_contain_text(
        "Senior Caseworker (demo)"
    )

    record("Decide to assess", "2026-04-01")
    expect(page.get_by_text("Assessment", exact=True)).to_be_visible()
    expect(due("Decision")).to_contain_text("1 Apr 2026")  # done, on time
    page.get_by_label("Request advice", exact=True).check()
    page.get_by_label("Date it happened").fill("2026-04-02")
    page.get_by_role("button", name="Record", exact=True).click()  # no service chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who the advice is asked of")
    expect(page.get_by_label("Date it happened")).to_have_value("2026-04-02")  # kept
    assert_accessible(page)
    record("Request advice", "2026-04-02", **{"Who is the advice asked of": "Educational psychology"})
    expect(due("Advice")).to_contain_text("13 May 2026")  # 6 weeks from the request for advice
    record("Record advice received", "2026-05-10", **{"Whose advice was received": "Educational psychology"})
    record("Issue the draft plan", "2026-06-15")
    record("Issue the final plan", "2026-06-30")
    expect(page.get_by_text("Final plan", exact=True).first).to_be_visible()
    expect(due("Final plan")).to_contain_text("30 Jun 2026")
    expect(due("Final plan")).not_to_contain_text("Late")
    expect(due("Annual review")).to_contain_text("29 Jun 2027")  # 12 months from the final plan

    timeline = page.get_by_role("table").filter(has_text="What happened")
    for day, line in (
        ("2 Mar 2026", "Request received"),
        ("1 Apr 2026", "Decide to assess"),
        ("2 Apr 2026", "Request advice: Educational psychology"),
        ("10 May 2026", "Record advice received: Educational psychology"),
        ("15 Jun 2026", "Issue the draft plan"),
        ("30 Jun 2026", "Issue the final plan"),
    ):
        expect(timeline.get_by_role("row", name=re.compile(f"^{day} {line}"))).to_have_count(1)
    expect(timeline).to_contain_text("Caseworker allocated: Senior Caseworker (demo)")

    page.get_by_role("link", name="Record an exception to the time limits").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record the exception").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the kind of exception")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the case").click()

    page.get_by_role("link", name="Post a response to the request").click()
    assert_accessible(page)
    page.get_by_label("Response to the request").fill("We have issued Mary's final plan.")
    page.get_by_role("button", name="Post the response").click()
    expect(page.get_by_text("Response posted.")).to_be_visible()

    page.get_by_role("link", name="Statutory return details (SEN2)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory return details")
    assert_accessible(page)

    visit(url("oxfordshire", f"/cases/?q={reference}"))
    expect(page.get_by_role("row", name=re.compile(reference))).to_contain_text("Final plan")
    assert_accessible(page)
    visit(url("oxfordshire", "/cases/?caseworker=me&due=overdue&sort=due"))
    assert_accessible(page)
    visit(url("oxfordshire", "/workspace/"))
    assert_accessible(page)
    visit(url("oxfordshire", "/cases/timeliness/"), status=403)  # for managers


def test_staff_add_cases_from_paper_and_existing_plans(visit, url, page):
    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in("manager@oxfordshire.example", "Demo-Password-2026")
    accounts.enter_code(last_code(emails_to("manager@oxfordshire.example")))
    visit(url("oxfordshire", "/cases/"))
    page.get_by_role("link", name="Add a case").click()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    visit(url("oxfordshire", "/cases/new/paper/"))
    assert_accessible(page)
    page.get_by_role("button").filter(has_text=re.compile("Add|Continue|Save|Create")).first.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    visit(url("oxfordshire", "/cases/new/existing-plan/"))
    assert_accessible(page)
    visit(url("oxfordshire", "/cases/timeliness/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    visit(url("oxfordshire", "/workspace/"))
    expect(page.get_by_role("link", name=re.compile("Timeliness"))).to_be_visible()
