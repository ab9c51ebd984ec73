"""One notification layer for email and SMS (ARCHITECTURE.md 6 and 8).

What a council tells people about their case goes through ``notify`` / ``notify_person``: a
``core.Notification`` row written in the caller's transaction (its ``key`` makes asking twice one
notification), then the Celery task ``core.tasks.notification_send`` once the transaction commits. Each
says what kind of thing is waiting (``WAITING``), never the child's name, date of birth or any content.

Sign-in codes and account emails do not wait for a worker (the person is on the page): they call
``email_send`` / ``sms_send`` directly, through the same backends.

Backends: email goes through Django's ``EMAIL_BACKEND`` (the file backend writing var/mail/ in
development and tests; ``NotifyEmailBackend`` in production); SMS through the class named by
``SMS_BACKEND`` (``FileSMSBackend`` writing var/mail/sms/; ``NotifySMSBackend``). The Notify backends use
one email template and one SMS template by id, whose content is ``((subject))`` / ``((body))``.
"""

import base64
import datetime
import json
import logging
import time
import uuid
from pathlib import Path

from celery.exceptions import Retry
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from notifications_python_client.errors import HTTPError as NotifyHTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from core.models import Notification, Profile

logger = logging.getLogger(__name__)

# What each kind of notification says is waiting: its subject (an email) or its text (an SMS) must
# contain these words, so no notification is a bare "you have new information" (ARCHITECTURE.md 8).
# A new kind is a new row here, not a migration.
WAITING = {
    "request_received": "we have received your",
    "response": "a response to your request",
    "case_update": "an update on case",
    "document": "a new document to view",
    "form_to_complete": "a form to complete",
    "new_message": "a new message",
    "advice_request": "a request for advice",
    "advice_response": "a response to a request for advice",
    "advice_check": "advice to check",
    "advice_checked": "advice has been checked",
    "advice_returned": "advice returned",
    "consultation": "a consultation",
    "consultation_answer": "an answer to a consultation",
    "invitation": "invitation",
    "invitation_accepted": "invitation accepted",
    "access_granted": "portal access",
    "access_removed": "portal access removed",
    "account_changed": "your account was changed",
}

REFERENCE_HEADER = "X-Notification-Reference"
NOTIFY_TIMEOUT_SECONDS = 10
REQUEUE_AFTER = datetime.timedelta(hours=1)


class SendError(Exception):
    """A backend could not send."""


class TransientSendError(SendError):
    """Worth trying again later: the provider is down, slow, or limiting us."""


class PermanentSendError(SendError):
    """Trying again will not help: a refused address or number, a bad key or template."""


def _is_transient(error: Exception) -> bool:
    # OSError covers the file backend's disk and SMTP's connection errors (smtplib's are OSErrors).
    return isinstance(error, TransientSendError | OSError)


# Sending ---------------------------------------------------------------------------------------------


def email_send(*, to: str, subject: str, body: str, reference: str = "") -> str:
    """Send one email now through EMAIL_BACKEND; returns the provider's id ("" if it gives none)."""
    message = EmailMessage(
        subject=subject, body=body, to=[to], headers={REFERENCE_HEADER: reference} if reference else None
    )
    message.send()
    return next(iter(getattr(message, "provider_ids", [])), "")


def sms_send(*, to: str, body: str, reference: str = "") -> str:
    """Send one text message now through SMS_BACKEND; returns the provider's id ("" if it gives none)."""
    return import_string(settings.SMS_BACKEND)().send(to=to, body=body, reference=reference) or ""


def _sent_earlier(*, channel: str, reference: str) -> str | None:
    """The provider's id of a message an earlier attempt already sent with this reference, where the
    backend can tell (Notify can; files and SMTP cannot, so for them None)."""
    backend = (
        get_connection() if channel == Notification.Channel.EMAIL else import_string(settings.SMS_BACKEND)()
    )
    finder = getattr(backend, "sent_with_reference", None)
    return finder(reference) if finder else None


class FileSMSBackend:
    """Writes each text message to var/mail/sms/ (development and tests)."""

    def send(self, *, to: str, body: str, reference: str = "") -> str:
        folder = Path(settings.EMAIL_FILE_PATH) / "sms"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.txt"
        (folder / name).write_text(f"To: {to}\n\n{body}\n")
        return ""


def notify_client() -> NotificationsAPIClient:
    return NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=NOTIFY_TIMEOUT_SECONDS
    )


def _notify_call(method, **kwargs) -> dict:
    """Call the Notify client, its errors sorted into worth retrying (5xx, 429, no answer) or not (4xx)."""
    try:
        return method(**kwargs)
    except NotifyHTTPError as error:  # the client turns a network failure into a 503 too
        if error.status_code >= 500 or error.status_code == 429:
            raise TransientSendError(str(error)) from error
        raise PermanentSendError(str(error)) from error


