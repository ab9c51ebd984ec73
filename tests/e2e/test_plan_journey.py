"""Issue 15's journey, end to end in the browser (axe on every page): a case with two health teams'
advice; the caseworker starts the draft plan from it, sees the advice's rows in sections B, E and F
marked with their source, edits an outcome, is stopped by a gap with a clear message, puts it right and
issues the draft; the family sees it with their 15 days; the family's preferred school is consulted and
answers; the final plan is issued (with the school's answer in view); and the comparison of the two
versions shows the edit. Set PLAN_SCREENSHOTS to a folder to keep a screenshot of each page."""

import datetime
import os
import subprocess
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.models import FormVersion
from core.roles import Role
from core.services import membership_grant
from ehc import clock
from ehc.models import (
    AccessStatus,
    AssessmentRequest,
    CaseAccess,
    CaseDocument,
    EducationSetting,
    PlanOutcome,
    PlanVersion,
    RequestStatus,
    SettingMember,
)
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

# No django_db: what the journey writes itself (the family's response) must be committed for the live
# server to read it.
pytestmark = [pytest.mark.browser]

PASSWORD = "correct horse battery staple"
SHOTS = os.environ.get("PLAN_SCREENSHOTS", "")
EDITED = "Will follow a three-step instruction in class by the end of the summer term"
EDITED_AGAIN = "Will follow a three-step instruction in class, with a visual timetable, by the summer"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """In Oxfordshire (committed: the live server reads it): a caseworker; a parent with access to the
    case; a school with its SENCo; a case in its assessment from the family's request, with speech and
    language therapy's and occupational therapy's advice submitted on the portal, and the family's
    Parental Response naming the school."""
    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:8]
        caseworker = UserFactory(email=f"journey-cw-{tag}@example.com", first_name="Cas", last_name="Worker")
        parent = UserFactory(email=f"journey-parent-{tag}@example.com", first_name="Rowan", last_name="Moss")
        senco = UserFactory(email=f"journey-senco-{tag}@example.com", first_name="Sam", last_name="Senco")
        with schema_context("oxfordshire"):
            membership_grant(user=caseworker, role=Role.CASEWORKER)
            membership_grant(user=parent, role=Role.PARENT)
            membership_grant(user=senco, role=Role.EDUCATION_PROFESSIONAL)
            school = EducationSetting.objects.create(
                name=f"Larkrise Primary {tag}",
                kind="mainstream",
                urn="123321",
                email=f"office-{tag}@example.com",
            )
            SettingMember.objects.create(setting=school, user=senco, is_manager=True)
            request = RequestFactory(
                submitted=True,
                owner=parent,
                answers={
                    "first_name": "Ivy",
                    "last_name": "Moss",
                    "views_child": "I love drawing and I want to be an artist.",
                    "views_family": "We want Ivy to make friends and to enjoy school.",
                },
            )
            case = case_at(
                Stage.ASSESSMENT,
                request=request,
                caseworker=caseworker,
                child_first_name="Ivy",
                child_last_name="Moss",
                child_date_of_birth=datetime.date(2017, 2, 3),
            )
            CaseAccess.objects.create(case=case, user=parent, email=parent.email, status=AccessStatus.ACTIVE)
            teams = {}
            for key, name, answers in (
                (
                    "slt",
                    f"Speech and language therapy {tag}",
                    {
                        "communication_needs": "Ivy finds spoken instructions of more than one step hard.",
                        "outcomes": [
                            {
                                "area": "Communication and interaction",
                                "outcome": "Will follow a two-step instruction in class",
                                "steps": "With a visual prompt by half term",
                            }
                        ],
                        "provision": [
                            {
                                "outcome": "Will follow a two-step instruction in class",
                                "provision": "Speech and language therapy in school",
                            }
                        ],
                    },
                ),
                (
                    "ot",
                    f"Occupational therapy {tag}",
                    {
                        "sensory_physical_needs": "Ivy tires when writing by hand for long.",
                        "outcomes": [
                            {
                                "area": "Sensory and/or physical needs",
                                "outcome": "Will write a paragraph without a rest",
                                "steps": "Using a writing slope",
                            }
                        ],
                        "provision": [
                            {
                                "outcome": "Will write a paragraph without a rest",
                                "provision": "A fine motor skills programme",
                            }
                        ],
                    },
                ),
            ):
                team = HealthTeamFactory(name=name)
                advice = advice_asked(case=case, team=team, by=caseworker)
                advice_submitted_with(
                    advice=advice, answers=answers, submitted_at=timezone.now() - datetime.timedelta(days=2)
                )
                teams[key] = team
        yield {
            "caseworker": caseworker,
            "parent": parent,
            "senco": senco,
            "school": school,
            "case": case,
            "teams": teams,
        }
        with schema_context("oxfordshire"):
            for document in CaseDocument.objects.filter(case=case):
                document.file.delete(save=False)


