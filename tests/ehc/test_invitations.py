"""Invitations to a child's EHC record (issue 6): Worcestershire's journey with the identity check and
activation by the SEND team, Oxfordshire's shorter one, and who may do what."""

import datetime
import re
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent, Membership
from core.roles import Role
from ehc.invitations.services import invitation_send
from ehc.models import AccessStatus, Case, CaseAccess
from tenants.configuration.selectors import configuration_get
from tests.conftest import host_client, sign_in
from tests.factories import CaseFactory, MembershipFactory, UserFactory, council_person
from tests.mail import emails_to

pytestmark = pytest.mark.django_db

FIRST, LAST = "Zephyrine", "Quillfeather"
BORN = datetime.date(2016, 5, 4)
# Every way the child could be named or dated in an email.
SECRETS = (FIRST, LAST, "4 May 2016", "04/05/2016", "2016-05-04", "4/5/2016", "May 4")


CHILD = {"child_first_name": FIRST, "child_last_name": LAST, "child_date_of_birth": BORN}


def address() -> str:
    return f"parent-{uuid.uuid4().hex[:10]}@example.com"


def staff_of(council):
    cache.clear()
    user = council_person(f"caseworker@{council.schema_name}.example")
    return sign_in(host_client(council.schema_name), user, council)


def parent_of(council, email: str | None = None, *, member: bool = True):
    user = UserFactory(email=email or address())
    if member:
        with schema_context(council.schema_name):
            MembershipFactory(user=user, role=Role.PARENT)
    return user, sign_in(host_client(council.schema_name), user, council)


def code_in(message: str) -> str:
    found = re.findall(r"^([A-Z0-9]{8})$", message, flags=re.MULTILINE)
    assert len(found) == 1, message
    return found[0]


def token_in(message: str) -> str:
    found = re.findall(r"/invitations/accept/([^/\s]+)/", message)
    assert len(found) == 1, message
    return found[0]


def assert_says_nothing_about_the_child(messages: list[str]) -> None:
    assert messages
    for message in messages:
        for secret in SECRETS:
            assert secret not in message, f"{secret!r} in:\n{message}"


def access_of(schema: str, **filters) -> CaseAccess:
    with schema_context(schema):
        return CaseAccess.objects.select_related("user").get(**filters)


def invite(staff, case, email, capture, relationship="parent", other=""):
    with capture(execute=True):
        return staff.post(
            f"/cases/{case.reference}/invite/",
            {"email": email, "relationship": relationship, "relationship_other": other, "step": "send"},
        )


