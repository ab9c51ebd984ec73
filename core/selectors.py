from core.models import Membership
from core.roles import Role


def membership_roles(*, user) -> set[str]:
    """The active roles this person holds in the current council (one query)."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True))


def user_has_role(*, user, roles: set[Role] | frozenset[Role]) -> bool:
    return bool(membership_roles(user=user) & set(roles))
