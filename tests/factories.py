"""Test data: a factory per model, and cases at each stage made by walking the workflow.

Everything that lives in a council's schema is made inside it: ``with in_council(council): ...``.
A case at a stage is made the way the council makes it, through ``case_transition`` one move at a time
with dates, so it carries the events, due dates, audit rows and family notices the real workflow
leaves; tests that need a case in an impossible or half-made state build the rows themselves.
"""

import datetime
import uuid

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import FormVersion, Membership, Profile
from core.roles import Role
from demo.councils import COUNCILS
from ehc.cases.services import case_due_refresh, case_transition
from ehc.models import (
    AccessStatus,
    AssessmentRequest,
    Case,
    CaseAccess,
    CaseDocument,
    Message,
    PlanInformation,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
    RequestStatus,
)
from ehc.workflow import Action, Stage
from hub.advice.selectors import advice_template_version
from hub.advice.services import advice_request_send
from hub.models import AdviceContribution, AdviceRequest, AdviceStatus, HealthTeam, HealthTeamMember

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """People who registered proved their email address; pass verified_email=False for one who didn't."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    """Create inside the council's schema: ``with in_council(council): MembershipFactory(...)``."""

    class Meta:
        model = Membership
        django_get_or_create = ("user", "role")

    user = factory.SubFactory(UserFactory)
    role = Role.PARENT


# The people every test council has, by the local part of their address (``caseworker@oxfordshire.
# example``): the accounts README lists, made only when a test asks for one (council_person).
COUNCIL_PEOPLE = {
    "admin": Role.COUNCIL_ADMIN,
    "caseworker": Role.CASEWORKER,
    "senior-caseworker": Role.CASEWORKER,
    "parent": Role.PARENT,
    "manager": Role.SEND_MANAGER,
    "health-manager": Role.HEALTH_TEAM_MANAGER,
    "therapist": Role.HEALTH_PROFESSIONAL,
    "clinical-officer": Role.DESIGNATED_CLINICAL_OFFICER,
    "school": Role.EDUCATION_PROFESSIONAL,
}
_SPECS = {spec["email_domain"]: spec for spec in COUNCILS}


def council_person(email: str):
    """The council's person at this address (``admin@worcestershire.example``), with the role their
    local part names, the test password (settings.DEMO_PASSWORD, which every council's policy accepts)
    and, for North East Lincolnshire's health staff, the mobile their sign-in codes go to. Made on first
    use in a test (and rolled back with it), so each test makes only the people it uses."""
    local_part, domain = email.split("@")
    spec = _SPECS[domain]
    user = UserFactory(
        email=email,
        first_name=local_part.replace("-", " ").title(),
        last_name="(test)",
        password=settings.DEMO_PASSWORD,
    )
    with schema_context(spec["schema_name"]):
        MembershipFactory(user=user, role=COUNCIL_PEOPLE[local_part])
        mobile = spec.get("mobiles", {}).get(local_part)
        if mobile:
            Profile.objects.get_or_create(user=user, defaults={"mobile_phone": mobile, **spec["office"]})
    return user


