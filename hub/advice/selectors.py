"""Reads for the health team's own pages: My cases and Team cases with their filters, the one check of
who may open an advice request, who else was asked on its case, and the advice as it reads on the
template it was written on."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from core.formdefs import definition_from_dict, summary_parts
from core.inputs import whole_number
from core.models import FormVersion
from ehc.cases.selectors import DUE_SOON_DAYS
from ehc.models import Placement
from ehc.workflow import Action, Stage
from hub.advice.definitions import ADVICE_FORM_SLUG
from hub.models import (
    NOT_WITH_COUNCIL,
    OPEN_STATUSES,
    AdviceContribution,
    AdviceRequest,
    AdviceStatus,
    HealthTeamMember,
)


def _main_setting() -> Subquery:
    """The case's main education setting (its rank 1 placement, SEN2's), as a column of the list."""
    return Subquery(
        Placement.objects.filter(case=OuterRef("case_id"), rank=1).order_by("id").values("setting_name")[:1]
    )


def _listed() -> QuerySet:
    return (
        AdviceRequest.objects.select_related("case", "team")
        .annotate(setting=_main_setting())
        .order_by("due_on", "id")
    )


def contributions_prefetch() -> Prefetch:
    """Who is writing each request's advice, read with a page of requests (one query for the page)."""
    return Prefetch(
        "contributions",
        queryset=AdviceContribution.objects.select_related("professional").order_by("added_at", "id"),
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
    """My cases: the requests this person writes a part of, soonest due first (one part each at most)."""
    return filters.apply(_listed().filter(contributions__professional=user), today=timezone.localdate())


def advice_requests_team(*, managed_team_ids: list[int], filters: AdviceFilters) -> QuerySet:
    """Team cases: every request sent to the teams this person manages, with who writes each."""
    return filters.apply(
        _listed().filter(team_id__in=managed_team_ids).prefetch_related(contributions_prefetch()),
        today=timezone.localdate(),
    )


def advice_requests_council(*, filters: AdviceFilters) -> QuerySet:
    """The Designated Clinical Officer's list: every health team's requests in this council, soonest due
    first; due soon and overdue count advice waiting for the check (the council's date is still open)."""
    return filters.apply(
        _listed().prefetch_related(contributions_prefetch()),
        today=timezone.localdate(),
        waiting=NOT_WITH_COUNCIL,
    )


def advice_settings_listed(*, user=None, managed_team_ids: list[int] | None = None) -> list[str]:
    """The education settings of the cases in a list before it is filtered (My cases with ``user``,
    Team cases with ``managed_team_ids``, else every request here): the setting filter's choices (one
    query)."""
    queryset = AdviceRequest.objects.all()
    if user is not None:
        queryset = queryset.filter(contributions__professional=user)
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
    or a team member writing a part of its advice, judged from ``places`` (health_places_of, which the
    page's guard has read). ``my_part`` is the id of this person's part, or None. Anyone else gets a
    404, not a 403, so a guessed number confirms nothing (one query)."""
    if not user.is_authenticated:
        raise Http404("No such advice request")
    mine = AdviceContribution.objects.filter(advice_request=OuterRef("pk"), professional=user)
    advice = (
        AdviceRequest.objects.select_related("case__caseworker", "case__request", "team")
        .annotate(my_part=Subquery(mine.values("pk")[:1]))
        .filter(pk=pk)
        .first()
    )
    if advice is None:
        raise Http404("No such advice request")
    is_manager = any(place.team_id == advice.team_id and place.is_manager for place in places)
    if not is_manager and advice.my_part is None:
        raise Http404("No such advice request")
    return advice, is_manager


def advice_submitted_on_same_case(*, advice: AdviceRequest, pk) -> AdviceRequest:
    """Another team's advice on the case of ``advice`` (the request its reader's team was asked), once
    submitted: never a draft, nor a response that the child is not known, nor another case's (one
    query; else 404)."""
    other = (
        AdviceRequest.objects.select_related("case", "team", "submitted_by")
        .filter(pk=pk, case_id=advice.case_id, status=AdviceStatus.SUBMITTED)
        .exclude(pk=advice.pk)
        .first()
    )
    if other is None:
        raise Http404("No such advice")
    return other


def advice_requests_of_case(*, case) -> list[AdviceRequest]:
    """Every health team asked on a case (one query)."""
    return list(case.advice_requests.select_related("team").order_by("requested_on", "id"))


def advice_contributions_of(*, advice: AdviceRequest) -> list[AdviceContribution]:
    """Who writes the request's advice, and whether each has submitted their part (one query)."""
    return list(advice.contributions.select_related("professional").order_by("added_at", "id"))


def advice_asked_outside_hub(*, case) -> list[dict]:
    """The services asked for advice on the case that are not teams on the hub (one query)."""
    return [
        {"name": event.detail.get("service", ""), "asked_on": event.happened_on}
        for event in case.events.filter(action=Action.REQUEST_ADVICE).order_by("happened_on", "id")
        if not event.detail.get("team")
    ]


def advice_template_version() -> FormVersion:
    return FormVersion.objects.filter(definition__slug=ADVICE_FORM_SLUG).select_related("definition").first()


def advice_definition(*, part: AdviceContribution):
    """The template a part is written on: its own version once saved, else the council's current."""
    version = part.version or advice_template_version()
    return definition_from_dict(version.schema)


@dataclass(frozen=True)
class AdviceByAuthor:
    """One professional's submitted part of a team's advice as it reads: its author, when it was
    submitted, and its advice areas with its clinic letters (core.formdefs.summary_parts)."""

    pk: int
    author: str
    done_at: datetime.datetime
    parts: list


def advice_by_author(*, advice: AdviceRequest, file_url=None) -> list[AdviceByAuthor]:
    """The team's submitted advice, part by part under each author's name, with each part's clinic
    letters linked by ``file_url`` (the viewer's own download address for an attachment). Only parts
    submitted: a part still being written when a manager submitted the team's advice is not part of
    it (two queries, however many parts)."""
    written = (
        advice.contributions.filter(done_at__isnull=False)
        .select_related("professional", "version")
        .prefetch_related("attachments")
        .order_by("done_at", "id")
    )
    current = None
    shown = []
    for part in written:
        files = list(part.attachments.all())
        for attachment in files:
            attachment.url = file_url(attachment) if file_url else ""
        if part.version is None:
            current = current or advice_template_version()
        definition = definition_from_dict((part.version or current).schema)
        sections, _ = summary_parts(definition, part.answers, files=files)
        shown.append(AdviceByAuthor(pk=part.pk, author=part.author, done_at=part.done_at, parts=sections))
    return shown


def advice_attachment_readable(*, advice: AdviceRequest, file_id, user=None):
    """A clinic letter of the advice a reader may download: one of a submitted part, or, for its
    writer, one of their own part (one query; else 404)."""
    readable = []
    if advice.status in (AdviceStatus.SUBMITTED, AdviceStatus.AWAITING_CHECK):
        readable.append(Q(contribution__done_at__isnull=False))
    if user is not None:
        readable.append(Q(contribution__professional=user))
    attachment = None
    if readable:
        either = readable[0] if len(readable) == 1 else readable[0] | readable[1]
        attachment = advice.attachments.filter(either, pk=file_id).first()
    if attachment is None:
        raise Http404("No such file")
    return attachment
