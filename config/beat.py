"""Exactly one Celery beat: two would send every scheduled task twice (two reminder emails a day).

The chart runs one beat replica with the Recreate strategy, but a rollout, a node that is lost without
its pod being seen to stop, or someone scaling the Deployment can still start a second. So beat holds a
lock in Redis (SET NX with an expiry, redis-py's Lock) for as long as it runs: ``LockedScheduler`` takes
it before it sets up the schedule, waiting as long as another beat holds it, and renews it on every
tick. A beat that finds its lock gone (it stalled past the expiry and another took over) stops, and its
Deployment starts it again to wait. A beat that stops cleanly lets go at once; one that is killed
holds the lock until it expires (LOCK_SECONDS), and its successor waits that long.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time

import redis
from celery.beat import Scheduler
from redis.exceptions import LockError

logger = logging.getLogger(__name__)

LOCK_KEY = "ehc:celery-beat:lock"
LOCK_SECONDS = 60
# Renewed well inside the expiry, so a slow tick or a short Redis pause does not lose it.
RENEW_SECONDS = 15
# How often a waiting beat tries again.
WAIT_SECONDS = 1


@contextlib.contextmanager
def stop_on_signal():
    """While a beat waits, SIGTERM and SIGINT stop it at once. Celery's own handler would ask the
    scheduler to save first, and the scheduler is the object still waiting here: it would wait again."""
    if threading.current_thread() is not threading.main_thread():
        yield  # beat embedded in a worker's thread: signals are the worker's
        return

    def stop(signum, frame):
        raise SystemExit(0)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class LockedScheduler(Scheduler):
    """Celery's in-memory scheduler (nothing written to disk: the root filesystem is read-only), run only
    while this process holds the beat lock in the broker's Redis."""

    def __init__(self, app, *args, lazy=False, **kwargs):
        # Celery also makes a lazy scheduler only to describe it in beat's banner: that one sends
        # nothing, so it takes no lock.
        if not lazy:
            self.beat_lock_take(app)
        super().__init__(app, *args, lazy=lazy, **kwargs)

    def beat_lock_take(self, app) -> None:
        client = redis.Redis.from_url(app.conf.broker_url)
        self.beat_lock = client.lock(LOCK_KEY, timeout=LOCK_SECONDS, sleep=WAIT_SECONDS, thread_local=False)
        if not self.beat_lock.acquire(blocking=False):
            logger.warning("Another beat holds the beat lock: waiting for it")
            with stop_on_signal():
                self.beat_lock.acquire(blocking=True)
        logger.info("Beat lock taken: this beat sends the scheduled tasks")
        self.lock_renew_at = time.monotonic() + RENEW_SECONDS

    def tick(self, *args, **kwargs):
        if time.monotonic() >= self.lock_renew_at:
            try:
                self.beat_lock.reacquire()
            except LockError:
                logger.error("The beat lock was lost to another beat: stopping")
                raise SystemExit(1) from None
            self.lock_renew_at = time.monotonic() + RENEW_SECONDS
        return min(super().tick(*args, **kwargs), RENEW_SECONDS)

    def close(self):
        super().close()
        try:
            self.beat_lock.release()
        except LockError:
            pass  # already lost or expired: nothing of ours to let go
        else:
            logger.info("Beat lock released")
