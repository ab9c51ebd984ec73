"""The demo seed: the four reference councils (demo.councils) with their configuration, demo staff,
health teams, cases at every stage and a family with documents, messages and a form to complete.

Idempotent, so ``make run`` can seed again and again. It builds everything through the apps' own
services (council_create, case_transition, advice_request_send, ...), as a council's people would, and
steps into each council's schema through tenants' council_run: demo code crosses no schema itself.
"""

import datetime
import hashlib

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_exists

from core.models import Profile
from core.roles import Role
from core.services import membership_grant
from demo.councils import DEFAULT_STAGES, DEMO_CASES, DEMO_SETTINGS, logo_svg
from ehc.case_forms.services import case_draft_served_on, case_form_send, draft_response_due
from ehc.cases.services import case_due_refresh, case_transition
from ehc.messages.services import message_send_by_team
from ehc.models import (
    AccessStatus,
    Case,
    CaseAccess,
    CaseDocument,
    EducationSetting,
    Need,
    Placement,
    SettingMember,
)
from ehc.plans.issued.services import plan_draft_issue, plan_final_issue, plan_final_start
from ehc.plans.services import plan_section_save, plan_start
from ehc.workflow import ADVICE_SOURCES, Stage
from hub.advice.services import advice_allocate, advice_request_send
from hub.models import HealthTeam, HealthTeamMember
from tenants.configuration.models import CouncilConfiguration, MessageType, StageDescription, SupportTeam
from tenants.configuration.selectors import configuration_get
from tenants.configuration.services import configuration_update
from tenants.models import Council
from tenants.services import council_create, council_run


@transaction.atomic
def _demo_configure(*, spec: dict) -> None:
    """Inside a council's schema: its configuration, teams, message types, stages and logo, as its
    guide shows them (idempotent)."""
    config = CouncilConfiguration.objects.select_for_update().get(pk=1)
    # The upload rules in Oxfordshire's guide, unless a council's spec says otherwise.
    defaults = {"upload_types": ["doc", "docx", "pdf", "jpg", "jpeg", "png"], "upload_max_mb": 15}
    for field, value in {**defaults, **spec["config"]}.items():
        setattr(config, field, value)
    config.full_clean(exclude=["logo"])
    if not config.logo:
        config.logo.save(
            "logo.svg",
            ContentFile(logo_svg(name=spec["name"], colour=config.brand_colour)),
            save=False,
        )
    config.save()
    for position, (name, email) in enumerate(spec["teams"]):
        SupportTeam.objects.update_or_create(
            configuration=config, name=name, defaults={"email": email, "position": position}
        )
    for position, name in enumerate(spec["message_types"]):
        MessageType.objects.update_or_create(configuration=config, name=name, defaults={"position": position})
    for stage, text in DEFAULT_STAGES.items():
        StageDescription.objects.get_or_create(
            configuration=config, stage=stage, defaults={"what_happens": text}
        )


