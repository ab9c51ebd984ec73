"""Response headers on every page of both URL tables (ASVS 5.0 chapter 3, web frontend security): a strict
Content-Security-Policy whose nonce is the only way an inline script or style runs, `Cache-Control:
private, no-store` on whatever a signed-in person is shown and on the sign-in pages, and the other
browser protections (framing, sniffing, referrer, opener, powerful features, cookie flags)."""

import datetime
import re
import uuid

import pytest
from csp.middleware import CSPMiddleware
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django_tenants.utils import schema_context

from core.roles import Role
from core.views import server_error
from ehc.models import Case
from tenants.models import Council
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory, council_person
from tests.test_staff_pages_guarded import staff_patterns

TENANT_ROUTES = staff_patterns(("",))
PLATFORM_ROUTES = staff_patterns(("",), urlconf="config.urls_public")
ARGUMENTS = {
    "pk": "1",
    "other_pk": "1",
    "file_id": "1",
    "slug": "parent",
    "page": "part1",
    "token": "not-a-token",
    "object_id": "1",
    "section": "B",
    "number": "1",
}
ARGUMENTS |= {"content_type_id": "1", "uidb36": "1", "key": "not-a-key", "url": "nowhere/"}
# Responses a view marks public on purpose: the same bytes for everyone, nothing about the viewer.
PUBLIC_ON_PURPOSE = {"council-logo"}
# Pages a signed-out visitor may have cached: no session, nothing personal.
CACHEABLE_WHEN_SIGNED_OUT = {"home", "accessibility", "privacy", "cookies", "contact"}


def test_the_tables_were_read():
    assert len(TENANT_ROUTES) >= 100
    names = {name for name, _ in TENANT_ROUTES} | {name for name, _ in PLATFORM_ROUTES}
    expected = {"case_page", "request_pdf", "account_login", "account_sign_in_code", "index"}
    assert expected | {"hub_everywhere"} <= names


def fill(route: str, reference: str) -> str:
    """A path for a route of either table: path converters and the admin's and allauth's regexes."""
    path = route.replace("<str:reference>", reference).replace("^", "").replace("$", "")
    path = re.sub(r"<\w+:(\w+)>", lambda m: ARGUMENTS[m.group(1)], path)
    path = re.sub(r"\(\?P<app_label>(\w+)[^)]*\)", r"\1", path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: ARGUMENTS[m.group(1)], path)
    return "/" + path


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b([^>]*)>", re.IGNORECASE)
# Markup a strict policy refuses whatever its nonce: style attributes, event handlers, javascript: URLs.
REFUSED_MARKUP = re.compile(r"""\sstyle=["']|\son[a-z]+=["']|["']javascript:""", re.IGNORECASE)


def csp_problems(path: str, response) -> list[str]:
    directives = policy(response)
    if not directives:
        return [f"{path}: no Content-Security-Policy"]
    script_src = directives.get("script-src", directives.get("default-src", []))
    unsafe = [word for word in ("'unsafe-inline'", "'unsafe-eval'") if word in script_src]
    problems = [f"{path}: script-src allows {word}" for word in unsafe]
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"{path}: may be framed ({response['Content-Security-Policy']})")
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        nonces = {source for source in script_src if source.startswith("'nonce-")}
        allowed = {f'nonce="{source[7:-1]}"' for source in nonces}
        for tag in INLINE_SCRIPT.findall(html) + INLINE_STYLE.findall(html):
            if "application/json" not in tag and not any(nonce in tag for nonce in allowed):
                problems.append(f"{path}: an inline script or style without the response's nonce: {tag!r}")
        problems += [f"{path}: {found!r}" for found in REFUSED_MARKUP.findall(html)]
    return problems


