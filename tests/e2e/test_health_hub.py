"""The health hub in the browser, as North East Lincolnshire's guide walks it: the caseworker asks a
health team for advice from the case page; the team's central address is emailed (no child's name);
the team manager signs in with a texted code, ticks Awaiting allocation in Team cases and assigns the
therapist (one problem first); the therapist is emailed, drafts the advice over two visits, submits it
after the warning, and downloads a copy; the caseworker reads it on the case page, where the advice due
date is done. axe on every page visited."""

import datetime
import re
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.models import Profile
from core.roles import Role
from core.services import membership_grant
from ehc.models import Case
from ehc.workflow import Stage
from hub.advice.services import advice_request_send
from hub.models import AdviceRequest, AdviceStatus, HealthTeam, HealthTeamMember
from tenants.configuration.models import CouncilConfiguration
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.factories import UserFactory
from tests.mail import emails_to, last_code, texts_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """In North East Lincolnshire: a case in its assessment with its caseworker, and a speech and
    language therapy team with a manager (texted codes) and a therapist."""
    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:8]
        made = {}
        for key, first, last, role in (
            ("caseworker", "Cara", "Worker", Role.CASEWORKER),
            ("manager", "Mina", "Manager", Role.HEALTH_TEAM_MANAGER),
            ("therapist", "Theo", "Therapist", Role.HEALTH_PROFESSIONAL),
            ("dco", "Sarah", "Harding", Role.DESIGNATED_CLINICAL_OFFICER),
        ):
            user = UserFactory(email=f"hub-{key}-{tag}@example.com", first_name=first, last_name=last)
            with schema_context("nelincs"):
                membership_grant(user=user, role=role)
            made[key] = user
        mobile = f"07700 9{uuid.uuid4().int % 100000:05d}"
        with schema_context("nelincs"):
            # As in the demo (and the guide): the Designated Clinical Officer checks advice first.
            CouncilConfiguration.objects.filter(pk=1).update(advice_checked_by_dco=True)
            Profile.objects.create(
                user=made["manager"],
                street="Diana Princess of Wales Hospital",
                town="Grimsby",
                postcode="DN33 2BA",
                mobile_phone=mobile,
            )
            team = HealthTeam.objects.create(
                name=f"Speech and Language Therapy {tag}", email=f"slt-{tag}@example.com"
            )
            HealthTeamMember.objects.create(team=team, user=made["manager"], is_manager=True)
            HealthTeamMember.objects.create(team=team, user=made["therapist"])
            case = Case.objects.create(
                reference=f"CASE-H{tag[:7].upper()}",
                child_first_name="Sian",
                child_last_name="Seaview",
                child_date_of_birth=datetime.date(2016, 3, 9),
                received_on=timezone.localdate() - datetime.timedelta(days=40),
                stage=Stage.ASSESSMENT,
                caseworker=made["caseworker"],
            )
        return {**made, "mobile": mobile, "team": team, "case": case}


def sign_in(page, email: str, *, texted_to: str = "") -> None:
    accounts = Accounts(page)
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(texts_to(texted_to) if texted_to else emails_to(email)))


