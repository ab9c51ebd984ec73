"""Virus scanning for uploads, behind one small interface.

``get_scanner()`` returns the scanner named by ``settings.UPLOAD_SCANNER``. Development and tests use
:class:`ClamAVScanner`, which runs Debian's ``clamscan`` against the signature database in
``CLAMAV_DATABASE``; production can swap in a clamd client with the same ``scan`` method.

A scanner either answers (clean, or infected with a signature name) or raises :class:`ScannerError`.
There is no third answer: a file that could not be scanned is never treated as clean, and callers
refuse the upload.
"""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.files import File
from django.utils.module_loading import import_string

DEFAULT_SCANNER = "core.scanning.ClamAVScanner"
DEFAULT_TIMEOUT_SECONDS = 60
# Enough of clamscan's stderr to say why it failed, without copying a whole log into an exception.
ERROR_DETAIL_CHARS = 500


class ScannerError(Exception):
    """The file could not be scanned (no scanner, no database, a timeout, an unexpected answer)."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    detail: str


class Scanner(Protocol):
    def scan(self, *, file: File) -> ScanResult: ...


class ClamAVScanner:
    """Scans with the ``clamscan`` command line tool, one process per file.

    clamscan loads its database on every call, which is fine for a small signature file and too slow
    for the full ClamAV database: production should use clamd behind the same interface.
    """

    def __init__(
        self,
        *,
        database: str | os.PathLike[str] | None = None,
        binary: str | None = None,
        timeout: float | None = None,
    ) -> None:
        if database is None:
            database = getattr(settings, "CLAMAV_DATABASE", "") or os.environ.get("CLAMAV_DATABASE", "")
        self.database = os.fspath(database) if database else ""
        self.binary = binary or getattr(settings, "CLAMAV_CLAMSCAN", "") or "clamscan"
        self.timeout = timeout or getattr(settings, "CLAMAV_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)

    def scan(self, *, file: File) -> ScanResult:
        executable = shutil.which(self.binary)
        if executable is None:
            raise ScannerError(f"{self.binary} is not installed")
        with tempfile.NamedTemporaryFile(prefix="scan-", suffix=".upload") as copy:
            for chunk in file.chunks():
                copy.write(chunk)
            copy.flush()
            command = [executable, "--no-summary", "--stdout"]
            # Without a database option clamscan uses the system's, and fails if there is none.
            if self.database:
                command.append(f"--database={self.database}")
            command += ["--", copy.name]
            try:
                # A fixed argument list and no shell: nothing from the upload reaches the command line.
                completed = subprocess.run(  # noqa: S603
                    command, capture_output=True, text=True, timeout=self.timeout, check=False
                )
            except subprocess.TimeoutExpired as error:
                raise ScannerError(f"clamscan took longer than {self.timeout} seconds") from error
            except OSError as error:
                raise ScannerError(f"clamscan could not be run: {error}") from error
        if completed.returncode == 0:
            return ScanResult(clean=True, detail="")
        if completed.returncode == 1:
            return ScanResult(clean=False, detail=_signature(output=completed.stdout, path=copy.name))
        reason = (completed.stderr or completed.stdout).strip()[:ERROR_DETAIL_CHARS]
        raise ScannerError(f"clamscan exited with {completed.returncode}: {reason}")


def _signature(*, output: str, path: str) -> str:
    """The signature name from a line such as ``/tmp/scan-x.upload: Eicar-Signature FOUND``."""
    prefix, suffix = f"{path}: ", " FOUND"
    for line in output.splitlines():
        if line.startswith(prefix) and line.endswith(suffix):
            return line[len(prefix) : -len(suffix)]
    # clamscan said infected but printed no name we recognise: still infected.
    return output.strip()[:ERROR_DETAIL_CHARS] or "unknown signature"


def get_scanner() -> Scanner:
    return import_string(getattr(settings, "UPLOAD_SCANNER", DEFAULT_SCANNER))()
