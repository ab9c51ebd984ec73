"""Every page of a council's site, found from the URL table itself, read by a caseworker, a council admin
and a health professional (allocated to a request for advice on the case): each page that shows a
child's record leaves an audit row naming the person, the page and the child's record, in the council's
own schema. Each URL is classified below; a URL that is in none of the lists fails the test, so a new
page must be placed (and, if it reads a child's record, audited) before it can be merged."""

import datetime
import re
import uuid

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import URLPattern, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent, FormVersion
from core.roles import Role
from ehc.models import (
    AccessStatus,
    AssessmentRequest,
    Attachment,
    Case,
    CaseAccess,
    CaseEvent,
    Consultation,
    EducationSetting,
    Message,
    PlanVersion,
    RequestStatus,
    SettingMember,
)
from ehc.workflow import Action, Stage
from hub.advice.selectors import advice_template_version
from hub.advice.services import advice_allocate, advice_request_send
from hub.models import (
    AdviceAttachment,
    AdviceContribution,
    AdviceRequest,
    AdviceStatus,
    HealthTeam,
    HealthTeamMember,
)
from tests.conftest import host_client, sign_in
from tests.ehc.test_documents import PDF_BYTES, make_document
from tests.factories import MembershipFactory, UserFactory
from tests.test_staff_pages_guarded import staff_patterns

