"""Every host serves its pages: branded council pages, the platform's page, health, and plain 404s."""

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from tenants.configuration.models import CouncilConfiguration, SupportTeam
from tenants.models import Council, Domain
from tests.conftest import host_client

FOOTER_PAGES = {
    "/accessibility": "Accessibility statement",
    "/privacy": "Privacy notice",
    "/cookies": "Cookies",
    "/contact": "Contact",
}


@pytest.mark.parametrize(
    ("schema", "name", "colour"),
    [
        ("oxfordshire", "Oxfordshire County Council", "#00594f"),
        ("hertfordshire", "Hertfordshire County Council", "#4a2c6d"),
        ("worcestershire", "Worcestershire Children First", "#6b1f4f"),
        ("nelincs", "North East Lincolnshire Council", "#005a8c"),
    ],
)
def test_council_home_is_branded(db, schema, name, colour):
    response = host_client(schema).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<span class="app-council-header__name">{name}</span>' in html
    assert f"--app-brand-colour: {colour};" in html
    assert 'src="/branding/logo?v=' in html
    assert "Education, Health and Care Needs Assessment" in html
    assert 'href="/accounts/login/"' in html
    assert 'href="/accounts/register/"' in html
    for path, label in FOOTER_PAGES.items():
        assert f'href="{path}">{label}' in html


def test_no_crown_and_no_gds_transport(db):
    html = host_client("oxfordshire").get("/").content.decode()
    assert "govuk-header__logotype" not in html
    assert "crown" not in html.lower()
    assert "govuk/assets/images" not in html  # GOV.UK's favicon and icons are the crown
    assert '<link rel="icon" href="/static/favicon.svg"' in html


def test_compiled_stylesheet_has_no_gds_transport():
    css = (settings.BASE_DIR / "build" / "static" / "app.css").read_text()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "system-ui" in css


@pytest.mark.parametrize("path", FOOTER_PAGES)
@pytest.mark.parametrize("schema", ["oxfordshire", "hertfordshire", "public"])
def test_footer_pages_are_real_pages(db, schema, path):
    response = host_client(schema).get(path)
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{FOOTER_PAGES[path]}' in response.content.decode()


def test_contact_page_lists_the_councils_teams(db):
    html = host_client("oxfordshire").get("/contact").content.decode()
    for team in ("SEN North Team", "SEN South Team", "SEN Central Team"):
        assert team in html
    assert "SENNorthTeam@Oxfordshire.gov.uk" in html


def test_home_page_follows_messaging_rules(db):
    assert "send secure messages to your SEN Officer" in host_client("oxfordshire").get("/").content.decode()
    herts = host_client("hertfordshire").get("/").content.decode()
    assert "send secure messages" not in herts
    assert "read messages from the SEND team" in herts


def test_configuration_change_shows_on_next_request(oxfordshire):
    client = host_client("oxfordshire")
    with schema_context(oxfordshire.schema_name):
        CouncilConfiguration.objects.filter(pk=1).update(brand_colour="#0b0c0c", caseworker_title="Keyworker")
    html = client.get("/").content.decode()
    assert "--app-brand-colour: #0b0c0c;" in html
    assert "send secure messages to your Keyworker" in html


def test_platform_host_lists_the_councils(db):
    response = host_client("public").get("/", SERVER_PORT="8000")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Councils using EHC Portal" in html
    assert 'href="http://oxfordshire.localhost:8000/">Oxfordshire County Council' in html
    assert 'href="http://nelincs.localhost:8000/">North East Lincolnshire Council' in html
    assert ">Sign in</a>" not in html  # no council to sign in to here...
    # ...but health professionals sign in for their requests for advice in every council
    assert 'href="/accounts/login/?next=/health/">see your requests for advice in every council' in html


def test_unknown_host_is_a_plain_404(db):
    response = host_client("nowhere").get("/", HTTP_HOST="nowhere.localhost")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no council portal at this address" in html
    assert "Oxfordshire" not in html


def test_unknown_page_on_a_council_is_a_branded_404(db):
    response = host_client("oxfordshire").get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Oxfordshire County Council" in response.content.decode()


def test_disallowed_host_is_a_404_not_a_crash(db):
    response = host_client("public").get("/", HTTP_HOST="evil.example.com")
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("schema", ["oxfordshire", "public"])
def test_healthz_answers_on_every_host(db, schema):
    response = host_client(schema).get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_logo_is_served_safely(db):
    response = host_client("hertfordshire").get("/branding/logo")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


# Query counts: a page's queries do not grow with the data on it.


def test_council_home_query_count(db, assert_queries):
    client = host_client("oxfordshire")
    client.get("/")  # warm up anything lazily loaded once per process
    # 1 domain and council (routing), 1 configuration.
    with assert_queries(2):
        assert client.get("/").status_code == 200


def test_contact_page_query_count_does_not_grow_with_teams(oxfordshire, assert_queries):
    client = host_client("oxfordshire")
    client.get("/contact")
    with assert_queries(3):  # routing, configuration, teams
        client.get("/contact")
    with schema_context(oxfordshire.schema_name):
        config = CouncilConfiguration.objects.get()
        SupportTeam.objects.bulk_create(
            SupportTeam(configuration=config, name=f"Team {n}", email=f"team{n}@oxon.example")
            for n in range(20)
        )
    with assert_queries(3):
        html = client.get("/contact").content.decode()
    assert "Team 19" in html


def test_platform_page_query_count_does_not_grow_with_councils(db, assert_queries):
    client = host_client("public")
    # 1 routing, 1 councils, 1 their primary domains: the same for four councils as for fourteen.
    with assert_queries(3):
        client.get("/")
    for n in range(10):
        council = Council(schema_name=f"extra{n}", name=f"Extra Council {n}", short_name=f"Extra {n}")
        council.auto_create_schema = False  # rows only: this page reads no council schema
        council.save()
        Domain.objects.create(domain=f"extra{n}.localhost", tenant=council, is_primary=True)
    with assert_queries(3):
        html = client.get("/").content.decode()
    assert "Extra Council 9" in html
