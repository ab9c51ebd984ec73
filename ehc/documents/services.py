"""Writes for the documents the SEND team publishes to the family (Items to view): checked like every
upload (ARCHITECTURE.md 7), stored under the council's prefix, audited, and the family told by email
that something is waiting, never what it is (ARCHITECTURE.md 8)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.notifications import notify_person
from core.services import audit_record
from core.uploads import MB, CheckedUpload, UploadRefused, upload_check
from ehc.models import AccessStatus, Case, CaseAccess, CaseDocument
from tenants.configuration.selectors import configuration_get
from tenants.selectors import council_name_current

DESCRIPTION_MAX = CaseDocument._meta.get_field("description").max_length


def _file_checked(uploaded_file: UploadedFile | None) -> tuple[CheckedUpload | None, str]:
    """The same checks as a request's supporting documents (ehc/requests/uploads.py): the council's types and
    size, the file's real content, and the virus scan. Returns (the checked file, or the message)."""
    if uploaded_file is None:
        return None, "Select a file"
    config = configuration_get()
    try:
        checked = upload_check(
            uploaded_file=uploaded_file,
            allowed_extensions=list(config.upload_types),
            max_bytes=config.upload_max_mb * MB,
        )
    except UploadRefused as refused:
        return None, refused.message
    return checked, ""


def case_document_publish(
    *,
    case: Case,
    description: str,
    document_date: datetime.date | None,
    uploaded_file: UploadedFile | None,
    by,
    sign_in_link: str,
) -> CaseDocument:
    """Publish a document to everyone with active access to the case: store it, audit it, and on
    commit email each of them that there is a new document to view (the case reference and a link to
    sign in; no description, no child's name). Raises ValidationError by field (every problem at once);
    nothing is stored then."""
    errors = {}
    description = description.strip()
    if not description:
        errors["description"] = "Enter a description"
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Description must be {DESCRIPTION_MAX} characters or less"
    if document_date is None:
        errors["document_date"] = "Enter the document date"
    elif document_date > timezone.localdate():
        errors["document_date"] = "Document date must be today or in the past"
    checked, file_error = _file_checked(uploaded_file)
    if file_error:
        errors["file"] = file_error
    if errors:
        raise ValidationError(errors)
    document = CaseDocument(
        description=description,
        document_date=document_date,
        original_name=checked.name[:255],
        extension=checked.extension,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        published_by=by,
    )
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            document.case = locked
            document.published_at = timezone.now()
            uploaded_file.seek(0)
            document.file.save(checked.name, uploaded_file, save=True)
            audit_record(
                actor=by,
                action="document.published",
                target=document,
                detail={"case": locked.reference, "size": checked.size, "type": checked.extension},
            )
            readers = {
                access.user_id: access.user
                for access in CaseAccess.objects.filter(
                    case=locked, status=AccessStatus.ACTIVE, user__isnull=False
                ).select_related("user")
            }
            council, reference = council_name_current(), locked.reference
            for user in sorted(readers.values(), key=lambda user: user.email):
                _new_document_notify(
                    user=user, document=document, council=council, reference=reference, link=sign_in_link
                )
    except Exception:
        # The row went with the transaction; the stored file must go too.
        if document.file.name:
            document.file.delete(save=False)
        raise
    return document


def _new_document_notify(*, user, document: CaseDocument, council: str, reference: str, link: str) -> None:
    notify_person(
        user=user,
        kind="document",
        subject=f"{council}: a new document to view ({reference})",
        body=(
            f"{council}'s SEND team has published a new document to view on the EHC Portal, "
            f"case reference {reference}.\n\n"
            f"Sign in to see it in Items to view:\n{link}\n"
        ),
        key=f"document:{document.pk}:{user.pk}",
    )