def _sign_in(page, url, email: str) -> None:
    page.goto(url("oxfordshire", "/accounts/login/"))
    accounts = Accounts(page)
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))


def _look(page, name: str) -> None:
    """axe on the page, and a screenshot of it when asked for."""
    assert_accessible(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _section(page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def _nothing_in(page, letter: str, title: str) -> None:
    """Say a section has nothing in it for this child, from the plan page."""
    _section(page, title)
    page.get_by_label(f"There is nothing in section {letter} for this child").check()
    page.get_by_role("button", name="Save and come back later").click()  # saved: back to the plan
    expect(page.get_by_text(f"Section {letter}").first).to_be_visible()
    _look(page, f"plan-after-{letter}")


def test_the_plan_from_the_advice_to_the_final(browser, url, people, django_db_blocker):
    with django_db_blocker.unblock():
        _journey(browser, url, people)


def _journey(browser, url, people) -> None:
    case, teams, school = people["case"], people["teams"], people["school"]
    slt, ot = (f"{teams[key].name} advice" for key in ("slt", "ot"))

    # The caseworker starts the draft from what the family and both teams wrote.
    staff = browser.new_page()
    _sign_in(staff, url, people["caseworker"].email)
    staff.goto(url("oxfordshire", f"/cases/{case.reference}/"))
    staff.get_by_role("link", name="Write the plan").click()
    _look(staff, "01-plan-not-started")
    staff.get_by_role("button", name="Start the draft plan").click()
    for label in (slt, ot):
        expect(staff.get_by_label(label, exact=False)).to_be_checked()
    _look(staff, "02-start")
    staff.get_by_role("button", name="Start the draft plan").click()
    expect(staff.get_by_text("Draft plan started")).to_be_visible()
    _look(staff, "03-plan-started")

    # B, E and F hold the advice's rows, each marked with the advice it came from.
    for title, texts in (
        ("Section B: Special educational needs", ("spoken instructions", "tires when writing")),
        ("Section E: Outcomes", ("two-step instruction", "paragraph without a rest")),
        ("Section F: Special educational provision", ("Speech and language therapy in school", "fine motor")),
    ):
        _section(staff, title)
        for source in (slt, ot):
            expect(staff.get_by_text(f"From: {source}", exact=False).first).to_be_visible()
        for text in texts:
            expect(staff.locator("textarea").filter(has_text=text)).to_have_count(1)
        _look(staff, f"04-{title[8]}")
        if title.startswith("Section E"):  # the caseworker edits one of the team's outcomes
            with schema_context("oxfordshire"):
                outcome = PlanOutcome.objects.get(version__case=case, outcome__startswith="Will follow")
            staff.locator(f"#outcome-{outcome.pk}-outcome").fill(EDITED)
            staff.get_by_role("button", name="Save and come back later").click()
            _look(staff, "05-E-saved")
            with schema_context("oxfordshire"):
                outcome.refresh_from_db()
            assert outcome.outcome == EDITED
        else:
            staff.get_by_role("link", name="Back to the plan", exact=True).click()

    # Issuing is stopped by the gaps, each named in words and linked to the input to put right.
    staff.goto(url("oxfordshire", f"/cases/{case.reference}/plan/issue-draft/"))
    summary = staff.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Say who provides \u201cSpeech and language therapy in school\u201d in section F"
    )
    expect(summary).to_contain_text("Section C")
    _look(staff, "06-issue-stopped")
    summary.get_by_role(
        "link", name="Say how often \u201cSpeech and language therapy in school\u201d"
    ).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Section F: Special educational provision")
    _look(staff, "07-F-gaps")
    for provider, frequency, index in (
        ("Speech and language therapist", "1 hour a week for 6 weeks", 0),
        (
            "Occupational therapist",
            "20 minutes a day",
            1,
        ),
    ):
        staff.get_by_label("Who provides it").nth(index).fill(provider)
        staff.get_by_label("How often").nth(index).fill(frequency)
    staff.get_by_role("button", name="Save and come back later").click()
    expect(staff.locator(".govuk-error-summary")).to_have_count(0)
    for letter, title in (
        ("C", "Section C: Health care needs related to special educational needs"),
        ("D", "Section D: Social care needs related to special educational needs or a disability"),
        ("G", "Section G: Health care provision"),
        (
            "H1",
            "Section H1: Social care provision under section 2 of the Chronically Sick and Disabled Persons "
            "Act 1970",
        ),
        ("H2", "Section H2: Other social care provision"),
    ):
        _nothing_in(staff, letter, title)
    _section(staff, "Section J: Personal budget")
    staff.get_by_label("Personal budget").fill("The family has not asked for a personal budget.")
    staff.get_by_role("button", name="Save and come back later").click()

    staff.get_by_role("link", name="Issue draft plan").click()
    expect(staff.locator(".govuk-error-summary")).to_have_count(0)
    _look(staff, "08-issue-draft")
    staff.get_by_role("button", name="Issue draft plan").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Draft Education, Health and Care Plan")
    expect(staff.get_by_text(EDITED).first).to_be_visible()
    _look(staff, "09-draft-issued")

    # The family sees the draft, with the day their 15 days end, and the PDF in Items to view.
    family = browser.new_page()
    _sign_in(family, url, people["parent"].email)
    family.goto(url("oxfordshire", f"/children/{case.reference}/"))
    family.get_by_role("link", name="Your EHC plan").first.click()
    until = clock.draft_response_window(served=timezone.localdate())[0]
    expect(family.get_by_text(f"You have until {until:%-d %B %Y} to respond")).to_be_visible()
    _look(family, "10-family-plan")
    family.goto(url("oxfordshire", f"/children/{case.reference}/documents/"))
    expect(family.get_by_text("Draft Education, Health and Care Plan (version 1)")).to_be_visible()
    _look(family, "11-family-items-to-view")
    with schema_context("oxfordshire"):  # the family's response names the school it prefers
        AssessmentRequest.objects.create(
            version=FormVersion.objects.filter(definition__slug="parental_response")
            .order_by("-number")
            .first(),
            owner=people["parent"],
            status=RequestStatus.SUBMITTED,
            reference=f"EHC-J{uuid.uuid4().hex[:7].upper()}",
            about_case=case,
            submitted_at=timezone.now(),
            answers={"comments": "We agree.", "agree": "yes", "setting_name": school.name},
        )

    # The school the family prefers is consulted; its address hears what waits, never who.
    staff.goto(url("oxfordshire", f"/cases/{case.reference}/"))
    staff.get_by_role("link", name="Consult schools and settings on the draft plan").click()
    expect(staff.get_by_label(f"{school.name} (the family's preference)")).to_be_checked()
    _look(staff, "12-consult")
    staff.get_by_role("button", name="Consult").click()
    expect(staff.get_by_role("table")).to_contain_text("Waiting")
    email = emails_to(school.email)[-1]
    assert case.reference in email
    for personal in ("Ivy", "Moss", "2017", "3 Feb", "03/02", "3 February"):
        assert personal not in email, personal

    member = browser.new_page()
    _sign_in(member, url, people["senco"].email)
    member.goto(url("oxfordshire", "/account/"))
    member.get_by_role("link", name="Consultations", exact=True).click()
    member.get_by_role("link", name="Ivy Moss").click()
    _look(member, "13-school-answer")
    member.get_by_label("Yes", exact=True).check()
    member.get_by_role("button", name="Send answer").click()
    expect(member.get_by_text("can no longer be changed")).to_be_visible()
    _look(member, "14-school-answered")

    # The final: started from the draft, naming the school, issued with the answers in view.
    staff.goto(url("oxfordshire", f"/cases/{case.reference}/plan/"))
    staff.get_by_role("button", name="Start the final plan").click()
    _look(staff, "15-final-started")
    _section(staff, "Section E: Outcomes")  # the school's answer asks for a visual timetable
    with schema_context("oxfordshire"):
        outcome = PlanOutcome.objects.get(version__case=case, version__number=2, outcome=EDITED)
    staff.locator(f"#outcome-{outcome.pk}-outcome").fill(EDITED_AGAIN)
    staff.get_by_role("button", name="Save and come back later").click()
    _section(staff, "Section I: Placement")
    staff.get_by_label("Name of the school or institution").fill(school.name)
    staff.get_by_label("Type of school or institution").select_option(label="Mainstream school")
    staff.get_by_role("button", name="Save and come back later").click()
    staff.get_by_role("link", name="Issue final plan").click()
    expect(staff.get_by_text("Can meet the child's needs")).to_be_visible()
    expect(staff.get_by_text("We agree.")).to_be_visible()
    _look(staff, "16-issue-final")
    staff.get_by_role("button", name="Issue final plan").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Final Education, Health and Care Plan")
    _look(staff, "17-final-issued")

    # What changed between the draft and the final: the outcome the caseworker edited, and the school
    # named in section I.
    staff.get_by_role("link", name="See what changed between versions").click()
    expect(staff.locator("del").filter(has_text=EDITED).first).to_be_visible()
    expect(staff.locator("ins").filter(has_text=EDITED_AGAIN).first).to_be_visible()
    expect(staff.locator("ins").filter(has_text=school.name)).to_be_visible()
    _look(staff, "18-compare")
    with schema_context("oxfordshire"):
        versions = list(PlanVersion.objects.filter(case=case).order_by("number"))
        case.refresh_from_db()
    assert [(v.kind, v.status) for v in versions] == [("draft", "issued"), ("final", "issued")]
    assert case.stage == Stage.FINAL_PLAN

    family.goto(url("oxfordshire", f"/children/{case.reference}/plan/"))
    family.get_by_role("link", name="See what changed between versions").click()
    expect(family.locator("ins").filter(has_text=EDITED_AGAIN).first).to_be_visible()
    _look(family, "19-family-compare")

    # The final's PDF, read back: every section's heading, the edited outcome, "Final" on page 1.
    with schema_context("oxfordshire"):
        final_pdf = versions[1].document.file.read()
    first_page = subprocess.run(
        ["pdftotext", "-l", "1", "-layout", "-", "-"], input=final_pdf, capture_output=True, check=True
    ).stdout.decode()
    whole = subprocess.run(  # in reading order (no -layout), so a table cell's lines stay together
        ["pdftotext", "-", "-"], input=final_pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Final" in first_page
    assert EDITED_AGAIN in " ".join(whole.split())
    for letter in ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K"):
        assert f"Section {letter}:" in whole, letter
