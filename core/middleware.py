from importlib import import_module

from django.conf import settings
from django.db import connection

SESSION_SCHEMA_KEY = "_council_schema"


class CouncilSessionMiddleware:
    """A signed-in session belongs to the council (schema) it was signed in on.

    Sessions live in the public schema, so without this a session cookie copied from one council's
    host to another's would sign its holder in there too. A session bound to another schema is
    treated as no session at all. Sits after SessionMiddleware and before AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        session = request.session
        if "_auth_user_id" in session and session.get(SESSION_SCHEMA_KEY) != connection.schema_name:
            request.session = self.session_store()
        return self.get_response(request)
