"""Every SEND-team page and action, found from the URL table itself (so a new one cannot be missed):
a parent of this council gets 403, another council's staff get 404 for this council's case, and a
signed-out visitor is sent to sign in. Nothing is written by any refused request."""

import datetime
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import URLPattern, get_resolver
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.roles import Role
from ehc.models import Case
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory, council_person

User = get_user_model()
# Staff pages: everything under these prefixes on a council's site.
STAFF_PREFIXES = ("requests/", "workspace/", "cases/", "council/forms/")
ARGUMENTS = {"pk": "1", "file_id": "1", "slug": "parent", "section": "B", "number": "1"}


def staff_patterns(
    prefixes: tuple[str, ...] = STAFF_PREFIXES, urlconf: str = "config.urls_tenant"
) -> list[tuple[str, str]]:
    """(name, path template) of every URL under ``prefixes`` (the staff pages unless told) in the
    council's URL table (or in ``urlconf``, the platform's)."""
    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLPattern):
                if route.startswith(prefixes):
                    found.append((entry.name, route))
            else:
                walk(entry.url_patterns, route)

    walk(get_resolver(urlconf).url_patterns)
    return found


STAFF = staff_patterns()


def test_the_table_was_read():
    names = {name for name, _ in STAFF}
    assert {"case_page", "case_list", "workspace", "case_invite", "case_document_publish"} <= names
    assert len(STAFF) >= 25


@pytest.fixture
def case(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        return Case.objects.create(
            reference=f"CASE-G{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Guarded",
            child_last_name="Child",
            received_on=datetime.date(2026, 9, 1),
        )


def fill(route: str, reference: str) -> str:
    path = re.sub(r"<str:reference>", reference, route)
    return "/" + re.sub(r"<\w+:(\w+)>", lambda m: ARGUMENTS[m.group(1)], path)


@pytest.mark.parametrize(("name", "route"), STAFF, ids=[name for name, _ in STAFF])
def test_parents_other_councils_and_strangers_are_refused(name, route, case, oxfordshire, worcestershire):
    cache.clear()
    path = fill(route, case.reference)
    parent = UserFactory(email=f"guard-{uuid.uuid4().hex[:8]}@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=parent, role=Role.PARENT)
    parent_client = sign_in(host_client("oxfordshire"), parent, oxfordshire)
    with schema_context(oxfordshire.schema_name):
        audit_before = AuditEvent.objects.count()  # after signing in, which is audited
    attempt = {"action": "decide_to_assess", "happened_on": "2026-10-01", "caseworker": "1"}
    assert parent_client.get(path).status_code == 403, path
    assert parent_client.post(path, attempt).status_code == 403

    stranger = host_client("oxfordshire").get(path)
    assert stranger.status_code == 302, path
    assert stranger["Location"].startswith("/accounts/login/")

    if "<str:reference>" in route:
        other = sign_in(
            host_client("worcestershire"),
            council_person("caseworker@worcestershire.example"),
            worcestershire,
        )
        answers = {other.get(path).status_code, other.post(path, attempt).status_code}
        # 404 for the method the page takes; 405 for the other one says nothing about the case either
        assert 404 in answers, path
        assert answers <= {404, 405}, path
    with schema_context(oxfordshire.schema_name):
        assert AuditEvent.objects.count() == audit_before
        case.refresh_from_db()
        assert case.stage == "request_received"
