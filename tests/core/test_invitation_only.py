"""A council whose registration is by invitation only (Worcestershire's ``registration = invitation``):
nobody registers or joins without an invitation's link, as the address it was sent to; the pages say so
with the council's contact, and crafted POSTs are refused. Councils with open registration are unchanged."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.models import Membership
from core.roles import Role
from tests.conftest import family_invitation_link, host_client
from tests.factories import MembershipFactory, UserFactory
from tests.mail import emails_to, last_code

User = get_user_model()
PASSWORD = "correct horse battery staple"
STRONG = "Kettle-Orchard-Lantern-42"
STEP_1 = {
    "forename": "Jo",
    "surname": "Bloggs",
    "street": "High Street",
    "town": "Worcester",
    "postcode": "WR1 2EY",
}


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def test_the_register_page_says_an_invitation_is_needed_with_the_councils_contact(worcestershire):
    client = host_client("worcestershire")
    page = client.get("/accounts/register/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "You need an invitation to use this portal" in html
    assert "Contact the Worcestershire SEND team" in html
    assert "send@worcschildrenfirst.org.uk" in html  # the council's own contact, from its configuration
    assert 'name="forename"' not in html  # no form to fill in
    home = client.get("/").content.decode()
    assert "register for a new account" not in home


def test_crafted_registration_posts_are_refused_and_create_nothing(worcestershire):
    email = unique("crafted")
    client = host_client("worcestershire")
    step_1 = client.post("/accounts/register/", STEP_1)
    assert step_1.status_code == 403
    assert "registration_details" not in client.session
    # Even with step 1's answers put in the session, step 2 is closed.
    session = client.session
    session["registration_details"] = STEP_1
    session.save()
    client.post("/accounts/signup/", {"email": email, "password1": STRONG, "password2": STRONG})
    assert not User.objects.filter(email=email).exists()
    # A link that is not an open invitation's does not open it either.
    bogus = client.post("/accounts/register/?next=/invitations/accept/not-a-token/", STEP_1)
    assert bogus.status_code == 403


def test_an_invitations_link_opens_registration_for_its_address_only(worcestershire):
    email = unique("invited")
    link = family_invitation_link("worcestershire", email)
    client = host_client("worcestershire")
    assert client.post(f"/accounts/register/?next={link}", STEP_1)["Location"] == "/accounts/signup/"
    other = client.post(
        "/accounts/signup/", {"email": unique("other"), "password1": STRONG, "password2": STRONG}
    )
    assert "Enter the email address your invitation was sent to" in other.content.decode()
    done = client.post("/accounts/signup/", {"email": email, "password1": STRONG, "password2": STRONG})
    assert done["Location"] == "/accounts/confirm-email/"
    with schema_context("worcestershire"):
        assert Membership.objects.get(user__email=email).role == Role.PARENT


def test_an_open_council_still_lets_anyone_register(oxfordshire):
    client = host_client("oxfordshire")
    assert "register for a new account" in client.get("/").content.decode()
    assert (
        client.post("/accounts/register/", {**STEP_1, "postcode": "OX1 1ND"})["Location"]
        == "/accounts/signup/"
    )


def _signed_in_past_the_code(client, user, following=""):
    data = {"login": user.email, "password": PASSWORD, **({"next": following} if following else {})}
    client.post("/accounts/login/", data)
    return client.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(user.email))})


def _password_step(client, user, following=""):
    data = {"login": user.email, "password": PASSWORD, **({"next": following} if following else {})}
    return client.post("/accounts/login/", data)


def test_joining_without_an_invitation_is_refused_before_any_code_is_sent(oxfordshire, worcestershire):
    user = UserFactory(email=unique("joiner"))
    with schema_context("oxfordshire"):
        MembershipFactory(user=user, role=Role.PARENT)
    client = host_client("worcestershire")
    page = _password_step(client, user)
    html = page.content.decode()
    assert page.status_code == 403  # refused, with the page saying why
    assert "You need an invitation to use this portal" in html
    assert "Do you want to use your account" not in html
    assert emails_to(user.email) == []  # no code was sent for a sign-in that cannot succeed
    assert "account_login" not in client.session  # the half-done sign-in is dropped
    # Nothing further can be crafted: the join step and the code step have no sign-in to act on.
    client.post("/accounts/join/", {"join": "yes"})
    client.post("/accounts/code/", {"action": "finish", "code": "000000"})
    with schema_context("worcestershire"):
        assert not Membership.objects.filter(user=user).exists()
    assert "_auth_user_id" not in client.session


def test_joining_with_an_invitation_for_another_address_is_refused(oxfordshire, worcestershire):
    user = UserFactory(email=unique("joiner"))
    with schema_context("oxfordshire"):
        MembershipFactory(user=user, role=Role.PARENT)
    link = family_invitation_link("worcestershire", unique("someone-else"))
    client = host_client("worcestershire")
    assert "You need an invitation" in _password_step(client, user, following=link).content.decode()
    assert emails_to(user.email) == []
    client.post("/accounts/join/", {"join": "yes"})  # crafted: no sign-in in progress to act on
    with schema_context("worcestershire"):
        assert not Membership.objects.filter(user=user).exists()


def test_joining_with_ones_own_invitation_is_allowed(oxfordshire, worcestershire):
    user = UserFactory(email=unique("joiner"))
    with schema_context("oxfordshire"):
        MembershipFactory(user=user, role=Role.PARENT)
    link = family_invitation_link("worcestershire", user.email)
    client = host_client("worcestershire")
    _signed_in_past_the_code(client, user, following=link)
    assert "Do you want to use your account" in client.get("/accounts/join/").content.decode()
    client.post("/accounts/join/", {"join": "yes"})
    with schema_context("worcestershire"):
        assert Membership.objects.get(user=user).role == Role.PARENT
