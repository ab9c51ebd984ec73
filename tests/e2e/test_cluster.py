"""The many-process drill (scripts/cluster.py): production settings in separate processes on loopback,
nginx with TLS in front of two gunicorn instances, two Celery workers, beat, Redis, and PostgreSQL
through PgBouncer in session mode. A caseworker publishes a document (an upload) and a parent downloads
it (sign-in codes and the "new document" email sent by the workers; the file kept in the S3 server),
and the requests land on both web instances; axe on every page."""

import re
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from scripts.cluster import Cluster
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n% the cluster drill\n"
CASEWORKER, PARENT = "caseworker@oxfordshire.example", "parent@oxfordshire.example"
CHILD = "DEMO-0002"  # Mary Bluehat: the demo parent's child in Oxfordshire


@pytest.fixture(scope="module")
def cluster():
    """The drill, its own database made on the tests' PostgreSQL server (the embedded one included)."""
    with Cluster(server=settings.DATABASES["default"]) as running:
        yield running


def mail_to(cluster, address: str, count: int, seconds: float = 30) -> list[str]:
    """The emails to ``address`` once there are ``count`` of them: a worker sends them, not the web."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sent = emails_to(address, folder=cluster.mail_dir)
        if len(sent) >= count:
            return sent
        time.sleep(0.25)
    raise AssertionError(f"{count} emails to {address} were not sent within {seconds} s")


def signed_in(browser, cluster, address: str):
    page = browser.new_context(ignore_https_errors=True).new_page()
    page.goto(cluster.url("oxfordshire", "/accounts/login/"))
    assert_accessible(page)
    before = len(emails_to(address, folder=cluster.mail_dir))
    accounts = Accounts(page)
    accounts.sign_in(address, settings.DEMO_PASSWORD)
    accounts.enter_code(last_code(mail_to(cluster, address, before + 1)))
    return page


def test_a_document_published_on_one_instance_is_downloaded_on_the_other(browser, cluster, tmp_path):
    stored_before = cluster.stored("oxfordshire/cases/")
    caseworker = signed_in(browser, cluster, CASEWORKER)
    caseworker.goto(cluster.url("oxfordshire", f"/cases/{CHILD}/documents/publish/"))
    assert_accessible(caseworker)
    upload = tmp_path / "drill.pdf"
    upload.write_bytes(PDF_BYTES)
    caseworker.get_by_label("Description").fill("Drill letter")
    caseworker.locator("#document_date-day").fill("1")
    caseworker.locator("#document_date-month").fill("12")
    caseworker.locator("#document_date-year").fill("2026")
    caseworker.get_by_label("File").set_input_files(str(upload))
    caseworker.get_by_role("button", name="Publish to the family").click()
    expect(caseworker.locator(".govuk-notification-banner")).to_contain_text("Document published")
    assert_accessible(caseworker)
    added = set(cluster.stored("oxfordshire/cases/")) - set(stored_before)
    assert len(added) == 1, added  # the upload went to the S3 server, under the council's prefix
    told = mail_to(cluster, PARENT, 1)
    assert any("new document" in email.lower() for email in told), told[-1]
    assert "Mary" not in told[-1]  # what, never who

    parent = signed_in(browser, cluster, PARENT)
    parent.goto(cluster.url("oxfordshire", f"/children/{CHILD}/documents/"))
    assert_accessible(parent)
    with parent.expect_download() as downloaded:
        parent.get_by_role("link", name=re.compile("Drill letter")).click()
    assert downloaded.value.path().read_bytes() == PDF_BYTES

    # Both web instances served the journey, behind the one address, and the workers sent the mail.
    upstreams = set(re.findall(r" (127\.0\.0\.1:\d+)$", cluster.log("nginx"), re.MULTILINE))
    assert upstreams == {f"127.0.0.1:{port}" for port in cluster.web_ports}, cluster.log("nginx")[-2000:]
    for instance in ("web1", "web2"):
        assert re.search(r'"(GET|POST) /', cluster.log(instance)), f"{instance} served nothing"
    sent_by = [name for name in ("worker1", "worker2") if "notification_send" in cluster.log(name)]
    assert sent_by, "no worker sent a notification"
