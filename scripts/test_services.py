"""Print the environment `make test` runs under: real PostgreSQL and Redis, started here if need be.

- DATABASE_URL as given; else the machine's PostgreSQL on 127.0.0.1:5432 when it answers; else nothing,
  and the test settings start the embedded PostgreSQL under var/pg-test.
- TEST_REDIS_URL as given; else the machine's Redis on 127.0.0.1:6379 when it answers; else a
  redis-server started here on 127.0.0.1:56379 (Debian's package, installed if missing).
"""

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def answers(port: int, probe: bytes | None = None, expect: bytes | None = None) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            if probe is None:
                return True
            sock.sendall(probe)
            return sock.recv(64).startswith(expect or b"")
    except OSError:
        return False


def redis_url() -> str:
    if os.environ.get("TEST_REDIS_URL"):
        return os.environ["TEST_REDIS_URL"]
    if answers(6379, b"PING\r\n", b"+PONG"):
        return "redis://127.0.0.1:6379/15"
    port = 56379
    if not answers(port, b"PING\r\n", b"+PONG"):
        if not shutil.which("redis-server"):
            sudo = [] if os.geteuid() == 0 else ["sudo"]
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, stdout=sys.stderr)
            subprocess.run(
                [*sudo, "apt-get", "install", "-y", "-qq", "redis-server"],
                check=True,
                env=env,
                stdout=sys.stderr,
            )
        data = ROOT / "var" / "redis-test"
        data.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(data),
                "--logfile",
                str(data / "redis.log"),
            ],
            check=True,
            stdout=sys.stderr,
        )
        for _ in range(50):
            if answers(port, b"PING\r\n", b"+PONG"):
                break
            time.sleep(0.1)
    return f"redis://127.0.0.1:{port}/0"


def main() -> None:
    exports = {"TEST_REDIS_URL": redis_url()}
    if os.environ.get("DATABASE_URL"):
        exports["DATABASE_URL"] = os.environ["DATABASE_URL"]
    elif answers(5432):
        exports["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/ehc_portal"
    for key, value in exports.items():
        print(f"export {key}={shlex.quote(value)}")
        print(f"{key}={value}", file=sys.stderr)


if __name__ == "__main__":
    main()
