"""The SEND team's plan pages: the plan of a case (its sections, the check for gaps, the issued versions),
starting the draft from what the caseworker chooses, bringing in later advice, and each section's page.
Every page reads the case through ehc.cases.access (guarded and audited)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import role_required
from core.errors import errors_by_field
from core.inputs import whole_number
from core.roles import STAFF_ROLES
from ehc.cases.access import case_for_staff
from ehc.models import Case, NeedArea, PlanSection, SettingType
from ehc.plans import services
from ehc.plans.gaps import plan_gaps
from ehc.plans.selectors import (
    PLAN_STAGES,
    plan_advice_not_in,
    plan_of_case,
    plan_outcome_choices,
    plan_rows,
    plan_section_of,
    plan_section_rows,
    plan_sources,
    plan_working_version,
)

ROW_NOUNS = {
    "need": "need",
    "outcome": "outcome",
    "provision": "provision",
    "information": "advice or information",
}
TEXT_INPUTS = ("views", "placement_name", "placement_type", "personal_budget")


def _section_url(reference: str, section: str, field: str = "", *, check: bool = False) -> str:
    return (
        reverse("plan_section", args=[reference, section])
        + ("?check=1" if check else "")
        + (f"#{field}" if field else "")
    )


def _section_summaries(case, version, rows, gaps) -> list[dict]:
    """Each section of the version as the plan page lists it: its state and its gaps."""
    nothing = set(version.nothing_in or ())
    written = {PlanSection.A: version.views, PlanSection.J: version.personal_budget}
    found = []
    for section in PlanSection:
        kind = services.row_kind_of(section)
        in_section = rows.in_section(section) if kind else []
        if kind and in_section:
            count = len(in_section)
            noun = "item" if kind == "information" else ROW_NOUNS[kind]
            state = f"{count} {noun if count == 1 else noun + 's'}"
        elif written.get(section, "").strip():
            state = "Written"
        elif section == PlanSection.I and version.placement_name.strip():
            state = version.placement_name
        elif section in nothing:
            state = "Nothing in this section"
        elif section == PlanSection.I:
            state = "No school or college named yet"
        else:
            state = "Not started"
        found.append(
            {
                "section": section,
                "url": _section_url(case.reference, section),
                "state": state,
                "started": state != "Not started",
                "gaps": [gap for gap in gaps if gap.section == section],
            }
        )
    return found


@role_required(*STAFF_ROLES)
@require_http_methods(["GET"])
def plan_page(request, reference):
    case = case_for_staff(request, reference)
    plan = plan_of_case(case=case)
    context = {
        "case": case,
        "plan": plan,
        "can_start": not plan.started and case.stage in PLAN_STAGES,
        # What the issuing actions' template (ehc/plans/issued/_actions.html) reads, from the versions
        # read above (no second query).
        "working": plan.working,
        "issued": plan.issued,
        "checked": False,
        "problems": [],
    }
    version = plan.working
    if version is not None:
        rows = plan_rows(version=version)
        gaps = plan_gaps(
            version=version,
            needs=rows.needs,
            outcomes=rows.outcomes,
            provisions=rows.provisions,
            information=rows.information,
        )
        checked = "check" in request.GET
        context.update(
            {
                "version": version,
                "sections": _section_summaries(case, version, rows, gaps),
                "gaps": gaps,
                "checked": checked,
                # The summary links each gap to its input on the section's page.
                "problems": [
                    (_section_url(case.reference, gap.section, gap.field, check=True), gap.message)
                    for gap in gaps
                ]
                if checked
                else [],
                "advice_not_in": plan_advice_not_in(version=version, rows=rows),
            }
        )
    return render(request, "ehc/plans/page.html", context)


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def plan_start(request, reference):
    case = case_for_staff(request, reference, queryset=Case.objects.select_related("request__version"))
    if plan_of_case(case=case).started:
        return redirect("plan_page", reference=case.reference)
    if case.stage not in PLAN_STAGES:
        raise Http404("A plan is written once the council has decided to assess")
    sources = plan_sources(case=case)
    errors = {}
    chosen = {source.key for source in sources.all()}
    if request.method == "POST":
        chosen = set(request.POST.getlist("bring_in"))
        try:
            services.plan_start(case=case, chosen=chosen, by=request.user)
        except ValidationError as error:
            errors = errors_by_field(error, field="bring_in")
        else:
            messages.success(request, "Draft plan started. Check each section, then check the plan for gaps.")
            return redirect("plan_page", reference=case.reference)
    return render(
        request,
        "ehc/plans/start.html",
        {"case": case, "sources": sources, "chosen": chosen, "errors": errors},
        status=400 if errors else 200,
    )


@role_required(*STAFF_ROLES)
@require_POST
def plan_bring_in(request, reference):
    case = case_for_staff(request, reference)
    version = plan_working_version(case=case)
    if version is None:
        raise Http404("No plan is being written")
    try:
        added = services.plan_rows_bring_in(
            version=version, source_key=request.POST.get("source", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Advice brought into the plan: {added} rows added, each marked with its source."
        )
    return redirect("plan_page", reference=case.reference)


def _rows_posted(post, kind: str) -> list[dict]:
    names = services.ROW_KINDS[kind]["fields"]
    return [
        {
            "key": key,
            "remove": bool(post.get(f"{kind}-{key}-remove")),
            **{name: post.get(f"{kind}-{key}-{name}", "") for name in names},
        }
        for key in post.getlist("row")
        if whole_number(key) is not None or services.NEW_ROW.fullmatch(key)
    ]


def _row_shown(kind: str, key: str, values: dict, *, source: str = "", errors: dict | None = None) -> dict:
    prefix = f"{kind}-{key}"
    return {
        "key": key,
        "prefix": prefix,
        "values": values,
        "source": source,
        "errors": {
            name: (errors or {}).get(f"{prefix}-{name}", "") for name in services.ROW_KINDS[kind]["fields"]
        },
        "is_new": whole_number(str(key)) is None,
    }


def _row_values(kind: str, row) -> dict:
    values = {}
    for name in services.ROW_KINDS[kind]["fields"]:
        if name == "outcome" and kind == "provision":
            values[name] = str(row.outcome_id or "")
        elif name == "dated":
            values[name] = row.dated.isoformat() if row.dated else ""
        else:
            values[name] = getattr(row, name)
    return values


def _rows_shown(kind, stored, posted=None, saved=None, *, add: bool = False) -> list[dict]:
    """The section's rows as the page shows them: as stored, or after a save with problems, as typed (the
    rows saved by their ids, the new rows not saved under their new keys), and an empty row to add."""
    by_pk = {str(row.pk): row for row in stored}
    shown = []
    if posted is not None:
        for values in posted:
            key = values["key"]
            if values["remove"]:
                continue
            key = str(saved.added.get(key, key))
            row = by_pk.pop(key, None)
            if row is None and whole_number(key) is not None:
                continue  # removed meanwhile
            typed = {name: values[name] for name in services.ROW_KINDS[kind]["fields"]}
            if row is None and not any(str(v).strip() for v in typed.values()):
                continue  # an empty new row, not saved
            shown.append(_row_shown(kind, key, typed, source=row.source if row else "", errors=saved.errors))
    shown += [
        _row_shown(
            kind, key, _row_values(kind, row), source=row.source, errors=saved.errors if saved else None
        )
        for key, row in by_pk.items()
    ]
    if add:
        used = {row["key"] for row in shown}
        number = next(n for n in range(len(shown) + 1) if f"new-{n}" not in used)
        shown.append(_row_shown(kind, f"new-{number}", dict.fromkeys(services.ROW_KINDS[kind]["fields"], "")))
    return shown


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def plan_section(request, reference, section):
    section = plan_section_of(section)
    if section is None:
        raise Http404("No such section")
    case = case_for_staff(request, reference)
    version = plan_working_version(case=case)
    if version is None:
        return redirect("plan_page", reference=case.reference)
    kind = services.row_kind_of(section)
    errors, posted, saved = {}, None, None
    text = {}
    nothing = section in (version.nothing_in or ())
    if request.method == "POST":
        nothing = bool(request.POST.get("nothing"))
        posted = _rows_posted(request.POST, kind) if kind else None
        text = {name: request.POST.get(name, "") for name in TEXT_INPUTS}
        try:
            saved = services.plan_section_save(
                version=version, section=section, by=request.user, rows=posted, text=text, nothing=nothing
            )
        except ValidationError as error:
            errors = errors_by_field(error)
        else:
            errors = saved.errors
            add = request.POST.get("action") == "add"
            if not errors and add:
                return redirect(_section_url(case.reference, section) + "?add=1#add-row")
            if not errors:
                messages.success(request, f"Section {section.value} saved.")
                return redirect("plan_page", reference=case.reference)
    elif "check" in request.GET:
        # Come from "Check the plan": this section's gaps, on their inputs.
        errors = {gap.field: gap.message for gap in plan_gaps(version=version) if gap.section == section}
    rows = []
    if kind:
        stored = plan_section_rows(version=version, section=section)
        adding = request.GET.get("add") == "1" or request.POST.get("action") == "add"
        rows = _rows_shown(
            kind,
            stored,
            posted if errors and posted is not None else None,
            saved or services.SectionSaved(errors=errors),
            add=adding or (not stored and not nothing),
        )
    values = (
        text
        if request.method == "POST"
        else {
            "views": version.views,
            "placement_name": version.placement_name,
            "placement_type": version.placement_type,
            "personal_budget": version.personal_budget,
        }
    )
    context = {
        "case": case,
        "version": version,
        "section": section,
        "kind": kind,
        "noun": ROW_NOUNS.get(kind, ""),
        "rows": rows,
        "values": values,
        "nothing": nothing,
        "errors": errors,
        "section_error": errors.get(f"section-{section.value}", ""),
        "saving": request.method == "POST",
        "areas": NeedArea.choices,
        "setting_types": SettingType.choices,
        "outcomes": plan_outcome_choices(version=version) if kind == "provision" else [],
    }
    return render(
        request, "ehc/plans/section.html", context, status=400 if errors and request.method == "POST" else 200
    )
