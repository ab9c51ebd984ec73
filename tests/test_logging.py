"""Logs hold nothing about a person: the lines the configured console handler really writes, for a 500
on a form page, a logged error with an address in it and a failing Celery task. Each test proves the
record was written (its logger, type or stack is there), then that the personal values are not."""

import io
import logging
import sys
import uuid

import pytest
import redis.utils
import sentry_sdk
from celery import signals
from django.db import IntegrityError
from django_tenants.utils import schema_context

from config.celery import app
from config.logs import SafeFormatter
from core.roles import Role
from ehc.requests import services
from tests.conftest import host_client, sign_in
from tests.ehc.test_requests import begin
from tests.factories import MembershipFactory, UserFactory
from tests.test_sentry import CHILD_FIRST, CHILD_LAST, DIAGNOSIS, EMAIL, PARENT_NAME, wsgi_post


class ProbeError(RuntimeError):
    """Raised on purpose: the test looks for this type in the log."""


def console_handler() -> logging.Handler:
    return next(handler for handler in logging.getLogger().handlers if handler.get_name() == "console")


@pytest.fixture
def console():
    """What LOGGING's console handler writes, through its own formatter."""
    stream = io.StringIO()
    handler = console_handler()
    earlier = handler.setStream(stream)
    yield stream
    handler.setStream(earlier)


def assert_nothing_personal(text: str, *values: str) -> None:
    for value in values:
        assert value not in text, f"{value!r} was written to the log"


def test_a_500_on_a_form_page_logs_the_type_and_view_not_the_answers(console, oxfordshire, monkeypatch):
    user = UserFactory(email=EMAIL)
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
    client = sign_in(host_client("oxfordshire"), user, oxfordshire)
    draft = begin(client)
    assert client.get(f"/forms/{draft.pk}/part1/").status_code == 200  # sets the CSRF cookie

    def failing_save(*, request, by, answers):
        # As a database error would: its message quotes the row (the email, the posted text).
        try:
            raise IntegrityError(f'Key (email)=({EMAIL}) already exists. DETAIL: "{answers}"')
        except IntegrityError as exc:
            raise ProbeError(f"could not save {answers.get('first_name')} for {EMAIL}") from exc

    monkeypatch.setattr(services, "request_save_page", failing_save)
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
    )
    assert status.startswith("500")

    text = console.getvalue()
    assert "ProbeError" in text  # the record was written (in any format)
    assert_nothing_personal(text, CHILD_FIRST, CHILD_LAST, PARENT_NAME, DIAGNOSIS, EMAIL, "example.com")
    # Django's request logger, the path (no query), both types, the view's frame.
    assert f"ERROR django.request Internal Server Error: /forms/{draft.pk}/part1/\n" in text
    assert "django.db.utils.IntegrityError: [Filtered]" in text
    assert "The above exception was the direct cause of the following exception" in text
    assert "ProbeError: [Filtered]" in text
    assert 'ehc/requests/views.py", line' in text
    assert "in failing_save" in text


def test_a_logged_error_keeps_its_template_and_ids_not_an_address(console):
    case_id, task_id, digest = 4417, str(uuid.uuid4()), "ab" * 32
    logging.getLogger("ehc.probe").error(
        "Notification %s (%s) for case %s, task %s, upload %s not sent: %s",
        case_id,
        "email",
        uuid.UUID(int=7),
        task_id,
        digest,
        f"SMTPRecipientsRefused: {EMAIL}",
        extra={"child": f"{CHILD_FIRST} {CHILD_LAST}"},
    )
    logging.getLogger("ehc.probe").error(ProbeError(f"not sent to {EMAIL}"))

    text = console.getvalue()
    assert "Notification 4417" in text  # the record was written (in any format)
    assert_nothing_personal(text, EMAIL, CHILD_FIRST, CHILD_LAST)
    assert (
        f"ERROR ehc.probe Notification 4417 ([Filtered]) for case {uuid.UUID(int=7)}, task {task_id}, "
        f"upload {digest} not sent: [Filtered]\n"
    ) in text
    assert "ERROR ehc.probe tests.test_logging.ProbeError: [Filtered]\n" in text


def test_logger_exception_keeps_the_stack_not_the_message(console):
    try:
        raise ValueError(f"value too long for type character varying(50): {DIAGNOSIS}")
    except ValueError:
        logging.getLogger("core.uploads").exception("Virus scan failed, upload refused (sha256 %s)", EMAIL)

    text = console.getvalue()
    assert "Virus scan failed" in text  # the record was written (in any format)
    assert_nothing_personal(text, EMAIL, DIAGNOSIS)
    assert "ERROR core.uploads Virus scan failed, upload refused (sha256 [Filtered])\n" in text
    assert "in test_logger_exception_keeps_the_stack_not_the_message" in text
    assert "ValueError: [Filtered]" in text


