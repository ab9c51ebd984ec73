"""Secure login: password, then a code from the council's channel; membership per council."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.models import AuditEvent, Membership
from core.roles import Role
from tests.conftest import family_invitation_link, host_client
from tests.factories import MembershipFactory, UserFactory, council_person
from tests.hashers import CountingHasher
from tests.mail import emails_to, last_code, texts_to

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def sign_in_step_1(client, email, password=PASSWORD, following=""):
    data = {"login": email, "password": password, **({"next": following} if following else {})}
    return client.post("/accounts/login/", data)


@pytest.fixture
def oxon_parent(oxfordshire):
    user = UserFactory(email="oxon.parent@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
    return user


def test_sign_in_needs_the_emailed_code(oxfordshire, oxon_parent):
    client = host_client("oxfordshire")
    response = sign_in_step_1(client, oxon_parent.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/code/"
    assert client.get("/account/").status_code == 302  # not signed in yet

    mail = emails_to(oxon_parent.email)
    assert "Oxfordshire County Council: your sign-in code" in mail[-1]
    code = last_code(mail)
    assert len(code) == 6

    finished = client.post("/accounts/code/", {"action": "finish", "code": code})
    assert finished.status_code == 302
    assert client.get("/account/").status_code == 200
    with schema_context(oxfordshire.schema_name):
        assert AuditEvent.objects.filter(action="signin.succeeded", actor=oxon_parent).exists()


def test_hertfordshire_codes_have_eight_digits(db):
    user = UserFactory(email="herts.parent@example.com")
    with schema_context("hertfordshire"):
        MembershipFactory(user=user, role=Role.PARENT)
    client = host_client("hertfordshire")
    sign_in_step_1(client, user.email)
    assert len(last_code(emails_to(user.email))) == 8


def test_wrong_code_is_a_clear_error_and_audited(oxfordshire, oxon_parent):
    client = host_client("oxfordshire")
    sign_in_step_1(client, oxon_parent.email)
    code = last_code(emails_to(oxon_parent.email))
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/accounts/code/", {"action": "finish", "code": wrong})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "The code is not correct. You have 4 more tries." in html
    assert f'value="{wrong}"' in html  # what was typed is kept
    with schema_context(oxfordshire.schema_name):
        assert AuditEvent.objects.filter(action="signin.code_failed", actor=oxon_parent).exists()


def test_send_me_a_new_code_replaces_the_old_one(oxon_parent):
    client = host_client("oxfordshire")
    sign_in_step_1(client, oxon_parent.email)
    first = last_code(emails_to(oxon_parent.email))
    client.post("/accounts/code/", {"action": "resend"})
    mail = emails_to(oxon_parent.email)
    second = last_code(mail)
    if first != second:
        old = client.post("/accounts/code/", {"action": "finish", "code": first})
        assert "The code is not correct" in old.content.decode()
    assert client.post("/accounts/code/", {"action": "finish", "code": second}).status_code == 302
    assert client.get("/account/").status_code == 200


def test_cancel_abandons_the_sign_in(oxon_parent):
    client = host_client("oxfordshire")
    sign_in_step_1(client, oxon_parent.email)
    response = client.post("/accounts/code/", {"action": "cancel"})
    assert response["Location"] == "/accounts/login/"
    assert client.get("/accounts/code/")["Location"] == "/accounts/login/"


def test_wrong_password_and_unknown_email_look_the_same(oxon_parent):
    client = host_client("oxfordshire")
    wrong = sign_in_step_1(client, oxon_parent.email, "not the password at all").content.decode()
    unknown = sign_in_step_1(client, "nobody-here@example.com", "not the password at all").content.decode()
    assert "There is a problem" in wrong
    error = "The email address and/or password you specified are not correct."
    assert error in wrong
    assert error in unknown
    assert emails_to("nobody-here@example.com") == []


def test_health_professional_gets_the_code_by_text_message(db):
    council_person("therapist@nelincs.example")
    client = host_client("nelincs")
    response = sign_in_step_1(client, "therapist@nelincs.example", "Demo-Password-2026")
    assert response["Location"] == "/accounts/code/"
    assert "text message" in client.get("/accounts/code/").content.decode()
    text = texts_to("07700 900002")
    assert "North East Lincolnshire Council: your sign-in code is" in text[-1]
    assert client.post("/accounts/code/", {"action": "finish", "code": last_code(text)}).status_code == 302
    assert client.get("/account/").status_code == 200


def test_one_identity_signs_in_to_two_councils(db):
    user = UserFactory(email="slt@nhs.example")
    for schema in ("oxfordshire", "nelincs"):
        with schema_context(schema):
            MembershipFactory(user=user, role=Role.HEALTH_PROFESSIONAL)
    for schema in ("oxfordshire", "nelincs"):
        client = host_client(schema)
        sign_in_step_1(client, user.email)
        client.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(user.email))})
        assert client.get("/account/").status_code == 200


def test_someone_from_another_council_is_offered_to_join(oxon_parent, worcestershire):
    client = host_client("worcestershire")
    # Worcestershire admits only people following an invitation's link sent to their address.
    sign_in_step_1(
        client, oxon_parent.email, following=family_invitation_link("worcestershire", oxon_parent.email)
    )
    # The second factor first: nothing is granted to a password alone.
    response = client.post(
        "/accounts/code/", {"action": "finish", "code": last_code(emails_to(oxon_parent.email))}
    )
    assert response["Location"] == "/accounts/join/"
    page = client.get("/accounts/join/").content.decode()
    assert "Do you want to use your account with Worcestershire Children First?" in page
    assert "Oxfordshire" not in page

    no_answer = client.post("/accounts/join/", {})
    assert "Select yes if you want to use your account with this council" in no_answer.content.decode()

    joined = client.post("/accounts/join/", {"join": "yes"})
    assert joined.status_code == 302
    with schema_context(worcestershire.schema_name):
        assert Membership.objects.get(user=oxon_parent).role == Role.PARENT
    # Signed in; Worcestershire's rules are stricter than Oxfordshire's, so a new password comes first.
    assert client.get("/account/")["Location"] == "/accounts/password/change/"


def test_declining_to_join_signs_nobody_in(oxon_parent, worcestershire):
    client = host_client("worcestershire")
    sign_in_step_1(client, oxon_parent.email)
    client.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(oxon_parent.email))})
    assert client.post("/accounts/join/", {"join": "no"})["Location"] == "/accounts/login/"
    with schema_context(worcestershire.schema_name):
        assert not Membership.objects.filter(user=oxon_parent).exists()


def test_only_operators_sign_in_on_the_platform_host(oxon_parent):
    client = host_client("public")
    sent_before = len(emails_to(oxon_parent.email))
    response = sign_in_step_1(client, oxon_parent.email)
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert len(emails_to(oxon_parent.email)) == sent_before  # no code sent to someone who cannot sign in here


def _page(response) -> str:
    """The page as a person sees it, without the per-request CSRF token and CSP nonces."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'nonce="[^"]+"', "", page)


def test_the_platform_host_does_not_tell_whether_the_password_was_right(oxon_parent):
    """A parent is not signed in on the platform's host: the right password and a wrong one get the same
    page, status and (no) redirect, and count alike towards the lock."""
    right = sign_in_step_1(host_client("public"), oxon_parent.email)
    wrong = sign_in_step_1(host_client("public"), oxon_parent.email, "not the password at all")
    assert (
        (right.status_code, right.get("Location"))
        == (wrong.status_code, wrong.get("Location"))
        == (200, None)
    )
    assert _page(right) == _page(wrong)
    for _ in range(3):
        sign_in_step_1(host_client("public"), oxon_parent.email)
    # 5 failures (2 wrong passwords would be needed otherwise): the sixth try is refused like any other.
    assert (
        "Too many failed login attempts"
        in sign_in_step_1(host_client("public"), oxon_parent.email).content.decode()
    )


def test_a_removed_member_cannot_rejoin_by_signing_in(oxon_parent, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        Membership.objects.filter(user=oxon_parent).update(is_active=False)
    client = host_client("oxfordshire")
    sent_before = len(emails_to(oxon_parent.email))
    response = sign_in_step_1(client, oxon_parent.email)
    # Refused before the second factor: no code is sent to someone who may not use this council.
    assert response["Location"] == "/accounts/login/"
    assert len(emails_to(oxon_parent.email)) == sent_before
    assert client.get("/accounts/code/")["Location"] == "/accounts/login/"
    assert "Your access to this portal has been removed" in client.get("/accounts/login/").content.decode()
    with schema_context(oxfordshire.schema_name):
        assert not Membership.objects.get(user=oxon_parent).is_active


def test_no_code_is_texted_to_a_removed_member_either(db):
    """North East Lincolnshire texts health staff their codes: a removed one gets no text, nor an email."""
    council_person("therapist@nelincs.example")
    with schema_context("nelincs"):
        Membership.objects.filter(user__email="therapist@nelincs.example").update(is_active=False)
    texts_before = len(texts_to("07700 900002"))
    emails_before = len(emails_to("therapist@nelincs.example"))
    client = host_client("nelincs")
    response = sign_in_step_1(client, "therapist@nelincs.example", "Demo-Password-2026")
    assert response["Location"] == "/accounts/login/"
    assert len(texts_to("07700 900002")) == texts_before
    assert len(emails_to("therapist@nelincs.example")) == emails_before


@pytest.fixture
def two_council_parent(oxfordshire, worcestershire):
    user = UserFactory(email="two.councils@example.com")
    for council in (oxfordshire, worcestershire):
        with schema_context(council.schema_name):
            MembershipFactory(user=user, role=Role.PARENT)
    return user


def test_password_failures_on_two_councils_lock_the_identity_on_both(two_council_parent):
    """Counted per identity, not per council: 3 wrong passwords on Oxfordshire's site and 3 on
    Worcestershire's, and the right one is refused on both."""
    oxon, worcs = host_client("oxfordshire"), host_client("worcestershire")
    for client in (oxon, worcs, oxon, worcs, oxon):
        wrong = sign_in_step_1(client, two_council_parent.email, "wrong password").content.decode()
        assert "The email address and/or password you specified are not correct." in wrong
    refused = sign_in_step_1(worcs, two_council_parent.email, "wrong password").content.decode()
    assert "Too many failed login attempts. Try again later." in refused
    sent_before = len(emails_to(two_council_parent.email))
    for client in (oxon, worcs):
        response = sign_in_step_1(client, two_council_parent.email)
        assert response.status_code == 200
        assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert len(emails_to(two_council_parent.email)) == sent_before  # and no code went out


def test_code_failures_on_two_councils_lock_the_identity_on_both(two_council_parent):
    """Ten wrong codes, five on each council's site, and a right code is refused on both."""
    for schema in ("oxfordshire", "worcestershire"):
        client = host_client(schema)
        sign_in_step_1(client, two_council_parent.email)
        code = last_code(emails_to(two_council_parent.email))
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(5):
            client.post("/accounts/code/", {"action": "finish", "code": wrong})
    for schema in ("oxfordshire", "worcestershire"):
        client = host_client(schema)
        sign_in_step_1(client, two_council_parent.email)
        code = last_code(emails_to(two_council_parent.email))
        refused = client.post("/accounts/code/", {"action": "finish", "code": code})
        assert "Too many incorrect codes. Wait 5 minutes, then sign in again." in refused.content.decode()
        assert client.get("/account/").status_code == 302


def test_session_ends_after_the_councils_idle_time(oxfordshire, oxon_parent):
    client = host_client("oxfordshire")
    sign_in_step_1(client, oxon_parent.email)
    client.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(oxon_parent.email))})
    response = client.get("/account/")
    assert response.status_code == 200
    assert response.wsgi_request.session.get_expire_at_browser_close()  # nothing outlives the browser

    session = client.session
    session["_touched_at"] = int(time.time()) - 29 * 60  # 29 minutes without a request: still signed in
    session.save()
    assert client.get("/account/").status_code == 200
    session = client.session
    session["_touched_at"] = int(time.time()) - 31 * 60  # Oxfordshire's idle time is 30 minutes
    session.save()
    assert client.get("/account/")["Location"].startswith("/accounts/login/")


