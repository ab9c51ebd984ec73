"""The account menu's pages: My account, Recover a form, Submitted forms, Update account, and the
email and password changes, each audited."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.models import AuditEvent, Profile
from core.roles import Role
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.mail import emails_to, last_code

PASSWORD = "correct horse battery staple"


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
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # a new mobile number needs it
    client.post(
        "/account/update/",
        {**details, "postcode": "OX4 1EU", "notify_by_text": "on", "mobile_phone": "07700 900456"},
    )
    with schema_context(oxfordshire.schema_name):
        profile = Profile.objects.get(user=user)
        assert (profile.notify_by_text, profile.mobile_phone) == (True, "07700 900456")


def test_email_change_needs_the_new_address_verified(parent_client, oxfordshire):
    client, user = parent_client
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
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


def _told(address: str, what: str) -> list[str]:
    return [m for m in emails_to(address) if f"your account was changed ({what})" in m]


def test_a_stolen_session_cannot_change_the_email_address_without_the_password(
    parent_client, oxfordshire, django_capture_on_commit_callbacks
):
    """Someone holding only the session (no password) is asked for the password before the address
    changes; once it has, the old address is told, in words that name nobody."""
    client, user = parent_client
    taker = f"taker-{uuid.uuid4().hex[:8]}@example.com"
    before = len(_told(user.email, "email address"))  # the mail folder outlives a test run
    asked = client.post("/accounts/email/", {"action_add": "", "email": taker})
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    page = client.get(asked["Location"])
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Confirm it is you</h1>' in page.content.decode()
    assert emails_to(taker) == []  # nothing sent, nothing added
    wrong = client.post(asked["Location"], {"password": "a guess at the password"})
    assert "There is a problem" in wrong.content.decode()
    assert emails_to(taker) == []

    resumed = client.post(asked["Location"], {"password": PASSWORD})
    assert resumed.status_code == 302  # the change asked for goes on: a code to the new address
    assert "menu.parent@example.com" not in emails_to(taker)[-1]  # which names nobody
    with django_capture_on_commit_callbacks(execute=True):  # notifications go once the change commits
        client.post(
            "/accounts/confirm-email/",
            {"action": "verify", "code": last_code(emails_to(taker))},
        )
    user.refresh_from_db()
    assert user.email == taker
    told = _told("menu.parent@example.com", "email address")
    assert len(told) == before + 1
    assert "If you did not, someone else may be using your account" in told[-1]
    assert taker not in told[-1]
    assert "Robin" not in told[-1]
    assert "Lee" not in told[-1]


def test_a_new_mobile_number_needs_the_password_and_the_address_is_told(
    parent_client, oxfordshire, django_capture_on_commit_callbacks
):
    client, user = parent_client
    details = {"forename": "Robin", "surname": "Lee", "street": "Cowley Road", "town": "Oxford"}
    details["postcode"] = "OX4 1HP"
    before = len(_told(user.email, "mobile number"))  # the mail folder outlives a test run
    asked = client.post("/account/update/", {**details, "mobile_phone": "07700 900999"})
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    with schema_context(oxfordshire.schema_name):
        assert Profile.objects.get(user=user).mobile_phone == ""
    assert len(_told(user.email, "mobile number")) == before

    with django_capture_on_commit_callbacks(execute=True):
        resumed = client.post(asked["Location"], {"password": PASSWORD})
    assert resumed.status_code == 302
    with schema_context(oxfordshire.schema_name):
        assert Profile.objects.get(user=user).mobile_phone == "07700 900999"
    told = _told(user.email, "mobile number")
    assert len(told) == before + 1
    assert "07700 900999" not in told[-1]
    assert "reset your password now at http://oxfordshire.localhost" in told[-1]

    # Other details change without the password, and tell nobody.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/update/", {**details, "street": "Iffley Road", "mobile_phone": "07700 900999"})
    with schema_context(oxfordshire.schema_name):
        assert Profile.objects.get(user=user).street == "Iffley Road"
    assert len(_told(user.email, "mobile number")) == before + 1


def test_a_password_change_asks_for_the_old_one_and_the_address_is_told(
    parent_client, django_capture_on_commit_callbacks
):
    client, user = parent_client
    before = len(_told(user.email, "password"))
    refused = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "a guess",
            "password1": "a new long passphrase",
            "password2": "a new long passphrase",
        },
    )
    assert refused.status_code == 200
    assert len(_told(user.email, "password")) == before
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/password/change/",
            {
                "oldpassword": PASSWORD,
                "password1": "a new long passphrase",
                "password2": "a new long passphrase",
            },
        )
    assert len(_told(user.email, "password")) == before + 1


def test_update_account_on_the_platform_host_is_not_found_not_an_error(db):
    operator = UserFactory(email="operator.update@example.com", is_staff=True)
    client = host_client("public")
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/account/update/").status_code == 404
    assert (
        client.post("/account/update/", {"forename": "A", "mobile_phone": "07700 900111"}).status_code == 404
    )
    assert "/account/update/" not in client.get("/account/").content.decode()