@app.task(name="tests.test_logging.probe_task")
def probe_task(email: str, child_name: str) -> None:
    raise ProbeError(f"could not write to {email} about {child_name}")


def test_a_failing_celery_task_logs_no_arguments_or_message(console, db):
    assert app.conf.task_always_eager
    # As the worker runs it: the failure is recorded and logged, not raised to the caller.
    result = probe_task.apply(args=(EMAIL, f"{CHILD_FIRST} {CHILD_LAST}"), throw=False)
    assert result.failed()

    text = console.getvalue()
    assert "probe_task" in text  # the record was written (in any format)
    assert_nothing_personal(text, EMAIL, CHILD_FIRST, CHILD_LAST)
    # Celery's failure record, with the task's name and id.
    line = f"Task tests.test_logging.probe_task[{result.id}] raised unexpected: [Filtered]\n"
    assert f"ERROR celery.app.trace {line}" in text
    assert "in probe_task" in text
    assert "tests.test_logging.ProbeError: [Filtered]" in text


def test_the_celery_worker_logs_through_the_same_formatter():
    """A worker or beat asks setup_logging's receivers first; with none, Celery installs handlers of
    its own that write every argument and message."""
    assert signals.setup_logging.send(sender=None, loglevel="INFO", logfile=None, format="", colorize=False)
    assert isinstance(console_handler().formatter, SafeFormatter)


def test_every_handler_the_settings_install_formats_safely():
    """Every handler on every logger, but pytest's own and sentry-sdk's debug handler, which writes only
    when Sentry's debug option is on (config/sentry.py never sets it)."""
    assert not sentry_sdk.get_client().options.get("debug")
    redis.utils._set_info_logger()  # as redis-py does on a connection's first use
    assert not logging.getLogger("push_response").isEnabledFor(logging.INFO)  # whole messages, unformatted
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    handlers = {
        handler
        for logger in loggers
        for handler in logger.handlers
        if not type(handler).__module__.startswith("_pytest")
        and not isinstance(handler, logging.NullHandler)
        and logger.name != "sentry_sdk.errors"
    }
    assert console_handler() in handlers
    for handler in handlers:
        assert isinstance(handler.formatter, SafeFormatter), [
            lg.name for lg in loggers if handler in lg.handlers
        ]


def test_runserver_lines_keep_the_path_not_the_query(console):
    """The development server's request log goes through the same handler, its query string dropped."""
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /cases/?q={CHILD_FIRST} HTTP/1.1", "200", "512"
    )

    text = console.getvalue()
    assert 'INFO django.server "GET /cases/ HTTP/1.1" 200 512\n' in text
    assert_nothing_personal(text, CHILD_FIRST)


def test_the_formatter_never_falls_back_to_the_raw_record():
    """A traceback another handler cached, a %d given text, a mapping, an object as the message: none
    brings the value into the line, and nothing raises (logging would print the arguments to stderr)."""
    formatter = SafeFormatter("%(levelname)s %(message)s")
    try:
        raise ProbeError(EMAIL)
    except ProbeError:
        record = logging.getLogger("ehc.probe").makeRecord(
            "ehc.probe", logging.ERROR, __file__, 1, "Sent %d to %s", (EMAIL, EMAIL), sys.exc_info()
        )
    record.exc_text = f"ProbeError: {EMAIL}"  # as logging.Formatter caches it
    assert formatter.format(record).startswith("ERROR Sent %d to %s\nTraceback (most recent call last):\n")
    assert "tests.test_logging.ProbeError: [Filtered]" in formatter.format(record)
    assert EMAIL not in formatter.format(record)

    mapping = logging.makeLogRecord({"msg": "%(who)s has case %(case)s", "args": {"who": EMAIL, "case": 7}})
    assert formatter.format(mapping).endswith(" [Filtered] has case 7")
    an_object = logging.makeLogRecord({"msg": {"email": EMAIL}, "args": ()})
    assert formatter.format(an_object).endswith(" dict: [Filtered]")
    broken = logging.makeLogRecord({"msg": "%(missing)s", "args": {"email": EMAIL}, "created": "x"})
    assert EMAIL not in formatter.format(broken)
