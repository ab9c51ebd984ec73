"""Items to complete: forms the SEND team sends about a case (the parent's response to the draft plan,
due 15 days after it was served) and forms a family can start; submitted through the request's pages."""

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent, FormDefinition, FormVersion
from core.roles import Role
from ehc.case_forms.services import case_form_send, case_form_start
from ehc.case_forms.views import days_left_text
from ehc.clock import draft_response_window
from ehc.definitions.services import form_definitions_install, form_version_publish
from ehc.definitions.shipped import CASE_FORMS
from ehc.models import AccessStatus, AssessmentRequest, Case, CaseAccess, RequestStatus
from ehc.requests.services import drafts_purge
from ehc.workflow import Action, Stage
from tenants.configuration.models import CouncilConfiguration, ParentForm
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory, case_at, council_person
from tests.mail import emails_to

RESPONSE = "Parental Response &amp; Preference for DRAFT EHCP"  # as the page escapes it
ANSWERS = {
    "draft_plan": {"comments": "Section F should name weekly speech therapy.", "agree": "in_part"},
    "preference": {
        "setting_name": "Riverside Primary School",
        "setting_urn": "123456",
        "reasons": "Near home.",
    },
    "next_steps": {"meeting": "yes", "personal_budget": "no"},
}


def today() -> datetime.date:
    return timezone.localdate()


def ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


# The child, whose request was received 80 days ago and assessed from 70 days ago.
WREN = {
    "child_first_name": "Wren",
    "child_last_name": "Applewood",
    "child_date_of_birth": datetime.date(2017, 6, 5),
}


def family_member(case: Case, *, status=AccessStatus.ACTIVE, relationship="Mother"):
    user = UserFactory(email=f"family-{uuid.uuid4().hex[:10]}@example.com")
    MembershipFactory(user=user, role=Role.PARENT)
    CaseAccess.objects.create(
        case=case, user=user, email=user.email, relationship=relationship, status=status
    )
    return user


def caseworker():
    return council_person("caseworker@oxfordshire.example")


@pytest.fixture
def setting(oxfordshire):
    """A case at the draft plan stage in Oxfordshire, a parent with active access, both signed in."""
    cache.clear()
    with schema_context(oxfordshire.schema_name):
        case = case_at(
            Stage.DRAFT_PLAN,
            received_on=ago(80),
            on={Action.DECIDE_TO_ASSESS: ago(70), Action.ISSUE_DRAFT: ago(3)},
            **WREN,
        )
        parent = family_member(case)
    return {
        "case": case,
        "parent": parent,
        "family": sign_in(host_client("oxfordshire"), parent, oxfordshire),
        "staff": sign_in(host_client("oxfordshire"), caseworker(), oxfordshire),
    }


def send(staff, case, **data):
    return staff.post(f"/cases/{case.reference}/forms/send/", data)


def test_case_forms_are_installed_in_every_council_and_never_offered_as_requests(councils):
    for council in councils.values():
        with schema_context(council.schema_name):
            installed = FormDefinition.objects.filter(kind="case_form")
            assert {d.slug for d in installed} == set(CASE_FORMS)
            assert {d.name for d in installed} == {schema["name"] for schema in CASE_FORMS.values()}
            assert all(d.versions.filter(number=1).exists() for d in installed)
            before = (FormDefinition.objects.count(), FormVersion.objects.count())
            form_definitions_install()  # idempotent: a second run adds nothing
            assert (FormDefinition.objects.count(), FormVersion.objects.count()) == before
    start = host_client("oxfordshire").get("/ehc-needs-assessment/").content.decode()
    assert "Parents/Young Person EHCNA Application Form" in start
    for schema in CASE_FORMS.values():
        assert schema["name"].replace("&", "&amp;") not in start
    refused = host_client("oxfordshire").post("/ehc-needs-assessment/", {"form": "parental_response"})
    assert refused.status_code == 200
    assert "Select the application form you want to complete" in refused.content.decode()


