"""What the cluster asks a pod (config/cluster.py): /healthz and /readyz answer whatever the Host header
(Kubernetes comes by the pod's IP address), /readyz fails with 503 and nothing personal when the
database or Redis does not answer, and /metrics shows the request counters and Celery's numbers only to
a caller with the token."""

import os

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from config.metrics import TASK_FAILURES_KEY, broker_redis, task_failure_count
from tests.conftest import host_client

POD_IP = "10.42.0.17:8000"  # in no ALLOWED_HOSTS and no council's domain
TOKEN = "metrics-test-token"  # noqa: S105 (a test's)


def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.fail("TEST_REDIS_URL is unset: run the suite with `make test`, which starts Redis if need be")
    return url


@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_answers_any_host_over_plain_http_without_the_database():
    response = Client(HTTP_HOST=POD_IP).get("/healthz")  # no db mark: a query would fail the test
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_readyz_checks_the_database_and_redis(db):
    with override_settings(REDIS_URL=redis_url()):
        response = Client(HTTP_HOST=POD_IP).get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok"}


def test_readyz_is_503_when_redis_does_not_answer(db):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):  # nothing listens on port 1
        response = Client(HTTP_HOST=POD_IP).get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "failed"}


def test_readyz_is_503_with_nothing_personal_when_the_database_fails(db, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError('connection to "db.internal" failed: FATAL: password for "ehc" was wrong')

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refused)
        response = Client(HTTP_HOST=POD_IP).get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "failed", "redis": "ok"}  # no message, host or user
    assert b"password" not in response.content


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_are_refused_without_the_token(db):
    client = Client(HTTP_HOST=POD_IP)
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 403  # not a bearer token


@override_settings(METRICS_TOKEN="")
def test_metrics_are_refused_to_everyone_when_no_token_is_set(db):
    assert Client(HTTP_HOST=POD_IP).get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_show_requests_and_celerys_queue_and_failures(oxfordshire):
    redis_url()  # the broker is the test Redis (config/settings/test.py)
    client = broker_redis()
    client.delete(TASK_FAILURES_KEY)
    task_failure_count(task_name="core.tasks.notification_send")
    assert host_client("oxfordshire").get("/accounts/login/").status_code == 200

    response = Client(HTTP_HOST=POD_IP).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'django_http_requests_total_by_method_total{method="GET"}' in text
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert 'ehc_celery_queue_length{queue="celery"}' in text
    assert 'ehc_celery_task_failures_total{task="core.tasks.notification_send"} 1.0' in text
    client.delete(TASK_FAILURES_KEY)
