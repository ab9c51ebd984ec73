"""Reading an uploaded file stops at the council's limit (ARCHITECTURE.md 7).

Django's own handlers keep a whole file, however big, in memory or in a temporary file before any view
can look at its size. ``CouncilLimitUploadHandler`` (the only entry in ``FILE_UPLOAD_HANDLERS``) keeps a
file as they would (in memory when the whole request is small, otherwise in a temporary file under
``FILE_UPLOAD_TEMP_DIR``) until it passes the council's ``upload_max_mb``; then it deletes what it had,
reads the rest of that file without keeping it, and hands the view an empty ``OversizedUpload`` in its
place. The rest of the POST is still parsed, so the page keeps everything else that was typed, and
``core.uploads.upload_check`` refuses the placeholder with the usual "must be smaller than" message.
"""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

MB = 1024 * 1024


class OversizedUpload(UploadedFile):
    """Stands for a file that was over ``limit`` bytes: none of its content was kept (``received`` is
    how many bytes were sent). Its ``size`` is 0, so that a Django form's FileField (the council logo
    in the admin) refuses it as empty rather than store nothing under its name."""

    def __init__(self, *, name, content_type, charset, content_type_extra, received: int, limit: int) -> None:
        super().__init__(BytesIO(), name, content_type, 0, charset, content_type_extra)
        self.received = received
        self.limit = limit


def upload_limit_bytes(request) -> int:
    """The largest file this request may upload: its council's limit, or the platform's largest on the
    platform's own host (which has no council)."""
    config = getattr(request, "council_config", None) if request is not None else None
    megabytes = config.upload_max_mb if config is not None else settings.UPLOAD_MAX_MB
    return min(megabytes, settings.UPLOAD_MAX_MB) * MB


class CouncilLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803
        # As Django's MemoryFileUploadHandler: a small request is kept in memory, a bigger one on disk.
        self.in_memory = content_length <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        self.limit = None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.limit is None:  # read once per request, and only if it carries a file
            self.limit = upload_limit_bytes(self.request)
        self.received = 0
        self.oversized = False
        if self.in_memory:
            self.file = BytesIO()
        else:
            self.file = TemporaryUploadedFile(
                self.file_name, self.content_type, 0, self.charset, self.content_type_extra
            )

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.oversized:
            return None
        if self.received > self.limit:
            self.oversized = True
            self.file.close()  # a temporary file is deleted as it closes; memory is let go
            return None
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.oversized:
            return OversizedUpload(
                name=self.file_name,
                content_type=self.content_type,
                charset=self.charset,
                content_type_extra=self.content_type_extra,
                received=self.received,
                limit=self.limit,
            )
        self.file.seek(0)
        if self.in_memory:
            return InMemoryUploadedFile(
                file=self.file,
                field_name=self.field_name,
                name=self.file_name,
                content_type=self.content_type,
                size=file_size,
                charset=self.charset,
                content_type_extra=self.content_type_extra,
            )
        self.file.size = file_size
        return self.file

    def upload_interrupted(self):
        # The client went away mid-file: delete what was kept of it (as Django's temporary handler does).
        if getattr(self, "file", None) is not None:
            self.file.close()
