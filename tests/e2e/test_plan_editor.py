"""Writing the plan in the browser: from the case page, the caseworker starts the draft from the family's
request and a team's advice, sees the advice's rows marked with their source, edits an outcome, leaves a
provision incomplete and is shown what is wrong, adds a row without JavaScript's help, and checks the
plan for gaps; axe on every page."""

import datetime
import os
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.roles import Role
from core.services import membership_grant
from ehc.models import PlanOutcome, PlanVersion
from ehc.workflow import Stage
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.factories import (
    HealthTeamFactory,
    RequestFactory,
    UserFactory,
    advice_asked,
    advice_submitted_with,
    case_at,
)
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"
SHOTS = os.environ.get("PLAN_SCREENSHOTS", "")


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """A caseworker of Oxfordshire and a case in its assessment, from a family's request, with one team's
    advice submitted on the portal (committed: the live server reads it)."""
    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:8]
        caseworker = UserFactory(email=f"plan-caseworker-{tag}@example.com", password=PASSWORD)
        with schema_context("oxfordshire"):
            membership_grant(user=caseworker, role=Role.CASEWORKER)
            request = RequestFactory(
                submitted=True,
                answers={
                    "first_name": "Amir",
                    "views_child": "I love trains.",
                    "views_family": "On his own.",
                },
            )
            case = case_at(Stage.ASSESSMENT, request=request, child_first_name="Amir")
            team = HealthTeamFactory(name=f"Speech and language therapy {tag}")
            advice = advice_asked(case=case, team=team)
            advice_submitted_with(
                advice=advice,
                submitted_at=timezone.now() - datetime.timedelta(days=1),
                answers={
                    "communication_needs": "Finds spoken instructions hard to follow.",
                    "outcomes": [{"area": "communication", "outcome": "Will follow a two-step instruction"}],
                    "provision": [
                        {"outcome": "Will follow a two-step instruction", "provision": "Speech therapy"}
                    ],
                },
            )
        yield caseworker, case, team


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_caseworker_starts_edits_and_checks_the_draft(visit, url, page, people):
    caseworker, case, team = people
    accounts = Accounts(page)
    page.goto(url("oxfordshire", "/accounts/login/"))
    accounts.sign_in(caseworker.email, PASSWORD)
    accounts.enter_code(last_code(emails_to(caseworker.email)))

    visit(url("oxfordshire", f"/cases/{case.reference}/"))
    page.get_by_role("link", name="Write the plan").click()
    assert_accessible(page)
    _shot(page, "1-plan-empty")
    page.get_by_role("button", name="Start the draft plan").click()
    assert_accessible(page)
    expect(page.get_by_label(f"{team.name} advice", exact=False)).to_be_checked()
    _shot(page, "2-start")
    page.get_by_role("button", name="Start the draft plan").click()
    assert_accessible(page)
    expect(page.get_by_text("Draft plan started")).to_be_visible()
    _shot(page, "3-plan")

    page.get_by_role("link", name="Section E: Outcomes").click()
    assert_accessible(page)
    expect(page.get_by_text(f"From: {team.name} advice")).to_be_visible()
    with schema_context("oxfordshire"):
        outcome = PlanOutcome.objects.get(version__case=case)
    page.locator(f"#outcome-{outcome.pk}-outcome").fill("Will follow a three-step instruction")
    page.get_by_role("button", name="Save and come back later").click()
    assert_accessible(page)
    with schema_context("oxfordshire"):
        assert PlanOutcome.objects.get(pk=outcome.pk).outcome == "Will follow a three-step instruction"

    page.get_by_role("link", name="Section F: Special educational provision").click()
    page.get_by_role("button", name="Add another provision").click()
    assert_accessible(page)
    page.locator("#provision-new-0-provider").fill("Teaching assistant")
    page.get_by_role("button", name="Save and come back later").click()
    assert_accessible(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the provision, or remove this row")
    expect(page.locator("#provision-new-0-provider")).to_have_value("Teaching assistant")
    _shot(page, "4-section-error")

    page.get_by_role("link", name="Back to the plan", exact=True).click()
    page.get_by_role("button", name="Check the plan").click()
    assert_accessible(page)
    _shot(page, "5-check")
    expect(summary).to_contain_text("Say who provides \u201cSpeech therapy\u201d in section F")
    summary.get_by_role("link", name="Say how often \u201cSpeech therapy\u201d happens in section F").click()
    assert_accessible(page)
    target = page.url.split("#", 1)[1]
    assert target.startswith("provision-")
    assert target.endswith("-frequency")
    expect(page.locator(f"#{target}")).to_be_visible()
    expect(page.locator(f"#{target}-error")).to_contain_text("Say how often")
    _shot(page, "6-section-gaps")
    with schema_context("oxfordshire"):
        assert PlanVersion.objects.filter(case=case).count() == 1
