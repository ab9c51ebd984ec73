"""Reads for invitations to a child's record: what a person has been invited to and not yet answered."""

from ehc.models import AccessStatus, CaseAccess


def invitations_pending_of(user) -> list[CaseAccess]:
    """Invitations this person has taken up with their link and not yet answered, with the child's case.
    One query."""
    return list(
        CaseAccess.objects.filter(user=user, status=AccessStatus.VERIFIED)
        .select_related("case")
        .order_by("case__child_first_name", "case__child_last_name", "id")
    )
