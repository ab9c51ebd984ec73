"""Where uploaded files are kept: every council's files under its own prefix (ARCHITECTURE.md 7).

Each ``upload_to`` (a request's attachments, a case's documents, advice letters, the logo) names a file
``<schema>/...``. These storages make that a rule rather than a habit: while the connection is in a
council's schema, a name outside ``<schema>/`` is refused whether it is opened, saved, deleted, probed
or linked, so a row that somehow named another council's key (a bug, a copied value, an import) reads
nothing of theirs. In the public schema (the platform's own work) every name is allowed.

The same rule holds on local disk (development and tests) and in S3-compatible object storage
(production), so a test on disk proves what production refuses.
"""

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django_tenants.utils import get_public_schema_name
from storages.backends.s3 import S3Storage


class CouncilPrefixed:
    """A storage mix-in that refuses, in a council's schema, every name outside ``<schema>/``."""

    def council_name_check(self, name: str) -> str:
        schema = connection.schema_name
        if schema == get_public_schema_name():
            return name
        parts = str(name).split("/")
        # "." and ".." would let a name under the prefix point outside it on disk; S3 keys keep them
        # literally, but one rule for both is simpler to trust.
        if len(parts) < 2 or parts[0] != schema or any(part in ("", ".", "..") for part in parts[1:]):
            raise SuspiciousFileOperation("A file name outside the council's own prefix was refused")
        return name

    def _open(self, name, mode="rb"):
        return super()._open(self.council_name_check(name), mode)

    def _save(self, name, content):
        return super()._save(self.council_name_check(name), content)

    def delete(self, name):
        return super().delete(self.council_name_check(name))

    def exists(self, name):
        return super().exists(self.council_name_check(name))

    def size(self, name):
        return super().size(self.council_name_check(name))

    def url(self, name, *args, **kwargs):
        return super().url(self.council_name_check(name), *args, **kwargs)


class CouncilFileSystemStorage(CouncilPrefixed, FileSystemStorage):
    """Local disk, for `make run` and the tests."""


class CouncilS3Storage(CouncilPrefixed, S3Storage):
    """S3-compatible object storage, for production: private objects, read back only by the views that
    check the viewer (``core.uploads.private_file_response``)."""
