"""The Designated Clinical Officer (North East Lincolnshire's guide: "All health advice is checked and
collated by the Designated Clinical Officer prior to submission to the Local Authority"): where the
council turns the check on, a team's submitted advice waits for the DCO and the council sees nothing of
it until "Mark as checked"; the DCO's list of every team's advice, its filters and its query count; and
My cases / Team cases filtered by the case's status and education setting."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent, Membership
from core.roles import Role
from ehc.cases.selectors import case_due_dates
from ehc.models import AccessStatus, Case, CaseAccess, CaseEvent, Placement, SettingType
from ehc.workflow import Action, Stage
from hub.advice.services import advice_allocate, advice_request_send, advice_save, advice_submit
from hub.dco.services import advice_check
from hub.models import AdviceRequest, AdviceStatus, HealthTeam, HealthTeamMember
from hub.reading.selectors import advice_for_plan, advice_written_for_family
from tenants.configuration.models import CouncilConfiguration
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.mail import emails_to
from tests.tenants.test_configuration import form_data

TODAY = timezone.localdate()


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def checked_first(on: bool) -> None:
    """The council's setting, as its admin saves it (inside the test's transaction, rolled back)."""
    CouncilConfiguration.objects.filter(pk=1).update(advice_checked_by_dco=on)


def new_case(*, name: str, stage=Stage.ASSESSMENT, setting: str = "", caseworker=None) -> Case:
    case = Case.objects.create(
        reference=f"CASE-D{uuid.uuid4().hex[:7].upper()}",
        child_first_name=name,
        child_last_name="Dcotest",
        child_date_of_birth=datetime.date(2016, 3, 9),
        received_on=TODAY - datetime.timedelta(days=60),
        stage=stage,
        caseworker=caseworker,
    )
    if setting:
        Placement.objects.create(case=case, setting_name=setting, setting_type=SettingType.MAINSTREAM, rank=1)
    return case


@pytest.fixture
def world(councils):
    """In North East Lincolnshire: a caseworker, the Designated Clinical Officer, two health teams (one
    with a manager and a therapist), a case in its assessment at Meadow Primary School, with its parent."""
    council = councils["nelincs"]
    with schema_context("nelincs"):
        people = {}
        for key, role in (
            ("caseworker", Role.CASEWORKER),
            ("dco", Role.DESIGNATED_CLINICAL_OFFICER),
            ("manager", Role.HEALTH_TEAM_MANAGER),
            ("therapist", Role.HEALTH_PROFESSIONAL),
            ("parent", Role.PARENT),
        ):
            people[key] = UserFactory(email=unique(key))
            MembershipFactory(user=people[key], role=role)
        team, other_team = (
            HealthTeam.objects.create(name=f"{n} {uuid.uuid4().hex[:6]}", email=unique(n))
            for n in ("Physiotherapy", "CAMHS")
        )
        HealthTeamMember.objects.create(team=team, user=people["manager"], is_manager=True)
        HealthTeamMember.objects.create(team=team, user=people["therapist"])
        case = new_case(name="Sian", setting="Meadow Primary School", caseworker=people["caseworker"])
        CaseAccess.objects.create(
            case=case, user=people["parent"], email=people["parent"].email, status=AccessStatus.ACTIVE
        )
    return {"council": council, "case": case, "team": team, "other_team": other_team, **people}


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def client_for(world, user):
    return sign_in(host_client("nelincs"), user, world["council"])


def written(world, *, case=None, team=None, days_ago=10) -> AdviceRequest:
    """A request for advice allocated to the therapist, with advice saved and not yet submitted."""
    advice = advice_request_send(
        case=case or world["case"],
        team=team or world["team"],
        by=world["caseworker"],
        requested_on=TODAY - datetime.timedelta(days=days_ago),
    )
    advice_allocate(advice=advice, member=world["therapist"], by=world["manager"])
    advice_save(advice=advice, answers={"health_needs": "Uses a walking frame."}, by=world["therapist"])
    return advice


def received(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, action=Action.RECORD_ADVICE))


def test_with_the_check_off_submitted_advice_goes_straight_to_the_council(world, sent):
    with schema_context("nelincs"):
        checked_first(False)
        advice = written(world)
        with sent():
            advice_submit(advice=advice, by=world["therapist"])
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.SUBMITTED
        assert advice.checked_at is None
        assert [e.happened_on for e in received(world["case"])] == [TODAY]
    assert any("has submitted its advice" in e for e in emails_to(world["caseworker"].email))
    assert not emails_to(world["dco"].email)


def test_with_the_check_on_advice_waits_for_the_dco_and_the_council_sees_nothing_until_checked(world, sent):
    case = world["case"]
    with schema_context("nelincs"):
        checked_first(True)
        advice = written(world)
        with sent():
            advice_submit(advice=advice, by=world["therapist"])
        # Submitted three days ago: the case records the advice on the day of the check, not this one.
        AdviceRequest.objects.filter(pk=advice.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(days=3)
        )
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.AWAITING_CHECK
        assert not advice.is_open  # nothing left for the team: no reminders, not on its open lists
        assert received(case) == []
        due = next(d for d in case_due_dates(case=case) if d.key == f"advice:{advice.event_id}")
        assert due.done is None  # the council's advice date stays open
        assert advice_for_plan(case=case) == []
        assert advice_written_for_family(case=case) == {}
    assert not any("has submitted its advice" in e for e in emails_to(world["caseworker"].email))
    told = emails_to(world["dco"].email)
    assert len(told) == 1
    assert case.reference in told[0]
    assert f"/health/dco/{advice.pk}/" in told[0]
    assert "Sian" not in told[0]
    assert "2016" not in told[0]

    # The team sees it submitted, waiting for the check.
    therapist = client_for(world, world["therapist"])
    assert (
        "waiting for the Designated Clinical Officer"
        in therapist.get(f"/health/advice/{advice.pk}/view/").content.decode()
    )

    # The caseworker's case page says it is being checked, with nothing to read; the advice is a 404.
    staff = client_for(world, world["caseworker"])
    page = staff.get(f"/cases/{case.reference}/").content.decode()
    assert "Being checked by the Designated Clinical Officer" in page
    assert f"/cases/{case.reference}/advice/{advice.pk}/" not in page
    assert staff.get(f"/cases/{case.reference}/advice/{advice.pk}/").status_code == 404
    family = client_for(world, world["parent"])
    assert family.get(f"/children/{case.reference}/advice/{advice.pk}/").status_code == 404

    # The DCO reads it and marks it as checked, with a note back to the team.
    dco = client_for(world, world["dco"])
    shown = dco.get(f"/health/dco/{advice.pk}/").content.decode()
    assert "Uses a walking frame." in shown
    assert "Mark as checked" in shown
    with sent():
        response = dco.post(f"/health/dco/{advice.pk}/", {"note": "Thank you: clear and jargon free."})
    assert response.status_code == 302
    assert response["Location"] == "/health/dco/"
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.SUBMITTED
        assert advice.checked_by == world["dco"]
        assert advice.check_note == "Thank you: clear and jargon free."
        events = received(case)
        assert [e.happened_on for e in events] == [TODAY]
        assert events[0].detail["request_event"] == advice.event_id
        assert events[0].by == world["dco"]
        due = next(d for d in case_due_dates(case=case) if d.key == f"advice:{advice.event_id}")
        assert due.done == TODAY
        assert [a.team for a in advice_for_plan(case=case)] == [world["team"].name]
        assert AuditEvent.objects.filter(
            action="advice.checked", actor=world["dco"], subject=case.reference
        ).exists()
    told = [e for e in emails_to(world["caseworker"].email) if "has submitted its advice" in e]
    assert len(told) == 1
    assert "Sian" not in told[0]
    writer = [e for e in emails_to(world["therapist"].email) if "has been checked" in e]
    assert len(writer) == 1
    assert "They left you a note." in writer[0]
    assert "jargon" not in writer[0]  # the note is read on the portal, not in the email
    assert (
        f"/cases/{case.reference}/advice/{advice.pk}/"
        in staff.get(f"/cases/{case.reference}/").content.decode()
    )
    assert staff.get(f"/cases/{case.reference}/advice/{advice.pk}/").status_code == 200
    assert "jargon free" in therapist.get(f"/health/advice/{advice.pk}/view/").content.decode()
    # Checked once: a second check is refused, and nothing more is recorded.
    again = dco.post(f"/health/dco/{advice.pk}/", {"note": ""})
    assert again.status_code == 400
    assert "This advice is not waiting for a check" in again.content.decode()
    assert "Mark as checked" not in again.content.decode()
    with schema_context("nelincs"):
        assert len(received(case)) == 1


def test_only_the_dco_checks_and_a_refused_check_keeps_the_note_typed(world):
    with schema_context("nelincs"):
        checked_first(True)
        advice = written(world)
        advice_submit(advice=advice, by=world["therapist"])
        for someone in (world["manager"], world["therapist"], world["caseworker"]):
            with pytest.raises(PermissionDenied):
                advice_check(advice=advice, by=someone)
    for someone in ("manager", "therapist", "caseworker", "parent"):
        client = client_for(world, world[someone])
        assert client.get("/health/dco/").status_code == 403
        assert client.get(f"/health/dco/{advice.pk}/").status_code == 403
        assert client.post(f"/health/dco/{advice.pk}/", {"note": ""}).status_code == 403
    assert host_client("nelincs").get("/health/dco/").status_code == 302  # signed out: sign in first
    dco = client_for(world, world["dco"])
    too_long = dco.post(f"/health/dco/{advice.pk}/", {"note": "Typed note. " + "x" * 5000})
    assert too_long.status_code == 400
    body = too_long.content.decode()
    assert "govuk-error-summary" in body
    assert 'href="#note"' in body
    assert "Typed note. " in body
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.AWAITING_CHECK
        assert received(world["case"]) == []
        # A DCO whose role the council removed can no longer check.
        Membership.objects.filter(user=world["dco"]).update(is_active=False)
        with pytest.raises(PermissionDenied):
            advice_check(advice=advice, by=world["dco"])


def test_another_councils_dco_gets_404_and_a_dco_here_is_no_dco_there(world, councils):
    with schema_context("nelincs"):
        advice = written(world)
    with schema_context("oxfordshire"):
        theirs = UserFactory(email=unique("oxon-dco"))
        MembershipFactory(user=theirs, role=Role.DESIGNATED_CLINICAL_OFFICER)
        assert not AdviceRequest.objects.filter(pk=advice.pk).exists()
    oxon = sign_in(host_client("oxfordshire"), theirs, councils["oxfordshire"])
    assert oxon.get(f"/health/dco/{advice.pk}/").status_code == 404
    assert "Sian" not in oxon.get("/health/dco/").content.decode()
    ours_there = sign_in(host_client("oxfordshire"), world["dco"], councils["oxfordshire"])
    assert ours_there.get("/health/dco/").status_code == 403


def test_the_dco_list_filters_sorts_and_audits_every_child_listed(world):
    with schema_context("nelincs"):
        checked_first(True)
        overdue = advice_request_send(
            case=world["case"],
            team=world["team"],
            by=world["caseworker"],
            requested_on=TODAY - datetime.timedelta(days=50),
        )
        soon_case = new_case(name="Alex", setting="Riverside Academy", caseworker=world["caseworker"])
        soon = advice_request_send(
            case=soon_case,
            team=world["other_team"],
            by=world["caseworker"],
            requested_on=TODAY - datetime.timedelta(days=35),
        )
        late_case = new_case(name="Dylan", setting="Riverside Academy", caseworker=world["caseworker"])
        awaiting = written(world, case=late_case, days_ago=45)  # due 3 days ago
        advice_submit(advice=awaiting, by=world["therapist"])  # late, and waiting for the check
        later_case = new_case(name="Emma", caseworker=world["caseworker"])
        later = advice_request_send(
            case=later_case, team=world["other_team"], by=world["caseworker"], requested_on=TODAY
        )
    dco = client_for(world, world["dco"])

    def listed(query: str = "") -> list[str]:
        page = dco.get(f"/health/dco/?q=Dcotest{query}").content.decode()
        names = ("Sian", "Alex", "Dylan", "Emma")
        links = {n: f">{n} Dcotest</a>" for n in names}
        return sorted((n for n in names if links[n] in page), key=lambda n: page.index(links[n]))

    assert listed() == ["Sian", "Dylan", "Alex", "Emma"]  # by due date
    assert listed("&due=overdue") == ["Sian", "Dylan"]  # the awaiting check is still due to the council
    assert listed("&due=soon") == ["Alex"]
    assert listed("&check=1") == ["Dylan"]
    assert listed(f"&team={world['other_team'].pk}") == ["Alex", "Emma"]
    assert listed("&setting=Riverside+Academy") == ["Dylan", "Alex"]
    page = dco.get("/health/dco/?q=Dcotest&check=1").content.decode()
    assert "Awaiting check" in page
    assert "late" in page
    assert f'href="/health/dco/{awaiting.pk}/"' in page
    with schema_context("nelincs"):
        rows = AuditEvent.objects.filter(actor=world["dco"], action="record.listed")
        assert {row.subject for row in rows} >= {
            world["case"].reference,
            soon_case.reference,
            late_case.reference,
            later_case.reference,
        }
        assert all("Dcotest" not in str(row.detail) for row in rows)
    assert overdue.due_on < soon.due_on < later.due_on


def test_the_dco_list_keeps_its_queries_whatever_the_number_of_requests(world, assert_queries):
    with schema_context("nelincs"):
        advice_request_send(
            case=world["case"], team=world["team"], by=world["caseworker"], requested_on=TODAY
        )
    dco = client_for(world, world["dco"])
    dco.get("/health/dco/")
    # routing, session, configuration, identity, roles, count, the page of requests with their case and
    # team, who writes each one's advice, the education settings listed, the teams (filter), the audit
    # rows for the children listed
    with assert_queries(11):
        assert dco.get("/health/dco/").status_code == 200
    with schema_context("nelincs"):
        for number in range(40):
            case = new_case(name=f"Many{number}", setting=f"School {number % 7}")
            team = world["team"] if number % 2 else world["other_team"]
            advice = advice_request_send(case=case, team=team, by=world["caseworker"], requested_on=TODAY)
            if number % 2:
                advice_allocate(advice=advice, member=world["therapist"], by=world["manager"])
    with assert_queries(11):
        page = dco.get("/health/dco/").content.decode()
    assert 'rel="next"' in page
    assert "School 6" in page
    with assert_queries(11):
        filtered = dco.get(f"/health/dco/?setting=School+3&stage=assessment&team={world['team'].pk}")
    assert "3 requests for advice" in filtered.content.decode()  # Many3, Many17, Many31


def test_my_cases_and_team_cases_filter_by_case_status_and_education_setting(world, assert_queries):
    with schema_context("nelincs"):
        cases = {
            "Sian": world["case"],  # assessment, Meadow Primary School
            "Alex": new_case(name="Alex", setting="Riverside Academy"),
            "Dylan": new_case(name="Dylan", stage=Stage.DRAFT_PLAN, setting="Riverside Academy"),
            "Emma": new_case(name="Emma", stage=Stage.DRAFT_PLAN),
        }
        for case in cases.values():
            stage = case.stage
            Case.objects.filter(pk=case.pk).update(stage=Stage.ASSESSMENT)  # asked in the assessment
            case.stage = Stage.ASSESSMENT
            advice = advice_request_send(
                case=case, team=world["team"], by=world["caseworker"], requested_on=TODAY
            )
            advice_allocate(advice=advice, member=world["therapist"], by=world["manager"])
            Case.objects.filter(pk=case.pk).update(stage=stage)
    therapist, manager = client_for(world, world["therapist"]), client_for(world, world["manager"])

    def listed(client, path: str) -> set[str]:
        page = client.get(path).content.decode()
        return {name for name in cases if f">{name} Dcotest</a>" in page}

    for client, path in ((therapist, "/health/"), (manager, "/health/team/")):
        assert listed(client, path) == {"Sian", "Alex", "Dylan", "Emma"}
        assert listed(client, f"{path}?stage=draft_plan") == {"Dylan", "Emma"}
        assert listed(client, f"{path}?stage=assessment") == {"Sian", "Alex"}
        assert listed(client, f"{path}?setting=Riverside+Academy") == {"Alex", "Dylan"}
        assert listed(client, f"{path}?setting=Riverside+Academy&stage=assessment") == {"Alex"}
        assert listed(client, f"{path}?stage=not-a-stage") == {"Sian", "Alex", "Dylan", "Emma"}
        page = client.get(path).content.decode()
        # The settings present in the list are the filter's choices, once each.
        assert page.count('<option value="Riverside Academy">') == 1
        assert '<option value="Meadow Primary School">' in page
        assert "Draft plan, Riverside Academy" in page
    with assert_queries(10):
        therapist.get("/health/?stage=draft_plan&setting=Riverside+Academy")


def test_the_council_admin_turns_the_check_on_and_it_is_audited(world):
    with schema_context("nelincs"):
        checked_first(False)
        admin = UserFactory(email=unique("admin"))
        MembershipFactory(user=admin, role=Role.COUNCIL_ADMIN)
    client = client_for(world, admin)
    url = "/admin/configuration/councilconfiguration/1/change/"
    page = client.get(url)
    assert "The Designated Clinical Officer checks health advice before it goes to the council" in (
        page.content.decode()
    )
    data = form_data(page)
    assert "advice_checked_by_dco" not in data
    data["advice_checked_by_dco"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    with schema_context("nelincs"):
        assert CouncilConfiguration.objects.get().advice_checked_by_dco is True
        event = AuditEvent.objects.filter(action="configuration.changed").latest("at")
        assert event.detail == {"fields": ["advice_checked_by_dco"]}
        assert event.actor == admin
        # From now on, a team's submitted advice waits for the check.
        advice = advice_submit(advice=written(world), by=world["therapist"])
        assert advice.status == AdviceStatus.AWAITING_CHECK


def test_the_dco_finds_their_page_from_my_account(world):
    dco = client_for(world, world["dco"])
    assert 'href="/health/dco/"' in dco.get("/account/").content.decode()
    assert "Health advice for the council" in dco.get("/health/dco/").content.decode()
    therapist = client_for(world, world["therapist"])
    assert 'href="/health/dco/"' not in therapist.get("/account/").content.decode()


def test_the_dco_returns_advice_to_the_team_which_changes_and_submits_it_again(world, sent):
    case = world["case"]
    with schema_context("nelincs"):
        checked_first(True)
        advice = written(world)
        with sent():
            advice_submit(advice=advice, by=world["therapist"])
    dco = client_for(world, world["dco"])
    nothing = dco.post(f"/health/dco/{advice.pk}/", {"action": "return", "note": "  "})
    assert nothing.status_code == 400
    assert "Enter a note saying what the team should change" in nothing.content.decode()
    with sent():
        response = dco.post(
            f"/health/dco/{advice.pk}/",
            {"action": "return", "note": "Please explain what the walking frame means in class."},
        )
    assert response.status_code == 302
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.ALLOCATED
        assert advice.is_open
        assert advice.submitted_at is None
        assert received(case) == []
        assert AuditEvent.objects.filter(action="advice.returned", actor=world["dco"]).exists()
    [told] = [e for e in emails_to(world["therapist"].email) if "has returned the advice" in e]
    assert f"/health/advice/{advice.pk}/write/" in told
    assert "walking frame" not in told
    assert "Sian" not in told
    therapist = client_for(world, world["therapist"])
    page = therapist.get(f"/health/advice/{advice.pk}/write/").content.decode()
    assert "returned your advice for changes" in page
    assert "Please explain what the walking frame means in class." in page
    with schema_context("nelincs"):
        advice_save(
            advice=advice,
            answers={"health_needs": "Uses a walking frame for longer distances, such as to the hall."},
            by=world["therapist"],
        )
        with sent():
            advice_submit(advice=advice, by=world["therapist"])
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.AWAITING_CHECK
    assert len(emails_to(world["dco"].email)) == 2  # told of each submission
    with sent():
        dco.post(f"/health/dco/{advice.pk}/", {"action": "check", "note": ""})
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.SUBMITTED
        assert advice.check_note == ""
        assert [e.happened_on for e in received(case)] == [TODAY]
