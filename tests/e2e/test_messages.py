"""Secure messages in the browser. In Oxfordshire a parent and the caseworker exchange three messages
(the parent starts, the caseworker replies, the parent replies), each told by an email that says only
that a message is waiting; in Hertfordshire a parent can read but not send, and a crafted request is
refused. axe on every page visited."""

import datetime
import uuid
from urllib.parse import unquote

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.roles import Role
from core.services import membership_grant
from ehc.messages.services import message_send_by_team
from ehc.models import AccessStatus, Case, CaseAccess, Message
from tests.e2e.conftest import assert_accessible
from tests.e2e.pages import Accounts
from tests.factories import UserFactory
from tests.mail import emails_to, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"
HERTS_NOTICE = (
    "Please note, it is NOT possible to send new messages via the Portal, please use existing methods of "
    "communications."
)


def person(tag: str, name: str, first: str, last: str, schema: str, role: Role):
    user = UserFactory(email=f"msg-{name}-{tag}@example.com", first_name=first, last_name=last)  # verified
    with schema_context(schema):
        membership_grant(user=user, role=role)
    return user


def child_case(schema: str, tag: str, first: str, last: str, *, caseworker, parent) -> Case:
    with schema_context(schema):
        case = Case.objects.create(
            reference=f"CASE-S{tag[:7].upper()}",
            child_first_name=first,
            child_last_name=last,
            received_on=datetime.date(2026, 9, 1),
            caseworker=caseworker,
        )
        CaseAccess.objects.create(case=case, user=parent, email=parent.email, status=AccessStatus.ACTIVE)
    return case


@pytest.fixture(scope="module")
def oxfordshire_people(django_db_setup, django_db_blocker):
    """Red Robin's case in Oxfordshire: its own caseworker, and a parent with active access."""
    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:8]
        caseworker = person(tag, "seno", "Nyree", "Ellison-Anjos", "oxfordshire", Role.CASEWORKER)
        parent = person(tag, "parent", "Nyree", "Anjos", "oxfordshire", Role.PARENT)
        case = child_case("oxfordshire", tag, "Red", "Robin", caseworker=caseworker, parent=parent)
        return caseworker, parent, case


@pytest.fixture(scope="module")
def hertfordshire_people(django_db_setup, django_db_blocker):
    """Tony Bread's case in Hertfordshire, with a message the EHCP Coordinator sent the parent."""
    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:8]
        coordinator = person(tag, "coordinator", "Robert", "Coombes", "hertfordshire", Role.CASEWORKER)
        parent = person(tag, "herts-parent", "Tracy", "Tester", "hertfordshire", Role.PARENT)
        case = child_case("hertfordshire", tag, "Tony", "Bread", caseworker=coordinator, parent=parent)
        with schema_context("hertfordshire"):
            handover = message_send_by_team(
                case=case,
                sender=coordinator,
                recipient=parent,
                message_type="EHC Handover to new team",
                subject="EHC Handover to new team",
                body="Your child's EHC plan is now with the North team.",
                base_url="http://hertfordshire.localhost/",
            )
        return parent, case, handover


def sign_in(page, email: str) -> None:
    accounts = Accounts(page)
    accounts.sign_in(email, PASSWORD)
    accounts.enter_code(last_code(emails_to(email)))


def notifications_to(address: str) -> list[str]:
    return [email for email in emails_to(address) if "You have a new secure message" in email]


def sign_in_link(email: str) -> str:
    return next(line.strip() for line in email.splitlines() if "/accounts/login/?next=" in line)


def assert_private_things_absent(email: str, *private: str) -> None:
    for text in ("Red", "Robin", *private):
        assert text not in email, text