class CaseFactory(factory.django.DjangoModelFactory):
    """A case as entered, at "request received", with its first due date (the decision in 6 weeks)."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    reference = factory.LazyFunction(lambda: f"CASE-{uuid.uuid4().hex[:8].upper()}")
    child_first_name = factory.Sequence(lambda n: f"Child{n}")
    child_last_name = "Bluehat"

    class Params:
        # ``CaseFactory(days_ago=50)``: received that many days before today.
        days_ago = None

    @factory.lazy_attribute
    def received_on(self):
        if self.days_ago is None:
            return datetime.date(2026, 9, 1)
        return timezone.localdate() - datetime.timedelta(days=self.days_ago)

    @factory.post_generation
    def due(self, create, extracted, **kwargs):
        """The clock's next due date, as every service that makes a case writes it; ``due=False`` leaves
        the row as created (for tests of what the refresh itself writes)."""
        if create and extracted is not False:
            case_due_refresh(case=self)


# The main path's moves to each stage, and the refusal branches, as a caseworker makes them.
_PATHS = {
    Stage.REQUEST_RECEIVED: (),
    Stage.DECISION_TO_ASSESS: (Action.CONSIDER,),
    Stage.ASSESSMENT: (Action.DECIDE_TO_ASSESS,),
    Stage.NOT_ASSESSED: (Action.DECIDE_NOT_TO_ASSESS,),
    Stage.DRAFT_PLAN: (Action.DECIDE_TO_ASSESS, Action.ISSUE_DRAFT),
    Stage.NO_PLAN: (Action.DECIDE_TO_ASSESS, Action.DECIDE_NOT_TO_ISSUE),
    Stage.FINAL_PLAN: (Action.DECIDE_TO_ASSESS, Action.ISSUE_DRAFT, Action.ISSUE_FINAL),
    Stage.PLAN_IN_PLACE: (
        Action.DECIDE_TO_ASSESS,
        Action.ISSUE_DRAFT,
        Action.ISSUE_FINAL,
        Action.RECORD_REVIEW,
    ),
    Stage.CEASED: (Action.DECIDE_TO_ASSESS, Action.ISSUE_DRAFT, Action.ISSUE_FINAL, Action.CEASE),
}
# Days after the request each move is made on, unless the test says: within the statutory weeks.
_DAY = {
    Action.CONSIDER: 3,
    Action.DECIDE_TO_ASSESS: 30,
    Action.DECIDE_NOT_TO_ASSESS: 30,
    Action.REQUEST_ADVICE: 31,
    Action.RECORD_ADVICE: 60,
    Action.ISSUE_DRAFT: 95,
    Action.DECIDE_NOT_TO_ISSUE: 95,
    Action.ISSUE_FINAL: 125,
    Action.RECORD_REVIEW: 400,
    Action.CEASE: 420,
}
_REASONS = {
    Action.DECIDE_NOT_TO_ASSESS: "Needs can be met from the school's own resources",
    Action.DECIDE_NOT_TO_ISSUE: "Needs can be met from the school's own resources with the advice received",
    Action.CEASE: "Moved on to paid employment",
}
_DETAIL = {Action.RECORD_REVIEW: {"decision": "maintain"}, Action.CEASE: {"ceasing_reason": "employment"}}


def case_at(
    stage: Stage,
    *,
    on: dict | None = None,
    advice: tuple[str, ...] = (),
    advice_recorded: bool = True,
    by=None,
    **fields,
) -> Case:
    """A case at ``stage``, made by the moves that lead there through ``case_transition``.

    Each move happens on ``on[action]`` if given, else on the usual day after the request; the request
    was received long enough ago that the last move is not in the future (or on ``received_on``).
    ``advice`` names the services asked during the assessment (each asked the day after the decision
    and, with ``advice_recorded``, recorded before the next move). ``by`` makes every move (None: the
    system)."""
    on = dict(on or {})
    moves = list(_PATHS[Stage(stage)])
    if advice and Action.DECIDE_TO_ASSESS in moves:
        after = moves.index(Action.DECIDE_TO_ASSESS) + 1
        asked = [(Action.REQUEST_ADVICE, {"service": s}) for s in advice]
        recorded = [(Action.RECORD_ADVICE, {"service": s}) for s in advice if advice_recorded]
        if len(moves) == after:
            recorded = []  # still in the assessment: the advice is awaited
        steps = [(a, {}) for a in moves[:after]] + asked + recorded + [(a, {}) for a in moves[after:]]
    else:
        steps = [(a, {}) for a in moves]
    if "received_on" not in fields and "days_ago" not in fields:
        last = max([_DAY[a] for a, _ in steps if a not in on] + [0])
        fields["received_on"] = timezone.localdate() - datetime.timedelta(days=last + 1)
    case = CaseFactory(**fields)
    for action, detail in steps:
        happened_on = on.get(action) or case.received_on + datetime.timedelta(days=_DAY[action])
        case = case_transition(
            case=case,
            action=action,
            by=by,
            happened_on=happened_on,
            reason=_REASONS.get(action, ""),
            detail={**_DETAIL.get(action, {}), **detail},
        )
    return case


class CaseAccessFactory(factory.django.DjangoModelFactory):
    """A person's access to a child's case: active by default; ``invited=True`` for an invitation not yet
    accepted (to ``email``, with no account)."""

    class Meta:
        model = CaseAccess

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda access: access.user.email if access.user else "")
    relationship = "Parent or carer"
    status = AccessStatus.ACTIVE
    activated_at = factory.LazyFunction(timezone.now)

    class Params:
        invited = factory.Trait(
            user=None,
            email=factory.Sequence(lambda n: f"invited{n}@example.com"),
            status=AccessStatus.INVITED,
            activated_at=None,
            invited_at=factory.LazyFunction(timezone.now),
        )


class CaseDocumentFactory(factory.django.DjangoModelFactory):
    """A document published to the family: a small PDF stored under the case's prefix."""

    class Meta:
        model = CaseDocument

    case = factory.SubFactory(CaseFactory)
    description = "EHC Plan - Draft Education Health and Care Plan"
    document_date = datetime.date(2026, 1, 14)
    original_name = "plan.pdf"
    extension = factory.LazyAttribute(lambda document: document.original_name.rsplit(".", 1)[1])
    size = len(PDF_BYTES)
    content_type = "application/pdf"
    sha256 = factory.LazyFunction(lambda: uuid.uuid4().hex * 2)
    published_at = factory.LazyFunction(timezone.now)
    file = factory.LazyAttribute(lambda document: ContentFile(PDF_BYTES, name=document.original_name))