def test_the_parental_response_cannot_be_sent_before_the_draft_plan_is_served(oxfordshire):
    cache.clear()
    with schema_context(oxfordshire.schema_name):
        case = case_at(Stage.ASSESSMENT, received_on=ago(80), on={Action.DECIDE_TO_ASSESS: ago(70)}, **WREN)
        parent = family_member(case)
    staff = sign_in(host_client("oxfordshire"), caseworker(), oxfordshire)
    page = staff.get(f"/cases/{case.reference}/forms/send/").content.decode()
    assert "Can be sent once the draft plan has been issued" in page
    response = send(staff, case, form="parental_response", recipient=str(parent.pk), due_on="")
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#form">The draft plan has not been issued yet: record it on the case first</a>' in html
    assert f'value="{parent.pk}" checked' in html  # what was chosen is kept
    with schema_context(oxfordshire.schema_name):
        assert not AssessmentRequest.objects.filter(about_case=case).exists()
        with pytest.raises(ValidationError):
            case_form_send(
                case=case, slug="parental_response", recipient=parent, due_on=None, by=caseworker(), link="x"
            )
        assert not AssessmentRequest.objects.filter(about_case=case).exists()


def test_the_parental_response_is_due_15_days_after_the_draft_on_its_newest_version(setting, oxfordshire):
    staff, case, parent = setting["staff"], setting["case"], setting["parent"]
    served = today() - datetime.timedelta(days=3)
    due = draft_response_window(served=served)[0]
    assert due == served + datetime.timedelta(days=14)  # the 15th day, counting the day it was served
    page = staff.get(f"/cases/{case.reference}/forms/send/").content.decode()
    assert f"Draft plan served {served:%-d %B %Y}: due by {due:%-d %B %Y} at the latest" in page
    assert "Mother" in page  # the person with active access, and their relationship

    late = send(
        staff,
        case,
        form="parental_response",
        recipient=str(parent.pk),
        due_on=str(due + datetime.timedelta(1)),
    )
    assert late.status_code == 400
    assert f"The due date must be on or before {due:%-d %B %Y}" in late.content.decode()
    assert f'value="{due + datetime.timedelta(1)}"' in late.content.decode()  # kept as typed

    with schema_context(oxfordshire.schema_name):
        definition = FormDefinition.objects.get(slug="parental_response")
        newer = dict(CASE_FORMS["parental_response"], name="Parental Response & Preference for DRAFT EHCP")
        form_version_publish(definition=definition, schema=newer, by=caseworker())
    sent = send(staff, case, form="parental_response", recipient=str(parent.pk), due_on="")
    assert sent.status_code == 302
    assert sent["Location"] == f"/cases/{case.reference}/"
    with schema_context(oxfordshire.schema_name):
        form = AssessmentRequest.objects.select_related("version").get(about_case=case)
        assert form.owner_id == parent.pk
        assert form.due_on == due
        assert form.sent_by_id == caseworker().pk
        assert form.sent_at is not None
        assert form.status == RequestStatus.DRAFT
        assert form.version.number == 2  # the newest wording
        assert AuditEvent.objects.filter(action="case.form_sent", target_id=str(form.pk)).exists()
    family = setting["family"].get(f"/children/{case.reference}/forms/").content.decode()
    assert f"{(due - today()).days} days left" in family


def test_other_forms_need_a_due_date_that_is_not_in_the_past(setting, oxfordshire):
    staff, case, parent = setting["staff"], setting["case"], setting["parent"]
    nothing = send(staff, case)
    html = nothing.content.decode()
    assert nothing.status_code == 400
    assert '<a href="#form">Select the form to send</a>' in html
    assert '<a href="#recipient">Select who will complete the form</a>' in html
    missing = send(staff, case, form="parental_preference", recipient=str(parent.pk), due_on="")
    assert "Enter the date the form is due" in missing.content.decode()
    past = str(today() - datetime.timedelta(days=1))
    yesterday = send(staff, case, form="parental_preference", recipient=str(parent.pk), due_on=past)
    assert "The due date must be today or in the future" in yesterday.content.decode()
    nonsense = send(staff, case, form="parental_preference", recipient=str(parent.pk), due_on="31/02/2027")
    assert "Enter the due date as a real date" in nonsense.content.decode()
    with schema_context(oxfordshire.schema_name):
        assert not AssessmentRequest.objects.filter(about_case=case).exists()
    chosen = today() + datetime.timedelta(days=20)
    assert (
        send(
            staff, case, form="parental_preference", recipient=str(parent.pk), due_on=str(chosen)
        ).status_code
        == 302
    )
    with schema_context(oxfordshire.schema_name):
        assert AssessmentRequest.objects.get(about_case=case).due_on == chosen


