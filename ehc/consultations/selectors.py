"""Reads for consulting schools and settings: the issued draft a case's consultations are about, the
family's preferred setting (from their Parental Response & Preference form), a case's consultations,
a setting member's consultations, and the overdue ones for the SEND team's workspace."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from ehc.models import (
    AssessmentRequest,
    Case,
    Consultation,
    ConsultationStatus,
    EducationSetting,
    PlanKind,
    PlanStatus,
    PlanVersion,
    RequestStatus,
)

# The family's forms that name the school or college they would like named in the plan.
PREFERENCE_FORMS = ("parental_response", "parental_preference")


def draft_issued_of(*, case: Case) -> PlanVersion | None:
    """The newest issued draft of the case's plan, with its PDF (one query), or None."""
    return (
        PlanVersion.objects.filter(case=case, kind=PlanKind.DRAFT, status=PlanStatus.ISSUED)
        .select_related("document")
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class FamilyPreference:
    """What the family asked for: the name (and URN) they typed, and the setting on the portal it
    matches, if any."""

    name: str
    urn: str
    setting: EducationSetting | None


def family_preference(*, case: Case, choices: list[EducationSetting]) -> FamilyPreference | None:
    """The setting named in the family's newest submitted Parental Response & Preference form (or
    Parental Preference Form) about this case, matched to ``choices`` by URN, else by name ignoring
    case and spaces at the ends. None if the family named none (one query)."""
    form = (
        AssessmentRequest.objects.filter(
            about_case=case,
            status=RequestStatus.SUBMITTED,
            version__definition__slug__in=PREFERENCE_FORMS,
        )
        .exclude(answers__setting_name="")
        .filter(answers__has_key="setting_name")
        .order_by("-submitted_at", "-id")
        .only("answers")
        .first()
    )
    if form is None:
        return None
    name = str(form.answers.get("setting_name") or "").strip()
    urn = str(form.answers.get("setting_urn") or "").strip()
    if not name:
        return None
    matched = next((s for s in choices if urn and s.urn == urn), None) or next(
        (s for s in choices if s.name.strip().lower() == name.lower()), None
    )
    return FamilyPreference(name=name, urn=urn, setting=matched)


def consultations_of_case(*, case: Case) -> list[Consultation]:
    """The case's consultations on every draft, the family's preference first, each with its setting,
    the draft consulted on and who answered (one query). The "Issue final plan" page shows them with
    ehc/consultations/_answers.html."""
    return list(
        Consultation.objects.filter(case=case)
        .select_related("setting", "plan_version", "answered_by")
        .order_by("-plan_version__number", "rank", "id")
    )


def consultations_for_member(*, setting_ids: list[int]) -> list[Consultation]:
    """The consultations of the member's settings, waiting first (soonest due), then answered (newest
    first), each with its case and setting (one query)."""
    rows = list(
        Consultation.objects.filter(setting_id__in=setting_ids)
        .exclude(status=ConsultationStatus.WITHDRAWN)
        .select_related("case", "setting")
        .order_by("due_on", "id")
    )
    waiting = [c for c in rows if c.is_waiting]
    answered = sorted((c for c in rows if not c.is_waiting), key=lambda c: c.answered_at, reverse=True)
    return waiting + answered


def consultation_for_member(*, user, pk: int) -> Consultation | None:
    """The consultation with this key if this person is a member of the setting consulted, with its
    case, setting and draft (and its PDF) loaded (one query); None otherwise."""
    return (
        Consultation.objects.filter(pk=pk, setting__members__user=user)
        .select_related("case", "setting", "plan_version__document")
        .first()
    )


def consultations_overdue(*, today: datetime.date, caseworker=None) -> list[Consultation]:
    """Consultations still waiting after their due date, oldest due first, with the case's reference and
    the setting (one query). ``caseworker``: only their cases."""
    mine = Q(case__caseworker=caseworker) if caseworker is not None else Q()
    return list(
        Consultation.objects.filter(mine, status=ConsultationStatus.WAITING, due_on__lt=today)
        .select_related("setting")
        .only("id", "due_on", "requested_on", "setting__name", "case__reference", "case__caseworker_id")
        .select_related("case")
        .order_by("due_on", "id")
    )
