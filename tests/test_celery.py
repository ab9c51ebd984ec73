"""Celery carries the council: a task sent in a council's context runs in that council's schema, both
eagerly (no broker, the embedded default) and through a real Redis broker and worker."""

import os

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django_tenants.utils import schema_context

from config.celery import app
from core.tasks import worker_ping


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
