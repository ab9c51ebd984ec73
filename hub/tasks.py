from celery import shared_task

from core.councils import councils_each
from hub.advice.services import advice_reminders_send


@shared_task(acks_late=True)
def advice_reminders_everywhere() -> dict[str, int]:
    """Daily: reminders of advice due within a week or overdue, council by council (idempotent)."""
    return councils_each(func=advice_reminders_send)
