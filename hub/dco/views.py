"""The Designated Clinical Officer's pages (North East Lincolnshire's guide): every health team's advice
for the council, due and overdue, and each one's advice with "Mark as checked" where the council has the
DCO check advice before it goes to the SEND team."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import errors_by_field
from core.uploads import private_file_response
from ehc.cases.access import LISTED, record_read_by
from ehc.cases.selectors import DUE_SOON_DAYS
from ehc.workflow import Stage
from hub.advice import selectors
from hub.advice.selectors import AdviceFilters
from hub.dco.access import advice_for_dco, dco_required
from hub.dco.services import advice_check, advice_return
from hub.models import NOT_WITH_COUNCIL, AdviceStatus, HealthTeam

PAGE_SIZE = 25


@dco_required
@require_GET
def dco_cases(request):
    """Every health team's requests for advice in this council, soonest due first, with the filters."""
    filters = AdviceFilters.from_query(request.GET)
    page = Paginator(selectors.advice_requests_council(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_read_by(
        request,
        subjects=[advice.case.reference for advice in page.object_list],
        action=LISTED,
        detail={"filters": {k: v for k, v in request.GET.items() if k not in {"q", "page"} and v}}
        | {"searched": bool(request.GET.get("q", "").strip()), "page_number": page.number},
    )
    today = timezone.localdate()
    return render(
        request,
        "hub/dco/cases.html",
        {
            "page": page,
            "filters": filters,
            "statuses": AdviceStatus.choices,
            "stages": Stage.choices,
            "settings": selectors.advice_settings_listed(),
            "teams": list(HealthTeam.objects.order_by("name")),
            "querystring": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}),
            "today": today,
            "soon": today + timezone.timedelta(days=DUE_SOON_DAYS),
            "waiting": NOT_WITH_COUNCIL,
            "checked_first": request.council_config.advice_checked_by_dco,
        },
    )


@dco_required
@require_http_methods(["GET", "POST"])
def dco_advice(request, pk):
    """One team's advice, read-only, with "Mark as checked" (and an optional note to the team) or "Return
    to the team" (with a note saying what to change) while it waits for the check."""
    advice = advice_for_dco(request, pk)
    errors, note = {}, ""
    if request.method == "POST":
        note = request.POST.get("note", "")
        returning = request.POST.get("action") == "return"
        try:
            if returning:
                advice_return(advice=advice, by=request.user, note=note)
            else:
                advice_check(advice=advice, by=request.user, note=note)
        except ValidationError as refused:
            # A refusal of the whole page (checked meanwhile) has no note field to link to.
            errors = errors_by_field(refused, field="note" if advice.awaits_check else "")
        else:
            messages.success(
                request,
                f"Returned to {advice.team.name}. The team member who submitted it has been emailed."
                if returning
                else f"Marked as checked. The advice for case {advice.case.reference} has gone to the "
                "SEND team and the caseworker has been told.",
            )
            return redirect("hub_dco_cases")
    return render(
        request,
        "hub/dco/advice.html",
        {
            "advice": advice,
            "authors": selectors.advice_by_author(
                advice=advice, file_url=lambda a: reverse("hub_dco_advice_file", args=[advice.pk, a.pk])
            ),
            "errors": errors,
            "note": note,
        },
        status=400 if errors else 200,
    )


@dco_required
@require_GET
def dco_advice_file(request, pk, file_id):
    """A clinic letter or report sent with the advice, for the DCO's check, audited as a download."""
    advice = advice_for_dco(
        request, pk, action="advice.file_downloaded", detail={"file": file_id, "by": "dco"}
    )
    return private_file_response(selectors.advice_attachment_readable(advice=advice, file_id=file_id))