def test_sign_in_failures_are_rate_limited_with_a_clear_message(oxon_parent):
    client = host_client("oxfordshire")
    for _ in range(5):
        sign_in_step_1(client, oxon_parent.email, "wrong password")
    html = sign_in_step_1(client, oxon_parent.email).content.decode()
    assert "Too many failed login attempts. Try again later." in html
    with schema_context("oxfordshire"):
        assert AuditEvent.objects.filter(action="signin.failed").count() >= 5


def test_audit_log_never_holds_the_code_or_password(oxfordshire, oxon_parent):
    client = host_client("oxfordshire")
    sign_in_step_1(client, oxon_parent.email, "a wrong password")
    sign_in_step_1(client, oxon_parent.email)
    code = last_code(emails_to(oxon_parent.email))
    client.post("/accounts/code/", {"action": "finish", "code": "999999" if code != "999999" else "888888"})
    with schema_context(oxfordshire.schema_name):
        logged = str(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert code not in logged
    assert "a wrong password" not in logged


def test_get_user_model_is_the_public_identity():
    assert get_user_model()._meta.db_table == "identity_user"


def test_a_stricter_council_joined_later_asks_for_a_new_password(oxon_parent, worcestershire):
    client = host_client("worcestershire")
    sign_in_step_1(
        client, oxon_parent.email, following=family_invitation_link("worcestershire", oxon_parent.email)
    )
    client.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(oxon_parent.email))})
    client.post("/accounts/join/", {"join": "yes"})
    response = client.get("/account/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/password/change/"
    html = response.content.decode()
    assert "Choose a new password" in html
    assert "Your password must contain at least one upper-case letter" in html

    # The strictest policy of all their councils applies wherever they change it.
    weak = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another long one", "password2": "another long one"},
    )
    assert "Your password must contain at least one upper-case letter" in weak.content.decode()
    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "Kettle-Orchard-Lantern-42",
            "password2": "Kettle-Orchard-Lantern-42",
        },
    )
    assert client.get("/account/").status_code == 200

    # And on Oxfordshire's own site too, the old password now has to meet Worcestershire's rules.
    oxon = host_client("oxfordshire")
    sign_in_step_1(oxon, oxon_parent.email, "Kettle-Orchard-Lantern-42")
    oxon.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(oxon_parent.email))})
    assert oxon.get("/account/").status_code == 200


