"""Development: `make run`. Safe defaults; with no DATABASE_URL, an embedded PostgreSQL under var/pg."""

from config.embedded_pg import database_settings

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="development-only-not-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", ".localhost", "127.0.0.1"])
# Static files straight from build/static (no collectstatic outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DEMO_PASSWORD = env("DEMO_PASSWORD", default="Demo-Password-2026")
# The demo seed (`manage.py seed_demo`): an app with no models, so in neither SHARED_APPS nor TENANT_APPS.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

if not env("DATABASE_URL", default=""):
    DATABASES = {"default": database_settings(BASE_DIR / env("EMBEDDED_PG_DIR", default="var/pg"))}
