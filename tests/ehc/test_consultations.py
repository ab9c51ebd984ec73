"""Consulting schools and settings on the issued draft plan (issue 15; Reg. 14, Code of Practice
9.78-9.84): the caseworker consults (the family's preference first), the setting's central address is
told what and by when and never who, the setting's members read the draft and answer, the caseworker
is told; only members of the setting see it; overdue consultations show on the workspace; every read of
the child's record by a setting's member is audited; the lists keep their number of queries."""

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent, FormVersion
from core.roles import Role
from ehc.consultations.selectors import consultations_of_case
from ehc.consultations.services import consultation_answer, consultations_send
from ehc.models import (
    AssessmentRequest,
    Consultation,
    ConsultationStatus,
    EducationSetting,
    RequestStatus,
    SettingKind,
    SettingMember,
)
from ehc.workflow import Stage
from tests.conftest import host_client, sign_in
from tests.factories import (
    CaseDocumentFactory,
    MembershipFactory,
    PlanVersionFactory,
    UserFactory,
    case_at,
)
from tests.mail import emails_to

TODAY = timezone.localdate()
BORN = datetime.date(2016, 7, 9)
FIRST, LAST = "Zephyrine", "Quillfeather"
# The child's date of birth in every way a person or a program might write it.
BORN_WRITTEN = (
    "9 July 2016",
    "09 July 2016",
    "9 Jul 2016",
    "July 9, 2016",
    "09/07/2016",
    "9/7/2016",
    "2016-07-09",
    "09-07-2016",
    "09.07.2016",
    "9.7.2016",
    "07/09/2016",
    "20160709",
)


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def person(role: Role, name: str, schema: str = "oxfordshire"):
    user = UserFactory(email=unique(name))
    with schema_context(schema):
        MembershipFactory(user=user, role=role)
    return user


def new_setting(name: str, **fields) -> EducationSetting:
    return EducationSetting.objects.create(
        name=f"{name} {uuid.uuid4().hex[:6]}",
        kind=fields.pop("kind", SettingKind.MAINSTREAM),
        urn=fields.pop("urn", f"{uuid.uuid4().int % 1000000:06d}"),
        email=unique("office"),
        **fields,
    )


def draft_case(caseworker, **fields):
    case = case_at(
        Stage.DRAFT_PLAN,
        caseworker=caseworker,
        child_first_name=fields.pop("first", FIRST),
        child_last_name=fields.pop("last", LAST),
        child_date_of_birth=BORN,
        **fields,
    )
    document = CaseDocumentFactory(case=case, description="EHC Plan - Draft")
    version = PlanVersionFactory(
        case=case, status="issued", issued_on=TODAY, issued_at=timezone.now(), document=document
    )
    return case, version


def preference_form(case, owner, *, name: str, urn: str = "", slug="parental_response"):
    return AssessmentRequest.objects.create(
        version=FormVersion.objects.filter(definition__slug=slug).order_by("-number").first(),
        owner=owner,
        status=RequestStatus.SUBMITTED,
        reference=f"EHC-P{uuid.uuid4().hex[:7].upper()}",
        about_case=case,
        submitted_at=timezone.now(),
        answers={"setting_name": name, "setting_urn": urn, "reasons": "Near home"},
    )


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def world(councils):
    """In Oxfordshire: a case at its draft plan with the draft issued (and its PDF), the family's
    preference for one setting, three settings (one switched off) and a member of each of two."""
    cache.clear()
    caseworker = person(Role.CASEWORKER, "caseworker")
    parent = person(Role.PARENT, "parent")
    member, other_member = (person(Role.EDUCATION_PROFESSIONAL, n) for n in ("senco", "other-senco"))
    with schema_context("oxfordshire"):
        preferred = new_setting("St Aldates Primary")
        other = new_setting("Cherwell Special", kind=SettingKind.SPECIAL)
        closed = new_setting("Closed Academy", is_active=False)
        SettingMember.objects.create(setting=preferred, user=member)
        SettingMember.objects.create(setting=other, user=other_member)
        case, version = draft_case(caseworker)
        preference_form(case, parent, name=f"  {preferred.name.lower()} ")
    return {
        "council": councils["oxfordshire"],
        "caseworker": caseworker,
        "member": member,
        "other_member": other_member,
        "preferred": preferred,
        "other": other,
        "closed": closed,
        "case": case,
        "version": version,
        "parent": parent,
    }


def client_of(world, user, schema="oxfordshire"):
    from tenants.models import Council  # noqa: PLC0415

    council = world["council"] if schema == "oxfordshire" else Council.objects.get(schema_name=schema)
    return sign_in(host_client(schema), user, council)


