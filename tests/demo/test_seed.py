"""The demo seed (``manage.py seed_demo``) on its own: the session's councils are bare; this module seeds
them once (a few seconds), in a transaction it rolls back at its end, and each test reads what the seed
made in its own rolled-back savepoint within it. No other test sees the demo.
"""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from psycopg import sql

from core.models import Membership
from core.roles import Role
from demo.councils import COUNCILS, DEMO_CASES
from demo.seed import demo_council_seed
from ehc.models import Case, EducationSetting, Placement, SettingMember
from ehc.workflow import Stage, transition_for
from hub.models import AdviceRequest, AdviceStatus, HealthTeamMember
from tenants.configuration.models import MessageType, StageDescription
from tests.conftest import demo_seed

# The accounts README.md lists: these six in every council, and North East Lincolnshire's health staff.
README_ACCOUNTS = {
    "admin": Role.COUNCIL_ADMIN,
    "caseworker": Role.CASEWORKER,
    "senior-caseworker": Role.CASEWORKER,
    "manager": Role.SEND_MANAGER,
    "parent": Role.PARENT,
    "school": Role.EDUCATION_PROFESSIONAL,
}
README_HEALTH = {
    "health-manager": Role.HEALTH_TEAM_MANAGER,
    "therapist": Role.HEALTH_PROFESSIONAL,
    "clinical-officer": Role.DESIGNATED_CLINICAL_OFFICER,
}


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, db):
    """The demo, seeded once for the module; each test's changes go with its own savepoint."""


def test_the_councils_start_bare(db):
    """The session's councils have nobody in them and no cases: the demo is only what these tests seed."""
    for spec in COUNCILS:
        with schema_context(spec["schema_name"]):
            assert not Membership.objects.exists()
            assert not Case.objects.exists()
    assert not get_user_model().objects.filter(email__endswith=".example").exists()


def test_seeding_gives_the_accounts_readme_lists_with_their_roles(seeded):
    users = get_user_model().objects
    for spec in COUNCILS:
        expected = {**README_ACCOUNTS, **(README_HEALTH if spec["schema_name"] == "nelincs" else {})}
        with schema_context(spec["schema_name"]):
            roles = {
                (m.user.email, m.role)
                for m in Membership.objects.select_related("user").filter(is_active=True)
            }
        assert roles == {(f"{local}@{spec['email_domain']}", role) for local, role in expected.items()} | (
            # One identity, many councils: the therapist also manages Oxfordshire's health team.
            {("therapist@nelincs.example", Role.HEALTH_TEAM_MANAGER)}
            if spec["schema_name"] == "oxfordshire"
            else set()
        )
        for local in expected:
            user = users.get(email=f"{local}@{spec['email_domain']}")
            assert user.check_password(settings.DEMO_PASSWORD)
            assert user.emailaddress_set.get().verified
    with schema_context("nelincs"):
        team = {(m.user.email, m.is_manager) for m in HealthTeamMember.objects.select_related("user")}
    assert team == {("health-manager@nelincs.example", True), ("therapist@nelincs.example", False)}


def _stage_after(moves) -> Stage:
    stage = Stage.REQUEST_RECEIVED
    for action, _ in moves:
        stage = transition_for(stage=stage, action=action).target
    return stage


def test_seeding_gives_each_council_the_demo_cases_at_their_stages(seeded):
    today = timezone.localdate()
    for spec in COUNCILS:
        with schema_context(spec["schema_name"]):
            demo = Case.objects.filter(reference__startswith="DEMO-")
            assert demo.count() == len(DEMO_CASES) == 12
            for number, (name, days, _, _, _, _, moves) in enumerate(DEMO_CASES, start=1):
                case = demo.get(reference=f"DEMO-{number:04d}")
                assert (case.child_name, case.received_on) == (name, today - datetime.timedelta(days=days))
                assert case.stage == _stage_after(moves)
                # Walked through the workflow: an event for each move, plus advice asked of health teams.
                assert case.events.exclude(action__in=("allocate",)).count() >= len(moves)
                # A plan issued in the portal for each draft and final the case went through, each with
                # its PDF in the family's Items to view.
                issued = [a.split("_")[1] for a, _ in moves if a in ("issue_draft", "issue_final")]
                versions = list(case.plan_versions.order_by("number").select_related("document"))
                assert [(v.kind, v.status) for v in versions] == [(kind, "issued") for kind in issued]
                assert all(v.document is not None for v in versions)
            assert set(demo.values_list("stage", flat=True)) == set(Stage)  # every stage
            assert set(demo.values_list("caseworker__email", flat=True)) == {
                f"caseworker@{spec['email_domain']}",
                f"senior-caseworker@{spec['email_domain']}",
                None,
            }
            mine = demo.filter(caseworker__email=f"caseworker@{spec['email_domain']}")
            assert mine.filter(next_due_on__lt=today).exists()  # something overdue
            assert mine.filter(
                next_due_on__range=(today, today + datetime.timedelta(14))
            ).exists()  # due soon
            assert not demo.filter(child_date_of_birth__isnull=True).exists()
            assert not demo.filter(placements__isnull=True).exists()
            assert not demo.filter(needs__isnull=True).exists()


