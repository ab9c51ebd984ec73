"""Tests: real PostgreSQL. DATABASE_URL when set (make test sets it to the machine's server when one
answers), otherwise the embedded PostgreSQL under var/pg-test."""

from config.embedded_pg import database_settings

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1", "testserver"]
# Static files straight from build/static (no collectstatic outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DEMO_PASSWORD = "Demo-Password-2026"  # noqa: S105
# The demo seed (`manage.py seed_demo`): an app with no models, so in neither SHARED_APPS nor TENANT_APPS.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses PBKDF2
EMAIL_FILE_PATH = str(VAR_DIR / "mail-test")
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {
        # Local disk even where AWS_STORAGE_BUCKET_NAME is set: only the S3 tests use S3
        # (tests/core/test_storage_s3.py points STORAGES at their own server).
        "BACKEND": "core.storage.CouncilFileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media-test")},
    },
}
# Tasks run eagerly unless a test turns that off to use the real Redis (tests/test_celery.py). The broker
# is named even so: Celery's default would be amqp://localhost, which some machines happen to answer.
CELERY_BROKER_URL = env("TEST_REDIS_URL", default="memory://")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = True
# A notification retried by the real worker (tests/test_celery.py) waits a second, not a minute.
NOTIFICATIONS_RETRY_BACKOFF = 1

if not env("DATABASE_URL", default=""):
    DATABASES = {"default": database_settings(VAR_DIR / "pg-test")}
