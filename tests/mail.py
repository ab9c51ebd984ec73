"""Read what the notification layer sent: files under EMAIL_FILE_PATH (var/mail-test), as a person
reading their inbox or phone would."""

import re
from email import message_from_string
from pathlib import Path

from django.conf import settings


def _folder() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


def emails_to(address: str, folder: Path | None = None) -> list[str]:
    """Bodies of the emails sent to ``address``, oldest first (from ``folder``: another process's)."""
    bodies = []
    files = sorted((folder or _folder()).glob("*.log"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    for path in files:
        for raw in path.read_text().split("-" * 79):
            if not raw.strip():
                continue
            message = message_from_string(raw.strip())
            if address.lower() in (message.get("To") or "").lower():
                payload = message.get_payload(decode=True)
                body = payload.decode() if payload else str(message.get_payload())
                bodies.append(f"Subject: {message.get('Subject')}\n\n{body}")
    return bodies


def texts_to(number: str) -> list[str]:
    folder = _folder() / "sms"
    files = (
        sorted(folder.glob("*.txt"), key=lambda p: (p.stat().st_mtime_ns, p.name)) if folder.exists() else []
    )
    return [p.read_text() for p in files if p.read_text().startswith(f"To: {number}\n")]


def last_code(messages: list[str]) -> str:
    assert messages, "nothing was sent"
    codes = re.findall(r"(?<![\d])(\d{6,10})(?![\d])", messages[-1])
    assert codes, messages[-1]
    return codes[-1]
