"""Several professionals on one request for advice (the guide: "select a team member name from the
dropdown box, click on 'add'"): each writes and submits their own part; the team's advice is submitted
when the last part is in, or by a manager with the parts that are in; it reads part by part under each
author's name (hub, staff, family, PDF, the plan's source). And the advice a team submitted is read by
the other teams asked on the same case, never a draft, never another case's, each read audited."""

import datetime
import shutil
import subprocess
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.roles import Role
from ehc.models import Case, CaseEvent
from ehc.workflow import Action, Stage
from hub.advice.selectors import advice_template_version
from hub.advice.services import (
    advice_allocate,
    advice_professional_remove,
    advice_reminders_send,
    advice_request_send,
    advice_save,
    advice_submit,
    advice_team_submit,
)
from hub.models import (
    AdviceAttachment,
    AdviceContribution,
    AdviceRequest,
    AdviceStatus,
    HealthTeam,
    HealthTeamMember,
)
from hub.reading.selectors import advice_for_plan
from tests.factories import MembershipFactory, UserFactory
from tests.hub.conftest import TODAY, unique
from tests.hub.test_advice import ask, client_for
from tests.mail import emails_to

NEEDS = {"communication_needs": "Tilly uses signs to ask for help."}
PHYSIO = {
    "sensory_physical_needs": "Tilly tires walking long distances.",
    "outcomes": [
        {
            "area": "Sensory and/or physical needs",
            "outcome": "By July Tilly walks to the hall",
            "steps": "Daily walk",
        }
    ],
    "provision": [{"outcome": "By July Tilly walks to the hall", "provision": "Physio weekly for 6 weeks"}],
}


def two_writers(hub):
    """The request, with the therapist and the other team member each added by the manager."""
    advice = ask(hub)
    with schema_context("nelincs"):
        advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
        advice_allocate(advice=advice, member=hub["other"], by=hub["manager"])
    return advice


def named(hub, who, first, last):
    with schema_context("nelincs"):
        hub[who].first_name, hub[who].last_name = first, last
        hub[who].save(update_fields=["first_name", "last_name"])


def pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: `make pdftools` installs poppler-utils")
    path = tmp_path / "advice.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return result.stdout


def test_a_manager_adds_two_team_members_who_are_each_emailed_and_see_the_case(hub, sent):
    advice = ask(hub)
    named(hub, "therapist", "Sally", "Speech")
    named(hub, "other", "Paul", "Physio")
    manager = client_for(hub, hub["manager"])
    url = f"/health/advice/{advice.pk}/allocate/"
    with sent():
        first = manager.post(url, {"action": "add", "member": hub["therapist"].pk})
    assert first["Location"] == url
    page = manager.get(url).content.decode()
    assert "Sally Speech" in page.split('id="allocated-members"')[1]  # "their name shows below"
    with sent():
        done = manager.post(url, {"action": "allocate", "member": hub["other"].pk})  # Save changes
    assert done["Location"] == f"/health/advice/{advice.pk}/"
    with sent():
        again = manager.post(url, {"action": "add", "member": hub["other"].pk})  # already on it
    assert again.status_code == 302
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.ALLOCATED
        assert advice.allocated_to == hub["therapist"]  # the first, for the release before parts
        assert [p.professional for p in advice.contributions.order_by("id")] == [
            hub["therapist"],
            hub["other"],
        ]
        assert AuditEvent.objects.filter(action="advice.allocated", target_id=str(advice.pk)).count() == 2
    for who in ("therapist", "other"):
        [email] = emails_to(hub[who].email)  # once each, however often they are added
        assert f"/health/advice/{advice.pk}/" in email
        assert "Tilly" not in email
        assert "Quartermaine" not in email
        assert "Tilly Quartermaine" in client_for(hub, hub[who]).get("/health/").content.decode()
    team = manager.get("/health/team/").content.decode()
    assert "Sally Speech" in team
    assert "Paul Physio" in team
    case_page = manager.get(f"/health/advice/{advice.pk}/").content.decode()
    assert "Sally Speech: writing their part" in case_page
    assert "0 of 2 parts submitted" in case_page
    staff = client_for(hub, hub["caseworker"]).get(f"/cases/{hub['case'].reference}/").content.decode()
    assert "Allocated: Sally Speech, Paul Physio" in staff