def test_only_people_with_active_access_can_be_sent_a_form(oxfordshire):
    cache.clear()
    with schema_context(oxfordshire.schema_name):
        case = case_at(
            Stage.DRAFT_PLAN,
            received_on=ago(80),
            on={Action.DECIDE_TO_ASSESS: ago(70), Action.ISSUE_DRAFT: ago(3)},
            **WREN,
        )
        invited = family_member(case, status=AccessStatus.INVITED, relationship="Father")
    staff = sign_in(host_client("oxfordshire"), caseworker(), oxfordshire)
    page = staff.get(f"/cases/{case.reference}/forms/send/").content.decode()
    assert "No one in the family has active access to this case on the portal yet" in page
    assert "Father" not in page
    refused = send(staff, case, form="parental_response", recipient=str(invited.pk))
    assert refused.status_code == 400
    assert "Select who will complete the form" in refused.content.decode()
    with schema_context(oxfordshire.schema_name):
        with pytest.raises(ValidationError) as error:
            case_form_send(
                case=case, slug="parental_response", recipient=invited, due_on=None, by=caseworker(), link="x"
            )
        assert "recipient" in error.value.message_dict
        assert not AssessmentRequest.objects.filter(about_case=case).exists()


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (12, "12 days left"),
        (1, "1 day left"),
        (0, "Due today"),
        (-1, "Overdue by 1 day"),
        (-9, "Overdue by 9 days"),
    ],
)
def test_days_left_reads_as_the_family_would_say_it(days, text):
    on = datetime.date(2027, 3, 1)
    assert days_left_text(on + datetime.timedelta(days=days), on) == text
    assert days_left_text(None, on) == ""


def test_the_family_page_shows_overdue_and_due_today(setting, oxfordshire):
    case, parent = setting["case"], setting["parent"]
    with schema_context(oxfordshire.schema_name):
        version = FormVersion.objects.filter(definition__slug="parental_preference").first()
        for days in (0, -4):
            AssessmentRequest.objects.create(
                version=version,
                owner=parent,
                about_case=case,
                due_on=today() + datetime.timedelta(days=days),
                sent_by=caseworker(),
                sent_at=timezone.now(),
            )
    html = setting["family"].get(f"/children/{case.reference}/forms/").content.decode()
    assert "Due today" in html
    assert '<strong class="govuk-tag govuk-tag--red">Overdue by 4 days</strong>' in html


def test_the_email_says_what_and_by_when_never_who(setting, oxfordshire, django_capture_on_commit_callbacks):
    staff, case, parent = setting["staff"], setting["case"], setting["parent"]
    due = draft_response_window(served=today() - datetime.timedelta(days=3))[0]
    with django_capture_on_commit_callbacks(execute=True):
        assert send(staff, case, form="parental_response", recipient=str(parent.pk)).status_code == 302
    email = emails_to(parent.email)[-1]
    assert f"a form to complete by {due:%-d %B %Y}" in email
    assert case.reference in email
    assert (
        f"http://oxfordshire.localhost/accounts/login/?next=%2Fchildren%2F{case.reference}%2Fforms%2F"
        in email
    )
    for private in ("Wren", "Applewood", "2017", "Riverside", "Parental Response"):
        assert private not in email


def test_forms_you_can_start_are_the_councils_own(councils):
    cache.clear()
    for schema_name, council in councils.items():
        with schema_context(schema_name):
            case = case_at(
                Stage.DRAFT_PLAN,
                received_on=ago(80),
                on={Action.DECIDE_TO_ASSESS: ago(70), Action.ISSUE_DRAFT: ago(3)},
                **WREN,
            )
            parent = family_member(case)
            offered = CouncilConfiguration.objects.get().parent_forms
        client = sign_in(host_client(schema_name), parent, council)
        html = client.get(f"/children/{case.reference}/forms/").content.decode()
        assert '<h1 class="govuk-heading-l">Items to complete</h1>' in html
        assert "There are no items for you to complete." in html
        for choice in ParentForm:
            assert (choice.label in html) == (choice.value in offered), (schema_name, choice)
        if not offered:
            assert "There are no forms you can start." in html
        not_offered = [c.value for c in ParentForm if c.value not in offered]
        for slug in not_offered:
            assert client.post(f"/children/{case.reference}/forms/start/{slug}/").status_code == 404
    assert _config("hertfordshire").parent_forms == ["parental_supporting_documents"]
    assert _config("oxfordshire").parent_forms == []


