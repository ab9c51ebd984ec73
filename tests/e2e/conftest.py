"""Browser tests: Debian's chromium driven by Playwright, against a live server on this machine, with an
axe-core check on every page visited. Playwright never downloads a browser."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread

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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def live_server_port(django_db_setup, django_db_blocker):
    """A real HTTP server in a thread, on the test database, for one module's browser tests.

    Not pytest-django's live_server: its transactional flush would empty the public tables (councils,
    domains, identities) after every test. Data a browser test needs is committed, and made unique.
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
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


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
