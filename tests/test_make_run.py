"""`make run` with no DATABASE_URL: the embedded PostgreSQL under var/ starts, the schemas migrate, the
demo councils are seeded and the server answers for each council, from a data directory made new."""

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from scripts.loopback import free_port

ROOT = Path(__file__).resolve().parent.parent
PGDIR = "var/pg-smoke"


def fetch(port: int, host: str, path: str = "/") -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback only)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.slow
def test_make_run_serves_the_demo_councils_from_embedded_postgres():
    subprocess.run([".venv/bin/python", "scripts/embedded_pg.py", "stop", PGDIR], cwd=ROOT, check=False)
    shutil.rmtree(ROOT / PGDIR, ignore_errors=True)
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    env.update(EMBEDDED_PG_DIR=PGDIR, PORT=str(port))
    log = (ROOT / "var" / "make-run-smoke.log").open("w")
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, _ = fetch(port, "localhost", "/healthz")
                if status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        log.flush()
        output = (ROOT / "var" / "make-run-smoke.log").read_text()
        assert status == 200, output[-3000:]

        assert "Demo councils and accounts (password: Demo-Password-2026)" in output
        assert "caseworker@oxfordshire.example" in output
        assert "therapist@nelincs.example" in output

        code, html = fetch(port, "oxfordshire.localhost")
        assert code == 200
        assert '<span class="app-council-header__name">Oxfordshire County Council</span>' in html
        code, html = fetch(port, "hertfordshire.localhost")
        assert code == 200
        assert '<span class="app-council-header__name">Hertfordshire County Council</span>' in html
        code, html = fetch(port, "localhost")
        assert "Worcestershire Children First" in html
        assert fetch(port, "unknown.localhost")[0] == 404
        assert (ROOT / PGDIR / "PG_VERSION").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        subprocess.run([".venv/bin/python", "scripts/embedded_pg.py", "stop", PGDIR], cwd=ROOT, check=False)
