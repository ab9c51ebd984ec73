"""The account menu's pages: My account, Recover a form, Submitted forms, Update account, and the
email and password changes, each audited."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.models import AuditEvent, Profile
from core.roles import Role
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.mail import emails_to, last_code


@pytest.fixture
def parent_client(oxfordshire):
    cache.clear()
    user = UserFactory(email="menu.parent@example.com", first_name="Robin", last_name="Lee")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
        Profile.objects.create(user=user, street="Cowley Road", town="Oxford", postcode="OX4 1HP")
    return sign_in(host_client("oxfordshire"), user, oxfordshire), user


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/account/", "My account"),
        ("/account/recover-a-form/", "Recover a form"),
        ("/account/submitted-forms/", "Submitted forms"),
        ("/account/update/", "Update account"),
    ],
)
def test_menu_pages_need_sign_in_and_show(parent_client, path, heading):
    client, _ = parent_client
    assert host_client("oxfordshire").get(path)["Location"].startswith("/accounts/login/")
    html = client.get(path).content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html


def test_update_account_saves_details_and_keeps_input_on_error(parent_client, oxfordshire):
    client, user = parent_client
    bad = client.post(
        "/account/update/",
        {"forename": "Robin", "surname": "Lee", "street": "", "town": "Oxford", "postcode": "OX4 1HP"},
    ).content.decode()
    assert "Enter your street" in bad
    assert 'value="Oxford"' in bad
    client.post(
        "/account/update/",
        {
            "forename": "Robyn",
            "surname": "Lee",
            "street": "Iffley Road",
            "town": "Oxford",
            "postcode": "ox4 1eu",
        },
    )
    user.refresh_from_db()
    assert user.first_name == "Robyn"
    with schema_context(oxfordshire.schema_name):
        assert Profile.objects.get(user=user).postcode == "OX4 1EU"
        assert AuditEvent.objects.filter(action="account.updated", actor=user).exists()


def test_text_messages_are_the_persons_choice_and_need_a_mobile_number(parent_client, oxfordshire):
    client, user = parent_client
    details = {"forename": "Robyn", "surname": "Lee", "street": "Iffley Road", "town": "Oxford"}
    page = client.get("/account/update/").content.decode()
    assert "Also send me a text message when something is waiting for me" in page
    refused = client.post("/account/update/", {**details, "postcode": "OX4 1EU", "notify_by_text": "on"})
    assert "Enter your mobile number to be told by text message" in refused.content.decode()
    client.post(
        "/account/update/",
        {**details, "postcode": "OX4 1EU", "notify_by_text": "on", "mobile_phone": "07700 900456"},
    )
    with schema_context(oxfordshire.schema_name):
        profile = Profile.objects.get(user=user)
        assert (profile.notify_by_text, profile.mobile_phone) == (True, "07700 900456")


def test_email_change_needs_the_new_address_verified(parent_client, oxfordshire):
    client, user = parent_client
    response = client.post("/accounts/email/", {"action_add": "", "email": "robin.new@example.com"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Confirm your new email address" in page
    user.refresh_from_db()
    assert user.email == "menu.parent@example.com"  # unchanged until verified
    client.post(
        "/accounts/confirm-email/",
        {"action": "verify", "code": last_code(emails_to("robin.new@example.com"))},
    )
    user.refresh_from_db()
    assert user.email == "robin.new@example.com"
    with schema_context(oxfordshire.schema_name):
        assert AuditEvent.objects.filter(action="account.email_verified", actor=user).exists()


def test_password_change_is_audited_and_keeps_history(parent_client, oxfordshire):
    client, user = parent_client
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct horse battery staple",
            "password1": "a new long passphrase",
            "password2": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(pk=user.pk)
    assert user.check_password("a new long passphrase")
    assert user.password_history.exists()
    with schema_context(oxfordshire.schema_name):
        assert AuditEvent.objects.filter(action="account.password_changed", actor=user).exists()


def test_logout_lands_on_a_page_offering_home_and_log_back_in(parent_client):
    client, _ = parent_client
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/signed-out/"
    html = client.get("/accounts/signed-out/").content.decode()
    assert "You have logged out" in html
    assert ">Log back in<" in html
    assert ">Home<" in html
