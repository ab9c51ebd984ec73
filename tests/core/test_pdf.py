"""PDFs (core/pdf.py): what a reader sees, read back with poppler's pdftotext, and what a PDF may load."""

import datetime
import logging
import re
import shutil
import socket
import subprocess
import time

import pytest

from core.pdf import PdfResourceRefused, PdfURLFetcher, pdf_render
from tenants.models import Council

SAMPLE = "core/pdf/sample.html"
COUNCIL_NAME = "Royal Borough of Kensington & Chelsea"
TITLE = "Request for an EHC needs assessment"
REFERENCE = "EHC-2026-00042"
# base.html's left and right page margins: text must stay inside them, not just on the paper.
SIDE_MARGIN_PT = 18 / 25.4 * 72

NAME = "Zoë Ł. O'Neill – café"
ESCAPED = 'Please ignore <script>alert("x")</script> & <b>this</b>'
LONG_WORD = "https://example.invalid/" + "a-very-long-unbroken-reference-" * 6 + "end"
SENTENCES = [
    "Zoë finds busy, noisy rooms very hard and often leaves the classroom when the noise builds up.",
    "She communicates well with adults she knows but rarely starts a conversation with other children.",
    "Her reading age is about two years behind her age, and she needs instructions broken into steps.",
    "At home she sleeps poorly before school days and is anxious about changes to her routine.",
    "The family would like a quiet space she can go to, and a key adult who checks in each morning.",
]
LONG_ANSWER = (
    " ".join(SENTENCES * 3)
    + "\n\nWe have tried visual timetables and ear defenders. "
    + " ".join(SENTENCES * 2)
)
TABLE_ROWS = [
    [
        "Speech therapy",
        "3 March 2026",
        "Report at https://example.invalid/reports/speech-and-language-2026.pdf",
    ],
    ["Educational psychology", "10 March 2026", "Visit booked"],
    ["Paediatrician", "17 March 2026", ""],
    ["Occupational therapy", "24 March 2026", "Waiting list"],
    ["CAMHS", "31 March 2026", "Declined"],
]


def sample_context(**extra) -> dict:
    return {
        "title": TITLE,
        "reference": REFERENCE,
        "produced_on": datetime.date(2026, 11, 23),
        "facts": [
            {"question": "Child's full name", "answer": NAME},
            {"question": "Anything else?", "answer": ESCAPED},
            {"question": "Preferred language", "answer": ""},
        ],
        "parts": [
            {
                "heading": "Part 1: About the child",
                "answers": [
                    {"question": "Describe the child's needs in your own words", "answer": LONG_ANSWER},
                    {"question": "School reference", "answer": LONG_WORD},
                ],
            },
            {
                "heading": "Part 2: The family's views",
                "answers": [
                    {"question": "What is working well?", "answer": "Her teaching assistant, Mr Ødegaard."},
                    {"question": "What would you like to change?", "answer": None},
                ],
            },
        ],
        "table": {
            "heading": "Part 3: Professionals involved",
            "caption": "Services that know the child",
            "columns": ["Service", "Date", "Outcome"],
            "rows": TABLE_ROWS,
        },
        **extra,
    }


