"""Production: every secret must come from the environment; a missing one stops start-up."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# PostgreSQL directly, or through a pooler in session mode (DATABASE_POOL_MODE=session). Never transaction
# pooling: django-tenants sets each cursor's search_path with a SET of its own, which outside an atomic
# block is a transaction apart from the query after it, so the query can run on a server connection
# another council's request set. tests/test_pooling.py measured it through Debian's PgBouncer 1.18: 605
# to 639 of 800 autocommit reads ran in another council's schema; in session mode, none
# (docs/ARCHITECTURE.md, "PostgreSQL behind a pooler").
DATABASE_POOL_MODE = env("DATABASE_POOL_MODE", default="")
if DATABASE_POOL_MODE not in {"", "session"}:
    raise ImproperlyConfigured(
        f"DATABASE_POOL_MODE={DATABASE_POOL_MODE!r}: only session pooling keeps each council's queries in "
        "its own schema (unset it to connect to PostgreSQL directly)"
    )
# Behind a session pooler a connection holds its server connection until it closes, so by default each
# request closes its own (CONN_MAX_AGE=0) and gives the server connection back to the pool; directly,
# a process keeps its connection a minute. A kept connection is checked before a request reuses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DATABASE_POOL_MODE else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)

# Notifications must really go somewhere: no silent file backends in production.
EMAIL_BACKEND = env("EMAIL_BACKEND")
SMS_BACKEND = env("SMS_BACKEND")
# GOV.UK Notify's key and template ids are required as soon as either Notify backend is chosen.
NOTIFY_EMAIL = EMAIL_BACKEND == "core.notifications.NotifyEmailBackend"
NOTIFY_SMS = SMS_BACKEND == "core.notifications.NotifySMSBackend"
if NOTIFY_EMAIL or NOTIFY_SMS:
    NOTIFY_API_KEY = env("NOTIFY_API_KEY")
if NOTIFY_EMAIL:
    NOTIFY_EMAIL_TEMPLATE_ID = env("NOTIFY_EMAIL_TEMPLATE_ID")
if NOTIFY_SMS:
    NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID")
CLAMAV_DATABASE = env("CLAMAV_DATABASE")

# Every process shares one cache (rate limits, sign-in failure counts) and one broker: without Redis
# each process would count and queue on its own, so production refuses to start without it.
REDIS_URL = env("REDIS_URL")
CACHES = {
    alias: {**options, "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    for alias, options in CACHES.items()  # noqa: F405 (the per-council default and the identity counters)
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
# Every host the portal answers is HTTPS only, and so is everything under it (a council's own
# subdomain included). "preload" only consents: nothing is preloaded until the operator submits the
# platform's registrable domain to hstspreload.org, a step that is hard to undo, taken on purpose.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies are refused by browsers unless Secure, host-only and for the whole site: no other host
# (a sibling council's, say) can set or overwrite them. Only over HTTPS, hence production only.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# Every web pod and worker must see the same files: local disk would keep each upload in one pod.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
STORAGES = {
    **STORAGES,  # noqa: F405 (the default is S3 once the bucket is set: base.py)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
IS_PRODUCTION = True

SITE_URL_SCHEME = env("SITE_URL_SCHEME", default="https")
SITE_URL_PORT = env("SITE_URL_PORT", default="")

# Database metrics for /metrics: django-tenants' backend is built on django-prometheus's, which counts
# connections, queries, their errors and durations (config/metrics.py).
ORIGINAL_BACKEND = "django_prometheus.db.backends.postgresql"
# migrate_schemas --executor=multiprocessing (deploy/entrypoint.sh migrate): councils' schemas are
# migrated by this many processes at once, each loading Django once for many councils.
TENANT_MULTIPROCESSING_MAX_PROCESSES = env.int("MIGRATION_PROCESSES", default=4)
# Exactly one beat: it holds a lock in Redis while it runs, and a second one waits (config/beat.py).
CELERY_BEAT_SCHEDULER = "config.beat:LockedScheduler"
# One JSON object per line, with the request's id, council and user (config/logs.py).
LOGGING = {
    **LOGGING,  # noqa: F405
    "formatters": {"safe": {"()": "config.logs.JsonFormatter"}},
}