def test_worcestershire_journey_from_invitation_to_active_access(
    worcestershire, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with schema_context("worcestershire"):
        case = CaseFactory(**CHILD)
    staff = staff_of(worcestershire)
    email = address()
    page = staff.get(f"/cases/{case.reference}/").content.decode()
    assert "People with access on the portal" in page
    assert "Nobody can see this child's record on the portal yet." in page
    assert f'href="/cases/{case.reference}/invite/">Invite a parent or carer' in page

    # The form, then a check before anything is sent.
    form = staff.get(f"/cases/{case.reference}/invite/")
    assert form.status_code == 200
    assert "a unique code" in form.content.decode()
    check = staff.post(
        f"/cases/{case.reference}/invite/",
        {"email": email.upper(), "relationship": "parent", "step": "check"},
    )
    assert check.status_code == 200
    html = check.content.decode()
    assert "Check the invitation before sending it" in html
    assert f'name="email" value="{email.upper()}"' in html
    assert "Parent or carer" in html
    with schema_context("worcestershire"):
        assert not CaseAccess.objects.filter(case=case).exists()
    assert emails_to(email) == []

    sent = invite(staff, case, email.upper(), capture)
    assert sent.status_code == 302
    assert sent["Location"] == f"/cases/{case.reference}/#family-access"
    access = access_of("worcestershire", case=case)
    assert (access.status, access.email, access.relationship) == (
        AccessStatus.INVITED,
        email,
        "Parent or carer",
    )
    assert access.user is None
    assert access.token_digest == ""
    assert len(access.code_digest) == 64
    [first] = emails_to(email)
    assert "invitation to the EHC Portal" in first
    assert case.reference in first
    assert "quote this code to the SEND team".lower() in first.lower()
    code = code_in(first)
    assert code not in access.code_digest
    page = staff.get(f"/cases/{case.reference}/").content.decode()
    assert "Invited: identity to be checked" in page
    assert f"/cases/{case.reference}/access/{access.pk}/verify/" in page

    # The caseworker enters the code the parent quoted: a wrong one first.
    verify_url = f"/cases/{case.reference}/access/{access.pk}/verify/"
    assert staff.get(verify_url).status_code == 200
    wrong = staff.post(verify_url, {"code": "BBBBBBBB" if code != "BBBBBBBB" else "CCCCCCCC"})
    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert "govuk-error-summary" in html
    assert "The code is not correct. 4 more incorrect codes lock the invitation." in html
    assert access_of("worcestershire", pk=access.pk).status == AccessStatus.INVITED
    assert len(emails_to(email)) == 1
    with capture(execute=True):
        right = staff.post(verify_url, {"code": f" {code[:4].lower()} {code[4:]} "})
    assert right.status_code == 302
    access = access_of("worcestershire", pk=access.pk)
    assert access.status == AccessStatus.VERIFIED
    assert access.verified_at is not None
    assert access.code_digest == ""
    assert len(access.token_digest) == 64
    second = emails_to(email)[-1]
    assert "Accept Portal Invitation" in second
    assert "http://worcestershire.localhost/invitations/accept/" in second
    token = token_in(second)
    assert token not in access.token_digest
    assert "Identity checked: acceptance link sent" in staff.get(f"/cases/{case.reference}/").content.decode()

    # The parent follows the link: signed out, they are sent to sign in and brought back.
    link = f"/invitations/accept/{token}/"
    anonymous = host_client("worcestershire").get(link)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/accounts/login/?next=/invitations/accept/{token}/"
    parent, family = parent_of(worcestershire, email)
    taken = family.get(link)
    assert taken.status_code == 302
    assert taken["Location"] == "/invitations/"
    access = access_of("worcestershire", pk=access.pk)
    assert access.user == parent
    assert access.token_digest == ""
    assert access.status == AccessStatus.VERIFIED

    pending = family.get("/invitations/").content.decode()
    assert "Invitations awaiting approval" in pending
    assert "Below lists any invitations that are waiting for your approval." in pending
    assert f"{FIRST} {LAST}" in pending
    assert "4 May 2016" in pending
    assert "Do you wish to continue with setting up your account?" in pending
    nothing = family.post("/invitations/", {})
    assert nothing.status_code == 400
    assert 'href="#continue">Select yes if you wish to continue' in nothing.content.decode()
    untick = family.post("/invitations/", {"continue": "yes"})
    assert untick.status_code == 400
    html = untick.content.decode()
    assert 'href="#invitation">Select the children whose records you want to see' in html
    assert 'value="yes" checked' in html
    confirm = family.post("/invitations/", {"continue": "yes", "invitation": [str(access.pk)]})
    assert confirm.status_code == 302
    assert confirm["Location"] == "/invitations/confirm/"
    html = family.get("/invitations/confirm/").content.decode()
    assert "Have you entered all the information you need to?" in html
    assert 'You will not be able to make any further changes once you press the "Submit" button.' in html
    assert access_of("worcestershire", pk=access.pk).status == AccessStatus.VERIFIED  # nothing yet
    with capture(execute=True):
        submitted = family.post("/invitations/confirm/")
    assert submitted.status_code == 302
    assert submitted["Location"] == "/invitations/done/"
    access = access_of("worcestershire", pk=access.pk)
    assert access.status == AccessStatus.ACCEPTED
    assert access.accepted_at is not None
    done = family.get("/invitations/done/").content.decode()
    assert "The SEND team will now activate your access" in done
    assert "invitation accepted" in emails_to(email)[-1]
    assert (
        "There are no invitations waiting for your approval." in family.get("/invitations/").content.decode()
    )
    assert family.post("/invitations/confirm/").status_code == 302  # nothing left to answer twice

    # The SEND team activates: the parent is told, without the child's name.
    page = staff.get(f"/cases/{case.reference}/").content.decode()
    assert "Accepted: waiting for the SEND team to activate" in page
    assert f'action="/cases/{case.reference}/access/{access.pk}/activate/"' in page
    with capture(execute=True):
        activated = staff.post(f"/cases/{case.reference}/access/{access.pk}/activate/")
    assert activated.status_code == 302
    access = access_of("worcestershire", pk=access.pk)
    assert access.status == AccessStatus.ACTIVE
    assert access.activated_at is not None
    last = emails_to(email)[-1]
    assert "Portal access to customer SEND record" in last
    assert f"you can now see the EHC record for reference {case.reference}" in last
    assert "http://worcestershire.localhost/accounts/login/" in last
    all_mail = emails_to(email)
    assert len(all_mail) == 4
    assert_says_nothing_about_the_child(all_mail)
    page = staff.get(f"/cases/{case.reference}/").content.decode()
    assert "Active from" in page
    assert "Remove access" in page

    with schema_context("worcestershire"):
        actions = list(
            AuditEvent.objects.filter(target_type="ehc.caseaccess", target_id=str(access.pk))
            .exclude(action__startswith="record.")  # the staff's reads of the access row, audited too
            .order_by("at", "id")
            .values_list("action", flat=True)
        )
        details = str(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert actions == [
        "invitation.sent",
        "invitation.code_failed",
        "invitation.verified",
        "invitation.link_used",
        "invitation.accepted",
        "access.activated",
    ]
    assert code not in details
    assert token not in details

    # Remove access: first a page asking to confirm (nothing changes), then REVOKED, and the parent is
    # told without details.
    confirm = staff.get(f"/cases/{case.reference}/access/{access.pk}/remove/").content.decode()
    assert "access?</h1>" in confirm
    assert "You can invite them again later" in confirm
    assert access_of("worcestershire", pk=access.pk).status == AccessStatus.ACTIVE
    with capture(execute=True):
        removed = staff.post(f"/cases/{case.reference}/access/{access.pk}/remove/")
    assert removed.status_code == 302
    assert access_of("worcestershire", pk=access.pk).status == AccessStatus.REVOKED
    assert "portal access removed" in emails_to(email)[-1]
    assert_says_nothing_about_the_child(emails_to(email))
    assert "Removed" in staff.get(f"/cases/{case.reference}/").content.decode()


def test_five_wrong_codes_lock_the_invitation_until_a_new_code_is_sent(
    worcestershire, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with schema_context("worcestershire"):
        case = CaseFactory(**CHILD)
    staff = staff_of(worcestershire)
    email = address()
    invite(staff, case, email, capture)
    access = access_of("worcestershire", case=case)
    code = code_in(emails_to(email)[-1])
    wrong = "BBBBBBBB" if code != "BBBBBBBB" else "CCCCCCCC"
    url = f"/cases/{case.reference}/access/{access.pk}/verify/"
    for left in (4, 3, 2):
        answer = staff.post(url, {"code": wrong})
        assert answer.status_code == 400
        assert f"{left} more incorrect codes lock the invitation" in answer.content.decode()
    assert "1 more incorrect code locks the invitation" in staff.post(url, {"code": wrong}).content.decode()
    fifth = staff.post(url, {"code": wrong})
    assert fifth.status_code == 400
    html = fifth.content.decode()
    assert 'href="#resend">The code is not correct. That was the 5th incorrect code' in html
    assert 'id="resend"' in html
    assert 'name="code"' not in html
    assert access_of("worcestershire", pk=access.pk).code_digest == ""
    assert "Locked: too many incorrect codes" in staff.get(f"/cases/{case.reference}/").content.decode()
    # Now even the right code is refused.
    locked = staff.post(url, {"code": code})
    assert locked.status_code == 400
    assert "the invitation is locked" in locked.content.decode()
    assert access_of("worcestershire", pk=access.pk).status == AccessStatus.INVITED

    with capture(execute=True):
        resent = staff.post(f"/cases/{case.reference}/access/{access.pk}/resend/")
    assert resent.status_code == 302
    new_code = code_in(emails_to(email)[-1])
    assert new_code != code
    assert "4 more incorrect codes" in staff.post(url, {"code": code}).content.decode()  # the old one is dead
    with capture(execute=True):
        assert staff.post(url, {"code": new_code}).status_code == 302
    assert access_of("worcestershire", pk=access.pk).status == AccessStatus.VERIFIED
    with schema_context("worcestershire"):
        assert AuditEvent.objects.filter(action="invitation.locked", target_id=str(access.pk)).count() == 1
    assert_says_nothing_about_the_child(emails_to(email))


def test_expired_reused_guessed_and_someone_elses_links_are_refused(
    oxfordshire, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with schema_context("oxfordshire"):
        case = CaseFactory(**CHILD)
    staff = staff_of(oxfordshire)
    email = address()
    invite(staff, case, email, capture)
    access = access_of("oxfordshire", case=case)
    token = token_in(emails_to(email)[-1])
    link = f"/invitations/accept/{token}/"
    parent, family = parent_of(oxfordshire, email)

    # Someone else, signed in with another address, holding the link: refused, and nothing happens.
    _, other = parent_of(oxfordshire)
    refused = other.get(link)
    assert refused.status_code == 404
    assert "This invitation link cannot be used" in refused.content.decode()
    assert access_of("oxfordshire", pk=access.pk).user is None
    # Guessed links.
    for guess in ("x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), "1"):
        assert family.get(f"/invitations/accept/{guess}/").status_code == 404

    # Expired: 14 days after it was sent.
    with schema_context("oxfordshire"):
        CaseAccess.objects.filter(pk=access.pk).update(
            verified_at=timezone.now() - datetime.timedelta(days=14, minutes=1)
        )
    assert family.get(link).status_code == 404
    assert access_of("oxfordshire", pk=access.pk).user is None
    assert "works 14 days" in staff.get(f"/cases/{case.reference}/").content.decode()
    with capture(execute=True):
        assert staff.post(f"/cases/{case.reference}/access/{access.pk}/resend/").status_code == 302
    new_token = token_in(emails_to(email)[-1])
    assert family.get(link).status_code == 404  # the old link stays dead
    assert family.get(f"/invitations/accept/{new_token}/").status_code == 302
    assert access_of("oxfordshire", pk=access.pk).user == parent
    # Used once: a second use is refused, by the same person or anyone.
    assert family.get(f"/invitations/accept/{new_token}/").status_code == 404
    assert other.get(f"/invitations/accept/{new_token}/").status_code == 404
    # The other person has nothing waiting; the parent has the child.
    assert FIRST not in other.get("/invitations/").content.decode()
    assert FIRST in family.get("/invitations/").content.decode()


def test_a_declined_invitation_shows_to_the_team_and_can_be_sent_again(
    worcestershire, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with schema_context("worcestershire"):
        case = CaseFactory(**CHILD)
    staff = staff_of(worcestershire)
    email = address()
    invite(staff, case, email, capture, relationship="other", other="Grandmother")
    access = access_of("worcestershire", case=case)
    assert access.relationship == "Grandmother"
    with capture(execute=True):
        staff.post(
            f"/cases/{case.reference}/access/{access.pk}/verify/", {"code": code_in(emails_to(email)[-1])}
        )
    _, family = parent_of(worcestershire, email)
    family.get(f"/invitations/accept/{token_in(emails_to(email)[-1])}/")
    assert family.post("/invitations/", {"continue": "no"}).status_code == 302
    html = family.get("/invitations/confirm/").content.decode()
    assert "You are declining" in html
    assert f"{FIRST} {LAST}" in html
    with capture(execute=True):
        family.post("/invitations/confirm/")
    assert access_of("worcestershire", pk=access.pk).status == AccessStatus.DECLINED
    done = family.get("/invitations/done/").content.decode()
    assert "You declined" in done
    page = staff.get(f"/cases/{case.reference}/").content.decode()
    assert "Declined" in page
    assert "Grandmother" in page
    assert len(emails_to(email)) == 2  # the code and the link; declining sends nothing

    # Invited again: the same row starts over, unbound.
    again = invite(staff, case, email, capture)
    assert again.status_code == 302
    access = access_of("worcestershire", pk=access.pk)
    assert (access.status, access.user, access.relationship) == (
        AccessStatus.INVITED,
        None,
        "Parent or carer",
    )
    with schema_context("worcestershire"):
        assert CaseAccess.objects.filter(case=case).count() == 1
    assert_says_nothing_about_the_child(emails_to(email))


def test_oxfordshire_sends_the_link_at_once_and_acceptance_is_access(
    oxfordshire, worcestershire, django_capture_on_commit_callbacks
):
    """Oxfordshire has neither the identity check nor activation by the team."""
    capture = django_capture_on_commit_callbacks
    with schema_context("oxfordshire"):
        config = configuration_get()
        assert (config.registration, config.accounts_confirmed_by_team) == ("open", False)
    with schema_context("oxfordshire"):
        case = CaseFactory(**CHILD)
        other_child = CaseFactory(
            **{**CHILD, "child_first_name": "Peregrine", "child_last_name": "Quillfeather"}
        )
    staff = staff_of(oxfordshire)
    email = address()
    form = staff.get(f"/cases/{case.reference}/invite/").content.decode()
    assert "Their access starts when they accept" in form
    assert "unique code" not in form
    invite(staff, case, email, capture)
    invite(staff, other_child, email, capture)
    access = access_of("oxfordshire", case=case)
    assert access.status == AccessStatus.VERIFIED
    assert access.code_digest == ""
    assert access.verified_at is not None
    first, second = emails_to(email)
    assert "Accept Portal Invitation" in first
    assert not re.search(r"^[A-Z0-9]{8}$", first, re.MULTILINE)
    assert "Acceptance link sent" in staff.get(f"/cases/{case.reference}/").content.decode()
    # No identity to check here.
    assert staff.get(f"/cases/{case.reference}/access/{access.pk}/verify/").status_code == 302

    # A person with an account elsewhere (Worcestershire) but none here: accepting makes them a member.
    user = UserFactory(email=email)
    with schema_context("worcestershire"):
        MembershipFactory(user=user, role=Role.PARENT)
    family = sign_in(host_client("oxfordshire"), user, oxfordshire)
    with schema_context("oxfordshire"):
        assert not Membership.objects.filter(user=user).exists()
    family.get(f"/invitations/accept/{token_in(first)}/")
    family.get(f"/invitations/accept/{token_in(second)}/")
    html = family.get("/invitations/").content.decode()
    assert "Zephyrine Quillfeather" in html
    assert "Peregrine Quillfeather" in html
    family.post("/invitations/", {"continue": "yes", "invitation": [str(access.pk)]})
    html = family.get("/invitations/confirm/").content.decode()
    assert "You are accepting access to" in html
    assert "You are declining" in html
    with capture(execute=True):
        family.post("/invitations/confirm/")
    access = access_of("oxfordshire", pk=access.pk)
    assert access.status == AccessStatus.ACTIVE
    assert access.activated_at is not None
    assert access_of("oxfordshire", case=other_child).status == AccessStatus.DECLINED
    with schema_context("oxfordshire"):
        assert Membership.objects.filter(user=user, role=Role.PARENT, is_active=True).exists()
    last = emails_to(email)[-1]
    assert "Portal access to customer SEND record" in last
    assert f"you can now see the EHC record for reference {case.reference}" in last
    assert "You can now see" in family.get("/invitations/done/").content.decode()
    assert len(emails_to(email)) == 3
    assert_says_nothing_about_the_child(emails_to(email))
    for message in emails_to(email):
        assert "Peregrine" not in message


def test_bad_invitations_show_the_errors_keep_what_was_typed_and_save_nothing(
    worcestershire, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with schema_context("worcestershire"):
        case = CaseFactory(**CHILD)
    staff = staff_of(worcestershire)
    url = f"/cases/{case.reference}/invite/"
    empty = staff.post(url, {"step": "check"})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert 'href="#email">Enter the email address' in html
    assert 'href="#relationship">Select how they are related to the child' in html
    bad = staff.post(url, {"step": "send", "email": "not-an-address", "relationship": "other"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Enter an email address in the correct format" in html
    assert 'href="#relationship_other">Enter how they are related' in html
    assert 'value="not-an-address"' in html
    assert 'value="other" checked' in html
    with schema_context("worcestershire"):
        assert not CaseAccess.objects.filter(case=case).exists()

    email = address()
    invite(staff, case, email, capture)
    twice = invite(staff, case, email.upper(), capture)
    assert twice.status_code == 400
    assert "This email address already has an invitation or access for this child" in twice.content.decode()
    with schema_context("worcestershire"):
        assert CaseAccess.objects.filter(case=case).count() == 1
    assert len(emails_to(email)) == 1


STAFF_URLS = (
    ("get", "/cases/{ref}/invite/"),
    ("post", "/cases/{ref}/invite/"),
    ("get", "/cases/{ref}/access/{pk}/verify/"),
    ("post", "/cases/{ref}/access/{pk}/verify/"),
    ("post", "/cases/{ref}/access/{pk}/resend/"),
    ("post", "/cases/{ref}/access/{pk}/activate/"),
    ("post", "/cases/{ref}/access/{pk}/remove/"),
)


def test_other_councils_staff_get_404_parents_403_and_the_signed_out_sign_in(
    worcestershire, oxfordshire, django_capture_on_commit_callbacks
):
    with schema_context("worcestershire"):
        case = CaseFactory(**CHILD)
    with schema_context("worcestershire"):
        invitation_send(
            case=case,
            email=address(),
            relationship="Parent or carer",
            by=None,
            config=configuration_get(),
            base_url="http://worcestershire.localhost/",
        )
        access = CaseAccess.objects.get(case=case)
    oxon_staff = staff_of(oxfordshire)
    _, parent = parent_of(worcestershire)
    anonymous = host_client("worcestershire")
    for method, pattern in STAFF_URLS:
        url = pattern.format(ref=case.reference, pk=access.pk)
        assert getattr(oxon_staff, method)(url).status_code == 404, url
        assert getattr(parent, method)(url).status_code == 403, url
        signed_out = getattr(anonymous, method)(url)
        assert signed_out.status_code == 302, url
        assert signed_out["Location"].startswith("/accounts/login/"), url
    # Worcestershire's own staff, on another case's reference with this access row: 404.
    with schema_context("worcestershire"):
        other_case = CaseFactory(**CHILD)
    staff = staff_of(worcestershire)
    assert staff.get(f"/cases/{other_case.reference}/access/{access.pk}/verify/").status_code == 404
    assert staff.post(f"/cases/{other_case.reference}/access/{access.pk}/remove/").status_code == 404
    assert access_of("worcestershire", pk=access.pk).status == AccessStatus.INVITED
    # The parent's pages need a sign-in.
    for url in ("/invitations/", "/invitations/confirm/", "/invitations/done/"):
        answer = anonymous.get(url)
        assert answer.status_code == 302, url
        assert answer["Location"].startswith("/accounts/login/"), url


def _invitations_for(schema: str, user, n: int) -> None:
    with schema_context(schema):
        for _ in range(n):
            case = Case.objects.create(
                reference=f"CASE-{uuid.uuid4().hex[:8].upper()}",
                child_first_name="Child",
                child_last_name="Many",
                child_date_of_birth=BORN,
                received_on=datetime.date(2026, 9, 1),
            )
            CaseAccess.objects.create(
                case=case,
                email=user.email if user else address(),
                user=user,
                relationship="Parent or carer",
                status=AccessStatus.VERIFIED,
                invited_at=timezone.now(),
                verified_at=timezone.now(),
            )


def test_query_counts_do_not_grow(worcestershire, assert_queries):
    with schema_context("worcestershire"):
        case = CaseFactory(**CHILD)
    staff = staff_of(worcestershire)
    url = f"/cases/{case.reference}/invite/"
    staff.get(url)
    # routing, session, configuration, identity, staff check, case, the audit row for reading it
    with assert_queries(7):
        assert staff.get(url).status_code == 200
    with schema_context("worcestershire"):
        for _ in range(30):
            CaseAccess.objects.create(case=case, email=address(), status=AccessStatus.DECLINED)
    with assert_queries(7):
        assert staff.get(url).status_code == 200

    user, family = parent_of(worcestershire)
    _invitations_for("worcestershire", user, 1)
    family.get("/invitations/")
    # routing, session, identity, the invitations with their children, configuration (page furniture)
    with assert_queries(5):
        assert family.get("/invitations/").content.decode().count('name="invitation"') == 1
    _invitations_for("worcestershire", user, 12)
    _invitations_for("worcestershire", None, 5)  # other people's
    with assert_queries(5):
        assert family.get("/invitations/").content.decode().count('name="invitation"') == 13


def test_the_case_pages_access_table_does_not_grow_queries_with_its_rows(worcestershire):
    """One query for the table whatever its length (rows from invitations carry their address)."""
    with schema_context("worcestershire"):
        case = CaseFactory(**CHILD)
    staff = staff_of(worcestershire)
    url = f"/cases/{case.reference}/"
    staff.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(url).status_code == 200
        return len([q for q in captured.captured_queries if not q["sql"].startswith("SET search_path")])

    with schema_context("worcestershire"):
        CaseAccess.objects.create(case=case, email=address(), status=AccessStatus.INVITED, code_digest="x")
    one = queries()
    with schema_context("worcestershire"):
        for status in [*AccessStatus.values] * 4:
            CaseAccess.objects.create(case=case, email=address(), status=status, invited_at=timezone.now())
    html = staff.get(url).content.decode()
    assert html.count('<tr class="govuk-table__row">') >= 25
    assert queries() == one
