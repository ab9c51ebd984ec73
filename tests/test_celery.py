"""Celery carries the council: a task sent in a council's context runs in that council's schema, both
eagerly (no broker, the embedded default) and through a real Redis broker and worker."""

import os
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections, transaction
from django_tenants.utils import schema_context

from config.celery import app
from core.models import Notification
from core.notifications import notify
from core.tasks import worker_ping
from tests.core.test_notifications import FAIL_ONCE
from tests.mail import emails_to


def test_eager_tasks_run_in_the_senders_schema(oxfordshire):
    assert app.conf.task_always_eager
    with schema_context(oxfordshire.schema_name):
        assert worker_ping.delay().get() == "oxfordshire"


@pytest.fixture
def redis_app():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.fail("TEST_REDIS_URL is unset: run the suite with `make test`, which starts Redis if need be")
    assert app.connection_for_write().as_uri().startswith("redis://")
    app.conf.task_always_eager = False
    client = redis.Redis.from_url(url)
    client.delete("celery")
    # The worker runs in a thread of this process: close its database connection after each task, or
    # the test database cannot be dropped at the end of the session.
    task_postrun.connect(close_worker_connections)
    yield app, client
    task_postrun.disconnect(close_worker_connections)
    client.delete("celery")
    app.conf.task_always_eager = True


def close_worker_connections(**kwargs):
    connections.close_all()


def test_task_is_queued_in_redis_and_runs_in_the_senders_schema(db, oxfordshire, worcestershire, redis_app):
    celery_app, broker = redis_app
    with schema_context(oxfordshire.schema_name):
        from_oxfordshire = worker_ping.delay()
    with schema_context(worcestershire.schema_name):
        from_worcestershire = worker_ping.delay()
    from_platform = worker_ping.delay()

    assert broker.llen("celery") == 3  # queued, not run: no worker yet

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert from_oxfordshire.get(timeout=20) == "oxfordshire"
        assert from_worcestershire.get(timeout=20) == "worcestershire"
        assert from_platform.get(timeout=20) == "public"
    assert broker.llen("celery") == 0


def test_a_notification_that_fails_once_is_retried_by_the_worker_and_sent_exactly_once(
    django_db_setup, django_db_blocker, redis_app, settings
):
    """The real path: notify() commits the row and queues the task in Redis; the worker's first attempt
    fails (Notify's 503, as FailOnceEmailBackend plays it), Celery retries it a second later, and the
    second attempt sends. One email, and the row says so."""
    celery_app, broker = redis_app
    settings.EMAIL_BACKEND = "tests.core.test_notifications.FailOnceEmailBackend"
    address = f"worker-{uuid.uuid4().hex[:8]}@example.com"
    FAIL_ONCE.add(address)
    key = f"document:worker:{uuid.uuid4().hex[:8]}:email"
    # The worker reads the row on its own connection, so it is committed (as tests/ehc/test_case_concurrency
    # explains, not with transaction=True), and deleted at the end.
    with django_db_blocker.unblock():
        try:
            with schema_context("oxfordshire"):
                with transaction.atomic():
                    notify(
                        key=key,
                        channel="email",
                        to=address,
                        kind="document",
                        subject="Oxfordshire County Council: a new document to view (CASE-W1)",
                        body="A new document to view, case CASE-W1.\n\nSign in: https://oxfordshire.localhost/",
                    )
                    assert broker.llen("celery") == 0
                assert broker.llen("celery") == 1  # queued when the transaction committed, not before
            with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
                row = _wait_until_sent(key)
            assert broker.llen("celery") == 0
            assert row.sent_at is not None
            assert row.attempts == 2
            assert row.last_error == "TransientSendError: Notify answered 503 - Service unavailable"
            assert len(emails_to(address)) == 1
        finally:
            FAIL_ONCE.discard(address)
            with schema_context("oxfordshire"):
                Notification.objects.filter(key=key).delete()


def _wait_until_sent(key: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        with schema_context("oxfordshire"):
            row = Notification.objects.get(key=key)
        if row.sent_at or row.failed_at or time.monotonic() > deadline:
            return row
        time.sleep(0.2)
