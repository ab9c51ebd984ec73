"""The SEND team's page for a case's statutory return (SEN2) details: the person, the request and the
plan, ranked needs and placements. Each section is its own small form; the hidden ``form`` field says
which one was posted. Dates and outcomes are not here: they come from the case's events."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.decorators import role_required
from core.inputs import whole_number
from core.roles import STAFF_ROLES
from ehc.cases.access import case_for_staff
from ehc.models import Case, Need, Placement
from ehc.records import services
from ehc.records.forms import NeedAddForm, PersonForm, PlacementAddForm, PlacementEndForm, PlanForm


@dataclass
class _Page:
    """What the page shows: the case, its needs and placements, and a form for each section (bound
    for the one that was posted and failed, so what was typed is shown again)."""

    case: Case
    needs: list[Need]
    placements: list[Placement]
    section_forms: dict[str, forms.Form]
    end_forms: dict[int, PlacementEndForm] = field(default_factory=dict)


def _page(case: Case) -> _Page:
    needs = list(case.needs.all())
    placements = list(case.placements.all())
    return _Page(
        case=case,
        needs=needs,
        placements=placements,
        section_forms={
            "person": PersonForm(
                initial={name: getattr(case, name) for name in services.PERSON_FIELDS},
                prefix="person",
            ),
            "plan": PlanForm(
                initial={name: getattr(case, name) for name in services.PLAN_FIELDS}, prefix="plan"
            ),
            "need_add": NeedAddForm(used={need.code for need in needs}, prefix="need"),
            "placement_add": PlacementAddForm(prefix="placement"),
        },
        end_forms={
            p.pk: PlacementEndForm(prefix=f"end-{p.pk}") for p in placements if p.leaving_date is None
        },
    )


def _save(form: forms.Form, save: Callable[[dict], str]) -> str | None:
    """Run ``save`` with the form's cleaned data if it is valid; a rule the service refuses becomes the
    form's error. Returns the success message, or None when there is an error to show."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


def _person(data, page: _Page, by) -> tuple[forms.Form, str | None]:
    form = page.section_forms["person"] = PersonForm(data, prefix="person")

    def save(values: dict) -> str:
        changed = services.case_person_update(case=page.case, by=by, values=values)
        return "Person details saved." if changed else "Nothing had changed."

    return form, _save(form, save)


def _plan(data, page: _Page, by) -> tuple[forms.Form, str | None]:
    form = page.section_forms["plan"] = PlanForm(data, prefix="plan")

    def save(values: dict) -> str:
        changed = services.case_plan_update(case=page.case, by=by, values=values)
        return "Request and plan saved." if changed else "Nothing had changed."

    return form, _save(form, save)


def _need_add(data, page: _Page, by) -> tuple[forms.Form, str | None]:
    form = page.section_forms["need_add"] = NeedAddForm(
        data, used={n.code for n in page.needs}, prefix="need"
    )

    def save(values: dict) -> str:
        need = services.case_need_add(case=page.case, by=by, code=values["code"])
        return f"Need added: {need.get_code_display()}."

    return form, _save(form, save)


def _need_change(service, verb: str):
    def handle(data, page: _Page, by) -> tuple[forms.Form, str | None]:
        form = forms.Form(data)  # no fields: it carries a refusal, shown by the needs table

        def save(values: dict) -> str:
            need = service(case=page.case, by=by, need_id=_id(data.get("need", "")))
            return f"Need {verb}: {need.get_code_display()}."

        return form, _save(form, save)

    return handle


def _placement_add(data, page: _Page, by) -> tuple[forms.Form, str | None]:
    form = page.section_forms["placement_add"] = PlacementAddForm(data, prefix="placement")

    def save(values: dict) -> str:
        placement = services.case_placement_add(case=page.case, by=by, **values)
        return f"Placement added: {placement.setting_name}."

    return form, _save(form, save)


def _placement_end(data, page: _Page, by) -> tuple[forms.Form, str | None]:
    pk = _id(data.get("placement", ""))
    if pk not in page.end_forms:
        form = forms.Form(data)
        form.add_error(None, "That placement has already ended")
        return form, None
    form = page.end_forms[pk] = PlacementEndForm(data, prefix=f"end-{pk}")

    def save(values: dict) -> str:
        placement = services.case_placement_end(
            case=page.case, by=by, placement_id=pk, leaving_date=values["leaving_date"]
        )
        return f"Placement ended: {placement.setting_name}."

    return form, _save(form, save)


HANDLERS = {
    "person": _person,
    "plan": _plan,
    "need_add": _need_add,
    "need_remove": _need_change(services.case_need_remove, "removed"),
    "need_up": _need_change(services.case_need_move_up, "moved up"),
    "placement_add": _placement_add,
    "placement_end": _placement_end,
}
# The section (its heading's id) where a refusal that belongs to no field is shown and linked to.
SECTION_OF = {
    "person": "person",
    "plan": "plan",
    "need_add": "needs",
    "need_remove": "needs",
    "need_up": "needs",
    "placement_add": "placements",
    "placement_end": "placements",
}


def _id(value: str) -> int | None:
    return whole_number(value)


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_records(request, reference):
    page = _page(case_for_staff(request, reference))
    problems: dict[str, str] = {}
    section_errors: dict[str, str] = {}
    if request.method == "POST":
        which = request.POST.get("form", "")
        handler = HANDLERS.get(which)
        if handler is None:
            return HttpResponseBadRequest("Unknown form")
        form, done = handler(request.POST, page, request.user)
        if done:
            messages.success(request, done)
            return redirect("case_records", reference=page.case.reference)
        section = SECTION_OF[which]
        section_errors = {section: " ".join(form.non_field_errors())} if form.non_field_errors() else {}
        problems = {
            (section if name == "__all__" else form[name].id_for_label): " ".join(errors)
            for name, errors in form.errors.items()
        }
    open_placements = [p for p in page.placements if p.leaving_date is None]
    context = {
        "case": page.case,
        "needs": page.needs,
        "placements": open_placements + [p for p in page.placements if p.leaving_date is not None],
        "ending": [(p, page.end_forms[p.pk]) for p in open_placements],
        **page.section_forms,
        "problems": problems,
        "section_errors": section_errors,
    }
    return render(request, "ehc/cases/records.html", context, status=400 if problems else 200)