def consult(world, *settings, costs_asked=False, days_ago=0):
    with schema_context("oxfordshire"):
        return consultations_send(
            case=world["case"],
            version=world["version"],
            settings=settings or (world["preferred"],),
            costs_asked=costs_asked,
            by=world["caseworker"],
            requested_on=TODAY - datetime.timedelta(days=days_ago),
        )


def test_the_page_puts_the_familys_preference_first_and_ticked(world):
    staff = client_of(world, world["caseworker"])
    url = f"/cases/{world['case'].reference}/consultations/"
    assert (
        "Consult schools and settings on the draft plan"
        in staff.get(f"/cases/{world['case'].reference}/").content.decode()
    )
    page = staff.get(url).content.decode()
    preferred, other = world["preferred"], world["other"]
    assert f"The family asked for {preferred.name.lower()}" in page
    assert page.index(preferred.name) < page.index(other.name)
    assert f'value="{preferred.pk}" checked' in page
    assert f'value="{other.pk}" checked' not in page
    assert world["closed"].name not in page  # switched off: not consulted
    # A setting the family named that is not on the portal is said to be so.
    with schema_context("oxfordshire"):
        preference_form(
            world["case"], world["parent"], name="Dragon School", urn="999999", slug="parental_preference"
        )
    page = staff.get(url).content.decode()
    assert "The family asked for Dragon School (URN 999999), which is not on the portal" in page
    assert f'value="{preferred.pk}" checked' not in page


def test_consulting_tells_each_central_address_what_and_by_when_and_never_who(world, sent):
    staff = client_of(world, world["caseworker"])
    url = f"/cases/{world['case'].reference}/consultations/"
    preferred, other = world["preferred"], world["other"]
    with sent():
        done = staff.post(url, {"settings": [str(other.pk), str(preferred.pk)], "costs_asked": "yes"})
    assert done.status_code == 302
    due = TODAY + datetime.timedelta(days=14)  # the day of the consultation is day one (CoP 9.79)
    with schema_context("oxfordshire"):
        made = list(Consultation.objects.filter(case=world["case"]).order_by("rank"))
        assert [(c.setting, c.rank) for c in made] == [(preferred, 1), (other, 2)]  # the family's first
        assert all(c.due_on == due and c.costs_asked and c.is_waiting for c in made)
        assert all(c.plan_version == world["version"] and c.requested_by == world["caseworker"] for c in made)
        assert (
            AuditEvent.objects.filter(
                action="consultation.requested", actor=world["caseworker"], subject=world["case"].reference
            ).count()
            == 2
        )
    for setting in (preferred, other):
        mail = emails_to(setting.email)
        assert len(mail) == 1
        email = mail[0]
        assert "a consultation" in email.split("\n")[0]
        assert world["case"].reference in email
        assert f"{due.day} {due:%B %Y}" in email
        assert "/schools/consultations/" in email
        assert "costs" in email
        for secret in (FIRST, LAST, *BORN_WRITTEN):
            assert secret.lower() not in email.lower(), secret
    page = staff.get(url).content.decode()
    assert "Waiting" in page
    assert "costs asked" in page
    # Consulting the same setting on the same draft again is refused, and nothing is written.
    again = staff.post(url, {"settings": [str(preferred.pk)]})
    assert again.status_code == 400
    assert "cannot be consulted on this draft again" in again.content.decode()
    with schema_context("oxfordshire"):
        assert Consultation.objects.filter(case=world["case"]).count() == 2


