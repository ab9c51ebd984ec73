"""Debian's pgbouncer in front of a PostgreSQL server: the pooling tests (tests/test_pooling.py) and the
many-process drill (scripts/cluster.py).

The pool is deliberately tiny (two server connections per database and user) so that several clients
really do share server connections, as they do behind a managed PostgreSQL's pooler at scale. pgbouncer
listens on a free loopback port, trusts every client (the tests are its only clients) and logs into
the PostgreSQL named by the test settings with their own user and password. `make pooler` installs it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.loopback import free_port

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


@dataclass
class Pooler:
    port: int
    pool_mode: str
    directory: Path
    process: subprocess.Popen

    def settings_dict(self, upstream: dict) -> dict:
        """Django's settings for ``upstream``'s database, reached through this pooler."""
        return {**upstream, "HOST": "127.0.0.1", "PORT": str(self.port)}

    def url(self, upstream: dict, name: str) -> str:
        """A DATABASE_URL for database ``name`` through this pooler, as ``upstream``'s user."""
        password = f":{upstream['PASSWORD']}" if upstream.get("PASSWORD") else ""
        return f"postgres://{upstream['USER']}{password}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


def pooler_start(*, upstream: dict, pool_mode: str, pool_size: int = 2) -> Pooler:
    """Start pgbouncer in ``pool_mode`` ("transaction" or "session") in front of the server that
    ``upstream`` (a Django database settings dict) names, for every database on it."""
    if not Path(PGBOUNCER).exists():
        raise RuntimeError("pgbouncer is not installed: run `make pooler`")
    directory = Path(tempfile.mkdtemp(prefix="ehc-pgbouncer-"))
    port = free_port()
    user = upstream.get("USER") or "postgres"
    target = f"host={upstream.get('HOST') or '127.0.0.1'} port={upstream.get('PORT') or 5432} user={user}"
    if upstream.get("PASSWORD"):
        target += f" password={upstream['PASSWORD']}"
    (directory / "users.txt").write_text(f'"{user}" ""\n')
    (directory / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = {target}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = trust\n"
        f"auth_file = {directory / 'users.txt'}\n"
        f"pool_mode = {pool_mode}\n"
        f"default_pool_size = {pool_size}\n"
        "min_pool_size = 0\n"
        "reserve_pool_size = 0\n"
        "max_client_conn = 500\n"
        # Session mode's reset between clients (pgbouncer's default, written out): the next client of
        # a server connection starts from the server's defaults, its search_path included.
        "server_reset_query = DISCARD ALL\n"
        f"logfile = {directory / 'pgbouncer.log'}\n"
        f"pidfile = {directory / 'pgbouncer.pid'}\n"
    )
    command = [PGBOUNCER, str(directory / "pgbouncer.ini")]
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        host = upstream.get("HOST") or ""
        if host.startswith("/"):  # a socket directory (the embedded PostgreSQL's): only its owner enters
            owner = pwd.getpwuid(Path(host).stat().st_uid).pw_name
        else:
            owner = "postgres" if _user_exists("postgres") else "nobody"
        shutil.chown(directory, owner)
        for path in directory.iterdir():
            shutil.chown(path, owner)
        command[1:1] = ["-u", owner]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"pgbouncer stopped: {process.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.terminate()
        raise RuntimeError("pgbouncer did not start listening")
    return Pooler(port=port, pool_mode=pool_mode, directory=directory, process=process)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
