"""Every page of issue 2, in two councils and on the platform host, with zero axe violations."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import FOOTER_LINKS, CouncilSite

# django_db: the database is set up for this module; the pages are served by a live server thread.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

COUNCILS = [
    ("oxfordshire", "Oxfordshire County Council", "#00594f", "send secure messages to your SEN Officer"),
    ("hertfordshire", "Hertfordshire County Council", "#4a2c6d", "read messages from the SEND team"),
]


@pytest.mark.parametrize(("schema", "name", "colour", "messaging"), COUNCILS)
def test_council_home_and_footer_pages(visit, url, page, schema, name, colour, messaging):
    site = CouncilSite(visit(url(schema)))
    site.expect_branded_as(name=name, colour=colour)
    expect(site.heading()).to_have_text("Education, Health and Care needs assessments and plans")
    expect(page.get_by_text(messaging)).to_be_visible()
    expect(site.start_button()).to_be_visible()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    expect(page.get_by_role("link", name="Register", exact=True)).to_be_visible()

    for label, heading in FOOTER_LINKS.items():
        site.follow_footer_link(label)
        expect(site.heading()).to_contain_text(heading)
        site.expect_branded_as(name=name, colour=colour)
        page.go_back()


def test_contact_page_lists_oxfordshires_area_teams(visit, url, page):
    visit(url("oxfordshire", "/contact"))
    for team in ("SEN North Team", "SEN South Team", "SEN Central Team"):
        expect(page.get_by_text(team)).to_be_visible()
    expect(page.get_by_role("link", name="SENNorthTeam@Oxfordshire.gov.uk")).to_have_attribute(
        "href", "mailto:SENNorthTeam@Oxfordshire.gov.uk"
    )


def test_skip_link_is_the_first_thing_a_keyboard_reaches(visit, url, page):
    visit(url("hertfordshire"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()


def test_platform_page_lists_councils_and_links_to_them(visit, url, page):
    visit(url("public"))
    expect(page.get_by_role("heading", level=1)).to_have_text("EHC Portal")
    page.get_by_role("link", name="Oxfordshire County Council").click()
    expect(page).to_have_url(re.compile(r"^http://oxfordshire\.localhost:\d+/$"))
    CouncilSite(page).expect_branded_as(name="Oxfordshire County Council", colour="#00594f")


@pytest.mark.parametrize("path", ["/accessibility", "/privacy", "/cookies", "/contact"])
def test_platform_footer_pages(visit, url, page, path):
    visit(url("public", path))
    expect(page.locator(".app-council-header__name")).to_have_text("EHC Portal")


def test_unknown_host_gets_a_plain_accessible_404(visit, url, page):
    visit(url("nowhere"), status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


@pytest.mark.parametrize("schema", ["oxfordshire", "hertfordshire"])
def test_missing_page_is_a_branded_404(visit, url, page, schema):
    visit(url(schema, "/no-such-page"), status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_a_nul_byte_in_the_address_gets_a_branded_400(visit, url, page):
    # PostgreSQL refuses NUL in text: the middleware answers before any view reads it.
    visit(url("oxfordshire", "/cases/%00/"), status=400)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".app-council-header__name")).to_have_text("Oxfordshire County Council")


def test_page_works_on_a_phone(visit, url, page):
    page.set_viewport_size({"width": 375, "height": 740})
    visit(url("oxfordshire"))
    start = CouncilSite(page).start_button()
    expect(start).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("schema", ["oxfordshire", "hertfordshire"])
def test_sign_in_and_register_links_lead_to_accessible_council_pages(visit, url, page, schema):
    visit(url(schema))
    page.get_by_role("link", name="Sign in").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.locator(".app-council-header__name")).to_contain_text(schema.title())
    expect(page.get_by_text("Secure login - step 1")).to_be_visible()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    visit(url(schema))
    page.get_by_role("link", name="Register", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_label("Forename")).to_be_visible()
