"""The family's side of a case: the dashboard, its tracker and dates, request details, involvements,
the home page's children, and a request for a child already linked to the account."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import schema_context

from core.roles import Role
from ehc.cases.services import case_open_from_request, case_transition
from ehc.family.views import tracker
from ehc.models import (
    AccessStatus,
    AssessmentRequest,
    CaseAccess,
    CaseDocument,
    CaseException,
    Message,
)
from ehc.requests.services import request_start
from ehc.workflow import Action, Stage
from tests.conftest import host_client, sign_in
from tests.ehc.test_requests import PAGES, fill
from tests.factories import CaseFactory, MembershipFactory, UserFactory, council_person

User = get_user_model()
# The child whose case the family follows, as a parent's request makes it.
CHILD = {
    "child_first_name": "Mary",
    "child_last_name": "Bluehat",
    "child_date_of_birth": datetime.date(2016, 5, 4),
    "requestor": "Parent/Young Person",
}


def parent_with_access(council, case, *, status=AccessStatus.ACTIVE):
    user = UserFactory(email=f"family-{uuid.uuid4().hex[:8]}@example.com")
    with schema_context(council.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
        if case is not None:
            CaseAccess.objects.create(case=case, user=user, email=user.email, status=status)
    return user


@pytest.fixture
def family(oxfordshire):
    cache.clear()
    with schema_context(oxfordshire.schema_name):
        case = CaseFactory(**CHILD, caseworker=council_person("caseworker@oxfordshire.example"))
    user = parent_with_access(oxfordshire, case)
    return sign_in(host_client("oxfordshire"), user, oxfordshire), user, case


def test_the_tracker_marks_done_now_and_next_on_the_main_path_and_branches():
    states = {s.stage: s.state for s in tracker(Stage.ASSESSMENT)}
    assert states == {
        "request_received": "done",
        "decision_to_assess": "done",
        "assessment": "now",
        "draft_plan": "next",
        "final_plan": "later",
        "plan_in_place": "later",
    }
    refused = tracker(Stage.NOT_ASSESSED)
    assert [(s.stage, s.state) for s in refused] == [
        ("request_received", "done"),
        ("decision_to_assess", "done"),
        ("not_assessed", "now"),
    ]


def test_after_the_decision_to_assess_the_tracker_moves_and_shows_the_dates(family, oxfordshire):
    client, _, case = family
    html = client.get(f"/children/{case.reference}/").content.decode()
    assert "EHC Dashboard" in html
    assert (
        'app-tracker__step--now" aria-current="step">\n    <span class="app-tracker__label">Request received'
        in html
    )
    assert "12 Oct 2026" in html  # Decision to carry out Assessment Due Date, 6 weeks
    assert "18 Jan 2027" in html  # Final EHCP Issued Due Date, 20 weeks
    assert "SEN Officer" in html  # Oxfordshire's title for the caseworker
    with schema_context(oxfordshire.schema_name):
        case_transition(
            case=case, action=Action.DECIDE_TO_ASSESS, by=None, happened_on=datetime.date(2026, 10, 5)
        )
    html = client.get(f"/children/{case.reference}/").content.decode()
    assert (
        'app-tracker__step--now" aria-current="step">\n    <span class="app-tracker__label">Assessment'
        in html
    )
    assert 'app-tracker__step--next">\n    <span class="app-tracker__label">Draft plan' in html
    assert "gathering advice" in html  # Oxfordshire's "What happens in this stage?" for the assessment


def test_an_exception_is_noted_against_the_date_it_moved(family, oxfordshire):
    client, _, case = family
    with schema_context(oxfordshire.schema_name):
        CaseException.objects.create(
            case=case,
            kind="personal_circumstances",
            start=datetime.date(2026, 9, 14),
            end=datetime.date(2026, 9, 27),
            reason="In hospital",
        )
    html = client.get(f"/children/{case.reference}/request/").content.decode()
    assert "26 Oct 2026" in html
    assert "moved from 12 October 2026 because of an exception" in html
    assert "In hospital" not in html  # the reason is the council's record, not shown here


def test_the_dashboards_query_count_does_not_grow_with_documents_forms_and_events(
    family, oxfordshire, assert_queries
):
    client, user, case = family
    url = f"/children/{case.reference}/"
    client.get(url)
    # routing, session, configuration, identity, the case with its caseworker, events, exceptions,
    # stage descriptions, teams, forms to complete, documents, unread messages
    with assert_queries(12):
        client.get(url)
    with schema_context(oxfordshire.schema_name):
        case = case_transition(
            case=case, action=Action.DECIDE_TO_ASSESS, by=None, happened_on=datetime.date(2026, 9, 20)
        )
        for day in range(200):
            case = case_transition(
                case=case,
                action=Action.REQUEST_ADVICE,
                by=None,
                happened_on=datetime.date(2026, 9, 21) + datetime.timedelta(days=day % 50),
                detail={"service": f"Service {day}"},
            )
        version = request_start(owner=user, slug="parent").version
        AssessmentRequest.objects.bulk_create(
            AssessmentRequest(version=version, owner=user, about_case=case) for _ in range(200)
        )
        CaseDocument.objects.bulk_create(
            CaseDocument(
                case=case,
                description=f"Letter {n}",
                document_date=datetime.date(2026, 10, 1),
                file=f"oxfordshire/cases/{case.pk}/x{n}.pdf",
                original_name="x.pdf",
                extension="pdf",
                size=1,
                content_type="application/pdf",
                sha256="0" * 64,
                published_at=timezone.now(),
            )
            for n in range(200)
        )
        Message.objects.bulk_create(
            Message(
                case=case,
                message_type="Message to parent",
                subject=f"Update {n}",
                body="Text",
                sender=case.caseworker,
                from_team=True,
                recipient=user,
            )
            for n in range(200)
        )
    with assert_queries(12):
        html = client.get(url).content.decode()
    assert (
        '<span class="app-count__number">200</span> <span class="app-count__label">Documents to view' in html
    )
    assert (
        '<span class="app-count__number">200</span> <span class="app-count__label">Forms to complete' in html
    )
    assert '<span class="app-count__number">200</span> <span class="app-count__label">New messages' in html


@pytest.mark.parametrize("suffix", ["", "request/", "involvements/"])
def test_no_one_else_sees_a_childs_pages(suffix, family, oxfordshire, worcestershire):
    _, _, case = family
    url = f"/children/{case.reference}/{suffix}"
    with schema_context(oxfordshire.schema_name):
        other_case = CaseFactory(**{**CHILD, "child_first_name": "Harry", "child_last_name": "Redhat"})
    other_parent = parent_with_access(oxfordshire, other_case)
    other = sign_in(host_client("oxfordshire"), other_parent, oxfordshire)
    assert other.get(url).status_code == 404
    assert other.get(f"/children/{other_case.reference}/{suffix}").status_code == 200
    assert other.get(f"/children/CASE-GUESSED1/{suffix}").status_code == 404
    invited = parent_with_access(oxfordshire, None)
    with schema_context(oxfordshire.schema_name):
        for status in (
            AccessStatus.INVITED,
            AccessStatus.ACCEPTED,
            AccessStatus.DECLINED,
            AccessStatus.REVOKED,
        ):
            CaseAccess.objects.update_or_create(
                case=case, user=invited, defaults={"status": status, "email": invited.email}
            )
            assert sign_in(host_client("oxfordshire"), invited, oxfordshire).get(url).status_code == 404
    staff = sign_in(host_client("oxfordshire"), council_person("caseworker@oxfordshire.example"), oxfordshire)
    assert staff.get(url).status_code == 404  # staff work the case on the staff pages
    worcs = sign_in(
        host_client("worcestershire"),
        council_person("caseworker@worcestershire.example"),
        worcestershire,
    )
    assert worcs.get(url).status_code == 404
    stranger = host_client("oxfordshire").get(url)
    assert stranger.status_code == 302
    assert "/accounts/login/" in stranger["Location"]


def test_home_lists_each_linked_child_with_view_ehc_dashboard(family, oxfordshire):
    client, user, case = family
    with schema_context(oxfordshire.schema_name):
        second = CaseFactory(**{**CHILD, "child_first_name": "Honey", "child_last_name": "Bee"})
        CaseAccess.objects.create(case=second, user=user, status=AccessStatus.ACTIVE)
        hidden = CaseFactory(**{**CHILD, "child_first_name": "Gary", "child_last_name": "Greenhat"})
        CaseAccess.objects.create(case=hidden, user=user, status=AccessStatus.INVITED)
    html = client.get("/").content.decode()
    assert "Your children&#x27;s EHC records" in html or "Your children's EHC records" in html
    assert f'href="/children/{case.reference}/"' in html
    assert f'href="/children/{second.reference}/"' in html
    assert "Gary" not in html
    assert "View EHC Dashboard" in html
    assert "awaiting approval" not in html
    with schema_context(oxfordshire.schema_name):
        CaseAccess.objects.filter(case=hidden, user=user).update(status=AccessStatus.VERIFIED)
    html = client.get("/").content.decode()
    assert '<a class="govuk-link" href="/invitations/">1 Invitation awaiting approval</a>' in html
    assert "Gary" not in html  # the child is named only on the invitations page


def test_a_parents_own_request_gives_them_the_childs_dashboard(oxfordshire):
    user = parent_with_access(oxfordshire, None)
    professional = parent_with_access(oxfordshire, None)
    with schema_context(oxfordshire.schema_name):
        for owner, behalf in ((user, "someone_else"), (professional, "professional")):
            draft = request_start(owner=owner, slug="parent")
            AssessmentRequest.objects.filter(pk=draft.pk).update(
                status="submitted",
                submitted_at=timezone.now(),
                reference=f"REQ-{uuid.uuid4().hex[:8].upper()}",
                answers={
                    "first_name": "Red",
                    "last_name": "Robin",
                    "on_behalf_of": behalf,
                    "relationship": "Mother",
                },
            )
            case_open_from_request(request=AssessmentRequest.objects.get(pk=draft.pk), by=None)
        assert CaseAccess.objects.get(user=user).status == AccessStatus.ACTIVE
        assert CaseAccess.objects.get(user=user).relationship == "Mother"
        assert not CaseAccess.objects.filter(user=professional).exists()


def test_part_1_offers_each_child_already_linked_and_fills_in_their_details(family, oxfordshire):
    client, _, case = family
    response = client.post("/ehc-needs-assessment/parent/")
    pk = int(response["Location"].split("/")[2])
    page = client.get(f"/forms/{pk}/part1/").content.decode()
    labels = [label for label in ("Myself", "Mary Bluehat", "Someone else") if label in page]
    assert labels == ["Myself", "Mary Bluehat", "Someone else"]
    assert page.index("Myself") < page.index("Mary Bluehat") < page.index("Someone else in a professional")
    part1 = {**PAGES["part1"], "on_behalf_of": f"child:{case.reference}"}
    for key in ("first_name", "last_name", "date_of_birth-day", "date_of_birth-month", "date_of_birth-year"):
        part1.pop(key, None)
    assert client.post(f"/forms/{pk}/part1/", {**part1, "action": "next"}).status_code == 302
    with schema_context(oxfordshire.schema_name):
        draft = AssessmentRequest.objects.get(pk=pk)
        assert (draft.answers["first_name"], draft.answers["last_name"]) == ("Mary", "Bluehat")
        assert draft.answers["date_of_birth"] == {"day": "4", "month": "5", "year": "2016"}
    fill(client, draft, {k: v for k, v in PAGES.items() if k != "part1"})
    check = client.get(f"/forms/{pk}/check-answers/").content.decode()
    assert "Mary Bluehat" in check
    assert f"child:{case.reference}" not in check  # the label, not the code
    other = parent_with_access(oxfordshire, None)
    other_client = sign_in(host_client("oxfordshire"), other, oxfordshire)
    response = other_client.post("/ehc-needs-assessment/parent/")
    other_pk = int(response["Location"].split("/")[2])
    refused = other_client.post(
        f"/forms/{other_pk}/part1/",
        {**PAGES["part1"], "on_behalf_of": f"child:{case.reference}", "action": "next"},
    )
    assert refused.status_code == 200  # not one of their choices: the page shows the error
    assert "Mary Bluehat" not in refused.content.decode()


def test_the_family_is_told_of_a_decision_once_without_what_it_was(
    family, oxfordshire, django_capture_on_commit_callbacks
):
    from core.models import Notification  # noqa: PLC0415
    from tests.mail import emails_to  # noqa: PLC0415

    _, user, case = family
    with schema_context(oxfordshire.schema_name), django_capture_on_commit_callbacks(execute=True):
        case = case_transition(
            case=case, action=Action.DECIDE_TO_ASSESS, by=None, happened_on=datetime.date(2026, 10, 5)
        )
        case_transition(
            case=case,
            action=Action.REQUEST_ADVICE,
            by=None,
            happened_on=datetime.date(2026, 10, 6),
            detail={"service": "Educational psychology"},
        )
    mail = emails_to(user.email)
    assert len(mail) == 1  # the decision, not the request for advice
    assert f"an update on case {case.reference}" in mail[0]
    assert f"http://oxfordshire.localhost:8000/children/{case.reference}/" in mail[0]
    for secret in ("Mary", "Bluehat", "assess", "2016"):
        assert secret not in mail[0].split("\n\n", 1)[1]
    with schema_context(oxfordshire.schema_name):
        assert Notification.objects.filter(to=user.email, kind="case_update").count() == 1
