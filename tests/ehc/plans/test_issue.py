"""Issuing the plan (ehc/plans/issued/): the draft and the final through their pages and services, the
versions started from them, and what each refusal leaves (nothing). The family's pages show only issued
versions; staff reads are audited; another council's staff get 404."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent
from ehc import clock
from ehc.models import CaseDocument, CaseEvent, PlanKind, PlanStatus, PlanVersion
from ehc.plans.issued import services
from ehc.workflow import Action, Stage
from tests.conftest import host_client, sign_in
from tests.ehc.plans.issued_helpers import (
    assessed_case,
    complete_draft,
    documents_removed,
    family_client,
    rows_fill,
    staff_client,
)
from tests.factories import PlanOutcomeFactory, council_person
from tests.mail import emails_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        case = assessed_case()
        version = complete_draft(case)
    yield version
    with schema_context(oxfordshire.schema_name):
        documents_removed(version.case)


@pytest.fixture
def staff(oxfordshire):
    return staff_client(oxfordshire)


def issue_date(day: datetime.date) -> dict:
    return {"issued_on-day": str(day.day), "issued_on-month": str(day.month), "issued_on-year": str(day.year)}


def nothing_written(case, version) -> None:
    version.refresh_from_db()
    case.refresh_from_db()
    assert version.status == PlanStatus.WORKING
    assert version.issued_at is None
    assert version.document_id is None
    assert not CaseDocument.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, action=Action.ISSUE_DRAFT).exists()
    assert case.stage == Stage.ASSESSMENT


def test_the_confirmation_page_offers_today_and_issuing_does_every_step(
    draft, staff, oxfordshire, django_capture_on_commit_callbacks
):
    case = draft.case
    family, parent = family_client(oxfordshire, case)
    url = f"/cases/{case.reference}/plan/issue-draft/"
    page = staff[0].get(url).content.decode()
    today = timezone.localdate()
    assert f'name="issued_on-day" type="text" inputmode="numeric" value="{today.day}"' in page
    assert "15 days to respond" in page
    day = today - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff[0].post(url, issue_date(day))
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.reference}/plan/versions/1/"
    with schema_context(oxfordshire.schema_name):
        draft.refresh_from_db()
        case.refresh_from_db()
        assert (draft.status, draft.issued_on, draft.issued_by) == (PlanStatus.ISSUED, day, staff[1])
        assert case.stage == Stage.DRAFT_PLAN
        event = CaseEvent.objects.get(case=case, action=Action.ISSUE_DRAFT)
        assert event.happened_on == day
        document = draft.document
        assert document.description == "EHC Plan - Draft Education, Health and Care Plan (version 1)"
        assert document.document_date == day
        assert document.file.read().startswith(b"%PDF")
        assert AuditEvent.objects.filter(
            action="plan.draft_issued", subject=case.reference, actor=staff[1]
        ).exists()
    # The family: the plan in Items to view, and an email that says only that there is an update.
    items = family.get(f"/children/{case.reference}/documents/").content.decode()
    assert "EHC Plan - Draft Education, Health and Care Plan (version 1)" in items
    mail = emails_to(parent.email)[-1]
    assert case.reference in mail
    for secret in ("Amir", "Quillon", "2016"):
        assert secret not in mail
    # The family's 15 days, from the clock.
    plan = family.get(f"/children/{case.reference}/plan/").content.decode()
    until = clock.draft_response_window(served=day)[0]
    assert f"You have until {until:%-d %B %Y} to respond" in plan


def test_gaps_are_listed_as_an_error_summary_and_issuing_is_refused_leaving_nothing(
    draft, staff, oxfordshire
):
    case = draft.case
    with schema_context(oxfordshire.schema_name):
        alone = PlanOutcomeFactory(version=draft, outcome="Will ride a bike")
        PlanVersion.objects.filter(pk=draft.pk).update(views="")
    url = f"/cases/{case.reference}/plan/issue-draft/"
    page = staff[0].get(url).content.decode()
    assert "govuk-error-summary" in page
    assert "There is a problem" in page
    links = re.findall(r'<a href="([^"]+)">', page.split("govuk-error-summary__list")[1].split("</ul>")[0])
    assert [link.rsplit("#", 1)[1] for link in links] == ["section-A", f"outcome-{alone.pk}-outcome"]
    assert all(link.startswith(f"/cases/{case.reference}/") for link in links)
    assert "Will ride a bike" in page
    assert 'name="issued_on-day"' not in page  # no button while there are gaps
    refused = staff[0].post(url, issue_date(timezone.localdate()))
    assert refused.status_code == 400
    assert f"#outcome-{alone.pk}-outcome" in refused.content.decode()
    with schema_context(oxfordshire.schema_name):
        nothing_written(case, draft)


def test_a_wrong_date_is_refused_and_keeps_what_was_typed(draft, staff, oxfordshire):
    case = draft.case
    url = f"/cases/{case.reference}/plan/issue-draft/"
    future = staff[0].post(url, issue_date(timezone.localdate() + datetime.timedelta(days=3)))
    assert future.status_code == 400
    html = future.content.decode()
    assert "The date cannot be in the future" in html
    assert 'href="#issued_on-day"' in html
    half = staff[0].post(url, {"issued_on-day": "31", "issued_on-month": "2", "issued_on-year": "2026"})
    assert "Issue date must be a real date" in half.content.decode()
    assert 'value="31"' in half.content.decode()
    with schema_context(oxfordshire.schema_name):
        nothing_written(case, draft)


def test_a_failure_after_the_pdf_is_stored_leaves_no_row_and_no_file(draft, oxfordshire, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit log down")

    monkeypatch.setattr(services, "audit_record", broken)
    with schema_context(oxfordshire.schema_name):
        by = council_person("caseworker@oxfordshire.example")
        stored = []
        original = CaseDocument.file.field.storage.save

        def save(name, content, **kwargs):
            stored.append(original(name, content, **kwargs))
            return stored[-1]

        monkeypatch.setattr(CaseDocument.file.field.storage, "save", save)
        with pytest.raises(RuntimeError):
            services.plan_draft_issue(version=draft, by=by, issued_on=timezone.localdate())
        assert stored, "the PDF was stored before the failure"
        assert not CaseDocument.file.field.storage.exists(stored[0])
        nothing_written(draft.case, draft)


def test_the_services_refuse_the_wrong_stage_kind_or_an_issued_version(draft, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        by = council_person("caseworker@oxfordshire.example")
        today = timezone.localdate()
        with pytest.raises(ValidationError, match="not a final plan"):
            services.plan_final_issue(version=draft, by=by, issued_on=today)
        services.plan_draft_issue(version=draft, by=by, issued_on=today)
        with pytest.raises(ValidationError, match="already been issued"):
            services.plan_draft_issue(version=draft, by=by, issued_on=today)
        later = assessed_case(stage=Stage.DRAFT_PLAN)
        early = complete_draft(later)
        with pytest.raises(ValidationError, match="only while the case is in its assessment"):
            services.plan_draft_issue(version=early, by=by, issued_on=today)
        assert not CaseDocument.objects.filter(case=later).exists()
        documents_removed(draft.case)


def test_the_final_is_started_as_a_copy_then_issued_naming_the_school(draft, staff, oxfordshire):
    case = draft.case
    client, user = staff
    with schema_context(oxfordshire.schema_name):
        services.plan_draft_issue(version=draft, by=user, issued_on=timezone.localdate())
    assert client.post(f"/cases/{case.reference}/plan/start-final/").status_code == 302
    with schema_context(oxfordshire.schema_name):
        final = PlanVersion.objects.get(case=case, status=PlanStatus.WORKING)
        assert (final.number, final.kind, final.based_on_id) == (2, PlanKind.FINAL, draft.pk)
        assert final.views == draft.views
        assert final.nothing_in == draft.nothing_in
        for rows in ("needs", "outcomes", "provisions", "information"):
            old = list(getattr(draft, rows).all())
            new = list(getattr(final, rows).all())
            assert [r.lineage for r in new] == [r.lineage for r in old]
            assert not {r.pk for r in new} & {r.pk for r in old}
        copied = final.provisions.get()
        assert copied.outcome.version_id == final.pk
        assert copied.outcome.lineage == draft.provisions.get().outcome.lineage
        assert AuditEvent.objects.filter(action="plan.final_started", subject=case.reference).exists()
    # A second start is refused: one version is being written.
    client.post(f"/cases/{case.reference}/plan/start-final/")
    with schema_context(oxfordshire.schema_name):
        assert PlanVersion.objects.filter(case=case).count() == 2
    url = f"/cases/{case.reference}/plan/issue-final/"
    with schema_context(oxfordshire.schema_name):
        PlanVersion.objects.filter(pk=draft.pk).update(issued_on=timezone.localdate())
        PlanVersion.objects.filter(pk=final.pk).update(placement_name="Somewhere")
        with pytest.raises(ValidationError, match="cannot be before version 1 was issued"):
            services.plan_final_issue(
                version=final, by=user, issued_on=timezone.localdate() - datetime.timedelta(days=1)
            )
        PlanVersion.objects.filter(pk=final.pk).update(placement_name="")
    page = client.get(url).content.decode()
    assert "Enter the school or other institution the final plan names in section I" in page
    assert "#placement_name" in page
    assert "The family has not sent a response to the draft plan" in page
    with schema_context(oxfordshire.schema_name):
        PlanVersion.objects.filter(pk=final.pk).update(placement_name="Larkrise Primary School")
    assert client.post(url, issue_date(timezone.localdate())).status_code == 302
    with schema_context(oxfordshire.schema_name):
        final.refresh_from_db()
        case.refresh_from_db()
        assert final.status == PlanStatus.ISSUED
        assert case.stage == Stage.FINAL_PLAN
        assert final.document.description == "EHC Plan - Final Education, Health and Care Plan (version 2)"
        assert CaseEvent.objects.filter(case=case, action=Action.ISSUE_FINAL).exists()
    # An amendment starts a new draft from the final (the service the annual review will call: no page
    # offers it until an amended draft can be issued, issue 16).
    with schema_context(oxfordshire.schema_name):
        amendment = services.plan_amendment_start(case=case, by=final.issued_by)
        assert (amendment.number, amendment.kind, amendment.based_on_id) == (3, PlanKind.DRAFT, final.pk)
        assert amendment.placement_name == "Larkrise Primary School"
        documents_removed(case)


def test_the_issue_final_page_shows_the_familys_response(draft, staff, oxfordshire):
    from core.models import FormVersion
    from ehc.models import AssessmentRequest, RequestStatus

    case = draft.case
    client, user = staff
    _, parent = family_client(oxfordshire, case)
    with schema_context(oxfordshire.schema_name):
        services.plan_draft_issue(version=draft, by=user, issued_on=timezone.localdate())
        services.plan_final_start(case=case, by=user)
        version = FormVersion.objects.filter(definition__slug="parental_response").first()
        question = version.schema["pages"][0]["questions"][0]["key"]
        AssessmentRequest.objects.create(
            version=version,
            owner=parent,
            about_case=case,
            status=RequestStatus.SUBMITTED,
            reference="EHC-PRESP01",
            answers={question: "We agree with the draft, and would like Larkrise Primary."},
            submitted_at=timezone.now(),
        )
    page = client.get(f"/cases/{case.reference}/plan/issue-final/").content.decode()
    assert "We agree with the draft, and would like Larkrise Primary." in page
    assert "Parental Response &amp; Preference for DRAFT EHCP" in page
    # Issued today, the draft's 15 days are still running: the page warns before the final is issued.
    until = clock.draft_response_window(served=timezone.localdate())[0]
    assert f"The family has until {until:%-d %B %Y} to respond to the draft plan" in page
    with schema_context(oxfordshire.schema_name):
        documents_removed(case)


def test_the_issue_final_page_says_when_the_familys_days_ended(draft, staff, oxfordshire):
    case = draft.case
    client, user = staff
    served = timezone.localdate() - datetime.timedelta(days=20)
    with schema_context(oxfordshire.schema_name):
        services.plan_draft_issue(version=draft, by=user, issued_on=served)
        services.plan_final_start(case=case, by=user)
    page = client.get(f"/cases/{case.reference}/plan/issue-final/").content.decode()
    until = clock.draft_response_window(served=served)[0]
    assert f"The family had until {until:%-d %B %Y} to respond." in page
    assert "Wait for their response" not in page
    with schema_context(oxfordshire.schema_name):
        documents_removed(case)


def test_the_family_sees_issued_versions_only(draft, oxfordshire):
    case = draft.case
    family, _ = family_client(oxfordshire, case)
    empty = family.get(f"/children/{case.reference}/plan/")
    assert "No plan has been issued yet" in empty.content.decode()
    assert family.get(f"/children/{case.reference}/plan/1/").status_code == 404  # still being written
    with schema_context(oxfordshire.schema_name):
        by = council_person("caseworker@oxfordshire.example")
        services.plan_draft_issue(version=draft, by=by, issued_on=timezone.localdate())
        services.plan_final_start(case=case, by=by)
        PlanVersion.objects.filter(case=case, number=2).update(views="Words being written")
    listed = family.get(f"/children/{case.reference}/plan/").content.decode()
    assert f"/children/{case.reference}/plan/1/" in listed
    assert f"/children/{case.reference}/plan/2/" not in listed
    assert family.get(f"/children/{case.reference}/plan/2/").status_code == 404
    one = family.get(f"/children/{case.reference}/plan/1/").content.decode()
    assert "Draft Education, Health and Care Plan" in one
    assert "Section K: Advice and information" in one
    assert "Words being written" not in one
    dashboard = family.get(f"/children/{case.reference}/").content.decode()
    assert f'href="/children/{case.reference}/plan/"' in dashboard
    with schema_context(oxfordshire.schema_name):
        assert (
            not AuditEvent.objects.filter(subject=case.reference, action__startswith="record.")
            .exclude(actor__email__startswith="caseworker")
            .exists()
        )
        documents_removed(case)


def test_staff_reads_are_audited_and_other_councils_get_404(draft, staff, oxfordshire, worcestershire):
    case = draft.case
    client, user = staff
    with schema_context(oxfordshire.schema_name):
        services.plan_draft_issue(version=draft, by=user, issued_on=timezone.localdate())
    for path, name in (
        (f"/cases/{case.reference}/plan/versions/1/", "plan_version"),
        (f"/cases/{case.reference}/plan/compare/", "plan_compare"),
        (f"/cases/{case.reference}/plan/issue-draft/", None),
    ):
        with schema_context(oxfordshire.schema_name):
            last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(path)
        if name is None:  # issued already: nothing to issue, and a POST issues nothing
            assert "nothing to issue" in response.content.decode()
            assert client.post(path, {}).status_code == 400
            continue
        assert response.status_code == 200, path
        with schema_context(oxfordshire.schema_name):
            reads = AuditEvent.objects.filter(id__gt=last, actor=user, action="record.read")
            assert [(r.subject, r.detail["page"]) for r in reads] == [(case.reference, name)]
    worcs = sign_in(
        host_client("worcestershire"), council_person("caseworker@worcestershire.example"), worcestershire
    )
    for path in (
        f"/cases/{case.reference}/plan/versions/1/",
        f"/cases/{case.reference}/plan/compare/",
        f"/cases/{case.reference}/plan/issue-draft/",
        f"/children/{case.reference}/plan/",
        f"/children/{case.reference}/plan/1/",
    ):
        assert worcs.get(path).status_code == 404, path
    with schema_context(oxfordshire.schema_name):
        documents_removed(case)


@pytest.mark.parametrize("per_section", [1, 100])
def test_the_version_page_takes_the_same_queries_for_1_and_100_rows(
    per_section, oxfordshire, staff, assert_queries
):
    with schema_context(oxfordshire.schema_name):
        case = assessed_case()
        version = PlanVersion.objects.create(
            case=case,
            number=1,
            status=PlanStatus.ISSUED,
            views="Views",
            issued_on=timezone.localdate(),
            issued_at=timezone.now(),
        )
        rows_fill(version, per_section)
    client, _ = staff
    url = f"/cases/{case.reference}/plan/versions/1/"
    client.get(url)
    # routing (the council's domain), session, the council's configuration, identity, the staff member's
    # roles, the case, the audit row, the issued versions, the four kinds of rows (needs, outcomes,
    # provision, information)
    with assert_queries(12):
        html = client.get(url).content.decode()
    assert html.count("Provision F") == per_section
    family, _ = family_client(oxfordshire, case)
    family_url = f"/children/{case.reference}/plan/1/"
    family.get(family_url)
    # routing, session, the council's configuration, identity, the case with the person's access, the
    # issued versions, the four kinds of rows
    with assert_queries(10):
        assert family.get(family_url).content.decode().count("Need D") == per_section


def actions_html(case) -> str:
    from django.template.loader import render_to_string

    from ehc.plans.issued.selectors import plan_actions_context

    return render_to_string("ehc/plans/issued/_actions.html", plan_actions_context(case=case))


def test_the_plan_pages_actions_follow_the_stage(draft, oxfordshire):
    """The fragment the plan page includes: one next step at a time, as the stage allows."""
    case = draft.case
    buttons = ("Issue draft plan", "Start the final plan", "Issue final plan", "Start an amendment")

    def shown(html):
        return [label for label in buttons if label in html]

    with schema_context(oxfordshire.schema_name):
        by = council_person("caseworker@oxfordshire.example")
        assert shown(actions_html(case)) == ["Issue draft plan"]
        services.plan_draft_issue(version=draft, by=by, issued_on=timezone.localdate())
        case.refresh_from_db()
        html = actions_html(case)
        assert shown(html) == ["Start the final plan"]
        assert f"/cases/{case.reference}/plan/versions/1/" in html
        final = services.plan_final_start(case=case, by=by)
        assert shown(actions_html(case)) == ["Issue final plan"]
        PlanVersion.objects.filter(pk=final.pk).update(placement_name="Larkrise Primary School")
        final.refresh_from_db()
        services.plan_final_issue(version=final, by=by, issued_on=timezone.localdate())
        case.refresh_from_db()
        html = actions_html(case)
        assert shown(html) == []
        assert f"/cases/{case.reference}/plan/compare/" in html
        documents_removed(case)


def test_staff_download_the_issued_pdf_from_the_version_page(draft, staff, oxfordshire):
    client, user = staff
    with schema_context(oxfordshire.schema_name):
        services.plan_draft_issue(version=draft, by=user, issued_on=timezone.localdate())
        draft.refresh_from_db()
        reference = draft.case.reference
    page = client.get(f"/cases/{reference}/plan/versions/1/").content.decode()
    link = f"/cases/{reference}/documents/{draft.document_id}/"
    assert link in page
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    with schema_context(oxfordshire.schema_name):
        documents_removed(draft.case)


def test_the_family_is_told_when_the_days_to_respond_have_ended(draft, oxfordshire):
    case = draft.case
    family, _ = family_client(oxfordshire, case)
    served = case.received_on + datetime.timedelta(days=5)
    with schema_context(oxfordshire.schema_name):
        by = council_person("caseworker@oxfordshire.example")
        services.plan_draft_issue(version=draft, by=by, issued_on=served)
        documents_removed(case)
    until = clock.draft_response_window(served=served)[0]
    assert until < timezone.localdate()
    page = family.get(f"/children/{case.reference}/plan/").content.decode()
    assert f"The 15 days to respond ended on {until:%-d %B %Y}" in page
    assert "You have until" not in page
