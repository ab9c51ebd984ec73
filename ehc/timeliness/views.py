"""Timeliness of final plans for SEND managers and council admins: the year's share issued within
20 weeks, with and without exceptions, and the late ones (definitions in ehc/timeliness/report.py)."""

from django.db.models import Exists, OuterRef
from django.db.models.functions import ExtractYear
from django.shortcuts import render
from django.utils import timezone

from core.decorators import role_required
from core.roles import Role
from ehc.cases.access import cases_listed_for_staff
from ehc.cases.selectors import case_due_dates
from ehc.models import Case, CaseEvent
from ehc.timeliness.report import timeliness_for_year
from ehc.workflow import Action


def _years_with_final_plans() -> set[int]:
    """Calendar years in which this council issued a final plan. One query."""
    return set(
        CaseEvent.objects.filter(action=Action.ISSUE_FINAL)
        .annotate(year=ExtractYear("happened_on"))
        .order_by()  # the model's ordering would make DISTINCT a row per event
        .values_list("year", flat=True)
        .distinct()
    )


def _cases_with_final_plan_in(year: int) -> list[Case]:
    """Cases whose final plan was issued in ``year``, with what the clock reads. Three queries (cases,
    events, exceptions) whatever their number; only the first when there are none."""
    issued = CaseEvent.objects.filter(case=OuterRef("pk"), action=Action.ISSUE_FINAL, happened_on__year=year)
    return list(
        Case.objects.filter(Exists(issued)).prefetch_related("events", "exceptions").order_by("reference")
    )


@role_required(Role.SEND_MANAGER, Role.COUNCIL_ADMIN)
def case_timeliness(request):
    this_year = timezone.localdate().year
    years = sorted(_years_with_final_plans() | {this_year}, reverse=True)
    typed = request.GET.get("year", "").strip()
    errors, figures, measures = {}, None, []
    if not typed:
        year = this_year
    elif typed in {str(choice) for choice in years}:
        year = int(typed)
    else:
        year = None
        errors["year"] = "Select a year from the list"
    if year is not None:
        cases = _cases_with_final_plan_in(year)
        figures = timeliness_for_year(
            year=year, cases_with_dues=((case, case_due_dates(case=case)) for case in cases)
        )
        cases_listed_for_staff(request, [plan.reference for plan in figures.late], detail={"year": year})
        measures = [
            ("Including exceptions", figures.including_exceptions),
            ("Excluding exceptions", figures.excluding_exceptions),
        ]
    context = {"years": years, "year": year, "figures": figures, "measures": measures, "errors": errors}
    return render(request, "ehc/cases/timeliness.html", context, status=400 if errors else 200)
