"""Production: every secret must come from the environment; a missing one stops start-up."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

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
