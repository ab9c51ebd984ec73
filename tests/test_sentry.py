"""Sentry gets nothing about a person: the real envelopes sentry-sdk would send, captured by a local
transport (no network), for a 500 on a form page, a failing Celery task and a logged error. Each test
proves the event was sent, then that the posted answers, frame locals, cookies and addresses are nowhere
in it."""

import logging

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django_tenants.utils import schema_context
from sentry_sdk.transport import Transport

from config.celery import app
from config.sentry import breadcrumb_scrub, event_scrub, sentry_init, url_scrub
from core.roles import Role
from ehc.requests import services
from tests.conftest import HOSTS, host_client, sign_in
from tests.ehc.test_requests import begin
from tests.factories import MembershipFactory, UserFactory

CHILD_FIRST = "Zebediah"
CHILD_LAST = "Quillfeather"
DIAGNOSIS = "Dyspraxia-diagnosed-7731"
EMAIL = "worried.parent.5521@example.com"
PARENT_NAME = "Rosalind Quillfeather"
COOKIE = "cookie-value-9911"
TOKEN = "token-4471"
ADDRESS = "203.0.113.77"
AGENT = "Probe-Agent/1.0"


class ProbeError(RuntimeError):
    """Raised on purpose: the test looks for this type in the envelope."""


class KeepingTransport(Transport):
    """Keeps each envelope as the bytes sentry-sdk would have posted."""

    def __init__(self, options=None):
        super().__init__(options)
        self.sent: list[bytes] = []

    def capture_envelope(self, envelope):
        self.sent.append(envelope.serialize())

    def text(self) -> str:
        return b"\n".join(self.sent).decode("utf-8", "replace")


