"""Who in a family may see a case: the one check every family-side page and file uses."""

from django.http import Http404

from ehc.models import AccessStatus, Case


def family_case_or_404(
    request, reference: str, *, select_related=("caseworker",), prefetch_related=()
) -> Case:
    """The case with this reference if the signed-in person has active access to it in this council,
    else 404 (never 403: do not confirm that a child's case exists). One query, and one for each
    relation prefetched."""
    if not request.user.is_authenticated:
        raise Http404("No such case")
    case = (
        Case.objects.filter(
            reference=reference, accesses__user=request.user, accesses__status=AccessStatus.ACTIVE
        )
        .select_related(*select_related)
        .prefetch_related(*prefetch_related)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case


def family_cases_of(user) -> list[Case]:
    """The children's cases this person has active access to in this council, by name. One query."""
    return list(
        Case.objects.filter(accesses__user=user, accesses__status=AccessStatus.ACTIVE)
        .order_by("child_first_name", "child_last_name", "id")
        .distinct()
    )
