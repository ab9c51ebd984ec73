"""The SEND team's pages for adding a case that did not start as an online request: a request received
on paper or by email, and an existing EHC plan moving onto the portal."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.dateinputs import dates_posted, problems_in_page_order
from core.decorators import role_required
from core.errors import errors_by_field
from core.roles import STAFF_ROLES
from ehc.cases.access import cases_listed_for_staff
from ehc.cases.selectors import caseworkers_of_council
from ehc.entry import services

KINDS = {
    "paper": ("A request received on paper or by email", "case_new_paper"),
    "existing": ("An existing EHC plan (moving onto the portal)", "case_new_existing"),
}


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_new(request):
    """Add a case: choose what it starts from."""
    errors = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind in KINDS:
            return redirect(KINDS[kind][1])
        errors["kind"] = "Select what the case starts from"
    return render(
        request,
        "ehc/cases/entry.html",
        {"kinds": [(value, label) for value, (label, _) in KINDS.items()], "errors": errors},
        status=400 if errors else 200,
    )


def _known_child(request, error: services.KnownChild, errors: dict) -> list:
    """The cases the child may already have. Shown once as a warning; posted again with the same cases
    and without "This is a different child" ticked, it is an error. Showing them is a read of those
    children's records, audited."""
    posted = request.POST
    known = error.cases
    cases_listed_for_staff(request, [case.reference for case in known])
    seen = set(posted.getlist("seen"))
    if {case.reference for case in known} <= seen:
        errors["different_child"] = "Select 'This is a different child', or go to the child's case"
    return known


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_new_paper(request):
    """A request received on paper or by email, entered on the family's (or setting's) behalf."""
    posted = request.POST if request.method == "POST" else None
    dates = dates_posted(posted, services.PAPER_DATES)
    errors, known = {}, []
    if posted is not None:
        errors = {key: answer.error for key, answer in dates.items() if answer.error}
        fields = {
            "first_name": posted.get("first_name", ""),
            "last_name": posted.get("last_name", ""),
            "date_of_birth": dates["date_of_birth"].value,
            "received_on": dates["received_on"].value,
            "requestor": posted.get("requestor", ""),
            "note": posted.get("note", ""),
        }
        errors = services.paper_problems(**fields, skip=errors) | errors
        if not errors:
            different = posted.getlist("seen") if posted.get("different_child") else ()
            try:
                case = services.case_enter_paper(by=request.user, **fields, different_from=different)
            except services.KnownChild as error:
                known = _known_child(request, error, errors)
            except ValidationError as error:
                errors = errors_by_field(error)
            else:
                return redirect("case_page", reference=case.reference)
    order = [
        "different_child",
        "first_name",
        "last_name",
        "date_of_birth",
        "received_on",
        "requestor",
        "note",
    ]
    context = {
        "posted": posted or {},
        "dates": dates,
        "errors": errors,
        "problems": problems_in_page_order(order, errors, dates),
        "known": known,
        "requestors": list(services.REQUESTORS.items()),
    }
    return render(request, "ehc/cases/entry_paper.html", context, status=400 if errors else 200)


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_new_existing(request):
    """An EHC plan the council issued before it used the portal, entered with its real dates."""
    posted = request.POST if request.method == "POST" else None
    dates = dates_posted(posted, services.EXISTING_DATES)
    caseworkers = caseworkers_of_council()
    errors, known = {}, []
    if posted is not None:
        errors = {key: answer.error for key, answer in dates.items() if answer.error}
        fields = {
            "first_name": posted.get("first_name", ""),
            "last_name": posted.get("last_name", ""),
            **{key: answer.value for key, answer in dates.items()},
        }
        errors = services.existing_plan_problems(**fields, skip=errors) | errors
        chosen = posted.get("caseworker", "")
        caseworker = next((person for person in caseworkers if str(person.pk) == chosen), None)
        if chosen and caseworker is None:
            errors["caseworker"] = "Select a caseworker of this council"
        if not errors:
            different = posted.getlist("seen") if posted.get("different_child") else ()
            try:
                case = services.case_enter_existing_plan(
                    by=request.user, **fields, caseworker=caseworker, different_from=different
                )
            except services.KnownChild as error:
                known = _known_child(request, error, errors)
            except ValidationError as error:
                errors = errors_by_field(error)
            else:
                return redirect("case_page", reference=case.reference)
    order = ["different_child", "first_name", "last_name", *services.EXISTING_DATES, "caseworker"]
    context = {
        "posted": posted or {},
        "dates": dates,
        "errors": errors,
        "problems": problems_in_page_order(order, errors, dates),
        "known": known,
        "caseworkers": caseworkers,
    }
    return render(request, "ehc/cases/entry_existing.html", context, status=400 if errors else 200)
