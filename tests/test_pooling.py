"""Behind PgBouncer (Debian's, 1.18), does every read stay in its own council's schema?

django-tenants chooses the schema by issuing ``SET search_path`` on each cursor Django makes, and then
the query. Outside a transaction (Django's autocommit, everywhere but ``atomic`` blocks) those are two
transactions; in PgBouncer's transaction pooling each may run on a different server connection, and a
server connection keeps whatever search_path its last client set. These tests drive concurrent clients,
each in its own schema, through a pool of two server connections, as Django does (django-tenants'
own database wrapper, a connection per "request", closed after it as with CONN_MAX_AGE=0), and count the
reads that ran in another schema: ``current_schema()`` and a row tagged with its schema's name.

What they show (docs/ARCHITECTURE.md, "PostgreSQL behind a pooler", has the measured counts):
transaction pooling leaks autocommit reads into other councils' schemas, is safe only where every read
is inside a transaction, and TENANT_LIMIT_SET_CALLS makes even those leak; session pooling leaks
nothing, and the tenant-isolation and guarded-pages tests pass through it. So the product runs behind
session pooling. The leaking cases assert that they leak, so that the evidence stays reproducible.
"""

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper

from scripts.pooler import pooler_start

# django_db only so that pytest-django makes the test database; the clients' connections are their own.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ("pooling_north", "pooling_south", "pooling_east", "pooling_west")
CLIENTS_PER_SCHEMA = 2
REQUESTS_PER_CLIENT = 25
READS_PER_REQUEST = 4
READS = len(SCHEMAS) * CLIENTS_PER_SCHEMA * REQUESTS_PER_CLIENT * READS_PER_REQUEST  # 800 per run
READ = "SELECT current_schema(), (SELECT schema_name FROM pooling_marker)"


@pytest.fixture(scope="module")
def upstream(django_db_setup, django_db_blocker):
    """The test database's settings, with a ``pooling_marker`` table in each schema holding that
    schema's name (public's too, so that a read on a server connection fresh from PgBouncer, with the
    default search_path, answers rather than fails). Committed, so that every server connection sees it."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for schema in ("public", *SCHEMAS):
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {schema}.pooling_marker (schema_name text)")
            cursor.execute(f"TRUNCATE {schema}.pooling_marker")
            cursor.execute(f"INSERT INTO {schema}.pooling_marker VALUES (%s)", [schema])  # noqa: S608 (ours)
    yield dict(connection.settings_dict)
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE public.pooling_marker")
        for schema in SCHEMAS:
            cursor.execute(f"DROP SCHEMA {schema} CASCADE")


def client_reads(settings_dict: dict, schema: str, *, in_transaction: bool, start: threading.Barrier) -> list:
    """One client's reads in ``schema``: requests that each open a connection (django-tenants' wrapper,
    so the SET comes from the code the product runs), read, and close it. Returns (expected schema,
    current_schema(), marker) for every read."""
    start.wait()
    results = []
    for _ in range(REQUESTS_PER_CLIENT):
        wrapper = DatabaseWrapper(settings_dict, alias="pooled")
        wrapper.set_schema(schema)
        try:
            for _ in range(READS_PER_REQUEST):
                if in_transaction:
                    wrapper.set_autocommit(False)
                with wrapper.cursor() as cursor:
                    cursor.execute(READ)
                    results.append((schema, *cursor.fetchone()))
                if in_transaction:
                    wrapper.commit()
                    wrapper.set_autocommit(True)
        finally:
            wrapper.close()
    return results


def wrong_reads(upstream: dict, pool_mode: str, *, in_transaction) -> tuple[int, int]:
    """(reads that ran in another schema, reads) for every client reading at once through PgBouncer in
    ``pool_mode``; ``in_transaction`` is a bool for every client, or "mixed": half of each schema's
    clients in transactions, half in autocommit."""
    pooler = pooler_start(upstream=upstream, pool_mode=pool_mode)
    try:
        settings_dict = pooler.settings_dict(upstream)
        clients = [(schema, n) for schema in SCHEMAS for n in range(CLIENTS_PER_SCHEMA)]
        start = threading.Barrier(len(clients))
        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            futures = [
                pool.submit(
                    client_reads,
                    settings_dict,
                    schema,
                    in_transaction=(n % 2 == 0) if in_transaction == "mixed" else in_transaction,
                    start=start,
                )
                for schema, n in clients
            ]
            results = [row for future in futures for row in future.result()]
    finally:
        pooler.stop()
    wrong = sum(1 for expected, current, marker in results if current != expected or marker != expected)
    print(f"\n{pool_mode} pooling, in_transaction={in_transaction}: {wrong} of {len(results)} elsewhere")
    return wrong, len(results)


def test_transaction_pooling_runs_autocommit_reads_in_other_councils_schemas(upstream):
    """The evidence that transaction pooling is unsafe: the SET and the read are separate transactions,
    and the read lands on a server connection another council's client set."""
    wrong, reads = wrong_reads(upstream, "transaction", in_transaction=False)
    assert reads == READS
    assert wrong > 0


