import datetime

from django.utils import timezone

from ehc.models import AssessmentRequest, RequestStatus

RECENT_DAYS = 30


def requests_drafts_of(*, user) -> list[AssessmentRequest]:
    return list(
        AssessmentRequest.objects.filter(owner=user, status=RequestStatus.DRAFT).select_related(
            "version__definition"
        )
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
        AssessmentRequest.objects.filter(status=RequestStatus.SUBMITTED)
        .select_related("version__definition", "owner")
        .order_by("-submitted_at")
    )
