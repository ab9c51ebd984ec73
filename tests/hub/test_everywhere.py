"""One identity, several councils (ARCHITECTURE.md 2): a therapist who works for North East
Lincolnshire and Oxfordshire signs in on the platform's host, with password and code like everywhere,
and sees the open requests for advice from both councils in one list, by case reference only, each
linking to the council's own site. Only health staff and operators sign in there."""

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import Membership
from core.roles import Role
from ehc.models import Case
from ehc.workflow import Stage
from hub.advice.services import advice_allocate, advice_request_send
from hub.everywhere.selectors import advice_requests_everywhere, health_councils_of
from hub.models import HealthTeam, HealthTeamMember
from tests.conftest import host_client
from tests.factories import MembershipFactory, UserFactory
from tests.mail import emails_to, last_code

PASSWORD = "correct horse battery staple"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def sign_in_on_the_platform(email: str):
    client = host_client("public")
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    if response.get("Location") != "/accounts/code/":
        return client, response
    finished = client.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(email))})
    return client, finished


def a_request(schema: str, *, team, caseworker, child: str):
    with schema_context(schema):
        case = Case.objects.create(
            reference=f"CASE-E{uuid.uuid4().hex[:7].upper()}",
            child_first_name=child,
            child_last_name="Everywhere",
            received_on=TODAY - datetime.timedelta(days=30),
            stage=Stage.ASSESSMENT,
        )
        return advice_request_send(case=case, team=team, by=caseworker, requested_on=TODAY)


@pytest.fixture
def therapist(councils):
    """Allocated one request in North East Lincolnshire; manager of a team in Oxfordshire with one
    request awaiting allocation and one allocated to a colleague (not theirs to see here)."""
    person = UserFactory(email=f"everywhere-{uuid.uuid4().hex[:8]}@example.com")
    made = {"user": person}
    for schema, is_manager in (("nelincs", False), ("oxfordshire", True)):
        with schema_context(schema):
            MembershipFactory(
                user=person, role=Role.HEALTH_TEAM_MANAGER if is_manager else Role.HEALTH_PROFESSIONAL
            )
            caseworker, boss, colleague = (
                UserFactory(email=f"{n}-{uuid.uuid4().hex[:8]}@example.com") for n in "cbk"
            )
            MembershipFactory(user=caseworker, role=Role.CASEWORKER)
            MembershipFactory(user=boss, role=Role.HEALTH_TEAM_MANAGER)
            MembershipFactory(user=colleague, role=Role.HEALTH_PROFESSIONAL)
            team = HealthTeam.objects.create(
                name=f"Therapy {schema} {uuid.uuid4().hex[:4]}", email="t@example.com"
            )
            HealthTeamMember.objects.create(team=team, user=person, is_manager=is_manager)
            HealthTeamMember.objects.create(team=team, user=boss, is_manager=True)
            HealthTeamMember.objects.create(team=team, user=colleague)
        first = a_request(schema, team=team, caseworker=caseworker, child=f"Secret{schema}")
        other = a_request(schema, team=team, caseworker=caseworker, child="Colleagues")
        with schema_context(schema):
            if is_manager:
                advice_allocate(advice=other, member=colleague, by=boss)
            else:
                advice_allocate(advice=first, member=person, by=boss)
        made[schema] = (first, other)
    return made


def test_a_therapist_in_two_councils_sees_both_in_one_list(therapist, assert_queries):
    user = therapist["user"]
    assert health_councils_of(user=user) == ["nelincs", "oxfordshire"]
    client, finished = sign_in_on_the_platform(user.email)
    assert finished.status_code == 302
    assert client.get("/account/").status_code == 200
    assert 'href="/health/"' in client.get("/account/").content.decode()
    page = client.get("/health/").content.decode()
    nelincs_first, nelincs_other = therapist["nelincs"]
    oxon_first, oxon_other = therapist["oxfordshire"]
    assert "2 open requests for advice" in page
    for advice, host in ((nelincs_first, "nelincs.localhost"), (oxon_first, "oxfordshire.localhost")):
        assert advice.case.reference in page
        assert f"http://{host}/health/advice/{advice.pk}/" in page
    assert "North East Lincolnshire Council" in page
    assert "Oxfordshire County Council" in page
    assert nelincs_other.case.reference not in page  # waiting for allocation, but they do not manage it
    assert oxon_other.case.reference not in page  # allocated to a colleague
    for private in ("Secretnelincs", "Secretoxfordshire", "Everywhere", "Colleagues"):
        assert private not in page
    # routing, session, identity; the councils and the health roles across them (the page's check);
    # the councils, their domains and the requests across them: the same however many requests or
    # councils (one UNION ALL over the schemas each time)
    with assert_queries(8):
        client.get("/health/")
    assert client.get("/admin/", follow=True).status_code == 403  # not an operator


def test_the_list_leaves_out_answered_requests_and_councils_that_removed_the_person(therapist):
    user = therapist["user"]
    with schema_context("oxfordshire"):
        Membership.objects.filter(user=user).update(is_active=False)
    rows = advice_requests_everywhere(user=user)
    assert [row.schema_name for row in rows] == ["nelincs"]
    assert rows[0].status_label == "Allocated"


def test_parents_and_people_without_a_health_role_cannot_sign_in_on_the_platform(councils):
    parent = UserFactory(email=f"platform-parent-{uuid.uuid4().hex[:8]}@example.com")
    with schema_context("nelincs"):
        MembershipFactory(user=parent, role=Role.PARENT)
        MembershipFactory(user=parent, role=Role.CASEWORKER)
    sent_before = len(emails_to(parent.email))
    client, response = sign_in_on_the_platform(parent.email)
    # Answered as a wrong password is: the host does not tell whether the password was right.
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert client.get("/health/").status_code == 302
    assert len(emails_to(parent.email)) == sent_before  # no code sent
