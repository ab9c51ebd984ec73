"""The health hub (North East Lincolnshire's EHC Hub guide): the SEND team asks a health team for advice
from the case page; the team's central address is told; a manager allocates it, or answers that the
child is not known; the team member saves and submits advice; the case's clock and the caseworker hear
of it. Every page checks who is asking, and the lists keep a constant number of queries."""

import datetime
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent, Membership, Notification, StaffInvitation
from core.roles import Role
from ehc.cases.selectors import case_due_dates
from ehc.cases.services import case_exception_add, case_transition
from ehc.models import AccessStatus, Case, CaseAccess, CaseEvent, ExceptionKind
from ehc.workflow import Action, Stage
from hub.advice.services import (
    advice_allocate,
    advice_reminders_send,
    advice_request_send,
    advice_save,
    advice_submit,
)
from hub.models import AdviceAttachment, AdviceRequest, AdviceStatus, HealthTeam, HealthTeamMember
from hub.tasks import advice_reminders_everywhere
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory, council_person
from tests.mail import emails_to, texts_to

User = get_user_model()
TODAY = timezone.localdate()


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def client_for(hub, user):
    return sign_in(host_client("nelincs"), user, hub["council"])


def ask(hub, days_ago=3) -> AdviceRequest:
    with schema_context("nelincs"):
        return advice_request_send(
            case=hub["case"],
            team=hub["team"],
            by=hub["caseworker"],
            requested_on=TODAY - datetime.timedelta(days=days_ago),
        )


def test_asking_a_team_from_the_case_page_records_it_and_tells_the_team_what_and_by_when(hub, sent):
    staff = client_for(hub, hub["caseworker"])
    page = staff.get(f"/cases/{hub['case'].reference}/").content.decode()
    assert f'value="team:{hub["team"].pk}"' in page
    asked_on = TODAY - datetime.timedelta(days=2)
    with sent():
        response = staff.post(
            f"/cases/{hub['case'].reference}/",
            {
                "action": "request_advice",
                "advice_service": f"team:{hub['team'].pk}",
                "happened_on": asked_on.isoformat(),
            },
        )
    assert response.status_code == 302
    with schema_context("nelincs"):
        advice = AdviceRequest.objects.get(case=hub["case"])
        assert advice.status == AdviceStatus.AWAITING_ALLOCATION
        assert advice.due_on == asked_on + datetime.timedelta(weeks=6) - datetime.timedelta(days=1)
        assert advice.event.action == Action.REQUEST_ADVICE
        assert advice.event.detail == {"service": hub["team"].name, "team": hub["team"].pk}
        advice_due = next(d for d in case_due_dates(case=hub["case"]) if d.key.startswith("advice"))
        assert advice_due.due == advice.due_on
        assert advice_due.done is None
        assert AuditEvent.objects.filter(action="advice.requested", target_id=str(advice.pk)).exists()
    [email] = emails_to(hub["team"].email)
    assert "a request for advice for case " + hub["case"].reference in email
    assert f"{advice.due_on.day} {advice.due_on:%B %Y}" in email
    assert "http://nelincs.localhost:8000/health/team/?awaiting=1" in email
    for secret in ("Tilly", "Quartermaine", "2017", "04/05"):
        assert secret not in email
    shown = staff.get(f"/cases/{hub['case'].reference}/").content.decode()
    assert "Advice from health teams" in shown
    assert "Awaiting allocation" in shown


def test_an_unknown_or_switched_off_team_is_refused_on_the_page_and_nothing_is_written(hub):
    staff = client_for(hub, hub["caseworker"])
    with schema_context("nelincs"):
        HealthTeam.objects.filter(pk=hub["team"].pk).update(is_active=False)
    for value in (f"team:{hub['team'].pk}", "team:999999", "team:x"):
        response = staff.post(
            f"/cases/{hub['case'].reference}/",
            {"action": "request_advice", "advice_service": value, "happened_on": TODAY.isoformat()},
        )
        assert response.status_code == 400
        assert "Select who the advice is asked of" in response.content.decode()
    with schema_context("nelincs"):
        assert not AdviceRequest.objects.filter(case=hub["case"]).exists()
        assert not CaseEvent.objects.filter(case=hub["case"]).exists()
        with pytest.raises(ValidationError):
            advice_request_send(case=hub["case"], team=hub["team"], by=hub["caseworker"], requested_on=TODAY)
        assert not CaseEvent.objects.filter(case=hub["case"]).exists()  # the transition was rolled back


