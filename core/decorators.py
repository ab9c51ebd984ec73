from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from core.selectors import membership_roles


def role_required(*roles):
    """A page for people holding one of ``roles`` in this council: anyone else signed in gets 403,
    and someone not signed in is sent to sign in and brought back."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            request.council_roles = membership_roles(user=request.user)  # kept for the page to use
            if not request.council_roles & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
