"""Items to view: the SEND team publishes a document to the family from the case page; the family lists
and downloads it; every download is audited; nobody else gets it, by URL or by a guessed number."""

import datetime
import re
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.roles import Role
from ehc.models import AccessStatus, CaseAccess, CaseDocument
from tenants.configuration.models import CouncilConfiguration
from tests.conftest import host_client, sign_in
from tests.factories import CaseFactory, MembershipFactory, UserFactory, council_person
from tests.mail import emails_to

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
DATE = {"document_date-day": "14", "document_date-month": "1", "document_date-year": "2026"}


_STARTED = {}


@pytest.fixture(autouse=True)
def _test_started():
    """Audit rows are counted from this test's start: browser tests commit rows of their own."""
    _STARTED["at"] = timezone.now()


def this_tests_audit():
    return AuditEvent.objects.filter(at__gte=_STARTED["at"])


def unique_email(name: str) -> str:
    # Emails are files under var/mail-test that outlive a test run: each test reads only its own.
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


@pytest.fixture(autouse=True)
def _files_removed(oxfordshire):
    """The database goes back after each test, files in storage do not: remove the ones stored here."""
    yield
    with schema_context(oxfordshire.schema_name):
        for document in CaseDocument.objects.filter(case__created_at__gte=_STARTED["at"]):
            if document.file.name and default_storage.exists(document.file.name):
                document.file.delete(save=False)


def make_document(case, *, description: str, published_at, content: bytes = PDF_BYTES, name="plan.pdf"):
    document = CaseDocument(
        case=case,
        description=description,
        document_date=datetime.date(2026, 1, 14),
        original_name=name,
        extension=name.rsplit(".", 1)[1],
        size=len(content),
        content_type="application/pdf",
        sha256=uuid.uuid4().hex * 2,
        published_at=published_at,
    )
    document.file.save(name, ContentFile(content), save=True)
    return document


