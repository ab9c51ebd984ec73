"""A submitted request becomes a case, and the caseworker moves it to a final plan, in the browser."""

import datetime
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.roles import Role
from core.services import membership_grant
from ehc.services import request_save_page, request_start, request_submit
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


@pytest.fixture(scope="module")
def submitted(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        email = f"bluehat-{uuid.uuid4().hex[:8]}@example.com"
        user = get_user_model().objects.create_user(email=email, password="correct horse battery staple")
        with schema_context("oxfordshire"):
            membership_grant(user=user, role=Role.PARENT)
            draft = request_start(owner=user, slug="parent")
            draft = request_save_page(request=draft, by=user, answers=ANSWERS)
            return request_submit(request=draft, by=user)


def test_a_request_becomes_a_case_and_reaches_a_final_plan(visit, url, page, submitted):
    accounts = Accounts(visit(url("oxfordshire", "/accounts/login/")))
    accounts.sign_in("caseworker@oxfordshire.example", "Demo-Password-2026")
    accounts.enter_code(last_code(emails_to("caseworker@oxfordshire.example")))
    visit(url("oxfordshire", "/council/forms/"), status=403)  # a caseworker is not a council admin
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    visit(url("oxfordshire", "/requests/"))
    page.get_by_role("link", name=submitted.reference).click()
    assert_accessible(page)
    page.get_by_role("button", name="Open a case for this request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mary Bluehat")
    assert_accessible(page)

    received = timezone.localdate(submitted.submitted_at)

    def due_cell(step):
        return page.get_by_role("row", name=step).get_by_role("cell").nth(1)

    def fmt(day: datetime.date) -> str:
        return f"{day.day} {day:%b %Y}"

    expect(due_cell("Decision")).to_contain_text(fmt(received + datetime.timedelta(days=41)))  # 6 weeks
    expect(page.get_by_role("row", name="Final plan").first).to_contain_text(
        fmt(received + datetime.timedelta(days=139))
    )

    def record(action: str, days_after: int, **fields):
        page.get_by_label(action, exact=True).check()
        page.get_by_label("Date it happened").fill(
            (received + datetime.timedelta(days=days_after)).isoformat()
        )
        for label, value in fields.items():
            page.get_by_label(label).fill(value)
        page.get_by_role("button", name="Record").click()
        expect(page.get_by_text(f"{action}: recorded.")).to_be_visible()
        assert_accessible(page)

    page.get_by_role("button", name="Record").click()  # nothing chosen: a clear error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what happened")
    assert_accessible(page)

    record("Decide to assess", 30)
    expect(page.get_by_text("Assessment", exact=True)).to_be_visible()
    record("Request advice", 31, **{"Service (when requesting or recording advice)": "Audiology"})
    expect(page.get_by_role("row", name="Advice").first).to_contain_text(
        fmt(received + datetime.timedelta(days=31 + 41))
    )
    record("Issue the draft plan", 90)
    record("Issue the final plan", 120)
    expect(page.get_by_text("Final plan", exact=True).first).to_be_visible()
    timeline = page.locator("ol.govuk-list")
    for line in (
        "Decide to assess",
        "Request advice (Audiology)",
        "Issue the draft plan",
        "Issue the final plan",
    ):
        expect(timeline).to_contain_text(line)

    reference = page.locator(".govuk-caption-l").inner_text().strip()
    visit(url("oxfordshire", f"/cases/?q={reference}"))
    expect(page.get_by_role("row", name=re.compile(reference))).to_contain_text("Final plan")