def test_advice_is_asked_allocated_written_submitted_and_read(browser, visit, url, page, people):
    case, team = people["case"], people["team"]

    # 1. The caseworker asks the team for advice from the case page.
    visit(url("nelincs", "/accounts/login/"))
    sign_in(page, people["caseworker"].email)
    visit(url("nelincs", f"/cases/{case.reference}/"))
    page.get_by_label("Request advice").check()
    page.get_by_label("Who is the advice asked of").select_option(label=team.name)
    today = timezone.localdate()
    page.locator("#happened_on").fill(today.isoformat())
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text(f"Advice requested from {team.name}. The team has been emailed.")).to_be_visible()
    advice_table = page.locator("#health-advice + table")
    expect(advice_table).to_contain_text(team.name)
    expect(advice_table).to_contain_text("Awaiting allocation")
    assert_accessible(page)
    [to_team] = emails_to(team.email)
    assert "a request for advice for case" in to_team
    for private in ("Sian", "Seaview", "2016"):
        assert private not in to_team
    with schema_context("nelincs"):
        advice = AdviceRequest.objects.get(case=case, team=team)

    # 2. The manager follows the email's link, signs in with a texted code and allocates.
    manager_context = browser.new_context()
    manager = manager_context.new_page()
    link = next(line.strip() for line in to_team.splitlines() if "/health/team/" in line)
    assert link.endswith("/health/team/?awaiting=1")  # on the council's own address (SITE_URL_PORT)
    manager.goto(url("nelincs", "/health/team/?awaiting=1"))
    assert_accessible(manager)
    sign_in(manager, people["manager"].email, texted_to=people["mobile"])
    expect(manager.get_by_role("heading", level=1)).to_have_text("Team cases")
    expect(manager.get_by_label("Awaiting allocation")).to_be_checked()
    row = manager.get_by_role("row").filter(has_text="Sian Seaview")
    expect(row).to_contain_text("Awaiting allocation")
    assert_accessible(manager)
    row.get_by_role("link", name="Sian Seaview").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Sian Seaview")
    assert_accessible(manager)
    manager.get_by_role("link", name="Assign professional").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Request for Advice")
    manager.get_by_text("The team member is not on the list").click()
    expect(manager.get_by_label("Forename")).to_be_visible()
    assert_accessible(manager)
    manager.get_by_role("button", name="Save changes").click()
    summary = manager.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the team member who will write the advice")
    assert_accessible(manager)
    manager.get_by_label("Team member who will write the advice").select_option(label="Theo Therapist")
    manager.get_by_role("button", name="Save changes").click()
    expect(manager.get_by_text("Allocated to Theo Therapist. They have been emailed.")).to_be_visible()
    assert_accessible(manager)

    # 3. The therapist is emailed, signs in, opens the advice template and saves a draft.
    [to_therapist] = emails_to(people["therapist"].email)[-1:]
    assert "a request for advice for case" in to_therapist
    assert "Sian" not in to_therapist
    therapist_context = browser.new_context()
    therapist = therapist_context.new_page()
    therapist.goto(url("nelincs", f"/health/advice/{advice.pk}/"))
    sign_in(therapist, people["therapist"].email)
    expect(therapist.get_by_role("heading", level=1)).to_have_text("Sian Seaview")
    expect(therapist.get_by_role("link", name="Assign professional")).to_have_count(0)
    assert_accessible(therapist)
    therapist.get_by_role("link", name="Open the advice template").click()
    expect(therapist.get_by_role("heading", level=1)).to_have_text("Health advice")
    assert_accessible(therapist)
    therapist.locator("#communication_needs").fill(
        "Sian experiences multiple absence seizures a day, and may miss information in class."
    )
    therapist.get_by_role("button", name="Add a new outcome").click()
    expect(therapist.locator("#outcomes-1-outcome")).to_be_visible()
    expect(therapist.locator("#communication_needs")).to_have_value(
        "Sian experiences multiple absence seizures a day, and may miss information in class."
    )
    assert_accessible(therapist)
    therapist.locator("#outcomes-0-area").fill("Communication and interaction")
    therapist.locator("#outcomes-0-outcome").fill(
        "By the end of key stage 2 Sian asks for repetition herself."
    )
    therapist.locator("#outcomes-0-steps").fill("Within the next half term Sian uses a help card.")
    therapist.get_by_role("button", name="Save changes").click()
    expect(therapist.get_by_text("Your changes have been saved.")).to_be_visible()
    assert_accessible(therapist)

    # ... and comes back from My cases to finish and submit it.
    therapist.goto(url("nelincs", "/health/"))
    expect(therapist.get_by_role("heading", level=1)).to_have_text("My cases")
    assert_accessible(therapist)
    therapist.get_by_role("link", name="Sian Seaview").click()
    therapist.get_by_role("link", name="Continue your advice").click()
    expect(therapist.locator("#outcomes-0-steps")).to_have_value(
        "Within the next half term Sian uses a help card."
    )
    therapist.locator("#provision-0-provision").fill(
        "Training for school staff on seizure management by the Epilepsy Nurse in the first week of term."
    )
    therapist.get_by_role("button", name="Submit advice").click()
    expect(therapist.get_by_role("heading", level=1)).to_have_text("Are you ready to submit your advice?")
    assert_accessible(therapist)
    therapist.get_by_role("button", name="Submit advice").click()
    expect(therapist.get_by_text("Your advice has been submitted.")).to_be_visible()
    expect(therapist.get_by_text("Training for school staff on seizure management")).to_be_visible()
    assert_accessible(therapist)
    with therapist.expect_download() as download:
        therapist.get_by_role("link", name="Download a copy of this advice (PDF)").click()
    assert download.value.suggested_filename == f"advice-{case.reference}-{advice.pk}.pdf"

    # 4. The Designated Clinical Officer checks it before it goes to the council: until then the
    # caseworker is not told and the case page says it is being checked, with nothing to read.
    assert not [e for e in emails_to(people["caseworker"].email) if "has submitted its advice" in e]
    page.reload()
    expect(page.locator("#health-advice + table")).to_contain_text(
        "Being checked by the Designated Clinical Officer"
    )
    expect(page.get_by_role("link", name=f"Read the advice from {team.name}")).to_have_count(0)
    [to_dco] = emails_to(people["dco"].email)[-1:]
    assert "advice to check for case" in to_dco
    assert "Sian" not in to_dco
    dco_context = browser.new_context()
    dco = dco_context.new_page()
    dco.goto(url("nelincs", "/health/dco/?check=1"))
    sign_in(dco, people["dco"].email)
    expect(dco.get_by_role("heading", level=1)).to_have_text("Health advice for the council")
    expect(dco.get_by_label("Awaiting check")).to_be_checked()
    row = dco.get_by_role("row").filter(has_text="Sian Seaview")
    expect(row).to_contain_text("Awaiting check")
    expect(row).to_contain_text("in time")
    assert_accessible(dco)
    row.get_by_role("link", name="Sian Seaview").click()
    expect(dco.get_by_text("Sian experiences multiple absence seizures a day")).to_be_visible()
    assert_accessible(dco)
    dco.get_by_role("button", name="Return to the team").click()  # with no note: what to change?
    expect(dco.locator(".govuk-error-summary")).to_contain_text(
        "Enter a note saying what the team should change"
    )
    assert_accessible(dco)
    dco.get_by_label("Note to the team").fill("Clear and jargon free: thank you.")
    dco.get_by_role("button", name="Mark as checked").click()
    expect(dco.get_by_text("Marked as checked.")).to_be_visible()
    assert_accessible(dco)
    dco_context.close()

    # 5. The caseworker is told, and reads the advice on the case page; its due date is done.
    told = [e for e in emails_to(people["caseworker"].email) if "has submitted its advice" in e]
    assert len(told) == 1
    assert "Sian" not in told[0]
    page.reload()
    expect(page.locator("#health-advice + table")).to_contain_text("Advice submitted")
    due_row = (
        page.locator("#due-dates + table").get_by_role("row").filter(has_text=f"Advice from {team.name}")
    )
    expect(due_row).to_contain_text(f"{today.day} {today:%b %Y}")
    assert_accessible(page)
    page.get_by_role("link", name=f"Read the advice from {team.name}").click()
    expect(page.get_by_text("Sian experiences multiple absence seizures a day")).to_be_visible()
    expect(page.get_by_role("heading", name="Communication and interaction")).to_be_visible()
    assert_accessible(page)
    with schema_context("nelincs"):
        advice.refresh_from_db()
    assert advice.status == AdviceStatus.SUBMITTED
    manager_context.close()
    therapist_context.close()


