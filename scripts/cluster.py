"""The many-process drill (`make cluster`): the product as it runs in production, on loopback.

nginx (Debian's, TLS with a throwaway certificate) in front of two gunicorn instances with production
settings, two Celery workers and beat, Redis, PostgreSQL through Debian's PgBouncer in session mode
(scripts/pooler.py; transaction pooling is refused, deploy/README.md), and an S3 API server (moto's)
holding every uploaded file, each its own operating-system process with its own log under
var/cluster/logs/. The database is a fresh one,
migrated and seeded with the demo (through the local settings: production never seeds), then served
by production settings only.

    python -m scripts.cluster            # until Ctrl-C (make cluster); prints the addresses and logs
    python -m scripts.cluster --seconds 60

tests/deploy/test_cluster.py starts it (``Cluster`` below) and walks a journey through nginx.
Environment: DATABASE_URL (the server to make the drill's database on; the machine's PostgreSQL on
127.0.0.1:5432 when unset; the tests pass their own server, the embedded one included) and REDIS_URL
(a redis-server is started on a free port when unset).
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import boto3
import environ
import psycopg
from psycopg import sql

from config.embedded_pg import database_url
from scripts.loopback import free_port
from scripts.pooler import Pooler, pooler_start

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "cluster"
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
COUNCIL_HOSTS = ("oxfordshire", "worcestershire", "hertfordshire", "nelincs")


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(port: int, what: str, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers(port):
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}: see {VAR / 'logs'}")
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer on port {port} within {seconds} s")


class Cluster:
    """Start everything on `__enter__`, stop it all on `__exit__` (also after a failure)."""

    def __init__(self, *, server: dict | None = None, web_instances: int = 2, workers: int = 2) -> None:
        """``server``: the PostgreSQL server as Django's DATABASES names one (HOST, PORT, USER,
        PASSWORD; HOST may be a socket directory)."""
        self.web_instances, self.workers = web_instances, workers
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.web_ports = [free_port() for _ in range(web_instances)]
        self.https_port = free_port()
        self.database = f"ehc_cluster_{os.getpid()}"
        if server is None:
            url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
            server = environ.Env.db_url_config(url)
        self.server = server
        self.pooler: Pooler | None = None
        self.s3 = None
        self.redis_url = os.environ.get("REDIS_URL", "")

    # --- what a test reads -------------------------------------------------------------------------
    def url(self, council: str, path: str = "/") -> str:
        return f"https://{council}.localhost:{self.https_port}{path}"

    @property
    def mail_dir(self) -> Path:
        return VAR / "mail"

    def stored(self, prefix: str = "") -> list[str]:
        """The names of the files in the S3 server's bucket."""
        listed = self.s3.list_objects_v2(Bucket="ehc-drill", Prefix=prefix).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    def log(self, name: str) -> str:
        path = VAR / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # --- start and stop ----------------------------------------------------------------------------
    def __enter__(self) -> "Cluster":
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        for _name, process in reversed(self.processes):
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()
        if self.pooler is not None:
            self.pooler.stop()
            self.pooler = None
        self._database_drop()

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (VAR / "logs" / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 (our own commands)
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append((name, process))
        return process

    def _database_url(self) -> str:
        return database_url(self.server, self.database)

    def _admin(self, statement: sql.Composable) -> None:
        with psycopg.connect(
            host=self.server.get("HOST") or "127.0.0.1",
            port=self.server.get("PORT") or None,
            user=self.server.get("USER") or "postgres",
            password=self.server.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(statement)

    def _database_drop(self) -> None:
        with suppress(psycopg.Error):
            self._admin(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database))
            )

    def _environment(self) -> dict[str, str]:
        hosts = ",".join(["localhost", ".localhost", "127.0.0.1"])
        return {
            "PATH": f"{BIN}:/usr/sbin:/usr/bin:/bin",
            "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "cluster-drill-only-" + "x" * 40,
            "ALLOWED_HOSTS": hosts,
            "DATABASE_URL": self._database_url(),
            "REDIS_URL": self.redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "SMS_BACKEND": "core.notifications.FileSMSBackend",
            "CLAMAV_DATABASE": str(ROOT / "var" / "clamav" / "eicar.hdb"),
            "MEDIA_ROOT": str(VAR / "media"),
            "SITE_URL_PORT": str(self.https_port),
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_HSTS_PRELOAD": "false",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "WEB_CONCURRENCY": "2",
        }

    def _start(self) -> None:
        shutil.rmtree(VAR, ignore_errors=True)
        for folder in ("logs", "mail", "media", "nginx"):
            (VAR / folder).mkdir(parents=True, exist_ok=True)
        env = self._environment()
        if not self.redis_url:
            port = free_port()
            self._spawn(
                "redis", ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"], env
            )
            wait_for(port, "redis-server")
            self.redis_url = env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        subprocess.run(["redis-cli", "-u", self.redis_url, "FLUSHDB"], check=True, capture_output=True)  # noqa: S603, S607
        self._database_drop()
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
        # Migrate and seed through the local settings (production never seeds), on the same database.
        local = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local", "CELERY_TASK_ALWAYS_EAGER": "1"}
        local.pop("REDIS_URL")
        for command in (["migrate_schemas", "--executor=standard", "-v", "0"], ["seed_demo"]):
            subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=local, check=True, capture_output=True)  # noqa: S603
        self._s3_start(env)
        subprocess.run(  # noqa: S603
            [PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        # From here on every process reaches PostgreSQL through the pooler, as in production.
        self.pooler = pooler_start(upstream=self.server, pool_mode="session", pool_size=4)
        env["DATABASE_URL"] = self.pooler.url({"USER": "postgres", **self.server}, self.database)
        env["DATABASE_POOL_MODE"] = "session"
        for number, port in enumerate(self.web_ports, start=1):
            web = self._spawn(
                f"web{number}",
                [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
                {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            )
            wait_for(port, f"web{number}", web)
        for number in range(1, self.workers + 1):
            self._spawn(
                f"worker{number}",
                [
                    str(BIN / "celery"),
                    "-A",
                    "config",
                    "worker",
                    "-n",
                    f"worker{number}@%h",
                    "-c",
                    "1",
                    "-l",
                    "INFO",
                ],
                env,
            )
        self._spawn(
            "beat",
            [str(BIN / "celery"), "-A", "config", "beat", "-l", "INFO", "-s", str(VAR / "beat-schedule")],
            env,
        )
        self._nginx_start(env)

    def _s3_start(self, env: dict[str, str]) -> None:
        """moto's S3 server on a free port and a private bucket in it: the files of every process. The
        demo seeded its logos and documents on local disk first; they are copied across."""
        port = free_port()
        self._spawn("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], env)
        wait_for(port, "moto_server")
        credentials = {"AWS_ACCESS_KEY_ID": "drill", "AWS_SECRET_ACCESS_KEY": "drill-secret"}  # noqa: S105
        env.update(
            {
                **credentials,
                "AWS_STORAGE_BUCKET_NAME": "ehc-drill",
                "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                "AWS_S3_REGION_NAME": "eu-west-2",
                "AWS_S3_ADDRESSING_STYLE": "path",
            }
        )
        client = boto3.client(
            "s3",
            endpoint_url=env["AWS_S3_ENDPOINT_URL"],
            region_name="eu-west-2",
            aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
        )
        client.create_bucket(
            Bucket="ehc-drill", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        self.s3 = client
        for path in (VAR / "media").rglob("*"):
            if path.is_file():
                client.upload_file(str(path), "ehc-drill", str(path.relative_to(VAR / "media")))

    def _nginx_start(self, env: dict[str, str]) -> None:
        folder = VAR / "nginx"
        subprocess.run(  # noqa: S603
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,DNS:*.localhost",
                "-keyout", str(folder / "tls.key"), "-out", str(folder / "tls.crt"),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        upstreams = "\n".join(f"        server 127.0.0.1:{port};" for port in self.web_ports)
        # deploy/nginx.conf's server, behind TLS on a loopback port, balancing over the web instances.
        conf = f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {VAR}/logs/nginx-error.log error;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    log_format ehc_no_query '$remote_addr [$time_local] "$request_method $uri $server_protocol" '
                            '$status $body_bytes_sent $request_time $upstream_addr';
    upstream ehc_portal {{
{upstreams}
    }}
    server {{
        listen 127.0.0.1:{self.https_port} ssl;
        server_name _;
        ssl_certificate {folder}/tls.crt;
        ssl_certificate_key {folder}/tls.key;
        access_log {VAR}/logs/nginx.log ehc_no_query;
        client_max_body_size 103m;
        proxy_request_buffering on;
        proxy_read_timeout 130s;
        location / {{
            proxy_pass http://ehc_portal;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
        }}
    }}
}}
"""
        (folder / "nginx.conf").write_text(conf)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        process = self._spawn(
            "nginx", [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"], env
        )
        wait_for(self.https_port, "nginx", process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until Ctrl-C)")
    arguments = parser.parse_args()
    with Cluster() as cluster:
        print("The drill is up. Sign in with the demo accounts (make run lists them):")
        for council in COUNCIL_HOSTS:
            print(f"  {cluster.url(council)}")
        print(f"Logs: {VAR / 'logs'}; mail: {cluster.mail_dir}")
        try:
            if arguments.seconds:
                time.sleep(arguments.seconds)
            else:
                signal.pause()
        except KeyboardInterrupt:
            pass
    print("Stopped.")


if __name__ == "__main__":
    sys.exit(main())
