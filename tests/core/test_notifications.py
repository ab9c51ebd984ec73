"""The notification layer (ARCHITECTURE.md 6 and 8): one row per notification, sent once by a Celery task
(eager here; tests/test_celery.py runs the real worker), retried on a provider's hiccup, through GOV.UK
Notify in production; and no notification the code sends names the child, gives their date of birth or
carries any content, while each says what is waiting."""

import datetime
import json
import re
import uuid

import pytest
import responses
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend
from django.utils import timezone
from django_tenants.utils import schema_context

from core.accounts.services import account_change_notify
from core.models import Notification, Profile
from core.notifications import (
    WAITING,
    PermanentSendError,
    TransientSendError,
    notification_deliver,
    notifications_requeue,
    notify,
    notify_person,
)
from core.roles import Role
from core.tasks import notification_send, notifications_requeue_everywhere
from ehc.case_forms.services import case_form_send
from ehc.cases.services import case_allocate, case_open_from_request, case_transition, request_response_post
from ehc.consultations.services import consultation_answer, consultations_send
from ehc.documents.services import case_document_publish
from ehc.invitations.services import (
    access_activate,
    access_revoke,
    access_verify,
    invitation_bind,
    invitation_send,
    invitations_respond,
)
from ehc.messages.services import message_send_by_team
from ehc.models import (
    AccessStatus,
    AssessmentRequest,
    Case,
    CaseAccess,
    CaseDocument,
    EducationSetting,
    SettingMember,
)
from ehc.requests.services import request_submit
from ehc.workflow import Action
from hub.advice.services import advice_allocate, advice_request_send, advice_save, advice_submit
from hub.dco.services import advice_check, advice_return
from hub.models import HealthTeam, HealthTeamMember
from tenants.configuration.models import CouncilConfiguration
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, PlanVersionFactory, UserFactory, council_person
from tests.mail import emails_to, texts_to
from tests.test_settings import PRODUCTION_ENV, django_eval

NOTIFY_API = "https://api.notifications.service.gov.uk"
SERVICE_ID, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
EMAIL_TEMPLATE, SMS_TEMPLATE = str(uuid.uuid4()), str(uuid.uuid4())


def unique(name: str) -> str:
    # Emails are files under var/mail-test that outlive a test run: each test reads only its own.
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def a_mobile() -> str:
    return f"07700 9{uuid.uuid4().int % 100000:05d}"  # Ofcom's drama range; unique per test


# Backends that fail, for the retry tests (tests/test_celery.py uses FailOnceEmailBackend too) -----------

FAIL_ONCE: set[str] = set()  # addresses whose next email fails once, as Notify's 503 would
FAIL_ALWAYS: dict[str, type[Exception]] = {}  # addresses whose every email fails with this error


class FailOnceEmailBackend(FileEmailBackend):
    """The file backend, except that the first email to an address in FAIL_ONCE raises before anything
    is written, and every email to an address in FAIL_ALWAYS raises."""

    def send_messages(self, email_messages):
        for message in email_messages:
            for address in message.to:
                if address in FAIL_ALWAYS:
                    raise FAIL_ALWAYS[address]("Notify answered 500 - Internal server error")
                if address in FAIL_ONCE:
                    FAIL_ONCE.discard(address)
                    raise TransientSendError("Notify answered 503 - Service unavailable")
        return super().send_messages(email_messages)


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = "tests.core.test_notifications.FailOnceEmailBackend"
    yield
    FAIL_ONCE.clear()
    FAIL_ALWAYS.clear()


def told(key: str, to: str, kind: str = "document", **extra) -> Notification:
    return notify(
        key=key,
        channel="email",
        to=to,
        kind=kind,
        subject=extra.pop("subject", "Oxfordshire County Council: a new document to view (CASE-1)"),
        body=extra.pop("body", "A new document is waiting.\n\nSign in: https://oxfordshire.localhost/"),
        **extra,
    )


# The row and the task ------------------------------------------------------------------------------


