"""Reads for the health team's own pages: My cases and Team cases with their filters, the one check of
who may open an advice request, who else was asked on its case, and the advice as it reads on the
template it was written on."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from core.formdefs import definition_from_dict, summary_parts
from core.inputs import whole_number
from core.models import FormVersion
from ehc.cases.selectors import DUE_SOON_DAYS
from ehc.models import Placement
from ehc.workflow import Action, Stage
from hub.advice.definitions import ADVICE_FORM_SLUG
from hub.models import NOT_WITH_COUNCIL, OPEN_STATUSES, AdviceRequest, AdviceStatus, HealthTeamMember


def _main_setting() -> Subquery:
    """The case's main education setting (its rank 1 placement, SEN2's), as a column of the list."""
    return Subquery(
        Placement.objects.filter(case=OuterRef("case_id"), rank=1).order_by("id").values("setting_name")[:1]
    )


def _listed() -> QuerySet:
    return (
        AdviceRequest.objects.select_related("case", "team", "allocated_to")
        .annotate(setting=_main_setting())
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class AdviceFilters:
    """What the My cases, Team cases and the Designated Clinical Officer's lists filter by, read from the
    query string: the guide's "filter cases by case status (stage in the assessment process), education
    setting, and those with impending or overdue deadlines", and the advice's own status."""

    search: str = ""
    status: str = ""
    due: str = ""  # "soon" (within 2 weeks) or "overdue"
    team: str = ""
    awaiting: bool = False
    stage: str = ""  # the case's stage (ehc.workflow.Stage)
    setting: str = ""  # the case's main education setting, by its name as the list shows it
    check: bool = False  # waiting for the Designated Clinical Officer's check

    @classmethod
    def from_query(cls, query) -> "AdviceFilters":
        return cls(
            search=query.get("q", "").strip()[:100],
            status=query.get("status", "") if query.get("status", "") in AdviceStatus.values else "",
            due=query.get("due", "") if query.get("due", "") in {"soon", "overdue"} else "",
            team=query.get("team", "") if whole_number(query.get("team", "")) is not None else "",
            awaiting=query.get("awaiting") == "1",
            stage=query.get("stage", "") if query.get("stage", "") in Stage.values else "",
            setting=query.get("setting", "").strip()[:200],
            check=query.get("check") == "1",
        )

    def apply(self, queryset: QuerySet, *, today: datetime.date, waiting: tuple = OPEN_STATUSES) -> QuerySet:
        """``waiting``: the statuses whose due date is still open for this list (the team's open requests;
        for the Designated Clinical Officer, advice not yet with the council too)."""
        for word in self.search.split():
            queryset = queryset.filter(
                Q(case__child_first_name__icontains=word)
                | Q(case__child_last_name__icontains=word)
                | Q(case__reference__iexact=word)
            )
        if self.awaiting:
            queryset = queryset.filter(status=AdviceStatus.AWAITING_ALLOCATION)
        elif self.check:
            queryset = queryset.filter(status=AdviceStatus.AWAITING_CHECK)
        elif self.status:
            queryset = queryset.filter(status=self.status)
        if self.due == "soon":
            soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
            queryset = queryset.filter(status__in=waiting, due_on__gte=today, due_on__lte=soon)
        elif self.due == "overdue":
            queryset = queryset.filter(status__in=waiting, due_on__lt=today)
        if self.team:
            queryset = queryset.filter(team_id=int(self.team))
        if self.stage:
            queryset = queryset.filter(case__stage=self.stage)
        if self.setting:
            queryset = queryset.filter(setting=self.setting)
        return queryset


def advice_requests_mine(*, user, filters: AdviceFilters) -> QuerySet:
    """My cases: the requests allocated to this person, soonest due first."""
    return filters.apply(_listed().filter(allocated_to=user), today=timezone.localdate())


def advice_requests_team(*, managed_team_ids: list[int], filters: AdviceFilters) -> QuerySet:
    """Team cases: every request sent to the teams this person manages."""
    return filters.apply(_listed().filter(team_id__in=managed_team_ids), today=timezone.localdate())


def advice_requests_council(*, filters: AdviceFilters) -> QuerySet:
    """The Designated Clinical Officer's list: every health team's requests in this council, soonest due
    first; due soon and overdue count advice waiting for the check (the council's date is still open)."""
    return filters.apply(_listed(), today=timezone.localdate(), waiting=NOT_WITH_COUNCIL)


def advice_settings_listed(*, user=None, managed_team_ids: list[int] | None = None) -> list[str]:
    """The education settings of the cases in a list before it is filtered (My cases with ``user``,
    Team cases with ``managed_team_ids``, else every request here): the setting filter's choices (one
    query)."""
    queryset = AdviceRequest.objects.all()
    if user is not None:
        queryset = queryset.filter(allocated_to=user)
    if managed_team_ids is not None:
        queryset = queryset.filter(team_id__in=managed_team_ids)
    settings = (
        Placement.objects.filter(rank=1, case__in=queryset.values("case_id"))
        .order_by("setting_name")
        .values_list("setting_name", flat=True)
        .distinct()
    )
    return list(settings)


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


def advice_asked_outside_hub(*, case) -> list[dict]:
    """The services asked for advice on the case that are not teams on the hub (one query)."""
    return [
        {"name": event.detail.get("service", ""), "asked_on": event.happened_on}
        for event in case.events.filter(action=Action.REQUEST_ADVICE).order_by("happened_on", "id")
        if not event.detail.get("team")
    ]


def advice_template_version() -> FormVersion:
    return FormVersion.objects.filter(definition__slug=ADVICE_FORM_SLUG).select_related("definition").first()


def advice_definition(*, advice: AdviceRequest):
    """The template the advice is written on: its own version once saved, else the council's current."""
    version = advice.version or advice_template_version()
    return definition_from_dict(version.schema)


def advice_parts(*, advice: AdviceRequest, file_url=None) -> list:
    """The advice as it reads, part by part, with its clinic letters, each linked by ``file_url``
    (the viewer's own download address for an attachment)."""
    files = list(advice.attachments.all())
    for attachment in files:
        attachment.url = file_url(attachment) if file_url else ""
    parts, _ = summary_parts(advice_definition(advice=advice), advice.answers, files=files)
    return parts