def test_two_parts_each_written_and_the_teams_advice_submitted_when_both_are_in(hub, sent, tmp_path):
    advice = two_writers(hub)
    named(hub, "therapist", "Sally", "Speech")
    named(hub, "other", "Paul", "Physio")
    therapist, physio = client_for(hub, hub["therapist"]), client_for(hub, hub["other"])
    saved = therapist.post(
        f"/health/advice/{advice.pk}/write/",
        {"action": "save", **NEEDS, "outcomes-rows": "1", "provision-rows": "1"},
    )
    assert saved.status_code == 302
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    uploaded = physio.post(
        f"/health/advice/{advice.pk}/write/",
        {"action": "upload", "documents": letter, "outcomes-rows": "1", "provision-rows": "1"},
    )
    assert uploaded.status_code in {200, 302}
    with schema_context("nelincs"):
        parts = {p.professional_id: p for p in advice.contributions.all()}
        assert parts[hub["therapist"].pk].answers["communication_needs"] == NEEDS["communication_needs"]
        assert not parts[hub["other"].pk].answers.get("communication_needs")  # each their own part
        [attachment] = AdviceAttachment.objects.filter(advice_request=advice)
        assert attachment.contribution == parts[hub["other"].pk]
        advice_save(advice=advice, answers=PHYSIO, by=hub["other"])
    # The therapist's draft is not the physio's to read, nor the first part submitted the team's advice.
    assert (
        NEEDS["communication_needs"] not in physio.get(f"/health/advice/{advice.pk}/write/").content.decode()
    )
    confirm = therapist.get(f"/health/advice/{advice.pk}/submit/").content.decode()
    assert "Paul Physio" in confirm  # who is still writing
    assert "the other health teams asked for advice on this case will be able to read it" in confirm
    with sent():
        first = therapist.post(f"/health/advice/{advice.pk}/submit/")
    assert first["Location"] == f"/health/advice/{advice.pk}/"
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert advice.status == AdviceStatus.ALLOCATED
        assert not CaseEvent.objects.filter(case=hub["case"], action=Action.RECORD_ADVICE).exists()
        with pytest.raises(ValidationError):
            advice_save(advice=advice, answers={"health_needs": "changed"}, by=hub["therapist"])
    assert emails_to(hub["caseworker"].email) == []
    staff = client_for(hub, hub["caseworker"])
    assert staff.get(f"/cases/{hub['case'].reference}/advice/{advice.pk}/").status_code == 404
    with sent():
        last = physio.post(f"/health/advice/{advice.pk}/submit/")
    assert last["Location"] == f"/health/advice/{advice.pk}/view/"
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert (advice.status, advice.submitted_by) == (AdviceStatus.SUBMITTED, hub["other"])
        assert CaseEvent.objects.filter(case=hub["case"], action=Action.RECORD_ADVICE).count() == 1
    [email] = emails_to(hub["caseworker"].email)
    assert "has submitted its advice for case" in email

    # Every part under its author's name: the hub, the SEND team, the family, the PDF.
    reference = hub["case"].reference
    pages = {
        "hub": therapist.get(f"/health/advice/{advice.pk}/view/").content.decode(),
        "staff": staff.get(f"/cases/{reference}/advice/{advice.pk}/").content.decode(),
    }
    with schema_context("nelincs"):
        parent = UserFactory(email=unique("parent"))
        MembershipFactory(user=parent, role=Role.PARENT)
        from ehc.models import AccessStatus, CaseAccess  # noqa: PLC0415

        CaseAccess.objects.create(
            case=hub["case"], user=parent, email=parent.email, status=AccessStatus.ACTIVE
        )
    pages["family"] = (
        client_for(hub, parent).get(f"/children/{reference}/advice/{advice.pk}/").content.decode()
    )
    for where, page in pages.items():
        speech, physio_at = page.index("Advice from Sally Speech"), page.index("Advice from Paul Physio")
        assert speech < page.index(NEEDS["communication_needs"]) < physio_at, where
        assert physio_at < page.index("Physio weekly for 6 weeks"), where
        assert "letter.pdf" in page[physio_at:], where
    file_link = f"/cases/{reference}/advice/{advice.pk}/files/{attachment.pk}/"
    assert staff.get(file_link).status_code == 200
    text = pdf_text(staff.get(f"/cases/{reference}/advice/{advice.pk}/pdf/").content, tmp_path)
    assert text.index("Advice from Sally Speech") < text.index("Tilly uses signs") < text.index("Paul Physio")
    assert "Physio weekly for 6 weeks" in text


