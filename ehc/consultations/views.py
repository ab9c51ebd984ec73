"""Consulting schools and settings on the issued draft plan (Reg. 14; Code of Practice 9.78-9.84): the
caseworker's page that consults them (the family's preference first) and shows their answers, and the
setting members' pages: their consultations, one consultation with the draft to read, and the answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.decorators import role_required
from core.errors import errors_by_field
from core.roles import STAFF_ROLES
from core.uploads import private_file_response
from ehc.cases.access import LISTED, case_for_staff, record_read_by
from ehc.consultations import selectors, services
from ehc.consultations.access import consultation_for_setting
from ehc.schools.access import setting_member_required
from ehc.schools.selectors import settings_to_consult
from ehc.workflow import Stage

ANSWER_ORDER = ["can_meet_needs", "reasons", "costs"]


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_consultations(request, reference):
    """Consult schools and settings: the issued draft, the family's preference (pre-ticked and first),
    every setting that can be consulted, "Ask about costs", and each consultation's status and answer."""
    case = case_for_staff(request, reference)
    version = selectors.draft_issued_of(case=case)
    choices = settings_to_consult()
    preference = selectors.family_preference(case=case, choices=choices)
    preferred = preference.setting if preference else None
    ordered = ([preferred] if preferred else []) + [s for s in choices if s != preferred]
    consultations = selectors.consultations_of_case(case=case)
    consulted = {c.setting_id for c in consultations if version and c.plan_version_id == version.pk}
    can_consult = version is not None and case.stage == Stage.DRAFT_PLAN
    errors, posted = {}, {}
    ticked = {str(preferred.pk)} if preferred and preferred.pk not in consulted else set()
    if request.method == "POST":
        posted = request.POST
        ticked = set(posted.getlist("settings"))
        try:
            if not can_consult:
                raise ValidationError({"settings": "Settings are consulted once the draft plan is issued"})
            made = services.consultations_send(
                case=case,
                version=version,
                settings=[s for s in ordered if str(s.pk) in ticked],
                costs_asked=posted.get("costs_asked") == "yes",
                by=request.user,
            )
        except ValidationError as error:
            errors = errors_by_field(error, order=["settings"], field="settings")
            errors = {"settings" if key == "version" else key: message for key, message in errors.items()}
        else:
            names = ", ".join(c.setting.name for c in made)
            told = "Each has" if len(made) > 1 else "It has"
            messages.success(
                request,
                f"Consulted {names}. {told} been emailed and should answer by {made[0].due_on:%-d %B %Y}.",
            )
            return redirect("case_consultations", reference=case.reference)
    return render(
        request,
        "ehc/consultations/case.html",
        {
            "case": case,
            "version": version,
            "can_consult": can_consult,
            "preference": preference,
            "settings": [s for s in ordered if s.pk not in consulted],
            "ticked": ticked,
            "consultations": consultations,
            "errors": errors,
            "posted": posted,
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@setting_member_required
@require_GET
def school_consultations(request):
    """Consultations: the ones asked of the member's settings, waiting (due, overdue) then answered."""
    rows = selectors.consultations_for_member(setting_ids=[p.setting_id for p in request.setting_places])
    # The list names children: one audit row per child shown, one insert.
    record_read_by(request, subjects=[c.case.reference for c in rows], action=LISTED)
    return render(
        request,
        "ehc/consultations/school_list.html",
        {
            "waiting": [c for c in rows if c.is_waiting],
            "answered": [c for c in rows if not c.is_waiting],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_consultation(request, pk):
    """One consultation for a member of the setting consulted: the draft plan to read and the answer
    (read-only once answered)."""
    consultation = consultation_for_setting(request, pk)
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        try:
            services.consultation_answer(
                consultation=consultation,
                by=request.user,
                can_meet_needs=posted.get("can_meet_needs", ""),
                reasons=posted.get("reasons", ""),
                costs=posted.get("costs", ""),
            )
        except ValidationError as error:
            errors = errors_by_field(error, order=ANSWER_ORDER, field="can_meet_needs")
        else:
            messages.success(request, "Answer sent. The council's SEND team has been told.")
            return redirect("school_consultation", pk=consultation.pk)
    return render(
        request,
        "ehc/consultations/school_answer.html",
        {"consultation": consultation, "errors": errors, "posted": posted, "today": timezone.localdate()},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def school_consultation_draft(request, pk):
    """The issued draft plan's PDF, for a member of a setting consulted on it (audited)."""
    consultation = consultation_for_setting(
        request, pk, action="document.downloaded", detail={"by": "setting"}
    )
    document = consultation.plan_version.document
    if document is None:
        raise Http404
    return private_file_response(document)
