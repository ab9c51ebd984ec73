"""Reads of the teams' advice for the council's pages below the hub (through ehc.hooks.PortalAdvice):
the staff case page's section on each team asked, and the family's links from SEN Involvements."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from ehc.hooks import AdviceForPlan
from ehc.models import NeedArea
from hub.advice.definitions import ADVICE_AREAS
from hub.advice.selectors import contributions_prefetch
from hub.models import AdviceContribution, AdviceRequest, AdviceStatus


def advice_requests_prefetch() -> Prefetch:
    """The staff case page's advice from health teams, read with its case: each team asked and who
    writes its advice (two queries, however many teams and professionals)."""
    return Prefetch(
        "advice_requests",
        queryset=AdviceRequest.objects.select_related("team")
        .prefetch_related(contributions_prefetch())
        .order_by("requested_on", "id"),
    )


def advice_written_for_family(*, case) -> dict[int, str]:
    """The advice health teams have submitted on the case, which the family may read from SEN
    Involvements: the link to each, by the id of the event that asked for it (one query)."""
    submitted = case.advice_requests.filter(status=AdviceStatus.SUBMITTED).order_by("id")
    return {
        advice.event_id: reverse("family_advice_view", args=[case.reference, advice.pk])
        for advice in submitted
    }


# The advice template's areas are ehc.models.NeedArea's keys; an outcome's "Advice area" is typed, so it is
# matched to an area by the area's key or label, ignoring case, and left for the caseworker otherwise.
_AREA_WORDS = {word.lower(): key for key, label in NeedArea.choices for word in (key, label)}


def _rows(answer) -> list[dict]:
    return [row for row in answer or [] if isinstance(row, dict)]


def advice_for_plan(*, case) -> list[AdviceForPlan]:
    """Each team's submitted advice on the case, as the plan is started from it: one per team's request,
    with the rows of every part submitted in it, part after part in the order they were submitted (one
    query, however many teams and parts: the parts, each with its request and team)."""
    parts = (
        AdviceContribution.objects.filter(
            advice_request__case=case, advice_request__status=AdviceStatus.SUBMITTED, done_at__isnull=False
        )
        .select_related("advice_request__team")
        .order_by("advice_request__submitted_at", "advice_request_id", "done_at", "id")
    )
    by_request: dict[int, tuple[AdviceRequest, list[dict]]] = {}
    for part in parts:
        by_request.setdefault(part.advice_request_id, (part.advice_request, []))[1].append(part.answers or {})
    found = []
    for advice, every in by_request.values():
        submitted_on = timezone.localdate(advice.submitted_at) if advice.submitted_at else advice.requested_on
        found.append(
            AdviceForPlan(
                source_key=f"advice:{advice.event_id}",
                source=f"{advice.team.name} advice, {date_format(submitted_on, 'j M Y')}",
                team=advice.team.name,
                submitted_on=submitted_on,
                needs=tuple(
                    (area, answers[f"{area}_needs"].strip())
                    for answers in every
                    for area, _ in ADVICE_AREAS
                    if str(answers.get(f"{area}_needs") or "").strip()
                ),
                outcomes=tuple(
                    (
                        _AREA_WORDS.get(str(row.get("area") or "").strip().lower(), ""),
                        str(row.get("outcome") or "").strip(),
                        str(row.get("steps") or "").strip(),
                    )
                    for answers in every
                    for row in _rows(answers.get("outcomes"))
                    if str(row.get("outcome") or "").strip()
                ),
                provision=tuple(
                    (str(row.get("outcome") or "").strip(), str(row.get("provision") or "").strip())
                    for answers in every
                    for row in _rows(answers.get("provision"))
                    if str(row.get("provision") or "").strip()
                ),
            )
        )
    return found
