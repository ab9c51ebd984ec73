"""The processes' entry points (manage.py, config/wsgi.py, config/celery.py) never guess their settings:
development's defaults (DEBUG on, a known SECRET_KEY) must not be what a server forgot to configure."""

import os

from django.core.exceptions import ImproperlyConfigured

MISSING_SETTINGS = (
    "Set the DJANGO_SETTINGS_MODULE environment variable: config.settings.production on a deployed "
    "service, config.settings.local for development (make sets it for its own commands)."
)


def settings_module_required() -> str:
    """The settings module named in the environment; refuses to start when none is."""
    name = os.environ.get("DJANGO_SETTINGS_MODULE", "").strip()
    if not name:
        raise ImproperlyConfigured(MISSING_SETTINGS)
    return name