def test_transaction_pooling_keeps_reads_inside_transactions_but_leaks_the_others(upstream):
    """Inside a transaction the SET and the read share a server connection; but the SET outlives the
    transaction, so a client reading in autocommit beside them still lands in their schemas. Safe only
    if every query of every process were inside a transaction, which Django does not do (ATOMIC_REQUESTS
    wraps only the view: middleware, a TemplateResponse's rendering, Celery tasks and commands run
    outside it)."""
    assert wrong_reads(upstream, "transaction", in_transaction=True) == (0, READS)
    wrong, _ = wrong_reads(upstream, "transaction", in_transaction="mixed")
    assert wrong > 0


def test_limit_set_calls_leaks_even_reads_inside_transactions(upstream, settings):
    """TENANT_LIMIT_SET_CALLS issues the SET once per connection, so later transactions of the same
    connection run on whichever server connection they get, with its search_path."""
    settings.TENANT_LIMIT_SET_CALLS = True
    wrong, _ = wrong_reads(upstream, "transaction", in_transaction=True)
    assert wrong > 0


def test_session_pooling_keeps_every_read_in_its_council(upstream):
    """A server connection serves one client from connect to close, and is reset (DISCARD ALL) before
    the next: autocommit and transactions alike stay in their own schema."""
    assert wrong_reads(upstream, "session", in_transaction="mixed") == (0, READS)
    assert wrong_reads(upstream, "session", in_transaction=False) == (0, READS)


def test_isolation_tests_pass_through_session_pooling(upstream):
    """The tenant-isolation and guarded-pages tests, run in a pytest of their own whose every database
    connection goes through PgBouncer in session mode (two server connections). Its test database is
    made and dropped here, directly, because PgBouncer keeps idle server connections to it that would
    stop Django's own DROP DATABASE."""
    name = f"{upstream['NAME']}_pooled"
    test_name = f"test_{name}"
    pooler = pooler_start(upstream=upstream, pool_mode="session")
    try:
        database_drop(upstream, test_name)
        env = {**os.environ, "DATABASE_URL": pooler.url(upstream, name)}
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:randomly",
                "--reuse-db",
                "tests/test_tenant_isolation.py",
                "tests/test_family_pages_guarded.py",
                "tests/test_hub_pages_guarded.py",
                "tests/test_staff_pages_guarded.py",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    finally:
        pooler.stop()
        database_drop(upstream, test_name)
    print(run.stdout[-2000:])
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
    assert "failed" not in run.stdout
    assert "error" not in run.stdout.splitlines()[-1]


def database_drop(upstream: dict, name: str) -> None:
    """Drop database ``name`` on the server itself (not through a pooler), whoever is connected."""
    with psycopg.connect(
        host=upstream["HOST"] or None,
        port=upstream["PORT"] or None,
        user=upstream["USER"],
        password=upstream["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
