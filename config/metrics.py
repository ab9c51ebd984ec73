"""Prometheus metrics: django-prometheus's (requests, latencies, database) and Celery's (queue depth,
task failures), served by config/cluster.py's /metrics.

gunicorn runs several worker processes, each counting its own requests; with PROMETHEUS_MULTIPROC_DIR
set (deploy/entrypoint.sh sets it for web) each writes its numbers there and /metrics adds them up, so
one scrape sees the whole pod whichever worker answers it.

Celery's numbers live in Redis, where every web pod reads the same ones: the queues' lengths (what the
workers have not yet taken) and a count of failed tasks per task name, which each worker adds to when a
task fails (``task_failure_count``, connected in config/celery.py). Every web pod therefore reports the
same cluster-wide values: query them with ``max()``, not ``sum()``. Nothing about a person is a label:
only task names, queue names and django-prometheus's views, methods and status codes.
"""

from __future__ import annotations

import logging
import os

import prometheus_client
import redis
from django.conf import settings
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

logger = logging.getLogger(__name__)

TASK_FAILURES_KEY = "ehc:metrics:task-failures"
# kombu's Redis transport keeps a queue's messages of priority 3, 6 and 9 in lists of their own beside it.
PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
REDIS_TIMEOUT_SECONDS = 1


def broker_redis() -> redis.Redis | None:
    """The broker's Redis, or None where the broker is not Redis (tests' memory://, eager development)."""
    url = settings.CELERY_BROKER_URL or ""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    return redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )


def task_failure_count(*, task_name: str) -> None:
    """Counts one failed run of ``task_name`` in the broker's Redis (the name only, never arguments)."""
    client = broker_redis()
    if client is None:
        return
    try:
        client.hincrby(TASK_FAILURES_KEY, task_name, 1)
    except redis.RedisError:
        logger.warning("A task failure could not be counted in Redis", exc_info=True)
    finally:
        client.close()


class CeleryCollector:
    """Reads the queues' lengths and the failure counts from Redis at each scrape."""

    def collect(self):
        client = broker_redis()
        if client is None:
            return
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        depth = GaugeMetricFamily(
            "ehc_celery_queue_length", "Tasks waiting in a Celery queue, not yet taken", labels=["queue"]
        )
        failures = CounterMetricFamily(
            "ehc_celery_task_failures", "Task runs that failed, by task name", labels=["task"]
        )
        try:
            pipe = client.pipeline()
            for suffix in PRIORITY_SUFFIXES:
                pipe.llen(queue + suffix)
            pipe.hgetall(TASK_FAILURES_KEY)
            *lengths, counts = pipe.execute()
        except redis.RedisError:
            logger.warning("Celery's metrics could not be read from Redis", exc_info=True)
            return
        finally:
            client.close()
        depth.add_metric([queue], sum(lengths))
        for name, count in sorted(counts.items()):
            failures.add_metric([name.decode()], int(count))
        yield depth
        yield failures


def metrics_text() -> tuple[bytes, str]:
    """The exposition text of every metric this pod has, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = prometheus_client.REGISTRY
    celery = CollectorRegistry()
    celery.register(CeleryCollector())
    return generate_latest(registry) + generate_latest(celery), prometheus_client.CONTENT_TYPE_LATEST