# Read by the SEND team (a caseworker and a council admin): each GET leaves a row naming the child.
STAFF_READS = {
    "requests_incoming",  # submitted requests with the children's names: one row per child listed
    "request_view",
    "request_pdf",
    "request_attachment",
    "case_list",  # one row per child shown on the page, one insert
    "case_page",
    "case_records",
    "case_allocate",
    "case_exception_add",
    "case_response",
    "case_document_publish",
    "case_document_download",
    "case_form_send",
    "case_invite",
    "case_access_verify",
    "case_access_revoke",
    "case_message_new",
    "case_message",
    "case_message_reply",
    "case_advice_view",
    "case_advice_pdf",
    "case_advice_file",
    "plan_page",
    "plan_start",  # walked with no plan started (once started it sends the caseworker to the plan)
    "plan_section",
    "plan_issue_draft",  # the plan's gaps, or the confirmation
    "plan_issue_final",  # as the draft, with the family's response
    "plan_version",
    "plan_compare",
    "case_consultations",
}
# SEND managers and council admins only (late final plans, by child): walked as the council admin.
MANAGER_READS = {"case_timeliness"}
# Read by a member of a health team: each GET leaves a row naming the child.
HEALTH_READS = {
    "hub_my_cases",  # one row per child listed
    "hub_team_cases",
    "hub_advice_case",
    "hub_advice_request",
    "hub_advice_allocate",
    "hub_advice_write",
    "hub_advice_submit",
    "hub_advice_view",
    "hub_advice_pdf",
    "hub_advice_file",
    "hub_advice_team_submit",  # a manager's confirmation page
    "hub_other_advice_view",  # another team's submitted advice on the same case
    "hub_other_advice_pdf",
    "hub_other_advice_file",
}
# Read by the council's Designated Clinical Officer (every team's advice): each GET leaves a row naming
# the child.
DCO_READS = {
    "hub_dco_cases",  # one row per child listed
    "hub_dco_advice",
    "hub_dco_advice_file",
}
# Read by a member of a school or setting consulted on the child's draft plan: each GET leaves a row.
SETTING_READS = {
    "school_consultations",  # one row per child listed
    "school_consultation",
    "school_consultation_draft",
}
# Actions that only take a POST and change the record: their guard is the same as the pages' above
# (ehc.cases.access), so they are audited as reads too, and their services audit the change.
ACTIONS = {
    "case_open": "POST only: opens a case from a submitted request (request_for_staff, audited)",
    "case_access_resend": "POST only: sends an invitation again (case_item_for_staff, audited)",
    "case_access_activate": "POST only: activates a family member's access (case_item_for_staff)",
    "family_form_start": "POST only: the family starts a form about their own child",
    "plan_bring_in": "POST only: brings a team's advice into the plan (case_for_staff, audited)",
    "plan_final_start": "POST only: starts the final plan from the draft (case_for_staff, audited)",
}
# The family's own reads of their own child's record: not audited as reads (the issue: "by anyone other
# than the family itself"); their downloads are (document.downloaded, advice.file_downloaded, ...).
# Staff and health staff get 404 here (tests/test_family_pages_guarded.py), checked below too.
FAMILY_OWN = {
    "family_dashboard",
    "family_request_details",
    "family_involvements",
    "family_documents",
    "family_document_download",
    "family_forms",
    "family_messages",
    "family_message_new",
    "family_message",
    "family_message_reply",
    "family_advice_view",
    "family_advice_file",
    "family_plan",
    "family_plan_version",
    "family_plan_compare",
}
# Not a child's record, with the reason.
NOT_RECORDS = {
    "home": "the portal's home page; a signed-in parent sees their own children's names",
    "accessibility": "a static page",
    "privacy": "a static page",
    "cookies": "a static page",
    "contact": "the council's contact details",
    "council-logo": "the council's logo, public branding",
    "my_account": "the person's own account",
    "update_account": "the person's own account",
    "request_start": "choosing a form to start: no record",
    "request_begin": "starting a form: no record yet",
    "request_check": "the owner's own draft (everyone else gets 404: ehc.requests.views._own_request)",
    "request_confirm": "the owner's own draft (everyone else gets 404)",
    "request_page": "the owner's own draft (everyone else gets 404)",
    "recover_form": "the person's own drafts",
    "submitted_forms": "the person's own submitted forms",
    "workspace": "numbers of cases by stage and due date: no child is named",
    "case_new": "choosing how to add a case: no record",
    "case_new_paper": (
        "a form for a new case; when the child may already have a case, the cases shown are audited "
        "(tests/ehc/test_case_entry.py)"
    ),
    "case_new_existing": "a form for a new case; known cases shown are audited as for case_new_paper",
    "invitations_pending": "a person's own invitations to see a child's record",
    "invitations_confirm": "a person's own invitations",
    "invitations_done": "a person's own invitations",
    "invitation_accept_link": "accepting an invitation (the link's own owner)",
    "forms_admin": "the council's form wording",
    "form_edit": "the council's form wording (a change is audited as form.published)",
    "staff_list": "the council's staff and their roles",
    "staff_invite": "inviting a member of staff",
    "staff_invitation_link": "a staff invitation's own link, for the person it was sent to",
    "staff_invitation_withdraw": "withdrawing a staff invitation (audited as staff.invitation_withdrawn)",
    "staff_member_change_role": "a member of staff's role (audited as membership.role_changed)",
    "staff_member_remove": "a member of staff's access (audited as membership.deactivated)",
    "staff_member_restore": "a member of staff's access (audited as membership.reactivated)",
    "school_members": "a setting's members, for its setting managers (an addition is audited)",
}
# Whole URL families that are not a child's record.
NOT_RECORD_PREFIXES = {
    "admin/": (
        "the council's own admin: configuration, memberships, health teams and the audit log (which "
        "names references, never a child's details); no model admin shows a case"
    ),
    "accounts/": "allauth's sign-in, password, email and two-factor pages: the person's own account",
}
# On the platform's host (config.urls_public): not in a council's table.
PLATFORM = {
    "hub_everywhere": (
        "not a read of a child's record: one list across councils of the person's own open requests "
        "for advice, by case reference, team, dates and status, never a name or content; the public "
        "schema holds no council's audit log, and the child's record is read (and audited) only on "
        "the council's own site that each row links to"
    ),
}


def council_urls() -> list[tuple[str, str]]:
    return staff_patterns(("",))


