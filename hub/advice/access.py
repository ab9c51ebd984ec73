"""Who may open the health hub's pages, and which advice request: the guard every page of a health
team goes through, and the one check (audited) of a request a team member opens."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from core.roles import HEALTH_ROLES
from core.selectors import membership_roles
from ehc.cases.access import READ, record_read_by
from hub.advice.selectors import advice_request_for, advice_submitted_on_same_case
from hub.teams.selectors import health_places_of


def health_required(view):
    """A page for the health hub: a signed-in person with a health role here and a place in a team.
    Anyone else signed in gets 403; someone signed out is sent to sign in and brought back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.council_roles = membership_roles(user=request.user)
        if not request.council_roles & HEALTH_ROLES:
            raise PermissionDenied
        request.health_places = health_places_of(user=request.user)
        if not request.health_places:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def advice_for_health(request, pk, *, action: str = READ, detail: dict | None = None):
    """The advice request a member of a health team may open (advice_request_for: a manager
    of its team or the member it is allocated to, else 404), and whether they manage its team. Every
    page of the hub that opens one comes through here, and the read is audited, naming the child's
    case: a health team is not the family."""
    advice, is_manager = advice_request_for(user=request.user, pk=pk, places=request.health_places)
    record_read_by(request, subjects=[advice.case.reference], action=action, target=advice, detail=detail)
    return advice, is_manager


def advice_of_another_team(request, pk, other_pk, *, action: str = READ, detail: dict | None = None):
    """Another team's submitted advice on the same case, for a member of a team asked on it (through
    their own request ``pk``: a manager of its team, or a professional writing a part of it). Never
    advice being written, nor another case's (404 for both). The read is audited as a read of the
    child's record, naming the request it was reached from."""
    advice, _ = advice_request_for(user=request.user, pk=pk, places=request.health_places)
    other = advice_submitted_on_same_case(advice=advice, pk=other_pk)
    record_read_by(
        request,
        subjects=[other.case.reference],
        action=action,
        target=other,
        detail={"from_request": advice.pk, **(detail or {})},
    )
    return advice, other
