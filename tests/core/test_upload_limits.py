"""Reading an upload stops at the council's limit (core.upload_handlers): a file over it is never kept,
on disk or in memory, in any of the three places that take files, and the page says so on the file
field while keeping everything else that was typed. The web server in front refuses bigger requests
with the same numbers as the settings (deploy/)."""

import re
import runpy
import tracemalloc
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxValueValidator
from django.http.request import HttpRequest
from django.test import RequestFactory
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django_tenants.utils import schema_context

from core.roles import Role
from ehc.models import Case, CaseDocument
from hub.advice.services import advice_allocate
from hub.models import AdviceAttachment
from tenants.configuration.models import CouncilConfiguration
from tests.conftest import host_client, sign_in
from tests.ehc.test_requests import begin
from tests.factories import MembershipFactory, UserFactory, council_person
from tests.hub.conftest import hub, nelincs  # noqa: F401 (fixtures)
from tests.hub.test_advice import ask, client_for

MB = 1024 * 1024
REPO = Path(__file__).resolve().parents[2]
TOO_BIG = "The selected file must be smaller than 1MB"


def oversized_pdf() -> SimpleUploadedFile:
    """The council's limit (1 MB here) and 3 MB more: bigger than Django keeps in memory."""
    return SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + bytes(4 * MB - 9), content_type="application/pdf")


def limit_to_one_megabyte(schema_name: str) -> None:
    with schema_context(schema_name):
        CouncilConfiguration.objects.filter(pk=1).update(upload_max_mb=1)


@pytest.fixture
def temp_dir_after_parsing(settings, tmp_path, monkeypatch):
    """Uploads' temporary files go to tmp_path; returns the names and sizes of the files there at the
    moment each request's body has been read (when a view first sees it)."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    seen: list[dict[str, int]] = []
    load = HttpRequest._load_post_and_files

    def watched(request):
        load(request)
        seen.append({p.name: p.stat().st_size for p in tmp_path.iterdir()})

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", watched)
    return seen


def test_a_request_form_file_over_the_limit_is_never_kept_and_the_page_keeps_the_typing(
    oxfordshire, temp_dir_after_parsing, tmp_path
):
    cache.clear()
    parent = UserFactory(email=f"limit-{uuid.uuid4().hex[:8]}@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=parent, role=Role.PARENT)
    client = sign_in(host_client("oxfordshire"), parent, oxfordshire)
    draft = begin(client)
    limit_to_one_megabyte(oxfordshire.schema_name)
    temp_dir_after_parsing.clear()  # (starting the form read a POST too)
    response = client.post(f"/forms/{draft.pk}/part10/", {"action": "upload", "documents": oversized_pdf()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'<a href="#documents">{TOO_BIG}</a>' in html
    assert temp_dir_after_parsing == [{}]  # nothing of the file was on disk when the view ran
    assert list(tmp_path.iterdir()) == []
    with schema_context(oxfordshire.schema_name):
        assert not draft.attachments.exists()


def test_a_staff_document_over_the_limit_is_never_kept_and_the_page_keeps_the_typing(
    oxfordshire, temp_dir_after_parsing, tmp_path
):
    cache.clear()
    staff = council_person("caseworker@oxfordshire.example")
    client = sign_in(host_client("oxfordshire"), staff, oxfordshire)
    with schema_context(oxfordshire.schema_name):
        case = Case.objects.create(
            reference=f"CASE-U{uuid.uuid4().hex[:8].upper()}",
            child_first_name="Poppy",
            child_last_name="Limit",
            received_on="2025-09-01",
        )
    limit_to_one_megabyte(oxfordshire.schema_name)
    response = client.post(
        f"/cases/{case.reference}/documents/publish/",
        {
            "description": "Typed before the upload",
            "document_date-day": "14",
            "document_date-month": "1",
            "document_date-year": "2026",
            "file": oversized_pdf(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#file">{TOO_BIG}</a>' in html
    assert 'value="Typed before the upload"' in html
    assert 'name="document_date-year" type="text" inputmode="numeric" value="2026"' in html
    assert temp_dir_after_parsing == [{}]
    assert list(tmp_path.iterdir()) == []
    with schema_context(oxfordshire.schema_name):
        assert not CaseDocument.objects.filter(case=case).exists()


def test_a_clinic_letter_over_the_limit_is_never_kept_and_the_page_keeps_the_typing(
    hub,  # noqa: F811
    temp_dir_after_parsing,
    tmp_path,
):
    advice = ask(hub)
    with schema_context("nelincs"):
        advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
    limit_to_one_megabyte("nelincs")
    response = client_for(hub, hub["therapist"]).post(
        f"/health/advice/{advice.pk}/write/",
        {
            "health_needs": "Typed before the upload",
            "outcomes-rows": "1",
            "provision-rows": "1",
            "action": "upload",
            "documents": oversized_pdf(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert TOO_BIG in html
    assert "Typed before the upload" in html
    assert temp_dir_after_parsing == [{}]
    assert list(tmp_path.iterdir()) == []
    with schema_context("nelincs"):
        assert not AdviceAttachment.objects.filter(advice_request=advice).exists()
        part = advice.contributions.get()
        assert part.answers["health_needs"] == "Typed before the upload"


def test_reading_an_oversized_file_keeps_no_more_than_a_chunk_in_memory(settings, tmp_path):
    """The request is parsed by the handlers in settings, outside any view: the memory it takes, beyond
    the body the test built, stays far below the file's size."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    body = encode_multipart(
        "BoUnDaRy", {"answer": "kept", "file": SimpleUploadedFile("big.pdf", bytes(20 * MB))}
    )
    request = RequestFactory().generic(
        "POST", "/", data=body, content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy")
    )
    request.council_config = SimpleNamespace(upload_max_mb=15)
    tracemalloc.start()
    try:
        files, post = request.FILES, request.POST
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert post["answer"] == "kept"
    assert files["file"].received == 20 * MB  # what was sent, none of it kept
    assert files["file"].size == 0  # a Django form's FileField refuses it as empty
    assert files["file"].read() == b""
    assert peak < 2 * MB, peak
    assert list(tmp_path.iterdir()) == []


