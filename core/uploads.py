"""Checks an uploaded file before anything stores it (ARCHITECTURE.md, decision 7).

``upload_check`` refuses a file, with a GOV.UK-style message for the error summary, unless its
extension is allowed, it is not empty and not too big, its bytes really are what its extension says,
a Word document is not a zip bomb, and the virus scanner says it is clean. The client's content type
is never read, and its file name only for the extension and a display name: store the file under a
key of our own.
"""

import codecs
import hashlib
import logging
import re
import zipfile
from dataclasses import dataclass

import filetype
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse

from core.inputs import whole_number
from core.scanning import Scanner, ScannerError, get_scanner
from core.services import audit_record
from core.upload_handlers import OversizedUpload

logger = logging.getLogger(__name__)

MB = 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The extensions this module can check, and the content type each must really have.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": DOCX,
    "doc": "application/msword",
    "rtf": "application/rtf",
    "txt": "text/plain",
}
# The start of the file, for magic bytes; filetype reads at most its first 262 bytes.
HEAD_BYTES = 8192
ZIP_HEADER = b"PK\x03\x04"
# Checked by their first bytes rather than filetype, whose .doc check wants Word's markers at fixed
# offsets past the header and whose .docx check depends on the order of the zip's entries.
HEADERS = {"doc": bytes.fromhex("d0cf11e0a1b11ae1"), "rtf": b"{\\rtf"}
DOCX_REQUIRED_ENTRIES = ("[Content_Types].xml", "word/document.xml")
# A Word document is a zip: these bound what opening it could cost whoever reads it next.
ZIP_MAX_UNCOMPRESSED = 100 * MB
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_RATIO = 100

