"""Test set-up: one database, the four reference councils created once per session, bare.

Creating a council migrates its schema (about 0.4 s each), so it happens once, in the session-scoped
``django_db_setup``, as onboarding does it (``council_create`` with the council's domains, then the
council's own configuration); nobody works there and there are no cases. Each test makes the people and
cases it needs (tests/factories.py) in a transaction that is rolled back. Tests of the demo itself, and
browser journeys that walk its story, ask for ``demo_seeded``. A test-client request moves the
connection to the council's schema, so every test ends back on public.
"""

import os
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from demo.councils import COUNCILS
from demo.seed import demo_council_create, demo_council_seed
from tenants.models import Council
from tenants.services import platform_ensure

# Playwright's sync API runs an event loop in this thread; Django's ORM is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HOSTS = {spec["schema_name"]: spec["domains"][0] for spec in COUNCILS}


def councils_create() -> None:
    """The platform's host and the four reference councils, each configured as its guide shows it (the
    settings, logo, support teams, message types and stage descriptions a council admin enters), with no
    people and no cases."""
    platform_ensure(domain="localhost")
    for spec in COUNCILS:
        demo_council_create(spec=spec)


def demo_seed() -> None:
    """The whole demo (demo.seed.demo_council_seed) in the four councils: its people, cases,
    health teams, documents and messages."""
    for spec in COUNCILS:
        demo_council_seed(spec=spec, password=settings.DEMO_PASSWORD)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        councils_create()
    yield
    # Threads (the browser tests' server, Celery's test worker) and Playwright's event-loop contexts can
    # leave a connection open, and PostgreSQL will not drop a database in use: end them first.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session", autouse=True)
def _mail_to_files(django_test_environment):
    """Django's test set-up swaps email to memory; tests read what was sent from var/mail-test instead,
    as the notification layer writes it in development."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


@pytest.fixture(autouse=True)
def _back_to_public():
    yield
    connection.set_schema_to_public()


def pytest_collection_modifyitems(items):
    """Tests that ask for the demo run after all the others (in their order), so that every other test
    runs against bare councils whichever tests were chosen."""
    items.sort(key=lambda item: "demo_seeded" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def demo_seeded(django_db_setup, django_db_blocker) -> None:
    """The demo, committed once for the rest of the session, for the browser journeys that walk its
    story (their live server reads committed rows). Every other test passes with or without it."""
    with django_db_blocker.unblock():
        demo_seed()


@pytest.fixture
def councils(db) -> dict[str, Council]:
    return {council.schema_name: council for council in Council.objects.exclude(schema_name="public")}


@pytest.fixture
def oxfordshire(councils) -> Council:
    return councils["oxfordshire"]


@pytest.fixture
def worcestershire(councils) -> Council:
    return councils["worcestershire"]


def family_invitation_link(schema_name: str, email: str) -> str:
    """The path of an open acceptance link of a family's invitation to a child's record, sent to
    ``email`` in this council (as a SEND team's invitation is once the identity is checked): the way in
    to a council whose registration is by invitation only (Worcestershire). Commits if the caller does."""
    import datetime  # noqa: PLC0415
    import secrets  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    from ehc.invitations.services import token_digest  # noqa: PLC0415
    from ehc.models import AccessStatus, Case, CaseAccess  # noqa: PLC0415

    token = secrets.token_urlsafe(16)
    now = timezone.now()
    with schema_context(schema_name):
        case = Case.objects.create(
            reference=f"CASE-I{secrets.token_hex(4).upper()}",
            child_first_name="Invited",
            child_last_name="Child",
            received_on=datetime.date(2026, 9, 1),
        )
        CaseAccess.objects.create(
            case=case,
            email=email.lower(),
            relationship="Parent or carer",
            status=AccessStatus.VERIFIED,
            token_digest=token_digest(token),
            invited_at=now,
            verified_at=now,
        )
    return f"/invitations/accept/{token}/"


def host_client(schema_name: str) -> Client:
    return Client(HTTP_HOST=HOSTS.get(schema_name, "localhost"))


@pytest.fixture
def oxon_client(db) -> Client:
    return host_client("oxfordshire")


@pytest.fixture
def worcs_client(db) -> Client:
    return host_client("worcestershire")


@pytest.fixture
def platform_client(db) -> Client:
    return host_client("public")


def sign_in(client: Client, user, council: Council) -> Client:
    """Sign ``user`` in on ``council``'s host, as the real sign-in would (the session is bound to it)."""
    with schema_context(council.schema_name):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def in_council():
    """Run code in a council's schema: ``with in_council(oxfordshire): ...``."""
    return lambda council: schema_context(council.schema_name)


@pytest.fixture
def assert_queries():
    """``with assert_queries(n): ...``: exactly n queries, not counting django-tenants' SET search_path,
    which it issues before each query on the schema (TENANT_LIMIT_SET_CALLS stays off: STACK.md)."""

    @contextmanager
    def check(expected: int):
        with CaptureQueriesContext(connection) as captured:
            yield captured
        real = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET search_path")]
        assert len(real) == expected, f"{len(real)} queries, expected {expected}:\n" + "\n".join(real)

    return check
