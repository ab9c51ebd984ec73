"""Logs, keeping nothing about a person: the policy config/sentry.py applies to Sentry, for log lines.

Every handler in ``LOGGING`` formats through ``SafeFormatter`` (Django's own console and mail handlers
are taken off its loggers, and the Celery worker and beat log through ``LOGGING`` too, see
config/celery.py). A line keeps the time, level, logger name and the message's template, and for an
exception its type and stack (file, line, function and source line). What filled the template is
kept only when it is an id (see ``log_arg_safe``); everything else becomes ``[Filtered]``. A line never
has an exception's message (a database error quotes the row: ``Key (email)=(...) already exists``, a
posted answer that was too long), an exception's notes, frame locals or ``extra`` values (Django's
request, Celery's task arguments).

Django's request loggers keep the request's path, never its query string (``/cases/?q=`` holds a
child's name), as the access log does (deploy/README.md).

In production each line is one JSON object (``JsonFormatter``, python-json-logger) with the same safe
message and, from the request being served, its id (``RequestIdMiddleware``), the council's schema and
the signed-in user's id: enough to follow one request through every process's lines, and still nothing
that names a person.
"""

from __future__ import annotations

import contextlib
import contextvars
import http
import json
import logging
import re
import traceback
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from config.sentry import FILTERED

# A UUID or a sha256 hex digest written as text (Celery's task ids, an upload's hash): an id, never a
# name, an address, a date or words.
ID_TEXT = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}", re.IGNORECASE
)
# The attributes every LogRecord has; anything else on a record came from ``extra``.
RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", logging.INFO, "", 0, "", (), None).__dict__)
UNFORMATTABLE = "(this log line could not be formatted)"
# A request id a proxy sets (ingress-nginx sends 32 hex digits) is kept only if it looks like an id:
# anything else, which could be text someone typed, is replaced by one of ours.
REQUEST_ID_TEXT = re.compile(r"[A-Za-z0-9._-]{8,64}")
REQUEST_ID_HEADER = "X-Request-ID"
# The request this thread (or task) is serving, for the log lines written while it is.
current_request: contextvars.ContextVar[Any] = contextvars.ContextVar("current_request", default=None)


def log_arg_safe(value: Any, *, known: frozenset[str] = frozenset()) -> bool:
    """Whether a log argument may be written: ids (ints, UUIDs, UUID or sha256 text), counts, True,
    False, None, and text the record itself vouches for (``known``). Strings in general are not: the
    same ``%s`` takes a kind one day and an email address the next."""
    if value is None or isinstance(value, int | uuid.UUID):
        return True
    if isinstance(value, str):
        return value in known or ID_TEXT.fullmatch(value) is not None
    return False


def _celery_known(args: Mapping) -> set[str]:
    """Celery's task-failure line ("Task %(name)s[%(id)s] %(description)s: %(exc)s"): a registered
    task's name and the fixed description; the id is a UUID, the exception and arguments are not kept."""
    from celery import current_app  # noqa: PLC0415 (only for Celery's own records)
    from celery.app import trace  # noqa: PLC0415

    known = {
        policy.description
        for policy in (
            trace.log_policy_reject,
            trace.log_policy_ignore,
            trace.log_policy_internal,
            trace.log_policy_expected,
            trace.log_policy_unexpected,
        )
    }
    name = args.get("name")
    if isinstance(name, str) and name in current_app.tasks:
        known.add(name)
    return known


def _known(record: logging.LogRecord) -> frozenset[str]:
    """Text the record itself shows to be safe: Django's request path (never its query string) and
    status phrase ("Internal Server Error: %s"), Celery's task name and failure description."""
    known = set()
    if record.name == "celery.app.trace" and isinstance(record.args, Mapping):
        known |= _celery_known(record.args)
    path = getattr(getattr(record, "request", None), "path", None)
    if isinstance(path, str):
        known.add(path)
    status = getattr(record, "status_code", None)
    if isinstance(status, int):
        with contextlib.suppress(ValueError):
            known.add(http.HTTPStatus(status).phrase)
    return frozenset(known)


def _args_kept(record: logging.LogRecord) -> Any:
    args = record.args
    if record.name == "django.server" and isinstance(args, tuple) and args and isinstance(args[0], str):
        # runserver's '"GET /cases/?q=Poppy HTTP/1.1" 200 512': the request line without its query.
        method, _, rest = args[0].partition(" ")
        target, _, version = rest.partition(" ")
        line = f"{method} {target.split('?', 1)[0]} {version}".strip()
        numbers = tuple(arg if isinstance(arg, str) and arg.isdigit() else FILTERED for arg in args[1:])
        return (line, *numbers)
    known = _known(record)
    if isinstance(args, Mapping):
        return {key: value if log_arg_safe(value, known=known) else FILTERED for key, value in args.items()}
    return tuple(value if log_arg_safe(value, known=known) else FILTERED for value in args or ())


def log_message(record: logging.LogRecord) -> str:
    """The record's message: its template, filled with the arguments ``log_arg_safe`` keeps."""
    template = record.msg
    if not isinstance(template, str):
        # logger.error(exc) or logger.info(some_object): its text is not a template, it is data.
        return f"{_type_name(type(template))}: {FILTERED}"
    if not record.args:
        return template
    try:
        return template % _args_kept(record)
    except (TypeError, ValueError, KeyError):  # a %d given [Filtered]: the template alone
        return template


