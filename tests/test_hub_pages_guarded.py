"""Every health hub page, found from the URL table itself: parents and the SEND team get 403 (they are
not in a health team), a manager or member of another team gets 404 for this team's request (so a
guessed number confirms nothing), a signed-out visitor is sent to sign in, and nothing is written."""

import datetime
import re
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.roles import Role
from ehc.models import Case
from ehc.workflow import Stage
from hub.advice.services import advice_allocate, advice_request_send
from hub.models import AdviceRequest, AdviceStatus, HealthTeam, HealthTeamMember
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.test_staff_pages_guarded import staff_patterns

HUB = staff_patterns(("health/",))


def test_the_table_was_read():
    names = {name for name, _ in HUB}
    assert {
        "hub_my_cases",
        "hub_team_cases",
        "hub_advice_case",
        "hub_advice_write",
        "hub_advice_submit",
    } <= names


def person(role):
    user = UserFactory(email=f"hub-guard-{uuid.uuid4().hex[:8]}@example.com")
    MembershipFactory(user=user, role=role)
    return user


@pytest.mark.parametrize(("name", "route"), HUB, ids=[name for name, _ in HUB])
def test_only_the_team_sees_its_requests(name, route, councils):
    cache.clear()
    nelincs = councils["nelincs"]
    with schema_context("nelincs"):
        caseworker, manager, writer = (
            person(r) for r in (Role.CASEWORKER, Role.HEALTH_TEAM_MANAGER, Role.HEALTH_PROFESSIONAL)
        )
        other_manager, parent = person(Role.HEALTH_TEAM_MANAGER), person(Role.PARENT)
        team, other_team = (
            HealthTeam.objects.create(name=f"Guarded {n} {uuid.uuid4().hex[:6]}", email=f"{n}@example.com")
            for n in ("team", "other")
        )
        HealthTeamMember.objects.create(team=team, user=manager, is_manager=True)
        HealthTeamMember.objects.create(team=team, user=writer)
        HealthTeamMember.objects.create(team=other_team, user=other_manager, is_manager=True)
        case = Case.objects.create(
            reference=f"CASE-U{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Guarded",
            child_last_name="Child",
            received_on=timezone.localdate() - datetime.timedelta(days=20),
            stage=Stage.ASSESSMENT,
        )
        advice = advice_request_send(case=case, team=team, by=caseworker, requested_on=timezone.localdate())
        advice_allocate(advice=advice, member=writer, by=manager)
    path = "/" + re.sub(r"<int:pk>", str(advice.pk), route).replace("<int:file_id>", "1").replace(
        "<int:other_pk>", str(advice.pk)
    )
    attempt = {"action": "not_known", "details": "Not known", "member": str(writer.pk)}

    clients = {
        user: sign_in(host_client("nelincs"), user, nelincs) for user in (parent, caseworker, other_manager)
    }
    with schema_context("nelincs"):
        audit_before = AuditEvent.objects.count()  # after signing in, which is audited
    for refused in (parent, caseworker):
        assert clients[refused].get(path).status_code == 403, path
        assert clients[refused].post(path, attempt).status_code in {403, 405}, path
    stranger = host_client("nelincs").get(path)
    assert stranger.status_code == 302
    assert stranger["Location"].startswith("/accounts/login/")
    if name.startswith("hub_dco_"):
        # The Designated Clinical Officer's pages: a health team's manager is not the DCO.
        other = clients[other_manager]
        assert other.get(path).status_code == 403, path
        assert other.post(path, attempt).status_code in {403, 405}, path
    elif "<int:pk>" in route:
        other = clients[other_manager]
        assert other.get(path).status_code == 404, path
        assert other.post(path, attempt).status_code in {404, 405}, path
    with schema_context("nelincs"):
        assert AuditEvent.objects.count() == audit_before
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.ALLOCATED
        assert advice.allocated_to == writer
        assert AdviceRequest.objects.filter(case=case).count() == 1
