"""Part 10 of the request: one file at a time, checked before it is stored (ARCHITECTURE.md 7)."""

import contextlib

from django.db import transaction

from core.services import audit_record
from core.uploads import UploadRefused, upload_check
from ehc.models import Attachment

FIELD = "documents"


def handle_upload_action(request, draft, action: str) -> dict[str, str]:
    """Upload or remove a file on a draft; returns {question key: error} for the page."""
    if action.startswith("remove_file:"):
        with contextlib.suppress(ValueError):
            attachment = draft.attachments.filter(pk=int(action.split(":", 1)[1])).first()
            if attachment is not None:
                with transaction.atomic():
                    attachment.delete()
                    transaction.on_commit(lambda: attachment.file.delete(save=False))
        return {}
    uploaded = request.FILES.get(FIELD)
    if uploaded is None:
        return {FIELD: "Select a file to upload"}
    config = request.council_config
    try:
        checked = upload_check(
            uploaded_file=uploaded,
            allowed_extensions=list(config.upload_types),
            max_bytes=config.upload_max_mb * 1024 * 1024,
        )
    except UploadRefused as refused:
        return {FIELD: refused.message}
    with transaction.atomic():
        attachment = Attachment(
            request=draft,
            original_name=checked.name[:255],
            extension=checked.extension,
            size=checked.size,
            content_type=checked.content_type,
            sha256=checked.sha256,
        )
        uploaded.seek(0)
        attachment.file.save(checked.name, uploaded, save=True)
        audit_record(
            actor=request.user,
            action="request.file_attached",
            target=draft,
            detail={"size": checked.size, "type": checked.extension},
        )
    return {}
