"""Browser tests: Debian's chromium driven by Playwright, against a live server on this machine, with an
axe-core check on every page visited, and on each one a check that the page came with a
Content-Security-Policy and that the browser refused nothing under it. Playwright never downloads a
browser."""

from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
_axe = Axe()
# Each document records what its Content-Security-Policy made the browser refuse (the standard
# securitypolicyviolation event), before any of the page's own script runs.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const what = event.blockedURI || "inline";
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.effectiveDirective} refused ${what} at ${where}`);
});
"""


@dataclass
class Watched:
    """What the browser said about one page: console lines about the policy, and the last document it
    loaded into the main frame."""

    refused: list[str] = field(default_factory=list)
    document: Response | None = None


_watched: dict[Page, Watched] = {}


def _on_console(message: ConsoleMessage) -> None:
    text = message.text
    if message.page is not None and ("Content Security Policy" in text or text.startswith("Refused to")):
        _watched.setdefault(message.page, Watched()).refused.append(text)


def _on_response(response: Response) -> None:
    request = response.request
    frame = request.frame
    html = (response.header_value("content-type") or "").startswith("text/html")
    redirect = 300 <= response.status < 400
    if request.is_navigation_request() and frame.parent_frame is None and html and not redirect:
        _watched.setdefault(frame.page, Watched()).document = response


def watch(context: BrowserContext) -> BrowserContext:
    context.add_init_script(CSP_LISTENER)
    context.on("console", _on_console)
    context.on("response", _on_response)
    context.on("page", _track)
    return context


def _track(page: Page) -> None:
    _watched.setdefault(page, Watched())
    page.on("close", lambda closed: _watched.pop(closed, None))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser(browser):
    """Every context a test opens, pytest-playwright's own included, is watched for the policy."""
    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(**kwargs):
        return watch(new_context(**kwargs))

    def watched_page(**kwargs):
        page = new_page(**kwargs)
        watch(page.context)
        _track(page)
        return page

    browser.new_context, browser.new_page = watched_context, watched_page
    return browser


@pytest.fixture(scope="module")
def live_server_port(django_db_setup, django_db_blocker, demo_seeded):
    """A real HTTP server in a thread, on the test database, for one module's browser tests.

    Not pytest-django's live_server: its transactional flush would empty the public tables (councils,
    domains, identities) after every test. Data a browser test needs is committed, and made unique;
    the journeys walk the demo's story, so the demo is seeded (once, committed) first.
    """
    with django_db_blocker.unblock():
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=None, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        yield server.port
        server.terminate()


@pytest.fixture
def url(live_server_port):
    """``url("oxfordshire", "/contact")`` -> http://oxfordshire.localhost:PORT/contact"""

    def make(host: str, path: str = "/") -> str:
        domain = "localhost" if host == "public" else f"{host}.localhost"
        return f"http://{domain}:{live_server_port}{path}"

    return make


def assert_accessible(page) -> None:
    # A click that follows a link returns before the next page has loaded: read the page once it has its
    # main landmark, never a blank document in the middle of navigating (seen under load).
    page.locator("main").first.wait_for(state="attached")
    page.wait_for_load_state()
    assert_content_security_policy(page)
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    # axe itself adds a <style> element on some pages, which the policy rightly refuses: what was
    # refused while axe ran is the test's doing, not the page's. (Its console lines arrive before
    # evaluate returns: they come over the same connection, in order.)
    _forget_refusals(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def _forget_refusals(page) -> None:
    page.evaluate("window.__cspViolations = []")
    _watched[page].refused.clear()


def assert_content_security_policy(page) -> None:
    """The page came with a strict Content-Security-Policy (no inline script or eval allowed) and the
    browser refused nothing under it, on this page or any page since the last check."""
    watched = _watched.get(page)
    assert watched is not None, "a page from a context the browser fixture did not open"
    document = watched.document
    assert document is not None, f"{page.url}: no document was loaded"
    policy = document.header_value("content-security-policy")
    assert policy, f"{document.url} answered without a Content-Security-Policy"
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, policy
    assert "'unsafe-inline'" not in script_src, policy
    assert "'unsafe-eval'" not in script_src, policy
    in_document = page.evaluate("window.__cspViolations || []")
    refused, watched.refused = watched.refused + in_document, []
    assert not refused, f"{page.url}: the Content-Security-Policy refused {refused}"


@pytest.fixture
def visit(page):
    """Open a URL, check it answered as expected, and check the page with axe."""

    def go(address: str, status: int = 200):
        response = page.goto(address)
        assert response is not None
        assert response.status == status, f"{address} answered {response.status}"
        assert_accessible(page)
        return page

    return go