def test_every_url_is_classified():
    seen = {}
    for name, route in council_urls():
        if route.startswith(tuple(NOT_RECORD_PREFIXES)):
            continue
        seen[name] = route
    lists = [
        STAFF_READS,
        MANAGER_READS,
        HEALTH_READS,
        DCO_READS,
        SETTING_READS,
        set(ACTIONS),
        FAMILY_OWN,
        set(NOT_RECORDS),
    ]
    classified = set().union(*lists)
    assert sum(len(group) for group in lists) == len(classified), "a URL is in two lists"
    unclassified = set(seen) - classified
    assert not unclassified, (
        f"Classify these URLs (and audit them if they read a child's record): {unclassified}"
    )
    assert not classified - set(seen), f"No longer in the URL table: {classified - set(seen)}"
    public = set()

    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLPattern):
                public.add(entry.name)
            else:
                walk(entry.url_patterns)

    walk(get_resolver("config.urls_public").url_patterns)
    assert set(PLATFORM) <= public


def person(role, *, name: str):
    user = UserFactory(email=f"walk-{name}-{uuid.uuid4().hex[:8]}@example.com", first_name="Walk")
    MembershipFactory(user=user, role=role)
    return user


def _stored(model, content=PDF_BYTES, **fields):
    item = model(
        original_name="letter.pdf",
        extension="pdf",
        size=len(content),
        content_type="application/pdf",
        sha256=uuid.uuid4().hex * 2,
        **fields,
    )
    item.file.save("letter.pdf", ContentFile(content), save=True)
    return item