def test_a_case_not_in_its_assessment_cannot_be_asked(hub):
    with schema_context("nelincs"):
        Case.objects.filter(pk=hub["case"].pk).update(stage=Stage.DRAFT_PLAN)
        with pytest.raises(ValidationError):
            advice_request_send(case=hub["case"], team=hub["team"], by=hub["caseworker"], requested_on=TODAY)
        assert (
            not AdviceRequest.objects.exists() or not AdviceRequest.objects.filter(case=hub["case"]).exists()
        )


def test_team_cases_awaiting_allocation_and_the_manager_allocates_to_a_therapist(hub, sent):
    advice = ask(hub)
    manager = client_for(hub, hub["manager"])
    listed = manager.get("/health/team/?awaiting=1").content.decode()
    assert "Tilly Quartermaine" in listed
    assert "Awaiting allocation" in listed
    page = manager.get(f"/health/advice/{advice.pk}/").content.decode()
    assert "Assign professional" in page
    assert hub["case"].reference in page
    form = manager.get(f"/health/advice/{advice.pk}/allocate/").content.decode()
    assert (
        "Request for Advice" in form and hub["therapist"].email in form or hub["therapist"].first_name in form
    )
    missing = manager.post(f"/health/advice/{advice.pk}/allocate/", {"action": "allocate", "member": ""})
    assert missing.status_code == 400
    assert "Select the team member who will write the advice" in missing.content.decode()
    stranger = UserFactory(email=unique("stranger"))
    outsider = manager.post(
        f"/health/advice/{advice.pk}/allocate/", {"action": "allocate", "member": stranger.pk}
    )
    assert outsider.status_code == 400
    with sent():
        done = manager.post(
            f"/health/advice/{advice.pk}/allocate/", {"action": "allocate", "member": hub["therapist"].pk}
        )
    assert done.status_code == 302
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert (advice.status, advice.allocated_to, advice.known_to_service) == (
            AdviceStatus.ALLOCATED,
            hub["therapist"],
            True,
        )
    [email] = emails_to(hub["therapist"].email)
    assert "a request for advice for case" in email
    assert f"/health/advice/{advice.pk}/" in email
    [text] = texts_to(hub["mobile"])
    assert "a request for advice" in text
    for message in (email, text):
        assert "Tilly" not in message
        assert "Quartermaine" not in message
    mine = client_for(hub, hub["therapist"]).get("/health/").content.decode()
    assert "Tilly Quartermaine" in mine


def test_only_managers_allocate_and_only_the_allocated_member_writes(hub):
    advice = ask(hub)
    therapist = client_for(hub, hub["therapist"])
    assert therapist.get("/health/team/").status_code == 403  # not a manager
    assert therapist.get(f"/health/advice/{advice.pk}/").status_code == 404  # not theirs yet
    with schema_context("nelincs"):
        with pytest.raises(PermissionDenied):
            advice_allocate(advice=advice, member=hub["therapist"], by=hub["therapist"])
        advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
        with pytest.raises(PermissionDenied):
            advice_save(advice=advice, answers={"health_needs": "x"}, by=hub["other"])
    other = client_for(hub, hub["other"])
    for path in ("", "write/", "submit/", "view/", "pdf/", "request/"):
        assert other.get(f"/health/advice/{advice.pk}/{path}").status_code == 404, path
    assert other.post(f"/health/advice/{advice.pk}/write/", {"action": "save"}).status_code == 404
    assert client_for(hub, hub["manager"]).get(f"/health/advice/{advice.pk}/write/").status_code == 403


def test_not_known_to_service_closes_the_involvement_and_the_due_date(hub, sent):
    advice = ask(hub)
    manager = client_for(hub, hub["manager"])
    empty = manager.post(f"/health/advice/{advice.pk}/allocate/", {"action": "not_known", "details": " "})
    assert empty.status_code == 400
    assert "Enter the details" in empty.content.decode()
    with sent():
        done = manager.post(
            f"/health/advice/{advice.pk}/allocate/",
            {"action": "not_known", "details": "Child is not known to the service; discharged 2024."},
        )
    assert done.status_code == 302
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.NOT_KNOWN
        assert advice.known_to_service is False
        advice_due = next(d for d in case_due_dates(case=hub["case"]) if d.key.startswith("advice"))
        assert advice_due.done == TODAY
        with pytest.raises(ValidationError):
            advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
    [email] = emails_to(hub["caseworker"].email)
    assert "a response to a request for advice" in email.replace("\n ", " ")  # the subject, unfolded
    assert "answered that the child is not known to the service for case" in email
    assert "Tilly" not in email
    staff = client_for(hub, hub["caseworker"])
    read = staff.get(f"/cases/{hub['case'].reference}/advice/{advice.pk}/").content.decode()
    assert "discharged 2024" in read