def _config(schema_name: str) -> CouncilConfiguration:
    with schema_context(schema_name):
        return CouncilConfiguration.objects.get()


def test_hertfordshire_parents_start_and_submit_supporting_documents(
    councils, django_capture_on_commit_callbacks
):
    herts = councils["hertfordshire"]
    cache.clear()
    with schema_context(herts.schema_name):
        case = case_at(Stage.ASSESSMENT, received_on=ago(80), on={Action.DECIDE_TO_ASSESS: ago(70)}, **WREN)
        parent = family_member(case)
    client = sign_in(host_client("hertfordshire"), parent, herts)
    html = client.get(f"/children/{case.reference}/forms/").content.decode()
    assert "Parental Supporting Documents" in html
    assert f'action="/children/{case.reference}/forms/start/parental_supporting_documents/"' in html
    started = client.post(f"/children/{case.reference}/forms/start/parental_supporting_documents/")
    assert started.status_code == 302
    pk = int(started["Location"].split("/")[2])
    assert started["Location"] == f"/forms/{pk}/documents/"
    with schema_context(herts.schema_name):
        draft = AssessmentRequest.objects.get(pk=pk)
        assert (draft.about_case_id, draft.owner_id, draft.sent_by_id, draft.due_on) == (
            case.pk,
            parent.pk,
            None,
            None,
        )
    listed = client.get(f"/children/{case.reference}/forms/").content.decode()
    assert f'href="/forms/{pk}/documents/"' in listed
    assert "No due date" in listed
    client.post(f"/forms/{pk}/documents/", {"description": "Speech therapy report", "action": "next"})
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/forms/{pk}/check-answers/", {"confirm": "yes"})
    assert done["Location"] == f"/children/{case.reference}/forms/"
    page = client.get(done["Location"]).content.decode()
    assert "Your form was submitted successfully" in page
    assert "There are no items for you to complete." in page
    assert "Forms you have submitted" in page
    assert "we have received your form" in emails_to(parent.email)[-1]


def test_submitting_lands_on_items_to_complete_and_the_caseworker_sees_it(setting, oxfordshire):
    staff, family, case, parent = setting["staff"], setting["family"], setting["case"], setting["parent"]
    assert "No forms have been sent to the family." in staff.get(f"/cases/{case.reference}/").content.decode()
    send(staff, case, form="parental_response", recipient=str(parent.pk))
    with schema_context(oxfordshire.schema_name):
        form = AssessmentRequest.objects.get(about_case=case)
    listing = family.get(f"/children/{case.reference}/forms/").content.decode()
    assert f'<a class="govuk-link" href="/forms/{form.pk}/draft_plan/">{RESPONSE}</a>' in listing
    assert "Not started" in listing

    saved = family.post(f"/forms/{form.pk}/draft_plan/", {**ANSWERS["draft_plan"], "action": "save"})
    assert saved["Location"] == f"/forms/{form.pk}/draft_plan/"
    assert "In progress" in family.get(f"/children/{case.reference}/forms/").content.decode()
    cancelled = family.post(f"/forms/{form.pk}/draft_plan/", {"action": "cancel"})
    assert cancelled["Location"] == f"/children/{case.reference}/forms/"  # back to Items to complete
    for key, data in ANSWERS.items():
        moved = family.post(f"/forms/{form.pk}/{key}/", {**data, "action": "next"})
        assert moved.status_code == 302, moved.content.decode()[:2000]
    assert moved["Location"] == f"/forms/{form.pk}/check-answers/"
    check = family.get(moved["Location"]).content.decode()
    assert "Now send your form" in check
    assert "Riverside Primary School" in check
    assert "In part" in check
    unconfirmed = family.post(f"/forms/{form.pk}/check-answers/", {})
    assert "Confirm that you want to submit the form" in unconfirmed.content.decode()
    submitted = family.post(f"/forms/{form.pk}/check-answers/", {"confirm": "yes"})
    assert submitted["Location"] == f"/children/{case.reference}/forms/"
    landed = family.get(submitted["Location"]).content.decode()
    assert "Your form was submitted successfully" in landed
    assert "There are no items for you to complete." in landed
    assert f'href="/forms/{form.pk}/view/"' in landed

    page = staff.get(f"/cases/{case.reference}/").content.decode()
    section = page.split("Forms sent to the family")[1]
    assert RESPONSE in section
    assert "Submitted" in section
    assert f'href="/forms/{form.pk}/view/"' in section
    assert f'href="/forms/{form.pk}/pdf/"' in section
    assert f'href="/cases/{case.reference}/forms/send/"' in section
    view = staff.get(f"/forms/{form.pk}/view/").content.decode()
    assert "Section F should name weekly speech therapy." in view
    assert "Open a case for this request" not in view  # it is about this case already
    assert staff.get(f"/forms/{form.pk}/pdf/")["Content-Type"] == "application/pdf"