def test_a_manager_submits_the_teams_advice_with_the_parts_that_are_in(hub, sent):
    advice = two_writers(hub)
    named(hub, "therapist", "Sally", "Speech")
    manager = client_for(hub, hub["manager"])
    url = f"/health/advice/{advice.pk}/submit-team/"
    assert client_for(hub, hub["therapist"]).get(url).status_code == 403  # managers only
    with schema_context("nelincs"):
        advice_save(advice=advice, answers={"health_needs": "Draft only"}, by=hub["other"])
    refused = manager.post(url)  # nothing submitted yet: a draft is not sent
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.content.decode()
    assert "No one in the team has submitted their part" in refused.content.decode()
    with schema_context("nelincs"):
        assert AdviceRequest.objects.get(pk=advice.pk).status == AdviceStatus.ALLOCATED
        advice_save(advice=advice, answers=NEEDS, by=hub["therapist"])
        advice_submit(advice=advice, by=hub["therapist"])
        with pytest.raises(PermissionDenied):
            advice_team_submit(advice=advice, by=hub["therapist"])
    page = manager.get(url).content.decode()
    assert "Sally Speech" in page
    assert "Parts still being written" in page
    with sent():
        done = manager.post(url)
    assert done["Location"] == f"/health/advice/{advice.pk}/view/"
    with schema_context("nelincs"):
        advice.refresh_from_db()
        assert (advice.status, advice.submitted_by) == (AdviceStatus.SUBMITTED, hub["manager"])
        assert CaseEvent.objects.filter(case=hub["case"], action=Action.RECORD_ADVICE).count() == 1
        with pytest.raises(ValidationError):  # the part left out can no longer be changed
            advice_save(advice=advice, answers={"health_needs": "late"}, by=hub["other"])
    read = client_for(hub, hub["caseworker"]).get(f"/cases/{hub['case'].reference}/advice/{advice.pk}/")
    body = read.content.decode()
    assert NEEDS["communication_needs"] in body
    assert "Draft only" not in body
    with schema_context("nelincs"):
        [for_plan] = advice_for_plan(case=hub["case"])
        assert for_plan.needs == (("communication", NEEDS["communication_needs"]),)


def test_advice_for_plan_gives_every_parts_rows_in_one_query(hub, assert_queries):
    advice = two_writers(hub)
    with schema_context("nelincs"):
        advice_save(advice=advice, answers=NEEDS, by=hub["therapist"])
        advice_submit(advice=advice, by=hub["therapist"])
        advice_save(advice=advice, answers=PHYSIO, by=hub["other"])
        advice_submit(advice=advice, by=hub["other"])
        with assert_queries(1):
            [found] = advice_for_plan(case=hub["case"])
        assert found.source_key == f"advice:{advice.event_id}"
        assert found.needs == (
            ("communication", NEEDS["communication_needs"]),
            ("sensory_physical", PHYSIO["sensory_physical_needs"]),
        )
        assert found.outcomes == (("sensory_physical", "By July Tilly walks to the hall", "Daily walk"),)
        assert found.provision == (("By July Tilly walks to the hall", "Physio weekly for 6 weeks"),)
        # Many teams, each with several parts: still one query.
        for number in range(5):
            team = HealthTeam.objects.create(
                name=f"Parts team {number} {uuid.uuid4().hex[:4]}", email="p@x.org"
            )
            more = advice_request_send(case=hub["case"], team=team, by=hub["caseworker"], requested_on=TODAY)
            AdviceRequest.objects.filter(pk=more.pk).update(
                status=AdviceStatus.SUBMITTED, submitted_at=timezone.now()
            )
            for _ in range(3):
                writer = UserFactory(email=unique("w"))
                AdviceContribution.objects.create(
                    advice_request=more,
                    professional=writer,
                    added_at=timezone.now(),
                    answers=NEEDS,
                    done_at=timezone.now(),
                )
        with assert_queries(1):
            found = advice_for_plan(case=hub["case"])
        assert len(found) == 6
        assert all(len(one.needs) == 3 for one in found[1:])


