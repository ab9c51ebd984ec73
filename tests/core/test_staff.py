"""Council admins invite staff; staff set a password from the emailed link and sign in with a code."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.models import AuditEvent, Membership
from core.roles import Role
from tests.conftest import host_client, sign_in
from tests.mail import emails_to, last_code


@pytest.fixture
def admin_client(oxfordshire):
    cache.clear()
    admin = get_user_model().objects.get(email="admin@oxfordshire.example")
    return sign_in(host_client("oxfordshire"), admin, oxfordshire)


def test_only_council_admins_see_staff_pages(oxfordshire, worcestershire):
    caseworker = get_user_model().objects.get(email="caseworker@oxfordshire.example")
    client = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
    assert client.get("/staff/").status_code == 403
    assert host_client("oxfordshire").get("/staff/")["Location"] == "/accounts/login/?next=/staff/"
    worcs_admin = get_user_model().objects.get(email="admin@worcestershire.example")
    assert (
        sign_in(host_client("oxfordshire"), worcs_admin, oxfordshire).get("/staff/invite/").status_code == 403
    )


def test_staff_list_shows_this_councils_staff_only(admin_client, assert_queries):
    admin_client.get("/staff/")
    # routing, session, identity, admin check, configuration, staff with their identities: 6 for any number
    with assert_queries(6):
        html = admin_client.get("/staff/").content.decode()
    assert "caseworker@oxfordshire.example" in html
    assert "caseworker@worcestershire.example" not in html


def test_invite_errors_keep_what_was_typed(admin_client):
    html = admin_client.post(
        "/staff/invite/", {"forename": "Ann", "surname": "", "email": "not-an-email"}
    ).content
    html = html.decode()
    assert "There is a problem" in html
    assert "Enter their surname" in html
    assert "Enter an email address like name@example.com" in html
    assert "Select their role" in html
    assert 'value="Ann"' in html


def test_invited_caseworker_sets_a_password_and_signs_in_with_a_code(
    admin_client, oxfordshire, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the email goes once the invitation is saved
        response = admin_client.post(
            "/staff/invite/",
            {
                "forename": "Casey",
                "surname": "Worker",
                "email": "casey.worker@oxfordshire.example",
                "role": "caseworker",
            },
        )
    assert response["Location"] == "/staff/"
    user = get_user_model().objects.get(email="casey.worker@oxfordshire.example")
    assert not user.has_usable_password()
    with schema_context(oxfordshire.schema_name):
        assert Membership.objects.get(user=user).role == Role.CASEWORKER
        assert AuditEvent.objects.filter(action="staff.invited").exists()

    invitation = emails_to("casey.worker@oxfordshire.example")[-1]
    assert "Oxfordshire County Council: you have been invited to the EHC Portal" in invitation
    link = re.search(r"http://oxfordshire\.localhost(/accounts/password/reset/key/\S+)", invitation).group(1)

    staff = host_client("oxfordshire")
    form_page = staff.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    staff.post(set_url, {"password1": "a caseworker passphrase", "password2": "a caseworker passphrase"})
    user.refresh_from_db()
    assert user.check_password("a caseworker passphrase")

    assert staff.get(link, follow=True).content.decode().count("Bad Token") >= 1  # the link worked once

    staff.post("/accounts/login/", {"login": user.email, "password": "a caseworker passphrase"})
    staff.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(user.email))})
    assert staff.get("/account/").status_code == 200


def test_inviting_someone_who_already_has_an_identity_just_adds_the_role(
    admin_client, oxfordshire, django_capture_on_commit_callbacks
):
    therapist = get_user_model().objects.get(email="therapist@nelincs.example")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/staff/invite/",
            {
                "forename": "T",
                "surname": "Therapist",
                "email": therapist.email,
                "role": "health_professional",
            },
        )
    therapist.refresh_from_db()
    assert therapist.check_password("Demo-Password-2026")  # untouched
    assert "Sign in with your existing EHC Portal password" in emails_to(therapist.email)[-1]
    with schema_context(oxfordshire.schema_name):
        assert Membership.objects.filter(user=therapist, role=Role.HEALTH_PROFESSIONAL).exists()
