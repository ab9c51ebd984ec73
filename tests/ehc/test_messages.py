"""Secure messages: a family member and the SEND team write to each other about a child's case, as far as
the council allows (Oxfordshire: both ways; Hertfordshire: neither; a council may let parents reply but
not start). Nobody else sees a message, by URL or by a guessed number, and no notification says more
than that a message is waiting."""

import datetime
import html
import itertools
import json
import uuid

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.roles import Role
from ehc.messages import selectors as messages_selectors
from ehc.messages import services as messages_services
from ehc.messages.selectors import case_messages_prefetch, unread_count_for
from ehc.messages.services import message_mark_read, message_send_by_family, message_send_by_team
from ehc.models import AccessStatus, Case, CaseAccess, Message
from tenants.configuration.models import CouncilConfiguration
from tests.conftest import host_client, sign_in
from tests.factories import CaseFactory, MembershipFactory, UserFactory
from tests.mail import emails_to

NUMBERS = itertools.count()
BASE_URL = "http://oxfordshire.localhost/"
CHILD = ("Juniper", "Marchbank")
CASE = {"child_first_name": CHILD[0], "child_last_name": CHILD[1], "received_on": datetime.date(2026, 1, 5)}
HERTS_NOTICE = (
    "Please note, it is NOT possible to send new messages via the Portal, please use existing methods of "
    "communications."
)


def unique_email(name: str) -> str:
    # Emails are files under var/mail-test that outlive a test run: each test reads only its own.
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def family_member(case: Case | None, *, status=AccessStatus.ACTIVE, name="parent"):
    user = UserFactory(email=unique_email(name), first_name="Robin", last_name=f"Parent{next(NUMBERS)}")
    MembershipFactory(user=user, role=Role.PARENT)
    if case is not None:
        CaseAccess.objects.create(
            case=case, user=user, email=user.email, relationship="Mother", status=status
        )
    return user


def staff_member(name="caseworker", role=Role.CASEWORKER):
    user = UserFactory(email=unique_email(name), first_name="Nyree", last_name="Ellison-Anjos")
    MembershipFactory(user=user, role=role)
    return user


def configure(schema_name: str, **fields) -> None:
    with schema_context(schema_name):
        CouncilConfiguration.objects.filter(pk=1).update(**fields)


@pytest.fixture
def setting(oxfordshire):
    """An Oxfordshire case with its own caseworker and a parent with active access, both signed in."""
    cache.clear()
    with schema_context(oxfordshire.schema_name):
        caseworker = staff_member()
        case = CaseFactory(**CASE, caseworker=caseworker)
        parent = family_member(case)
    return {
        "case": case,
        "parent": parent,
        "caseworker": caseworker,
        "family": sign_in(host_client("oxfordshire"), parent, oxfordshire),
        "staff": sign_in(host_client("oxfordshire"), caseworker, oxfordshire),
    }


def family_url(case, suffix="") -> str:
    return f"/children/{case.reference}/messages/{suffix}"


def staff_url(case, suffix="") -> str:
    return f"/cases/{case.reference}/messages/{suffix}"


def only_message(**filters) -> Message:
    return Message.objects.select_related("sender", "recipient").get(**filters)


def inbox_and_sent(page: str) -> tuple[str, str]:
    """The Inbox and the Sent Items parts of the family's Messages page."""
    before, sent = page.split(f"{CHILD[0]}'s Sent Items</h2>")
    return before.split(f"{CHILD[0]}'s Inbox")[1], sent


def assert_says_nothing_private(email: str, *private: str) -> None:
    for text in (*CHILD, *private):
        assert text not in email, text