@pytest.fixture
def world(councils):
    """In North East Lincolnshire: a child's case from a submitted request, with a document, a message
    from the family, a form the family sent back, an invitation, a team writing advice (allocated to
    the health professional, who also manages the team) and another team's submitted advice; and a
    late final plan for the timeliness list."""
    cache.clear()
    council = councils["nelincs"]
    with schema_context("nelincs"):
        caseworker = person(Role.CASEWORKER, name="caseworker")
        admin = person(Role.COUNCIL_ADMIN, name="admin")
        health = person(Role.HEALTH_PROFESSIONAL, name="health")
        dco = person(Role.DESIGNATED_CLINICAL_OFFICER, name="dco")
        school = person(Role.EDUCATION_PROFESSIONAL, name="school")
        parent = person(Role.PARENT, name="parent")
        version = FormVersion.objects.filter(definition__slug="parent").first()
        submitted = AssessmentRequest.objects.create(
            version=version,
            owner=parent,
            status=RequestStatus.SUBMITTED,
            reference=f"EHC-W{uuid.uuid4().hex[:7].upper()}",
            answers={"first_name": "Walter", "last_name": "Walked"},
            submitted_at=timezone.now(),
        )
        attachment = _stored(Attachment, request=submitted)
        case = Case.objects.create(
            reference=f"CASE-W{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Walter",
            child_last_name="Walked",
            received_on=timezone.localdate() - datetime.timedelta(days=30),
            stage=Stage.ASSESSMENT,
            request=submitted,
        )
        CaseAccess.objects.create(case=case, user=parent, email=parent.email, status=AccessStatus.ACTIVE)
        invited = CaseAccess.objects.create(
            case=case, email=f"invited-{uuid.uuid4().hex[:6]}@example.com", status=AccessStatus.INVITED
        )
        document = make_document(case, description="Walked letter", published_at=timezone.now())
        message = Message.objects.create(
            case=case, message_type="General", subject="Walk", body="Hello", sender=parent, from_team=False
        )
        form = AssessmentRequest.objects.create(
            version=version,
            owner=parent,
            status=RequestStatus.SUBMITTED,
            reference=f"EHC-F{uuid.uuid4().hex[:7].upper()}",
            about_case=case,
            submitted_at=timezone.now(),
        )
        team, other_team = (
            HealthTeam.objects.create(name=f"Walk {n} {uuid.uuid4().hex[:6]}", email=f"{n}@example.com")
            for n in ("team", "other")
        )
        HealthTeamMember.objects.create(team=team, user=health, is_manager=True)
        writing = advice_request_send(case=case, team=team, by=caseworker, requested_on=timezone.localdate())
        advice_allocate(advice=writing, member=health, by=health)
        writing_file = _stored(
            AdviceAttachment, advice_request=writing, contribution=writing.contributions.get()
        )
        answered = advice_request_send(
            case=case, team=other_team, by=caseworker, requested_on=timezone.localdate()
        )
        AdviceRequest.objects.filter(pk=answered.pk).update(
            status=AdviceStatus.SUBMITTED, submitted_at=timezone.now()
        )
        answered_part = AdviceContribution.objects.create(
            advice_request=answered,
            professional=None,
            added_at=timezone.now(),
            version=advice_template_version(),
            done_at=timezone.now(),
        )
        answered_file = _stored(AdviceAttachment, advice_request=answered, contribution=answered_part)
        # The draft plan issued, and a school consulted on it (its member reads and downloads it).
        draft = PlanVersion.objects.create(
            case=case,
            number=1,
            status="issued",
            issued_on=timezone.localdate(),
            issued_at=timezone.now(),
            document=document,
            views="Walked views",
        )
        setting = EducationSetting.objects.create(
            name=f"Walk school {uuid.uuid4().hex[:6]}", kind="mainstream", urn="100001", email="s@example.com"
        )
        SettingMember.objects.create(setting=setting, user=school, is_manager=True)
        consultation = Consultation.objects.create(
            case=case,
            plan_version=draft,
            setting=setting,
            requested_on=timezone.localdate(),
            due_on=timezone.localdate(),
        )
        late = Case.objects.create(
            reference=f"CASE-L{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Late",
            child_last_name="Plan",
            received_on=datetime.date(2026, 1, 5),
            stage=Stage.FINAL_PLAN,
        )
        CaseEvent.objects.create(
            case=late,
            action=Action.ISSUE_FINAL,
            stage_from=Stage.DRAFT_PLAN,
            stage_to=Stage.FINAL_PLAN,
            happened_on=datetime.date(2026, 9, 1),
        )
        # The plan: version 1 the issued draft (above), version 2 being written.
        PlanVersion.objects.create(case=case, number=2, views="Walked views")
    arguments = {
        "reference": case.reference,
        "requests_incoming": {},
        "request": {"pk": submitted.pk, "file_id": attachment.pk},
        "case_document_download": {"pk": document.pk},
        "case_access_verify": {"pk": invited.pk},
        "case_access_revoke": {"pk": invited.pk},
        "case_message": {"pk": message.pk},
        "case_message_reply": {"pk": message.pk},
        "case_advice": {"pk": answered.pk, "file_id": answered_file.pk},
        "hub": {"pk": writing.pk, "file_id": writing_file.pk},
        "hub_other": {"pk": writing.pk, "other_pk": answered.pk, "file_id": answered_file.pk},
        "plan_section": {"section": "B"},
        "plan_version": {"number": 1},
        "school": {"pk": consultation.pk},
    }
    return {
        "council": council,
        "case": case,
        "late": late,
        "form": form,
        "submitted": submitted,
        "people": {
            "caseworker": caseworker,
            "admin": admin,
            "health": health,
            "dco": dco,
            "school": school,
        },
        "arguments": arguments,
    }


def _path(route: str, name: str, arguments: dict) -> str:
    if name.startswith("request_"):
        values = arguments["request"]
    elif name.startswith(("case_advice", "hub_dco_")):  # the DCO reads the submitted advice and letter
        values = arguments["case_advice"]
    elif name.startswith("hub_other_"):
        values = arguments["hub_other"]
    elif name.startswith("hub_"):
        values = arguments["hub"]
    elif name.startswith("school_"):
        values = arguments["school"]
    else:
        values = arguments.get(name, {})
    path = route.replace("<str:reference>", arguments["reference"])
    return "/" + re.sub(r"<\w+:(\w+)>", lambda m: str(values[m.group(1)]), path)


def _subjects_expected(name: str, world) -> set[str]:
    if name == "case_timeliness":
        return {world["late"].reference}
    # A request that became a case is named by the child's case, wherever it is read.
    return {world["case"].reference}


WALKS = [
    *((name, "caseworker") for name in sorted(STAFF_READS)),
    *((name, "admin") for name in sorted(STAFF_READS | MANAGER_READS)),
    *((name, "health") for name in sorted(HEALTH_READS)),
    *((name, "dco") for name in sorted(DCO_READS)),
    *((name, "school") for name in sorted(SETTING_READS)),
]


