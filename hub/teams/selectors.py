"""Reads of the health teams: the places a person holds in them, the teams the SEND team can ask for
advice, a team's members who can be allocated its requests, and whether someone manages a team."""

from django.contrib.auth import get_user_model

from core.models import Membership
from core.roles import HEALTH_ROLES, Role
from hub.models import HealthTeam, HealthTeamMember


def health_places_of(*, user) -> list[HealthTeamMember]:
    """The teams this person is in here, with whether they manage each (one query). A team switched
    off is no longer asked for advice, but its members still answer what it was already asked."""
    if not user.is_authenticated:
        return []
    return list(HealthTeamMember.objects.filter(user=user).select_related("team"))


def health_teams_asked_for_advice() -> list[HealthTeam]:
    """The teams the SEND team can ask for advice on the hub (one query)."""
    return list(HealthTeam.objects.filter(is_active=True).order_by("name"))


# The case page's choice of a team on the hub: "team:<pk>" (ehc.hooks.PortalAdvice).
TEAM_CHOICE = "team:"


def health_team_choices() -> list[tuple[str, str]]:
    """The case page's "Who is the advice asked of" on the hub: each team that can be asked (one query)."""
    return [(f"{TEAM_CHOICE}{team.pk}", team.name) for team in health_teams_asked_for_advice()]


def team_managed_by(*, team: HealthTeam, user) -> bool:
    """Whether this person has manager level access in the team: the one check before a manager's
    writes (allocating, answering "not known", adding a member), made on the locked request's team."""
    return HealthTeamMember.objects.filter(team=team, user=user, is_manager=True).exists()


def team_member_choices(*, team: HealthTeam) -> list:
    """The people a manager can allocate the team's requests to: its members who still hold a health
    role in this council (two queries)."""
    active = set(
        Membership.objects.filter(role__in=HEALTH_ROLES, is_active=True).values_list("user_id", flat=True)
    )
    members = HealthTeamMember.objects.filter(team=team).select_related("user")
    return sorted(
        (m.user for m in members if m.user_id in active and m.user.is_active),
        key=lambda user: (user.last_name.lower(), user.first_name.lower(), user.email),
    )


def dco_people() -> list:
    """The council's Designated Clinical Officers still holding the role (one query)."""
    user_ids = Membership.objects.filter(role=Role.DESIGNATED_CLINICAL_OFFICER, is_active=True).values_list(
        "user_id", flat=True
    )
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
