"""Writing the plan: starting the draft from what the caseworker chooses (the family's request, two teams'
advice, the documents), the section pages (edit, add, remove, bad input kept as typed), bringing in later
advice, the issued version refused, who may see it, the audit of every read, and the pages' query counts."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.roles import Role
from ehc.models import (
    PlanInformation,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanStatus,
    PlanVersion,
    RequestStatus,
)
from ehc.plans import services
from ehc.plans.selectors import plan_sources
from ehc.workflow import Stage
from tests.conftest import host_client, sign_in
from tests.factories import (
    CaseDocumentFactory,
    HealthTeamFactory,
    MembershipFactory,
    PlanInformationFactory,
    PlanNeedFactory,
    PlanOutcomeFactory,
    PlanProvisionFactory,
    PlanVersionFactory,
    RequestFactory,
    UserFactory,
    advice_asked,
    advice_submitted_with,
    case_at,
    council_person,
)

pytestmark = pytest.mark.django_db

SALT_ANSWERS = {
    "communication_needs": "Finds it hard to follow spoken instructions in a busy classroom.",
    "health_needs": "Epilepsy: needs a care plan in school.",
    "outcomes": [
        {
            "area": "Communication and interaction",
            "outcome": "Will follow a two-step instruction",
            "steps": "By July",
        },
        {
            "area": "health",
            "outcome": "Will manage seizures safely in school",
            "steps": "Care plan known to staff",
        },
        {"area": "Flying", "outcome": "Will take part in PE", "steps": ""},
    ],
    "provision": [
        {
            "outcome": "will follow a two-step   instruction",
            "provision": "Speech and language therapy in school",
        },
        {"outcome": "Will manage seizures safely in school", "provision": "Epilepsy training for staff"},
        {"outcome": "An outcome nobody wrote", "provision": "Visual timetable"},
    ],
}
OT_ANSWERS = {
    "sensory_physical_needs": "Low muscle tone: tires when writing.",
    "outcomes": [{"area": "sensory_physical", "outcome": "Will write a paragraph", "steps": "Sloped board"}],
    "provision": [{"outcome": "Will write a paragraph", "provision": "Occupational therapy programme"}],
}


def _submitted(case, name: str, answers: dict, on: datetime.date):
    team = HealthTeamFactory(name=f"{name} {uuid.uuid4().hex[:4]}")
    advice = advice_asked(case=case, team=team, requested_on=on)
    return advice_submitted_with(
        advice=advice,
        answers=answers,
        submitted_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(10))),
    )


@pytest.fixture
def world(oxfordshire):
    """In Oxfordshire: a case in its assessment, from a family's request, with two teams' advice
    submitted on the portal, one document published and a caseworker."""
    with schema_context("oxfordshire"):
        caseworker = council_person("caseworker@oxfordshire.example")
        request = RequestFactory(
            submitted=True,
            answers={
                "first_name": "Amir",
                "last_name": "Bluehat",
                "views_child": "I love trains.",
                "views_family": "We want him to travel on his own.",
            },
        )
        case = case_at(Stage.ASSESSMENT, request=request, child_first_name="Amir")
        today = timezone.localdate()
        salt = _submitted(
            case, "Speech and language therapy", SALT_ANSWERS, today - datetime.timedelta(days=3)
        )
        ot = _submitted(case, "Occupational therapy", OT_ANSWERS, today - datetime.timedelta(days=1))
        document = CaseDocumentFactory(case=case, description="Educational psychology report")
    client = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
    return {
        "case": case,
        "caseworker": caseworker,
        "salt": salt,
        "ot": ot,
        "document": document,
        "client": client,
        "base": f"/cases/{case.reference}/plan/",
    }


def _all_keys(world):
    with schema_context("oxfordshire"):
        return [source.key for source in plan_sources(case=world["case"]).all()]


def test_the_start_page_offers_each_source_ticked_and_starts_the_draft_from_them(world):
    client, base = world["client"], world["base"]
    page = client.get(base + "start/")
    assert page.status_code == 200
    html = page.content.decode()
    keys = _all_keys(world)
    assert keys == [
        "request",
        f"advice:{world['salt'].event_id}",
        f"advice:{world['ot'].event_id}",
        f"document:{world['document'].pk}",
    ]
    assert html.count('name="bring_in"') == 4
    assert html.count(" checked") == 4
    response = client.post(base + "start/", {"bring_in": keys})
    assert response.status_code == 302
    assert response.url == base
    with schema_context("oxfordshire"):
        version = PlanVersion.objects.get(case=world["case"])
        assert (version.number, version.kind, version.status) == (1, "draft", "working")
        assert version.started_by == world["caseworker"]
        assert "Views of the child or young person:\nI love trains." in version.views
        assert "Views of the parents or carers:\nWe want him to travel on his own." in version.views
        salt_key = f"advice:{world['salt'].event_id}"
        needs = {(n.section, n.area, n.source_key) for n in PlanNeed.objects.filter(version=version)}
        assert needs == {
            ("B", "communication", salt_key),
            ("C", "health", salt_key),
            ("B", "sensory_physical", f"advice:{world['ot'].event_id}"),
        }
        outcomes = {o.outcome: o for o in PlanOutcome.objects.filter(version=version)}
        assert outcomes["Will take part in PE"].area == ""  # "Flying" is no area: left for the caseworker
        assert outcomes["Will manage seizures safely in school"].area == "health"
        provision = {p.provision: p for p in PlanProvision.objects.filter(version=version)}
        therapy = provision["Speech and language therapy in school"]
        assert (therapy.section, therapy.outcome) == ("F", outcomes["Will follow a two-step instruction"])
        training = provision["Epilepsy training for staff"]
        assert (training.section, training.outcome.outcome) == ("G", "Will manage seizures safely in school")
        assert provision["Visual timetable"].outcome is None  # matched no outcome: a gap
        assert provision["Occupational therapy programme"].outcome == outcomes["Will write a paragraph"]
        assert therapy.source.startswith("Speech and language therapy")
        assert "advice, " in therapy.source
        information = list(PlanInformation.objects.filter(version=version))
        assert [(i.description, i.source_key) for i in information] == [
            (f"{world['salt'].team.name} advice", salt_key),
            (f"{world['ot'].team.name} advice", f"advice:{world['ot'].event_id}"),
            ("Educational psychology report", f"document:{world['document'].pk}"),
        ]
        assert information[0].provided_by == world["salt"].team.name
        assert AuditEvent.objects.filter(action="plan.started", subject=world["case"].reference).exists()
    # Started: the start page sends the caseworker to the plan.
    assert client.get(base + "start/").url == base


def test_nothing_is_brought_in_unless_ticked(world):
    response = world["client"].post(
        world["base"] + "start/", {"bring_in": [f"advice:{world['ot'].event_id}"]}
    )
    assert response.status_code == 302
    with schema_context("oxfordshire"):
        version = PlanVersion.objects.get(case=world["case"])
        assert version.views == ""
        keys = {n.source_key for n in PlanNeed.objects.filter(version=version)}
        assert keys == {f"advice:{world['ot'].event_id}"}
        assert not PlanInformation.objects.filter(version=version, source_key__startswith="document").exists()
    world["client"].post(world["base"] + "start/", {})
    with schema_context("oxfordshire"):
        assert PlanVersion.objects.filter(case=world["case"]).count() == 1


def test_an_empty_start_and_advice_brought_in_later(world):
    client, base = world["client"], world["base"]
    client.post(base + "start/", {})
    with schema_context("oxfordshire"):
        version = PlanVersion.objects.get(case=world["case"])
        assert not PlanNeed.objects.filter(version=version).exists()
        assert version.views == ""
    page = client.get(base).content.decode()
    assert "Advice not yet in the plan" in page
    salt_key = f"advice:{world['salt'].event_id}"
    assert client.post(base + "bring-in/", {"source": salt_key}).status_code == 302
    with schema_context("oxfordshire"):
        assert PlanNeed.objects.filter(version=version, source_key=salt_key).count() == 2
        assert PlanProvision.objects.filter(version=version, source_key=salt_key).count() == 3
        with pytest.raises(ValidationError, match="in the plan already"):
            services.plan_rows_bring_in(version=version, source_key=salt_key, by=world["caseworker"])
        with pytest.raises(ValidationError, match="Select advice"):
            services.plan_rows_bring_in(version=version, source_key="advice:999999", by=world["caseworker"])
        assert AuditEvent.objects.filter(action="plan.rows_brought_in").count() == 1
    waiting = client.get(base).content.decode().split("Advice not yet in the plan")[1]
    assert world["ot"].team.name in waiting
    assert world["salt"].team.name not in waiting


@pytest.fixture
def draft(world):
    with schema_context("oxfordshire"):
        version = PlanVersionFactory(case=world["case"], number=1)
        outcome = PlanOutcomeFactory(version=version, outcome="Will follow a two-step instruction")
        provision = PlanProvisionFactory(version=version, outcome=outcome, source="SALT advice, 3 Mar 2026")
        need = PlanNeedFactory(version=version, source="SALT advice, 3 Mar 2026")
    return {**world, "version": version, "outcome": outcome, "provision": provision, "need": need}


def test_a_section_page_shows_rows_with_their_source_and_saves_edits(draft):
    client, base, need = draft["client"], draft["base"], draft["need"]
    page = client.get(base + "B/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="need-{need.pk}-description"' in html
    assert "From: SALT advice, 3 Mar 2026" in html
    response = client.post(
        base + "B/",
        {
            "row": [str(need.pk), "new-0"],
            f"need-{need.pk}-area": "cognition",
            f"need-{need.pk}-description": "Edited need",
            "need-new-0-area": "semh",
            "need-new-0-description": "A new need",
            "action": "save",
        },
    )
    assert response.status_code == 302
    with schema_context("oxfordshire"):
        rows = list(PlanNeed.objects.filter(version=draft["version"]).order_by("position"))
        assert [(r.area, r.description, r.section) for r in rows] == [
            ("cognition", "Edited need", "B"),
            ("semh", "A new need", "B"),
        ]
        assert rows[0].source == "SALT advice, 3 Mar 2026"  # editing keeps where it came from
        assert AuditEvent.objects.filter(
            action="plan.section_saved", subject=draft["case"].reference
        ).exists()


def test_add_another_saves_and_gives_an_empty_row_and_remove_takes_one_away(draft):
    client, base, need = draft["client"], draft["base"], draft["need"]
    response = client.post(
        base + "B/",
        {
            "row": [str(need.pk)],
            f"need-{need.pk}-area": "communication",
            f"need-{need.pk}-description": "Kept",
            "action": "add",
        },
    )
    assert response.status_code == 302
    assert response.url.endswith("?add=1#add-row")
    html = client.get(response.url).content.decode()
    assert 'id="need-new-0-description"' in html
    with schema_context("oxfordshire"):
        assert PlanNeed.objects.get(pk=need.pk).description == "Kept"
    client.post(
        base + "B/", {"row": [str(need.pk), "new-0"], f"need-{need.pk}-remove": "1", "action": "save"}
    )
    with schema_context("oxfordshire"):
        assert not PlanNeed.objects.filter(version=draft["version"]).exists()


def test_removing_an_outcome_leaves_its_provision_without_one(draft):
    client, base, outcome = draft["client"], draft["base"], draft["outcome"]
    client.post(
        base + "E/", {"row": [str(outcome.pk)], f"outcome-{outcome.pk}-remove": "1", "action": "save"}
    )
    with schema_context("oxfordshire"):
        provision = PlanProvision.objects.get(pk=draft["provision"].pk)
        assert provision.outcome is None
    page = client.get(base + "?check=1").content.decode()
    link = f"/cases/{draft['case'].reference}/plan/F/?check=1#provision-{provision.pk}-outcome"
    assert f'href="{link}"' in page
    assert "There is a problem" in page
    # The link lands on the section's page, with the gap on its input.
    section = client.get(link.split("#", maxsplit=1)[0])
    assert section.status_code == 200
    html = section.content.decode()
    assert f'id="provision-{provision.pk}-outcome-error"' in html
    assert f'href="#provision-{provision.pk}-outcome"' in html
    empty = client.get(base + "D/?check=1").content.decode()
    assert 'id="section-D-error"' in empty
    assert 'href="#section-D"' in empty


def test_bad_input_keeps_what_was_typed_saves_the_rest_and_shows_the_summary(draft):
    client, base, provision = draft["client"], draft["base"], draft["provision"]
    response = client.post(
        base + "F/",
        {
            "row": [str(provision.pk), "new-0", "new-1"],
            f"provision-{provision.pk}-provision": "Therapy, twice as much",
            f"provision-{provision.pk}-provider": "x" * 201,
            f"provision-{provision.pk}-frequency": "Weekly",
            f"provision-{provision.pk}-outcome": str(draft["outcome"].pk),
            "provision-new-0-provision": "A good new row",
            "provision-new-0-provider": "Teaching assistant",
            "provision-new-0-frequency": "Daily",
            "provision-new-0-outcome": "",
            "provision-new-1-provision": "",
            "provision-new-1-provider": "Typed but incomplete",
            "action": "save",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#provision-{provision.pk}-provider"' in html
    assert 'href="#provision-new-1-provision"' in html
    assert "Therapy, twice as much" in html  # typed, not saved, still there
    assert "Typed but incomplete" in html
    with schema_context("oxfordshire"):
        stored = PlanProvision.objects.get(pk=provision.pk)
        assert stored.provision != "Therapy, twice as much"  # the row with a problem was left as it was
        new = PlanProvision.objects.get(version=draft["version"], provision="A good new row")
        assert new.provider == "Teaching assistant"
    # The valid new row is shown by its id now, so saving again does not add it twice.
    assert f'id="provision-{new.pk}-provision"' in html
    assert 'id="provision-new-0-provision"' not in html


def test_nothing_in_a_section_and_the_text_sections(draft):
    client, base = draft["client"], draft["base"]
    client.post(base + "D/", {"nothing": "1", "action": "save"})
    client.post(base + "A/", {"views": "Amir's own words", "action": "save"})
    client.post(base + "I/", {"placement_name": "", "placement_type": "", "action": "save"})
    response = client.post(base + "I/", {"placement_name": "Larkrise", "placement_type": "nonsense"})
    assert response.status_code == 400
    assert 'value="Larkrise"' in response.content.decode()
    with schema_context("oxfordshire"):
        version = PlanVersion.objects.get(pk=draft["version"].pk)
        assert "D" in version.nothing_in
        assert version.views == "Amir's own words"
        assert version.placement_type == ""
    page = client.get(base).content.decode()
    assert "Nothing in this section" in page


def test_an_issued_version_is_refused(draft):
    with schema_context("oxfordshire"):
        PlanVersion.objects.filter(pk=draft["version"].pk).update(
            status=PlanStatus.ISSUED, issued_at=timezone.now(), issued_on=timezone.localdate()
        )
        with pytest.raises(ValidationError, match="issued"):
            services.plan_section_save(
                version=draft["version"], section="B", by=draft["caseworker"], rows=[], nothing=True
            )
    # No version being written: the section page goes back to the plan, which lists the issued one.
    assert draft["client"].get(draft["base"] + "B/").url == draft["base"]
    page = draft["client"].get(draft["base"]).content.decode()
    assert "Issued versions" in page
    assert "Version 1" in page


def test_other_councils_parents_and_education_professionals_are_refused(draft, worcestershire):
    base = draft["base"]
    worcs = sign_in(
        host_client("worcestershire"), council_person("caseworker@worcestershire.example"), worcestershire
    )
    for path in (base, base + "start/", base + "B/"):
        assert worcs.get(path).status_code == 404
    with schema_context("oxfordshire"):
        parent = council_person("parent@oxfordshire.example")
        teacher = UserFactory(email=f"teacher-{uuid.uuid4().hex[:6]}@example.com")
        MembershipFactory(user=teacher, role=Role.EDUCATION_PROFESSIONAL)
    from tenants.models import Council  # noqa: PLC0415

    oxon = Council.objects.get(schema_name="oxfordshire")
    for person in (parent, teacher):
        client = sign_in(host_client("oxfordshire"), person, oxon)
        for path in (base, base + "B/"):
            assert client.get(path).status_code == 403
        assert client.post(base + "B/", {"nothing": "1"}).status_code == 403
    with schema_context("oxfordshire"):
        assert "B" not in PlanVersion.objects.get(pk=draft["version"].pk).nothing_in


def test_every_read_is_audited(draft):
    client, base = draft["client"], draft["base"]
    for path, page in ((base, "plan_page"), (base + "E/", "plan_section")):
        with schema_context("oxfordshire"):
            last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        assert client.get(path).status_code == 200
        with schema_context("oxfordshire"):
            reads = AuditEvent.objects.filter(id__gt=last, action="record.read", actor=draft["caseworker"])
            assert [(r.subject, r.detail["page"]) for r in reads] == [(draft["case"].reference, page)]


def _fill(version, count: int) -> None:
    for _ in range(count):
        outcome = PlanOutcomeFactory(version=version)
        PlanProvisionFactory(version=version, outcome=outcome)
        PlanProvisionFactory(version=version, outcome=outcome, section="G")
        PlanNeedFactory(version=version)
        PlanNeedFactory(version=version, section="C", area="health")
        PlanInformationFactory(version=version)


PLAN_PAGE_QUERIES = 13
SECTION_PAGE_QUERIES = 10  # F; B, E and K 9 (F reads the outcomes its rows may serve)


@pytest.mark.parametrize("rows", [1, 100])
def test_the_plan_page_and_a_section_page_read_a_fixed_number_of_queries(draft, rows, assert_queries):
    with schema_context("oxfordshire"):
        PlanNeed.objects.filter(version=draft["version"]).delete()
        PlanOutcome.objects.filter(version=draft["version"]).delete()
        PlanProvision.objects.filter(version=draft["version"]).delete()
        _fill(draft["version"], rows)
    client, base = draft["client"], draft["base"]
    client.get(base)  # the first request after signing in also writes the session
    with assert_queries(PLAN_PAGE_QUERIES):
        page = client.get(base + "?check=1")
    assert page.content.decode().count("provision") >= 1
    for section in ("B", "E", "F", "K"):
        with assert_queries(SECTION_PAGE_QUERIES if section == "F" else SECTION_PAGE_QUERIES - 1):
            response = client.get(base + f"{section}/")
        assert response.status_code == 200
        assert response.content.decode().count('name="row"') == rows


def test_a_request_not_submitted_offers_no_section_a(world):
    with schema_context("oxfordshire"):
        world["case"].request.status = RequestStatus.DRAFT
        world["case"].request.save()
    assert "request" not in _all_keys(world)


def test_the_case_page_links_to_the_plan_once_the_council_assesses(world, oxfordshire):
    client = world["client"]
    assert (
        f'href="/cases/{world["case"].reference}/plan/"'
        in client.get(f"/cases/{world['case'].reference}/").content.decode()
    )
    with schema_context("oxfordshire"):
        early = case_at(Stage.DECISION_TO_ASSESS)
    page = client.get(f"/cases/{early.reference}/").content.decode()
    assert "Write the plan" not in page
    assert client.get(f"/cases/{early.reference}/plan/start/").status_code == 404
    assert "Start the draft plan" not in client.get(f"/cases/{early.reference}/plan/").content.decode()


def test_inputs_nobody_types_are_refused_or_ignored_never_a_500(draft):
    client, base, provision = draft["client"], draft["base"], draft["provision"]
    response = client.post(
        base + "F/",
        {
            "row": [str(provision.pk), "\u00b2", "9" * 30, "new-<b>", "new-0"],
            f"provision-{provision.pk}-provision": "Kept",
            f"provision-{provision.pk}-outcome": "\u00b2",
            "provision-new-0-provision": "New",
            "provision-new-0-outcome": "9" * 30,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#provision-{provision.pk}-outcome"' in html
    assert 'href="#provision-new-0-outcome"' in html
    response = client.post(
        base + "K/",
        {
            "row": ["new-0"],
            "information-new-0-description": "Letter",
            "information-new-0-dated": "2026-13-45",
        },
    )
    assert response.status_code == 400
    assert 'value="2026-13-45"' in response.content.decode()
    assert client.get(base + "Z/").status_code == 404
    assert client.get(base + "H/").status_code == 404


def test_the_plan_page_offers_the_next_step_whether_or_not_a_version_is_being_written(draft):
    client, base = draft["client"], draft["base"]
    page = client.get(base).content.decode()
    assert f'href="/cases/{draft["case"].reference}/plan/issue-draft/"' in page
    with schema_context("oxfordshire"):
        PlanVersion.objects.filter(pk=draft["version"].pk).update(
            status=PlanStatus.ISSUED, issued_at=timezone.now(), issued_on=timezone.localdate()
        )
        type(draft["case"]).objects.filter(pk=draft["case"].pk).update(stage=Stage.DRAFT_PLAN)
    page = client.get(base).content.decode()
    assert "Start the final plan" in page
    assert f'href="{reverse("plan_version", args=[draft["case"].reference, 1])}"' in page


def test_nothing_in_a_section_that_has_something_is_refused(draft):
    client, base, need = draft["client"], draft["base"], draft["need"]
    response = client.post(
        base + "B/",
        {
            "row": [str(need.pk)],
            f"need-{need.pk}-area": "semh",
            f"need-{need.pk}-description": "Edited",
            "nothing": "1",
        },
    )
    assert response.status_code == 400
    assert 'href="#section-B"' in response.content.decode()
    response = client.post(base + "A/", {"views": "Words", "nothing": "1"})
    assert response.status_code == 400
    assert 'href="#nothing"' in response.content.decode()
    with schema_context("oxfordshire"):
        version = PlanVersion.objects.get(pk=draft["version"].pk)
        assert version.nothing_in == []
        assert PlanNeed.objects.get(pk=need.pk).description == "Edited"  # the rest was saved
        assert version.views == "Words"
