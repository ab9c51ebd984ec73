import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context, schema_exists

from core.models import Membership, StaffInvitation
from core.roles import Role
from tenants.configuration.models import CouncilConfiguration
from tenants.models import Council, Domain
from tenants.services import council_create
from tests.conftest import host_client
from tests.mail import emails_to

# Schema creation is transactional in PostgreSQL: a council created in a test goes with its rollback.


def test_create_council_makes_a_migrated_schema_with_configuration(db):
    result = council_create(
        name="Testshire County Council",
        short_name="Testshire",
        schema_name="testshire",
        domains=["testshire.localhost", "ehc.testshire.localhost"],
    )
    assert result.created
    assert schema_exists("testshire")
    assert list(
        result.council.domains.order_by("-is_primary", "domain").values_list("domain", "is_primary")
    ) == [
        ("testshire.localhost", True),
        ("ehc.testshire.localhost", False),
    ]
    with schema_context("testshire"):
        assert CouncilConfiguration.objects.get().code_length == 6
    html = host_client("testshire").get("/", HTTP_HOST="ehc.testshire.localhost").content.decode()
    assert "Testshire County Council" in html

    again = council_create(
        name="Testshire County Council",
        short_name="Testshire",
        schema_name="testshire",
        domains=["testshire.localhost"],
    )
    assert not again.created
    assert again.council.pk == result.council.pk


@pytest.mark.parametrize(
    ("schema", "domains", "field"),
    [
        ("Bad Schema", ["ok.localhost"], "schema_name"),
        ("public", ["ok.localhost"], "schema_name"),
        ("pg_catalog", ["ok.localhost"], "schema_name"),
        ("okshire", [], "domains"),
        ("okshire", ["not a domain"], "domains"),
        ("okshire", ["oxfordshire.localhost"], "domains"),  # belongs to Oxfordshire already
    ],
)
def test_create_council_refuses_bad_input_and_leaves_nothing(db, schema, domains, field):
    with pytest.raises(ValidationError) as error:
        council_create(name="Okshire", short_name="Okshire", schema_name=schema, domains=domains)
    assert field in error.value.message_dict
    assert not Council.objects.filter(name="Okshire").exists()
    assert not schema_exists("okshire")


def test_create_council_command(db, capsys):
    started = time.monotonic()
    call_command(
        "create_council",
        "--name",
        "Commandshire Council",
        "--schema",
        "commandshire",
        "--domain",
        "cmd.localhost",
    )
    elapsed = time.monotonic() - started
    out = capsys.readouterr().out
    assert "Created Commandshire Council (schema commandshire) at cmd.localhost" in out
    assert Domain.objects.get(domain="cmd.localhost").tenant.short_name == "Commandshire Council"
    assert elapsed < 10


def test_create_council_command_reports_errors(db):
    with pytest.raises(CommandError, match="schema_name"):
        call_command("create_council", "--name", "X", "--schema", "1bad", "--domain", "x.localhost")


def test_reference_councils_differ_as_their_guides_show(db):
    def config(schema):
        with schema_context(schema):
            return CouncilConfiguration.objects.get()

    oxon, worcs, herts, nel = (
        config(s) for s in ("oxfordshire", "worcestershire", "hertfordshire", "nelincs")
    )
    assert oxon.request_form_variants == ["parent", "early_years", "primary", "secondary"]
    assert (oxon.parents_can_start_messages, oxon.parents_can_reply, oxon.code_length) == (True, True, 6)
    assert worcs.registration == "invitation"
    assert (worcs.password_min_length, worcs.password_require_upper, worcs.password_require_digit) == (
        15,
        True,
        True,
    )
    assert worcs.password_history == 8
    assert (herts.code_length, herts.parents_can_start_messages, herts.parents_can_reply) == (8, False, False)
    assert herts.parent_forms == ["parental_supporting_documents"]
    assert set(nel.sms_code_roles) == {Role.HEALTH_PROFESSIONAL, Role.HEALTH_TEAM_MANAGER}


def test_create_council_command_invites_the_councils_first_admin(
    db, capsys, django_capture_on_commit_callbacks
):
    """The operator's command gives no one a role: it invites the address, and only its owner's
    acceptance (through the emailed link, on the new council's site) makes them an admin."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_council",
            "--name",
            "Adminshire Council",
            "--schema",
            "adminshire",
            "--domain",
            "adminshire.localhost",
            "--admin-email",
            "First.Admin@adminshire.example",
        )
    assert (
        "Invitation sent to first.admin@adminshire.example: they become a council admin of Adminshire "
        "Council once they accept it" in capsys.readouterr().out
    )
    assert not get_user_model().objects.filter(email="first.admin@adminshire.example").exists()
    with schema_context("adminshire"):
        assert StaffInvitation.objects.get(email="first.admin@adminshire.example").role == Role.COUNCIL_ADMIN
        assert not Membership.objects.filter(user__email="first.admin@adminshire.example").exists()
    body = emails_to("first.admin@adminshire.example")[-1]
    assert re.search(r"http://adminshire\.localhost(:\d+)?/staff/invitation/\S+/", body)