def test_nothing_ticked_or_no_issued_draft_is_refused_with_the_error_summary(world):
    staff = client_of(world, world["caseworker"])
    url = f"/cases/{world['case'].reference}/consultations/"
    refused = staff.post(url, {"costs_asked": "yes"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "govuk-error-summary" in body
    assert "Select at least one school or setting to consult" in body
    assert 'id="costs_asked" name="costs_asked" type="checkbox" value="yes" checked' in body
    with schema_context("oxfordshire"):
        assessing = case_at(Stage.ASSESSMENT, caseworker=world["caseworker"])
    early = f"/cases/{assessing.reference}/consultations/"
    assert "There is no issued draft plan" in staff.get(early).content.decode()
    refused = staff.post(early, {"settings": [str(world["preferred"].pk)]})
    assert refused.status_code == 400
    with schema_context("oxfordshire"):
        assert not Consultation.objects.filter(case=assessing).exists()
        with pytest.raises(ValidationError, match="Select at least one"):
            consultations_send(
                case=world["case"], version=world["version"], settings=[], costs_asked=False, by=None
            )


def test_a_member_reads_the_draft_and_answers_and_the_caseworker_is_told(world, sent):
    (consultation,) = consult(world, costs_asked=True)
    member = client_of(world, world["member"])
    listed = member.get("/schools/consultations/").content.decode()
    assert world["case"].reference in listed
    assert FIRST in listed
    url = f"/schools/consultations/{consultation.pk}/"
    page = member.get(url).content.decode()
    assert "Can the setting meet the child's needs?" in page
    assert f"/schools/consultations/{consultation.pk}/draft/" in page

    draft = member.get(f"{url}draft/")
    assert draft.status_code == 200
    assert b"".join(draft.streaming_content).startswith(b"%PDF")

    # No answer; "No" without reasons; costs asked and not given: every error, nothing typed lost.
    bad = member.post(url, {"can_meet_needs": "", "reasons": "", "costs": ""})
    assert bad.status_code == 400
    assert "Select whether the setting can meet the child" in bad.content.decode()
    bad = member.post(url, {"can_meet_needs": "no", "reasons": "", "costs": "About £12,000 a year"})
    body = bad.content.decode()
    assert bad.status_code == 400
    assert "govuk-error-summary" in body
    assert "Enter the reasons the setting cannot meet the child" in body
    assert "About £12,000 a year" in body
    assert 'value="no" checked' in body
    bad = member.post(url, {"can_meet_needs": "yes", "reasons": "Our resourced base", "costs": ""})
    assert "Enter the costs of meeting the child" in bad.content.decode()
    assert "Our resourced base" in bad.content.decode()
    with schema_context("oxfordshire"):
        assert Consultation.objects.get(pk=consultation.pk).is_waiting

    with sent():
        done = member.post(
            url, {"can_meet_needs": "no", "reasons": "No place in year 4", "costs": "Not applicable"}
        )
    assert done.status_code == 302
    with schema_context("oxfordshire"):
        answered = Consultation.objects.get(pk=consultation.pk)
        assert answered.status == ConsultationStatus.ANSWERED
        assert answered.can_meet_needs is False
        assert answered.reasons == "No place in year 4"
        assert answered.answered_by == world["member"]
        assert AuditEvent.objects.filter(action="consultation.answered", actor=world["member"]).exists()
    told = emails_to(world["caseworker"].email)
    assert len(told) == 1
    assert "an answer to a consultation" in told[0]
    assert world["case"].reference in told[0]
    for secret in (FIRST, LAST, *BORN_WRITTEN):
        assert secret.lower() not in told[0].lower(), secret
    # Read-only once answered; a second answer is refused and changes nothing.
    page = member.get(url).content.decode()
    assert "can no longer be changed" in page
    assert "Send answer" not in page
    again = member.post(url, {"can_meet_needs": "yes", "reasons": "", "costs": "£1"})
    assert again.status_code == 400
    assert "This consultation has been answered" in again.content.decode()
    with schema_context("oxfordshire"):
        assert Consultation.objects.get(pk=consultation.pk).can_meet_needs is False
        # The final plan's page reads the answers through the selector and the fragment.
        (shown,) = consultations_of_case(case=world["case"])
        assert shown.reasons == "No place in year 4"
    staff_page = (
        client_of(world, world["caseworker"])
        .get(f"/cases/{world['case'].reference}/consultations/")
        .content.decode()
    )
    assert "Cannot meet the child's needs" in staff_page
    assert "No place in year 4" in staff_page


def test_every_read_by_a_member_is_audited_naming_the_child(world):
    (consultation,) = consult(world)
    member = client_of(world, world["member"])
    reference = world["case"].reference
    for path, action in (
        ("/schools/consultations/", "record.listed"),
        (f"/schools/consultations/{consultation.pk}/", "record.read"),
        (f"/schools/consultations/{consultation.pk}/draft/", "document.downloaded"),
    ):
        with schema_context("oxfordshire"):
            last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        assert member.get(path).status_code == 200
        with schema_context("oxfordshire"):
            rows = list(AuditEvent.objects.filter(id__gt=last, actor=world["member"]))
        assert [(row.action, row.subject) for row in rows] == [(action, reference)], path
        assert FIRST not in str(rows[0].detail)


def test_only_members_of_the_setting_consulted_see_it_and_other_councils_never(world, councils):
    (consultation,) = consult(world)
    url = f"/schools/consultations/{consultation.pk}/"
    other = client_of(world, world["other_member"])
    assert world["case"].reference not in other.get("/schools/consultations/").content.decode()
    assert other.get(url).status_code == 404
    assert other.get(f"{url}draft/").status_code == 404
    assert other.post(url, {"can_meet_needs": "yes"}).status_code == 404
    staff = client_of(world, world["caseworker"])
    assert staff.get("/schools/consultations/").status_code == 403
    assert staff.get(url).status_code == 404
    placeless = person(Role.EDUCATION_PROFESSIONAL, "placeless")
    assert client_of(world, placeless).get("/schools/consultations/").status_code == 403
    assert host_client("oxfordshire").get(url).status_code == 302  # to sign in
    # The same member signed in at another council, even with a place there, sees nothing of this one's.
    with schema_context("nelincs"):
        MembershipFactory(user=world["member"], role=Role.EDUCATION_PROFESSIONAL)
        SettingMember.objects.create(setting=new_setting("Grimsby Primary"), user=world["member"])
    elsewhere = client_of(world, world["member"], schema="nelincs")
    assert elsewhere.get(url).status_code == 404
    assert elsewhere.get(f"{url}draft/").status_code == 404
    assert world["case"].reference not in elsewhere.get("/schools/consultations/").content.decode()
    with schema_context("oxfordshire"):
        assert Consultation.objects.get(pk=consultation.pk).is_waiting
        assert not AuditEvent.objects.filter(actor=world["other_member"], action="record.read").exists()


def test_my_account_leads_a_member_to_consultations(world):
    page = client_of(world, world["member"]).get("/account/").content.decode()
    assert 'href="/schools/consultations/"' in page
    assert (
        'href="/schools/consultations/"'
        not in client_of(world, world["caseworker"]).get("/account/").content.decode()
    )


def test_overdue_consultations_show_on_the_workspace_in_constant_queries(world, assert_queries):
    staff = client_of(world, world["caseworker"])
    (late,) = consult(world, days_ago=20)
    consult(world, world["other"])  # asked today: not overdue
    staff.get("/workspace/")
    # routing, session, configuration, identity, roles, counts by stage, new requests, consultations overdue
    with assert_queries(8):
        page = staff.get("/workspace/").content.decode()
    assert "Consultations overdue" in page
    assert f'href="/cases/{world["case"].reference}/consultations/"' in page
    assert world["preferred"].name in page
    assert world["other"].name not in page
    assert FIRST not in page
    with schema_context("oxfordshire"):
        for number in range(20):
            case, version = draft_case(world["caseworker"], first=f"Many{number}")
            consultations_send(
                case=case,
                version=version,
                settings=[world["preferred"]],
                costs_asked=False,
                by=world["caseworker"],
                requested_on=TODAY - datetime.timedelta(days=30),
            )
    with assert_queries(8):
        page = staff.get("/workspace/").content.decode()
    assert page.count('/consultations/"') >= 21


def test_the_lists_keep_their_number_of_queries_at_one_and_many(world, assert_queries):
    consult(world, costs_asked=True)
    member, staff = client_of(world, world["member"]), client_of(world, world["caseworker"])
    case_url = f"/cases/{world['case'].reference}/consultations/"
    member.get("/schools/consultations/")
    staff.get(case_url)
    # routing, session, configuration, identity, roles, setting places, consultations with their case
    # and setting, the audit rows for the children listed (one insert)
    with assert_queries(8):
        member.get("/schools/consultations/")
    # routing, session, configuration, identity, roles, case, its audit row, the issued draft, settings,
    # the family's preference, the consultations with setting, draft and who answered
    with assert_queries(11):
        staff.get(case_url)
    with schema_context("oxfordshire"):
        settings = [new_setting(f"School {n}") for n in range(15)]
        for setting in settings:
            SettingMember.objects.create(setting=setting, user=world["member"])
        consultations_send(
            case=world["case"], version=world["version"], settings=settings, costs_asked=False, by=None
        )
        for number in range(15):
            case, version = draft_case(world["caseworker"], first=f"Many{number}")
            (made,) = consultations_send(
                case=case, version=version, settings=[world["preferred"]], costs_asked=False, by=None
            )
            if number % 2:
                consultation_answer(
                    consultation=made, by=world["member"], can_meet_needs="yes", reasons="", costs=""
                )
    with assert_queries(8):
        listed = member.get("/schools/consultations/").content.decode()
    assert listed.count("/schools/consultations/") >= 31
    with assert_queries(11):
        page = staff.get(case_url).content.decode()
    assert page.count("Waiting") >= 16
