"""Upload checks, with files built at test time and Debian's real clamscan (installed by `make scanner`).

The virus tests use a signature database made here with sigtool from an EICAR file, so nothing is
downloaded and freshclam never runs.
"""

import io
import os
import shutil
import struct
import subprocess
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.scanning import ClamAVScanner, ScannerError, get_scanner
from core.uploads import CheckedUpload, UploadRefused, upload_check

MB = 1024 * 1024
OFFICE = ["jpg", "png", "doc", "docx", "pdf", "jpeg"]
NOT_SCANNED = "The selected file could not be checked for viruses, so it was not accepted. Try again later."
NOT_CHECKED = "The selected file could not be checked, so it was not accepted"


# Files -------------------------------------------------------------------------------------------------


def eicar() -> bytes:
    # Built here, in two halves, so that no scanner on a developer's machine flags this source file.
    return b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def make_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_png() -> bytes:
    """A 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def make_jpeg() -> bytes:
    """A 1x1 grey baseline JPEG: one Huffman code each for "DC difference 0" and "end of block"."""

    def segment(marker: int, data: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data

    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    return (
        b"\xff\xd8"
        + segment(0xDB, b"\x00" + bytes([1] * 64))
        + segment(0xC0, struct.pack(">BHHB", 8, 1, 1, 1) + b"\x01\x11\x00")
        + segment(0xC4, b"\x00" + one_code)
        + segment(0xC4, b"\x10" + one_code)
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"  # the two 0 bits of the scan, padded with 1s
        + b"\xff\xd9"
    )


CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Advice for the EHC needs assessment</w:t></w:r></w:p></w:body></w:document>"
)


def make_docx(*, extra: dict[str, int] | None = None, entries: int = 0) -> bytes:
    """A Word document as Word writes one; ``extra`` adds entries of that many zero bytes (streamed,
    so a 200 MB entry never exists in memory), ``entries`` adds that many tiny ones."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        archive.writestr("_rels/.rels", RELS_XML)
        archive.writestr("word/document.xml", DOCUMENT_XML)
        for name, size in (extra or {}).items():
            with archive.open(name, "w") as entry:
                block = bytes(MB)
                for start in range(0, size, MB):
                    entry.write(block[: min(MB, size - start)])
        for number in range(entries):
            archive.writestr(f"word/media/part{number}.xml", "<x/>")
    return buffer.getvalue()


