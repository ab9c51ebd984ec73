"""Writes for the health teams' members: a manager adds someone to a team (at once if they already
hold a health role here, else by a staff invitation), and an accepted invitation gives its place."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.models import StaffInvitation
from core.roles import HEALTH_ROLES, Role
from core.services import audit_record
from core.staff.services import organisation_member_check, staff_invitation_send
from hub.models import HealthTeam, HealthTeamMember
from hub.teams.selectors import team_managed_by


def team_member_add(
    *, team: HealthTeam, first_name: str, last_name: str, email: str, by, base_url: str
) -> tuple[object | None, StaffInvitation | None]:
    """A manager adds someone who is not on the team's list ("add the team members details").
    Someone who already holds a health role in this council gets a place in the team at once, and is
    returned to be allocated. Anyone else is only invited (a health professional's invitation, which
    they must accept as the owner of the address): they get their place in the team when they accept
    (``team_place_from_invitation``), and cannot be allocated anything before. Returns (person, None)
    or (None, invitation). Refuses a bad address or missing names, by field."""
    email, memberships = organisation_member_check(first_name=first_name, last_name=last_name, email=email)
    if not team_managed_by(team=team, user=by):
        raise PermissionDenied
    health = next((m for m in memberships if m.is_active and m.role in HEALTH_ROLES), None)
    with transaction.atomic():
        if health is not None:
            _team_place_add(team=team, user=health.user, by=by)
            return health.user, None
        invitation = staff_invitation_send(
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=Role.HEALTH_PROFESSIONAL,
            by=by,
            base_url=base_url,
            follow_up={"health_team": team.pk},
        )
    return None, invitation


def _team_place_add(*, team: HealthTeam, user, by) -> None:
    place, created = HealthTeamMember.objects.get_or_create(team=team, user=user)
    if created:
        audit_record(actor=by, action="health_team.member_added", target=team, detail={"user": place.user_id})


def team_place_from_invitation(*, invitation: StaffInvitation, user, **kwargs) -> None:
    """core's staff_invitation_accepted: an invitation a team manager sent gives its place in the team."""
    team = HealthTeam.objects.filter(pk=invitation.follow_up.get("health_team")).first()
    if team is not None:
        _team_place_add(team=team, user=user, by=user)
