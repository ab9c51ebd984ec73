"""Sentry, sending nothing about a person: the portal holds children's records.

The SDK is told not to collect (no request bodies, no frame locals, no cookies, no user, no personal
headers), and every event, transaction and breadcrumb then passes through a scrubber that removes those
again, and more, as a second line: a future integration, a changed SDK default or a ``logger.error``
with an email address in it must not put a child's details into someone else's system.

What Sentry keeps: the exception's type and stack (files, functions, line numbers, source lines), the
URL's path and method, the logger's name and message template, the council's host, the release and
environment. What it never gets: request bodies, query-string values, cookies, headers beyond a short
safe list, the user, frame local variables, exception messages (a database error quotes the row),
formatted log messages and their arguments, ``extra``, breadcrumb messages and data, span data.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

FILTERED = "[Filtered]"
# Request headers that say nothing about who is asking; every other header is dropped.
SAFE_HEADERS = {"host", "content-type", "content-length", "accept", "x-forwarded-proto"}
# Request environment keys worth keeping (Django's integration sends these two without PII).
SAFE_ENV = {"SERVER_NAME", "SERVER_PORT"}
# Span descriptions that may carry a cache or Redis key (allauth's rate-limit keys name addresses).
KEYED_SPAN_OPS = ("cache", "db.redis")


def sentry_init(
    *,
    dsn: str,
    environment: str,
    release: str | None = None,
    traces_sample_rate: float = 0.0,
    transport: Any = None,
) -> None:
    """Start Sentry for this process. ``transport`` is for tests (a local one that keeps envelopes)."""
    import sentry_sdk  # noqa: PLC0415 (only where a DSN is set)
    from sentry_sdk.integrations.celery import CeleryIntegration  # noqa: PLC0415
    from sentry_sdk.integrations.django import DjangoIntegration  # noqa: PLC0415

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # send_default_pii is left at its default, False (sentry-sdk 2.75 deprecates passing it).
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=event_scrub,
        before_send_transaction=event_scrub,
        before_breadcrumb=breadcrumb_scrub,
        transport=transport,
    )


def url_scrub(url: str) -> str:
    """A URL with its query string's values (and any fragment or credentials) removed."""
    parts = urlsplit(url)
    query = urlencode([(key, FILTERED) for key, _ in parse_qsl(parts.query, keep_blank_values=True)])
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _query_scrub(query: Any) -> str:
    if not isinstance(query, str):
        return ""
    return urlencode([(key, FILTERED) for key, _ in parse_qsl(query, keep_blank_values=True)])


def _request_scrub(request: dict) -> dict:
    kept = {}
    if isinstance(request.get("url"), str):
        kept["url"] = url_scrub(request["url"])
    if isinstance(request.get("method"), str):
        kept["method"] = request["method"]
    if request.get("query_string"):
        kept["query_string"] = _query_scrub(request["query_string"])
    headers = request.get("headers")
    if isinstance(headers, dict):
        kept["headers"] = {k: v for k, v in headers.items() if str(k).lower() in SAFE_HEADERS}
    env = request.get("env")
    if isinstance(env, dict):
        kept["env"] = {k: v for k, v in env.items() if k in SAFE_ENV}
    return kept  # no data, cookies or anything else


def _frames_scrub(container: Any) -> None:
    stacktrace = container.get("stacktrace") if isinstance(container, dict) else None
    for frame in (stacktrace or {}).get("frames") or []:
        if isinstance(frame, dict):
            frame.pop("vars", None)


def _exceptions_scrub(event: dict) -> None:
    exceptions = event.get("exception")
    values = exceptions.get("values") if isinstance(exceptions, dict) else exceptions
    for exception in values or []:
        if isinstance(exception, dict):
            if exception.get("value"):
                exception["value"] = FILTERED  # a database error quotes the row; the type and stack stay
            _frames_scrub(exception)
    threads = event.get("threads")
    for thread in (threads.get("values") if isinstance(threads, dict) else threads) or []:
        _frames_scrub(thread)


def _spans_scrub(event: dict) -> None:
    for span in event.get("spans") or []:
        if not isinstance(span, dict):
            continue
        span.pop("data", None)
        span.pop("tags", None)
        description = span.get("description")
        if str(span.get("op", "")).startswith(KEYED_SPAN_OPS):
            span["description"] = FILTERED
        elif isinstance(description, str) and "?" in description:
            span["description"] = description.split("?", 1)[0]
    trace = (event.get("contexts") or {}).get("trace")
    if isinstance(trace, dict):
        trace.pop("data", None)


def event_scrub(event: dict, hint: dict | None = None) -> dict:
    """``before_send`` and ``before_send_transaction``: keep what finds the bug, drop what finds a person."""
    if isinstance(event.get("request"), dict):
        event["request"] = _request_scrub(event["request"])
    event.pop("user", None)
    event.pop("extra", None)  # logging's extra=..., Celery's task arguments
    event.pop("server_name", None)  # the machine's name, not a person's, but nothing needs it
    if isinstance(event.get("logentry"), dict):
        # The template stays ("Could not send to %s"); what filled it does not.
        event["logentry"] = {"message": event["logentry"].get("message", "")}
    if "message" in event and "logentry" in event:
        event["message"] = event["logentry"]["message"]
    _exceptions_scrub(event)
    _spans_scrub(event)
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    if values:
        scrubbed = [breadcrumb_scrub(crumb) for crumb in values if isinstance(crumb, dict)]
        event["breadcrumbs"] = {"values": scrubbed} if isinstance(breadcrumbs, dict) else scrubbed
    return event


def breadcrumb_scrub(crumb: dict, hint: dict | None = None) -> dict:
    """``before_breadcrumb``: when and what kind, never the message (a log line, a query) or its data."""
    return {key: crumb[key] for key in ("type", "category", "level", "timestamp") if key in crumb}