@pytest.mark.parametrize(("name", "who"), WALKS, ids=[f"{who}-{name}" for name, who in WALKS])
def test_each_read_of_a_childs_record_leaves_an_audit_row(name, who, world):
    routes = dict(council_urls())
    user = world["people"][who]
    client = sign_in(host_client("nelincs"), user, world["council"])
    path = _path(routes[name], name, world["arguments"])
    if name == "case_timeliness":
        path += "?year=2026"
    if name == "plan_start":  # the start page is for a case whose plan is not started
        with schema_context("nelincs"):
            Consultation.objects.filter(case=world["case"]).delete()
            PlanVersion.objects.filter(case=world["case"]).delete()
    if name in {"case_list", "hub_dco_cases"}:  # other tests' cases may fill the first page: search
        path += f"?q={world['case'].reference}"
    with schema_context("nelincs"):
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    with schema_context("nelincs"):
        rows = list(AuditEvent.objects.filter(id__gt=last, actor=user))
    reads = [row for row in rows if row.detail.get("page") == name]
    assert reads, f"{path} read a child's record and wrote no audit row"
    assert _subjects_expected(name, world) <= {row.subject for row in reads}, (path, rows)
    for row in rows:
        assert "Walter" not in str(row.detail)
        assert "Walked" not in str(row.detail)


@pytest.mark.parametrize("name", sorted(FAMILY_OWN - {"family_form_start"}))
def test_the_familys_pages_are_not_open_to_staff_or_health_and_leave_no_read(name, world):
    routes = dict(council_urls())
    path = _path(routes[name], name, {**world["arguments"], name: {"pk": 1, "file_id": 1, "number": 1}})
    for who in ("caseworker", "health"):
        user = world["people"][who]
        client = sign_in(host_client("nelincs"), user, world["council"])
        assert client.get(path).status_code == 404, path
        with schema_context("nelincs"):
            assert not AuditEvent.objects.filter(actor=user, action__startswith="record.").exists()


def test_a_draft_form_sent_to_the_family_is_not_read_by_staff(world):
    """A form the SEND team sent is the family's until they send it back: 404 and no read."""
    with schema_context("nelincs"):
        AssessmentRequest.objects.filter(pk=world["form"].pk).update(status=RequestStatus.DRAFT)
    staff = sign_in(host_client("nelincs"), world["people"]["caseworker"], world["council"])
    assert staff.get(f"/forms/{world['form'].pk}/view/").status_code == 404
    assert staff.get(f"/forms/{world['form'].pk}/pdf/").status_code == 404
    with schema_context("nelincs"):
        assert not AuditEvent.objects.filter(
            actor=world["people"]["caseworker"], action__startswith="record."
        ).exists()


def test_advice_being_written_is_not_read_by_the_send_team(world):
    """The team's advice is the writer's until they submit it: the SEND team gets 404 for it, its PDF and
    its clinic letters, as for advice that does not exist (the manager of the team still reads it)."""
    writing = world["arguments"]["hub"]
    with schema_context("nelincs"):
        AdviceContribution.objects.filter(advice_request=writing["pk"]).update(
            version=advice_template_version(), answers={"health_needs": "Draft words"}
        )
    reference = world["case"].reference
    for who in ("caseworker", "admin"):
        staff = sign_in(host_client("nelincs"), world["people"][who], world["council"])
        base = f"/cases/{reference}/advice/{writing['pk']}/"
        assert staff.get(base).status_code == 404
        assert staff.get(base + "pdf/").status_code == 404
        assert staff.get(base + f"files/{writing['file_id']}/").status_code == 404
        with schema_context("nelincs"):
            assert not AuditEvent.objects.filter(
                actor=world["people"][who],
                action__in=["record.read", "advice.pdf", "advice.file_downloaded"],
            ).exists()
    health = sign_in(host_client("nelincs"), world["people"]["health"], world["council"])
    assert health.get(f"/health/advice/{writing['pk']}/view/").status_code == 200