def test_a_manager_takes_off_only_someone_who_has_not_started(hub):
    advice = two_writers(hub)
    with schema_context("nelincs"):
        advice_save(advice=advice, answers=NEEDS, by=hub["therapist"])
        with pytest.raises(ValidationError):
            advice_professional_remove(advice=advice, member=hub["therapist"], by=hub["manager"])
        with pytest.raises(PermissionDenied):
            advice_professional_remove(advice=advice, member=hub["other"], by=hub["therapist"])
    removed = client_for(hub, hub["manager"]).post(
        f"/health/advice/{advice.pk}/allocate/", {"action": "remove", "member": hub["other"].pk}
    )
    assert removed.status_code == 302
    assert client_for(hub, hub["other"]).get(f"/health/advice/{advice.pk}/").status_code == 404
    with schema_context("nelincs"):
        assert [p.professional for p in advice.contributions.all()] == [hub["therapist"]]
        # The one left is the last part: submitting it submits the team's advice.
        advice_submit(advice=advice, by=hub["therapist"])
        assert AdviceRequest.objects.get(pk=advice.pk).status == AdviceStatus.SUBMITTED


def test_taking_off_the_last_one_still_writing_submits_the_parts_that_are_in(hub, sent):
    advice = two_writers(hub)
    with schema_context("nelincs"):
        advice_save(advice=advice, answers=NEEDS, by=hub["therapist"])
        advice_submit(advice=advice, by=hub["therapist"])
        with sent():
            advice_professional_remove(advice=advice, member=hub["other"], by=hub["manager"])
        advice.refresh_from_db()
        assert (advice.status, advice.submitted_by) == (AdviceStatus.SUBMITTED, hub["manager"])
        assert CaseEvent.objects.filter(case=hub["case"], action=Action.RECORD_ADVICE).count() == 1
    assert any("has submitted its advice" in m for m in emails_to(hub["caseworker"].email))


def test_reminders_go_to_each_professional_still_writing(hub, sent):
    advice = two_writers(hub)
    with schema_context("nelincs"):
        AdviceRequest.objects.filter(pk=advice.pk).update(due_on=TODAY + datetime.timedelta(days=3))
        advice_save(advice=advice, answers=NEEDS, by=hub["therapist"])
        advice_submit(advice=advice, by=hub["therapist"])
        before = len(emails_to(hub["therapist"].email))
        with sent():
            assert advice_reminders_send(today=TODAY) == 1
        with sent():
            advice_reminders_send(today=TODAY)  # once only
    assert len(emails_to(hub["therapist"].email)) == before  # their part is in
    reminders = [m for m in emails_to(hub["other"].email) if "reminder" in m]
    assert len(reminders) == 1
    assert "Tilly" not in reminders[0]


# Another team's submitted advice, read from the case page of a team asked on the same case ----------


@pytest.fixture
def second_team(hub):
    """A second team asked on the same case, with a professional allocated; and a case they were not
    asked on, with the first team's advice on it submitted."""
    with schema_context("nelincs"):
        reader = UserFactory(email=unique("ot"), first_name="Olive", last_name="Reader")
        MembershipFactory(user=reader, role=Role.HEALTH_PROFESSIONAL)
        manager = UserFactory(email=unique("otm"))
        MembershipFactory(user=manager, role=Role.HEALTH_TEAM_MANAGER)
        team = HealthTeam.objects.create(
            name=f"Occupational therapy {uuid.uuid4().hex[:6]}", email=unique("ot")
        )
        HealthTeamMember.objects.create(team=team, user=reader)
        HealthTeamMember.objects.create(team=team, user=manager, is_manager=True)
        asked = advice_request_send(case=hub["case"], team=team, by=hub["caseworker"], requested_on=TODAY)
        advice_allocate(advice=asked, member=reader, by=manager)
    return {"reader": reader, "manager": manager, "team": team, "asked": asked}


