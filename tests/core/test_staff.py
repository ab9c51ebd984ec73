"""Council admins invite staff; a role is held only once the owner of the invited address accepts it.
Admins see and change only people already in their council, and every grant, change and removal is in
the council's audit log."""

import datetime
import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent, Membership, StaffInvitation
from core.roles import Role
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory, council_person
from tests.mail import emails_to, last_code

User = get_user_model()
PASSPHRASE = "a caseworker passphrase"


def unique(name: str, domain: str = "example.com") -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@{domain}"


@pytest.fixture
def admin_client(oxfordshire):
    cache.clear()
    admin = council_person("admin@oxfordshire.example")
    return sign_in(host_client("oxfordshire"), admin, oxfordshire)


def invite(client, email, role="caseworker", capture=None):
    data = {"forename": "Casey", "surname": "Worker", "email": email, "role": role}
    if capture is None:
        return client.post("/staff/invite/", data)
    with capture(execute=True):  # the email goes once the invitation is saved
        return client.post("/staff/invite/", data)


def link_of(email: str, host: str = "oxfordshire.localhost") -> str:
    body = emails_to(email)[-1]
    return re.search(rf"http://{re.escape(host)}(/staff/invitation/\S+/)", body).group(1)


def actions(schema: str, *names: str) -> list[str]:
    with schema_context(schema):
        return list(
            AuditEvent.objects.filter(action__in=names).order_by("id").values_list("action", flat=True)
        )


def test_only_council_admins_see_staff_pages(oxfordshire, worcestershire):
    caseworker = council_person("caseworker@oxfordshire.example")
    client = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
    assert client.get("/staff/").status_code == 403
    assert host_client("oxfordshire").get("/staff/")["Location"] == "/accounts/login/?next=/staff/"
    worcs_admin = council_person("admin@worcestershire.example")
    assert (
        sign_in(host_client("oxfordshire"), worcs_admin, oxfordshire).get("/staff/invite/").status_code == 403
    )


def test_staff_list_shows_this_councils_staff_only(admin_client, assert_queries):
    council_person("caseworker@oxfordshire.example")
    council_person("caseworker@worcestershire.example")
    admin_client.get("/staff/")
    # routing, session, identity, admin check, configuration, staff with their identities, open
    # invitations: 7 for any number
    with assert_queries(7):
        html = admin_client.get("/staff/").content.decode()
    assert "caseworker@oxfordshire.example" in html
    assert "caseworker@worcestershire.example" not in html


def test_invite_errors_keep_what_was_typed(admin_client):
    response = admin_client.post(
        "/staff/invite/", {"forename": "Ann", "surname": "", "email": "not-an-email"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Enter their surname" in html
    assert "Enter an email address like name@example.com" in html
    assert "Select their role" in html
    assert 'value="Ann"' in html


def test_an_invitation_grants_nothing_until_a_new_person_sets_a_password_from_its_link(
    admin_client, oxfordshire, django_capture_on_commit_callbacks
):
    email = unique("casey", "oxfordshire.example")
    response = invite(admin_client, email.upper(), capture=django_capture_on_commit_callbacks)
    assert response["Location"] == "/staff/"
    assert not User.objects.filter(email=email).exists()  # no identity, no role: only an invitation
    with schema_context(oxfordshire.schema_name):
        invitation = StaffInvitation.objects.get(email=email)
        assert invitation.role == Role.CASEWORKER
        assert not Membership.objects.filter(user__email=email).exists()
    assert email in admin_client.get("/staff/").content.decode()  # listed as waiting, with Withdraw

    mail = emails_to(email)[-1]
    assert "Oxfordshire County Council: invitation to work in the EHC Portal" in mail
    link = link_of(email)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_digest  # only its digest is kept

    newcomer = host_client("oxfordshire")
    page = newcomer.get(link).content.decode()
    assert "Accept the role of caseworker at Oxfordshire County Council" in page
    short = newcomer.post(link, {"password1": "short", "password2": "short"})
    assert short.status_code == 400
    assert "There is a problem" in short.content.decode()
    assert not User.objects.filter(email=email).exists()  # a failed request writes nothing

    done = newcomer.post(link, {"password1": PASSPHRASE, "password2": PASSPHRASE})
    assert done["Location"] == "/accounts/login/"
    user = User.objects.get(email=email)
    assert user.check_password(PASSPHRASE)
    assert (user.first_name, user.last_name) == ("Casey", "Worker")
    assert EmailAddress.objects.get(user=user).verified  # the link proved the address
    with schema_context(oxfordshire.schema_name):
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.is_active) == (Role.CASEWORKER, True)
        invitation.refresh_from_db()
        assert invitation.accepted_by == user
    assert actions(
        oxfordshire.schema_name,
        "staff.invited",
        "account.password_set_by_invitation",
        "membership.granted",
        "staff.invitation_accepted",
    )[-4:] == [
        "staff.invited",
        "account.password_set_by_invitation",
        "membership.granted",
        "staff.invitation_accepted",
    ]

    # Single use: the link is dead once accepted, even for its owner.
    assert host_client("oxfordshire").get(link).status_code == 404
    staff = host_client("oxfordshire")
    staff.post("/accounts/login/", {"login": email, "password": PASSPHRASE})
    staff.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(email))})
    assert staff.get("/workspace/").status_code == 200


