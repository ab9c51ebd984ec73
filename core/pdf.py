"""PDFs of forms, decisions and plans: a Django template rendered to HTML, then to PDF by WeasyPrint.

``pdf_render`` takes only a template name and plain data and returns bytes, with no request and no
database access of its own, so it runs the same in a view, a command or a Celery task (ARCHITECTURE.md
6: PDF rendering is work that may wait). The caller fetches and checks what goes into the context.

A PDF never reaches the network and never reads arbitrary files: every stylesheet, image and font
URL in a document goes through ``PdfURLFetcher``, which serves ``data:`` URLs and files under
``build/static`` and refuses everything else. WeasyPrint then logs the refusal and leaves the
resource out (an image shows its alt text), so a bad URL in content cannot stop a PDF being made.
Templates refer to static files with URLs relative to build/static (``govuk/assets/images/x.png``),
not with ``{% static %}``, whose ``/static/`` URLs only mean something to a web server.

Templates extend ``core/pdf/base.html`` (A4, running header with the council's name, "Page X of Y").
"""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class PdfResourceRefused(ValueError):
    """A document asked for a URL a PDF may not load."""


def pdf_static_root() -> Path:
    return (Path(settings.BASE_DIR) / "build" / "static").resolve()


class PdfURLFetcher(URLFetcher):
    """Serves ``data:`` URLs and regular files under ``static_root``; refuses every other URL.

    Refusing means raising before any handler runs, so an http(s) or ftp URL never gets as far as a
    DNS look-up, and a file URL is resolved (``..`` and symlinks included) before it is checked.
    """

    def __init__(self, *, static_root: Path) -> None:
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False)
        self.static_root = static_root.resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._static_file(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
        raise PdfResourceRefused(f"PDFs load no {scheme or 'relative'} URLs: {url[:200]}")

    def _static_file(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise PdfResourceRefused(f"PDFs load no files from other hosts: {url[:200]}")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.static_root) or not path.is_file():
            raise PdfResourceRefused(f"PDFs load files only from {self.static_root}: {url[:200]}")
        return path


def pdf_render(*, template: str, context: dict, council=None) -> bytes:
    """Render ``template`` with ``context`` to a PDF.

    ``council`` (a ``tenants.Council``) supplies ``council_name`` for the running header unless the
    context already has one.
    """
    context = dict(context)
    if council is not None:
        context.setdefault("council_name", council.name)
    html = render_to_string(template, context)
    static_root = pdf_static_root()
    document = HTML(
        string=html,
        base_url=static_root.as_uri() + "/",
        url_fetcher=PdfURLFetcher(static_root=static_root),
    )
    # PDF/UA-1: a tagged PDF (headings, tables, lists, reading order) that screen readers can follow, as
    # the public sector accessibility regulations expect of documents; it costs nothing measurable here.
    return document.write_pdf(pdf_variant="pdf/ua-1")
