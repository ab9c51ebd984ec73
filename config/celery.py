"""Celery with tenant-schemas-celery: a task carries the schema it was sent from and runs there, and
only while that council exists and is switched on."""

import logging
import logging.config

from celery import signals
from django.db import connection
from tenant_schemas_celery.app import CeleryApp, get_schema_name_from_task
from tenant_schemas_celery.task import TenantTask

from config.entry_points import settings_module_required
from config.metrics import task_failure_count

settings_module_required()
logger = logging.getLogger(__name__)


def council_may_run(schema_name: str) -> str:
    """'' when a task sent from ``schema_name`` may run, else why not ('gone', 'switched off')."""
    from tenants.models import Council  # noqa: PLC0415 (apps are not ready when this module loads)

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Council) and tenant.pk and tenant.schema_name == schema_name:
        active = tenant.is_active  # just read by tenant-schemas-celery's switch (or the request's own)
    else:
        active = Council.objects.filter(schema_name=schema_name).values_list("is_active", flat=True).first()
    if active is None:
        return "gone"
    return "" if active else "switched off"


class CouncilTask(TenantTask):
    """A task for a council that was deleted would run in the public schema (tenant-schemas-celery
    cannot switch to it and carries on), and one for a switched-off council would still email its
    people: neither runs. Nothing personal is logged, only the task and the schema."""

    abstract = True

    def __call__(self, *args, **kwargs):
        schema_name = get_schema_name_from_task(self, kwargs)
        if schema_name and schema_name != "public":
            refused = council_may_run(schema_name)
            if refused:
                logger.warning(
                    "Task %s (%s) not run: the council with schema %s is %s",
                    self.name,
                    self.request.id,
                    schema_name,
                    refused,
                )
                return None
        return super().__call__(*args, **kwargs)


class CouncilCeleryApp(CeleryApp):
    task_cls = "config.celery:CouncilTask"


@signals.setup_logging.connect
def logging_from_settings(**kwargs) -> None:
    """The worker and beat log through Django's LOGGING (config/logs.py: nothing about a person), not
    through handlers of Celery's own, whose lines hold every argument and exception message."""
    from django.conf import settings  # noqa: PLC0415 (settings are configured by then)

    logging.config.dictConfig(settings.LOGGING)


@signals.task_failure.connect
def task_failure_counted(sender=None, **kwargs) -> None:
    """/metrics's ehc_celery_task_failures: counted by the task's name in Redis, where every web pod
    reads it (config/metrics.py); the task's arguments and exception are not kept."""
    task_failure_count(task_name=getattr(sender, "name", "unknown"))


app = CouncilCeleryApp("ehc_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