class MessageFactory(factory.django.DjangoModelFactory):
    """A message on a case, from the SEND team by default; ``from_family=True`` for one a parent sent."""

    class Meta:
        model = Message

    case = factory.SubFactory(CaseFactory)
    message_type = "Message from parent"
    subject = "About the assessment"
    body = "Hello"
    sender = factory.SubFactory(UserFactory)
    from_team = True

    class Params:
        from_family = factory.Trait(from_team=False)


class RequestFactory(factory.django.DjangoModelFactory):
    """A request for an assessment on the council's current form: a draft by default; ``submitted=True``
    for one sent to the council (with its reference)."""

    class Meta:
        model = AssessmentRequest

    version = factory.LazyFunction(
        lambda: FormVersion.objects.filter(definition__slug="parent").order_by("-number").first()
    )
    owner = factory.SubFactory(UserFactory)
    answers = factory.LazyFunction(lambda: {"first_name": "Mary", "last_name": "Bluehat"})

    class Params:
        submitted = factory.Trait(
            status=RequestStatus.SUBMITTED,
            reference=factory.LazyFunction(lambda: f"EHC-{uuid.uuid4().hex[:8].upper()}"),
            submitted_at=factory.LazyFunction(timezone.now),
        )


class HealthTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthTeam
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Health team {n}")
    email = factory.Sequence(lambda n: f"health-team{n}@example.com")


class HealthTeamMemberFactory(factory.django.DjangoModelFactory):
    """A place in a health team; ``manager=True`` for one with manager level access. The person needs a
    health role in the council too (MembershipFactory), as the team admin requires."""

    class Meta:
        model = HealthTeamMember
        django_get_or_create = ("team", "user")

    team = factory.SubFactory(HealthTeamFactory)
    user = factory.SubFactory(UserFactory)
    is_manager = False

    class Params:
        manager = factory.Trait(is_manager=True)


def advice_asked(*, case: Case, team: HealthTeam, by=None, requested_on: datetime.date | None = None):
    """A health team asked for advice on a case in its assessment, as the case page's "Request advice"
    does it (the event, the request, its due date and the email to the team)."""
    return advice_request_send(case=case, team=team, by=by, requested_on=requested_on or timezone.localdate())


def advice_submitted_with(*, advice: AdviceRequest, answers: dict, submitted_at=None, professional=None):
    """A team's advice submitted, as one professional's part with these answers, without walking the
    allocation and the template (the advice as the SEND team, the family and the plan read it)."""
    submitted_at = submitted_at or timezone.now()
    AdviceContribution.objects.create(
        advice_request=advice,
        professional=professional,
        added_at=submitted_at,
        version=advice_template_version(),
        answers=answers,
        done_at=submitted_at,
    )
    AdviceRequest.objects.filter(pk=advice.pk).update(
        status=AdviceStatus.SUBMITTED, submitted_at=submitted_at
    )
    advice.refresh_from_db()
    return advice


class PlanVersionFactory(factory.django.DjangoModelFactory):
    """A version of a case's plan, being written (a working draft) unless told otherwise."""

    class Meta:
        model = PlanVersion

    case = factory.SubFactory(CaseFactory, stage=Stage.ASSESSMENT)
    number = factory.Sequence(lambda n: n + 1)
    views = "Amir loves trains and wants to travel on his own to college."


class PlanNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanNeed

    version = factory.SubFactory(PlanVersionFactory)
    section = "B"
    area = "communication"
    description = factory.Sequence(lambda n: f"Need {n}: finds it hard to follow spoken instructions")
    position = factory.Sequence(lambda n: n)


class PlanOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanOutcome

    version = factory.SubFactory(PlanVersionFactory)
    area = "communication"
    outcome = factory.Sequence(lambda n: f"Outcome {n}: will follow a two-step instruction in class")
    steps = "By the end of the term, with a visual prompt"
    position = factory.Sequence(lambda n: n)


class PlanProvisionFactory(factory.django.DjangoModelFactory):
    """Provision in section F serving an outcome of the same version."""

    class Meta:
        model = PlanProvision

    version = factory.SubFactory(PlanVersionFactory)
    section = "F"
    provision = factory.Sequence(lambda n: f"Provision {n}: speech and language therapy in school")
    provider = "Speech and language therapist"
    frequency = "1 hour a week for 6 weeks"
    outcome = factory.SubFactory(PlanOutcomeFactory, version=factory.SelfAttribute("..version"))
    position = factory.Sequence(lambda n: n)


class PlanInformationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanInformation

    version = factory.SubFactory(PlanVersionFactory)
    description = factory.Sequence(lambda n: f"Advice {n}")
    provided_by = "Speech and language therapy"
    dated = datetime.date(2026, 3, 3)
    position = factory.Sequence(lambda n: n)
