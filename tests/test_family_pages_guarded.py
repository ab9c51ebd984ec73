"""Every family page and file of a child's case, found from the URL table itself: only a person with
active access sees it; another parent, this council's staff, another council's people and guessed
references get 404; a signed-out visitor is sent to sign in."""

import datetime
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.roles import Role
from ehc.models import AccessStatus, Case, CaseAccess
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory, council_person
from tests.test_staff_pages_guarded import ARGUMENTS, staff_patterns

User = get_user_model()


FAMILY = staff_patterns(("children/",))


def test_the_table_was_read():
    names = {name for name, _ in FAMILY}
    assert {"family_dashboard", "family_documents", "family_forms", "family_document_download"} <= names


def parent_of(council, case):
    user = UserFactory(email=f"fam-guard-{uuid.uuid4().hex[:8]}@example.com")
    with schema_context(council.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
        if case is not None:
            CaseAccess.objects.create(case=case, user=user, email=user.email, status=AccessStatus.ACTIVE)
    return sign_in(host_client(council.schema_name), user, council)


@pytest.mark.parametrize(("name", "route"), FAMILY, ids=[name for name, _ in FAMILY])
def test_only_the_family_with_access_sees_it(name, route, oxfordshire, worcestershire):
    cache.clear()
    with schema_context(oxfordshire.schema_name):
        case, other_case = (
            Case.objects.create(
                reference=f"CASE-H{uuid.uuid4().hex[:7].upper()}",
                child_first_name=first,
                child_last_name="Guarded",
                received_on=datetime.date(2026, 9, 1),
            )
            for first in ("Ann", "Bob")
        )
    path = "/" + re.sub(
        r"<\w+:(\w+)>", lambda m: ARGUMENTS[m.group(1)], route.replace("<str:reference>", case.reference)
    )
    refused = {404, 405}
    if name in {
        "family_dashboard",
        "family_request_details",
        "family_involvements",
        "family_documents",
        "family_plan",
        "family_plan_compare",
    }:
        assert parent_of(oxfordshire, case).get(path).status_code == 200, path
    other_parent = parent_of(oxfordshire, other_case)
    assert other_parent.get(path).status_code in refused, path
    assert other_parent.post(path, {}).status_code in refused, path
    assert other_parent.get(path.replace(case.reference, "CASE-GUESSED0")).status_code in refused
    staff = sign_in(host_client("oxfordshire"), council_person("caseworker@oxfordshire.example"), oxfordshire)
    assert staff.get(path).status_code in refused, path  # staff use the staff pages
    worcs = parent_of(worcestershire, None)
    assert worcs.get(path).status_code in refused, path
    stranger = host_client("oxfordshire").get(path)
    assert stranger.status_code in {302, 405}, path
    if stranger.status_code == 302:
        assert stranger["Location"].startswith("/accounts/login/")