def test_notify_twice_with_one_key_is_one_notification_and_one_email(
    oxfordshire, in_council, django_capture_on_commit_callbacks
):
    address = unique("twice")
    with in_council(oxfordshire), django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = told("document:1:1:email", address)
        second = told("document:1:1:email", address, subject="Oxfordshire: a new document to view (other)")
    assert len(callbacks) == 1  # the second call queues nothing
    assert second.pk == first.pk
    with in_council(oxfordshire):
        row = Notification.objects.get(key="document:1:1:email")
        assert Notification.objects.filter(to=address).count() == 1
    assert row.sent_at is not None
    assert (row.attempts, row.last_error, row.failed_at, row.provider_id) == (1, "", None, "")
    [email] = emails_to(address)
    assert email.startswith("Subject: Oxfordshire County Council: a new document to view (CASE-1)")


def test_the_task_run_again_sends_nothing_more(oxfordshire, in_council, django_capture_on_commit_callbacks):
    address = unique("again")
    with in_council(oxfordshire), django_capture_on_commit_callbacks(execute=True):
        row = told("document:2:1:email", address)
    assert len(emails_to(address)) == 1
    # A redelivered message (a worker lost before acknowledging) runs the task again, in the council.
    with in_council(oxfordshire):
        assert notification_send.apply(args=[row.pk]).get() == "done"
        assert notification_deliver(notification_id=row.pk) == "done"
    assert notification_send.apply(args=[row.pk], headers={"_schema_name": "oxfordshire"}).get() == "done"
    assert len(emails_to(address)) == 1
    with in_council(oxfordshire):
        row.refresh_from_db()
    assert row.attempts == 1


def test_a_failing_backend_is_retried_and_the_row_records_each_attempt(
    oxfordshire, in_council, failing, django_capture_on_commit_callbacks
):
    address = unique("flaky")
    FAIL_ONCE.add(address)
    with in_council(oxfordshire), django_capture_on_commit_callbacks(execute=True):
        row = told("document:3:1:email", address)
    with in_council(oxfordshire):
        row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 2
    assert row.last_error == "TransientSendError: Notify answered 503 - Service unavailable"
    assert row.failed_at is None
    assert len(emails_to(address)) == 1


def test_a_provider_down_for_every_retry_gives_up_after_six_attempts(
    oxfordshire, in_council, failing, django_capture_on_commit_callbacks
):
    address = unique("down")
    FAIL_ALWAYS[address] = TransientSendError
    with in_council(oxfordshire), django_capture_on_commit_callbacks(execute=True):
        row = told("document:4:1:email", address)
    with in_council(oxfordshire):
        row.refresh_from_db()
        assert notifications_requeue(older_than=datetime.timedelta(0)) == 0  # given up: not queued again
    assert (row.sent_at, row.attempts) == (None, 6)  # the first try and max_retries=5
    assert row.failed_at is not None
    assert row.last_error.startswith("TransientSendError")
    assert emails_to(address) == []


def test_a_permanent_error_is_not_retried(
    oxfordshire, in_council, failing, django_capture_on_commit_callbacks
):
    address = unique("refused")
    FAIL_ALWAYS[address] = PermanentSendError
    with in_council(oxfordshire), django_capture_on_commit_callbacks(execute=True):
        row = told("document:5:1:email", address)
    with in_council(oxfordshire):
        row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert row.failed_at is not None
    assert row.last_error == "PermanentSendError: Notify answered 500 - Internal server error"


def test_a_notification_whose_task_was_never_queued_is_sent_by_the_requeue(oxfordshire, in_council):
    address = unique("lost")
    with in_council(oxfordshire):
        # No on_commit ran: as if the process died between the commit and queueing the task.
        lost = told("document:6:1:email", address)
        done = told("document:6:2:email", unique("done"))
        Notification.objects.filter(pk=done.pk).update(sent_at=timezone.now())
        young = told("document:6:3:email", unique("young"))
        Notification.objects.filter(pk__in=[lost.pk, done.pk]).update(
            created_at=timezone.now() - datetime.timedelta(hours=2)
        )
    counts = notifications_requeue_everywhere.apply().get()
    assert counts["oxfordshire"] == 1
    with in_council(oxfordshire):
        lost.refresh_from_db()
        young.refresh_from_db()
    assert lost.sent_at is not None
    assert young.sent_at is None  # its own task may still be on its way
    assert len(emails_to(address)) == 1


