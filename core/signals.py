from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.dispatch import receiver

from core.middleware import SESSION_SCHEMA_KEY


@receiver(user_logged_in)
def bind_session_to_council(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_SCHEMA_KEY] = connection.schema_name
