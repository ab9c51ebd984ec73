from celery import shared_task

from core.councils import councils_each
from ehc.requests.services import drafts_purge


@shared_task(acks_late=True)
def drafts_purge_everywhere() -> dict[str, int]:
    """Daily: drafts not saved for 30 days are deleted, council by council (idempotent)."""
    return councils_each(func=drafts_purge)
