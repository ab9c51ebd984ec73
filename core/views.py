"""Pages every host serves: the council's start page, the footer's pages and errors (the probes are
config/cluster.py's, answered before host routing)."""

import mimetypes

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

SAFE_LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


@require_GET
def accessibility(request):
    return render(request, "core/pages/accessibility.html")


@require_GET
def privacy(request):
    return render(request, "core/pages/privacy.html")


@require_GET
def cookies(request):
    return render(request, "core/pages/cookies.html")


@require_GET
def contact(request):
    teams = list(request.council_config.teams.all()) if hasattr(request, "council_config") else []
    return render(request, "core/pages/contact.html", {"teams": teams})


@require_GET
def council_logo(request):
    """The council's logo: public branding, served from the council's own storage prefix."""
    logo = request.council_config.logo
    if not logo:
        raise Http404("No logo")
    extension = logo.name.rsplit(".", 1)[-1].lower()
    content_type = SAFE_LOGO_TYPES.get(extension) or mimetypes.guess_type(logo.name)[0]
    if content_type not in SAFE_LOGO_TYPES.values():
        raise Http404("No logo")
    response = FileResponse(logo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    # An SVG opened directly must not run script, nor be framed.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def bad_request(request, exception=None):
    return render(request, "core/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "core/403.html", status=403)


def too_many_requests(request, exception=None):
    return render(request, "core/429.html", status=429)


def page_not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


def server_error(request):
    # No request context: the failure may be the database the context processors read. The nonce
    # (django-csp's, made without the database) lets the page's own inline style and script run.
    nonce = getattr(request, "csp_nonce", "")
    html = loader.get_template("core/500.html").render(
        {"site_title": "EHC Portal", "brand_colour": "#0b0c0c", "CSP_NONCE": nonce}
    )
    return HttpResponse(html, status=500)
