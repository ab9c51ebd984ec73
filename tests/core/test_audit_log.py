"""The council admin reads the council's audit log at /admin/: filtered by child (the case's reference)
and by person (only people of this council), and exported as CSV exactly as filtered, which is itself
audited."""

import csv
import io
import uuid

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.roles import Role
from core.services import audit_record, record_read
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory, council_person

LIST = "/admin/core/auditevent/"
EXPORT = "/admin/core/auditevent/export.csv"


@pytest.fixture
def log(oxfordshire, worcestershire):
    cache.clear()
    reader = UserFactory(email=f"reader-{uuid.uuid4().hex[:8]}@example.com")
    outsider = UserFactory(email=f"outsider-{uuid.uuid4().hex[:8]}@example.com")
    child, other_child = (f"CASE-{uuid.uuid4().hex[:8].upper()}" for _ in range(2))
    with schema_context(worcestershire.schema_name):
        MembershipFactory(user=outsider, role=Role.CASEWORKER)  # a person of another council only
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=reader, role=Role.CASEWORKER)
        record_read(actor=reader, action="record.read", subjects=[child], detail={"page": "case_page"})
        record_read(actor=reader, action="record.listed", subjects=[child, other_child], detail={})
        audit_record(actor=None, action="signin.failed", detail={"email": "=HYPERLINK(1)"}, subject=child)
    admin = council_person("admin@oxfordshire.example")
    return {
        "client": sign_in(host_client("oxfordshire"), admin, oxfordshire),
        "admin": admin,
        "reader": reader,
        "outsider": outsider,
        "child": child,
        "other_child": other_child,
    }


def test_the_log_is_filtered_by_child_and_by_person_of_this_council(log):
    client = log["client"]
    by_child = client.get(LIST, {"q": log["child"]})
    assert by_child.status_code == 200
    shown = list(by_child.context["cl"].result_list)
    assert len(shown) == 3
    assert {event.subject for event in shown} == {log["child"]}

    by_person = client.get(LIST, {"person": str(log["reader"].pk)})
    assert {event.actor_id for event in by_person.context["cl"].result_list} == {log["reader"].pk}
    assert {event.subject for event in by_person.context["cl"].result_list} >= {
        log["child"],
        log["other_child"],
    }
    html = by_person.content.decode()
    assert log["reader"].email in html  # offered as a person to filter by
    assert log["outsider"].email not in html  # another council's person is never named

    # A guessed number of someone outside the council filters nothing (and names no one).
    other = client.get(LIST, {"person": str(log["outsider"].pk)})
    assert other.status_code == 200
    assert log["outsider"].email not in other.content.decode()


def test_the_filtered_log_is_exported_as_csv_and_the_export_is_audited(log, oxfordshire):
    client = log["client"]
    response = client.get(EXPORT, {"q": log["child"]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-oxfordshire-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["at", "action", "actor_email", "subject", "target_type", "target_id", "detail"]
    body = rows[1:]
    assert len(body) == 3
    assert {row[3] for row in body} == {log["child"]}
    assert {row[2] for row in body} == {log["reader"].email, ""}
    failed = next(row for row in body if row[1] == "signin.failed")
    assert failed[6].startswith('{"email"')  # a JSON cell, whole
    assert not any(cell.startswith("=") for row in body for cell in row)  # nothing a spreadsheet runs
    with schema_context(oxfordshire.schema_name):
        exported = AuditEvent.objects.get(action="audit.exported", actor=log["admin"])
    assert exported.subject == log["child"]
    assert exported.detail == {"filters": {}, "searched": True, "rows": 3}

    by_person = client.get(EXPORT, {"person": str(log["reader"].pk)})
    people = list(csv.reader(io.StringIO(b"".join(by_person.streaming_content).decode())))[1:]
    assert {row[2] for row in people} == {log["reader"].email}
    assert len(people) == 3  # one read and two children listed


def test_only_the_council_admin_exports(log, oxfordshire):
    caseworker = council_person("caseworker@oxfordshire.example")
    client = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
    assert client.get(EXPORT, {"q": log["child"]}, follow=True).status_code == 403
    with schema_context(oxfordshire.schema_name):
        assert not AuditEvent.objects.filter(action="audit.exported", actor=caseworker).exists()


def test_the_list_links_to_the_export_of_what_it_shows(log):
    html = log["client"].get(LIST, {"q": log["child"]}).content.decode()
    assert f'href="{EXPORT}?q={log["child"]}"' in html
