"""Several professionals on one request for advice, in the browser: the manager adds two team members
("click on 'add'... their name shows below... 'save changes'"); one writes and submits her part while
the other has not; the manager submits the team's advice with the part that is in; a professional of
another team asked on the same case reads it from her own case page. axe on every page visited."""

import datetime
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.roles import Role
from core.services import membership_grant
from ehc.models import Case
from ehc.workflow import Stage
from hub.advice.services import advice_allocate, advice_request_send
from hub.models import AdviceContribution, AdviceRequest, AdviceStatus, HealthTeam, HealthTeamMember
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.factories import UserFactory
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """In North East Lincolnshire: a case in its assessment asked of two teams; the first has a manager
    and two therapists, the second an occupational therapist already allocated its request."""
    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:8]
        made = {}
        for key, first, last, role in (
            ("caseworker", "Cara", "Worker", Role.CASEWORKER),
            ("manager", "Mina", "Manager", Role.HEALTH_TEAM_MANAGER),
            ("speech", "Sally", "Speech", Role.HEALTH_PROFESSIONAL),
            ("physio", "Paul", "Physio", Role.HEALTH_PROFESSIONAL),
            ("ot", "Olive", "Occupational", Role.HEALTH_PROFESSIONAL),
            ("ot_manager", "Otto", "Manager", Role.HEALTH_TEAM_MANAGER),
            ("dco", "Dee", "Officer", Role.DESIGNATED_CLINICAL_OFFICER),
        ):
            user = UserFactory(email=f"parts-{key}-{tag}@example.com", first_name=first, last_name=last)
            with schema_context("nelincs"):
                membership_grant(user=user, role=role)
            made[key] = user
        with schema_context("nelincs"):
            team = HealthTeam.objects.create(
                name=f"Children's therapies {tag}", email=f"ct-{tag}@example.com"
            )
            ot_team = HealthTeam.objects.create(
                name=f"Occupational therapy {tag}", email=f"ot-{tag}@example.com"
            )
            HealthTeamMember.objects.create(team=team, user=made["manager"], is_manager=True)
            HealthTeamMember.objects.create(team=team, user=made["speech"])
            HealthTeamMember.objects.create(team=team, user=made["physio"])
            HealthTeamMember.objects.create(team=ot_team, user=made["ot"])
            HealthTeamMember.objects.create(team=ot_team, user=made["ot_manager"], is_manager=True)
            case = Case.objects.create(
                reference=f"CASE-P{tag[:7].upper()}",
                child_first_name="Dylan",
                child_last_name="Dunes",
                child_date_of_birth=datetime.date(2015, 6, 1),
                received_on=timezone.localdate() - datetime.timedelta(days=40),
                stage=Stage.ASSESSMENT,
                caseworker=made["caseworker"],
            )
            today = timezone.localdate()
            advice = advice_request_send(case=case, team=team, by=made["caseworker"], requested_on=today)
            ot_advice = advice_request_send(
                case=case, team=ot_team, by=made["caseworker"], requested_on=today
            )
            advice_allocate(advice=ot_advice, member=made["ot"], by=made["ot_manager"])
        return {**made, "team": team, "case": case, "advice": advice, "ot_advice": ot_advice}


def signed_in(browser, url, person, path):
    page = browser.new_context().new_page()
    page.goto(url("nelincs", path))
    accounts = Accounts(page)
    accounts.sign_in(person.email, PASSWORD)
    accounts.enter_code(last_code(emails_to(person.email)))
    return page