def test_an_oxfordshire_parents_session_cookie_gives_nothing_on_worcestershire(oxon_parent):
    oxon = host_client("oxfordshire")
    sign_in_step_1(oxon, oxon_parent.email)
    oxon.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(oxon_parent.email))})
    assert oxon.get("/account/").status_code == 200

    worcs = host_client("worcestershire")
    worcs.cookies["sessionid"] = oxon.cookies["sessionid"].value  # the same cookie, on another council
    response = worcs.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert oxon.get("/account/").status_code == 200  # and it still works where it belongs


def test_a_half_done_sign_in_cannot_be_finished_on_another_councils_site(oxon_parent):
    oxon = host_client("oxfordshire")
    sign_in_step_1(oxon, oxon_parent.email)
    code = last_code(emails_to(oxon_parent.email))
    worcs = host_client("worcestershire")
    worcs.cookies["sessionid"] = oxon.cookies["sessionid"].value
    response = worcs.post("/accounts/code/", {"action": "finish", "code": code})
    assert response["Location"] == "/accounts/login/"
    assert worcs.get("/account/").status_code == 302


def test_unknown_and_known_emails_cost_the_same_hashing(oxfordshire, settings):
    """No timing difference from password hashing: an unknown email is hashed as much as a known one."""
    settings.PASSWORD_HASHERS = ["tests.hashers.CountingHasher"]
    known = UserFactory(email="timing@example.com")
    known.set_password(PASSWORD)
    known.save()
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=known, role=Role.PARENT)

    def hashes_for(email):
        CountingHasher.calls = 0
        sign_in_step_1(host_client("oxfordshire"), email, "definitely not the password")
        return CountingHasher.calls

    known_cost, unknown_cost = hashes_for("timing@example.com"), hashes_for("nobody-at-all@example.com")
    assert known_cost == unknown_cost > 0, (known_cost, unknown_cost)
