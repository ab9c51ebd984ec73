"""Requesting an EHC needs assessment: start, fill in, save, recover, check, submit; the SEND team's list."""

import datetime
import subprocess

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent, FormDefinition
from core.roles import Role
from ehc.definitions.services import form_version_publish
from ehc.models import AssessmentRequest
from ehc.requests.services import drafts_purge
from tenants.configuration.models import CouncilConfiguration
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory, council_person
from tests.mail import emails_to

PAGES = {
    "application": {"request_statements": "parent"},
    "contents": {},
    "part1": {
        "on_behalf_of": "someone_else",
        "relationship": "Mother",
        "first_name": "Poppy",
        "last_name": "Field",
        "date_of_birth-day": "3",
        "date_of_birth-month": "3",
        "date_of_birth-year": "2018",
        "parent1_name": "Rose Field",
    },
    "part2": {"views_child": "Poppy loves drawing and wants to be a vet."},
    "part3": {
        "needs-rows": "1",
        "needs-0-information": "Speech and language",
        "needs-0-date": "13-07-2025",
        "needs-0-document": "SALT report.pdf",
    },
    "part4": {
        "health_support-rows": "1",
        "health_support-0-details": "Speech therapy weekly",
        "social_care_support-rows": "1",
    },
    "part5": {"additional": "None."},
    "part6": {
        "consent": "confirmed",
        "consent_name": "Rose Field",
        "consent_date-day": "1",
        "consent_date-month": "11",
        "consent_date-year": "2026",
        "preferred_contact": "portal",
    },
    "part10": {},
}