def test_another_team_asked_on_the_case_reads_the_submitted_advice_never_a_draft(hub, second_team, tmp_path):
    advice = two_writers(hub)
    named(hub, "therapist", "Sally", "Speech")
    mine = second_team["asked"]
    reader = client_for(hub, second_team["reader"])
    base = f"/health/advice/{mine.pk}/case-advice/{advice.pk}/"
    with schema_context("nelincs"):
        advice_save(advice=advice, answers=NEEDS, by=hub["therapist"])
        advice_submit(advice=advice, by=hub["therapist"])  # one part in: still a draft for the team
        attachment = AdviceAttachment.objects.create(
            advice_request=advice,
            contribution=advice.contributions.get(professional=hub["therapist"]),
            file=SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n"),
            original_name="report.pdf",
            extension="pdf",
            size=15,
            content_type="application/pdf",
            sha256="a" * 64,
        )
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    for path in ("", "pdf/", f"files/{attachment.pk}/"):
        assert reader.get(base + path).status_code == 404, path
    case_page = reader.get(f"/health/advice/{mine.pk}/").content.decode()
    assert base not in case_page
    with schema_context("nelincs"):
        assert not AuditEvent.objects.filter(
            id__gt=last, actor=second_team["reader"], target_id=str(advice.pk)
        ).exists()
        advice_team_submit(advice=advice, by=hub["manager"])
    case_page = reader.get(f"/health/advice/{mine.pk}/").content.decode()
    assert base in case_page
    assert "You can read the advice other health teams have submitted on this case" in case_page
    page = reader.get(base).content.decode()
    assert "Advice from Sally Speech" in page
    assert NEEDS["communication_needs"] in page
    assert f"/health/advice/{mine.pk}/" in page  # back to their own case page
    assert "Physio" not in page
    text = pdf_text(reader.get(base + "pdf/").content, tmp_path)
    assert "Tilly uses signs" in text
    assert reader.get(base + f"files/{attachment.pk}/").status_code == 200
    # Their manager reads it too, from the team's request.
    assert client_for(hub, second_team["manager"]).get(base).status_code == 200
    with schema_context("nelincs"):
        reads = AuditEvent.objects.filter(id__gt=last, actor=second_team["reader"], target_id=str(advice.pk))
        assert sorted(r.action for r in reads) == ["advice.file_downloaded", "advice.pdf", "record.read"]
        assert all(r.subject == hub["case"].reference for r in reads)
        assert all(r.detail["from_request"] == mine.pk for r in reads)
    # A team member not asked on the request (not writing, not a manager) reads nothing through it.
    assert (
        client_for(hub, hub["manager"]).get(f"/health/advice/{advice.pk}/case-advice/{mine.pk}/").status_code
        == 404
    )  # mine is not submitted