def test_advice_is_saved_as_typed_then_submitted_once_and_read_by_the_send_team(hub, sent):
    advice = ask(hub)
    with schema_context("nelincs"):
        advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
    therapist = client_for(hub, hub["therapist"])
    url = f"/health/advice/{advice.pk}/write/"
    page = therapist.get(url).content.decode()
    assert "Communication and interaction</h2>" in page
    assert "The child&#x27;s strengths" in page
    assert "Add a new outcome" in page
    assert "Add new provision" in page
    nothing = therapist.post(url, {"action": "submit", "outcomes-rows": "1", "provision-rows": "1"})
    assert nothing.status_code == 400
    assert "Give advice in at least one advice area" in nothing.content.decode()
    too_long = therapist.post(
        url,
        {
            "action": "save",
            "communication_needs": "Uses signs.",
            "outcomes-rows": "1",
            "outcomes-0-area": "x" * 501,
            "provision-rows": "1",
        },
    )
    assert too_long.status_code == 400
    body = too_long.content.decode()
    assert "must be 500 characters or fewer" in body
    assert "Uses signs." in body
    added = therapist.post(
        url,
        {
            "action": "add_row:outcomes",
            "communication_needs": "Uses signs.",
            "outcomes-rows": "1",
            "outcomes-0-area": "Communication",
            "outcomes-0-outcome": "Asks for help",
            "provision-rows": "1",
        },
    )
    assert 'name="outcomes-1-outcome"' in added.content.decode()
    saved = therapist.post(
        url,
        {
            "action": "save",
            "communication_needs": "Tilly uses signs to ask for help.",
            "outcomes-rows": "1",
            "outcomes-0-area": "Communication",
            "outcomes-0-outcome": "By July Tilly asks for help with words",
            "outcomes-0-steps": "Uses two words",
            "provision-rows": "1",
            "provision-0-provision": "Weekly 1-hour SLT session in school for 6 weeks",
        },
    )
    assert saved.status_code == 302
    assert "Tilly uses signs to ask for help." in therapist.get(url).content.decode()
    confirm = therapist.post(
        url,
        {
            "action": "submit",
            "communication_needs": "Tilly uses signs to ask for help.",
            "outcomes-rows": "1",
            "outcomes-0-outcome": "By July Tilly asks for help",
            "provision-rows": "1",
        },
    )
    assert confirm["Location"] == f"/health/advice/{advice.pk}/submit/"
    assert "Are you ready to submit your advice?" in therapist.get(confirm["Location"]).content.decode()
    with sent():
        submitted = therapist.post(f"/health/advice/{advice.pk}/submit/")
    assert submitted.status_code == 302
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.SUBMITTED
        assert advice.submitted_by == hub["therapist"]
        event = CaseEvent.objects.get(case=hub["case"], action=Action.RECORD_ADVICE)
        assert event.detail["service"] == hub["team"].name
        assert event.by == hub["therapist"]
        advice_due = next(d for d in case_due_dates(case=hub["case"]) if d.key.startswith("advice"))
        assert advice_due.done == TODAY
        with pytest.raises(ValidationError):
            advice_save(advice=advice, answers={"health_needs": "changed"}, by=hub["therapist"])
        with pytest.raises(ValidationError):
            advice_submit(advice=advice, by=hub["therapist"])
        assert CaseEvent.objects.filter(case=hub["case"], action=Action.RECORD_ADVICE).count() == 1
    assert therapist.get(url)["Location"] == f"/health/advice/{advice.pk}/view/"
    [email] = emails_to(hub["caseworker"].email)
    assert "a response to a request for advice" in email.replace("\n ", " ")
    assert "has submitted its advice for case" in email
    assert "Tilly" not in email
    staff = client_for(hub, hub["caseworker"])
    case_page = staff.get(f"/cases/{hub['case'].reference}/").content.decode()
    assert f"/cases/{hub['case'].reference}/advice/{advice.pk}/" in case_page
    read = staff.get(f"/cases/{hub['case'].reference}/advice/{advice.pk}/").content.decode()
    assert "Tilly uses signs to ask for help." in read
    assert "By July Tilly asks for help" in read
    pdf = staff.get(f"/cases/{hub['case'].reference}/advice/{advice.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    own_copy = therapist.get(f"/health/advice/{advice.pk}/pdf/")
    assert own_copy.content.startswith(b"%PDF")
    assert own_copy["Cache-Control"] == "private, no-store"


def test_advice_submitted_after_the_case_moved_on_is_kept_without_moving_the_case(hub):
    advice = ask(hub)
    with schema_context("nelincs"):
        advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
        advice_save(
            advice=advice, answers={"health_needs": "Epilepsy care plan in school."}, by=hub["therapist"]
        )
        Case.objects.filter(pk=hub["case"].pk).update(stage=Stage.DRAFT_PLAN)
        advice_submit(advice=advice, by=hub["therapist"])
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.SUBMITTED
        assert not CaseEvent.objects.filter(case=hub["case"], action=Action.RECORD_ADVICE).exists()


def test_lists_filter_and_keep_a_constant_number_of_queries(hub, assert_queries):
    first = ask(hub, days_ago=50)  # overdue: due 8 days after it was asked + 6 weeks
    manager, therapist = client_for(hub, hub["manager"]), client_for(hub, hub["therapist"])
    with schema_context("nelincs"):
        advice_allocate(advice=first, member=hub["therapist"], by=hub["manager"])
    manager.get("/health/team/")
    therapist.get("/health/")
    # routing, session, configuration, identity, roles, team places, count, page of requests with their
    # case and team, the education settings listed (the filter's choices), the audit rows for the children
    # listed (one insert); and on Team cases, who writes each request's advice (one query for the page):
    # 11 there, 10 on My cases
    with assert_queries(11):
        manager.get("/health/team/")
    with assert_queries(10):
        therapist.get("/health/")
    with schema_context("nelincs"):
        for number in range(60):
            case = Case.objects.create(
                reference=f"CASE-L{uuid.uuid4().hex[:7].upper()}",
                child_first_name="Many",
                child_last_name=f"Child{number}",
                received_on=TODAY - datetime.timedelta(days=30),
                stage=Stage.ASSESSMENT,
            )
            advice = advice_request_send(
                case=case, team=hub["team"], by=hub["caseworker"], requested_on=TODAY
            )
            if number % 2:
                advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
    with assert_queries(11):
        team_page = manager.get("/health/team/").content.decode()
    assert "61 requests for advice" in team_page
    assert 'rel="next"' in team_page
    with assert_queries(10):
        mine_page = therapist.get("/health/").content.decode()
    assert "31 requests for advice" in mine_page
    assert "30 requests for advice" in manager.get("/health/team/?awaiting=1").content.decode()
    overdue = therapist.get("/health/?due=overdue").content.decode()
    assert "1 request for advice" in overdue
    assert "Overdue" in overdue
    assert "Tilly" in therapist.get("/health/?q=quartermaine").content.decode()
    assert "0 requests for advice" in therapist.get("/health/?q=nobody").content.decode()
    assert "1 request for advice" in therapist.get(f"/health/?q={hub['case'].reference}").content.decode()


def test_people_without_a_place_in_a_team_see_no_hub_page(hub, councils):
    advice = ask(hub)
    caseworker = client_for(hub, hub["caseworker"])
    assert caseworker.get("/health/").status_code == 403
    assert caseworker.get(f"/health/advice/{advice.pk}/").status_code == 403
    with schema_context("nelincs"):
        placeless = UserFactory(email=unique("placeless"))
        MembershipFactory(user=placeless, role=Role.HEALTH_PROFESSIONAL)
    assert client_for(hub, placeless).get("/health/").status_code == 403
    assert host_client("nelincs").get("/health/")["Location"].startswith("/accounts/login/")
    # The same manager signed in at another council sees nothing of this one's requests.
    with schema_context("oxfordshire"):
        MembershipFactory(user=hub["manager"], role=Role.HEALTH_TEAM_MANAGER)
    elsewhere = sign_in(host_client("oxfordshire"), hub["manager"], councils["oxfordshire"])
    assert elsewhere.get("/health/").status_code == 403  # no team place in Oxfordshire
    assert elsewhere.get(f"/health/advice/{advice.pk}/").status_code == 403
    with schema_context("nelincs"):
        assert Notification.objects.filter(to=hub["team"].email).count() == 1


def test_the_family_reads_submitted_advice_from_sen_involvements_and_nothing_before(hub):
    advice = ask(hub)
    with schema_context("nelincs"):
        parent = UserFactory(email=unique("parent"))
        MembershipFactory(user=parent, role=Role.PARENT)
        CaseAccess.objects.create(
            case=hub["case"], user=parent, email=parent.email, status=AccessStatus.ACTIVE
        )
        advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
        advice_save(
            advice=advice, answers={"health_needs": "Uses an inhaler before PE."}, by=hub["therapist"]
        )
    family = client_for(hub, parent)
    reference = hub["case"].reference
    page = family.get(f"/children/{reference}/involvements/").content.decode()
    assert hub["team"].name in page
    assert "Read the advice" not in page
    assert family.get(f"/children/{reference}/advice/{advice.pk}/").status_code == 404  # a draft
    with schema_context("nelincs"):
        advice_submit(advice=advice, by=hub["therapist"])
    page = family.get(f"/children/{reference}/involvements/").content.decode()
    assert f"/children/{reference}/advice/{advice.pk}/" in page
    read = family.get(f"/children/{reference}/advice/{advice.pk}/").content.decode()
    assert "Uses an inhaler before PE." in read
    assert "Health care needs" in read
    with schema_context("nelincs"):
        assert AuditEvent.objects.filter(action="advice.read_by_family", actor=parent).count() == 1


def test_my_account_leads_health_staff_to_their_cases_and_admins_to_the_teams(hub):
    manager_page = client_for(hub, hub["manager"]).get("/account/").content.decode()
    assert 'href="/health/"' in manager_page
    assert f"Team cases: {hub['team'].name}" in manager_page
    therapist_page = client_for(hub, hub["therapist"]).get("/account/").content.decode()
    assert 'href="/health/"' in therapist_page
    assert "Team cases:" not in therapist_page
    admin = council_person("admin@nelincs.example")
    assert "/admin/hub/healthteam/" in client_for(hub, admin).get("/account/").content.decode()
    assert 'href="/health/"' not in client_for(hub, hub["caseworker"]).get("/account/").content.decode()


LETTER = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_clinic_letter_alone_is_advice_and_only_those_who_may_read_it_download_it(hub, sent):
    advice = ask(hub)
    with schema_context("nelincs"):
        advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
    therapist = client_for(hub, hub["therapist"])
    url = f"/health/advice/{advice.pk}/write/"
    typed = {"health_needs": "Typed before the upload", "outcomes-rows": "1", "provision-rows": "1"}
    refused = therapist.post(
        url, {**typed, "action": "upload", "documents": SimpleUploadedFile("letter.exe", b"MZ\x90\x00")}
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "govuk-error-summary" in body
    assert "Typed before the upload" in body  # nothing lost
    with schema_context("nelincs"):
        assert not AdviceAttachment.objects.filter(advice_request=advice).exists()
    therapist.post(url, {"action": "save", "outcomes-rows": "1", "provision-rows": "1"})  # clear the typing
    done = therapist.post(
        url,
        {
            "action": "upload",
            "outcomes-rows": "1",
            "provision-rows": "1",
            "documents": SimpleUploadedFile(
                "Clinic letter 3 March.pdf", LETTER, content_type="application/pdf"
            ),
        },
    )
    assert done.status_code == 200
    assert "Clinic letter 3 March.pdf" in done.content.decode()
    assert (
        therapist.post(url, {"action": "submit", "outcomes-rows": "1", "provision-rows": "1"})["Location"]
        == f"/health/advice/{advice.pk}/submit/"
    )
    with sent():
        therapist.post(f"/health/advice/{advice.pk}/submit/")
    with schema_context("nelincs"):
        advice.refresh_from_db()
        attachment = advice.attachments.get()
        assert advice.status == AdviceStatus.SUBMITTED
        assert attachment.file.name.startswith(f"nelincs/advice/{advice.pk}/")
        assert "Clinic" not in attachment.file.name  # stored under a name of our own
        parent = UserFactory(email=unique("letter-parent"))
        MembershipFactory(user=parent, role=Role.PARENT)
        CaseAccess.objects.create(
            case=hub["case"], user=parent, email=parent.email, status=AccessStatus.ACTIVE
        )
    reference = hub["case"].reference
    allowed = {
        hub["therapist"]: f"/health/advice/{advice.pk}/files/{attachment.pk}/",
        hub["manager"]: f"/health/advice/{advice.pk}/files/{attachment.pk}/",
        hub["caseworker"]: f"/cases/{reference}/advice/{advice.pk}/files/{attachment.pk}/",
        parent: f"/children/{reference}/advice/{advice.pk}/files/{attachment.pk}/",
    }
    for person, path in allowed.items():
        response = client_for(hub, person).get(path)
        assert response.status_code == 200, person.email
        assert b"".join(response.streaming_content) == LETTER
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
    links = {
        hub["therapist"]: f"/health/advice/{advice.pk}/view/",
        hub["caseworker"]: f"/cases/{reference}/advice/{advice.pk}/",
        parent: f"/children/{reference}/advice/{advice.pk}/",
    }
    for person, page in links.items():
        assert allowed[person] in client_for(hub, person).get(page).content.decode(), page
    assert client_for(hub, hub["other"]).get(allowed[hub["therapist"]]).status_code == 404
    with schema_context("nelincs"):
        downloads = AuditEvent.objects.filter(action="advice.file_downloaded", target_id=str(advice.pk))
        assert sorted(d.detail["by"] for d in downloads) == ["family", "health", "health", "send_team"]


def test_deleting_a_case_takes_its_advice_requests_with_it(hub):
    advice = ask(hub)
    with schema_context("nelincs"):
        Case.objects.filter(pk=hub["case"].pk).delete()
        assert not AdviceRequest.objects.filter(pk=advice.pk).exists()
        assert HealthTeam.objects.filter(pk=hub["team"].pk).exists()


def test_an_exception_that_moves_the_advice_date_moves_it_in_the_hub_too(hub):
    advice = ask(hub, days_ago=10)
    with schema_context("nelincs"):
        statutory = advice.due_on
        case_exception_add(
            case=hub["case"],
            kind=ExceptionKind.MISSED_APPOINTMENT,
            start=advice.requested_on + datetime.timedelta(days=2),
            end=advice.requested_on + datetime.timedelta(days=8),
            reason="The child missed the clinic appointment",
            by=hub["caseworker"],
        )
        advice.refresh_from_db()
        clock_due = next(d for d in case_due_dates(case=hub["case"]) if d.key == f"advice:{advice.event_id}")
        assert clock_due.moved
        assert advice.due_on == clock_due.due
        assert advice.due_on > statutory


def advice_dates(hub) -> dict:
    return {d.key: d for d in case_due_dates(case=hub["case"]) if d.key.startswith("advice:")}


def submitted(hub, advice: AdviceRequest) -> None:
    advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
    advice_save(advice=advice, answers={"health_needs": "Uses an inhaler."}, by=hub["therapist"])
    advice_submit(advice=advice, by=hub["therapist"])


def test_a_team_and_a_service_of_the_same_name_each_keep_their_own_date_and_answer(hub):
    """The team on the hub and a service asked by name outside it, called the same: the team's answer
    closes its own date only, and the caseworker then records the other's."""
    team_asked = ask(hub, days_ago=10)
    with schema_context("nelincs"):
        case_transition(
            case=hub["case"],
            action=Action.REQUEST_ADVICE,
            by=hub["caseworker"],
            happened_on=TODAY - datetime.timedelta(days=9),
            detail={"service": hub["team"].name},
        )
        outside = CaseEvent.objects.filter(case=hub["case"], action=Action.REQUEST_ADVICE).latest("id")
        assert set(advice_dates(hub)) == {f"advice:{team_asked.event_id}", f"advice:{outside.pk}"}
        submitted(hub, team_asked)
        dates = advice_dates(hub)
        assert dates[f"advice:{team_asked.event_id}"].done == TODAY
        assert dates[f"advice:{outside.pk}"].done is None
    staff = client_for(hub, hub["caseworker"])
    page = staff.get(f"/cases/{hub['case'].reference}/").content.decode()
    assert f'<option value="{hub["team"].name}">{hub["team"].name}</option>' in page  # the one waiting
    recorded = staff.post(
        f"/cases/{hub['case'].reference}/",
        {"action": "record_advice", "happened_on": TODAY.isoformat(), "advice_received": hub["team"].name},
    )
    assert recorded.status_code == 302
    with schema_context("nelincs"):
        assert advice_dates(hub)[f"advice:{outside.pk}"].done == TODAY
        answers = CaseEvent.objects.filter(case=hub["case"], action=Action.RECORD_ADVICE).order_by("id")
        assert [a.detail["request_event"] for a in answers] == [team_asked.event_id, outside.pk]


def test_a_team_asked_twice_has_two_dates_and_answering_the_second_leaves_the_first_open(hub):
    first, second = ask(hub, days_ago=20), ask(hub, days_ago=3)
    with schema_context("nelincs"):
        dates = advice_dates(hub)
        assert dates[f"advice:{first.event_id}"].due == first.due_on
        assert dates[f"advice:{second.event_id}"].due == second.due_on
        assert first.due_on != second.due_on
        submitted(hub, second)
        dates = advice_dates(hub)
        assert dates[f"advice:{second.event_id}"].done == TODAY
        assert dates[f"advice:{first.event_id}"].done is None
        first.refresh_from_db()
        assert first.status == AdviceStatus.AWAITING_ALLOCATION


def test_an_exception_that_moves_one_advice_date_moves_only_that_request_in_the_hub(hub):
    early, late = ask(hub, days_ago=60), ask(hub, days_ago=3)
    early_due, late_due = early.due_on, late.due_on
    with schema_context("nelincs"):
        # An appointment missed after the early request's 6 weeks ran out: only the late one is moved.
        case_exception_add(
            case=hub["case"],
            kind=ExceptionKind.MISSED_APPOINTMENT,
            start=TODAY - datetime.timedelta(days=1),
            end=TODAY + datetime.timedelta(days=5),
            reason="The child missed the clinic appointment",
            by=hub["caseworker"],
        )
        early.refresh_from_db()
        late.refresh_from_db()
        dates = advice_dates(hub)
    assert early.due_on == early_due == dates[f"advice:{early.event_id}"].due
    assert late.due_on == late_due + datetime.timedelta(days=7) == dates[f"advice:{late.event_id}"].due


def test_a_manager_invites_someone_new_who_joins_the_team_only_once_they_accept(hub, sent):
    """A team manager cannot make anyone a health professional here, nor allocate them a child's request
    for advice: someone new is invited, and joins the team when they accept as the owner of the address."""
    advice = ask(hub)
    manager = client_for(hub, hub["manager"])
    url = f"/health/advice/{advice.pk}/allocate/"
    bad = manager.post(url, {"action": "add_member", "first_name": "Nia", "last_name": "", "email": "nia@"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter their surname" in body
    assert "Enter an email address in the correct format" in body
    assert 'value="Nia"' in body  # nothing lost
    new_email = unique("new-slt")
    with sent():
        done = manager.post(
            url, {"action": "add_member", "first_name": "Nia", "last_name": "Newcomer", "email": new_email}
        )
    assert done["Location"] == url
    assert not User.objects.filter(email=new_email).exists()
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert advice.allocated_to is None
        assert not Membership.objects.filter(user__email=new_email).exists()
        invitation = StaffInvitation.objects.get(email=new_email)
        assert invitation.role == Role.HEALTH_PROFESSIONAL
    mail = emails_to(new_email)
    assert len(mail) == 1
    assert "invitation to work in the EHC Portal" in mail[0]
    assert "a request for advice" not in mail[0]

    link = re.search(r"http://[^/\s]+(/staff/invitation/\S+/)", mail[0]).group(1)
    host_client("nelincs").post(
        link, {"password1": "a therapist passphrase", "password2": "a therapist passphrase"}
    )
    newcomer = User.objects.get(email=new_email)
    with schema_context("nelincs"):
        assert Membership.objects.filter(
            user=newcomer, role=Role.HEALTH_PROFESSIONAL, is_active=True
        ).exists()
        assert HealthTeamMember.objects.filter(team=hub["team"], user=newcomer, is_manager=False).exists()
        assert AuditEvent.objects.filter(action="health_team.member_added", detail__user=newcomer.pk).exists()
    with sent():
        allocated = manager.post(url, {"member": newcomer.pk})
    assert allocated.status_code == 302
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert advice.allocated_to == newcomer


def test_a_manager_cannot_give_back_access_the_council_removed(hub):
    advice = ask(hub)
    with schema_context("nelincs"):
        removed = UserFactory(email=unique("removed"))
        MembershipFactory(user=removed, role=Role.HEALTH_PROFESSIONAL, is_active=False)
    response = client_for(hub, hub["manager"]).post(
        f"/health/advice/{advice.pk}/allocate/",
        {"action": "add_member", "first_name": "Re", "last_name": "Moved", "email": removed.email},
    )
    assert response.status_code == 400
    assert "access to the portal was removed" in response.content.decode()
    with schema_context("nelincs"):
        assert not Membership.objects.get(user=removed).is_active
        assert not HealthTeamMember.objects.filter(user=removed).exists()
        advice.refresh_from_db()
        assert advice.allocated_to is None


def test_the_case_page_for_the_team_keeps_its_queries_whoever_else_was_asked(hub, assert_queries):
    advice = ask(hub)
    manager = client_for(hub, hub["manager"])
    path = f"/health/advice/{advice.pk}/"
    manager.get(path)
    # routing, session, configuration, identity, roles, team places, the request with its case and team
    # (and the reader's part), the audit row for reading it, who writes the team's advice, the other
    # teams asked, the other services asked
    with assert_queries(11):
        manager.get(path)
    with schema_context("nelincs"):
        for number in range(30):
            other = HealthTeam.objects.create(
                name=f"Other team {number} {uuid.uuid4().hex[:4]}", email="o@example.com"
            )
            advice_request_send(case=hub["case"], team=other, by=hub["caseworker"], requested_on=TODAY)
            case_transition(
                case=hub["case"],
                action=Action.REQUEST_ADVICE,
                by=hub["caseworker"],
                happened_on=TODAY,
                detail={"service": f"Outside service {number}"},
            )
    with assert_queries(11):
        page = manager.get(path).content.decode()
    assert page.count("Asked outside the portal") == 30
    assert "Other team 29" in page


def test_reminders_a_week_before_and_when_overdue_each_once_to_whoever_holds_the_request(hub, sent):
    waiting = ask(hub, days_ago=36)  # due in 5 days, nobody allocated: the team's central address
    allocated = ask(hub, days_ago=45)  # overdue by 4 days: the therapist
    later = ask(hub, days_ago=1)  # due in 40 days: nobody yet
    answered = ask(hub, days_ago=44)
    with schema_context("nelincs"):
        advice_allocate(advice=allocated, member=hub["therapist"], by=hub["manager"])
        advice_allocate(advice=answered, member=hub["other"], by=hub["manager"])
        advice_save(advice=answered, answers={"health_needs": "Done."}, by=hub["other"])
        advice_submit(advice=answered, by=hub["other"])
        sent_before = {
            a: len(emails_to(a)) for a in (hub["team"].email, hub["therapist"].email, hub["other"].email)
        }
        with sent():
            assert advice_reminders_send() == 2
        with sent():
            assert advice_reminders_send() == 2  # the same two, and nobody is told twice
    to_team = emails_to(hub["team"].email)[sent_before[hub["team"].email] :]
    to_therapist = emails_to(hub["therapist"].email)[sent_before[hub["therapist"].email] :]
    assert len(to_team) == 1
    assert len(to_therapist) == 1
    assert len(emails_to(hub["other"].email)) == sent_before[hub["other"].email]
    assert f"is due by {waiting.due_on.day} {waiting.due_on:%B %Y}" in to_team[0]
    assert "not allocated yet" in to_team[0]
    assert f"was due on {allocated.due_on.day} {allocated.due_on:%B %Y}" in to_therapist[0]
    assert f"/health/advice/{allocated.pk}/" in to_therapist[0]
    assert [t for t in texts_to(hub["mobile"]) if "reminder" in t]  # they chose texts too
    for message in (*to_team, *to_therapist):
        assert "Tilly" not in message
        assert "Quartermaine" not in message
    later_due = f"{later.due_on.day} {later.due_on:%B %Y}"
    assert not any(later_due in message for message in (*to_team, *to_therapist))  # not due for weeks


def test_the_daily_task_reminds_in_every_council(hub, settings, sent):
    ask(hub, days_ago=40)
    with sent():
        results = advice_reminders_everywhere.delay().get()
    assert results["nelincs"] >= 1
    assert set(results) >= {"nelincs", "oxfordshire", "hertfordshire", "worcestershire"}


def test_a_team_switched_off_still_answers_what_it_was_already_asked(hub):
    advice = ask(hub)
    with schema_context("nelincs"):
        HealthTeam.objects.filter(pk=hub["team"].pk).update(is_active=False)
    manager = client_for(hub, hub["manager"])
    assert "Tilly Quartermaine" in manager.get("/health/team/?awaiting=1").content.decode()
    assert manager.get(f"/health/advice/{advice.pk}/").status_code == 200
    done = manager.post(
        f"/health/advice/{advice.pk}/allocate/", {"action": "allocate", "member": hub["therapist"].pk}
    )
    assert done.status_code == 302
    assert client_for(hub, hub["therapist"]).get(f"/health/advice/{advice.pk}/write/").status_code == 200
    staff_page = client_for(hub, hub["caseworker"]).get(f"/cases/{hub['case'].reference}/").content.decode()
    assert f'value="team:{hub["team"].pk}"' not in staff_page  # no longer asked for new advice


def test_an_allocation_to_no_one_is_refused_by_the_service_alone(hub):
    """The allocation page only reads the choice: choosing no one is refused by advice_allocate itself,
    against the page's input, and nothing changes."""
    advice = ask(hub)
    with schema_context("nelincs"):
        with pytest.raises(ValidationError) as refused:
            advice_allocate(advice=advice, member=None, by=hub["manager"])
        assert refused.value.message_dict == {"member": ["Select the team member who will write the advice"]}
        advice.refresh_from_db()
        assert (advice.status, advice.allocated_to) == (AdviceStatus.AWAITING_ALLOCATION, None)