def make_doc() -> bytes:
    """The start of a Word 97-2003 file: the OLE compound file header and an empty first sector."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    return header.ljust(512, b"\x00") + bytes(512)


# Fixtures ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def signatures(tmp_path_factory) -> str:
    """A ClamAV database holding one signature: the MD5 of the EICAR test file."""
    if not (shutil.which("clamscan") and shutil.which("sigtool")):
        pytest.fail("clamscan and sigtool are missing: run `make scanner` (Debian package clamav)")
    folder = tmp_path_factory.mktemp("clamav")
    sample = folder / "eicar.txt"
    sample.write_bytes(eicar())
    made = subprocess.run(["sigtool", "--md5", str(sample)], capture_output=True, check=True, text=True)
    database = folder / "sigs.hdb"
    database.write_text(made.stdout)
    sample.unlink()
    return str(database)


@pytest.fixture(scope="session")
def scanner(signatures) -> ClamAVScanner:
    return ClamAVScanner(database=signatures)


def check(name: str, content: bytes, *, scanner, allowed=None, max_bytes=15 * MB, **kwargs) -> CheckedUpload:
    return upload_check(
        uploaded_file=SimpleUploadedFile(name, content, **kwargs),
        allowed_extensions=OFFICE if allowed is None else allowed,
        max_bytes=max_bytes,
        scanner=scanner,
    )


def refusal(name: str, content: bytes, **kwargs) -> UploadRefused:
    with pytest.raises(UploadRefused) as refused:
        check(name, content, **kwargs)
    return refused.value


# Accepted ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("advice.pdf", make_pdf, "application/pdf"),
        ("drawing.png", make_png, "image/png"),
        ("photo.jpg", make_jpeg, "image/jpeg"),
        ("photo.jpeg", make_jpeg, "image/jpeg"),
        ("report.docx", make_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("report.doc", make_doc, "application/msword"),
    ],
)
def test_real_files_pass_every_check_and_the_real_scanner(scanner, name, make, content_type):
    content = make()
    checked = check(name, content, scanner=scanner)
    assert checked.name == name
    assert checked.extension == name.rpartition(".")[2]
    assert checked.size == len(content)
    assert checked.content_type == content_type
    assert len(checked.sha256) == 64


def test_rtf_and_text_pass_when_allowed(scanner):
    rtf = rb"{\rtf1\ansi Hello}"
    assert check("letter.rtf", rtf, scanner=scanner, allowed=["rtf"]).content_type == "application/rtf"
    text = "Caseworker’s notes\n".encode()
    assert check("notes.txt", text, scanner=scanner, allowed=["txt"]).content_type == "text/plain"


def test_the_clients_content_type_is_ignored_and_the_name_is_only_a_display_name(scanner):
    checked = check(
        "C:\\Users\\parent\\Scan.PDF", make_pdf(), scanner=scanner, content_type="application/x-msdownload"
    )
    assert checked.content_type == "application/pdf"
    assert checked.extension == "pdf"
    assert checked.name == "Scan.PDF"


def test_a_file_exactly_at_the_limit_is_accepted(scanner):
    content = make_pdf().ljust(MB, b"\n")
    assert check("advice.pdf", content, scanner=scanner, max_bytes=MB).size == MB


# Refused before the scanner -----------------------------------------------------------------------------


def test_an_extension_not_allowed_is_refused_with_the_accepted_list(scanner):
    refused = refusal("letter.rtf", rb"{\rtf1 Hello}", scanner=scanner)
    assert (
        refused.message
        == "[rtf] is not an accepted extension. Accepted extensions: jpg, png, doc, docx, pdf, jpeg"
    )
    assert refused.code == "extension"


def test_a_file_with_no_extension_is_refused(scanner):
    refused = refusal("README", b"hello", scanner=scanner)
    assert refused.message.endswith("Accepted extensions: jpg, png, doc, docx, pdf, jpeg")


def test_an_empty_file_is_refused(scanner):
    assert refusal("advice.pdf", b"", scanner=scanner).message == "The selected file is empty"


def test_a_file_over_the_limit_is_refused_with_the_limit_in_mb(scanner):
    content = make_pdf().ljust(15 * MB + 1, b"\n")
    refused = refusal("advice.pdf", content, scanner=scanner)
    assert refused.message == "The selected file must be smaller than 15MB"


def test_the_limit_in_the_message_is_rounded_down():
    refused = refusal("advice.pdf", make_pdf().ljust(MB, b"\n"), scanner=None, max_bytes=MB // 2 + 1)
    assert refused.message == "The selected file must be smaller than 0.5MB"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("advice.pdf", b"\x7fELF\x02\x01\x01\x00" + bytes(56)),
        ("advice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56)),
        ("photo.jpg", make_png()),
        ("drawing.png", make_pdf()),
        ("report.doc", make_pdf()),
        ("report.docx", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56)),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(scanner, name, content):
    refused = refusal(name, content, scanner=scanner)
    extension = name.rpartition(".")[2]
    assert refused.message == f"The selected file's content does not match its .{extension} extension"


def test_a_zip_that_is_not_a_word_document_is_refused_as_a_mismatch(scanner):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    refused = refusal("report.docx", buffer.getvalue(), scanner=scanner)
    assert refused.message == "The selected file's content does not match its .docx extension"


@pytest.mark.parametrize("content", [b"notes\x00with a NUL", b"\xff\xfenot UTF-8"])
def test_text_must_be_utf8_with_no_nul_bytes(scanner, content):
    refused = refusal("notes.txt", content, scanner=scanner, allowed=["txt"])
    assert refused.message == "The selected file's content does not match its .txt extension"


@pytest.mark.parametrize(
    "docx",
    [
        pytest.param(lambda: make_docx(extra={"word/media/zeros.bin": 200 * MB}), id="200MB-of-zeros"),
        pytest.param(lambda: make_docx(extra={"word/media/zeros.bin": 10 * MB}), id="ratio-over-100"),
        pytest.param(lambda: make_docx(entries=1000), id="over-1000-entries"),
    ],
)
def test_a_zip_bomb_named_docx_is_refused(scanner, docx):
    content = docx()
    assert len(content) < MB  # small on disk and in the upload
    refused = refusal("report.docx", content, scanner=scanner)
    assert refused.message == NOT_CHECKED
    assert refused.code == "unsafe_archive"


# The scanner ---------------------------------------------------------------------------------------------


def test_the_eicar_test_file_is_refused_as_a_virus(scanner):
    refused = refusal("notes.txt", eicar(), scanner=scanner, allowed=["txt"])
    assert refused.message == "The selected file contains a virus"
    assert refused.code == "virus"


def test_clamscan_names_the_signature_it_found(scanner):
    result = scanner.scan(file=SimpleUploadedFile("notes.txt", eicar()))
    assert not result.clean
    assert result.detail == "eicar.txt.UNOFFICIAL"
    assert scanner.scan(file=SimpleUploadedFile("notes.txt", b"clean")).clean


@pytest.mark.parametrize("database", ["missing.hdb", "empty-folder"])
def test_a_scanner_without_a_database_refuses_the_upload(tmp_path, database):
    (tmp_path / "empty-folder").mkdir()
    broken = ClamAVScanner(database=tmp_path / database)
    with pytest.raises(ScannerError):
        broken.scan(file=SimpleUploadedFile("advice.pdf", make_pdf()))
    refused = refusal("advice.pdf", make_pdf(), scanner=broken)
    assert refused.message == NOT_SCANNED
    assert refused.code == "scanner_error"


def test_a_missing_clamscan_refuses_the_upload(signatures, tmp_path):
    missing = ClamAVScanner(database=signatures, binary=str(tmp_path / "clamscan"))
    assert refusal("advice.pdf", make_pdf(), scanner=missing).message == NOT_SCANNED


def test_a_scan_that_takes_too_long_refuses_the_upload(signatures, tmp_path):
    # Not a stand-in for ClamAV: a binary that never answers, to show the timeout is enforced.
    stuck = tmp_path / "clamscan"
    stuck.write_text("#!/bin/sh\nexec sleep 10\n")
    stuck.chmod(0o755)
    started = time.monotonic()
    refused = refusal("advice.pdf", make_pdf(), scanner=ClamAVScanner(binary=str(stuck), timeout=0.2))
    assert refused.message == NOT_SCANNED
    assert time.monotonic() - started < 5


def test_get_scanner_uses_the_settings(settings, signatures):
    settings.UPLOAD_SCANNER = "core.scanning.ClamAVScanner"
    settings.CLAMAV_DATABASE = signatures
    found = get_scanner()
    assert isinstance(found, ClamAVScanner)
    assert found.database == signatures
    refused = refusal("notes.txt", eicar(), scanner=None, allowed=["txt"])
    assert refused.code == "virus"
    assert check("advice.pdf", make_pdf(), scanner=None).content_type == "application/pdf"


def test_the_database_can_come_from_the_environment(settings, signatures, monkeypatch):
    settings.CLAMAV_DATABASE = ""
    monkeypatch.setitem(os.environ, "CLAMAV_DATABASE", signatures)
    assert ClamAVScanner().database == signatures


def test_an_allowed_type_with_no_content_check_is_refused_without_breaking_the_others(scanner, caplog):
    allowed = ["pdf", "exe"]
    refused = refusal("tool.exe", b"MZ\x90\x00", scanner=scanner, allowed=allowed)
    assert refused.message == NOT_CHECKED
    assert "no content check" in caplog.text
    assert check("advice.pdf", make_pdf(), scanner=scanner, allowed=allowed).extension == "pdf"