def _type_name(kind: type) -> str:
    module, name = getattr(kind, "__module__", ""), getattr(kind, "__qualname__", kind.__name__)
    return name if module in ("builtins", "__main__", "") else f"{module}.{name}"


def _exception_lines(exc: BaseException, tb: Any, seen: set[int]) -> list[str]:
    seen.add(id(exc))
    lines: list[str] = []
    cause = exc.__cause__
    context = None if exc.__suppress_context__ else exc.__context__
    if cause is not None and id(cause) not in seen:
        lines += _exception_lines(cause, cause.__traceback__, seen)
        lines.append("\nThe above exception was the direct cause of the following exception:\n\n")
    elif context is not None and id(context) not in seen:
        lines += _exception_lines(context, context.__traceback__, seen)
        lines.append("\nDuring handling of the above exception, another exception occurred:\n\n")
    if tb is not None:
        lines.append("Traceback (most recent call last):\n")
        lines += traceback.StackSummary.extract(traceback.walk_tb(tb)).format()  # no locals
    # The type, never the message (nor notes, nor a SyntaxError's text): as Sentry's exception value.
    lines.append(f"{_type_name(type(exc))}: {FILTERED}\n" if exc.args else f"{_type_name(type(exc))}\n")
    return lines


def exception_format(exc_info: Any) -> str:
    """A traceback as Python prints it, chained exceptions included, with every message filtered."""
    _, exc, tb = exc_info
    if exc is None:
        return "NoneType: None"
    return "".join(_exception_lines(exc, tb, set())).rstrip("\n")


class SafeFormatter(logging.Formatter):
    """The formatter of every handler in ``LOGGING``: see the module's docstring for what a line keeps.

    It formats a copy of the record holding only the standard attributes (so no ``extra`` value can
    reach a format string), its message already filled safely and no cached traceback text (another
    handler may have cached the full one). It never raises: logging's error handler would print the
    record's arguments to stderr.
    """

    default_format = "%(asctime)s %(levelname)s %(name)s %(message)s"

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, style: str = "%", **kwargs):
        super().__init__(fmt or self.default_format, datefmt, style, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        try:
            safe = logging.makeLogRecord({k: v for k, v in record.__dict__.items() if k in RECORD_ATTRIBUTES})
            safe.msg, safe.args, safe.exc_text = log_message(record), (), None
            return super().format(safe)
        except Exception:  # noqa: BLE001 (a log line must not fail, nor fall back to the raw record)
            return f"{getattr(record, 'levelname', '')} {getattr(record, 'name', '')} {UNFORMATTABLE}"

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        return exception_format(ei)


class RequestIdMiddleware:
    """Gives each request an id, the proxy's ``X-Request-ID`` when it sent a well-formed one, else a new
    one; echoes it in the response's ``X-Request-ID`` and makes the request the one ``JsonFormatter``
    reads until its response is closed. Early in MIDDLEWARE, so that every line of the request carries it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = given if REQUEST_ID_TEXT.fullmatch(given) else uuid.uuid4().hex
        # Kept until the response is closed (request_finished, below), not only while the middleware
        # runs: Django logs a 4xx or 5xx response's line after the last middleware has returned it.
        current_request.set(request)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


@receiver(request_finished, dispatch_uid="config.logs.request_forgotten")
def request_forgotten(**kwargs) -> None:
    current_request.set(None)


def _user_id(request: Any) -> int | None:
    """The signed-in user's id, read only from what the request has already loaded: formatting a log
    line must never run a query (and so change a page's query count, or log again from inside one)."""
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is not None and wrapped is not empty:
        return getattr(wrapped, "pk", None)
    session = getattr(request, "session", None)
    cached = getattr(session, "_session_cache", None)
    if isinstance(cached, dict) and "_auth_user_id" in cached:
        with contextlib.suppress(TypeError, ValueError):
            return int(cached["_auth_user_id"])
    return None


def log_context() -> dict[str, Any]:
    """Ids of what the line was written for: the request, its council's schema, its user; a Celery
    task's schema (tenant-schemas-celery switches the connection to it). Never a name or an address."""
    request = current_request.get()
    if request is not None:
        tenant = getattr(request, "tenant", None)
        return {
            "request_id": getattr(request, "request_id", None),
            "schema": getattr(tenant, "schema_name", None),
            "user_id": _user_id(request),
        }
    from django.db import connection  # noqa: PLC0415 (only once Django is set up, as every line is)

    return {"schema": getattr(connection, "schema_name", None)}


class JsonFormatter(BaseJsonFormatter):
    """SafeFormatter's rules, written as one JSON object per line: time, level, logger, the safe message,
    the exception's type and stack, and ``log_context()``. No ``extra`` value from the record is kept
    (python-json-logger would otherwise copy every one of them into the object)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", True)
        super().__init__(*args or ("%(levelname)s %(name)s %(message)s",), **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        try:
            safe = logging.makeLogRecord({k: v for k, v in record.__dict__.items() if k in RECORD_ATTRIBUTES})
            safe.msg, safe.args, safe.exc_text = log_message(record), (), None
            safe.__dict__.update(log_context())
            return super().format(safe)
        except Exception:  # noqa: BLE001 (a log line must not fail, nor fall back to the raw record)
            return json.dumps(
                {
                    "levelname": getattr(record, "levelname", ""),
                    "name": getattr(record, "name", ""),
                    "message": UNFORMATTABLE,
                }
            )

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        return exception_format(ei)