def test_one_time_codes_are_never_stored_readable_and_are_erased_once_sent(
    oxfordshire, in_council, django_capture_on_commit_callbacks
):
    address = unique("code")
    with in_council(oxfordshire), django_capture_on_commit_callbacks(execute=True):
        row = told(
            "invitation-code:1:1",
            address,
            kind="invitation",
            subject="Oxfordshire County Council: invitation to the EHC Portal",
            body="Your unique code is:\n\n((code))\n\nQuote it to the SEND team.",
            secrets={"code": "QZX7TR4M"},
        )
        stored = Notification.objects.get(pk=row.pk)
        assert "QZX7TR4M" not in stored.body
        assert stored.sealed
        assert "QZX7TR4M" not in stored.sealed
    with in_council(oxfordshire):
        stored.refresh_from_db()
    assert stored.sealed == ""
    assert "Your unique code is:\n\nQZX7TR4M\n\n" in emails_to(address)[0]


def test_notify_refuses_an_unknown_kind_and_a_subject_that_does_not_say_what_is_waiting(
    oxfordshire, in_council
):
    with in_council(oxfordshire):
        with pytest.raises(ValueError, match="Unknown notification kind"):
            told("x:1", unique("x"), kind="news")
        with pytest.raises(ValueError, match="must say 'a new document to view'"):
            told("x:2", unique("x"), subject="Oxfordshire: you have new information")
        with pytest.raises(ValueError, match=r"no \(\(code\)\)"):
            told("x:3", unique("x"), secrets={"code": "ABC"})
        assert not Notification.objects.filter(key__startswith="x:").exists()


