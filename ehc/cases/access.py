"""The council's side of a child's record: the one check every SEND-team page that reads a case (or an
item of one, or a list of them) uses, and the audit row that every such read leaves. The family's
twin is ehc.family.access, whose reads are the family's own and are not audited as reads.

A page cannot read a case for staff without coming through here, so a new page cannot forget the
audit row (tests/test_record_reads_audited.py walks the URL table to hold every page to it)."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from core.roles import STAFF_ROLES
from core.selectors import membership_roles
from core.services import record_read
from ehc.models import Case

READ = "record.read"
LISTED = "record.listed"


def _staff_or_403(request) -> None:
    """role_required has usually read the roles already (request.council_roles): no second query."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    roles = getattr(request, "council_roles", None)
    if roles is None:
        roles = request.council_roles = membership_roles(user=request.user)
    if not roles & STAFF_ROLES:
        raise PermissionDenied


def page_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.url_name if match is not None and match.url_name else request.path[:100]


def record_read_by(
    request,
    *,
    subjects: Iterable[str],
    action: str = READ,
    target: Model | None = None,
    detail: dict | None = None,
) -> int:
    """The audit rows for a read of these children's records by the signed-in person, naming the page
    (and the method, so a refused POST that re-shows the page counts as what it is)."""
    return record_read(
        actor=request.user,
        action=action,
        subjects=subjects,
        target=target,
        detail={"page": page_name(request), "method": request.method, **(detail or {})},
    )


def case_for_staff(
    request,
    reference: str,
    *,
    queryset: QuerySet | None = None,
    action: str = READ,
    detail: dict | None = None,
) -> Case:
    """The case with this reference for this council's SEND team, read and audited; 404 if there is
    none, 403 for anyone without a staff role. ``queryset`` says what to load with it."""
    _staff_or_403(request)
    case = get_object_or_404(queryset if queryset is not None else Case.objects.all(), reference=reference)
    record_read_by(request, subjects=[case.reference], action=action, target=case, detail=detail)
    return case


def case_item_for_staff(
    request,
    queryset: QuerySet,
    *,
    reference: str,
    action: str = READ,
    detail: dict | None = None,
    **lookup,
) -> Model:
    """One thing on a case (a document, a message, a family member's access, a team's advice), for the
    SEND team, with its case loaded; 404 unless it belongs to the case with this reference. Audited on
    the thing, naming the case. One query, and the audit row."""
    _staff_or_403(request)
    item = get_object_or_404(queryset.select_related("case"), case__reference=reference, **lookup)
    record_read_by(request, subjects=[reference], action=action, target=item, detail=detail)
    return item


def cases_listed_for_staff(request, references: Iterable[str], *, detail: dict | None = None) -> int:
    """A list page showed these children's records (their names and references): one row per child
    shown, so the council can find every time a child appeared on someone's screen by filtering on the
    child alone, written in one insert. ``detail`` names the filters, never a search typed (it may be
    a child's name)."""
    _staff_or_403(request)
    return record_read_by(request, subjects=references, action=LISTED, detail=detail)
