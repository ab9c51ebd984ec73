"""What the cluster asks a pod, answered before anything else looks at the request.

Kubernetes' probes and Prometheus reach a pod by its IP address, with no council's host in the Host
header, and over plain HTTP inside the cluster: host routing (django-tenants), ALLOWED_HOSTS and the
HTTPS redirect would answer them with a 404, a 400 or a 301. So ``ClusterEndpointsMiddleware`` sits
first in MIDDLEWARE and answers three paths whatever the host:

- ``/healthz``, liveness: the process answers. Nothing else is checked, so a database outage does not
  make Kubernetes restart every web pod at once.
- ``/readyz``, readiness: a query on the database and a Redis PING. Either failing answers 503, so the
  pod is taken out of the Service until it recovers. The body names which check failed, nothing more.
- ``/metrics``, Prometheus's text format, only with ``Authorization: Bearer <METRICS_TOKEN>``
  (Prometheus's scrape ``authorization`` setting): a header rather than a separate port because a
  port per gunicorn worker cannot be scraped as one, while one view reads every worker's numbers
  (prometheus_client's multiprocess directory, config/metrics.py). Without METRICS_TOKEN it refuses.
"""

from __future__ import annotations

import hmac
import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse

from config.metrics import metrics_text

logger = logging.getLogger(__name__)

# A probe that waits longer than Kubernetes' own timeout (1 second by default) says nothing useful.
REDIS_TIMEOUT_SECONDS = 1


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 (any failure means not ready; the type is logged, not the message)
        # Django closes a broken connection itself when the request finishes.
        logger.warning("Readiness: the database did not answer", exc_info=True)
        return False
    return True


def redis_answers() -> bool:
    """True without Redis configured (development: a per-process cache, eager tasks)."""
    if not settings.REDIS_URL:
        return True
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("Readiness: Redis did not answer", exc_info=True)
        return False
    finally:
        client.close()


def readiness() -> HttpResponse:
    checks = {"database": database_answers(), "redis": redis_answers()}
    body = {name: "ok" if passed else "failed" for name, passed in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


def metrics_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def metrics(request) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    body, content_type = metrics_text()
    return HttpResponse(body, content_type=content_type)


class ClusterEndpointsMiddleware:
    """First in MIDDLEWARE: /healthz, /readyz and /metrics for any host (see the module's docstring).
    Every other request goes on untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path == "/healthz":
            response = HttpResponse("ok\n", content_type="text/plain")
        elif path == "/readyz":
            response = readiness()
        elif path == "/metrics":
            response = metrics(request)
        else:
            return self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response