@pytest.fixture
def sentry():
    transport = KeepingTransport()
    sentry_init(dsn="https://public@sentry.invalid/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: the SDK is off again for the rest of the session


def assert_nothing_personal(text: str, *values: str) -> None:
    for value in values:
        assert value not in text, f"{value!r} was sent to Sentry"


def wsgi_post(client, path: str, data: dict, **headers) -> str:
    """POST through Django's real WSGI handler, as gunicorn would call it (the test client skips the
    WSGI layer, where Sentry reads the URL, headers and cookies). Returns the status line."""
    request = RequestFactory().post(
        path,
        data,
        HTTP_HOST=HOSTS["oxfordshire"],
        HTTP_COOKIE="; ".join(f"{m.key}={m.value}" for m in client.cookies.values()),
        **headers,
    )
    statuses = []
    # As Django's test client does: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(request.environ, lambda status, _headers, *args: statuses.append(status))
        b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return statuses[0]


def test_a_500_on_a_form_page_sends_no_answers_locals_cookies_or_address(sentry, oxfordshire, monkeypatch):
    user = UserFactory(email=EMAIL)
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
    client = sign_in(host_client("oxfordshire"), user, oxfordshire)
    draft = begin(client)
    assert client.get(f"/forms/{draft.pk}/part1/").status_code == 200  # sets the CSRF cookie

    def failing_save(*, request, by, answers):
        child_in_a_local = f"{answers.get('first_name')} {answers.get('last_name')}"  # noqa: F841
        raise ProbeError(f"could not save {answers}")

    monkeypatch.setattr(services, "request_save_page", failing_save)
    client.cookies["analytics_id"] = COOKIE
    status = wsgi_post(
        client,
        f"/forms/{draft.pk}/part1/?child={CHILD_FIRST}",
        {
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            "first_name": CHILD_FIRST,
            "last_name": CHILD_LAST,
            "parent1_name": PARENT_NAME,
            "needs-0-information": DIAGNOSIS,
            "action": "next",
        },
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
        HTTP_X_FORWARDED_FOR=ADDRESS,
        HTTP_REFERER=f"http://oxfordshire.localhost/forms/?name={CHILD_LAST}",
        HTTP_USER_AGENT=AGENT,
    )
    assert status.startswith("500")
    sentry_sdk.flush()

    text = sentry.text()
    assert "ProbeError" in text  # the event was sent, with its type, stack and URL
    assert "ehc/requests/views.py" in text
    assert f'"url":"http://{HOSTS["oxfordshire"]}/forms/{draft.pk}/part1/"' in text
    assert_nothing_personal(
        text,
        CHILD_FIRST,
        CHILD_LAST,
        DIAGNOSIS,
        PARENT_NAME,
        EMAIL,
        client.cookies["sessionid"].value,
        client.cookies["csrftoken"].value,
        COOKIE,
        TOKEN,
        ADDRESS,
        AGENT,
    )
    assert '"query_string":"child=%5BFiltered%5D"' in text


@app.task(name="tests.test_sentry.probe_task")
def probe_task(email: str, child_name: str) -> None:
    letter = f"Dear {child_name}'s family at {email}"  # noqa: F841 (a local that must not be sent)
    raise ProbeError(f"could not write to {email}")


def test_a_failing_celery_task_sends_no_arguments_or_locals(sentry, db):
    assert app.conf.task_always_eager
    with pytest.raises(ProbeError):
        probe_task.delay(EMAIL, f"{CHILD_FIRST} {CHILD_LAST}")
    sentry_sdk.flush()

    text = sentry.text()
    assert "ProbeError" in text
    assert "tests.test_sentry.probe_task" in text
    assert_nothing_personal(text, EMAIL, CHILD_FIRST, CHILD_LAST)


def test_a_logged_error_sends_its_template_not_its_arguments(sentry):
    logger = logging.getLogger("ehc.probe")
    logger.info("Looked up %s", EMAIL)  # a breadcrumb
    logger.error("Could not send to %s", EMAIL, extra={"child": f"{CHILD_FIRST} {CHILD_LAST}"})
    sentry_sdk.flush()

    text = sentry.text()
    assert not sentry_sdk.get_client().should_send_default_pii()
    assert "Could not send to %s" in text  # the event was sent
    assert "ehc.probe" in text
    assert_nothing_personal(text, EMAIL, CHILD_FIRST, CHILD_LAST, "Looked up")


def test_the_scrubber_is_a_second_line_for_what_the_sdk_might_still_collect():
    event = {
        "request": {
            "url": "https://oxon.example/cases/?q=Poppy",
            "method": "POST",
            "query_string": "q=Poppy&page=2",
            "data": {"first_name": "Poppy"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "X-Forwarded-For": "1.2.3.4", "Host": "oxon.example"},
            "env": {"REMOTE_ADDR": "1.2.3.4", "SERVER_NAME": "web"},
        },
        "user": {"email": "a@b.c", "id": 7},
        "extra": {"celery-job": {"args": ["a@b.c"]}},
        "logentry": {"message": "Sent to %s", "params": ["a@b.c"], "formatted": "Sent to a@b.c"},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": "Key (email)=(a@b.c) already exists",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"email": "a@b.c"}}]},
                }
            ]
        },
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT 'Poppy'", "data": {"x": 1}}]},
        "spans": [
            {"op": "cache.get", "description": "ratelimit:a@b.c", "data": {"k": "a@b.c"}},
            {"op": "http.client", "description": "GET https://api.example/x?email=a@b.c"},
        ],
    }
    scrubbed = event_scrub(event, {})
    assert "a@b.c" not in repr(scrubbed)
    assert "Poppy" not in repr(scrubbed)
    assert "1.2.3.4" not in repr(scrubbed)
    assert scrubbed["request"] == {
        "url": "https://oxon.example/cases/?q=%5BFiltered%5D",
        "method": "POST",
        "query_string": "q=%5BFiltered%5D&page=%5BFiltered%5D",
        "headers": {"Host": "oxon.example"},
        "env": {"SERVER_NAME": "web"},
    }
    assert scrubbed["exception"]["values"][0]["type"] == "IntegrityError"
    assert scrubbed["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "f"}]
    assert scrubbed["logentry"] == {"message": "Sent to %s"}
    assert breadcrumb_scrub({"category": "query", "message": "x", "data": {}}, {}) == {"category": "query"}
    assert url_scrub("https://u:p@h.example/a?b=c#d") == "https://h.example/a?b=%5BFiltered%5D"
