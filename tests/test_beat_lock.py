"""Exactly one beat (config/beat.py): with real Redis, a second beat started while the first holds the
lock waits, sending nothing, and takes over as soon as the first stops; a waiting beat stops at once
when Kubernetes asks it to."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from config.beat import LOCK_KEY

ROOT = Path(__file__).resolve().parent.parent
TAKEN = "Beat lock taken"
WAITING = "Another beat holds the beat lock: waiting for it"


def beat(log: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "-S", "config.beat:LockedScheduler"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_for(log: Path, text: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text():
        assert time.monotonic() < deadline, f"{text!r} not in:\n{log.read_text()}"
        time.sleep(0.2)


@pytest.mark.slow
def test_a_second_beat_waits_while_the_first_holds_the_lock(tmp_path):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.fail("TEST_REDIS_URL is unset: run the suite with `make test`, which starts Redis if need be")
    client = redis.Redis.from_url(url)
    client.delete(LOCK_KEY)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = beat(first_log)
    second = third = None
    try:
        wait_for(first_log, TAKEN)
        second = beat(second_log)
        wait_for(second_log, WAITING)
        time.sleep(3)
        assert TAKEN not in second_log.read_text()
        assert second.poll() is None  # still waiting, not gone

        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
        assert "Beat lock released" in first_log.read_text()
        wait_for(second_log, TAKEN, seconds=15)

        third_log = tmp_path / "third.log"
        third = beat(third_log)
        wait_for(third_log, WAITING)
        third.send_signal(signal.SIGTERM)
        third.wait(timeout=10)
        assert TAKEN not in third_log.read_text()
    finally:
        for process in (first, second, third):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        client.delete(LOCK_KEY)