def test_a_parent_and_the_caseworker_write_back_and_forth(
    setting, oxfordshire, django_capture_on_commit_callbacks
):
    family, staff, case = setting["family"], setting["staff"], setting["case"]
    parent, caseworker = setting["parent"], setting["caseworker"]

    page = family.get(family_url(case)).content.decode()
    assert '<h1 class="govuk-heading-l">Messages</h1>' in page
    assert f"{CHILD[0]}'s Inbox" in page
    assert f"{CHILD[0]}'s Sent Items" in page
    assert f'href="{family_url(case, "new/")}"' in page
    assert ">New Message</a>" in page
    assert f'href="{family_url(case)}"' in page
    assert ">Refresh</a>" in page
    assert "No messages" in page
    assert "No items" in page
    assert 'aria-current="page">Messages</a>' in page  # the side navigation's current page

    form = family.get(family_url(case, "new/")).content.decode()
    assert '<h1 class="govuk-heading-l">Secure Message</h1>' in form
    assert 'value="Message from parent"' in form  # the council's types, in its order
    assert form.index("Message from parent") < form.index("EHC Needs Assessment (0-20 weeks)")
    assert ">Send</button>" in form
    assert ">Cancel</a>" in form

    # 1. The parent starts a conversation; the caseworker is told that a message is waiting.
    with django_capture_on_commit_callbacks(execute=True):
        sent = family.post(
            family_url(case, "new/"),
            {
                "message_type": "Message from parent",
                "subject": "Does the SENO get notified",
                "body": "Hello.",
            },
        )
    assert sent.status_code == 302
    assert sent["Location"] == family_url(case)
    with schema_context(oxfordshire.schema_name):
        first = only_message(case=case)
        audit = AuditEvent.objects.get(action="message.sent", target_id=str(first.pk))
    assert (first.from_team, first.recipient, first.sender, first.in_reply_to) == (False, None, parent, None)
    assert (first.message_type, first.subject, first.body, first.read_at) == (
        "Message from parent",
        "Does the SENO get notified",
        "Hello.",
        None,
    )
    assert audit.actor == parent
    assert audit.detail == {"case": case.reference, "from": "family", "in_reply_to": None}
    [email] = emails_to(caseworker.email)
    assert f"You have a new secure message about case {case.reference}" in email
    assert f"/accounts/login/?next=%2Fcases%2F{case.reference}%2Fmessages%2F{first.pk}%2F" in email
    assert_says_nothing_private(email, "Does the SENO", "Hello.", "Message from parent")

    listed = family.get(family_url(case)).content.decode()
    assert "Your message has been sent." in listed
    sent_items = inbox_and_sent(listed)[1]
    assert "Does the SENO get notified" in sent_items
    assert "SEND team" in sent_items  # To: a new message goes to the team
    assert "Unread" not in sent_items

    # The SEND team: unread on the case's list, read once opened.
    section = render_section(case, oxfordshire)
    assert "Unread" in section
    assert f'href="{staff_url(case, f"{first.pk}/")}"' in section
    opened = staff.get(staff_url(case, f"{first.pk}/")).content.decode()
    assert "Hello." in opened
    assert f'href="{staff_url(case, f"{first.pk}/reply/")}"' in opened
    with schema_context(oxfordshire.schema_name):
        first.refresh_from_db()
        assert first.read_at is not None
        assert AuditEvent.objects.filter(action="message.read", target_id=str(first.pk)).count() == 1
    assert "Unread" not in render_section(case, oxfordshire)

    # 2. The caseworker replies: to the parent, the same type, "RE: subject", the original below.
    reply_form = staff.get(staff_url(case, f"{first.pk}/reply/")).content.decode()
    assert 'value="RE: Does the SENO get notified"' in reply_form
    assert "Original message" in reply_form
    assert "Hello." in reply_form
    assert "Hello." not in reply_form.split('id="body"')[1].split("</textarea>")[0]  # quoted, not copied
    with django_capture_on_commit_callbacks(execute=True):
        replied = staff.post(
            staff_url(case, f"{first.pk}/reply/"),
            {"subject": "RE: Does the SENO get notified", "body": "Yes, I was told.", "message_type": "x"},
        )
    assert replied.status_code == 302
    assert replied["Location"] == f"/cases/{case.reference}/#messages"
    with schema_context(oxfordshire.schema_name):
        second = only_message(case=case, from_team=True)
        assert unread_count_for(case, parent) == 1
    assert (second.recipient, second.sender, second.in_reply_to_id) == (parent, caseworker, first.pk)
    assert second.message_type == "Message from parent"  # kept, whatever was posted
    [email] = emails_to(parent.email)
    assert f"You have a new secure message about case {case.reference}" in email
    assert f"/accounts/login/?next=%2Fchildren%2F{case.reference}%2Fmessages%2F{second.pk}%2F" in email
    assert_says_nothing_private(email, "SENO", "Yes, I was told.", "Message from parent")

    inbox = inbox_and_sent(family.get(family_url(case)).content.decode())[0]
    assert "(1 unread)" in inbox
    assert '<strong class="govuk-tag govuk-tag--blue">Unread</strong>' in inbox
    assert "govuk-!-font-weight-bold" in inbox
    assert "Nyree Ellison-Anjos" in inbox  # From
    assert parent.get_full_name() in inbox  # To

    # 3. The parent opens it (now read) and replies.
    message_page = family.get(family_url(case, f"{second.pk}/")).content.decode()
    assert "Yes, I was told." in message_page
    assert "Original message" in message_page  # their own message, quoted
    assert f'href="{family_url(case, f"{second.pk}/reply/")}"' in message_page
    with schema_context(oxfordshire.schema_name):
        assert unread_count_for(case, parent) == 0
    assert "Unread" not in family.get(family_url(case)).content.decode()
    reply = family.get(family_url(case, f"{second.pk}/reply/")).content.decode()
    assert 'value="RE: Does the SENO get notified"' in reply  # not "RE: RE:"
    assert "Yes, I was told." in reply  # quoted below
    assert 'name="message_type"' not in reply  # a reply keeps the type
    with django_capture_on_commit_callbacks(execute=True):
        family.post(
            family_url(case, f"{second.pk}/reply/"),
            {"subject": "RE: Does the SENO get notified", "body": "Thank you."},
        )
    with schema_context(oxfordshire.schema_name):
        third = Message.objects.get(case=case, in_reply_to=second)
    assert (third.from_team, third.message_type, third.sender) == (False, "Message from parent", parent)
    assert len(emails_to(caseworker.email)) == 2
    sent_items = inbox_and_sent(family.get(family_url(case)).content.decode())[1]
    assert "Nyree Ellison-Anjos" in sent_items  # To: the person replied to
    assert sent_items.count("RE: Does the SENO get notified") == 1

    section = render_section(case, oxfordshire)
    assert section.count(f'href="/cases/{case.reference}/messages/') == 3 + 1  # + Send a secure message
    with schema_context(oxfordshire.schema_name):
        for audit in AuditEvent.objects.filter(action__startswith="message."):
            stored = json.dumps(audit.detail)
            for private in ("SENO", "Hello", "told", "Thank you", *CHILD):
                assert private not in stored