def test_a_link_is_worthless_on_another_councils_site_and_after_it_expires(
    admin_client, oxfordshire, django_capture_on_commit_callbacks
):
    email = unique("expiring")
    invite(admin_client, email, capture=django_capture_on_commit_callbacks)
    link = link_of(email)
    assert host_client("worcestershire").get(link).status_code == 404
    assert (
        host_client("worcestershire")
        .post(link, {"password1": PASSPHRASE, "password2": PASSPHRASE})
        .status_code
        == 404
    )
    assert not User.objects.filter(email=email).exists()

    with schema_context(oxfordshire.schema_name):
        StaffInvitation.objects.filter(email=email).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    expired = host_client("oxfordshire").post(link, {"password1": PASSPHRASE, "password2": PASSPHRASE})
    assert expired.status_code == 404
    assert "This invitation link does not work" in expired.content.decode()
    assert not User.objects.filter(email=email).exists()


def test_an_invitation_accepted_by_someone_signed_in_as_another_address_is_refused(
    admin_client, oxfordshire, django_capture_on_commit_callbacks
):
    email = unique("invitee")
    invite(admin_client, email, capture=django_capture_on_commit_callbacks)
    link = link_of(email)
    parent = council_person("parent@oxfordshire.example")
    other = sign_in(host_client("oxfordshire"), parent, oxfordshire)
    assert other.get(link).status_code == 403
    refused = other.post(link)
    assert refused.status_code == 403
    assert "This invitation is for another account" in refused.content.decode()
    with schema_context(oxfordshire.schema_name):
        assert not Membership.objects.filter(user=parent, role=Role.CASEWORKER).exists()
        assert StaffInvitation.objects.get(email=email).accepted_at is None


def test_someone_with_an_identity_signs_in_as_that_address_and_accepts(
    admin_client, oxfordshire, django_capture_on_commit_callbacks
):
    """A Hertfordshire parent invited to Oxfordshire: their password is untouched, the link sends them to
    sign in, and signing in asks them to accept before anything else (not to join as a parent)."""
    herts_parent = council_person("parent@hertfordshire.example")
    invite(
        admin_client,
        herts_parent.email,
        role="health_professional",
        capture=django_capture_on_commit_callbacks,
    )
    herts_parent.refresh_from_db()
    assert herts_parent.check_password("Demo-Password-2026")
    link = link_of(herts_parent.email)
    visitor = host_client("oxfordshire")
    assert visitor.get(link)["Location"].startswith("/accounts/login/?next=/staff/invitation/")
    # A set-password POST cannot replace a proved identity's password.
    visitor.post(link, {"password1": PASSPHRASE, "password2": PASSPHRASE})
    herts_parent.refresh_from_db()
    assert herts_parent.check_password("Demo-Password-2026")

    signing_in = visitor.post(
        "/accounts/login/", {"login": herts_parent.email, "password": "Demo-Password-2026", "next": link}
    )
    assert signing_in["Location"] == "/accounts/code/"  # the second factor comes first
    code = last_code(emails_to(herts_parent.email))
    assert (
        visitor.post("/accounts/code/", {"action": "finish", "code": code})["Location"]
        == "/accounts/invited/"
    )
    question = visitor.get("/accounts/invited/").content.decode()
    assert "Accept the role of health professional at Oxfordshire County Council?" in question
    with schema_context(oxfordshire.schema_name):
        assert not Membership.objects.filter(user=herts_parent).exists()
    # Back from the link, now used: they land on their account, not on a dead link.
    assert visitor.post("/accounts/invited/", {"accept": "yes"})["Location"] == "/account/"
    with schema_context(oxfordshire.schema_name):
        assert Membership.objects.get(user=herts_parent).role == Role.HEALTH_PROFESSIONAL
        assert not Membership.objects.filter(user=herts_parent, role=Role.PARENT).exists()
    assert actions(oxfordshire.schema_name, "membership.granted", "staff.invitation_accepted")[-2:] == [
        "membership.granted",
        "staff.invitation_accepted",
    ]


