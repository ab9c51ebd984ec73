"""Who may open a school or setting's pages: the guard every page of a setting's members goes through.
The consultation a member opens is checked, and its read audited, by ehc.consultations.access."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from core.roles import Role
from core.selectors import membership_roles
from ehc.schools.selectors import setting_places_of


def setting_member_required(view):
    """A page for a school or setting's members: a signed-in education professional here with a place
    in a setting (``request.setting_places``). Anyone else signed in gets 403; someone signed out is
    sent to sign in and brought back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.council_roles = membership_roles(user=request.user)
        if Role.EDUCATION_PROFESSIONAL not in request.council_roles:
            raise PermissionDenied
        request.setting_places = setting_places_of(user=request.user)
        if not request.setting_places:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