@pytest.fixture
def parent(oxfordshire):
    cache.clear()
    user = UserFactory(email="requesting.parent@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
    return sign_in(host_client("oxfordshire"), user, oxfordshire), user


def begin(client, slug="parent") -> AssessmentRequest:
    response = client.post(f"/ehc-needs-assessment/{slug}/")
    assert response.status_code == 302
    pk = int(response["Location"].split("/")[2])
    with schema_context("oxfordshire"):
        return AssessmentRequest.objects.get(pk=pk)


def fill(client, draft, pages=PAGES):
    for key, data in pages.items():
        response = client.post(f"/forms/{draft.pk}/{key}/", {**data, "action": "next"})
        assert response.status_code == 302, (key, response.content.decode()[:3000])
    return response


def test_start_page_offers_the_councils_variants(db):
    oxon = host_client("oxfordshire").get("/ehc-needs-assessment/").content.decode()
    for name in (
        "Parents/Young Person",
        "Early Years",
        "Primary School",
        "Secondary School/Further Education",
    ):
        assert name in oxon
    assert "In order to progress with this form you must either" in oxon
    herts = host_client("hertfordshire").get("/ehc-needs-assessment/").content.decode()
    assert "Parents/Young Person EHCNA Application Form" in herts
    assert "Primary School EHCNA Application Form" not in herts


def test_a_disabled_variant_cannot_be_started(db):
    herts = host_client("hertfordshire")
    user = UserFactory(email="herts.requester@example.com")
    with schema_context("hertfordshire"):
        MembershipFactory(user=user, role=Role.PARENT)
    from tenants.models import Council

    sign_in(herts, user, Council.objects.get(schema_name="hertfordshire"))
    assert herts.post("/ehc-needs-assessment/primary/").status_code == 404


def test_not_signed_in_goes_to_sign_in_and_back(db):
    response = host_client("oxfordshire").post("/ehc-needs-assessment/", {"form": "parent"})
    assert response["Location"] == "/ehc-needs-assessment/parent/"
    assert host_client("oxfordshire").get("/ehc-needs-assessment/parent/")["Location"] == (
        "/accounts/login/?next=/ehc-needs-assessment/parent/"
    )


def test_next_is_refused_until_the_pages_required_answers_are_given(parent):
    client, _ = parent
    draft = begin(client)
    response = client.post(f"/forms/{draft.pk}/part1/", {"first_name": "Poppy", "action": "next"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Part 1: Personal Details" in html
    assert '<a href="#on_behalf_of">Select who you are completing this form on behalf of</a>' in html
    assert 'value="Poppy"' in html  # nothing typed is lost
    draft.refresh_from_db()
    assert draft.answers["first_name"] == "Poppy"  # and it is saved in the draft


def test_save_for_later_and_recover(parent):
    client, _ = parent
    draft = begin(client)
    client.post(f"/forms/{draft.pk}/part1/", {"first_name": "Half", "last_name": "Done", "action": "save"})
    recover = client.get("/account/recover-a-form/").content.decode()
    assert "Half Done" in recover
    assert f"/forms/{draft.pk}/application/" in recover
    page = client.get(f"/forms/{draft.pk}/part1/").content.decode()
    assert 'value="Half"' in page


@pytest.mark.parametrize("number", ["abc", "", "²", "1.5", "9" * 30, "-1"])
def test_deleting_a_form_by_a_number_that_is_not_one_answers_404_and_deletes_nothing(parent, number):
    client, _ = parent
    draft = begin(client)
    assert client.post("/account/recover-a-form/", {"delete": number}).status_code == 404
    with schema_context("oxfordshire"):
        assert AssessmentRequest.objects.filter(pk=draft.pk).exists()
    deleted = client.post("/account/recover-a-form/", {"delete": str(draft.pk)})
    assert deleted.status_code == 302
    with schema_context("oxfordshire"):
        assert not AssessmentRequest.objects.filter(pk=draft.pk).exists()


def test_table_rows_are_added_and_removed_without_javascript(parent):
    client, _ = parent
    draft = begin(client)
    added = client.post(
        f"/forms/{draft.pk}/part4/",
        {
            "health_support-rows": "1",
            "health_support-0-details": "Physio",
            "social_care_support-rows": "1",
            "action": "add_row:health_support",
        },
    ).content.decode()
    assert 'name="health_support-1-details"' in added
    assert 'value="Physio"' in added
    removed = client.post(
        f"/forms/{draft.pk}/part4/",
        {
            "health_support-rows": "2",
            "health_support-0-details": "Physio",
            "health_support-1-details": "OT",
            "social_care_support-rows": "1",
            "action": "remove_row:health_support:0",
        },
    ).content.decode()
    assert 'value="OT"' in removed
    assert 'value="Physio"' not in removed


def test_full_request_submitted_listed_and_read_only(parent, oxfordshire, django_capture_on_commit_callbacks):
    client, user = parent
    draft = begin(client)
    last = fill(client, draft)
    assert last["Location"] == f"/forms/{draft.pk}/check-answers/"
    check = client.get(last["Location"]).content.decode()
    assert "Check your answers before submitting your form" in check
    assert "Poppy" in check
    assert "Speech and language" in check
    assert "you will not be able to amend the form after submitting" in check

    unconfirmed = client.post(f"/forms/{draft.pk}/check-answers/", {})
    assert "Confirm that you want to submit the form" in unconfirmed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(f"/forms/{draft.pk}/check-answers/", {"confirm": "yes"})
    assert submitted["Location"] == "/account/submitted-forms/"

    listing = client.get("/account/submitted-forms/").content.decode()
    assert "Recently Submitted Forms (Last 30 Days)" in listing
    assert "Poppy Field" in listing
    assert "No response posted" in listing

    draft.refresh_from_db()
    assert draft.reference.startswith("EHC-")
    acknowledgement = emails_to(user.email)[-1]
    assert draft.reference in acknowledgement
    assert "Poppy" not in acknowledgement  # says what, never who
    assert "Field" not in acknowledgement

    # Read-only now: pages redirect to the view, and a write is refused.
    assert client.get(f"/forms/{draft.pk}/part1/")["Location"] == f"/forms/{draft.pk}/view/"
    client.post(f"/forms/{draft.pk}/part1/", {"first_name": "Changed", "action": "next"})
    draft.refresh_from_db()
    assert draft.answers["first_name"] == "Poppy"
    with schema_context(oxfordshire.schema_name):
        assert AuditEvent.objects.filter(action="request.submitted", actor=user).exists()


def test_the_send_team_sees_incoming_requests(parent, oxfordshire, assert_queries):
    client, _ = parent
    drafts = []
    for _ in range(2):
        draft = begin(client)
        fill(client, draft)
        client.post(f"/forms/{draft.pk}/check-answers/", {"confirm": "yes"})
        draft.refresh_from_db()
        drafts.append(draft)
    caseworker = council_person("caseworker@oxfordshire.example")
    staff = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
    staff.get("/requests/")
    # routing, session, identity, staff check, configuration, requests with forms and requesters, and
    # the audit rows for the children listed (one insert)
    with assert_queries(7):
        html = staff.get("/requests/").content.decode()
    for submitted in drafts:  # (browser tests may have committed other requests: look for these two)
        assert f">{submitted.reference}</a>" in html
    assert staff.get(f"/forms/{draft.pk}/view/").status_code == 200
    assert client.get("/requests/").status_code == 403  # a parent is not the SEND team


def test_someone_elses_form_is_not_found(parent, oxfordshire):
    client, _ = parent
    draft = begin(client)
    other = UserFactory(email="nosy.parent@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=other, role=Role.PARENT)
    nosy = sign_in(host_client("oxfordshire"), other, oxfordshire)
    assert nosy.get(f"/forms/{draft.pk}/part1/").status_code == 404
    assert nosy.get(f"/forms/{draft.pk}/view/").status_code == 404


def test_new_wording_leaves_a_submitted_request_as_it_was(parent, oxfordshire):
    client, _ = parent
    draft = begin(client)
    fill(client, draft)
    client.post(f"/forms/{draft.pk}/check-answers/", {"confirm": "yes"})
    with schema_context(oxfordshire.schema_name):
        definition = FormDefinition.objects.get(slug="parent")
        schema = definition.versions.first().schema
        new = {**schema, "pages": [dict(p) for p in schema["pages"]]}
        part2 = next(p for p in new["pages"] if p["key"] == "part2")
        part2["questions"] = [
            {**q, "label": "What does your child enjoy?"} if q["key"] == "views_child" else q
            for q in part2["questions"]
        ]
        version = form_version_publish(definition=definition, schema=new, by=None)
        assert version.number == 2
    old = client.get(f"/forms/{draft.pk}/view/").content.decode()
    assert "Views of the child or young person" in old
    assert "What does your child enjoy?" not in old
    fresh = begin(client)
    assert "What does your child enjoy?" in client.get(f"/forms/{fresh.pk}/part2/").content.decode()


def test_drafts_are_purged_after_30_days(parent, oxfordshire):
    client, _ = parent
    old, recent = begin(client), begin(client)
    now = timezone.now()
    with schema_context(oxfordshire.schema_name):
        AssessmentRequest.objects.filter(pk=old.pk).update(updated_at=now - datetime.timedelta(days=31))
        AssessmentRequest.objects.filter(pk=recent.pk).update(updated_at=now - datetime.timedelta(days=29))
        assert drafts_purge(now=now) == 1
        assert not AssessmentRequest.objects.filter(pk=old.pk).exists()
        assert AssessmentRequest.objects.filter(pk=recent.pk).exists()


def test_a_school_variant_is_submitted_by_a_professional(oxfordshire, django_capture_on_commit_callbacks):
    cache.clear()
    senco = UserFactory(email="senco.requests@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=senco, role=Role.EDUCATION_PROFESSIONAL)
    client = sign_in(host_client("oxfordshire"), senco, oxfordshire)
    draft = begin(client, "primary")
    pages = {
        **PAGES,
        "application": {"request_statements": "professional", "setting_name": "Cherwell Primary"},
        "part1": {**PAGES["part1"], "on_behalf_of": "professional", "relationship": "SENCo"},
        "part3": {
            **PAGES["part3"],
            "evidence_school_report": "Report, July 2026, Class teacher",
            "evidence_needs": "Assessment summary, June 2026, SENCo",
            "evidence_pupil_profile": "Pupil profile with reviews Oct, Feb, Jun",
        },
    }
    bad = client.post(f"/forms/{draft.pk}/part3/", {**PAGES["part3"], "action": "next"}).content.decode()
    assert "Enter the document for: School report including child" in bad
    fill(client, draft, pages)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/forms/{draft.pk}/check-answers/", {"confirm": "yes"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert draft.version.definition.slug == "primary"


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "request.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def test_create_pdf_holds_every_answer(parent, tmp_path):
    client, _ = parent
    draft = begin(client)
    fill(client, draft)
    response = client.get(f"/forms/{draft.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for answer in (
        "Poppy",
        "Field",
        "Mother",
        "3 March 2018",
        "Rose Field",
        "Poppy loves drawing and wants to be a vet.",
        "Speech and language",
        "13-07-2025",
        "SALT report.pdf",
        "Speech therapy weekly",
        "Portal",
        "Oxfordshire County Council",
        "Page 1 of",
    ):
        assert answer in text, answer


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_uploads_are_checked_listed_and_removable(parent, tmp_path):
    client, _ = parent
    draft = begin(client)
    page = f"/forms/{draft.pk}/part10/"
    ok = client.post(page, {"action": "upload", "documents": SimpleUploadedFile("report.pdf", PDF_BYTES)})
    assert "report.pdf" in ok.content.decode()
    refused = client.post(
        page, {"action": "upload", "documents": SimpleUploadedFile("notes.rtf", b"{\\rtf1 hi}")}
    )
    html = refused.content.decode()
    assert "[rtf] is not an accepted extension. Accepted extensions: doc, docx, pdf, jpg, jpeg, png" in html
    assert "There is a problem" in html
    assert "report.pdf" in html  # what was already attached is still there
    renamed = client.post(
        page, {"action": "upload", "documents": SimpleUploadedFile("tool.pdf", b"MZ\x90\x00" * 64)}
    )
    assert "The selected file&#x27;s content does not match its .pdf extension" in renamed.content.decode()
    with schema_context("oxfordshire"):  # a council that accepts text files: the EICAR test file is one
        CouncilConfiguration.objects.filter(pk=1).update(upload_types=["pdf", "txt"])
    eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    virus = client.post(page, {"action": "upload", "documents": SimpleUploadedFile("eicar.txt", eicar)})
    assert "The selected file contains a virus" in virus.content.decode()
    draft.refresh_from_db()
    with schema_context("oxfordshire"):
        attachments = list(draft.attachments.all())
    assert [a.original_name for a in attachments] == ["report.pdf"]
    assert attachments[0].file.name.startswith(f"oxfordshire/requests/{draft.pk}/")
    removed = client.post(page, {"action": f"remove_file:{attachments[0].pk}"})
    assert "report.pdf" not in removed.content.decode()
    with schema_context("oxfordshire"):  # removing a file is audited like attaching one
        gone = AuditEvent.objects.get(action="request.file_removed", target_id=str(draft.pk))
    assert gone.detail == {"file": attachments[0].pk, "size": attachments[0].size, "type": "pdf"}
    assert gone.actor.email == "requesting.parent@example.com"


def test_the_scheduled_task_purges_old_drafts_in_every_council(parent, oxfordshire):
    from ehc.tasks import drafts_purge_everywhere

    client, _ = parent
    old = begin(client)
    with schema_context(oxfordshire.schema_name):
        AssessmentRequest.objects.filter(pk=old.pk).update(
            updated_at=timezone.now() - datetime.timedelta(days=31)
        )
    results = drafts_purge_everywhere.delay().get()
    assert results["oxfordshire"] == 1
    assert set(results) == {"oxfordshire", "worcestershire", "hertfordshire", "nelincs"}
    with schema_context(oxfordshire.schema_name):
        assert not AssessmentRequest.objects.filter(pk=old.pk).exists()


def test_a_supporting_document_is_served_only_to_its_uploader_and_staff(parent, oxfordshire):
    client, _ = parent
    draft = begin(client)
    client.post(
        f"/forms/{draft.pk}/part10/",
        {"action": "upload", "documents": SimpleUploadedFile("r.pdf", PDF_BYTES)},
    )
    with schema_context(oxfordshire.schema_name):
        document = draft.attachments.get()
    url = f"/forms/{draft.pk}/files/{document.pk}/"
    own = client.get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF_BYTES
    assert own["Content-Disposition"].startswith("attachment;")

    other = UserFactory(email="other.parent.files@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=other, role=Role.PARENT)
    assert sign_in(host_client("oxfordshire"), other, oxfordshire).get(url).status_code == 404
    caseworker = council_person("caseworker@oxfordshire.example")
    staff = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
    assert staff.get(url).status_code == 404  # a draft's files are the family's until they submit
    fill(client, draft)
    client.post(f"/forms/{draft.pk}/check-answers/", {"confirm": "yes"})
    assert staff.get(url).status_code == 200
    worcs_admin = council_person("admin@worcestershire.example")
    from tenants.models import Council

    worcs = sign_in(
        host_client("worcestershire"), worcs_admin, Council.objects.get(schema_name="worcestershire")
    )
    assert worcs.get(url).status_code == 404  # another council's host has no such request
    with schema_context(oxfordshire.schema_name):
        assert AuditEvent.objects.filter(action="request.file_downloaded").count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "big.pdf",
            b"%PDF-1.4\n" + bytes(15 * 1024 * 1024 + 1 - 9),
            "The selected file must be smaller than 15MB",
        ),
        (
            "report.docx",
            None,  # a zip bomb, built below
            "The selected file could not be checked, so it was not accepted",
        ),
    ],
)
def test_oversized_files_and_zip_bombs_are_refused_and_nothing_else_is_lost(
    parent, oxfordshire, name, content, message
):
    from tests.core.test_uploads import MB, make_docx  # noqa: PLC0415

    client, _ = parent
    draft = begin(client)
    client.post(
        f"/forms/{draft.pk}/part10/",
        {"action": "upload", "documents": SimpleUploadedFile("r.pdf", PDF_BYTES)},
    )
    client.post(f"/forms/{draft.pk}/part5/", {"additional": "Kept", "action": "save"})
    if content is None:
        content = make_docx(extra={"word/media/zeros.bin": 200 * MB})
    html = client.post(
        f"/forms/{draft.pk}/part10/", {"action": "upload", "documents": SimpleUploadedFile(name, content)}
    )
    html = html.content.decode()
    assert message.replace("'", "&#x27;") in html
    with schema_context(oxfordshire.schema_name):
        assert [a.original_name for a in draft.attachments.all()] == ["r.pdf"]  # nothing stored, nothing lost
        draft.refresh_from_db()
        assert draft.answers["additional"] == "Kept"


def test_staff_cannot_read_a_draft_until_it_is_submitted_and_then_each_read_is_audited(parent, oxfordshire):
    """A request being written (its page, its PDF, opening a case from it) is the family's: the SEND team
    gets 404, as for a request that does not exist, until it is submitted; every read after that
    leaves an audit row naming the request, and the family's own reads do not."""
    client, _ = parent
    draft = begin(client)
    fill(client, draft)
    caseworker = council_person("caseworker@oxfordshire.example")
    staff = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
    with schema_context(oxfordshire.schema_name):  # browser tests may have committed rows of their own
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert staff.get(f"/forms/{draft.pk}/view/").status_code == 404
    assert staff.get(f"/forms/{draft.pk}/pdf/").status_code == 404
    assert staff.post(f"/requests/{draft.pk}/open-case/").status_code == 404
    assert client.get(f"/forms/{draft.pk}/view/").status_code == 200  # the family's own
    with schema_context(oxfordshire.schema_name):
        assert not AuditEvent.objects.filter(id__gt=last, action="record.read", actor=caseworker).exists()

    client.post(f"/forms/{draft.pk}/check-answers/", {"confirm": "yes"})
    draft.refresh_from_db()
    with schema_context(oxfordshire.schema_name):
        before = AuditEvent.objects.count()
    assert client.get(f"/forms/{draft.pk}/view/").status_code == 200
    with schema_context(oxfordshire.schema_name):
        assert AuditEvent.objects.count() == before  # the family's own read is not audited as a read
    page = staff.get(f"/forms/{draft.pk}/view/")
    assert page.status_code == 200
    assert "Poppy" in page.content.decode()
    assert staff.get(f"/forms/{draft.pk}/pdf/").status_code == 200
    with schema_context(oxfordshire.schema_name):
        reads = AuditEvent.objects.filter(
            id__gt=last, action="record.read", actor=caseworker, subject=draft.reference
        )
        assert sorted(row.detail["page"] for row in reads) == ["request_pdf", "request_view"]
        assert all(row.target_id == str(draft.pk) for row in reads)
        assert "Poppy" not in str([row.detail for row in reads])