def test_a_member_here_accepts_from_the_link_while_signed_in(
    admin_client, oxfordshire, django_capture_on_commit_callbacks
):
    parent = council_person("parent@oxfordshire.example")
    invite(admin_client, parent.email, role="caseworker", capture=django_capture_on_commit_callbacks)
    link = link_of(parent.email)
    client = sign_in(host_client("oxfordshire"), parent, oxfordshire)
    assert "Accept the role of caseworker" in client.get(link).content.decode()
    with schema_context(oxfordshire.schema_name):
        assert not Membership.objects.filter(user=parent, role=Role.CASEWORKER).exists()
    assert client.post(link)["Location"] == "/account/"
    with schema_context(oxfordshire.schema_name):
        assert Membership.objects.filter(user=parent, role=Role.CASEWORKER, is_active=True).exists()
    assert client.post(link).status_code == 404  # single use


def test_an_unverified_registration_loses_its_password_and_the_owner_sets_one(
    admin_client, oxfordshire, django_capture_on_commit_callbacks
):
    """Someone registered the address and never proved it: the stranger's password stops working, and the
    owner of the address sets their own through the invitation's link."""
    email = unique("squatted")
    stranger = UserFactory(email=email, verified_email=False)
    assert stranger.check_password("correct horse battery staple")
    invite(admin_client, email, capture=django_capture_on_commit_callbacks)
    stranger.refresh_from_db()
    assert not stranger.has_usable_password()
    page = host_client("oxfordshire").get(link_of(email))
    assert page.status_code == 200
    assert "Set a password to accept the role" in page.content.decode()
    host_client("oxfordshire").post(link_of(email), {"password1": PASSPHRASE, "password2": PASSPHRASE})
    stranger.refresh_from_db()
    assert stranger.check_password(PASSPHRASE)
    assert EmailAddress.objects.get(user=stranger, email=email).verified
    assert "account.unproved_password_removed" in actions(
        oxfordshire.schema_name, "account.unproved_password_removed"
    )


def test_withdrawing_an_invitation_kills_its_link(
    admin_client, oxfordshire, django_capture_on_commit_callbacks
):
    email = unique("withdrawn")
    invite(admin_client, email, capture=django_capture_on_commit_callbacks)
    link = link_of(email)
    with schema_context(oxfordshire.schema_name):
        invitation = StaffInvitation.objects.get(email=email)
    url = f"/staff/invitations/{invitation.pk}/withdraw/"
    assert "Withdraw this invitation?" in admin_client.get(url).content.decode()
    assert admin_client.post(url)["Location"] == "/staff/"
    assert host_client("oxfordshire").get(link).status_code == 404
    assert actions(oxfordshire.schema_name, "staff.invitation_withdrawn")


