from config.celery import app
from ehc.requests.services import drafts_purge
from tenants.services import councils_each


@app.task(acks_late=True)
def drafts_purge_everywhere() -> dict[str, int]:
    """Daily: drafts not saved for 30 days are deleted, council by council (idempotent)."""
    return councils_each(func=drafts_purge)
