from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, connection

from core.councils import councils_each
from core.notifications import TransientSendError, notification_deliver, notifications_requeue


@shared_task(acks_late=True)
def worker_ping() -> str:
    """Workers' health check: answers with the schema the task ran in.

    `celery -A config call core.tasks.worker_ping` from a council's context proves the broker, a worker
    and tenant-schemas-celery's schema hand-over all work.
    """
    return connection.schema_name


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(TransientSendError, OperationalError, InterfaceError),
    retry_backoff=settings.NOTIFICATIONS_RETRY_BACKOFF,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def notification_send(self, notification_id: int) -> str:
    """Send one core.Notification, in the council's schema tenant-schemas-celery carries. Idempotent:
    run twice, it sends once (core.notifications.notification_deliver says how, and what is left at
    least once). Provider and database hiccups retry about 1, 2, 4, 8 and 10 minutes apart; the last
    failure marks the row failed (NOTIFICATIONS_RETRY_BACKOFF)."""
    return notification_deliver(
        notification_id=notification_id, last_try=self.request.retries >= self.max_retries
    )


@shared_task(acks_late=True)
def notifications_requeue_everywhere() -> dict[str, int]:
    """Every 15 minutes: queue again, council by council, notifications whose task never ran."""
    return councils_each(func=notifications_requeue)


@shared_task(acks_late=True)
def sessions_clear() -> None:
    """Hourly (beat): Django's clearsessions deletes expired sessions, and what they held (a sign-in half
    done, registration step 1's answers). Sessions are one table, in the public schema."""
    call_command("clearsessions")
