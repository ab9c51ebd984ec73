"""Schools and settings as organisations (issue 15): the council admin manages them and their members as
it manages health teams; a setting manager adds members (at once, or by a staff invitation whose
acceptance gives the place); a professional's request is linked to their setting."""

import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.models import AuditEvent, Membership, StaffInvitation
from core.roles import Role
from ehc.models import AssessmentRequest, EducationSetting, SettingKind, SettingMember
from tests.conftest import host_client, sign_in
from tests.ehc.test_requests import PAGES, begin, fill
from tests.factories import MembershipFactory, UserFactory
from tests.mail import emails_to

User = get_user_model()


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def person(schema: str, role: Role, name: str):
    user = UserFactory(email=unique(name))
    with schema_context(schema):
        MembershipFactory(user=user, role=role)
    return user


def setting_in(schema: str, *, name: str = "", **fields) -> EducationSetting:
    with schema_context(schema):
        return EducationSetting.objects.create(
            name=name or f"Cherwell Primary {uuid.uuid4().hex[:6]}",
            kind=fields.pop("kind", SettingKind.MAINSTREAM),
            urn=fields.pop("urn", "123456"),
            email=fields.pop("email", unique("office")),
            **fields,
        )


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def admin_form(**fields) -> dict:
    return {
        "name": "",
        "kind": SettingKind.MAINSTREAM,
        "urn": "",
        "ukprn": "",
        "email": "office@cherwell.example",
        "is_active": "on",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_the_council_admin_adds_a_setting_with_its_manager_and_it_is_audited(councils):
    cache.clear()
    admin = person("oxfordshire", Role.COUNCIL_ADMIN, "admin")
    senco = person("oxfordshire", Role.EDUCATION_PROFESSIONAL, "senco")
    parent = person("oxfordshire", Role.PARENT, "parent")
    client = sign_in(host_client("oxfordshire"), admin, councils["oxfordshire"])
    assert "/admin/ehc/educationsetting/" in client.get("/account/").content.decode()
    page = client.get("/admin/ehc/educationsetting/add/").content.decode()
    assert senco.email in page
    assert parent.email not in page  # only education professionals can be given a place

    name = f"Cherwell Primary {uuid.uuid4().hex[:6]}"
    # A mainstream school needs its URN or UKPRN; each has its number of digits.
    refused = client.post("/admin/ehc/educationsetting/add/", admin_form(name=name))
    assert refused.status_code == 200
    assert "Enter the setting&#x27;s URN or UKPRN" in refused.content.decode()
    refused = client.post("/admin/ehc/educationsetting/add/", admin_form(name=name, urn="12345", ukprn="1"))
    assert "Enter a URN of 6 digits" in refused.content.decode()
    assert "Enter a UKPRN of 8 digits" in refused.content.decode()
    with schema_context("oxfordshire"):
        assert not EducationSetting.objects.filter(name=name).exists()

    done = client.post(
        "/admin/ehc/educationsetting/add/",
        admin_form(
            name=name,
            urn="123456",
            **{"members-TOTAL_FORMS": "1", "members-0-user": senco.pk, "members-0-is_manager": "on"},
        ),
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    with schema_context("oxfordshire"):
        setting = EducationSetting.objects.get(name=name)
        assert SettingMember.objects.get(setting=setting).user == senco
        assert SettingMember.objects.get(setting=setting).is_manager
        actions = set(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True))
        assert {"education_setting.added", "education_setting.members_changed"} <= actions
    # An early years setting may have neither number.
    nursery = client.post(
        "/admin/ehc/educationsetting/add/",
        admin_form(name=f"Little Acorns {uuid.uuid4().hex[:6]}", kind=SettingKind.EARLY_YEARS),
    )
    assert nursery.status_code == 302
    # A setting is switched off, never deleted (its consultations keep their history).
    assert client.get(f"/admin/ehc/educationsetting/{setting.pk}/delete/").status_code == 403


def test_a_manager_adds_a_professional_at_once_and_invites_someone_new_who_joins_on_accepting(councils, sent):
    cache.clear()
    setting = setting_in("nelincs")
    manager = person("nelincs", Role.EDUCATION_PROFESSIONAL, "head")
    known = person("nelincs", Role.EDUCATION_PROFESSIONAL, "teacher")
    with schema_context("nelincs"):
        SettingMember.objects.create(setting=setting, user=manager, is_manager=True)
    client = sign_in(host_client("nelincs"), manager, councils["nelincs"])
    url = f"/schools/{setting.pk}/members/"
    assert manager.email in client.get(url).content.decode()

    bad = client.post(url, {"first_name": "Nia", "last_name": "", "email": "nia@"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter their last name" in body
    assert "Enter an email address in the correct format" in body
    assert 'value="Nia"' in body  # nothing typed is lost
    assert "govuk-error-summary" in body

    at_once = client.post(url, {"first_name": "Tom", "last_name": "Teacher", "email": known.email})
    assert at_once.status_code == 302
    with schema_context("nelincs"):
        assert SettingMember.objects.filter(setting=setting, user=known, is_manager=False).exists()

    new_email = unique("new-senco")
    with sent():
        invited = client.post(
            url, {"first_name": "Sam", "last_name": "Senco", "email": new_email, "is_manager": "yes"}
        )
    assert invited.status_code == 302
    assert not User.objects.filter(email=new_email).exists()
    with schema_context("nelincs"):
        invitation = StaffInvitation.objects.get(email=new_email)
        assert invitation.role == Role.EDUCATION_PROFESSIONAL
        assert invitation.follow_up["education_setting"] == setting.pk
    mail = emails_to(new_email)
    assert len(mail) == 1
    link = re.search(r"http://[^/\s]+(/staff/invitation/\S+/)", mail[0]).group(1)
    host_client("nelincs").post(
        link, {"password1": "a school passphrase", "password2": "a school passphrase"}
    )
    newcomer = User.objects.get(email=new_email)
    with schema_context("nelincs"):
        assert Membership.objects.filter(
            user=newcomer, role=Role.EDUCATION_PROFESSIONAL, is_active=True
        ).exists()
        place = SettingMember.objects.get(setting=setting, user=newcomer)
        assert place.is_manager
        assert AuditEvent.objects.filter(
            action="education_setting.member_added", detail__user=newcomer.pk
        ).exists()


def test_only_a_setting_manager_adds_members(councils):
    cache.clear()
    setting, other = setting_in("nelincs"), setting_in("nelincs")
    member = person("nelincs", Role.EDUCATION_PROFESSIONAL, "member")
    caseworker = person("nelincs", Role.CASEWORKER, "caseworker")
    with schema_context("nelincs"):
        SettingMember.objects.create(setting=setting, user=member)
        SettingMember.objects.create(setting=other, user=member, is_manager=True)
    client = sign_in(host_client("nelincs"), member, councils["nelincs"])
    assert client.get(f"/schools/{setting.pk}/members/").status_code == 403
    refused = client.post(
        f"/schools/{setting.pk}/members/", {"first_name": "A", "last_name": "B", "email": unique("x")}
    )
    assert refused.status_code == 403
    assert client.get(f"/schools/{other.pk}/members/").status_code == 200
    staff = sign_in(host_client("nelincs"), caseworker, councils["nelincs"])
    assert staff.get(f"/schools/{other.pk}/members/").status_code == 403
    assert host_client("nelincs").get(f"/schools/{other.pk}/members/").status_code == 302
    with schema_context("nelincs"):
        assert not StaffInvitation.objects.filter(
            role=Role.EDUCATION_PROFESSIONAL, invited_by=member
        ).exists()


SCHOOL_PAGES = {
    **PAGES,
    "part1": {**PAGES["part1"], "on_behalf_of": "professional", "relationship": "SENCo"},
    "part3": {
        **PAGES["part3"],
        "evidence_school_report": "Report, July 2026, Class teacher",
        "evidence_needs": "Assessment summary, June 2026, SENCo",
        "evidence_pupil_profile": "Pupil profile with reviews Oct, Feb, Jun",
    },
}


def submit_as(council, user, setting_name: str, sent) -> AssessmentRequest:
    client = sign_in(host_client("oxfordshire"), user, council)
    draft = begin(client, "primary")
    pages = {
        **SCHOOL_PAGES,
        "application": {"request_statements": "professional", "setting_name": setting_name},
    }
    fill(client, draft, pages)
    with sent():
        assert client.post(f"/forms/{draft.pk}/check-answers/", {"confirm": "yes"}).status_code == 302
    with schema_context("oxfordshire"):
        return AssessmentRequest.objects.select_related("setting").get(pk=draft.pk)


def test_a_professionals_request_is_linked_to_their_setting_and_staff_see_it(councils, sent):
    cache.clear()
    one, first, second = setting_in("oxfordshire"), setting_in("oxfordshire"), setting_in("oxfordshire")
    senco = person("oxfordshire", Role.EDUCATION_PROFESSIONAL, "senco")
    several = person("oxfordshire", Role.EDUCATION_PROFESSIONAL, "trust-senco")
    alone = person("oxfordshire", Role.EDUCATION_PROFESSIONAL, "no-setting")
    with schema_context("oxfordshire"):
        SettingMember.objects.create(setting=one, user=senco)
        SettingMember.objects.create(setting=first, user=several)
        SettingMember.objects.create(setting=second, user=several)
    # A member of exactly one setting: linked to it whatever they typed.
    mine = submit_as(councils["oxfordshire"], senco, "Our school", sent)
    assert mine.setting == one
    # A member of several: the one they named as the setting they represent.
    named = submit_as(councils["oxfordshire"], several, second.name.upper(), sent)
    assert named.setting == second
    # A member of no setting: not linked.
    assert submit_as(councils["oxfordshire"], alone, "Somewhere", sent).setting is None

    caseworker = person("oxfordshire", Role.CASEWORKER, "caseworker")
    staff = sign_in(host_client("oxfordshire"), caseworker, councils["oxfordshire"])
    page = staff.get(f"/forms/{mine.pk}/view/").content.decode()
    assert "Education setting" in page
    assert one.name in page
    opened = staff.post(f"/requests/{mine.pk}/open-case/")
    assert opened.status_code == 302
    case_page = staff.get(opened["Location"]).content.decode()
    assert f"From {one.name}" in case_page
