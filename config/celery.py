"""Celery with tenant-schemas-celery: a task carries the schema it was sent from and runs there."""

from tenant_schemas_celery.app import CeleryApp

from config.entry_points import settings_module_required

settings_module_required()

app = CeleryApp("ehc_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
