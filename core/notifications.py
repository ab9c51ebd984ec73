"""One notification layer for email and SMS (ARCHITECTURE.md 8).

Development and tests write every message under var/mail/ (email through Django's file backend, SMS
as one text file each), so anyone can read the code that was sent. Production sends through GOV.UK
Notify by setting EMAIL_BACKEND and SMS_BACKEND (the Notify SMS backend is still to be written).
"""

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


def email_send(*, to: str, subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, to=[to]).send()


class FileSMSBackend:
    """Writes each text message to var/mail/sms/ (development and tests)."""

    def send(self, *, to: str, body: str) -> None:
        folder = Path(settings.EMAIL_FILE_PATH) / "sms"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.txt"
        (folder / name).write_text(f"To: {to}\n\n{body}\n")


def sms_send(*, to: str, body: str) -> None:
    import_string(settings.SMS_BACKEND)().send(to=to, body=body)
