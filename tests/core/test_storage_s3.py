"""Files in S3-compatible object storage (ARCHITECTURE.md 7), against a real S3 API on loopback: moto's
server mode, spoken to over HTTP by boto3 exactly as production speaks to its provider (no mocked
client). Each council's files are under its own prefix, which the storage enforces; nothing is public;
the authorising views stream the files; and a file uploaded through one web process is downloaded
through another (gunicorn with the production settings, reading the same bucket and database)."""

import datetime
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context
from moto.server import ThreadedMotoServer

from config.embedded_pg import database_url
from core.models import AuditEvent, Notification
from core.roles import Role
from core.storage import CouncilS3Storage
from ehc.models import AccessStatus, Attachment, CaseAccess, CaseDocument
from scripts.loopback import free_port
from tenants.configuration.models import CouncilConfiguration
from tenants.models import Council
from tests.conftest import host_client, sign_in
from tests.factories import CaseFactory, MembershipFactory, UserFactory, council_person

ROOT = Path(__file__).resolve().parent.parent.parent
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
REGION = "eu-west-2"
# moto accepts any credentials; they are still sent, signed, as boto3's chain finds them in production.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key-id", "AWS_SECRET_ACCESS_KEY": "test-secret-key"}
DATE = {"document_date-day": "14", "document_date-month": "1", "document_date-year": "2026"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """A new private bucket, and the default storage pointed at it as base.py points it when
    AWS_STORAGE_BUCKET_NAME is set (path addressing, as for any S3 service without per-bucket hosts)."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = f"ehc-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "core.storage.CouncilS3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "addressing_style": "path",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                "object_parameters": {"ServerSideEncryption": "AES256"},
            },
        },
    }
    assert isinstance(storages["default"], CouncilS3Storage)
    return client, bucket


def keys(client, bucket: str) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_the_storage_refuses_a_name_outside_the_councils_prefix(s3, oxfordshire, worcestershire):
    client, bucket = s3
    with schema_context("worcestershire"):
        theirs = default_storage.save("worcestershire/cases/1/letter.pdf", ContentFile(PDF_BYTES))
    with schema_context("oxfordshire"):
        ours = default_storage.save("oxfordshire/cases/1/letter.pdf", ContentFile(PDF_BYTES))
        with default_storage.open(ours) as stored:
            assert stored.read() == PDF_BYTES
        for name in (
            theirs,
            "oxfordshire/../worcestershire/cases/1/letter.pdf",
            "oxfordshire",
            "/oxfordshire/cases/1/letter.pdf",
            "oxfordshire-old/cases/1/letter.pdf",
        ):
            for attempt in (
                lambda name=name: default_storage.open(name),
                lambda name=name: default_storage.exists(name),
                lambda name=name: default_storage.size(name),
                lambda name=name: default_storage.url(name),
                lambda name=name: default_storage.delete(name),
                lambda name=name: default_storage.save(name, ContentFile(b"x")),
            ):
                with pytest.raises(SuspiciousFileOperation):
                    attempt()
    # Nothing was read, overwritten or removed: the other council's key is there, as it was.
    assert keys(client, bucket) == ["oxfordshire/cases/1/letter.pdf", "worcestershire/cases/1/letter.pdf"]
    assert client.get_object(Bucket=bucket, Key=theirs)["Body"].read() == PDF_BYTES
    assert connection.schema_name == "public"  # the platform's own work may reach every prefix
    assert default_storage.exists(theirs)


@pytest.fixture
def staff(oxfordshire):
    cache.clear()
    return sign_in(host_client("oxfordshire"), council_person("caseworker@oxfordshire.example"), oxfordshire)


def parent_of(council, case, email: str):
    user = UserFactory(email=email)
    with schema_context(council.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
        CaseAccess.objects.create(case=case, user=user, email=user.email, status=AccessStatus.ACTIVE)
    return user


def test_a_published_document_is_stored_privately_under_the_council_and_streamed_to_the_family(
    s3, staff, oxfordshire, worcestershire
):
    client, bucket = s3
    with schema_context("oxfordshire"):
        case = CaseFactory(received_on=datetime.date(2025, 9, 1))
    family = sign_in(
        host_client("oxfordshire"), parent_of(oxfordshire, case, "s3.parent@example.com"), oxfordshire
    )
    published = staff.post(
        f"/cases/{case.reference}/documents/publish/",
        {"description": "EHC Plan - Final", **DATE, "file": SimpleUploadedFile("plan.pdf", PDF_BYTES)},
    )
    assert published.status_code == 302
    with schema_context("oxfordshire"):
        document = CaseDocument.objects.get(case=case)
    [key] = keys(client, bucket)
    assert key == document.file.name
    assert key.startswith(f"oxfordshire/cases/{case.pk}/")
    stored = client.head_object(Bucket=bucket, Key=key)
    assert stored["ServerSideEncryption"] == "AES256"
    grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's, nobody else's
    assert all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)

    url = f"/children/{case.reference}/documents/{document.pk}/"
    downloaded = family.get(url)
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == PDF_BYTES
    assert downloaded["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert downloaded["Cache-Control"] == "private, no-store"
    assert downloaded["Content-Type"] == "application/pdf"
    with schema_context("oxfordshire"):
        assert (
            AuditEvent.objects.filter(action="document.downloaded", target_id=str(document.pk)).count() == 1
        )

    # Another council's host has no such case: the same address is not found there.
    worcs_parent = UserFactory(email="s3.worcs.parent@example.com")
    with schema_context("worcestershire"):
        MembershipFactory(user=worcs_parent, role=Role.PARENT)
    assert sign_in(host_client("worcestershire"), worcs_parent, worcestershire).get(url).status_code == 404

    # Even a row in another council that names this council's key reads nothing: the storage refuses it.
    with schema_context("worcestershire"):
        their_case = CaseFactory(received_on=datetime.date(2025, 9, 1))
        CaseAccess.objects.create(
            case=their_case, user=worcs_parent, email=worcs_parent.email, status="active"
        )
        forged = CaseDocument.objects.create(
            case=their_case,
            description="Copied",
            document_date=datetime.date(2026, 1, 14),
            file=key,
            original_name="plan.pdf",
            extension="pdf",
            size=len(PDF_BYTES),
            content_type="application/pdf",
            sha256=document.sha256,
            published_at=document.published_at,
        )
    worcs = sign_in(host_client("worcestershire"), worcs_parent, worcestershire)
    refused = worcs.get(f"/children/{their_case.reference}/documents/{forged.pk}/")
    assert refused.status_code == 400
    assert PDF_BYTES not in refused.content


def test_a_request_attachment_is_stored_in_s3_and_served_only_to_its_uploader(
    s3, oxfordshire, django_capture_on_commit_callbacks
):
    client, bucket = s3
    cache.clear()
    user = UserFactory(email="s3.requesting.parent@example.com")
    with schema_context("oxfordshire"):
        MembershipFactory(user=user, role=Role.PARENT)
    parent = sign_in(host_client("oxfordshire"), user, oxfordshire)
    started = parent.post("/ehc-needs-assessment/parent/")
    draft_pk = int(started["Location"].split("/")[2])
    parent.post(
        f"/forms/{draft_pk}/part10/",
        {"action": "upload", "documents": SimpleUploadedFile("r.pdf", PDF_BYTES)},
    )
    with schema_context("oxfordshire"):
        [attachment] = Attachment.objects.filter(request_id=draft_pk)
    assert keys(client, bucket) == [attachment.file.name]
    assert attachment.file.name.startswith(f"oxfordshire/requests/{draft_pk}/")
    url = f"/forms/{draft_pk}/files/{attachment.pk}/"
    own = parent.get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF_BYTES
    assert own["Cache-Control"] == "private, no-store"
    other = UserFactory(email="s3.other.parent@example.com")
    with schema_context("oxfordshire"):
        MembershipFactory(user=other, role=Role.PARENT)
    assert sign_in(host_client("oxfordshire"), other, oxfordshire).get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):  # the object goes once the row has gone
        removed = parent.post(f"/forms/{draft_pk}/part10/", {"action": f"remove_file:{attachment.pk}"})
    assert removed.status_code == 200
    assert keys(client, bucket) == []  # removing the file removes the object


def test_the_councils_logo_is_served_from_s3(s3, oxfordshire):
    client, bucket = s3
    with schema_context("oxfordshire"):
        config = CouncilConfiguration.objects.get(pk=1)
        config.logo.save("logo.png", ContentFile(PNG_BYTES), save=True)
    assert keys(client, bucket) == ["oxfordshire/branding/logo.png"]
    logo = host_client("oxfordshire").get("/branding/logo")
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content) == PNG_BYTES
    assert logo["Content-Type"] == "image/png"


# One upload, two web processes ---------------------------------------------------------------------------


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Rows the other process must read are committed (as tests/ehc/test_case_concurrency explains);
    afterwards everything made here is deleted, so the session's councils are as they were."""
    made = {"people": [], "cases": []}
    yield made
    with django_db_blocker.unblock(), schema_context("oxfordshire"):
        for case in made["cases"]:
            for document in CaseDocument.objects.filter(case=case):
                AuditEvent.objects.filter(target_type="ehc.casedocument", target_id=str(document.pk)).delete()
            case.delete()
        for user in made["people"]:
            Notification.objects.filter(to=user.email).delete()
            AuditEvent.objects.filter(actor=user).delete()
            user.delete()


@pytest.fixture
def production_web(s3, s3_endpoint, committed):
    """gunicorn serving config.wsgi with the production settings, S3 from its environment (as the
    chart passes it), on the test database and the test Redis."""
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.fail("TEST_REDIS_URL is unset: production settings need Redis (run with `make test`)")
    _, bucket = s3
    database = connection.settings_dict
    port = free_port()
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "test-only-not-secret",  # the test settings' key, so the test client's session holds
        "ALLOWED_HOSTS": ".localhost",
        "DATABASE_URL": database_url(database),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SMS_BACKEND": "core.notifications.FileSMSBackend",
        "CLAMAV_DATABASE": "/nonexistent",
        "SECURE_SSL_REDIRECT": "false",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_S3_SERVER_SIDE_ENCRYPTION": "AES256",
        **CREDENTIALS,
    }
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below, after the server)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(  # noqa: S603
        [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", headers={"Host": "localhost"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start:\n" + log_tail(log))
            time.sleep(0.3)
        yield base, lambda: log_tail(log)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def log_tail(log) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-6000:]