def family_member(council, case, *, name="parent", status=AccessStatus.ACTIVE):
    """A parent of the council with access to ``case`` in the given state, signed in."""
    user = UserFactory(email=unique_email(name))
    with schema_context(council.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
        if case is not None:
            CaseAccess.objects.create(case=case, user=user, email=user.email, status=status)
    return sign_in(host_client(council.schema_name), user, council), user


@pytest.fixture
def staff(oxfordshire):
    cache.clear()
    user = council_person("caseworker@oxfordshire.example")
    return sign_in(host_client("oxfordshire"), user, oxfordshire)


@pytest.fixture
def case(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        return CaseFactory(
            child_first_name="Poppy", child_last_name="Quillfeather", received_on=datetime.date(2025, 9, 1)
        )


def publish_url(case) -> str:
    return f"/cases/{case.reference}/documents/publish/"


def publish(client, case, *, file, description="EHC Plan - Final", date=DATE):
    data = {"description": description, **date}
    if file is not None:
        data["file"] = file
    return client.post(publish_url(case), data)


def stored_files(case) -> list[str]:
    folder = Path(default_storage.path(f"oxfordshire/cases/{case.pk}"))
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_publishing_stores_the_file_audits_it_and_emails_each_active_family_member(
    staff, oxfordshire, case, django_capture_on_commit_callbacks
):
    people = {
        status: family_member(oxfordshire, case, name=f"doc-{status}", status=status)[1]
        for status in AccessStatus.values
    }
    second_parent = family_member(oxfordshire, case, name="doc-second")[1]
    with schema_context(oxfordshire.schema_name):  # an invitation to an address with no account yet
        CaseAccess.objects.create(case=case, email=unique_email("doc-nouser"), status=AccessStatus.INVITED)

    page = staff.get(f"/cases/{case.reference}/").content.decode()
    assert "Documents published to the family" in page
    assert "No documents have been published to the family." in page
    assert f'href="{publish_url(case)}"' in page
    form = staff.get(publish_url(case)).content.decode()
    assert "2 people have access to this case on the portal" in form  # the two active ones

    with django_capture_on_commit_callbacks(execute=True):
        done = publish(staff, case, file=SimpleUploadedFile("EHC plan final.pdf", PDF_BYTES))
    assert done.status_code == 302
    assert done["Location"] == f"/cases/{case.reference}/"

    with schema_context(oxfordshire.schema_name):
        document = CaseDocument.objects.get(case=case)
        audit = this_tests_audit().get(action="document.published")
    assert document.description == "EHC Plan - Final"
    assert document.document_date == datetime.date(2026, 1, 14)
    assert (document.original_name, document.extension, document.content_type, document.size) == (
        "EHC plan final.pdf",
        "pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert document.published_by.email == "caseworker@oxfordshire.example"
    # Under the council's schema prefix, in the case's folder, named by its hash, not by the child.
    # (with Django's suffix if a file of that name is already there)
    assert re.fullmatch(
        rf"oxfordshire/cases/{case.pk}/{document.sha256[:16]}(_\w{{7}})?\.pdf", document.file.name
    )
    with document.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    assert audit.actor.email == "caseworker@oxfordshire.example"
    assert (audit.target_type, audit.target_id) == ("ehc.casedocument", str(document.pk))

    for person in (people[AccessStatus.ACTIVE], second_parent):
        [email] = emails_to(person.email)
        assert "a new document to view" in email
        assert case.reference in email
        assert f"/accounts/login/?next=%2Fchildren%2F{case.reference}%2Fdocuments%2F" in email
        for private in ("EHC Plan", "Final", "Poppy", "Quillfeather", "EHC plan final.pdf"):
            assert private not in email, private
    for status in (
        AccessStatus.INVITED,
        AccessStatus.VERIFIED,
        AccessStatus.ACCEPTED,
        AccessStatus.DECLINED,
        AccessStatus.REVOKED,
    ):
        assert emails_to(people[status].email) == [], status

    page = staff.get(f"/cases/{case.reference}/").content.decode()
    assert "EHC Plan - Final" in page
    assert "14 Jan 2026" in page
    assert timezone.localdate().strftime("%-d %b %Y") in page  # published today
    staff_url = f"/cases/{case.reference}/documents/{document.pk}/"
    assert f'href="{staff_url}"' in page
    downloaded = staff.get(staff_url)
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == PDF_BYTES
    assert downloaded["Content-Disposition"] == 'attachment; filename="EHC plan final.pdf"'
    assert downloaded["Cache-Control"] == "private, no-store"
    with schema_context(oxfordshire.schema_name):
        seen = this_tests_audit().get(action="document.downloaded")
    assert seen.actor.email == "caseworker@oxfordshire.example"
    assert (seen.target_type, seen.target_id) == ("ehc.casedocument", str(document.pk))


@pytest.mark.parametrize(
    ("name", "content", "configuration", "message"),
    [
        pytest.param(
            "notes.rtf",
            b"{\\rtf1 hi}",
            {},
            "[rtf] is not an accepted extension. Accepted extensions: doc, docx, pdf, jpg, jpeg, png",
            id="wrong-type",
        ),
        pytest.param(
            "big.pdf",
            b"%PDF-1.4\n" + bytes(1024 * 1024 + 1 - 9),
            {"upload_max_mb": 1},
            "The selected file must be smaller than 1MB",
            id="too-big",
        ),
        pytest.param(
            "eicar.txt",
            EICAR,
            {"upload_types": ["pdf", "txt"]},  # a council that accepts text files: the EICAR file is one
            "The selected file contains a virus",
            id="eicar",
        ),
        pytest.param(
            "plan.pdf",
            b"MZ\x90\x00" * 64,
            {},
            "The selected file&#x27;s content does not match its .pdf extension",
            id="renamed-executable",
        ),
    ],
)
def test_a_refused_file_keeps_the_other_fields_and_stores_nothing(
    staff, oxfordshire, case, name, content, configuration, message, django_capture_on_commit_callbacks
):
    parent = family_member(oxfordshire, case, name="doc-refused")[1]
    if configuration:
        with schema_context(oxfordshire.schema_name):
            CouncilConfiguration.objects.filter(pk=1).update(**configuration)
    files_before = stored_files(case)  # (other test runs, on their own databases, share the storage)
    with django_capture_on_commit_callbacks(execute=True):
        refused = publish(
            staff, case, file=SimpleUploadedFile(name, content), description="SEN New Assessment - Letter"
        )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "There is a problem" in html
    assert f'<a href="#file">{message}</a>' in html  # the summary links to the file input
    assert (
        '<p id="file-error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {message}</p>' in html
    )
    assert 'value="SEN New Assessment - Letter"' in html
    for part, typed in (("day", "14"), ("month", "1"), ("year", "2026")):
        assert f'name="document_date-{part}" type="text" inputmode="numeric" value="{typed}"' in html
    with schema_context(oxfordshire.schema_name):
        assert not CaseDocument.objects.filter(case=case).exists()
        assert not this_tests_audit().filter(action="document.published").exists()
    assert stored_files(case) == files_before
    assert emails_to(parent.email) == []


def test_every_missing_or_wrong_field_is_shown_at_once(staff, oxfordshire, case):
    files_before = stored_files(case)
    empty = publish(staff, case, file=None, description="  ", date={})
    assert empty.status_code == 400
    html = empty.content.decode()
    summary = html.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    assert summary.index("Enter a description") < summary.index("Enter the document date")
    assert summary.index("Enter the document date") < summary.index("Select a file")
    assert 'href="#document_date-day"' in summary

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    future = publish(
        staff,
        case,
        file=SimpleUploadedFile("plan.pdf", PDF_BYTES),
        date={
            "document_date-day": str(tomorrow.day),
            "document_date-month": str(tomorrow.month),
            "document_date-year": str(tomorrow.year),
        },
    )
    assert future.status_code == 400
    html = future.content.decode()
    assert "Document date must be today or in the past" in html
    assert 'value="EHC Plan - Final"' in html
    assert "Select the file again" in html  # a browser never keeps a chosen file

    unreal = publish(
        staff,
        case,
        file=SimpleUploadedFile("plan.pdf", PDF_BYTES),
        date={"document_date-day": "31", "document_date-month": "2", "document_date-year": "2026"},
        description="x" * 201,
    )
    html = unreal.content.decode()
    assert "Document date must be a real date" in html
    assert "Description must be 200 characters or less" in html
    with schema_context(oxfordshire.schema_name):
        assert not CaseDocument.objects.filter(case=case).exists()
    assert stored_files(case) == files_before


def test_the_family_lists_items_to_view_newest_first_and_downloads_them_with_an_audit_row(oxfordshire, case):
    now = timezone.now()
    with schema_context(oxfordshire.schema_name):
        older = make_document(
            case,
            description="SEN New Assessment - Acknowledgment of application",
            published_at=now - datetime.timedelta(days=3),
            name="acknowledgment.pdf",
        )
        newer = make_document(case, description="EHC Plan - Final", published_at=now, name="EHC Plan.pdf")
    client, parent = family_member(oxfordshire, case, name="doc-reader")

    html = client.get(f"/children/{case.reference}/documents/").content.decode()
    assert '<h1 class="govuk-heading-l">Items to view</h1>' in html
    for header in ("Published Date", "Document Date", "Description"):
        assert f'<th scope="col" class="govuk-table__header">{header}</th>' in html
    assert html.index("EHC Plan - Final") < html.index("SEN New Assessment - Acknowledgment of application")
    assert 'aria-current="page">Items to view</a>' in html  # the family side navigation, this section
    url = f"/children/{case.reference}/documents/{newer.pk}/"
    assert f'<a class="govuk-link" href="{url}">EHC Plan - Final</a>' in html
    assert f'href="/children/{case.reference}/documents/{older.pk}/"' in html

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="EHC Plan.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    with schema_context(oxfordshire.schema_name):
        audit = this_tests_audit().get(action="document.downloaded")
    assert audit.actor_id == parent.pk
    assert (audit.target_type, audit.target_id) == ("ehc.casedocument", str(newer.pk))


def test_no_documents_yet(oxfordshire, case):
    client, _ = family_member(oxfordshire, case, name="doc-empty")
    html = client.get(f"/children/{case.reference}/documents/").content.decode()
    assert "The SEND team has not sent you any documents yet." in html
    assert "<table" not in html


def test_another_parent_gets_404_by_url_and_by_guessed_number(oxfordshire, case):
    with schema_context(oxfordshire.schema_name):
        document = make_document(case, description="EHC Plan - Final", published_at=timezone.now())
        other_case = CaseFactory(
            child_first_name="Other", child_last_name="Child", received_on=datetime.date(2025, 9, 1)
        )
        other_document = make_document(other_case, description="Other plan", published_at=timezone.now())
    list_url = f"/children/{case.reference}/documents/"
    download_url = f"/children/{case.reference}/documents/{document.pk}/"

    stranger, _ = family_member(oxfordshire, None, name="doc-stranger")  # no access to any case
    other_family, _ = family_member(oxfordshire, other_case, name="doc-other")  # access to another case
    no_longer, _ = family_member(oxfordshire, case, name="doc-revoked", status=AccessStatus.REVOKED)
    not_yet, _ = family_member(oxfordshire, case, name="doc-invited", status=AccessStatus.INVITED)
    for client in (stranger, other_family, no_longer, not_yet):
        assert client.get(list_url).status_code == 404
        assert client.get(download_url).status_code == 404
    # Case A's document asked for under case B's address, by the family of case B: not theirs.
    guessed = f"/children/{other_case.reference}/documents/{document.pk}/"
    assert other_family.get(guessed).status_code == 404
    assert (
        other_family.get(f"/children/{other_case.reference}/documents/{other_document.pk}/").status_code
        == 200
    )
    # ... and by the family of case A, under their own case's address: the document is not of that case.
    own_family, _ = family_member(oxfordshire, case, name="doc-own")
    assert own_family.get(f"/children/{case.reference}/documents/{other_document.pk}/").status_code == 404
    with schema_context(oxfordshire.schema_name):
        assert list(
            this_tests_audit().filter(action="document.downloaded").values_list("target_id", flat=True)
        ) == [str(other_document.pk)]


def test_staff_of_this_council_get_a_document_only_under_its_own_case(staff, oxfordshire, case):
    with schema_context(oxfordshire.schema_name):
        document = make_document(case, description="EHC Plan - Final", published_at=timezone.now())
        other_case = CaseFactory(
            child_first_name="Other", child_last_name="Child", received_on=datetime.date(2025, 9, 1)
        )
    assert staff.get(f"/cases/{other_case.reference}/documents/{document.pk}/").status_code == 404
    assert staff.get(f"/cases/{case.reference}/documents/{document.pk + 100000}/").status_code == 404
    assert staff.get("/cases/NO-SUCH-CASE/documents/publish/").status_code == 404


def test_another_councils_staff_get_404(oxfordshire, worcestershire, case):
    with schema_context(oxfordshire.schema_name):
        document = make_document(case, description="EHC Plan - Final", published_at=timezone.now())
    worcs = sign_in(
        host_client("worcestershire"),
        council_person("caseworker@worcestershire.example"),
        worcestershire,
    )
    assert worcs.get(publish_url(case)).status_code == 404
    assert publish(worcs, case, file=SimpleUploadedFile("plan.pdf", PDF_BYTES)).status_code == 404
    assert worcs.get(f"/cases/{case.reference}/documents/{document.pk}/").status_code == 404
    assert worcs.get(f"/children/{case.reference}/documents/").status_code == 404
    assert worcs.get(f"/children/{case.reference}/documents/{document.pk}/").status_code == 404
    with schema_context(oxfordshire.schema_name):
        assert CaseDocument.objects.filter(case=case).count() == 1


def test_a_parent_gets_403_on_the_staff_pages(oxfordshire, case):
    with schema_context(oxfordshire.schema_name):
        document = make_document(case, description="EHC Plan - Final", published_at=timezone.now())
    client, _ = family_member(oxfordshire, case, name="doc-not-staff")  # even with access to the case
    assert client.get(publish_url(case)).status_code == 403
    assert publish(client, case, file=SimpleUploadedFile("plan.pdf", PDF_BYTES)).status_code == 403
    assert client.get(f"/cases/{case.reference}/documents/{document.pk}/").status_code == 403
    with schema_context(oxfordshire.schema_name):
        assert CaseDocument.objects.filter(case=case).count() == 1
        assert not this_tests_audit().filter(action="document.downloaded").exists()


def test_signed_out_visitors_are_sent_to_sign_in(oxfordshire, case):
    with schema_context(oxfordshire.schema_name):
        document = make_document(case, description="EHC Plan - Final", published_at=timezone.now())
    anonymous = host_client("oxfordshire")
    for url in (
        f"/children/{case.reference}/documents/",
        f"/children/{case.reference}/documents/{document.pk}/",
        publish_url(case),
        f"/cases/{case.reference}/documents/{document.pk}/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    assert publish(anonymous, case, file=SimpleUploadedFile("plan.pdf", PDF_BYTES)).status_code == 302
    with schema_context(oxfordshire.schema_name):
        assert CaseDocument.objects.filter(case=case).count() == 1


def test_the_family_list_takes_the_same_queries_for_1_and_200_documents(oxfordshire, case, assert_queries):
    now = timezone.now()

    def add(n: int) -> None:
        CaseDocument.objects.bulk_create(
            CaseDocument(
                case=case,
                description=f"Letter {i}",
                document_date=datetime.date(2026, 1, 14),
                file=f"oxfordshire/cases/{case.pk}/{i:016d}.pdf",
                original_name=f"letter-{i}.pdf",
                extension="pdf",
                size=1000,
                content_type="application/pdf",
                sha256=f"{i:064d}",
                published_at=now - datetime.timedelta(minutes=i),
            )
            for i in range(n)
        )

    with schema_context(oxfordshire.schema_name):
        add(1)
    client, _ = family_member(oxfordshire, case, name="doc-queries")
    url = f"/children/{case.reference}/documents/"
    client.get(url)
    # routing (the council's domain), session, the council's configuration, identity, the case with the
    # person's active access, its documents
    with assert_queries(6):
        assert client.get(url).content.decode().count("Letter 0") == 1
    with schema_context(oxfordshire.schema_name):
        CaseDocument.objects.filter(case=case).delete()
        add(200)
    with assert_queries(6):
        html = client.get(url).content.decode()
    assert len(re.findall(rf'href="/children/{case.reference}/documents/\d+/"', html)) == 200


def test_the_publish_page_and_the_downloads_take_a_fixed_number_of_queries(
    staff, oxfordshire, case, assert_queries
):
    with schema_context(oxfordshire.schema_name):
        document = make_document(case, description="EHC Plan - Final", published_at=timezone.now())
    family, _ = family_member(oxfordshire, case, name="doc-count")
    staff.get(publish_url(case))
    # routing, session, configuration, identity, staff check, case, its audit row (a read of the
    # child's record), how many have active access
    with assert_queries(8):
        staff.get(publish_url(case))
    for n in range(20):
        family_member(oxfordshire, case, name=f"doc-count-{n}")
    with assert_queries(8):
        assert "21 people have access" in staff.get(publish_url(case)).content.decode()
    # routing, session, configuration, identity, staff check, document with its case, audit row
    with assert_queries(7):
        assert staff.get(f"/cases/{case.reference}/documents/{document.pk}/").status_code == 200
    # routing, session, configuration, identity, the case with the person's active access, the
    # document, audit row
    family.get(f"/children/{case.reference}/documents/{document.pk}/")
    with assert_queries(7):
        assert family.get(f"/children/{case.reference}/documents/{document.pk}/").status_code == 200