@pytest.fixture
def case(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        return Case.objects.create(
            reference=f"CASE-H{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Headed",
            child_last_name="Child",
            received_on=datetime.date(2026, 9, 1),
        )


@pytest.fixture
def everyone(oxfordshire):
    """An identity who is a caseworker and the council admin in Oxfordshire, a health professional,
    and a platform operator: the most pages answer 200 to them."""
    cache.clear()
    user = UserFactory(email=f"headers-{uuid.uuid4().hex[:8]}@example.com", is_staff=True, is_superuser=True)
    with schema_context(oxfordshire.schema_name):
        for role in (Role.CASEWORKER, Role.COUNCIL_ADMIN, Role.HEALTH_PROFESSIONAL):
            MembershipFactory(user=user, role=role)
    return user


def walk(client, routes, reference):
    """GET every route. A 500 page must carry the headers too, and one request that breaks the
    database transaction (a 500 that is another fix's business) must not break those after it."""
    client.raise_request_exception = False
    for name, route in routes:
        path = fill(route, reference)
        savepoint = transaction.savepoint()
        response = client.get(path)
        try:
            transaction.savepoint_commit(savepoint)
        except DatabaseError:
            transaction.savepoint_rollback(savepoint)
        yield name, path, response


def test_every_page_has_a_strict_content_security_policy(everyone, oxfordshire, case):
    platform = Council.objects.get(schema_name="public")
    clients = [
        (host_client("oxfordshire"), TENANT_ROUTES),
        (sign_in(host_client("oxfordshire"), everyone, oxfordshire), TENANT_ROUTES),
        (host_client("public"), PLATFORM_ROUTES),
        (sign_in(host_client("public"), everyone, platform), PLATFORM_ROUTES),
    ]
    problems, statuses = [], []
    for client, routes in clients:
        for _, path, response in walk(client, routes, case.reference):
            statuses.append(response.status_code)
            problems += csp_problems(path, response)
    assert not problems, "\n".join(problems)
    assert statuses.count(200) >= 100  # the pages themselves were read, not only refusals


def test_an_unknown_host_and_the_error_pages_have_the_policy_too(oxfordshire):
    unknown = host_client("nowhere.localhost").get("/", HTTP_HOST="nowhere.localhost")
    assert unknown.status_code == 404
    assert policy(unknown)["script-src"] == ["'self'"]
    assert unknown["X-Content-Type-Options"] == "nosniff"
    assert unknown["Referrer-Policy"] == "same-origin"
    assert "camera=()" in unknown["Permissions-Policy"]
    missing = host_client("oxfordshire").get("/no-such-page/")
    assert missing.status_code == 404
    assert not csp_problems("/no-such-page/", missing)


def test_the_500_page_keeps_its_inline_style_and_script(rf):
    request = rf.get("/")
    middleware = CSPMiddleware(server_error)
    response = middleware(request)
    assert response.status_code == 500
    assert not csp_problems("500", response)
    assert "'nonce-" in response["Content-Security-Policy"]


def test_the_logo_keeps_its_own_sandbox(oxfordshire):
    response = host_client("oxfordshire").get("/branding/logo")
    assert response.status_code == 200
    assert policy(response) == {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "sandbox": [],
        "frame-ancestors": ["'none'"],
    }


def test_nothing_a_signed_in_person_is_shown_is_stored(everyone, oxfordshire, case):
    platform = Council.objects.get(schema_name="public")
    clients = [
        (sign_in(host_client("oxfordshire"), everyone, oxfordshire), TENANT_ROUTES),
        (sign_in(host_client("public"), everyone, platform), PLATFORM_ROUTES),
    ]
    stored = []
    for client, routes in clients:
        for name, path, response in walk(client, routes, case.reference):
            expected = {"public"} if name in PUBLIC_ON_PURPOSE else {"private", "no-store"}
            if not expected <= cache_control(response):
                stored.append(f"{path} ({response.status_code}): {response.get('Cache-Control')}")
    assert not stored, "\n".join(stored)


def test_the_request_pdf_is_not_stored(oxfordshire):
    parent = UserFactory(email=f"pdf-{uuid.uuid4().hex[:8]}@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=parent, role=Role.PARENT)
    client = sign_in(host_client("oxfordshire"), parent, oxfordshire)
    started = client.post("/ehc-needs-assessment/parent/")
    assert started.status_code == 302
    pdf = client.get(started["Location"].rsplit("/", 2)[0] + "/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= cache_control(pdf)


def test_sign_in_pages_are_not_stored_and_public_pages_may_be(oxfordshire):
    visitor = host_client("oxfordshire")
    for path in ("/accounts/login/", "/accounts/register/", "/accounts/password/reset/"):
        response = visitor.get(path)
        assert response.status_code == 200, path
        assert {"private", "no-store"} <= cache_control(response), path
    for name, route in TENANT_ROUTES:
        if name in CACHEABLE_WHEN_SIGNED_OUT:
            response = host_client("oxfordshire").get(fill(route, ""))
            assert response.status_code == 200
            assert "no-store" not in cache_control(response), route
    assert "no-store" not in cache_control(host_client("oxfordshire").get("/static/app.css"))


def test_the_code_page_after_a_right_password_is_not_stored(oxfordshire):
    """Half signed in (password right, code not yet given): the session holds the sign-in, and the page
    that asks for the code is not stored."""
    cache.clear()
    council_person("caseworker@oxfordshire.example")
    client = host_client("oxfordshire")
    signed = client.post(
        "/accounts/login/", {"login": "caseworker@oxfordshire.example", "password": "Demo-Password-2026"}
    )
    assert signed.status_code == 302
    assert {"private", "no-store"} <= cache_control(signed)
    code_page = client.get(signed["Location"])
    assert code_page.status_code == 200
    assert {"private", "no-store"} <= cache_control(code_page)


def test_other_browser_protections(oxfordshire):
    client = host_client("oxfordshire")
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"]
    assert csrf["samesite"] == "Lax"
    cache.clear()
    council_person("caseworker@oxfordshire.example")
    client.post(
        "/accounts/login/", {"login": "caseworker@oxfordshire.example", "password": "Demo-Password-2026"}
    )
    session = client.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


def test_signing_out_clears_what_the_browser_kept(oxfordshire):
    person = UserFactory(email=f"out-{uuid.uuid4().hex[:8]}@example.com")
    client = sign_in(host_client("oxfordshire"), person, oxfordshire)
    signed_out = client.post("/accounts/logout/")
    assert signed_out.status_code == 302
    assert signed_out["Clear-Site-Data"] == '"cache", "storage"'
    assert {"private", "no-store"} <= cache_control(signed_out)
    assert "Clear-Site-Data" not in host_client("oxfordshire").get("/accounts/login/")