NOT_CHECKED = "The selected file could not be checked, so it was not accepted"
NOT_SCANNED = "The selected file could not be checked for viruses, so it was not accepted. Try again later."
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class UploadRefused(Exception):
    """The upload is not accepted; ``message`` is written for the person who chose the file."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    extension: str
    size: int
    content_type: str
    sha256: str


@dataclass
class _Read:
    size: int
    sha256: str
    head: bytes
    text_ok: bool


def upload_check(
    *,
    uploaded_file: UploadedFile,
    allowed_extensions: list[str],
    max_bytes: int,
    scanner: Scanner | None = None,
) -> CheckedUpload:
    allowed = [extension.lower().lstrip(".") for extension in allowed_extensions]

    name = _display_name(uploaded_file.name or "")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in allowed:
        accepted = ", ".join(allowed)
        if not extension:
            raise UploadRefused(
                f"The selected file must have an extension. Accepted extensions: {accepted}", code="extension"
            )
        raise UploadRefused(
            f"[{extension}] is not an accepted extension. Accepted extensions: {accepted}", code="extension"
        )

    if extension not in CONTENT_TYPES:
        # A council allowed a type this module cannot check: refuse that type alone, and say so loudly,
        # rather than break uploads of every other type.
        logger.error("Uploads of .%s are allowed but there is no content check for them", extension)
        raise UploadRefused(NOT_CHECKED, code="unchecked_type")

    if isinstance(uploaded_file, OversizedUpload):  # reading it stopped at the limit, nothing was kept
        raise UploadRefused(
            f"The selected file must be smaller than {_megabytes(min(max_bytes, uploaded_file.limit))}",
            code="size",
        )
    read = _read(uploaded_file=uploaded_file, max_bytes=max_bytes, text=extension == "txt")
    if read.size == 0:
        raise UploadRefused("The selected file is empty", code="empty")
    if read.size > max_bytes:
        raise UploadRefused(f"The selected file must be smaller than {_megabytes(max_bytes)}", code="size")

    if not _content_matches(uploaded_file=uploaded_file, extension=extension, read=read):
        raise UploadRefused(
            f"The selected file's content does not match its .{extension} extension", code="content"
        )
    if extension == "docx" and not _zip_is_safe(uploaded_file):
        logger.warning("Refused a .docx that could be a zip bomb (sha256 %s)", read.sha256)
        raise UploadRefused(NOT_CHECKED, code="unsafe_archive")

    scanner = scanner or get_scanner()
    try:
        result = scanner.scan(file=uploaded_file)
    except ScannerError:
        logger.exception("Virus scan failed, upload refused (sha256 %s)", read.sha256)
        raise UploadRefused(NOT_SCANNED, code="scanner_error") from None
    if not result.clean:
        logger.warning("Refused an upload with a virus: %s (sha256 %s)", result.detail, read.sha256)
        raise UploadRefused("The selected file contains a virus", code="virus")

    uploaded_file.seek(0)  # ready for the caller to store
    return CheckedUpload(
        name=name,
        extension=extension,
        size=read.size,
        content_type=CONTENT_TYPES[extension],
        sha256=read.sha256,
    )


def _display_name(name: str) -> str:
    # Browsers on Windows have sent whole paths; the name is only ever shown back, never used as a path.
    return CONTROL_CHARACTERS.sub("", re.split(r"[\\/]", name)[-1]).strip()


def _megabytes(limit: int) -> str:
    # Rounded down so that the message never promises more than the limit allows.
    tenths = limit * 10 // MB
    return f"{tenths // 10}MB" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}MB"


def _read(*, uploaded_file: UploadedFile, max_bytes: int, text: bool) -> _Read:
    """One pass in chunks: size, hash, the first bytes, and whether it is UTF-8 with no NUL bytes.

    Stops as soon as the file is over the limit, so a huge file costs no more than the limit to refuse.
    """
    size, digest, head = 0, hashlib.sha256(), b""
    decoder = codecs.getincrementaldecoder("utf-8")()
    text_ok = text
    for chunk in uploaded_file.chunks():
        size += len(chunk)
        if size > max_bytes:
            break
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        if text_ok:
            text_ok = _text_chunk_ok(decoder=decoder, chunk=chunk, final=False)
    if text_ok:
        text_ok = _text_chunk_ok(decoder=decoder, chunk=b"", final=True)
    return _Read(size=size, sha256=digest.hexdigest(), head=head, text_ok=text_ok)


def _text_chunk_ok(*, decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool) -> bool:
    if b"\x00" in chunk:
        return False
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return True


def _content_matches(*, uploaded_file: UploadedFile, extension: str, read: _Read) -> bool:
    if extension in HEADERS:
        return read.head.startswith(HEADERS[extension])
    if extension == "txt":
        return read.text_ok
    if extension == "docx":
        names = _zip_names(uploaded_file) if read.head.startswith(ZIP_HEADER) else None
        return names is not None and all(entry in names for entry in DOCX_REQUIRED_ENTRIES)
    return filetype.guess_mime(read.head) == CONTENT_TYPES[extension]


def _zip_names(uploaded_file: UploadedFile) -> set[str] | None:
    try:
        uploaded_file.seek(0)
        with zipfile.ZipFile(uploaded_file) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None


def _zip_is_safe(uploaded_file: UploadedFile) -> bool:
    """Judged from the sizes the archive declares, without unpacking it: zipfile (and so anything in
    Python that reads the document later) stops at an entry's declared size."""
    try:
        uploaded_file.seek(0)
        with zipfile.ZipFile(uploaded_file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return False
    if len(entries) > ZIP_MAX_ENTRIES:
        return False
    if sum(entry.file_size for entry in entries) > ZIP_MAX_UNCOMPRESSED:
        return False
    return all(entry.file_size <= ZIP_MAX_RATIO * max(entry.compress_size, 1) for entry in entries)


# Storing and serving checked files -------------------------------------------------------------------


def attachment_action(request, *, action: str, field: str, attachments, build, audit_action: str, target):
    """ "Attach this file" or "Remove" on a form page: ``action`` is ``upload`` or ``remove_file:<pk>``.
    The upload is checked against the council's rules, then stored by ``build(**fields)`` (an unsaved
    attachment whose ``file`` takes it) and audited on ``target``; a removal deletes one of
    ``attachments`` (a queryset) and its file once the transaction commits, audited on ``target`` too
    (``<prefix>.file_removed`` for an ``audit_action`` of ``<prefix>.file_attached``). Returns
    {field: error}."""
    if action.startswith("remove_file:"):
        number = action.split(":", 1)[1]
        number = whole_number(number)
        attachment = attachments.filter(pk=number).first() if number is not None else None
        if attachment is not None:
            with transaction.atomic():
                removed = {"file": attachment.pk, "size": attachment.size, "type": attachment.extension}
                attachment.delete()
                # "request.file_attached" is undone by "request.file_removed", audited the same way.
                audit_record(
                    actor=request.user,
                    action=audit_action.rsplit(".", 1)[0] + ".file_removed",
                    target=target,
                    detail=removed,
                )
                transaction.on_commit(lambda: attachment.file.delete(save=False))
        return {}
    uploaded = request.FILES.get(field)
    if uploaded is None:
        return {field: "Select a file to upload"}
    config = request.council_config
    try:
        checked = upload_check(
            uploaded_file=uploaded,
            allowed_extensions=list(config.upload_types),
            max_bytes=config.upload_max_mb * MB,
        )
    except UploadRefused as refused:
        return {field: refused.message}
    with transaction.atomic():
        attachment = build(
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
            action=audit_action,
            target=target,
            detail={"size": checked.size, "type": checked.extension},
        )
    return {}


def private_file_response(stored) -> FileResponse:
    """A stored upload (anything with ``file``, ``original_name`` and ``content_type``) as a download
    that no cache keeps and no browser sniffs: for views that have checked the viewer and audited."""
    response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)
    response["Content-Type"] = stored.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