def test_the_drafts_purge_keeps_forms_the_send_team_sent(setting, oxfordshire):
    case, parent = setting["case"], setting["parent"]
    with schema_context(oxfordshire.schema_name):
        sent = case_form_send(
            case=case, slug="parental_response", recipient=parent, due_on=None, by=caseworker(), link="x"
        )
        started = case_form_start(case=case, slug="parental_supporting_documents", by=parent)
        old = timezone.now() - datetime.timedelta(days=45)
        AssessmentRequest.objects.filter(pk__in=[sent.pk, started.pk]).update(updated_at=old)
        drafts_purge(now=timezone.now())
        assert AssessmentRequest.objects.filter(pk=sent.pk).exists()  # waits for the family
        assert not AssessmentRequest.objects.filter(pk=started.pk).exists()  # the 30-day rule


def test_people_without_access_get_nothing(setting, oxfordshire, worcestershire):
    staff, case, parent = setting["staff"], setting["case"], setting["parent"]
    send(staff, case, form="parental_response", recipient=str(parent.pk))
    with schema_context(oxfordshire.schema_name):
        form = AssessmentRequest.objects.get(about_case=case)
        stranger = UserFactory(email=f"stranger-{uuid.uuid4().hex[:8]}@example.com")
        MembershipFactory(user=stranger, role=Role.PARENT)
        other_parent = family_member(case, relationship="Father")
        other_case = case_at(
            Stage.DRAFT_PLAN,
            received_on=ago(80),
            on={Action.DECIDE_TO_ASSESS: ago(70), Action.ISSUE_DRAFT: ago(3)},
            **WREN,
        )
        family_member(other_case)
    nosy = sign_in(host_client("oxfordshire"), stranger, oxfordshire)
    assert nosy.get(f"/children/{case.reference}/forms/").status_code == 404
    assert nosy.post(f"/children/{case.reference}/forms/start/parental_preference/").status_code == 404
    assert nosy.get(f"/forms/{form.pk}/draft_plan/").status_code == 404
    # Another parent of the same child sees the case but not a form sent to someone else.
    father = sign_in(host_client("oxfordshire"), other_parent, oxfordshire)
    assert (
        "There are no items for you to complete."
        in father.get(f"/children/{case.reference}/forms/").content.decode()
    )
    assert father.get(f"/forms/{form.pk}/draft_plan/").status_code == 404
    # The parent with access has none to a case that is not theirs, and none to staff pages.
    family = setting["family"]
    assert family.get(f"/children/{other_case.reference}/forms/").status_code == 404
    assert family.get(f"/cases/{case.reference}/forms/send/").status_code == 403
    assert (
        family.post(f"/cases/{case.reference}/forms/send/", {"form": "parental_response"}).status_code == 403
    )
    # Staff of this council have no family access; staff of another council find no such case.
    assert staff.get(f"/children/{case.reference}/forms/").status_code == 404
    worcs = sign_in(
        host_client("worcestershire"),
        council_person("caseworker@worcestershire.example"),
        worcestershire,
    )
    assert worcs.get(f"/cases/{case.reference}/forms/send/").status_code == 404
    assert (
        worcs.post(f"/cases/{case.reference}/forms/send/", {"form": "parental_response"}).status_code == 404
    )
    # Signed out: sent to sign in.
    anonymous = host_client("oxfordshire")
    assert anonymous.get(f"/children/{case.reference}/forms/")["Location"].startswith("/accounts/login/")
    assert anonymous.get(f"/cases/{case.reference}/forms/send/")["Location"].startswith("/accounts/login/")
    with schema_context(oxfordshire.schema_name):
        assert AssessmentRequest.objects.filter(about_case=case).count() == 1