def test_advice_on_a_case_the_team_was_not_asked_on_is_not_readable(hub, second_team):
    with schema_context("nelincs"):
        elsewhere = Case.objects.create(
            reference=f"CASE-E{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Other",
            child_last_name="Child",
            received_on=TODAY - datetime.timedelta(days=30),
            stage=Stage.ASSESSMENT,
        )
        other_case_advice = advice_request_send(
            case=elsewhere, team=hub["team"], by=hub["caseworker"], requested_on=TODAY
        )
        advice_allocate(advice=other_case_advice, member=hub["therapist"], by=hub["manager"])
        advice_save(advice=other_case_advice, answers=NEEDS, by=hub["therapist"])
        advice_submit(advice=other_case_advice, by=hub["therapist"])
        assert AdviceRequest.objects.get(pk=other_case_advice.pk).status == AdviceStatus.SUBMITTED
    mine = second_team["asked"]
    reader = client_for(hub, second_team["reader"])
    for path in ("", "pdf/"):
        assert (
            reader.get(f"/health/advice/{mine.pk}/case-advice/{other_case_advice.pk}/{path}").status_code
            == 404
        )
    # Nor through a request that is not theirs (the therapist's team was asked on both cases).
    outsider = UserFactory(email=unique("outsider"))
    with schema_context("nelincs"):
        MembershipFactory(user=outsider, role=Role.HEALTH_PROFESSIONAL)
        HealthTeamMember.objects.create(team=second_team["team"], user=outsider)
    assert (
        client_for(hub, outsider)
        .get(f"/health/advice/{mine.pk}/case-advice/{other_case_advice.pk}/")
        .status_code
        == 404
    )
    with schema_context("nelincs"):
        assert not AuditEvent.objects.filter(
            target_id=str(other_case_advice.pk), action="record.read"
        ).exists()


def test_the_hub_pages_keep_their_queries_with_one_part_or_many(hub, assert_queries):
    advice = ask(hub)
    manager = client_for(hub, hub["manager"])
    therapist = client_for(hub, hub["therapist"])
    with schema_context("nelincs"):
        advice_allocate(advice=advice, member=hub["therapist"], by=hub["manager"])
        advice_save(advice=advice, answers=NEEDS, by=hub["therapist"])
    pages = {
        # (the lists read the education settings listed too: the setting filter's choices)
        "team cases": (manager, "/health/team/", 11),
        "my cases": (therapist, "/health/", 10),
        # routing, session, configuration, identity, roles, places, the request, audit, parts, other
        # teams, other services
        "case page": (manager, f"/health/advice/{advice.pk}/", 11),
        # ... the request, audit, the parts submitted with their authors and template, their letters,
        # and who submitted the team's advice
        "advice view": (manager, f"/health/advice/{advice.pk}/view/", 11),
    }

    def measure():
        for name, (client, path, expected) in pages.items():
            client.get(path)
            with assert_queries(expected):
                assert client.get(path).status_code == 200, name

    with schema_context("nelincs"):
        advice_submit(advice=advice, by=hub["therapist"])
    measure()
    with schema_context("nelincs"):
        AdviceRequest.objects.filter(pk=advice.pk).update(status=AdviceStatus.ALLOCATED)
        version = advice_template_version()
        for number in range(8):
            writer = UserFactory(email=unique(f"w{number}"), first_name="Writer", last_name=f"Number{number}")
            MembershipFactory(user=writer, role=Role.HEALTH_PROFESSIONAL)
            HealthTeamMember.objects.create(team=hub["team"], user=writer)
            advice_allocate(advice=advice, member=writer, by=hub["manager"])
            AdviceContribution.objects.filter(advice_request=advice, professional=writer).update(
                answers={"health_needs": f"Part {number}"}, version=version, done_at=timezone.now()
            )
        AdviceRequest.objects.filter(pk=advice.pk).update(status=AdviceStatus.SUBMITTED)
    measure()
    view = manager.get(f"/health/advice/{advice.pk}/view/").content.decode()
    assert view.count("Advice from Writer Number") == 8
    assert "Part 7" in view


# The migration that made each allocated request's advice one part ---------------------------------------


