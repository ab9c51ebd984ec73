from django.db import connection

from config.celery import app


@app.task(acks_late=True)
def worker_ping() -> str:
    """Workers' health check: answers with the schema the task ran in.

    `celery -A config call core.tasks.worker_ping` from a council's context proves the broker, a worker
    and tenant-schemas-celery's schema hand-over all work.
    """
    return connection.schema_name
