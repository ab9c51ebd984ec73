"""Registration step 1's answers (a name and an address), kept in the session until step 2 uses them.

They are dropped on every way out: step 2 accepted (for a new address or a taken one), "Cancel", signing in
or out, and after REGISTRATION_WINDOW_SECONDS without finishing. An anonymous session holding them expires
at the end of that window too, so an abandoned registration's session row is deleted by the scheduled
clearsessions (core.tasks.sessions_clear).
"""

import time

REGISTRATION_SESSION_KEY = "registration_details"
REGISTRATION_NEXT_SESSION_KEY = "registration_next"  # where registration leads back to (an invitation)
REGISTRATION_WINDOW_SECONDS = 60 * 60


def registration_details_keep(*, request, details: dict) -> None:
    request.session[REGISTRATION_SESSION_KEY] = {"saved_at": time.time(), "details": details}
    if not request.user.is_authenticated:
        request.session.set_expiry(REGISTRATION_WINDOW_SECONDS)


def registration_details_get(*, request) -> dict | None:
    """Step 1's answers, or None if there are none or they are older than the window (then dropped)."""
    stored = request.session.get(REGISTRATION_SESSION_KEY)
    if not stored:
        return None
    saved_at = stored.get("saved_at") if isinstance(stored, dict) else None
    if saved_at is None or time.time() - saved_at > REGISTRATION_WINDOW_SECONDS:
        registration_details_drop(request=request)
        return None
    return stored["details"]


def registration_details_drop(*, request) -> None:
    if hasattr(request, "session"):
        request.session.pop(REGISTRATION_SESSION_KEY, None)
