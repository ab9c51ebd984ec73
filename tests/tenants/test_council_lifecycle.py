"""A council's life ends by switching it off, never by deleting it from a page: its queued work stops,
a deleted council's tasks never run in the public schema, and a schema left in the database is never
inherited by a new council with the same name."""

import logging
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context

from core.tasks import worker_ping
from tenants.models import Council, Domain
from tenants.services import council_create
from tests.conftest import host_client, sign_in
from tests.core.test_notifications import told, unique
from tests.factories import UserFactory
from tests.mail import emails_to

LEFTOVER = "leftovershire"


def test_a_queued_notification_is_not_sent_once_its_council_is_switched_off(
    oxfordshire, django_capture_on_commit_callbacks, caplog
):
    address = unique("switched-off")
    with (
        schema_context(oxfordshire.schema_name),
        django_capture_on_commit_callbacks(execute=False) as queued,
    ):
        notification = told(f"document:off:{uuid.uuid4().hex[:8]}:email", address)
    assert len(queued) == 1  # the task waits for the commit, as it would wait in the broker

    Council.objects.filter(pk=oxfordshire.pk).update(is_active=False)
    with schema_context(oxfordshire.schema_name), caplog.at_level(logging.WARNING, "config.celery"):
        queued[0]()
        notification.refresh_from_db()

    assert emails_to(address) == []
    assert notification.sent_at is None
    assert notification.attempts == 0
    assert "the council with schema oxfordshire is switched off" in caplog.text
    assert address not in caplog.text


def test_a_task_for_a_council_whose_row_is_gone_does_not_run_in_the_public_schema(db, caplog):
    assert not Council.objects.filter(schema_name="goneshire").exists()
    with caplog.at_level(logging.WARNING, "config.celery"):
        result = worker_ping.apply(headers={"_schema_name": "goneshire"})
    assert result.get() is None  # before: "public", the task ran there
    assert "the council with schema goneshire is gone" in caplog.text


def test_tasks_still_run_for_a_council_that_is_switched_on(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        assert worker_ping.delay().get() == "oxfordshire"
    assert worker_ping.apply(headers={"_schema_name": "oxfordshire"}).get() == "oxfordshire"
    assert worker_ping.delay().get() == "public"


@pytest.fixture
def operator(db):
    user = UserFactory(email=f"operator-{uuid.uuid4().hex[:6]}@example.com", is_staff=True, is_superuser=True)
    return sign_in(host_client("public"), user, Council.objects.get(schema_name="public"))


def test_the_operators_admin_switches_a_council_off_but_never_deletes_it(operator, oxfordshire):
    base = "/admin/tenants/council/"
    assert operator.get(f"{base}{oxfordshire.pk}/delete/").status_code == 403
    assert operator.post(f"{base}{oxfordshire.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = operator.get(base)
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    operator.post(base, {"action": "delete_selected", "_selected_action": [oxfordshire.pk], "post": "yes"})
    assert Council.objects.filter(pk=oxfordshire.pk).exists()
    change = operator.get(f"{base}{oxfordshire.pk}/change/").content.decode()
    assert f"{base}{oxfordshire.pk}/delete/" not in change
    assert 'name="is_active"' in change  # switching off is how a council ends


@pytest.fixture
def leftover_schema(db):
    """A schema in the database with no council row, as a deleted council leaves it (rolled back)."""
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{LEFTOVER}"')
        cursor.execute(f'CREATE TABLE "{LEFTOVER}".secrets (note text)')
    return LEFTOVER


def test_creating_a_council_refuses_a_schema_already_in_the_database(leftover_schema):
    with pytest.raises(ValidationError) as refused:
        council_create(
            name="Leftovershire Council",
            short_name="Leftovershire",
            schema_name=leftover_schema,
            domains=["leftovershire.localhost"],
        )
    assert "already exists in the database" in str(refused.value.message_dict["schema_name"])
    assert not Council.objects.filter(schema_name=leftover_schema).exists()
    assert not Domain.objects.filter(domain="leftovershire.localhost").exists()


def test_the_create_council_command_refuses_a_schema_already_in_the_database(leftover_schema):
    with pytest.raises(CommandError, match="already exists in the database"):
        call_command(
            "create_council",
            "--name",
            "Leftovershire",
            "--schema",
            leftover_schema,
            "--domain",
            "lo.localhost",
        )
    assert not Council.objects.filter(schema_name=leftover_schema).exists()
    assert not Domain.objects.filter(domain="lo.localhost").exists()


def test_the_operators_add_form_refuses_a_schema_already_in_the_database(operator, leftover_schema):
    response = operator.post(
        "/admin/tenants/council/add/",
        {
            "name": "Leftovershire Council",
            "short_name": "Leftovershire",
            "schema_name": leftover_schema,
            "is_active": "on",
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-MIN_NUM_FORMS": "0",
            "domains-MAX_NUM_FORMS": "1000",
            "domains-0-domain": "leftovershire.localhost",
            "domains-0-is_primary": "on",
        },
    )
    assert response.status_code == 200
    assert "already exists in the database" in response.content.decode()
    assert not Council.objects.filter(schema_name=leftover_schema).exists()
    assert not Domain.objects.filter(domain="leftovershire.localhost").exists()


def test_the_add_form_refuses_a_schema_name_the_service_would_refuse(operator):
    """django-tenants' own check allows capitals; the command and the service never did."""
    response = operator.post(
        "/admin/tenants/council/add/",
        {
            "name": "Bad",
            "short_name": "Bad",
            "schema_name": "Upper_Case",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
            "domains-MIN_NUM_FORMS": "0",
            "domains-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "Use lower-case letters, digits and underscores" in response.content.decode()
    assert not Council.objects.filter(schema_name="Upper_Case").exists()


def test_creating_a_council_with_another_councils_schema_name_adds_nothing_to_it(oxfordshire):
    """Before, "already existed" added the new council's domain to Oxfordshire: its host would have
    opened Oxfordshire's records."""
    with pytest.raises(CommandError, match="Already used by another council: Oxfordshire County Council"):
        call_command(
            "create_council",
            "--name",
            "Newshire Council",
            "--schema",
            "oxfordshire",
            "--domain",
            "new.localhost",
        )
    assert not Domain.objects.filter(domain="new.localhost").exists()