def pdftotext(path, *args) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: `make pdftools` installs poppler-utils")
    result = subprocess.run(
        ["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True, timeout=10
    )
    return result.stdout


def normalise(text: str) -> str:
    return " ".join(text.split())


def body_text(layout_text: str) -> str:
    """The text without the running header and footer, which land in the middle of text that crosses a
    page."""
    header = normalise(f"{COUNCIL_NAME} {TITLE}")
    lines = [normalise(line) for line in layout_text.splitlines()]
    kept = [line for line in lines if line != header and not re.fullmatch(r"(.* )?Page \d+ of \d+", line)]
    return normalise(" ".join(kept))


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    started = time.perf_counter()
    pdf = pdf_render(template=SAMPLE, context=sample_context(), council=Council(name=COUNCIL_NAME))
    elapsed = time.perf_counter() - started
    print(f"\nSample PDF rendered in {elapsed:.3f} s ({len(pdf):,} bytes)")
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(pdf)
    return {"path": path, "bytes": pdf, "seconds": elapsed}


def test_the_sample_renders_quickly_to_a_pdf(sample_pdf):
    assert sample_pdf["bytes"].startswith(b"%PDF-")
    assert sample_pdf["seconds"] < 2, f"rendering took {sample_pdf['seconds']:.2f} s"


def test_every_answer_is_in_the_pdf(sample_pdf):
    assert len(LONG_ANSWER) >= 2000
    text = body_text(pdftotext(sample_pdf["path"], "-layout"))

    for answer in [NAME, ESCAPED, LONG_ANSWER, "Her teaching assistant, Mr Ødegaard."]:
        assert normalise(answer) in text, answer[:60]
    # A word too long for its line or cell is broken across lines, not cut off: compare without spaces.
    unspaced = "".join(text.split())
    assert LONG_WORD in unspaced
    for cell in [cell for row in TABLE_ROWS for cell in row if cell]:
        assert "".join(cell.split()) in unspaced, cell
    # Empty answers (the preferred language, what to change, one outcome) say so.
    assert text.count("No answer given") == 3


def test_html_in_an_answer_is_printed_as_text(sample_pdf):
    text = normalise(pdftotext(sample_pdf["path"], "-layout"))
    assert '<script>alert("x")</script>' in text
    assert "<b>this</b>" in text


def test_pages_carry_the_council_and_page_x_of_y(sample_pdf):
    pages = pdftotext(sample_pdf["path"], "-layout").split("\f")[:-1]
    assert len(pages) >= 2, "the sample should run over a page to exercise the running header"
    for number, page in enumerate(pages, start=1):
        assert COUNCIL_NAME in page
        assert re.search(rf"Page {number} of {len(pages)}\b", page), page[-300:]
    assert "Page 1 of" in pages[0]
    assert REFERENCE in pages[-1]


def test_all_text_stays_inside_the_a4_page_margins(sample_pdf):
    bbox = pdftotext(sample_pdf["path"], "-bbox")
    sizes = set(re.findall(r'<page width="([\d.]+)" height="([\d.]+)"', bbox))
    assert sizes == {("595.275591", "841.889764")}, "A4 in points"
    page_width = 595.275591
    for x_min, x_max in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox):
        assert float(x_min) >= SIDE_MARGIN_PT - 1
        assert float(x_max) <= page_width - SIDE_MARGIN_PT + 1


def test_a_remote_image_is_refused_without_touching_the_network(tmp_path, monkeypatch, caplog):
    attempts = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise OSError("the network is off limits in this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    context = sample_context(council_name=COUNCIL_NAME, logo_url="http://example.invalid/x.png")

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = pdf_render(template=SAMPLE, context=context)

    assert attempts == []
    assert "http://example.invalid/x.png" in caplog.text
    assert "PdfResourceRefused" in caplog.text
    path = tmp_path / "remote.pdf"
    path.write_bytes(pdf)
    text = normalise(pdftotext(path, "-layout"))
    assert COUNCIL_NAME in text
    assert NAME in text


def test_only_data_urls_and_build_static_files_load(tmp_path, settings, caplog):
    settings.BASE_DIR = tmp_path
    static = tmp_path / "build" / "static"
    static.mkdir(parents=True)
    (static / "allowed.css").write_text('.pdf-title-block__title::after { content: " STATIC-CSS-LOADED"; }')
    secret = tmp_path / "secret.css"
    secret.write_text('main::before { content: "SECRET-CSS-LOADED"; }')
    (static / "link.css").symlink_to(secret)
    refused = [
        secret.as_uri(),
        f"{static.as_uri()}/../../secret.css",
        f"{static.as_uri()}/link.css",
        "file:///etc/passwd",
    ]
    data_css = 'data:text/css,main::after { content: "DATA-CSS-LOADED"; }'
    context = sample_context(council_name=COUNCIL_NAME, stylesheet_urls=["allowed.css", data_css, *refused])

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = pdf_render(template=SAMPLE, context=context)

    path = tmp_path / "styles.pdf"
    path.write_bytes(pdf)
    text = normalise(pdftotext(path, "-layout"))
    assert "STATIC-CSS-LOADED" in text
    assert "DATA-CSS-LOADED" in text
    assert "SECRET-CSS-LOADED" not in text
    assert caplog.text.count("PdfResourceRefused") == len(refused)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/x.png",
        "https://example.invalid/x.css",
        "ftp://example.invalid/x.css",
        "file:///etc/passwd",
        "file://example.invalid/etc/passwd",
        "javascript:alert(1)",
    ],
)
def test_the_fetcher_refuses(url, tmp_path):
    with pytest.raises(PdfResourceRefused):
        PdfURLFetcher(static_root=tmp_path).fetch(url)