@pytest.mark.parametrize(
    ("sms_on", "chose", "mobile", "texted"),
    [
        (True, True, True, True),
        (True, True, False, False),
        (True, False, True, False),  # a mobile number, but they did not choose text messages
        (False, True, True, False),  # the platform's switch is off
    ],
)
def test_notify_person_texts_only_those_who_chose_it_and_gave_a_mobile(
    sms_on, chose, mobile, texted, oxfordshire, in_council, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SMS = sms_on
    user = UserFactory(email=unique("person"))
    number = a_mobile()
    with in_council(oxfordshire), django_capture_on_commit_callbacks(execute=True):
        Profile.objects.create(
            user=user,
            street="1 High St",
            town="Oxford",
            postcode="OX1 1AA",
            mobile_phone=number if mobile else "",
            notify_by_text=chose,
        )
        rows = notify_person(
            user=user,
            kind="new_message",
            subject="Oxfordshire County Council: a new message about case CASE-2",
            body="Your caseworker has sent you a new message about case CASE-2.\n\nSign in to read it.",
            key=f"message:9:{user.pk}",
        )
    assert [row.key for row in rows] == [f"message:9:{user.pk}:email"] + (
        [f"message:9:{user.pk}:sms"] if texted else []
    )
    assert len(emails_to(user.email)) == 1
    texts = texts_to(number)
    assert len(texts) == (1 if texted else 0)
    if texted:
        assert "a new message about case CASE-2" in texts[0]


# GOV.UK Notify, with its HTTP calls intercepted ------------------------------------------------------


@pytest.fixture
def notify_settings(settings):
    settings.EMAIL_BACKEND = "core.notifications.NotifyEmailBackend"
    settings.SMS_BACKEND = "core.notifications.NotifySMSBackend"
    settings.NOTIFY_API_KEY = f"ehc_portal_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE
    settings.NOTIFY_SMS_TEMPLATE_ID = SMS_TEMPLATE
    settings.NOTIFICATIONS_SMS = True
    return settings


def test_notify_backends_post_the_template_personalisation_and_reference(
    oxfordshire, in_council, notify_settings, django_capture_on_commit_callbacks
):
    user = UserFactory(email=unique("notify"))
    email_id, sms_id = str(uuid.uuid4()), str(uuid.uuid4())
    with responses.RequestsMock() as api:
        email_call = api.post(f"{NOTIFY_API}/v2/notifications/email", json={"id": email_id}, status=201)
        sms_call = api.post(f"{NOTIFY_API}/v2/notifications/sms", json={"id": sms_id}, status=201)
        with in_council(oxfordshire), django_capture_on_commit_callbacks(execute=True):
            Profile.objects.create(
                user=user,
                street="1 High St",
                town="Oxford",
                postcode="OX1 1AA",
                mobile_phone="07700 900123",
                notify_by_text=True,
            )
            notify_person(
                user=user,
                kind="document",
                subject="Oxfordshire County Council: a new document to view (CASE-3)",
                body="A new document to view.\n\nSign in: https://oxfordshire.localhost/accounts/login/",
                key=f"document:7:{user.pk}",
                sms_body="Oxfordshire County Council: a new document to view (CASE-3).",
            )
    assert json.loads(email_call.calls[0].request.body) == {
        "email_address": user.email,
        "template_id": EMAIL_TEMPLATE,
        "personalisation": {
            "subject": "Oxfordshire County Council: a new document to view (CASE-3)",
            "body": "A new document to view.\n\nSign in: https://oxfordshire.localhost/accounts/login/",
        },
        "reference": f"oxfordshire:document:7:{user.pk}:email",
    }
    assert json.loads(sms_call.calls[0].request.body) == {
        "phone_number": "07700 900123",
        "template_id": SMS_TEMPLATE,
        "personalisation": {"body": "Oxfordshire County Council: a new document to view (CASE-3)."},
        "reference": f"oxfordshire:document:7:{user.pk}:sms",
    }
    assert email_call.calls[0].request.headers["Authorization"].startswith("Bearer ey")  # Notify's JWT
    with in_council(oxfordshire):
        rows = {
            row.channel: row for row in Notification.objects.filter(key__startswith=f"document:7:{user.pk}:")
        }
    assert (rows["email"].provider_id, rows["sms"].provider_id) == (email_id, sms_id)
    assert rows["email"].sent_at
    assert rows["sms"].sent_at


def test_after_an_error_notify_is_asked_for_the_reference_before_sending_again(
    oxfordshire, in_council, notify_settings, django_capture_on_commit_callbacks
):
    """Notify took the first email but its answer was lost (a 500 here): the retry finds it by reference
    and records it, and does not send a second email."""
    address, earlier_id = unique("lost-answer"), str(uuid.uuid4())
    with responses.RequestsMock() as api:
        sends = api.post(f"{NOTIFY_API}/v2/notifications/email", json={"message": "boom"}, status=500)
        lookup = api.get(
            f"{NOTIFY_API}/v2/notifications",
            json={"notifications": [{"id": earlier_id, "status": "delivered"}], "links": {}},
        )
        with in_council(oxfordshire), django_capture_on_commit_callbacks(execute=True):
            row = told("document:8:1:email", address)
    assert len(sends.calls) == 1
    assert lookup.calls[0].request.params == {
        "template_type": "email",
        "reference": "oxfordshire:document:8:1:email",
    }
    with in_council(oxfordshire):
        row.refresh_from_db()
    assert (row.attempts, row.provider_id) == (2, earlier_id)
    assert row.sent_at is not None
    assert row.last_error.startswith("TransientSendError: 500")


def test_notify_refusing_a_request_is_not_retried(
    oxfordshire, in_council, notify_settings, django_capture_on_commit_callbacks
):
    with responses.RequestsMock() as api:
        refused = api.post(
            f"{NOTIFY_API}/v2/notifications/email",
            json={"errors": [{"error": "BadRequestError", "message": "Can't send to this recipient"}]},
            status=400,
        )
        with in_council(oxfordshire), django_capture_on_commit_callbacks(execute=True):
            row = told("document:9:1:email", unique("refused"))
    assert len(refused.calls) == 1
    with in_council(oxfordshire):
        row.refresh_from_db()
    assert (row.attempts, row.sent_at) == (1, None)
    assert row.failed_at is not None
    assert row.last_error.startswith("PermanentSendError: 400")


def test_production_needs_the_notify_settings_once_a_notify_backend_is_chosen():
    chosen = {
        **PRODUCTION_ENV,
        "EMAIL_BACKEND": "core.notifications.NotifyEmailBackend",
        "SMS_BACKEND": "core.notifications.NotifySMSBackend",
    }
    notify_env = {
        "NOTIFY_API_KEY": f"live-{SERVICE_ID}-{SECRET}",
        "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
    }
    for missing in notify_env:
        env = {**chosen, **{k: v for k, v in notify_env.items() if k != missing}}
        result = django_eval("config.settings.production", "settings.DEBUG", env)
        assert result.returncode != 0
        assert f"Set the {missing} environment variable" in result.stderr
    result = django_eval(
        "config.settings.production", "settings.NOTIFY_EMAIL_TEMPLATE_ID", {**chosen, **notify_env}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(EMAIL_TEMPLATE)


# Every kind the code sends, through its own service: what, never who ----------------------------------

FIRST, LAST = "Zebedee", "Quinquagesimus"
BORN = datetime.date(2016, 2, 29)
CONTENT = "SECRET-CONTENT"
NOT_SENT_BY_ANY_SERVICE_YET: set[str] = set()
FORBIDDEN = [
    FIRST,
    LAST,
    CONTENT,
    "29/02/2016",
    "29/2/2016",
    "29-02-2016",
    "29.02.2016",
    "2016-02-29",
    "20160229",
    "29 February 2016",
    "29 Feb 2016",
    "February 29",
    "Feb 29",
    "29th February",
]
REQUEST_PAGES = {
    "application": {"request_statements": "parent"},
    "contents": {},
    "part1": {
        "on_behalf_of": "someone_else",
        "relationship": "Mother",
        "first_name": FIRST,
        "last_name": LAST,
        "date_of_birth-day": "29",
        "date_of_birth-month": "2",
        "date_of_birth-year": "2016",
        "parent1_name": f"Rose {LAST}",
    },
    "part2": {"views_child": f"{CONTENT}: {FIRST} loves drawing."},
    "part3": {"needs-rows": "1", "needs-0-information": CONTENT, "needs-0-date": "13-07-2025"},
    "part4": {
        "health_support-rows": "1",
        "health_support-0-details": CONTENT,
        "social_care_support-rows": "1",
    },
    "part5": {"additional": CONTENT},
    "part6": {
        "consent": "confirmed",
        "consent_name": f"Rose {LAST}",
        "consent_date-day": "1",
        "consent_date-month": "11",
        "consent_date-year": "2026",
        "preferred_contact": "portal",
    },
    "part10": {},
}
FORM_ANSWERS = {
    "draft_plan": {"comments": f"{CONTENT} about {FIRST}", "agree": "in_part"},
    "preference": {"setting_name": "Riverside Primary School", "setting_urn": "123456", "reasons": CONTENT},
    "next_steps": {"meeting": "yes", "personal_budget": "no"},
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _parent(council, *, mobile: str):
    user = UserFactory(email=unique("walk-parent"), first_name="Rose", last_name=LAST)
    with schema_context(council.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
        Profile.objects.create(
            user=user,
            street="1 High St",
            town="Town",
            postcode="AB1 2CD",
            mobile_phone=mobile,
            notify_by_text=True,
        )
    return user


def _oxfordshire_walk(oxfordshire, capture, mobile: str):
    """A request about Zebedee, acknowledged; the case it becomes; the response posted; the draft plan's
    response form sent, then submitted and acknowledged; a document published."""
    parent = _parent(oxfordshire, mobile=mobile)
    staff = council_person("caseworker@oxfordshire.example")
    client = sign_in(host_client("oxfordshire"), parent, oxfordshire)
    started = client.post("/ehc-needs-assessment/parent/")
    pk = int(started["Location"].split("/")[2])
    for page, data in REQUEST_PAGES.items():
        response = client.post(f"/forms/{pk}/{page}/", {**data, "action": "next"})
        assert response.status_code == 302, (page, response.content.decode()[:2000])
    with schema_context("oxfordshire"):
        with capture(execute=True):
            request = request_submit(request=AssessmentRequest.objects.get(pk=pk), by=parent)
        case = case_open_from_request(request=request, by=staff)
        assert (case.child_first_name, case.child_last_name, case.child_date_of_birth) == (FIRST, LAST, BORN)
        with capture(execute=True):
            request_response_post(case=case, text=f"{CONTENT} for {FIRST}", by=staff)
        today = timezone.localdate()
        with capture(execute=True):  # the family is told of each decision
            case = case_transition(case=case, action=Action.DECIDE_TO_ASSESS, by=staff, happened_on=today)
        health = _health_walk(case=case, staff=staff, capture=capture, mobile=mobile)
        with capture(execute=True):
            case = case_transition(case=case, action=Action.ISSUE_DRAFT, by=staff, happened_on=today)
        schools = _consultation_walk(case=case, staff=staff, capture=capture)
        CaseAccess.objects.get_or_create(
            case=case, user=parent, defaults={"email": parent.email, "status": AccessStatus.ACTIVE}
        )
        with capture(execute=True):
            form = case_form_send(
                case=case,
                slug="parental_response",
                recipient=parent,
                due_on=None,
                by=staff,
                link="https://oxfordshire.localhost/accounts/login/",
            )
        for page, data in FORM_ANSWERS.items():
            response = client.post(f"/forms/{form.pk}/{page}/", {**data, "action": "next"})
            assert response.status_code == 302, (page, response.content.decode()[:2000])
        with capture(execute=True):
            request_submit(request=form, by=parent)
        with capture(execute=True):
            document = case_document_publish(
                case=case,
                description=f"{CONTENT}: {FIRST} {LAST}'s plan",
                document_date=today,
                uploaded_file=SimpleUploadedFile(
                    f"{FIRST}-{CONTENT}.pdf", PDF, content_type="application/pdf"
                ),
                by=staff,
                sign_in_link="https://oxfordshire.localhost/accounts/login/",
            )
        default_storage.delete(document.file.name)
        assert CaseDocument.objects.filter(case=case).count() == 1
        with capture(execute=True):
            message_send_by_team(
                case=case,
                sender=staff,
                recipient=parent,
                message_type="EHC Needs Assessment (0-20 weeks)",
                subject=f"{CONTENT} about {FIRST}",
                body=f"{CONTENT}: {FIRST} {LAST}, born 29/02/2016",
                base_url="https://oxfordshire.localhost",
            )
    with schema_context("oxfordshire"), capture(execute=True):
        account_change_notify(user=parent, to=parent.email, change="mobile")  # Update account's notice
    return [parent.email, mobile, *health, *schools]


def _health_walk(*, case, staff, capture, mobile: str) -> list[str]:
    """Inside Oxfordshire, with the case in its assessment: a health team asked for advice (its central
    address is told), the request allocated to a therapist (told by email and text), who writes and
    submits advice naming Zebedee (the case's own caseworker is told). Returns who was told."""
    caseworker = UserFactory(email=unique("walk-caseworker"))
    MembershipFactory(user=caseworker, role=Role.CASEWORKER)
    case_allocate(case=case, caseworker=caseworker, by=staff)
    manager, therapist = UserFactory(email=unique("walk-manager")), UserFactory(email=unique("walk-slt"))
    MembershipFactory(user=manager, role=Role.HEALTH_TEAM_MANAGER)
    MembershipFactory(user=therapist, role=Role.HEALTH_PROFESSIONAL)
    therapist_mobile = a_mobile()
    Profile.objects.create(
        user=therapist,
        street="1 Clinic Road",
        town="Oxford",
        postcode="OX1 1AA",
        mobile_phone=therapist_mobile,
        notify_by_text=True,
    )
    team = HealthTeam.objects.create(name=f"Walk therapy {uuid.uuid4().hex[:6]}", email=unique("walk-team"))
    HealthTeamMember.objects.create(team=team, user=manager, is_manager=True)
    HealthTeamMember.objects.create(team=team, user=therapist)
    with capture(execute=True):
        advice = advice_request_send(case=case, team=team, by=staff, requested_on=timezone.localdate())
    with capture(execute=True):
        advice_allocate(advice=advice, member=therapist, by=manager)
    advice_save(
        advice=advice,
        answers={"communication_needs": f"{CONTENT}: {FIRST} {LAST}, born 29/02/2016"},
        by=therapist,
    )
    # The council has its Designated Clinical Officer check health advice first: the DCO is told it waits,
    # and the check (with a note naming Zebedee) tells the caseworker and the therapist.
    CouncilConfiguration.objects.filter(pk=1).update(advice_checked_by_dco=True)
    officer = UserFactory(email=unique("walk-dco"))
    MembershipFactory(user=officer, role=Role.DESIGNATED_CLINICAL_OFFICER)
    with capture(execute=True):
        advice_submit(advice=advice, by=therapist)
    with capture(execute=True):  # returned for changes, then submitted again
        advice_return(advice=advice, by=officer, note=f"{CONTENT}: {FIRST} {LAST}, born 29/02/2016")
    with capture(execute=True):
        advice_submit(advice=advice, by=therapist)
    with capture(execute=True):
        advice_check(advice=advice, by=officer, note=f"{CONTENT}: {FIRST} {LAST}, born 29/02/2016")
    return [team.email, therapist.email, therapist_mobile, caseworker.email, officer.email]


def _consultation_walk(*, case, staff, capture) -> list[str]:
    """Inside Oxfordshire, with the draft issued: a school consulted on it (its central address is
    told), whose member answers (the case's caseworker is told). Returns who was told."""
    school = EducationSetting.objects.create(
        name=f"Walk school {uuid.uuid4().hex[:6]}",
        kind="mainstream",
        urn="123123",
        email=unique("walk-school"),
    )
    senco = UserFactory(email=unique("walk-senco"))
    MembershipFactory(user=senco, role=Role.EDUCATION_PROFESSIONAL)
    SettingMember.objects.create(setting=school, user=senco)
    version = PlanVersionFactory(
        case=case, status="issued", issued_on=timezone.localdate(), issued_at=timezone.now()
    )
    with capture(execute=True):
        (consultation,) = consultations_send(
            case=case, version=version, settings=[school], costs_asked=True, by=staff
        )
    with capture(execute=True):
        consultation_answer(
            consultation=consultation,
            by=senco,
            can_meet_needs="no",
            reasons=f"{CONTENT}: {FIRST} {LAST}",
            costs=f"{CONTENT}: born 29/02/2016",
        )
    return [school.email]


def _worcestershire_walk(worcestershire, capture, mobile: str):
    """An invitation to Zebedee's record with the identity check (the code, then the link), accepted,
    activated by the team, then removed."""
    parent = _parent(worcestershire, mobile=mobile)
    staff = council_person("caseworker@worcestershire.example")
    base_url = "https://worcestershire.localhost"
    with schema_context("worcestershire"):
        config = CouncilConfiguration.objects.get()
        case = Case.objects.create(
            reference=f"CASE-N{uuid.uuid4().hex[:8].upper()}",
            child_first_name=FIRST,
            child_last_name=LAST,
            child_date_of_birth=BORN,
            received_on=timezone.localdate(),
        )
        with capture(execute=True):
            access = invitation_send(
                case=case,
                email=parent.email,
                relationship="parent",
                by=staff,
                config=config,
                base_url=base_url,
            )
        code = re.search(r"code is:\n\n([A-Z0-9]{8})\n", emails_to(parent.email)[-1]).group(1)
        with capture(execute=True):
            access_verify(access=access, code=code, by=staff, base_url=base_url)
        token = re.search(r"/invitations/accept/([\w-]+)/", emails_to(parent.email)[-1]).group(1)
        invitation_bind(token=token, user=parent)
        with capture(execute=True):
            invitations_respond(
                user=parent, accept=[access.pk], wants_access=True, config=config, base_url=base_url
            )
        with capture(execute=True):
            access_activate(access=access, by=staff, base_url=base_url)
        with capture(execute=True):
            access_revoke(access=CaseAccess.objects.get(pk=access.pk), by=staff)
    return [parent.email, mobile]


def test_no_notification_names_the_child_dates_their_birth_or_carries_content_and_each_says_what_is_waiting(
    oxfordshire, worcestershire, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SMS = True
    cache.clear()
    started = timezone.now()
    mobiles = {"oxfordshire": a_mobile(), "worcestershire": a_mobile()}
    people = {
        "oxfordshire": _oxfordshire_walk(
            oxfordshire, django_capture_on_commit_callbacks, mobiles["oxfordshire"]
        ),
        "worcestershire": _worcestershire_walk(
            worcestershire, django_capture_on_commit_callbacks, mobiles["worcestershire"]
        ),
    }
    kinds = set()
    for schema, addresses in people.items():
        with schema_context(schema):
            rows = list(Notification.objects.filter(created_at__gte=started, to__in=addresses))
        assert rows
        assert all(row.sent_at is not None for row in rows), [(r.key, r.last_error) for r in rows]
        for row in rows:
            kinds.add(row.kind)
            says = row.subject if row.channel == "email" else row.body
            assert WAITING[row.kind].lower() in says.lower(), (row.kind, says)
        delivered = [
            message
            for address in addresses
            for message in (texts_to(address) if address.startswith("07") else emails_to(address))
        ]
        assert len(delivered) == len(rows)  # every row went, once
        for message in delivered:
            for forbidden in FORBIDDEN:
                assert forbidden.lower() not in message.lower(), (forbidden, message)
            assert any(phrase.lower() in message.lower() for phrase in WAITING.values()), message
        assert any(row.channel == "sms" for row in rows)
    assert kinds == set(WAITING) - NOT_SENT_BY_ANY_SERVICE_YET
