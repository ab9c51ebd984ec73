"""The demo seed (demo/): the reference councils as their guides show them, demo cases at every stage,
and a seed that may be run again and again."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import Membership
from core.roles import Role
from demo.councils import COUNCILS
from demo.seed import demo_council_seed
from ehc.models import Case
from tenants.configuration.models import CouncilConfiguration, MessageType, StageDescription


def test_seed_demo_is_idempotent(db):
    spec = next(s for s in COUNCILS if s["schema_name"] == "worcestershire")
    council, accounts = demo_council_seed(spec=spec, password="Demo-Password-2026")
    council_again, accounts_again = demo_council_seed(spec=spec, password="Demo-Password-2026")
    assert council == council_again
    assert accounts == accounts_again
    with schema_context("worcestershire"):
        assert Membership.objects.filter(role=Role.COUNCIL_ADMIN).count() == 1
        assert MessageType.objects.count() == len(spec["message_types"])
        assert StageDescription.objects.count() == 6


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
    with schema_context("nelincs"):
        assert set(Membership.objects.values_list("role", flat=True)) >= {
            Role.HEALTH_TEAM_MANAGER,
            Role.HEALTH_PROFESSIONAL,
        }


def test_seed_demo_refuses_in_production(db, settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="never created in production"):
        call_command("seed_demo")


def test_seed_demo_needs_a_password(db, settings):
    settings.DEMO_PASSWORD = ""
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo")


def test_seed_gives_each_council_demo_cases_at_many_stages(db):
    with schema_context("oxfordshire"):
        demo = Case.objects.filter(reference__startswith="DEMO-")
        assert demo.count() == 12
        assert {
            "request_received",
            "decision_to_assess",
            "assessment",
            "draft_plan",
            "final_plan",
            "plan_in_place",
            "not_assessed",
            "no_plan",
            "ceased",
        } == set(demo.values_list("stage", flat=True))  # every stage
        assert set(demo.values_list("caseworker__email", flat=True)) == {
            "caseworker@oxfordshire.example",
            "senior-caseworker@oxfordshire.example",
            None,
        }
        today = timezone.localdate()
        mine = demo.filter(caseworker__email="caseworker@oxfordshire.example")
        assert mine.filter(next_due_on__lt=today).exists()  # something overdue
        assert mine.filter(next_due_on__range=(today, today + datetime.timedelta(14))).exists()  # due soon
        assert not demo.filter(child_date_of_birth__isnull=True).exists()
        assert not demo.filter(placements__isnull=True).exists()
        assert not demo.filter(needs__isnull=True).exists()
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
        assert form.due_on >= today  # still within the 15 days after the draft
        assert honey.messages.get().recipient == parent  # a message from the caseworker
        assert Case.objects.get(reference="DEMO-0001").child_name == "Red Robin"  # the guide's example