def test_change_role_remove_and_restore_are_audited(admin_client, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        membership = MembershipFactory(user=UserFactory(email=unique("member")), role=Role.CASEWORKER)
    assert "Change the role of" in admin_client.get(f"/staff/{membership.pk}/role/").content.decode()
    assert (
        admin_client.post(f"/staff/{membership.pk}/role/", {"role": "send_manager"})["Location"] == "/staff/"
    )
    assert "Remove" in admin_client.get(f"/staff/{membership.pk}/remove/").content.decode()
    admin_client.post(f"/staff/{membership.pk}/remove/")
    with schema_context(oxfordshire.schema_name):
        membership.refresh_from_db()
        assert (membership.role, membership.is_active) == (Role.SEND_MANAGER, False)
    admin_client.post(f"/staff/{membership.pk}/restore/")
    with schema_context(oxfordshire.schema_name):
        membership.refresh_from_db()
        assert membership.is_active
        rows = list(
            AuditEvent.objects.filter(target_type="core.membership", target_id=str(membership.pk))
            .order_by("id")
            .values_list("action", "detail")
        )
    assert rows == [
        ("membership.role_changed", {"from": "caseworker", "to": "send_manager"}),
        ("membership.deactivated", {"role": "send_manager"}),
        ("membership.reactivated", {"role": "send_manager"}),
    ]


def test_an_admin_cannot_change_their_own_access_nor_anyone_outside_the_council(admin_client, oxfordshire):
    admin = council_person("admin@oxfordshire.example")
    council_person("parent@oxfordshire.example")
    with schema_context(oxfordshire.schema_name):
        own = Membership.objects.get(user=admin, role=Role.COUNCIL_ADMIN)
        parent = Membership.objects.filter(role=Role.PARENT).first()
    admin_client.post(f"/staff/{own.pk}/remove/")
    with schema_context(oxfordshire.schema_name):
        own.refresh_from_db()
        assert own.is_active
    assert admin_client.get(f"/staff/{parent.pk}/role/").status_code == 404  # not a staff membership
    assert admin_client.get("/staff/999999/remove/").status_code == 404


def test_the_membership_admin_shows_no_one_outside_the_council_and_grants_nothing(admin_client, oxfordshire):
    """A Hertfordshire parent's address is shown by no admin URL on Oxfordshire's site, and no admin URL
    makes a membership for an identity the admin names."""
    herts = council_person("parent@hertfordshire.example")
    before = actions(oxfordshire.schema_name, "membership.granted")
    with schema_context(oxfordshire.schema_name):
        count = Membership.objects.count()
        some = Membership.objects.first()
        holder = some.user_id
    pages = [
        "/admin/core/membership/",
        "/admin/core/membership/?q=hertfordshire.example",
        "/admin/core/membership/add/",
        f"/admin/core/membership/add/?user={herts.pk}",
        f"/admin/core/membership/{some.pk}/change/",
        f"/admin/core/membership/{herts.pk}/change/",
        "/admin/identity/user/?_to_field=id&_popup=1&q=hertfordshire.example",
        f"/admin/identity/user/{herts.pk}/change/",
        "/admin/autocomplete/?app_label=core&model_name=membership&field_name=user&term=hertfordshire.example",
        "/admin/autocomplete/?app_label=hub&model_name=healthteammember&field_name=user&term=hertfordshire.example",
        f"/admin/r/{ContentType.objects.get_for_model(User).pk}/{herts.pk}/",
    ]
    for url in pages:
        response = admin_client.get(url, follow=True)
        assert herts.email not in response.content.decode(), url
    assert admin_client.get("/admin/core/membership/add/").status_code == 403
    posted = admin_client.post(
        "/admin/core/membership/add/", {"user": herts.pk, "role": "caseworker", "is_active": "on"}
    )
    assert posted.status_code == 403
    changed = admin_client.post(
        f"/admin/core/membership/{some.pk}/change/",
        {"user": herts.pk, "role": "caseworker", "is_active": "on"},
    )
    assert changed.status_code in {302, 403}
    with schema_context(oxfordshire.schema_name):
        assert Membership.objects.count() == count
        assert not Membership.objects.filter(user=herts).exists()
        some.refresh_from_db()
        assert some.user_id == holder
    assert actions(oxfordshire.schema_name, "membership.granted") == before


@pytest.mark.parametrize("action", ["role", "remove", "restore"])
def test_only_this_councils_admins_change_a_membership(action, oxfordshire, worcestershire):
    with schema_context(oxfordshire.schema_name):
        membership = MembershipFactory(user=UserFactory(email=unique("guarded")), role=Role.CASEWORKER)
    url = f"/staff/{membership.pk}/{action}/"
    caseworker = sign_in(
        host_client("oxfordshire"), council_person("caseworker@oxfordshire.example"), oxfordshire
    )
    assert caseworker.get(url).status_code == 403
    assert caseworker.post(url, {"role": "council_admin"}).status_code == 403
    worcs_admin = sign_in(
        host_client("worcestershire"), council_person("admin@worcestershire.example"), worcestershire
    )
    assert worcs_admin.post(url, {"role": "council_admin"}).status_code == 404  # not a membership there
    with schema_context(oxfordshire.schema_name):
        membership.refresh_from_db()
        assert (membership.role, membership.is_active) == (Role.CASEWORKER, True)
        assert not AuditEvent.objects.filter(
            target_type="core.membership", target_id=str(membership.pk)
        ).exists()


def test_declining_the_invitation_while_signing_in_grants_nothing(
    admin_client, oxfordshire, django_capture_on_commit_callbacks
):
    herts_parent = council_person("parent@hertfordshire.example")
    invite(admin_client, herts_parent.email, capture=django_capture_on_commit_callbacks)
    client = host_client("oxfordshire")
    client.post("/accounts/login/", {"login": herts_parent.email, "password": "Demo-Password-2026"})
    client.post("/accounts/code/", {"action": "finish", "code": last_code(emails_to(herts_parent.email))})
    assert "Select yes if you accept the invitation" in client.post("/accounts/invited/", {}).content.decode()
    assert client.post("/accounts/invited/", {"accept": "no"})["Location"] == "/accounts/login/"
    assert client.get("/account/")["Location"].startswith("/accounts/login/")
    with schema_context(oxfordshire.schema_name):
        assert not Membership.objects.filter(user=herts_parent).exists()
