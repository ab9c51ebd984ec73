"""Part 10 of the request: one file at a time, checked before it is stored (ARCHITECTURE.md 7)."""

from core.uploads import attachment_action
from ehc.models import Attachment

FIELD = "documents"


def handle_upload_action(request, draft, action: str) -> dict[str, str]:
    """Upload or remove a file on a draft; returns {question key: error} for the page."""
    return attachment_action(
        request,
        action=action,
        field=FIELD,
        attachments=draft.attachments.all(),
        build=lambda **fields: Attachment(request=draft, **fields),
        audit_action="request.file_attached",
        target=draft,
    )