def test_a_file_within_the_limit_is_kept_whole_in_memory_or_on_disk(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    for size in (1000, 5 * MB):  # below and above FILE_UPLOAD_MAX_MEMORY_SIZE
        content = bytes(range(256)) * (size // 256)
        body = encode_multipart("BoUnDaRy", {"file": SimpleUploadedFile("ok.pdf", content)})
        request = RequestFactory().generic(
            "POST", "/", data=body, content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy")
        )
        request.council_config = SimpleNamespace(upload_max_mb=15)
        uploaded = request.FILES["file"]
        assert uploaded.size == len(content)
        assert uploaded.read() == content
        assert hasattr(uploaded, "temporary_file_path") == (size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
        request.close()
    assert list(tmp_path.iterdir()) == []


def test_the_web_server_the_settings_and_the_configuration_agree_on_the_largest_upload():
    largest = next(
        v.limit_value
        for v in CouncilConfiguration._meta.get_field("upload_max_mb").validators
        if isinstance(v, MaxValueValidator)
    )
    assert largest == settings.UPLOAD_MAX_MB
    assert largest * MB + settings.UPLOAD_FORM_OVERHEAD_BYTES == settings.UPLOAD_REQUEST_MAX_BYTES
    assert settings.UPLOAD_FORM_OVERHEAD_BYTES > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    nginx = (REPO / "deploy" / "nginx.conf").read_text()
    sizes = re.findall(r"^\s*client_max_body_size\s+(\d+)([km]?);", nginx, re.MULTILINE)
    assert sizes, "deploy/nginx.conf sets no client_max_body_size"
    factor = {"": 1, "k": 1024, "m": MB}
    assert {int(n) * factor[unit] for n, unit in sizes} == {settings.UPLOAD_REQUEST_MAX_BYTES}
    readme = (REPO / "deploy" / "README.md").read_text()
    megabytes = settings.UPLOAD_REQUEST_MAX_BYTES // MB
    assert f"nginx.ingress.kubernetes.io/proxy-body-size: {megabytes}m" in readme
    gunicorn = runpy.run_path(str(REPO / "deploy" / "gunicorn.conf.py"))
    assert gunicorn["wsgi_app"] == "config.wsgi:application"
    # nginx reads the whole body before it passes the request on (no worker waits on a slow upload)
    # and waits for an answer longer than gunicorn lets a worker take.
    assert re.search(r"^\s*proxy_request_buffering\s+on;", nginx, re.MULTILINE)
    read_timeout = re.search(r"^\s*proxy_read_timeout\s+(\d+)s;", nginx, re.MULTILINE)
    assert read_timeout
    assert int(read_timeout.group(1)) > gunicorn["timeout"]


def test_the_web_servers_access_logs_write_paths_without_query_strings():
    """Case search puts a child's name in the query string: neither access log may write it, nor the
    referrer (the page before, with its query) or cookies."""
    deploy = Path(__file__).resolve().parents[2] / "deploy"
    namespace = runpy.run_path(str(deploy / "gunicorn.conf.py"))
    gunicorn_format = namespace["access_log_format"]
    assert "%(U)s" in gunicorn_format
    assert "%({x-request-id}o)s" in gunicorn_format  # joins the line to the request's JSON logs
    for leak in ("%(r)s", "%(q)s", "%(f)s", "%(a)s", "{cookie}"):
        assert leak not in gunicorn_format
    nginx = (deploy / "nginx.conf").read_text()
    log_format = re.search(r"log_format ehc_no_query (.*?);", nginx, re.S).group(1)
    assert "$uri" in log_format
    for leak in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer", "$http_cookie"):
        assert leak not in log_format
    assert "access_log /dev/stdout ehc_no_query;" in nginx
