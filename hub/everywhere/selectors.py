"""Reads across every council a health professional works for, on the platform's host: the councils
where they hold a health role, and their open advice requests in all of them. The only hub code that
crosses schemas (STYLE.md), through tenants' one builder for each council's schema."""

import datetime
from dataclasses import dataclass

from psycopg import sql

from core.models import Membership
from core.roles import HEALTH_ROLES
from ehc.models import Case
from hub.models import (
    OPEN_STATUSES,
    AdviceContribution,
    AdviceRequest,
    AdviceStatus,
    HealthTeam,
    HealthTeamMember,
)
from tenants.models import Domain
from tenants.schemas import council_schemas_active, council_schemas_rows, council_schemas_union


@dataclass(frozen=True)
class AdviceEverywhere:
    schema_name: str
    council: str
    pk: int
    reference: str
    team: str
    requested_on: datetime.date
    due_on: datetime.date
    status: str
    domain: str

    @property
    def status_label(self) -> str:
        return AdviceStatus(self.status).label


def _health_roles() -> sql.Composable:
    return sql.SQL(", ").join(sql.Literal(str(role)) for role in sorted(HEALTH_ROLES))


def health_councils_of(*, user) -> list[str]:
    """The schemas of the active councils where this person holds a health role: one UNION ALL query
    over the councils' membership tables, plus one for the councils. Decides who may sign in on the
    platform's host to see the list across councils."""
    councils = council_schemas_active()
    if not councils or not user.pk:
        return []
    query = council_schemas_union(
        schemas=[schema for schema, _ in councils],
        template=sql.SQL(
            "SELECT {schema} FROM {members} WHERE user_id = {user} AND is_active AND role IN ({roles})"
        ),
        tables={"members": Membership},
        user=sql.Literal(user.pk),
        roles=_health_roles(),
    )
    return sorted({row[0] for row in council_schemas_rows(query)})


def advice_requests_everywhere(*, user) -> list[AdviceEverywhere]:
    """The open advice requests allocated to this person, or awaiting allocation in a team they manage,
    in every active council where they hold a membership: one UNION ALL query over the councils'
    schemas (composed with psycopg's sql module), plus one for the councils. Carries the case's
    reference and no child's name: the list is on the platform's host, and names are read on each
    council's own site, where its access rules and audit apply."""
    councils = council_schemas_active()
    if not councils:
        return []
    domains = dict(Domain.objects.filter(is_primary=True).values_list("tenant__schema_name", "domain"))
    template = sql.SQL(
        "SELECT {schema}, a.id, c.reference, t.name, a.requested_on, a.due_on, a.status "
        "FROM {advice} a JOIN {teams} t ON t.id = a.team_id JOIN {cases} c ON c.id = a.case_id "
        "WHERE EXISTS (SELECT 1 FROM {members} m WHERE m.user_id = {user} AND m.is_active "
        "AND m.role IN ({roles})) "
        "AND a.status IN ({open}) AND (EXISTS (SELECT 1 FROM {parts} w WHERE w.advice_request_id = a.id "
        "AND w.professional_id = {user}) OR (a.status = {awaiting} AND EXISTS "
        "(SELECT 1 FROM {places} p WHERE p.team_id = a.team_id AND p.user_id = {user} AND p.is_manager)))"
    )
    query = council_schemas_union(
        schemas=[schema for schema, _ in councils],
        template=template,
        tables={
            "advice": AdviceRequest,
            "teams": HealthTeam,
            "cases": Case,
            "members": Membership,
            "places": HealthTeamMember,
            "parts": AdviceContribution,
        },
        user=sql.Literal(user.pk),
        roles=_health_roles(),
        open=sql.SQL(", ").join(sql.Literal(str(s)) for s in OPEN_STATUSES),
        awaiting=sql.Literal(str(AdviceStatus.AWAITING_ALLOCATION)),
    ) + sql.SQL(" ORDER BY 6, 1, 2")
    names = dict(councils)
    rows = council_schemas_rows(query)
    return [
        AdviceEverywhere(
            schema_name=row[0],
            council=names[row[0]],
            pk=row[1],
            reference=row[2],
            team=row[3],
            requested_on=row[4],
            due_on=row[5],
            status=row[6],
            domain=domains.get(row[0], ""),
        )
        for row in rows
    ]
