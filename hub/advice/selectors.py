"""Reads for the health team's own pages: My cases and Team cases with their filters, the one check of
who may open an advice request, who else was asked on its case, and the advice as it reads on the
template it was written on."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.formdefs import definition_from_dict, summary_parts
from core.inputs import whole_number
from core.models import FormVersion
from ehc.cases.selectors import DUE_SOON_DAYS
from ehc.workflow import Action
from hub.advice.definitions import ADVICE_FORM_SLUG
from hub.models import OPEN_STATUSES, AdviceRequest, AdviceStatus, HealthTeamMember


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