def test_two_professionals_one_part_in_the_manager_submits_and_another_team_reads_it(browser, url, people):
    advice, case = people["advice"], people["case"]

    # 1. The manager adds Sally, then chooses Paul and saves changes.
    manager = signed_in(browser, url, people["manager"], f"/health/advice/{advice.pk}/allocate/")
    expect(manager.get_by_role("heading", level=1)).to_have_text("Request for Advice")
    manager.get_by_label("Team member who will write the advice").select_option(label="Sally Speech")
    manager.get_by_role("button", name="Add", exact=True).click()
    expect(manager.get_by_text("Sally Speech added. They have been emailed.")).to_be_visible()
    expect(manager.locator("#allocated-members")).to_contain_text("Sally Speech")
    assert_accessible(manager)
    manager.get_by_label("Team member who will write the advice").select_option(label="Paul Physio")
    manager.get_by_role("button", name="Save changes").click()
    expect(
        manager.get_by_text("Allocated to Sally Speech, Paul Physio. They have been emailed.")
    ).to_be_visible()
    expect(manager.get_by_text("0 of 2 parts submitted.")).to_be_visible()
    assert_accessible(manager)
    for who in ("speech", "physio"):
        [email] = emails_to(people[who].email)[-1:]
        assert "a request for advice for case" in email
        assert "Dylan" not in email

    # 2. Sally writes her part and submits it; Paul has not started.
    speech = signed_in(browser, url, people["speech"], f"/health/advice/{advice.pk}/")
    speech.get_by_role("link", name="Open the advice template").click()
    speech.locator("#communication_needs").fill("Dylan finds changes of routine hard and asks for help late.")
    speech.get_by_role("button", name="Submit advice").click()
    expect(speech.get_by_role("heading", level=1)).to_have_text("Are you ready to submit your advice?")
    expect(speech.get_by_text("Paul Physio")).to_be_visible()
    expect(speech.locator(".govuk-warning-text")).to_contain_text(
        "the other health teams asked for advice on this case will be able to read it"
    )
    assert_accessible(speech)
    speech.get_by_role("button", name="Submit advice").click()
    expect(speech.get_by_text("Your part of the advice has been submitted.")).to_be_visible()
    assert_accessible(speech)
    with schema_context("nelincs"):
        assert AdviceRequest.objects.get(pk=advice.pk).status == AdviceStatus.ALLOCATED

    # 3. The manager submits the team's advice with the part that is in.
    manager.reload()
    expect(manager.get_by_text("1 of 2 parts submitted.")).to_be_visible()
    manager.get_by_role("link", name="Submit the team's advice").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Submit the team's advice")
    expect(manager.get_by_role("heading", name="Parts still being written")).to_be_visible()
    assert_accessible(manager)
    manager.get_by_role("button", name="Submit the team's advice").click()
    expect(manager.get_by_text("The team's advice has been submitted.")).to_be_visible()
    expect(manager.get_by_role("heading", name="Advice from Sally Speech")).to_be_visible()
    expect(manager.get_by_role("heading", name="Advice from Paul Physio")).to_have_count(0)
    assert_accessible(manager)
    with schema_context("nelincs"):
        assert (
            AdviceContribution.objects.get(advice_request=advice, professional=people["physio"]).done_at
            is None
        )

    # 4. North East Lincolnshire has its Designated Clinical Officer check advice before it goes to the
    # council (the demo's configuration): until the check nobody else reads it.
    dco = signed_in(browser, url, people["dco"], f"/health/dco/{advice.pk}/")
    assert_accessible(dco)
    dco.get_by_role("button", name="Mark as checked").click()
    assert_accessible(dco)
    with schema_context("nelincs"):
        assert AdviceRequest.objects.get(pk=advice.pk).status == AdviceStatus.SUBMITTED

    # 5. Olive, asked on the same case for another team, reads it from her own case page.
    ot = signed_in(browser, url, people["ot"], f"/health/advice/{people['ot_advice'].pk}/")
    expect(ot.get_by_role("heading", level=1)).to_have_text("Dylan Dunes")
    assert_accessible(ot)
    ot.get_by_role("link", name=f"Read the advice from {people['team'].name}").click()
    expect(ot.get_by_role("heading", name="Advice from Sally Speech")).to_be_visible()
    expect(ot.get_by_text("Dylan finds changes of routine hard")).to_be_visible()
    assert_accessible(ot)
    with ot.expect_download() as download:
        ot.get_by_role("link", name="Download a copy of this advice (PDF)").click()
    assert download.value.suggested_filename == f"advice-{case.reference}-{advice.pk}.pdf"
