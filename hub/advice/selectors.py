"""Reads for the health hub: a person's places in health teams, My cases and Team cases with their
filters, the one check of who may open an advice request, and the list across every council the person
works for (the only hub code that crosses schemas, STYLE.md)."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from psycopg import sql

from core.inputs import whole_number
from core.models import Membership
from core.roles import HEALTH_ROLES
from ehc.cases.selectors import DUE_SOON_DAYS
from ehc.models import Case
from ehc.workflow import Action
from hub.models import OPEN_STATUSES, AdviceRequest, AdviceStatus, HealthTeam, HealthTeamMember
from tenants.models import Domain
from tenants.schemas import council_schemas_active, council_schemas_rows, council_schemas_union


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


def advice_requests_prefetch() -> Prefetch:
    """The staff case page's advice from health teams, read with its case: each team asked and who has
    the request (one query)."""
    return Prefetch(
        "advice_requests",
        queryset=AdviceRequest.objects.select_related("team", "allocated_to").order_by("requested_on", "id"),
    )


def _listed() -> QuerySet:
    return AdviceRequest.objects.select_related("case", "team", "allocated_to").order_by("due_on", "id")


@dataclass(frozen=True)
class AdviceFilters:
    """What the My cases and Team cases lists filter by, read from the query string."""

    search: str = ""
    status: str = ""
    due: str = ""  # "soon" (within 2 weeks) or "overdue"
    team: str = ""
    awaiting: bool = False

    @classmethod
    def from_query(cls, query) -> "AdviceFilters":
        return cls(
            search=query.get("q", "").strip()[:100],
            status=query.get("status", "") if query.get("status", "") in AdviceStatus.values else "",
            due=query.get("due", "") if query.get("due", "") in {"soon", "overdue"} else "",
            team=query.get("team", "") if whole_number(query.get("team", "")) is not None else "",
            awaiting=query.get("awaiting") == "1",
        )

    def apply(self, queryset: QuerySet, *, today: datetime.date) -> QuerySet:
        for word in self.search.split():
            queryset = queryset.filter(
                Q(case__child_first_name__icontains=word)
                | Q(case__child_last_name__icontains=word)
                | Q(case__reference__iexact=word)
            )
        if self.awaiting:
            queryset = queryset.filter(status=AdviceStatus.AWAITING_ALLOCATION)
        elif self.status:
            queryset = queryset.filter(status=self.status)
        if self.due == "soon":
            soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
            queryset = queryset.filter(status__in=OPEN_STATUSES, due_on__gte=today, due_on__lte=soon)
        elif self.due == "overdue":
            queryset = queryset.filter(status__in=OPEN_STATUSES, due_on__lt=today)
        if self.team:
            queryset = queryset.filter(team_id=int(self.team))
        return queryset


def advice_requests_mine(*, user, filters: AdviceFilters) -> QuerySet:
    """My cases: the requests allocated to this person, soonest due first."""
    return filters.apply(_listed().filter(allocated_to=user), today=timezone.localdate())


def advice_requests_team(*, managed_team_ids: list[int], filters: AdviceFilters) -> QuerySet:
    """Team cases: every request sent to the teams this person manages."""
    return filters.apply(_listed().filter(team_id__in=managed_team_ids), today=timezone.localdate())


def advice_request_for(*, user, pk, places: list[HealthTeamMember]) -> tuple[AdviceRequest, bool]:
    """The advice request a person may open, and whether they manage its team: a manager of the team,
    or the team member it is allocated to, judged from ``places`` (health_places_of, which the page's
    guard has read). Anyone else gets a 404, not a 403, so a guessed number confirms nothing (one
    query)."""
    advice = (
        AdviceRequest.objects.select_related("case__caseworker", "case__request", "team", "allocated_to")
        .filter(pk=pk)
        .first()
    )
    if advice is None or not user.is_authenticated:
        raise Http404("No such advice request")
    is_manager = any(place.team_id == advice.team_id and place.is_manager for place in places)
    if not is_manager and advice.allocated_to_id != user.pk:
        raise Http404("No such advice request")
    return advice, is_manager


def advice_requests_of_case(*, case) -> list[AdviceRequest]:
    """Every health team asked on a case, with who has it (one query)."""
    return list(case.advice_requests.select_related("team", "allocated_to").order_by("requested_on", "id"))


def advice_written_for_family(*, case) -> dict[int, str]:
    """The advice health teams have submitted on the case, which the family may read from SEN
    Involvements: the link to each, by the id of the event that asked for it (one query)."""
    submitted = case.advice_requests.filter(status=AdviceStatus.SUBMITTED).order_by("id")
    return {
        advice.event_id: reverse("family_advice_view", args=[case.reference, advice.pk])
        for advice in submitted
    }


def advice_asked_outside_hub(*, case) -> list[dict]:
    """The services asked for advice on the case that are not teams on the hub (one query)."""
    return [
        {"name": event.detail.get("service", ""), "asked_on": event.happened_on}
        for event in case.events.filter(action=Action.REQUEST_ADVICE).order_by("happened_on", "id")
        if not event.detail.get("team")
    ]


# Across councils ---------------------------------------------------------------------------------


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
        "AND a.status IN ({open}) AND (a.allocated_to_id = {user} OR (a.status = {awaiting} AND EXISTS "
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