def test_the_family_page_query_count_is_the_same_for_1_and_200_forms(setting, oxfordshire, assert_queries):
    family, case, parent = setting["family"], setting["case"], setting["parent"]
    url = f"/children/{case.reference}/forms/"
    with schema_context(oxfordshire.schema_name):
        version = FormVersion.objects.filter(definition__slug="parental_preference").first()
        sender = caseworker()

        def make(n, *, submitted=False):
            AssessmentRequest.objects.bulk_create(
                AssessmentRequest(
                    version=version,
                    owner=parent,
                    about_case=case,
                    due_on=today() + datetime.timedelta(days=i % 30),
                    sent_by=sender,
                    sent_at=timezone.now(),
                    status=RequestStatus.SUBMITTED if submitted else RequestStatus.DRAFT,
                    submitted_at=timezone.now() if submitted else None,
                    reference=f"EHC-Q{uuid.uuid4().hex[:10].upper()}" if submitted else "",
                )
                for i in range(n)
            )

        make(1)
    family.get(url)
    # routing, session, configuration, identity, the case (with the access check), this person's forms
    # for it with their definitions (Oxfordshire offers no forms to start: no query for them)
    with assert_queries(QUERIES):
        assert "Parental Preference Form" in family.get(url).content.decode()
    with schema_context(oxfordshire.schema_name):
        make(150)
        make(49, submitted=True)
    with assert_queries(QUERIES):
        html = family.get(url).content.decode()
    assert html.count("Parental Preference Form") == 200


def test_the_send_page_query_count_does_not_grow_with_the_family(setting, oxfordshire, assert_queries):
    staff, case = setting["staff"], setting["case"]
    url = f"/cases/{case.reference}/forms/send/"
    staff.get(url)
    # routing, session, configuration, identity, staff check, the case, the case forms, the people with
    # access (with their identities), the draft plan's date
    with assert_queries(SEND_QUERIES):
        staff.get(url)
    with schema_context(oxfordshire.schema_name):
        for _ in range(15):
            family_member(case)
    with assert_queries(SEND_QUERIES):
        html = staff.get(url).content.decode()
    assert html.count('name="recipient"') == 16


QUERIES = 6
SEND_QUERIES = 10  # with the audit row for reading the case


def test_a_form_sent_to_the_family_is_theirs_until_sent_back_and_only_while_they_see_the_child(
    setting, oxfordshire
):
    """The SEND team reads a form they sent only once the family submits it (404 before, as for a form
    that does not exist), and a family member whose access to the child's case was removed no longer
    reads the form they filled in about that child (as the form's own pages already refused)."""
    staff, family, case, parent = setting["staff"], setting["family"], setting["case"], setting["parent"]
    send(staff, case, form="parental_response", recipient=str(parent.pk))
    with schema_context(oxfordshire.schema_name):
        form = AssessmentRequest.objects.get(about_case=case)
    family.post(f"/forms/{form.pk}/draft_plan/", {**ANSWERS["draft_plan"], "action": "save"})
    assert staff.get(f"/forms/{form.pk}/view/").status_code == 404
    assert staff.get(f"/forms/{form.pk}/pdf/").status_code == 404
    assert family.get(f"/forms/{form.pk}/view/").status_code == 200  # the family's own draft
    with schema_context(oxfordshire.schema_name):
        AssessmentRequest.objects.filter(pk=form.pk).update(status=RequestStatus.SUBMITTED)
        CaseAccess.objects.filter(case=case, user=parent).update(status=AccessStatus.REVOKED)
    assert staff.get(f"/forms/{form.pk}/view/").status_code == 200
    assert family.get(f"/forms/{form.pk}/view/").status_code == 404
    assert family.get(f"/forms/{form.pk}/pdf/").status_code == 404
