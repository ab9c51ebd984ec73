"""One council never sees another's data: not through its host's pages, its admin, the ORM, the cache,
files, or a session carried across."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django_tenants.utils import schema_context

from core.models import AuditEvent, Membership
from core.roles import Role
from tenants.configuration.models import CouncilConfiguration, SupportTeam
from tests.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory, council_person

SECRET_TEAM = "Oxfordshire Private Team"


@pytest.fixture
def oxford_record(oxfordshire):
    """A record in Oxfordshire's schema: a support team, a parent's membership and an audit event."""
    with schema_context(oxfordshire.schema_name):
        team = SupportTeam.objects.create(
            configuration=CouncilConfiguration.objects.get(), name=SECRET_TEAM, email="private@oxon.example"
        )
        membership = MembershipFactory(user=UserFactory(email="oxford-parent@example.com"), role=Role.PARENT)
        event = AuditEvent.objects.create(action="test.secret", target_id="oxford-only")
    return {"team": team, "membership": membership, "event": event}


def admin_of(council):
    return council_person(f"admin@{council.schema_name}.example")


def test_record_is_in_oxfordshire_schema_only(oxfordshire, worcestershire, oxford_record):
    with schema_context(oxfordshire.schema_name):
        assert SupportTeam.objects.filter(name=SECRET_TEAM).count() == 1
        assert Membership.objects.filter(pk=oxford_record["membership"].pk).exists()
    with schema_context(worcestershire.schema_name):
        assert not SupportTeam.objects.filter(name=SECRET_TEAM).exists()
        assert not Membership.objects.filter(user__email="oxford-parent@example.com").exists()
        assert not AuditEvent.objects.filter(action="test.secret").exists()


def test_worcestershire_pages_do_not_show_it(oxford_record, oxon_client, worcs_client):
    assert SECRET_TEAM in oxon_client.get("/contact").content.decode()
    response = worcs_client.get("/contact")
    assert response.status_code == 200
    assert "Worcestershire" in response.content.decode()
    assert SECRET_TEAM not in response.content.decode()


def test_worcestershire_admin_cannot_list_or_open_it(oxford_record, worcestershire, worcs_client):
    sign_in(worcs_client, admin_of(worcestershire), worcestershire)

    changelist = worcs_client.get("/admin/core/membership/")
    assert changelist.status_code == 200
    assert "admin@worcestershire.example" in changelist.content.decode()
    assert "oxford-parent@example.com" not in changelist.content.decode()

    config = worcs_client.get("/admin/configuration/councilconfiguration/1/change/")
    assert config.status_code == 200
    assert "SEND Assessment Team" in config.content.decode()
    assert SECRET_TEAM not in config.content.decode()

    audit = worcs_client.get("/admin/core/auditevent/")
    assert "oxford-only" not in audit.content.decode()

    # Opening Oxfordshire's membership by its id finds nothing in Worcestershire's schema.
    opened = worcs_client.get(f"/admin/core/membership/{oxford_record['membership'].pk}/change/", follow=True)
    assert "oxford-parent@example.com" not in opened.content.decode()
    assert "doesn’t exist" in opened.content.decode()


def test_oxfordshire_admin_is_not_an_admin_in_worcestershire(oxfordshire, worcestershire, worcs_client):
    # Even signed in on Worcestershire's host (a real membership check, not only the session binding).
    sign_in(worcs_client, admin_of(oxfordshire), worcestershire)
    response = worcs_client.get("/admin/core/membership/", follow=True)
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()
    assert "admin@worcestershire.example" not in response.content.decode()


def test_oxfordshire_session_cookie_gives_nothing_on_worcestershire(
    oxfordshire, worcestershire, oxon_client, worcs_client
):
    sign_in(oxon_client, admin_of(oxfordshire), oxfordshire)
    assert oxon_client.get("/admin/core/membership/").status_code == 200

    worcs_client.cookies = oxon_client.cookies  # the same cookie, carried to another council's host
    response = worcs_client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous
    assert "Sign in" in response.content.decode()
    admin = worcs_client.get("/admin/core/membership/", follow=True)
    assert admin.redirect_chain[-1][0] == "/accounts/login/?next=/admin/core/membership/"


def test_savepoint_rollback_does_not_leak_search_path(oxfordshire, worcestershire, oxford_record):
    # django-tenants #1262: a rolled-back savepoint must not leave a stale search_path.
    connection.set_tenant(oxfordshire)
    try:
        with transaction.atomic():
            SupportTeam.objects.create(
                configuration=CouncilConfiguration.objects.get(), name="Rolled back", email="x@oxon.example"
            )
            raise RuntimeError
    except RuntimeError:
        pass
    connection.set_tenant(worcestershire)
    assert list(SupportTeam.objects.values_list("name", flat=True)) == ["SEND Assessment Team"]


def test_cache_keys_are_per_council(oxfordshire, worcestershire):
    with schema_context(oxfordshire.schema_name):
        cache.set("dashboard", "oxfordshire data")
    with schema_context(worcestershire.schema_name):
        assert cache.get("dashboard") is None
    with schema_context(oxfordshire.schema_name):
        assert cache.get("dashboard") == "oxfordshire data"
        cache.delete("dashboard")


def test_logo_files_are_under_each_councils_prefix(oxfordshire, worcestershire, oxon_client, worcs_client):
    with schema_context(oxfordshire.schema_name):
        oxon_logo = CouncilConfiguration.objects.get().logo.name
    with schema_context(worcestershire.schema_name):
        worcs_logo = CouncilConfiguration.objects.get().logo.name
    assert oxon_logo.startswith("oxfordshire/branding/")
    assert worcs_logo.startswith("worcestershire/branding/")
    oxon = b"".join(oxon_client.get("/branding/logo").streaming_content)
    worcs = b"".join(worcs_client.get("/branding/logo").streaming_content)
    assert b"#00594f" in oxon
    assert b"#6b1f4f" in worcs
