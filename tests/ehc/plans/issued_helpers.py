"""What the tests of the issued plan share (tests/ehc/plans/test_issue.py, test_pdf.py, test_compare.py):
a case in its assessment with a draft that has no gaps, the people who read it, and rows in bulk."""

import datetime
import uuid

from django.core.cache import cache
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context

from core.roles import Role
from ehc.models import (
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    AccessStatus,
    CaseAccess,
    CaseDocument,
    PlanInformation,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
)
from ehc.workflow import Stage
from tests.conftest import host_client, sign_in
from tests.factories import (
    MembershipFactory,
    PlanInformationFactory,
    PlanNeedFactory,
    PlanProvisionFactory,
    PlanVersionFactory,
    UserFactory,
    case_at,
    council_person,
)

CHILD = {
    "child_first_name": "Amir",
    "child_last_name": "Quillon",
    "child_date_of_birth": datetime.date(2016, 5, 4),
}


def assessed_case(stage=Stage.ASSESSMENT, **fields):
    return case_at(stage, **(CHILD | fields))


def complete_draft(case, **fields):
    """A working draft of ``case`` with something in every section (C, D, G, H1, H2 said to have nothing)
    and no gaps."""
    version = PlanVersionFactory(
        case=case,
        number=fields.pop("number", 1),
        nothing_in=["C", "D", "G", "H1", "H2"],
        personal_budget="No personal budget has been asked for.",
        **fields,
    )
    PlanNeedFactory(
        version=version, description="Finds it hard to follow spoken instructions", source="Family"
    )
    PlanProvisionFactory(version=version, source="Speech and language therapy advice, 3 March 2026")
    PlanInformationFactory(version=version, description="Speech and language therapy advice")
    return version


def staff_client(council, email=None):
    cache.clear()
    user = council_person(email or f"caseworker@{council.schema_name}.example")
    return sign_in(host_client(council.schema_name), user, council), user


def family_client(council, case, name="parent"):
    """A parent with active access to ``case``, signed in."""
    user = UserFactory(email=f"{name}-{uuid.uuid4().hex[:8]}@example.com")
    with schema_context(council.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
        CaseAccess.objects.create(case=case, user=user, email=user.email, status=AccessStatus.ACTIVE)
    return sign_in(host_client(council.schema_name), user, council), user


def rows_fill(version, n: int) -> None:
    """``n`` rows in every section of rows (B, C, D, E, F, G, H1, H2, K), each provision serving an
    outcome, in a handful of inserts."""
    PlanNeed.objects.bulk_create(
        PlanNeed(
            version=version, section=section, area="cognition", description=f"Need {section}{i}", position=i
        )
        for section in NEED_SECTIONS
        for i in range(n)
    )
    outcomes = PlanOutcome.objects.bulk_create(
        PlanOutcome(version=version, area="cognition", outcome=f"Outcome {i}", steps="Steps", position=i)
        for i in range(n)
    )
    PlanProvision.objects.bulk_create(
        PlanProvision(
            version=version,
            section=section,
            provision=f"Provision {section}{i}",
            provider="Teacher",
            frequency="Daily",
            outcome=outcomes[i],
            position=i,
        )
        for section in PROVISION_SECTIONS
        for i in range(n)
    )
    PlanInformation.objects.bulk_create(
        PlanInformation(version=version, description=f"Report {i}", provided_by="School", position=i)
        for i in range(n)
    )


def documents_removed(case) -> None:
    """Stored PDFs outlive the test's transaction: remove this case's."""
    for document in CaseDocument.objects.filter(case=case):
        if document.file.name and default_storage.exists(document.file.name):
            document.file.delete(save=False)
