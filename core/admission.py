"""Who may register on, or join, a council whose registration is by invitation only (its configuration's
``registration = "invitation"``, Worcestershire's): only someone following an invitation's link, as the
address the invitation was sent to.

core cannot know the invitations the apps above it send (ehc: the family's invitation to a child's
record), so each app registers the link it emails with ``invitation_link_register``; staff invitations
need no registration or joining (core.staff: the link itself sets the password, and signing in asks
the question). A council with open registration is not affected.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.shortcuts import render
from django.urls import Resolver404, resolve

INVITATION = "invitation"  # tenants.configuration.models.Registration.INVITATION (core is below tenants)

# URL name of an invitation's link -> its token -> the address it was sent to (None: no open invitation).
_LINKS: dict[str, Callable[[str], str | None]] = {}


def invitation_link_register(*, url_name: str, email_for_token: Callable[[str], str | None]) -> None:
    _LINKS[url_name] = email_for_token


def invitation_only(request) -> bool:
    config = getattr(request, "council_config", None)
    return config is not None and config.registration == INVITATION


def invited_email(path: str | None) -> str | None:
    """The address an open invitation was sent to, if ``path`` is the link of one in this council."""
    if not path:
        return None
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    email_for_token = _LINKS.get(match.url_name)
    token = match.kwargs.get("token")
    if email_for_token is None or not token:
        return None
    email = email_for_token(token)
    return email.strip().lower() if email else None


def admission_allowed(request, *, following: str | None, email: str | None = None) -> bool:
    """Whether this request may register or join here: always on a council with open registration;
    on an invitation-only council, only when ``following`` is an open invitation's link (and, when the
    address is known, it is the address the invitation was sent to)."""
    if not invitation_only(request):
        return True
    invited = invited_email(following)
    if invited is None:
        return False
    return email is None or email.strip().lower() == invited


def invitation_only_page(request, *, signing_in: bool = False):
    """A council whose registration is by invitation only, reached without one: say so, with its
    contact details. A POST (anything typed or crafted) is refused."""
    return render(
        request,
        "core/accounts/invitation_only.html",
        {"signing_in": signing_in},
        status=403 if request.method == "POST" else 200,
    )