def render_section(case, council) -> str:
    """The case page's Messages section (ehc/templates/ehc/cases/_messages.html), with the case as
    ehc.cases.views._case should fetch it."""
    with schema_context(council.schema_name):
        fetched = Case.objects.prefetch_related(case_messages_prefetch()).get(pk=case.pk)
        return render_to_string("ehc/cases/_messages.html", {"case": fetched})


def test_with_no_caseworker_the_councils_address_is_told(oxfordshire, django_capture_on_commit_callbacks):
    address = unique_email("send-team")
    configure(oxfordshire.schema_name, contact_email=address)
    with schema_context(oxfordshire.schema_name):
        case = CaseFactory(**CASE)
        parent = family_member(case)
        with django_capture_on_commit_callbacks(execute=True):
            message_send_by_family(
                case=case,
                sender=parent,
                message_type="Message from parent",
                subject="Checking the status of my child's record",
                body="Any news?",
                base_url=BASE_URL,
            )
    [email] = emails_to(address)
    assert case.reference in email
    assert_says_nothing_private(email, "Checking the status", "Any news?")


def test_what_is_typed_wrongly_is_shown_kept_and_nothing_is_stored(setting, oxfordshire):
    family, staff, case = setting["family"], setting["staff"], setting["case"]
    refused = family.post(
        family_url(case, "new/"), {"message_type": "Made up", "subject": "Kept", "body": " "}
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "<title>Error: Secure Message" in page
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert summary.index('href="#message_type">Select a message type') < summary.index(
        'href="#body">Enter a message'
    )
    assert 'id="message_type-error"' in page
    assert 'value="Kept"' in page
    long = family.post(
        family_url(case, "new/"), {"message_type": "Message from parent", "subject": "x" * 201, "body": "b"}
    )
    assert "Subject must be 200 characters or less" in long.content.decode()

    with schema_context(oxfordshire.schema_name):
        stranger = family_member(None)
        revoked = family_member(case, status=AccessStatus.REVOKED)
    form = staff.get(staff_url(case, "new/")).content.decode()
    assert form.count('name="recipient"') == 1  # the one person with active access
    assert revoked.get_full_name() not in form
    for recipient in ("", str(stranger.pk), str(revoked.pk)):
        bad = staff.post(
            staff_url(case, "new/"),
            {"recipient": recipient, "message_type": "Message from parent", "subject": "S", "body": "Typed"},
        )
        assert bad.status_code == 400
        assert 'href="#recipient">Select who the message is for' in bad.content.decode()
        assert "Typed</textarea>" in bad.content.decode()
    with schema_context(oxfordshire.schema_name):
        assert not Message.objects.filter(case=case).exists()
        assert not AuditEvent.objects.filter(action="message.sent", detail__case=case.reference).exists()


def test_hertfordshire_parents_can_neither_start_nor_reply(councils, django_capture_on_commit_callbacks):
    herts = councils["hertfordshire"]
    cache.clear()
    with schema_context(herts.schema_name):
        config = CouncilConfiguration.objects.get()
        assert (config.parents_can_start_messages, config.parents_can_reply) == (False, False)
        assert config.messages_notice == HERTS_NOTICE
        coordinator = staff_member("coordinator")
        case = CaseFactory(**CASE, caseworker=coordinator)
        parent = family_member(case)
        with django_capture_on_commit_callbacks(execute=True):
            handover = message_send_by_team(
                case=case,
                sender=coordinator,
                recipient=parent,
                message_type="EHC Handover to new team",
                subject="EHC Handover to new team",
                body="Your new coordinator is Robert.",
                base_url="http://hertfordshire.localhost/",
            )
    family = sign_in(host_client("hertfordshire"), parent, herts)
    page = family.get(family_url(case)).content.decode()
    assert html.escape(HERTS_NOTICE, quote=False) in page
    assert "New Message" not in page
    assert family_url(case, "new/") not in page
    assert ">Refresh</a>" in page
    assert "EHC Handover to new team" in page
    opened = family.get(family_url(case, f"{handover.pk}/")).content.decode()
    assert "Your new coordinator is Robert." in opened
    assert ">Reply</a>" not in opened
    assert "reply/" not in opened
    assert html.escape(HERTS_NOTICE, quote=False) in opened

    for url in (family_url(case, "new/"), family_url(case, f"{handover.pk}/reply/")):
        got = family.get(url)
        assert got.status_code == 403, url
        assert html.escape(HERTS_NOTICE, quote=False) in got.content.decode()
        posted = family.post(url, {"message_type": "EHC Handover to new team", "subject": "S", "body": "B"})
        assert posted.status_code == 403, url
        assert html.escape(HERTS_NOTICE, quote=False) in posted.content.decode()
    with schema_context(herts.schema_name):
        assert list(Message.objects.filter(case=case)) == [handover]
        # The service refuses whoever calls it.
        for in_reply_to in (None, handover):
            with pytest.raises(PermissionDenied, match="NOT possible to send new messages"):
                message_send_by_family(
                    case=case,
                    sender=parent,
                    message_type="EHC Handover to new team",
                    subject="S",
                    body="B",
                    in_reply_to=in_reply_to,
                    base_url=BASE_URL,
                )
        assert Message.objects.filter(case=case).count() == 1
    # The SEND team can always write.
    staff = sign_in(host_client("hertfordshire"), coordinator, herts)
    form = staff.get(staff_url(case, "new/")).content.decode()
    assert 'value="Information from the SEND Service"' in form


def test_a_council_may_let_parents_reply_but_not_start(
    setting, oxfordshire, django_capture_on_commit_callbacks
):
    """Worcestershire-style rules, set here: Reply shown, New Message not, and only replies accepted."""
    configure(
        oxfordshire.schema_name, parents_can_start_messages=False, parents_can_reply=True, messages_notice=""
    )
    family, case, parent = setting["family"], setting["case"], setting["parent"]
    with schema_context(oxfordshire.schema_name):
        received = message_send_by_team(
            case=case,
            sender=setting["caseworker"],
            recipient=parent,
            message_type="EHC Needs Assessment (0-20 weeks)",
            subject="Update",
            body="We have decided to assess.",
            base_url=BASE_URL,
        )
    page = family.get(family_url(case)).content.decode()
    assert "New Message" not in page
    assert "You cannot start a new message on the portal." in page
    assert (
        f'href="{family_url(case, f"{received.pk}/reply/")}"'
        in family.get(family_url(case, f"{received.pk}/")).content.decode()
    )
    assert family.get(family_url(case, "new/")).status_code == 403
    refused = family.post(
        family_url(case, "new/"), {"message_type": "Message from parent", "subject": "S", "body": "B"}
    )
    assert refused.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        replied = family.post(
            family_url(case, f"{received.pk}/reply/"), {"subject": "RE: Update", "body": "Ok"}
        )
    assert replied.status_code == 302
    with schema_context(oxfordshire.schema_name):
        assert Message.objects.filter(case=case, from_team=False).count() == 1
        reply = Message.objects.get(case=case, from_team=False)
    assert (reply.in_reply_to_id, reply.message_type) == (received.pk, "EHC Needs Assessment (0-20 weeks)")


def test_the_services_hold_the_rules_whoever_calls_them(setting, oxfordshire):
    case, parent, caseworker = setting["case"], setting["parent"], setting["caseworker"]
    with schema_context(oxfordshire.schema_name):
        other_parent = family_member(case, name="father")
        other_case = CaseFactory(**CASE)
        family_member(other_case)
        CaseAccess.objects.create(
            case=other_case, user=parent, email=parent.email, status=AccessStatus.ACTIVE
        )
        to_other = message_send_by_team(
            case=case,
            sender=caseworker,
            recipient=other_parent,
            message_type="Message from parent",
            subject="For the father",
            body="B",
            base_url=BASE_URL,
        )
        about_other_case = message_send_by_team(
            case=other_case,
            sender=caseworker,
            recipient=parent,
            message_type="Message from parent",
            subject="Other case",
            body="B",
            base_url=BASE_URL,
        )
        new = {"message_type": "Message from parent", "subject": "S", "body": "B", "base_url": BASE_URL}
        # A reply only to a message from the team to this person about this case.
        for original in (to_other, about_other_case):
            with pytest.raises(PermissionDenied):
                message_send_by_family(case=case, sender=parent, in_reply_to=original, **new)
        # Only people with active access.
        for status in (AccessStatus.INVITED, AccessStatus.ACCEPTED, AccessStatus.REVOKED):
            CaseAccess.objects.filter(case=case, user=other_parent).update(status=status)
            with pytest.raises(PermissionDenied):
                message_send_by_family(case=case, sender=other_parent, **new)
            with pytest.raises(ValidationError) as error:
                message_send_by_team(case=case, sender=caseworker, recipient=other_parent, **new)
            assert error.value.message_dict == {"recipient": ["Select who the message is for"]}
            with pytest.raises(PermissionDenied):
                message_mark_read(message=to_other, by=other_parent)
        # Only the SEND team writes as the team, and reads what is sent to the team.
        family_message = message_send_by_family(case=case, sender=parent, **new)
        with pytest.raises(PermissionDenied):
            message_send_by_team(case=case, sender=parent, recipient=parent, **new)
        with pytest.raises(PermissionDenied):
            message_mark_read(message=family_message, by=parent)
        with pytest.raises(PermissionDenied):  # nor the parent someone else's message
            message_mark_read(message=to_other, by=parent)
        # The team's reply goes to the sender, about the same case.
        with pytest.raises(PermissionDenied):
            message_send_by_team(
                case=other_case, sender=caseworker, recipient=parent, in_reply_to=family_message, **new
            )
        reply = message_send_by_team(
            case=case, sender=caseworker, recipient=other_parent, in_reply_to=family_message, **new
        )
        assert reply.recipient == parent
        # Reading is recorded once.
        assert message_mark_read(message=reply, by=parent) is True
        assert message_mark_read(message=reply, by=parent) is False
        assert AuditEvent.objects.filter(action="message.read", target_id=str(reply.pk)).count() == 1
        assert Message.objects.filter(case=case).count() == 3


def test_nobody_else_gets_a_message(setting, oxfordshire, worcestershire):
    family, staff, case, parent, caseworker = (
        setting["family"],
        setting["staff"],
        setting["case"],
        setting["parent"],
        setting["caseworker"],
    )
    with schema_context(oxfordshire.schema_name):
        stranger = family_member(None, name="stranger")
        father = family_member(case, name="father")
        other_case = CaseFactory(**CASE)
        other_parent = family_member(other_case)
        CaseAccess.objects.create(
            case=other_case, user=parent, email=parent.email, status=AccessStatus.ACTIVE
        )
        to_parent = message_send_by_team(
            case=case,
            sender=caseworker,
            recipient=parent,
            message_type="Message from parent",
            subject="Private",
            body="B",
            base_url=BASE_URL,
        )
        from_parent = message_send_by_family(
            case=case,
            sender=parent,
            message_type="Message from parent",
            subject="Mine",
            body="B",
            base_url=BASE_URL,
        )
        on_other_case = message_send_by_team(
            case=other_case,
            sender=caseworker,
            recipient=other_parent,
            message_type="Message from parent",
            subject="Other",
            body="B",
            base_url=BASE_URL,
        )
        count = Message.objects.count()
    guessed = on_other_case.pk + 1000
    family_urls = [
        family_url(case),
        family_url(case, "new/"),
        family_url(case, f"{to_parent.pk}/"),
        family_url(case, f"{to_parent.pk}/reply/"),
        family_url(case, f"{guessed}/"),
        family_url(case, f"{guessed}/reply/"),
    ]
    staff_urls = [
        staff_url(case, "new/"),
        staff_url(case, f"{from_parent.pk}/"),
        staff_url(case, f"{from_parent.pk}/reply/"),
    ]
    post = {"message_type": "Message from parent", "subject": "S", "body": "B", "recipient": str(parent.pk)}

    nosy = sign_in(host_client("oxfordshire"), stranger, oxfordshire)
    for url in family_urls:
        assert nosy.get(url).status_code == 404, url
        assert nosy.post(url, post).status_code in {404, 405}, url
    # The father sees the case but not what the team wrote to the mother, nor her messages.
    dad = sign_in(host_client("oxfordshire"), father, oxfordshire)
    assert "Private" not in dad.get(family_url(case)).content.decode()
    for url in (
        family_url(case, f"{to_parent.pk}/"),
        family_url(case, f"{to_parent.pk}/reply/"),
        family_url(case, f"{from_parent.pk}/"),
    ):
        assert dad.get(url).status_code == 404, url
    assert dad.post(family_url(case, f"{to_parent.pk}/reply/"), post).status_code == 404
    # A message of one case opened under another case's address.
    assert family.get(family_url(other_case, f"{to_parent.pk}/")).status_code == 404
    assert family.get(family_url(case, f"{on_other_case.pk}/")).status_code == 404
    assert family.post(family_url(other_case, f"{to_parent.pk}/reply/"), post).status_code == 404
    assert staff.get(staff_url(other_case, f"{from_parent.pk}/")).status_code == 404
    assert staff.post(staff_url(other_case, f"{from_parent.pk}/reply/"), post).status_code == 404
    assert staff.get(staff_url(case, f"{to_parent.pk}/reply/")).status_code == 404  # not a family message
    assert staff.get(staff_url(case, f"{guessed}/")).status_code == 404
    # A parent has no staff pages; staff have no family pages; another council finds no such case.
    for url in staff_urls:
        assert family.get(url).status_code == 403, url
        assert family.post(url, post).status_code == 403, url
    assert staff.get(family_url(case)).status_code == 404
    worcs_staff = staff_member_of(worcestershire)
    for url in staff_urls:
        assert worcs_staff.get(url).status_code == 404, url
        assert worcs_staff.post(url, post).status_code in {404, 405}, url  # a message page is GET only
    anonymous = host_client("oxfordshire")
    for url in (*family_urls[:4], *staff_urls):
        assert anonymous.get(url)["Location"].startswith("/accounts/login/"), url
    with schema_context(oxfordshire.schema_name):
        assert Message.objects.count() == count
        assert Message.objects.get(pk=from_parent.pk).read_at is None  # nobody's looking read it


def staff_member_of(council):
    with schema_context(council.schema_name):
        user = staff_member("worcs")
    return sign_in(host_client(council.schema_name), user, council)


def bulk_messages(case, *, team, parent, n: int) -> None:
    """``n`` messages, alternately from the family and from the team, half of each unread, straight into
    the table."""
    Message.objects.bulk_create(
        Message(
            case=case,
            message_type="Message from parent",
            subject=f"Subject {i}",
            body="Body",
            sender=team if i % 2 else parent,
            from_team=bool(i % 2),
            recipient=parent if i % 2 else None,
            read_at=None if i % 4 in {0, 1} else datetime.datetime(2026, 1, 6, tzinfo=datetime.UTC),
        )
        for i in range(n)
    )


def test_the_inbox_query_count_does_not_grow_with_the_messages(setting, oxfordshire, assert_queries):
    family, case, parent, caseworker = (
        setting["family"],
        setting["case"],
        setting["parent"],
        setting["caseworker"],
    )
    with schema_context(oxfordshire.schema_name):
        bulk_messages(case, team=caseworker, parent=parent, n=2)  # one each way
    url = family_url(case)
    family.get(url)
    # routing, session, configuration, identity, the case (with the access check and its caseworker),
    # the person's messages both ways with who sent them, to whom, and whom they replied to
    with assert_queries(INBOX_QUERIES):
        page = family.get(url).content.decode()
    assert (
        page.count(f'href="/children/{case.reference}/messages/') == 2 + 3
    )  # + the side navigation, New Message, Refresh
    with schema_context(oxfordshire.schema_name):
        bulk_messages(case, team=caseworker, parent=parent, n=398)  # 200 each way
    with assert_queries(INBOX_QUERIES):
        page = family.get(url).content.decode()
    assert (
        page.count(f'href="/children/{case.reference}/messages/') == 400 + 3
    )  # + the side navigation, New Message, Refresh
    with schema_context(oxfordshire.schema_name):
        unread = Message.objects.filter(case=case, recipient=parent, read_at__isnull=True).count()
    assert page.count("govuk-tag--blue") == unread == 101  # one of the first two, half of the 200 after
    with schema_context(oxfordshire.schema_name), assert_queries(1):
        assert unread_count_for(case, parent) == 101


def test_the_case_pages_messages_section_query_count_does_not_grow(setting, oxfordshire, assert_queries):
    case, parent, caseworker = setting["case"], setting["parent"], setting["caseworker"]
    with schema_context(oxfordshire.schema_name):
        bulk_messages(case, team=caseworker, parent=parent, n=2)
        # the case with its messages, who sent them, to whom and whom they replied to
        with assert_queries(SECTION_QUERIES):
            render_section(case, oxfordshire)
        bulk_messages(case, team=caseworker, parent=parent, n=398)
        with assert_queries(SECTION_QUERIES):
            section = render_section(case, oxfordshire)
    assert section.count(f'href="/cases/{case.reference}/messages/') == 400 + 1  # + Send a secure message
    assert section.count("Unread") == 101  # the family's messages the team has not opened


def queries_of(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    return len([q for q in captured.captured_queries if not q["sql"].startswith("SET search_path")]), page


def test_the_case_page_shows_the_messages_section_in_constant_queries(setting, oxfordshire):
    staff, case, parent, caseworker = (
        setting["staff"],
        setting["case"],
        setting["parent"],
        setting["caseworker"],
    )
    with schema_context(oxfordshire.schema_name):
        bulk_messages(case, team=caseworker, parent=parent, n=2)
    url = f"/cases/{case.reference}/"
    staff.get(url)
    before, page = queries_of(staff, url)
    assert '<h2 class="govuk-heading-m" id="messages">Messages</h2>' in page
    with schema_context(oxfordshire.schema_name):
        bulk_messages(case, team=caseworker, parent=parent, n=198)
    after, page = queries_of(staff, url)
    assert after == before
    assert page.count(f'href="/cases/{case.reference}/messages/') == 200 + 1


def test_the_notice_defaults_when_the_council_gave_no_wording():
    config = CouncilConfiguration(parents_can_start_messages=False, parents_can_reply=False)
    assert messages_selectors.messages_notice(config) == messages_selectors.NOT_ALLOWED
    config.messages_notice = "  Our words.  "
    assert messages_selectors.messages_notice(config) == "Our words."
    assert messages_services.reply_subject("re: Hello") == "re: Hello"
    assert messages_services.reply_subject("Hello") == "RE: Hello"
    assert len(messages_services.reply_subject("x" * 200)) == 200


INBOX_QUERIES = 6
SECTION_QUERIES = 2