def test_the_council_admin_adds_a_health_team_with_its_members(visit, url, page):
    accounts = Accounts(visit(url("nelincs", "/accounts/login/")))
    accounts.sign_in("admin@nelincs.example", "Demo-Password-2026")
    accounts.enter_code(last_code(emails_to("admin@nelincs.example")))
    page.get_by_role("link", name="Health teams").click()
    expect(page.get_by_role("link", name="Children's Speech and Language Therapy")).to_be_visible()
    assert_accessible(page)
    name = f"Paediatric Occupational Therapy {uuid.uuid4().hex[:6]}"
    visit(url("nelincs", "/admin/hub/healthteam/add/"))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Central team email address").fill("not an email")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Central team email address").fill("ot-team@nelincs.example")
    page.get_by_role("button", name=re.compile("Add another team member", re.IGNORECASE)).click()
    page.locator("#id_members-0-user").select_option(
        label="Health Manager (demo) (health-manager@nelincs.example)"
    )
    page.locator("#id_members-0-is_manager").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(name)
    assert_accessible(page)
    with schema_context("nelincs"):
        team = HealthTeam.objects.get(name=name)
        assert [(m.user.email, m.is_manager) for m in team.members.select_related("user")] == [
            ("health-manager@nelincs.example", True)
        ]


@pytest.fixture(scope="module")
def oxfordshire_request(people, django_db_blocker):
    """The same therapist also manages a team in Oxfordshire, which has a request awaiting allocation
    (committed: the live server reads it through its own connection)."""
    therapist = people["therapist"]
    with django_db_blocker.unblock(), schema_context("oxfordshire"):
        membership_grant(user=therapist, role=Role.HEALTH_TEAM_MANAGER)
        caseworker = UserFactory(email=f"hub-oxon-cw-{uuid.uuid4().hex[:8]}@example.com")
        membership_grant(user=caseworker, role=Role.CASEWORKER)
        team = HealthTeam.objects.create(
            name=f"Oxford Health SLT {uuid.uuid4().hex[:6]}", email="o@example.com"
        )
        HealthTeamMember.objects.create(team=team, user=therapist, is_manager=True)
        case = Case.objects.create(
            reference=f"CASE-X{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Oxon",
            child_last_name="Platformchild",
            received_on=timezone.localdate() - datetime.timedelta(days=10),
            stage=Stage.ASSESSMENT,
        )
        return advice_request_send(case=case, team=team, by=caseworker, requested_on=timezone.localdate())


def test_a_therapist_working_for_two_councils_sees_one_list_on_the_platform(
    visit, url, page, people, oxfordshire_request
):
    visit(url("public", "/"))
    page.get_by_role("link", name="see your requests for advice in every council").click()
    sign_in(page, people["therapist"].email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests for advice in every council")
    reference = oxfordshire_request.case.reference
    row = page.get_by_role("row").filter(has_text="Oxfordshire County Council")
    expect(row).to_contain_text(reference)
    expect(row).to_contain_text("Awaiting allocation")
    expect(page.get_by_text("Platformchild")).to_have_count(0)
    assert_accessible(page)
    href = row.get_by_role("link", name=re.compile(reference)).get_attribute("href")
    assert href == url("oxfordshire", f"/health/advice/{oxfordshire_request.pk}/")