def test_a_parent_and_the_caseworker_exchange_three_messages(browser, visit, url, page, oxfordshire_people):
    caseworker, parent, case = oxfordshire_people
    messages_path = f"/children/{case.reference}/messages/"

    # 1. The parent starts a conversation (one problem first).
    visit(url("oxfordshire", "/accounts/login/"))
    sign_in(page, parent.email)
    visit(url("oxfordshire", messages_path))
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    expect(page.get_by_role("heading", name="Red's Inbox")).to_be_visible()
    expect(page.get_by_text("No messages", exact=True)).to_be_visible()
    page.get_by_role("button", name="New Message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Secure Message")
    assert_accessible(page)
    page.get_by_label("Message from parent").check()
    page.get_by_label("Subject").fill("Does the SENO get notified")
    page.get_by_role("button", name="Send").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a message")
    expect(page.get_by_label("Subject")).to_have_value("Does the SENO get notified")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter a message").click()
    expect(page.get_by_label("Message", exact=True)).to_be_focused()
    page.get_by_label("Message", exact=True).fill("Hello, is anyone there?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()
    sent_items = page.get_by_role("table").filter(has_text="Does the SENO get notified")
    expect(sent_items.get_by_role("columnheader")).to_have_text(["Date", "Type", "From", "To", "Subject"])
    expect(sent_items.get_by_role("row").nth(1)).to_contain_text("Message from parent")
    expect(sent_items.get_by_role("row").nth(1)).to_contain_text("SEND team")
    assert_accessible(page)

    # 2. The caseworker is told by email, follows its link, signs in, reads it and replies.
    [told] = notifications_to(caseworker.email)
    assert case.reference in told
    assert_private_things_absent(told, "SENO", "Hello")
    link = sign_in_link(told)
    with schema_context("oxfordshire"):
        first = Message.objects.get(case=case)
    assert link.startswith("http://oxfordshire.localhost:")
    assert unquote(link).endswith(f"/accounts/login/?next=/cases/{case.reference}/messages/{first.pk}/")
    staff_context = browser.new_context()
    staff = staff_context.new_page()
    staff.goto(link)
    assert_accessible(staff)
    sign_in(staff, caseworker.email)
    expect(staff.get_by_role("heading", level=1)).to_have_text("Does the SENO get notified")
    expect(staff.get_by_text("Hello, is anyone there?")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_role("button", name="Reply").click()
    expect(staff.get_by_label("Subject")).to_have_value("RE: Does the SENO get notified")
    expect(staff.locator(".app-message-quote")).to_contain_text("Hello, is anyone there?")
    expect(staff.get_by_label("Message", exact=True)).to_have_value("")
    assert_accessible(staff)
    staff.get_by_label("Message", exact=True).fill("Yes: I am your SEN Officer.")
    staff.get_by_role("button", name="Send").click()
    expect(staff.get_by_text("Message sent to Nyree Anjos.")).to_be_visible()
    assert_accessible(staff)
    # (The team's own new message form offers the people with active access.)
    staff.goto(url("oxfordshire", f"/cases/{case.reference}/messages/new/"))
    expect(staff.get_by_label("Nyree Anjos", exact=True)).to_be_visible()
    expect(staff.get_by_label("EHC Needs Assessment (0-20 weeks)")).to_be_visible()
    assert_accessible(staff)

    # 3. The parent is told, finds it unread in the Inbox, opens it and replies.
    [told] = notifications_to(parent.email)
    assert case.reference in told
    assert_private_things_absent(told, "SENO", "SEN Officer")
    assert f"next=%2Fchildren%2F{case.reference}%2Fmessages%2F" in sign_in_link(told)
    page.get_by_role("button", name="Refresh").click()
    inbox = page.get_by_role("table").filter(has_text="RE: Does the SENO get notified")
    row = inbox.get_by_role("row").nth(1)
    expect(row).to_contain_text("Unread")
    expect(row).to_contain_text("Nyree Ellison-Anjos")
    assert_accessible(page)
    page.get_by_role("link", name="RE: Does the SENO get notified").click()
    expect(page.get_by_text("Yes: I am your SEN Officer.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Reply").click()
    expect(page.get_by_label("Subject")).to_have_value("RE: Does the SENO get notified")
    expect(page.locator(".app-message-quote")).to_contain_text("Yes: I am your SEN Officer.")
    assert_accessible(page)
    page.get_by_label("Message", exact=True).fill("Thank you.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()
    expect(page.get_by_text("Unread")).to_have_count(0)
    assert_accessible(page)

    # The caseworker is told again, and the link takes them straight to it.
    told = notifications_to(caseworker.email)
    assert len(told) == 2
    assert_private_things_absent(told[-1], "Thank you")
    staff.goto(sign_in_link(told[-1]))
    expect(staff.get_by_text("Thank you.")).to_be_visible()
    assert_accessible(staff)
    staff_context.close()

    with schema_context("oxfordshire"):
        conversation = list(Message.objects.filter(case=case).order_by("sent_at", "id"))
    assert [(m.from_team, m.subject) for m in conversation] == [
        (False, "Does the SENO get notified"),
        (True, "RE: Does the SENO get notified"),
        (False, "RE: Does the SENO get notified"),
    ]
    assert [m.in_reply_to_id for m in conversation] == [None, conversation[0].pk, conversation[1].pk]
    assert all(m.read_at is not None for m in conversation)


def test_hertfordshire_parents_read_but_cannot_send(visit, url, page, hertfordshire_people):
    parent, case, handover = hertfordshire_people
    messages_path = f"/children/{case.reference}/messages/"
    visit(url("hertfordshire", "/accounts/login/"))
    sign_in(page, parent.email)
    visit(url("hertfordshire", messages_path))
    expect(page.get_by_text(HERTS_NOTICE)).to_be_visible()
    expect(page.get_by_role("button", name="New Message")).to_have_count(0)
    expect(page.get_by_role("button", name="Refresh")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="EHC Handover to new team")
    expect(row).to_contain_text("Robert Coombes")
    expect(row).to_contain_text("Unread")
    row.get_by_role("link", name="EHC Handover to new team").click()
    expect(page.get_by_text("Your child's EHC plan is now with the North team.")).to_be_visible()
    expect(page.get_by_role("button", name="Reply")).to_have_count(0)
    expect(page.get_by_text(HERTS_NOTICE)).to_be_visible()
    assert_accessible(page)

    # Typing the addresses, or posting to them with a valid token, is refused with the council's words.
    for path in (f"{messages_path}new/", f"{messages_path}{handover.pk}/reply/"):
        visit(url("hertfordshire", path), status=403)
        expect(page.get_by_text(HERTS_NOTICE)).to_be_visible()
    # (From the page with fetch(): Playwright's page.request resolves host names itself, and *.localhost
    # is only the browser's own loopback name.)
    token = page.locator('input[name="csrfmiddlewaretoken"]').first.input_value()
    for path in (f"{messages_path}new/", f"{messages_path}{handover.pk}/reply/"):
        status, text = page.evaluate(
            """async ([path, token]) => {
                const body = new URLSearchParams({
                    csrfmiddlewaretoken: token,
                    message_type: "EHC Handover to new team",
                    subject: "Crafted",
                    body: "Let me in",
                });
                const response = await fetch(path, {method: "POST", body, credentials: "same-origin"});
                return [response.status, await response.text()];
            }""",
            [path, token],
        )
        assert status == 403, path
        assert "NOT possible to send new messages via the Portal" in text
    with schema_context("hertfordshire"):
        assert list(Message.objects.filter(case=case).values_list("pk", flat=True)) == [handover.pk]
