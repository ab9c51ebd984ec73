"""The hub's tests' world: North East Lincolnshire with a case, a team, its manager and two therapists."""

import datetime
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import Profile
from core.roles import Role
from ehc.models import Case
from ehc.workflow import Stage
from hub.models import HealthTeam, HealthTeamMember
from tests.factories import MembershipFactory, UserFactory

TODAY = timezone.localdate()


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


@pytest.fixture
def nelincs(councils):
    return councils["nelincs"]


@pytest.fixture
def hub(nelincs):
    """In North East Lincolnshire: a case in its assessment allocated to a caseworker, a team with a
    manager and two therapists (one with text messages on)."""
    with schema_context(nelincs.schema_name):
        caseworker = UserFactory(email=unique("cw"))
        MembershipFactory(user=caseworker, role=Role.CASEWORKER)
        manager, therapist, other = (UserFactory(email=unique(n)) for n in ("mgr", "slt", "slt2"))
        MembershipFactory(user=manager, role=Role.HEALTH_TEAM_MANAGER)
        MembershipFactory(user=therapist, role=Role.HEALTH_PROFESSIONAL)
        MembershipFactory(user=other, role=Role.HEALTH_PROFESSIONAL)
        mobile = f"07700 9{uuid.uuid4().int % 100000:05d}"
        Profile.objects.create(
            user=therapist,
            street="1 Clinic Rd",
            town="Grimsby",
            postcode="DN31 1HU",
            mobile_phone=mobile,
            notify_by_text=True,
        )
        team = HealthTeam.objects.create(
            name=f"Paediatric therapy {uuid.uuid4().hex[:6]}", email=unique("team")
        )
        HealthTeamMember.objects.create(team=team, user=manager, is_manager=True)
        HealthTeamMember.objects.create(team=team, user=therapist)
        HealthTeamMember.objects.create(team=team, user=other)
        case = Case.objects.create(
            reference=f"CASE-A{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Tilly",
            child_last_name="Quartermaine",
            child_date_of_birth=datetime.date(2017, 5, 4),
            received_on=TODAY - datetime.timedelta(days=60),
            stage=Stage.ASSESSMENT,
            caseworker=caseworker,
        )
    return {
        "council": nelincs,
        "case": case,
        "team": team,
        "caseworker": caseworker,
        "manager": manager,
        "therapist": therapist,
        "other": other,
        "mobile": mobile,
    }


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """``with sent(): ...``: run what the block queues after commit (the notifications), as a real
    request's commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
