"""Reads for EHC needs assessment requests: a person's drafts and recently submitted forms, and the SEND
team's incoming requests."""

import datetime

from django.utils import timezone

from ehc.models import AssessmentRequest, RequestStatus

RECENT_DAYS = 30


def requests_drafts_of(*, user) -> list[AssessmentRequest]:
    return list(
        AssessmentRequest.objects.filter(
            owner=user,
            status=RequestStatus.DRAFT,
            about_case__isnull=True,  # case forms: Items to complete
        ).select_related("version__definition")
    )


def requests_submitted_recently(*, user) -> list[AssessmentRequest]:
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return list(
        AssessmentRequest.objects.filter(owner=user, status=RequestStatus.SUBMITTED, submitted_at__gte=since)
        .select_related("version__definition")
        .order_by("-submitted_at")
    )


def requests_incoming() -> list[AssessmentRequest]:
    """Submitted requests, newest first, for the SEND team (one query whatever their number)."""
    return list(
        AssessmentRequest.objects.filter(status=RequestStatus.SUBMITTED, about_case__isnull=True)
        .select_related("version__definition", "owner", "case")  # "case": audit rows name the child
        .order_by("-submitted_at")
    )