def test_a_file_uploaded_through_one_web_process_is_downloaded_through_another(
    production_web, committed, s3, django_db_blocker
):
    """No ``db`` here (nor the council fixtures that ask for it): the other process reads only what
    this one committed."""
    client, bucket = s3
    web, web_log = production_web
    cache.clear()
    with django_db_blocker.unblock():
        oxfordshire = Council.objects.get(schema_name="oxfordshire")
        caseworker = council_person("caseworker@oxfordshire.example")
        parent = UserFactory(email=f"s3-{uuid.uuid4().hex[:8]}@example.com")
        committed["people"] += [caseworker, parent]
        with schema_context("oxfordshire"):
            MembershipFactory(user=parent, role=Role.PARENT)
            case = CaseFactory(received_on=datetime.date(2025, 9, 1))
            committed["cases"].append(case)
            CaseAccess.objects.create(case=case, user=parent, email=parent.email, status=AccessStatus.ACTIVE)
        # This process (the test client) takes the upload, as one web pod would.
        staff = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
        published = staff.post(
            f"/cases/{case.reference}/documents/publish/",
            {"description": "EHC Plan - Final", **DATE, "file": SimpleUploadedFile("plan.pdf", PDF_BYTES)},
        )
        assert published.status_code == 302
        family = sign_in(host_client("oxfordshire"), parent, oxfordshire)
        with schema_context("oxfordshire"):
            document = CaseDocument.objects.get(case=case)
    assert keys(client, bucket) == [document.file.name]

    # The other process (gunicorn, production settings) serves the download, with the family's session.
    session = family.cookies["sessionid"].value
    url = f"{web}/children/{case.reference}/documents/{document.pk}/"
    headers = {"Host": "oxfordshire.localhost", "Cookie": f"__Host-sessionid={session}"}
    downloaded = requests.get(url, headers=headers, timeout=30)
    assert downloaded.status_code == 200, web_log()
    assert downloaded.content == PDF_BYTES
    assert downloaded.headers["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert downloaded.headers["Cache-Control"] == "private, no-store"
    with django_db_blocker.unblock(), schema_context("oxfordshire"):
        [seen] = AuditEvent.objects.filter(action="document.downloaded", target_id=str(document.pk))
        assert seen.actor_id == parent.pk  # audited by the process that served it
    # Without the family's session the other process serves nothing.
    anonymous = requests.get(
        url, headers={"Host": "oxfordshire.localhost"}, timeout=30, allow_redirects=False
    )
    assert anonymous.status_code == 302
    assert PDF_BYTES not in anonymous.content
