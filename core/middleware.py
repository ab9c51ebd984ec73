import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import connection
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django_tenants.utils import get_public_schema_name

SESSION_SCHEMA_KEY = "_council_schema"
PASSWORD_CHANGE_SESSION_KEY = "password_change_required"  # noqa: S105 (a session key, not a password)
PLATFORM_IDLE_MINUTES = 30
SESSION_TOUCHED_KEY = "_touched_at"
TOUCH_EVERY_SECONDS = 60


class CouncilSessionMiddleware:
    """A session belongs to the council (schema) whose site made it.

    Sessions live in the public schema, so without this a session cookie copied from one council's
    host to another's would carry its sign-in, or a sign-in half done, across. A session bound to
    another schema is treated as no session at all. Signed-in sessions also end after the council's
    idle time without a request. Sits after SessionMiddleware and before AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        schema = connection.schema_name
        session = request.session
        bound = session.get(SESSION_SCHEMA_KEY)
        if (bound is not None and bound != schema) or (bound is None and "_auth_user_id" in session):
            request.session = self.session_store()
        elif "_auth_user_id" in session:
            touched = session.get(SESSION_TOUCHED_KEY)
            if touched is not None and time.time() - touched > self.idle_minutes(request) * 60:
                session.flush()  # signed out after the council's idle time; this request is anonymous
        response = self.get_response(request)
        session = request.session
        if session.get(SESSION_SCHEMA_KEY) is None and not session.is_empty():
            session[SESSION_SCHEMA_KEY] = schema
        if "_auth_user_id" in session:
            # The idle clock is kept server-side, refreshed at most once a minute (not a write per request);
            # the cookie itself still ends when the browser closes (allauth's set_expiry(0)).
            now = int(time.time())
            if now - session.get(SESSION_TOUCHED_KEY, 0) >= TOUCH_EVERY_SECONDS:
                session[SESSION_TOUCHED_KEY] = now
        return response

    @staticmethod
    def idle_minutes(request) -> int:
        if connection.schema_name == get_public_schema_name() or not hasattr(request, "council_config"):
            return PLATFORM_IDLE_MINUTES
        return request.council_config.session_idle_minutes


class PrivateResponsesMiddleware:
    """No browser or proxy keeps a copy of what a signed-in person was shown (a child's details, their
    PDFs and files), nor of the sign-in, code, registration and invitation pages: ``Cache-Control:
    private, no-store``. A page seen while signed out with nothing in the session stays cacheable, and
    so does a response its view marked ``public`` (the council's logo, the same for everyone); static
    files never reach this middleware (WhiteNoise answers them first). Signing out answers with
    ``Clear-Site-Data``. Sits after CouncilSessionMiddleware, so a session it refused does not count as
    signed in.
    """

    PRIVATE_PREFIXES = ("/accounts/", "/account/", "/invitations/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The session was read already (CouncilSessionMiddleware): no query of its own.
        had_state = bool(request.session.keys())
        signed_in = "_auth_user_id" in request.session
        response = self.get_response(request)
        private = had_state or bool(request.session.keys()) or request.path.startswith(self.PRIVATE_PREFIXES)
        directives = {part.strip().lower() for part in response.get("Cache-Control", "").split(",")}
        if private and "public" not in directives:
            patch_cache_control(response, private=True, no_store=True)
        if signed_in and "_auth_user_id" not in request.session:
            # Signing out also tells the browser to drop whatever it kept for this site (ASVS 14.3.1).
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` (settings.PERMISSIONS_POLICY) on every response: camera, microphone,
    location and the like are refused to every page, and to anything a page could ever embed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PasswordPolicyMiddleware:
    """After signing in with a password that a council's rules now refuse, the person changes it
    before doing anything else (ARCHITECTURE.md 2: the strictest policy of their councils)."""

    ALLOWED_PREFIXES = (
        "/accounts/password/change/",
        "/accounts/logout/",
        "/accounts/signed-out/",
        "/static/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        required = request.session.get(PASSWORD_CHANGE_SESSION_KEY)
        if required and request.user.is_authenticated and not request.path.startswith(self.ALLOWED_PREFIXES):
            messages.warning(
                request,
                "The password rules of a council portal you use are stricter than your password meets. "
                "Choose a new password: " + "; ".join(required),
            )
            return redirect("account_change_password")
        return self.get_response(request)


class NulByteRefused(SuspiciousOperation):
    """A request whose address, query or form carries a NUL byte."""


class NulBytesRefusedMiddleware:
    """No text with a NUL byte reaches a view: answered 400 (core/400.html) instead.

    PostgreSQL can neither store nor compare text holding one (psycopg raises, the page answered 500),
    and nobody types one. Django's form fields refuse them, but most pages read their values by hand
    from request.GET and request.POST, and a case reference comes from the address: one check here
    rather than one in each of them. Files are not checked (their names are cleaned where they are
    shown, and they are stored under names of our own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path_info
            or _carries_nul(request.GET)
            or (request.method == "POST" and _carries_nul(request.POST))
        ):
            raise NulByteRefused("A NUL byte in the request")
        return self.get_response(request)


def _carries_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())