def test_the_demo_parent_sees_two_children_with_documents_messages_and_a_form(seeded):
    with schema_context("oxfordshire"):
        parent = get_user_model().objects.get(email="parent@oxfordshire.example")
        linked = Case.objects.filter(accesses__user=parent, accesses__status="active")
        assert sorted(linked.values_list("reference", flat=True)) == ["DEMO-0002", "DEMO-0007"]
        assert len(set(linked.values_list("stage", flat=True))) == 2  # at different stages
        honey = Case.objects.get(reference="DEMO-0007")
        assert honey.documents.count() == 3
        assert honey.documents.first().file.read().startswith(b"%PDF")
        form = honey.forms.get()
        assert (form.owner, form.status) == (parent, "draft")
        assert form.version.definition.slug == "parental_response"
        assert form.due_on >= timezone.localdate()  # still within the 15 days after the draft
        assert honey.messages.get().recipient == parent  # a message from the caseworker


def test_the_health_hub_has_advice_waiting_and_allocated(seeded):
    with schema_context("nelincs"):
        advice = {a.case.reference: a for a in AdviceRequest.objects.select_related("case", "allocated_to")}
    assert advice["DEMO-0006"].status == AdviceStatus.AWAITING_ALLOCATION
    assert advice["DEMO-0005"].allocated_to.email == "therapist@nelincs.example"
    with schema_context("oxfordshire"):
        elsewhere = AdviceRequest.objects.select_related("case").get()
    assert (elsewhere.case.reference, elsewhere.status) == ("DEMO-0006", AdviceStatus.AWAITING_ALLOCATION)


def test_each_council_has_its_schools_and_the_demo_senco_manages_the_familys_school(seeded):
    for spec in COUNCILS:
        with schema_context(spec["schema_name"]):
            assert set(EducationSetting.objects.values_list("name", flat=True)) >= {
                "Riverside Academy",
                "Meadow Primary School",
            }
            (place,) = SettingMember.objects.select_related("setting", "user")
            assert (place.user.email, place.setting.name, place.is_manager) == (
                f"school@{spec['email_domain']}",
                "Riverside Academy",
                True,
            )
            # The demo family's child with a draft plan is at the school the senco manages.
            assert Placement.objects.filter(
                case__reference="DEMO-0007", setting_name="Riverside Academy"
            ).exists()


def _rows() -> dict[str, int]:
    """Every table's row count in the public schema and each council's."""
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema = ANY(%s)",
            [["public", *(spec["schema_name"] for spec in COUNCILS)]],
        )
        for schema, table in cursor.fetchall():
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table)))
            counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def test_seeding_twice_gives_the_same_rows(seeded):
    once = _rows()
    for spec in COUNCILS:
        council, accounts = demo_council_seed(spec=spec, password=settings.DEMO_PASSWORD)
        assert len(accounts) == len(spec["staff"])
    assert _rows() == once
    with schema_context("worcestershire"):
        assert Membership.objects.filter(role=Role.COUNCIL_ADMIN).count() == 1
        assert MessageType.objects.count() == len(COUNCILS[1]["message_types"])
        assert StageDescription.objects.count() == 6


def test_seed_demo_refuses_in_production(db, settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="never created in production"):
        call_command("seed_demo")


def test_seed_demo_needs_a_password(db, settings):
    settings.DEMO_PASSWORD = ""
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo")
