from config.celery import app
from core.councils import councils_each
from ehc.services import drafts_purge


@app.task(acks_late=True)
def drafts_purge_everywhere() -> dict[str, int]:
    """Daily: drafts not saved for 30 days are deleted, council by council (idempotent)."""
    return councils_each(func=drafts_purge)