@transaction.atomic
def _demo_people(*, spec: dict, password: str) -> list[tuple[str, str]]:
    """Inside a council's schema: its demo staff, families, cases and health teams."""
    user_model = get_user_model()
    accounts = []
    config = CouncilConfiguration.objects.select_for_update().get(pk=1)
    changed = sorted(f for f, v in spec.get("demo_config", {}).items() if getattr(config, f) != v)
    if changed:
        for field in changed:
            setattr(config, field, spec["demo_config"][field])
        configuration_update(configuration=config, by=None, changed=changed)
    for local_part, role in spec["staff"]:
        email = f"{local_part}@{spec['email_domain']}"
        user, created = user_model.objects.get_or_create(
            email=email, defaults={"first_name": local_part.replace("-", " ").title(), "last_name": "(demo)"}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        membership_grant(user=user, role=role)
        mobile = spec.get("mobiles", {}).get(local_part)
        if mobile:
            Profile.objects.update_or_create(user=user, defaults={"mobile_phone": mobile, **spec["office"]})
        accounts.append((email, role.label))
    _demo_cases(
        caseworkers=[
            user_model.objects.get(email=f"{local}@{spec['email_domain']}")
            for local in ("caseworker", "senior-caseworker")
        ]
    )
    _demo_health(spec=spec)
    _demo_settings(spec=spec)
    _demo_family(
        parent=user_model.objects.get(email=f"parent@{spec['email_domain']}"),
        base_url=f"http://{spec['domains'][0]}:8000",
        message_type=spec["message_types"][0],
    )
    return accounts


# Cases in their assessment that ask the demo health team for advice: one waits for allocation, one is
# allocated to the team's therapist.
DEMO_HEALTH_CASES = (("DEMO-0006", None), ("DEMO-0005", "therapist"))


def _demo_health(*, spec: dict) -> None:
    """The council's demo health teams and their members, and advice requests to them (idempotent)."""
    user_model = get_user_model()
    for name, email, members in spec.get("health_teams", []):
        team, _ = HealthTeam.objects.update_or_create(name=name, defaults={"email": email})
        for local_part, is_manager in members:
            HealthTeamMember.objects.update_or_create(
                team=team,
                user=user_model.objects.get(email=f"{local_part}@{spec['email_domain']}"),
                defaults={"is_manager": is_manager},
            )
        manager = team.members.filter(is_manager=True).select_related("user").first()
        for reference, writer in DEMO_HEALTH_CASES:
            case = Case.objects.filter(reference=reference, stage=Stage.ASSESSMENT).first()
            if case is None or case.advice_requests.filter(team=team).exists():
                continue
            advice = advice_request_send(
                case=case,
                team=team,
                by=case.caseworker,
                requested_on=timezone.localdate() - datetime.timedelta(days=5),
            )
            if writer and manager:
                advice_allocate(
                    advice=advice,
                    member=user_model.objects.get(email=f"{writer}@{spec['email_domain']}"),
                    by=manager.user,
                )


def _demo_settings(*, spec: dict) -> None:
    """The council's schools and settings, with the demo SENCo as Riverside Academy's setting manager
    (idempotent)."""
    user_model = get_user_model()
    for name, urn, ukprn, kind, office, members in DEMO_SETTINGS:
        setting, _ = EducationSetting.objects.update_or_create(
            name=name,
            defaults={"urn": urn, "ukprn": ukprn, "kind": kind, "email": f"{office}@{spec['email_domain']}"},
        )
        for local_part, is_manager in members:
            SettingMember.objects.update_or_create(
                setting=setting,
                user=user_model.objects.get(email=f"{local_part}@{spec['email_domain']}"),
                defaults={"is_manager": is_manager},
            )


DEMO_FAMILY = ("DEMO-0002", "DEMO-0007")  # Mary Bluehat (deciding whether to assess), Honey Bee (draft plan)


# A one-page PDF, so the demo documents open in any reader.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 55>>stream\n"
    b"BT /F1 18 Tf 72 760 Td (EHC Portal demo document) Tj ET\nendstream\nendobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
DEMO_DOCUMENTS = {
    "DEMO-0002": [("SEN New Assessment - Acknowledgment of application", 30)],
    "DEMO-0007": [
        ("SEN New Assessment - Acknowledgment of application", 105),
        ("Decision to assess letter", 70),
    ],
}


def _demo_documents(*, case, by) -> None:
    digest = hashlib.sha256(DEMO_PDF).hexdigest()
    today = timezone.localdate()
    for description, days_ago in DEMO_DOCUMENTS.get(case.reference, []):
        if case.documents.filter(description=description).exists():
            continue
        document = CaseDocument(
            case=case,
            description=description,
            document_date=today - datetime.timedelta(days=days_ago),
            original_name=f"{description.split(' - ')[0].replace(' ', '-')}.pdf",
            extension="pdf",
            size=len(DEMO_PDF),
            content_type="application/pdf",
            sha256=digest,
            published_at=timezone.now() - datetime.timedelta(days=days_ago),
            published_by=by,
        )
        document.file.save(document.original_name, ContentFile(DEMO_PDF), save=False)
        document.save()


def _demo_family(*, parent, base_url: str, message_type: str) -> None:
    """The demo parent sees two of the demo children at different stages, with documents to view and,
    for the child with a draft plan, the Parental Response form to complete (idempotent)."""
    for case in Case.objects.filter(reference__in=DEMO_FAMILY).select_related("caseworker"):
        _demo_documents(case=case, by=case.caseworker)
        CaseAccess.objects.get_or_create(
            case=case,
            user=parent,
            defaults={
                "email": parent.email,
                "relationship": "Parent or carer",
                "status": AccessStatus.ACTIVE,
                "activated_at": timezone.now(),
            },
        )
        if case.caseworker and not case.messages.exists():
            message_send_by_team(
                case=case,
                sender=case.caseworker,
                recipient=parent,
                message_type=message_type,
                subject="Welcome to the EHC Portal",
                body=(
                    f"I am the {configuration_get().caseworker_title} for {case.child_first_name}'s case. "
                    "You can follow each step here, read the letters we send, and complete forms."
                ),
                base_url=base_url,
            )
        served = case_draft_served_on(case=case)
        window_open = served is not None and draft_response_due(served=served) >= timezone.localdate()
        if case.stage == Stage.DRAFT_PLAN and window_open and not case.forms.exists():
            case_form_send(
                case=case,
                slug="parental_response",
                recipient=parent,
                due_on=None,
                by=case.caseworker,
                link=f"/accounts/login/?next=/children/{case.reference}/forms/",
            )


def demo_council_create(*, spec: dict) -> Council:
    """One reference council from demo.councils, configured as its guide shows it, with no people and
    no cases (idempotent): what the test session starts from, and the first step of the seed."""
    council = council_create(
        name=spec["name"],
        short_name=spec["short_name"],
        schema_name=spec["schema_name"],
        domains=spec["domains"],
    ).council
    council_run(council=council, func=_demo_configure, spec=spec)
    return council


def demo_council_seed(*, spec: dict, password: str) -> tuple[Council, list[tuple[str, str]]]:
    """Create or update one reference council from demo.councils with its demo people and cases
    (idempotent)."""
    council = demo_council_create(spec=spec)
    accounts = council_run(council=council, func=_demo_people, spec=spec, password=password)
    therapist = get_user_model().objects.filter(email=f"therapist@{spec['email_domain']}").first()
    for schema, team_name, team_email in spec.get("health_elsewhere", []):
        elsewhere = Council.objects.filter(schema_name=schema).first()
        if therapist is not None and elsewhere is not None and schema_exists(schema):
            council_run(
                council=elsewhere,
                func=_demo_health_elsewhere,
                person=therapist,
                team_name=team_name,
                team_email=team_email,
            )
    return council, accounts


@transaction.atomic
def _demo_health_elsewhere(*, person, team_name: str, team_email: str) -> None:
    """In another council: the person as a health team manager there, and one request for advice
    to their team, waiting for allocation (idempotent)."""
    membership_grant(user=person, role=Role.HEALTH_TEAM_MANAGER)
    team, _ = HealthTeam.objects.update_or_create(name=team_name, defaults={"email": team_email})
    HealthTeamMember.objects.update_or_create(team=team, user=person, defaults={"is_manager": True})
    case = Case.objects.filter(reference=DEMO_HEALTH_CASES[0][0], stage=Stage.ASSESSMENT).first()
    if case is not None and not case.advice_requests.filter(team=team).exists():
        advice_request_send(
            case=case,
            team=team,
            by=case.caseworker,
            requested_on=timezone.localdate() - datetime.timedelta(days=2),
        )


DEMO_REASONS = {
    "decide_not_to_assess": "Needs can be met from the school's own resources",
    "decide_not_to_issue": "Needs can be met from the school's own resources with the advice received",
    "cease": "Moved on to paid employment",
}


def _demo_cases(*, caseworkers: list) -> int:
    """Demo cases at every stage, some due soon and some overdue, allocated to the demo caseworkers,
    with a date of birth, a placement and ranked needs (idempotent: by reference)."""
    today = timezone.localdate()
    made = 0
    for number, (name, days, worker, age, setting, needs, moves) in enumerate(DEMO_CASES, start=1):
        reference = f"DEMO-{number:04d}"
        if Case.objects.filter(reference=reference).exists():
            continue
        first, last = name.split(" ", 1)
        received = today - datetime.timedelta(days=days)
        caseworker = caseworkers[worker] if worker is not None else None
        case = Case.objects.create(
            reference=reference,
            child_first_name=first,
            child_last_name=last,
            child_date_of_birth=received.replace(year=received.year - age, day=min(received.day, 28)),
            received_on=received,
            requestor="Parent/Young Person",
            caseworker=caseworker,
            caseworker_since=received if caseworker else None,
        )
        setting_name, code, setting_type = setting
        Placement.objects.create(
            case=case,
            setting_name=setting_name,
            urn=code if len(code) == 6 else "",
            ukprn=code if len(code) == 8 else "",
            setting_type=setting_type,
            entry_date=received.replace(year=received.year - 1, day=1),
        )
        for rank, need in enumerate(needs, start=1):
            Need.objects.create(case=case, code=need, rank=rank)
        asked = []
        for action, after in moves:
            detail = {}
            if action == "request_advice":
                detail = {"service": ADVICE_SOURCES[len(asked) + 2]}
                asked.append(detail["service"])
            elif action == "record_advice":
                detail = {"service": asked[0]}
            elif action == "record_review":
                detail = {"decision": "maintain"}
            elif action == "cease":
                detail = {"ceasing_reason": "employment"}
            by = caseworker or caseworkers[0]
            happened_on = received + datetime.timedelta(days=after)
            if action in ("issue_draft", "issue_final"):  # the plan, written and issued in the portal
                case = _demo_plan_issue(case=case, kind=action, by=by, issued_on=happened_on)
                continue
            case = case_transition(
                case=case,
                action=action,
                by=by,
                happened_on=happened_on,
                reason=DEMO_REASONS.get(action, ""),
                detail=detail,
            )
        case_due_refresh(case=case)
        made += 1
    return made


def _demo_plan_issue(*, case, kind: str, by, issued_on: datetime.date):
    """Write the demo child's plan in the portal and issue it, through the editor's and the issuing
    services as a caseworker would: the draft from nothing, with a need, an outcome and the provision
    that serves it; the final from the draft, naming the child's school. Returns the case as moved."""
    if kind == "issue_draft":
        version = plan_start(case=case, chosen=set(), by=by)
        name = case.child_first_name
        plan_section_save(
            version=version,
            section="A",
            by=by,
            text={"views": f"{name} enjoys drawing and football, and wants to make friends at school."},
        )
        plan_section_save(
            version=version,
            section="B",
            by=by,
            rows=[{"key": "new-0", "area": "cognition", "description": f"{name} reads two years below age."}],
        )
        saved = plan_section_save(
            version=version,
            section="E",
            by=by,
            rows=[
                {
                    "key": "new-0",
                    "area": "cognition",
                    "outcome": f"By the end of the year {name} will read a book for pleasure.",
                    "steps": "Reads a short book with help by the end of the first term.",
                }
            ],
        )
        plan_section_save(
            version=version,
            section="F",
            by=by,
            rows=[
                {
                    "key": "new-0",
                    "provision": "A structured reading programme, one to one",
                    "provider": "Teaching assistant trained in the programme",
                    "frequency": "20 minutes a day, reviewed each half term",
                    "outcome": str(saved.added["new-0"]),
                }
            ],
        )
        for letter in ("C", "D", "G", "H1", "H2"):
            plan_section_save(version=version, section=letter, by=by, nothing=True)
        plan_section_save(
            version=version, section="J", by=by, text={"personal_budget": "No personal budget was asked for."}
        )
        plan_section_save(
            version=version,
            section="K",
            by=by,
            rows=[
                {
                    "key": "new-0",
                    "description": "Educational psychology advice",
                    "provided_by": "Educational psychology",
                    "dated": (issued_on - datetime.timedelta(days=30)).isoformat(),
                }
            ],
        )
        plan_draft_issue(version=version, by=by, issued_on=issued_on)
    else:
        version = plan_final_start(case=case, by=by)
        placement = case.placements.order_by("rank", "id").first()
        if placement is not None:
            plan_section_save(
                version=version,
                section="I",
                by=by,
                text={"placement_name": placement.setting_name, "placement_type": placement.setting_type},
            )
        plan_final_issue(version=version, by=by, issued_on=issued_on)
    case.refresh_from_db()
    return case
