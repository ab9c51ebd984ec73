"""Reads of the teams' advice for the council's pages below the hub (through ehc.hooks.PortalAdvice):
the staff case page's section on each team asked, and the family's links from SEN Involvements."""

from django.db.models import Prefetch
from django.urls import reverse

from hub.models import AdviceRequest, AdviceStatus


def advice_requests_prefetch() -> Prefetch:
    """The staff case page's advice from health teams, read with its case: each team asked and who has
    the request (one query)."""
    return Prefetch(
        "advice_requests",
        queryset=AdviceRequest.objects.select_related("team", "allocated_to").order_by("requested_on", "id"),
    )


def advice_written_for_family(*, case) -> dict[int, str]:
    """The advice health teams have submitted on the case, which the family may read from SEN
    Involvements: the link to each, by the id of the event that asked for it (one query)."""
    submitted = case.advice_requests.filter(status=AdviceStatus.SUBMITTED).order_by("id")
    return {
        advice.event_id: reverse("family_advice_view", args=[case.reference, advice.pk])
        for advice in submitted
    }