def _notify_sent_with_reference(*, reference: str, template_type: str) -> str | None:
    found = _notify_call(
        notify_client().get_all_notifications, template_type=template_type, reference=reference
    )
    for earlier in found.get("notifications", []):
        if earlier.get("status") != "technical-failure":  # Notify's own failure: it was not sent
            return earlier["id"]
    return None


class NotifyEmailBackend(BaseEmailBackend):
    """Django email backend for GOV.UK Notify: NOTIFY_EMAIL_TEMPLATE_ID, a template whose subject is
    ((subject)) and whose body is ((body)). Every email Django sends (allauth's too) goes this way when
    EMAIL_BACKEND names it. The reference header, when present, becomes Notify's ``reference``."""

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            reference = message.extra_headers.get(REFERENCE_HEADER) or None
            try:
                message.provider_ids = [
                    _notify_call(
                        notify_client().send_email_notification,
                        email_address=address,
                        template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
                        personalisation={"subject": message.subject, "body": message.body},
                        reference=reference,
                    )["id"]
                    for address in message.recipients()
                ]
            except SendError:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent

    def sent_with_reference(self, reference: str) -> str | None:
        return _notify_sent_with_reference(reference=reference, template_type="email")


class NotifySMSBackend:
    """GOV.UK Notify for text messages: NOTIFY_SMS_TEMPLATE_ID, a template whose content is ((body))."""

    def send(self, *, to: str, body: str, reference: str = "") -> str:
        response = _notify_call(
            notify_client().send_sms_notification,
            phone_number=to,
            template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
            personalisation={"body": body},
            reference=reference or None,
        )
        return response["id"]

    def sent_with_reference(self, reference: str) -> str | None:
        return _notify_sent_with_reference(reference=reference, template_type="sms")


# One-time codes and links ------------------------------------------------------------------------------


def _fernet() -> Fernet:
    key = salted_hmac("core.notifications.sealed", "sealed", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(secrets: dict[str, str]) -> str:
    return _fernet().encrypt(json.dumps(secrets).encode()).decode()


def _unsealed_body(notification: Notification) -> str:
    body = notification.body
    if notification.sealed:
        for name, value in json.loads(_fernet().decrypt(notification.sealed.encode())).items():
            body = body.replace(f"(({name}))", value)
    return body


# Services --------------------------------------------------------------------------------------------


def _queue(*, notification_id: int, schema_name: str) -> None:
    # core.tasks imports this module, so the task is looked up when it is needed.
    notification_send = import_string("core.tasks.notification_send")
    # The council is named explicitly: a callback may run after the caller has left its schema.
    headers = {"_schema_name": schema_name}
    if not notification_send.app.conf.task_always_eager:
        notification_send.apply_async(args=[notification_id], headers=headers)
        return
    # No broker (development, tests): run it here. Celery's eager mode raises a retry instead of running
    # it (task_eager_propagates), so retry here, at once, as many times as a worker would.
    for retries in range(notification_send.max_retries + 1):
        try:
            notification_send.apply(args=[notification_id], headers=headers, retries=retries, throw=True)
        except Retry:
            continue
        return


def notify(
    *,
    key: str,
    channel: str,
    to: str,
    kind: str,
    subject: str,
    body: str,
    secrets: dict[str, str] | None = None,
) -> Notification:
    """Record a notification and send it once the caller's transaction commits. Call it inside that
    transaction. ``key`` is the idempotency key: a second call with the same key returns the first
    row and sends nothing more. ``secrets`` are one-time codes or links the body carries as
    ``((name))``: stored encrypted, put in only when sending, then erased (see Notification.sealed).
    Raises ValueError for an unknown kind, or a subject (email) / text (SMS) that does not say what is
    waiting (WAITING)."""
    if kind not in WAITING:
        raise ValueError(f"Unknown notification kind {kind!r}: add it to core.notifications.WAITING")
    if channel not in Notification.Channel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    says = subject if channel == Notification.Channel.EMAIL else body
    if WAITING[kind].lower() not in says.lower():
        where = "subject" if channel == Notification.Channel.EMAIL else "text"
        raise ValueError(f"A {kind} notification must say {WAITING[kind]!r} in its {where}")
    for name in secrets or {}:
        if f"(({name}))" not in body:
            raise ValueError(f"The body has no (({name})) for its secret")
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "channel": channel,
            "to": to,
            "kind": kind,
            "subject": subject,
            "body": body,
            "sealed": _seal(secrets) if secrets else "",
        },
    )
    if created:
        pk, schema_name = notification.pk, connection.schema_name
        # robust: a broker that cannot be reached must not turn a committed change into an error page;
        # the row waits and notifications_requeue sends it later.
        transaction.on_commit(lambda: _queue(notification_id=pk, schema_name=schema_name), robust=True)
    return notification