def test_the_migration_makes_one_part_of_each_allocated_requests_advice_and_reruns_harmlessly(hub):
    import importlib  # noqa: PLC0415

    from django.apps import apps  # noqa: PLC0415

    migration = importlib.import_module("hub.migrations.0004_advice_parts")
    with schema_context("nelincs"):
        version = advice_template_version()
        # As the release before parts left them: the writer and the advice on the request itself.
        waiting, writing, submitted, not_known = (ask(hub) for _ in range(4))
        allocated_at = timezone.now() - datetime.timedelta(days=2)
        AdviceRequest.objects.filter(pk__in=[writing.pk, submitted.pk, not_known.pk]).update(
            status=AdviceStatus.ALLOCATED,
            allocated_to=hub["therapist"],
            allocated_by=hub["manager"],
            allocated_at=allocated_at,
            version=version,
            answers=NEEDS,
        )
        submitted_at = timezone.now() - datetime.timedelta(days=1)
        AdviceRequest.objects.filter(pk=submitted.pk).update(
            status=AdviceStatus.SUBMITTED, submitted_at=submitted_at, submitted_by=hub["therapist"]
        )
        AdviceRequest.objects.filter(pk=not_known.pk).update(status=AdviceStatus.NOT_KNOWN)
        letter = AdviceAttachment.objects.create(
            advice_request=submitted,
            file=SimpleUploadedFile("old.pdf", b"%PDF-1.4\n%%EOF\n"),
            original_name="old.pdf",
            extension="pdf",
            size=15,
            content_type="application/pdf",
            sha256="b" * 64,
        )
        migration.parts_from_allocation(apps, None)
        migration.parts_from_allocation(apps, None)  # a rerun changes nothing
        assert not AdviceContribution.objects.filter(advice_request=waiting).exists()
        [draft] = AdviceContribution.objects.filter(advice_request=writing)
        assert (draft.professional, draft.added_by, draft.added_at) == (
            hub["therapist"],
            hub["manager"],
            allocated_at,
        )
        assert (draft.answers, draft.version, draft.done_at) == (NEEDS, version, None)
        [done] = AdviceContribution.objects.filter(advice_request=submitted)
        assert (done.answers, done.done_at) == (NEEDS, submitted_at)
        letter.refresh_from_db()
        assert letter.contribution == done
        [answered] = AdviceContribution.objects.filter(advice_request=not_known)
        assert answered.done_at is None  # the team answered "not known": no advice to show
    # And it reads as before: the SEND team sees the advice under its writer's name, the writer goes on.
    staff = client_for(hub, hub["caseworker"])
    page = staff.get(f"/cases/{hub['case'].reference}/advice/{submitted.pk}/").content.decode()
    assert NEEDS["communication_needs"] in page
    assert "old.pdf" in page
    therapist = client_for(hub, hub["therapist"])
    assert (
        NEEDS["communication_needs"] in therapist.get(f"/health/advice/{writing.pk}/write/").content.decode()
    )
    with schema_context("nelincs"):
        assert advice_for_plan(case=hub["case"])[0].needs == (
            ("communication", NEEDS["communication_needs"]),
        )


def test_another_councils_submitted_advice_is_never_read_from_this_councils_hub(hub, second_team):
    """Each council's advice lives in its own schema: a number from another council names, at most,
    this council's own request of that number, and never shows the other council's words."""
    with schema_context("oxfordshire"):
        caseworker = UserFactory(email=unique("ox-cw"))
        MembershipFactory(user=caseworker, role=Role.CASEWORKER)
        team = HealthTeam.objects.create(name=f"Oxford therapy {uuid.uuid4().hex[:6]}", email=unique("ox"))
        case = Case.objects.create(
            reference=f"CASE-X{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Oxford",
            child_last_name="Child",
            received_on=TODAY - datetime.timedelta(days=30),
            stage=Stage.ASSESSMENT,
        )
        elsewhere = advice_request_send(case=case, team=team, by=caseworker, requested_on=TODAY)
        AdviceRequest.objects.filter(pk=elsewhere.pk).update(status=AdviceStatus.SUBMITTED)
        AdviceContribution.objects.create(
            advice_request=elsewhere,
            added_at=timezone.now(),
            answers={"health_needs": "Words written in Oxfordshire"},
            version=advice_template_version(),
            done_at=timezone.now(),
        )
    with schema_context("nelincs"):
        same_number_here = AdviceRequest.objects.filter(
            pk=elsewhere.pk, case=hub["case"], status=AdviceStatus.SUBMITTED
        ).exists()
    response = client_for(hub, second_team["reader"]).get(
        f"/health/advice/{second_team['asked'].pk}/case-advice/{elsewhere.pk}/"
    )
    assert "Words written in Oxfordshire" not in response.content.decode()
    if not same_number_here:
        assert response.status_code == 404
