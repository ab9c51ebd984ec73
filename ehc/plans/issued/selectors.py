"""Reads for the issued plan: a version's rows and sections, a case's issued versions, the version being
written, and the family's response to the draft. Each reads a fixed number of queries, whatever the rows."""

import datetime
from dataclasses import dataclass

from core.formdefs import summary_parts
from ehc.case_forms.services import DRAFT_RESPONSE_FORM, case_draft_served_on, draft_response_due
from ehc.models import AssessmentRequest, Case, PlanKind, PlanStatus, PlanVersion, RequestStatus
from ehc.plans.gaps import PlanGap, plan_gaps
from ehc.plans.issued.compare import Section, plan_sections


@dataclass(frozen=True)
class PlanRows:
    needs: list
    outcomes: list
    provisions: list
    information: list

    def as_kwargs(self) -> dict:
        return {
            "needs": self.needs,
            "outcomes": self.outcomes,
            "provisions": self.provisions,
            "information": self.information,
        }


def plan_rows(*, version: PlanVersion) -> PlanRows:
    """The version's rows, in their order. Four queries."""
    return PlanRows(
        needs=list(version.needs.all()),
        outcomes=list(version.outcomes.all()),
        provisions=list(version.provisions.all()),
        information=list(version.information.all()),
    )


def plan_version_sections(*, version: PlanVersion) -> list[Section]:
    """Sections A to K of ``version``. Four queries."""
    return plan_sections(version=version, **plan_rows(version=version).as_kwargs())


def plan_version_gaps(*, version: PlanVersion) -> list[PlanGap]:
    return plan_gaps(version=version, **plan_rows(version=version).as_kwargs())


def plan_versions_issued(*, case: Case) -> list[PlanVersion]:
    """The case's issued versions, oldest first, with their PDFs. One query."""
    return list(
        PlanVersion.objects.filter(case=case, status=PlanStatus.ISSUED)
        .select_related("document", "issued_by")
        .order_by("number")
    )


def plan_version_issued(*, case: Case, number: int) -> PlanVersion | None:
    """One issued version of the case's plan, or None. One query."""
    return (
        PlanVersion.objects.filter(case=case, number=number, status=PlanStatus.ISSUED)
        .select_related("document")
        .first()
    )


def plan_working(*, case: Case, kind: str | None = None) -> PlanVersion | None:
    """The version being written (at most one per case), of ``kind`` if given. One query."""
    versions = PlanVersion.objects.filter(case=case, status=PlanStatus.WORKING)
    if kind:
        versions = versions.filter(kind=kind)
    return versions.first()


def plan_actions_context(*, case: Case) -> dict:
    """What ``ehc/plans/issued/_actions.html`` needs: the version being written and the issued ones.
    Two queries."""
    return {"case": case, "working": plan_working(case=case), "issued": plan_versions_issued(case=case)}


def draft_response_until(*, case: Case) -> datetime.date | None:
    """The last of the family's 15 days to respond to the draft plan, from the clock, or None if no draft
    has been served. One query."""
    served = case_draft_served_on(case=case)
    return draft_response_due(served=served) if served else None


def parental_responses(*, case: Case) -> list[dict]:
    """The family's submitted responses to the draft plan (the Parental Response & Preference form),
    newest first, each with its answers by page as "View" shows them. One query."""
    forms = list(
        AssessmentRequest.objects.filter(
            about_case=case,
            status=RequestStatus.SUBMITTED,
            version__definition__slug=DRAFT_RESPONSE_FORM,
        )
        .select_related("version__definition", "owner")
        .order_by("-submitted_at", "-id")
    )
    return [{"form": form, "parts": summary_parts(form.definition, form.answers)[0]} for form in forms]


def parental_response_forms_of(*, case: Case, user) -> list[AssessmentRequest]:
    """This person's Parental Response forms for the case (sent to them or started), newest first."""
    return list(
        AssessmentRequest.objects.filter(
            about_case=case, owner=user, version__definition__slug=DRAFT_RESPONSE_FORM
        )
        .select_related("version__definition")
        .order_by("-created_at", "-id")
    )


def versions_for_compare(versions: list[PlanVersion], chosen_from, chosen_to):
    """The two issued versions to compare, by number as typed (?from=1&to=2): by default the one before the
    latest and the latest. Returns (from, to, problems)."""
    by_number = {str(version.number): version for version in versions}
    problems = {}
    if len(versions) < 2:  # noqa: PLR2004 (two versions to compare)
        return None, None, {}
    old = by_number.get(str(chosen_from)) if chosen_from else versions[-2]
    new = by_number.get(str(chosen_to)) if chosen_to else versions[-1]
    if old is None:
        problems["from"] = "Select a version to compare from"
    if new is None:
        problems["to"] = "Select a version to compare with"
    if old is not None and new is not None and old.pk == new.pk:
        problems["to"] = "Select two different versions"
    return old, new, problems


KIND_TITLE = {PlanKind.DRAFT: "Draft", PlanKind.FINAL: "Final"}