def notify_person(
    *, user, kind: str, subject: str, body: str, key: str, sms_body: str = ""
) -> list[Notification]:
    """Tell a person with an account: by email always (key ``<key>:email``), and by text message (key
    ``<key>:sms``, text ``sms_body`` or else the subject and body) when NOTIFICATIONS_SMS is on (the
    platform's switch) and they chose text messages on Update account, giving a mobile number, in this
    council's profile. Call it inside the caller's transaction."""
    sent = [
        notify(
            key=f"{key}:email",
            channel=Notification.Channel.EMAIL,
            to=user.email,
            kind=kind,
            subject=subject,
            body=body,
        )
    ]
    if settings.NOTIFICATIONS_SMS:
        mobile = (
            Profile.objects.filter(user=user, notify_by_text=True)
            .values_list("mobile_phone", flat=True)
            .first()
        )
        if mobile:
            sent.append(
                notify(
                    key=f"{key}:sms",
                    channel=Notification.Channel.SMS,
                    to=mobile,
                    kind=kind,
                    subject="",
                    body=sms_body or f"{subject}\n\n{body}",
                )
            )
    return sent


def notification_deliver(*, notification_id: int, last_try: bool = True) -> str:
    """Send one notification unless it has been sent (the Celery task's work). Returns "sent", "done"
    (sent or given up before), "missing" or "failed" (given up now); raises TransientSendError to be
    retried.

    Exactly once, as far as it can be:
    - the attempt is counted and committed before anything is sent, so an attempt that dies mid-send
      (a worker killed, the database gone) is known to the next one;
    - the send happens with the row locked, and ``sent_at`` and ``provider_id`` are written in that same
      transaction; a second delivery of the task (acks late: a worker lost after sending but before
      acknowledging) waits for the lock and then finds ``sent_at`` set;
    - any attempt after the first asks the provider first whether a message with this notification's
      reference (``<schema>:<key>``) already went, and if so records it instead of sending again.

    What is left is at least once, not exactly once: with a backend that cannot answer that question
    (the file backend, SMTP), a message sent just before the commit failed or the worker died is sent
    again by the next attempt; with Notify, only if the earlier one has aged out of Notify's lookup
    (7 days) or Notify's lookup does not yet show it.

    Transient errors (TransientSendError, OSError) raise TransientSendError for the task to retry,
    until ``last_try``; a permanent error, or the last try failing, marks the row failed (``failed_at``).
    """
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if row is None:
            return "missing"
        if row.sent_at or row.failed_at:
            return "done"
        row.attempts += 1
        row.save(update_fields=["attempts"])
    error = None
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=notification_id)
        if row.sent_at or row.failed_at:
            return "done"
        reference = f"{connection.schema_name}:{row.key}"
        try:
            provider_id = (
                _sent_earlier(channel=row.channel, reference=reference) if row.attempts > 1 else None
            )
            if provider_id is None:
                body = _unsealed_body(row)
                if row.channel == Notification.Channel.EMAIL:
                    provider_id = email_send(to=row.to, subject=row.subject, body=body, reference=reference)
                else:
                    provider_id = sms_send(to=row.to, body=body, reference=reference)
        except Exception as exc:  # every failure is recorded on the row; which ones retry is decided below
            error = exc
            row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            if last_try or not _is_transient(exc):
                row.failed_at, row.sealed = timezone.now(), ""
            row.save(update_fields=["last_error", "failed_at", "sealed"])
        else:
            row.sent_at, row.provider_id, row.sealed = timezone.now(), provider_id or "", ""
            row.save(update_fields=["sent_at", "provider_id", "sealed"])
            return "sent"
    if row.failed_at is None:
        raise TransientSendError(row.last_error) from error
    logger.error("Notification %s (%s) not sent: %s", row.pk, row.kind, row.last_error)
    return "failed"


def notifications_requeue(*, older_than: datetime.timedelta = REQUEUE_AFTER) -> int:
    """Queue again every notification neither sent nor given up after ``older_than`` (its task was never
    queued: the broker was down at commit, or the process died between commit and queueing). Harmless
    if the task is still waiting to retry: sending twice finds the row sent. Returns how many."""
    cutoff = timezone.now() - older_than
    ids = list(
        Notification.objects.filter(sent_at__isnull=True, failed_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        _queue(notification_id=pk, schema_name=connection.schema_name)
    return len(ids)
