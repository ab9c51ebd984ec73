"""EHC needs assessment requests and their attachments, in the council's schema."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models

from core.formdefs import Definition, definition_from_dict
from core.models import FormVersion, StoredUpload
from ehc.workflow import Action, Note, Stage


def case_reference_loaded(instance: models.Model, field: str = "case") -> str:
    """The reference of the case ``instance`` belongs to, if that case is already loaded (so writing an
    audit row never costs a query to name the child's record); "" otherwise."""
    case = instance._state.fields_cache.get(field)
    return case.reference if case is not None else ""


class OfACase:
    """A model that belongs to a child's case: its audit rows name that case when it is loaded."""

    @property
    def audit_subject(self) -> str:
        return case_reference_loaded(self)


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class AssessmentRequest(models.Model):
    """A request for an EHC needs assessment: a draft until it is submitted, then read-only."""

    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    reference = models.CharField(max_length=20, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The council's response, shown to the person in Submitted forms ("No response posted" until then).
    response = models.TextField(blank=True)
    response_posted_at = models.DateTimeField(null=True, blank=True)
    response_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A form the SEND team sent about a case (Items to complete), or one a parent started from a case's
    # "Forms you can start": the same engine as the request, tied to the case.
    about_case = models.ForeignKey(
        "ehc.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="forms"
    )
    due_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # Choices offered to this person only, fixed when the form was started so that the form always shows
    # what they chose: {"on_behalf_of": [["child:CASE-…", "Mary Bluehat"], …]} (each child already
    # linked to the account).
    offered_choices = models.JSONField(default=dict, blank=True)
    # The school or setting a professional's request came from: set when a member of a setting on the
    # portal submits it (ehc.requests.services.request_submit).
    setting = models.ForeignKey(
        "ehc.EducationSetting", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], condition=~models.Q(reference=""), name="request_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft {self.pk}"

    @property
    def audit_subject(self) -> str:
        """The child's case this form is about (if loaded), else the request's own reference."""
        return case_reference_loaded(self, "about_case") or case_reference_loaded(self) or self.reference

    @property
    def definition(self) -> Definition:
        return definition_from_dict(self.version.schema, offered=self.offered_choices)

    @property
    def child_name(self) -> str:
        return f"{self.answers.get('first_name', '')} {self.answers.get('last_name', '')}".strip()

    @property
    def is_draft(self) -> bool:
        return self.status == RequestStatus.DRAFT


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Per-council prefix, and a name the uploader does not choose (ARCHITECTURE.md 7).
    return (
        f"{connection.schema_name}/requests/{instance.request_id}/{instance.sha256[:16]}.{instance.extension}"
    )


class Attachment(StoredUpload):
    """A supporting document uploaded with a request (Part 10)."""

    request = models.ForeignKey(AssessmentRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)


class CaseOrigin(models.TextChoices):
    ONLINE = "online", "Online request"
    PAPER = "paper", "Paper request entered by staff"
    EXISTING = "existing", "Existing plan entered by staff"


class Sex(models.TextChoices):
    # SEN2 person module (check the codes against DfE's specification for the year before exporting).
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Not known"


class Ethnicity(models.TextChoices):
    """DfE's main ethnicity codes, as the school census and SEN2 use them."""

    WBRI = "WBRI", "White - British"
    WIRI = "WIRI", "White - Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy / Roma"
    WOTH = "WOTH", "Any other White background"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class PersonalBudget(models.TextChoices):
    NONE = "", "No personal budget"
    ORGANISED = "organised", "Organised arrangements"
    DIRECT = "direct", "Direct payments"
    BOTH = "both", "Organised arrangements and direct payments"


class CeasingReason(models.TextChoices):
    """Why a plan ceased, as SEN2 groups them (check against DfE's specification for the year)."""

    MAX_AGE = "max_age", "Reached maximum age"
    ANOTHER_LA = "another_la", "Moved to another local authority"
    NEEDS_MET = "needs_met", "Needs met without an EHC plan"
    EDUCATION = "higher_education", "Moved on to higher education"
    EMPLOYMENT = "employment", "Moved on to paid employment, excluding apprenticeships"
    APPRENTICESHIP = "apprenticeship", "Moved on to an apprenticeship"
    NOT_ENGAGING = "not_engaging", "Young person no longer wishes to engage in education or training"
    CUSTODY = "custody", "Young person in custody"
    DIED = "died", "Child or young person has died"
    OTHER = "other", "Other"


class Case(models.Model):
    """A child's EHC case, from the request to the plan and its reviews. Its stage moves only through
    ehc.cases.services.case_transition; every move is a CaseEvent."""

    reference = models.CharField(max_length=20, unique=True)
    child_first_name = models.CharField(max_length=150)
    child_last_name = models.CharField(max_length=150)
    child_date_of_birth = models.DateField(null=True, blank=True)
    request = models.OneToOneField(
        AssessmentRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    requestor = models.CharField(max_length=60, blank=True, help_text="Who the request was from")
    received_on = models.DateField(help_text="The day the council received the request: week 0 of the clock")
    stage = models.CharField(
        max_length=30, choices=Stage.choices, default=Stage.REQUEST_RECEIVED, db_index=True
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    caseworker_since = models.DateField(null=True, blank=True)
    origin = models.CharField(max_length=20, choices=CaseOrigin.choices, default=CaseOrigin.ONLINE)
    # The council's next duty on the case, from the clock, kept by ehc.cases.services.case_due_refresh after
    # every change so that lists can filter and sort by it in the database.
    next_due_on = models.DateField(null=True, blank=True, db_index=True)
    next_due_label = models.CharField(max_length=120, blank=True)
    # SEN2: the person
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    upn = models.CharField("Unique pupil number (UPN)", max_length=13, blank=True)
    uln = models.CharField("Unique learner number (ULN)", max_length=10, blank=True)
    # SEN2: the request and the plan
    mediation = models.BooleanField("Mediation took place", default=False)
    tribunal = models.BooleanField("Appeal to the tribunal", default=False)
    moved_out_before_assessment = models.BooleanField(
        "Moved out before the assessment finished", default=False
    )
    residential = models.BooleanField("Residential placement", default=False)
    work_based_learning = models.BooleanField("Work-based learning", default=False)
    personal_budget = models.CharField(max_length=20, choices=PersonalBudget.choices, blank=True)
    ceasing_reason = models.CharField(max_length=30, choices=CeasingReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_subject(self) -> str:
        return self.reference

    @property
    def child_name(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}".strip()


class CaseEvent(OfACase, models.Model):
    """One thing that happened to a case: who, when it happened, when it was recorded, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40, choices=Action.choices + Note.choices)
    stage_from = models.CharField(max_length=30, choices=Stage.choices)
    stage_to = models.CharField(max_length=30, choices=Stage.choices)
    happened_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["happened_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} on {self.happened_on}"


class ExceptionKind(models.TextChoices):
    CLOSURE = "closure", "School or college closed for 4 weeks or more"
    PERSONAL = "personal_circumstances", "Exceptional personal circumstances"
    ABSENCE = "absence_from_area", "Away from the area for 4 weeks or more"
    MISSED_APPOINTMENT = "missed_appointment", "Missed an appointment for an examination or test"


class CaseException(OfACase, models.Model):
    """A reason the statutory time limits do not apply for a period (Regs. 5(4), 8(2), 10(4), 13(3))."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(max_length=30, choices=ExceptionKind.choices)
    start = models.DateField()
    end = models.DateField()
    reason = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="exception_dates")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}–{self.end}"


class NeedCode(models.TextChoices):
    """SEN2 primary and secondary need codes."""

    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Visual impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    DS = "DS", "Down syndrome"
    OTH = "OTH", "Other difficulty or disability"


class Need(OfACase, models.Model):
    """A ranked need (1 is the primary need) as SEN2 records it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    code = models.CharField(max_length=4, choices=NeedCode.choices)
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "rank"], name="need_rank_unique"),
            models.UniqueConstraint(fields=["case", "code"], name="need_code_unique"),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="need_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.code}"


class SettingType(models.TextChoices):
    MAINSTREAM = "mainstream", "Mainstream school"
    RESOURCED = "resourced", "Resourced provision or SEN unit"
    SPECIAL = "special", "Special school"
    INDEPENDENT = "independent", "Independent or non-maintained school"
    ALTERNATIVE = "alternative", "Alternative provision"
    EARLY_YEARS = "early_years", "Early years setting"
    FURTHER_EDUCATION = "further_education", "Further education college"
    SPECIALIST_POST16 = "specialist_post16", "Specialist post-16 institution"
    HOME = "home", "Elective home education"
    NONE = "none", "Not in education, employment or training"
    OTHER = "other", "Other"


class Attendance(models.TextChoices):
    FULL_TIME = "full_time", "Full time"
    PART_TIME = "part_time", "Part time"


class Placement(OfACase, models.Model):
    """Where the child is educated, as SEN2 records it: the setting, its URN (schools) or UKPRN
    (colleges and training providers), its type, its rank (1 is the main one) and its dates."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="placements")
    setting_name = models.CharField(max_length=200)
    urn = models.CharField("URN", max_length=6, blank=True)
    ukprn = models.CharField("UKPRN", max_length=8, blank=True)
    setting_type = models.CharField(max_length=30, choices=SettingType.choices)
    rank = models.PositiveSmallIntegerField(default=1)
    entry_date = models.DateField(null=True, blank=True)
    leaving_date = models.DateField(null=True, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices, default=Attendance.FULL_TIME)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(leaving_date__isnull=True)
                | models.Q(entry_date__isnull=True)
                | models.Q(leaving_date__gte=models.F("entry_date")),
                name="placement_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.setting_name


class AccessStatus(models.TextChoices):
    INVITED = "invited", "Invited: identity to be checked"
    VERIFIED = "verified", "Identity checked: acceptance link sent"
    ACCEPTED = "accepted", "Accepted: waiting for the SEND team to activate"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Removed"


class CaseAccess(OfACase, models.Model):
    """A person's access to a child's case on the portal: made active when a parent's own request
    becomes a case, or through an invitation (ARCHITECTURE.md: invitations)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField(blank=True, help_text="The address the invitation went to")
    relationship = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=20, choices=AccessStatus.choices, db_index=True)
    code_digest = models.CharField(max_length=64, blank=True, help_text="HMAC of the identity code")
    token_digest = models.CharField(max_length=64, blank=True, help_text="HMAC of the acceptance link")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(user__isnull=False),
                name="access_case_user_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.email or self.user_id} ({self.status})"


def document_path(instance: "CaseDocument", filename: str) -> str:
    """Per-council prefix, per-case folder, a name that says nothing about the child."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"{connection.schema_name}/cases/{instance.case_id}/{instance.sha256[:16]}.{extension}"


class CaseDocument(OfACase, models.Model):
    """A document the SEND team published to the family (Items to view)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    description = models.CharField(max_length=200)
    document_date = models.DateField()
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.description


class Message(OfACase, models.Model):
    """A secure message about a child's case, between a family member and the SEND team. A message from
    the team goes to one family member; a family member's message goes to the team (recipient empty)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    message_type = models.CharField(max_length=100, help_text="The council's message type when it was sent")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_team = models.BooleanField(help_text="Sent by the SEND team (else by a family member)")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The family member a team message is for; empty for a message to the SEND team",
    )
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(
        null=True, blank=True, help_text="When the recipient (or the team) opened it"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["case", "recipient", "-sent_at"], name="message_inbox")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_team=False, recipient__isnull=True)
                | models.Q(from_team=True, recipient__isnull=False),
                name="message_direction",
            )
        ]

    def __str__(self) -> str:
        return self.subject


# The EHC plan, written in the portal (issue 15). Every version is kept: the one being written (at most one
# per case) and each issued draft and final, read-only once issued. Rows are copied into a new version with
# their ``lineage``, so two versions can be compared row by row, section by section.


class PlanSection(models.TextChoices):
    """The sections of an EHC plan, as Regulation 12(1) sets them (STATUTORY.md)."""

    A = "A", "The views, interests and aspirations of the child and their parents, or of the young person"
    B = "B", "Special educational needs"
    C = "C", "Health care needs related to special educational needs"
    D = "D", "Social care needs related to special educational needs or a disability"
    E = "E", "Outcomes"
    F = "F", "Special educational provision"
    G = "G", "Health care provision"
    H1 = "H1", "Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970"
    H2 = "H2", "Other social care provision"
    I = "I", "Placement"  # noqa: E741 - the regulations' own letter
    J = "J", "Personal budget"
    K = "K", "Advice and information"


NEED_SECTIONS = (PlanSection.B, PlanSection.C, PlanSection.D)
PROVISION_SECTIONS = (PlanSection.F, PlanSection.G, PlanSection.H1, PlanSection.H2)


class NeedArea(models.TextChoices):
    """The four broad areas of need of the SEND Code of Practice (6.28), with health and social care, as the
    health advice template names its advice areas (the same keys)."""

    COMMUNICATION = "communication", "Communication and interaction"
    COGNITION = "cognition", "Cognition and learning"
    SEMH = "semh", "Social, emotional and mental health"
    SENSORY_PHYSICAL = "sensory_physical", "Sensory and/or physical needs"
    HEALTH = "health", "Health care needs"
    SOCIAL_CARE = "social_care", "Social care needs"
    ADULTHOOD = "adulthood", "Preparing for adulthood"


class PlanKind(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class PlanStatus(models.TextChoices):
    WORKING = "working", "Being written"
    ISSUED = "issued", "Issued"


class PlanVersion(OfACase, models.Model):
    """One version of a child's EHC plan. ``number`` counts the versions of the case's plan from 1; a
    working version is edited by the caseworker, an issued one never changes again."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=PlanKind.choices, default=PlanKind.DRAFT)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.WORKING)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The issued version this one started from",
    )
    # Section A, and the sections that are one answer rather than rows.
    views = models.TextField("Section A", blank=True)
    placement_name = models.CharField("Name of the school or institution", max_length=200, blank=True)
    placement_type = models.CharField(
        "Type of school or institution", max_length=30, choices=SettingType.choices, blank=True
    )
    personal_budget = models.TextField("Section J", blank=True)
    # Sections the caseworker has said have nothing in them for this child ("No health care needs have been
    # identified"), by letter: an empty section that is not listed here is a gap (ehc.plans.gaps).
    nothing_in = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    issued_on = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The issued PDF, in the family's Items to view.
    document = models.OneToOneField(
        CaseDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_version"
    )

    class Meta:
        ordering = ["case_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_version_number_unique"),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="working"), name="plan_one_working_version"
            ),
            models.CheckConstraint(
                condition=models.Q(status="working", issued_at__isnull=True)
                | models.Q(status="issued", issued_at__isnull=False, issued_on__isnull=False),
                name="plan_issued_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} plan v{self.number} ({self.kind}, {self.status})"

    @property
    def is_working(self) -> bool:
        return self.status == PlanStatus.WORKING


class PlanRow(models.Model):
    """What every row of a plan has: its version, its place in its section, where it came from, and its
    lineage (the same in every copy of the row, so versions can be compared)."""

    position = models.PositiveIntegerField(default=0)
    # Where the row was started from, as the editor and the PDF show it ("Speech and language therapy
    # advice, 3 Mar 2026"); empty for a row the caseworker wrote. ``source_key`` says which source:
    # "request" (the family's request) or "advice:<id of the case event that asked>".
    source = models.CharField(max_length=200, blank=True)
    source_key = models.CharField(max_length=60, blank=True)
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class PlanNeed(PlanRow):
    """A need in section B, C or D, in an area of need."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="needs")
    section = models.CharField(max_length=2, choices=[(s.value, s.label) for s in NEED_SECTIONS])
    area = models.CharField(max_length=30, choices=NeedArea.choices)
    description = models.TextField()

    class Meta(PlanRow.Meta):
        pass

    def __str__(self) -> str:
        return self.description[:60]


class PlanOutcome(PlanRow):
    """An outcome in section E: its area of need, what the child will achieve, and the steps towards it."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="outcomes")
    area = models.CharField(max_length=30, choices=NeedArea.choices)
    outcome = models.TextField()
    steps = models.TextField(blank=True)

    class Meta(PlanRow.Meta):
        pass

    def __str__(self) -> str:
        return self.outcome[:60]


class PlanProvision(PlanRow):
    """Provision in section F, G, H1 or H2, specified and quantified: what, who provides it, how often, and
    the outcome it serves (a row whose outcome was removed has none: a gap to close before issuing)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="provisions")
    section = models.CharField(max_length=2, choices=[(s.value, s.label) for s in PROVISION_SECTIONS])
    provision = models.TextField()
    provider = models.CharField("Who provides it", max_length=200, blank=True)
    frequency = models.CharField("How often", max_length=200, blank=True)
    outcome = models.ForeignKey(
        PlanOutcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="provisions"
    )

    class Meta(PlanRow.Meta):
        pass

    def __str__(self) -> str:
        return self.provision[:60]


class PlanInformation(PlanRow):
    """A piece of advice or information in section K: what it is, who gave it, and its date."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="information")
    description = models.CharField(max_length=300)
    provided_by = models.CharField(max_length=200, blank=True)
    dated = models.DateField(null=True, blank=True)

    class Meta(PlanRow.Meta):
        pass

    def __str__(self) -> str:
        return self.description[:60]


# --- Schools and settings, and consulting them on the draft plan (Reg. 14; Code of Practice 9.78-9.84) ---


class SettingKind(models.TextChoices):
    MAINSTREAM = "mainstream", "Mainstream"
    SPECIAL = "special", "Special"
    INDEPENDENT = "independent", "Independent"
    POST16 = "post16", "Post-16"
    EARLY_YEARS = "early_years", "Early years"


class EducationSetting(models.Model):
    """A school, college or early years setting as an organisation on the portal: its central email
    address hears of every consultation, and its members (SettingMember) answer them, so that the
    setting's account does not leave with a member of staff."""

    name = models.CharField(max_length=200, unique=True, help_text="As the SEND team and families see it")
    urn = models.CharField(
        "URN",
        max_length=6,
        blank=True,
        help_text="Unique reference number: 6 digits (Get Information about Schools)",
    )
    ukprn = models.CharField(
        "UKPRN", max_length=8, blank=True, help_text="UK provider reference number: 8 digits (colleges)"
    )
    kind = models.CharField("Type", max_length=20, choices=SettingKind.choices)
    email = models.EmailField(
        "Central email address", help_text="Told of every consultation, without the child's details"
    )
    is_active = models.BooleanField("Can be consulted", default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="early_years") | ~models.Q(urn="") | ~models.Q(ukprn=""),
                name="education_setting_has_urn_or_ukprn",
            ),
            models.CheckConstraint(
                condition=models.Q(urn="") | models.Q(urn__regex=r"^[0-9]{6}$"),
                name="education_setting_urn_6",
            ),
            models.CheckConstraint(
                condition=models.Q(ukprn="") | models.Q(ukprn__regex=r"^[0-9]{8}$"),
                name="education_setting_ukprn_8",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        self.urn, self.ukprn = self.urn.strip(), self.ukprn.strip()
        if self.urn and not (self.urn.isdigit() and len(self.urn) == 6):
            errors["urn"] = "Enter a URN of 6 digits"
        if self.ukprn and not (self.ukprn.isdigit() and len(self.ukprn) == 8):
            errors["ukprn"] = "Enter a UKPRN of 8 digits"
        if not errors and not self.urn and not self.ukprn and self.kind != SettingKind.EARLY_YEARS:
            errors["urn"] = "Enter the setting's URN or UKPRN (only an early years setting may have neither)"
        if errors:
            raise ValidationError(errors)


class SettingMember(models.Model):
    """A person's place in a setting. Every member reads and answers the setting's consultations; a
    setting manager also adds members."""

    setting = models.ForeignKey(EducationSetting, on_delete=models.CASCADE, related_name="members")
    # A foreign key across schemas: the identity lives in public, the place in the council.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_manager = models.BooleanField("Setting manager", default=False, help_text="Can add members")

    class Meta:
        ordering = ["setting_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["setting", "user"], name="setting_member_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.setting_id}"


class ConsultationStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for an answer"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Consultation(OfACase, models.Model):
    """The council's consultation of one setting about being named in a child's plan, on one issued
    draft (Reg. 14): the setting should answer within 15 days (Code of Practice 9.79) whether it can meet
    the child's needs, with its reasons, and its costs if asked."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="consultations")
    setting = models.ForeignKey(EducationSetting, on_delete=models.PROTECT, related_name="consultations")
    rank = models.PositiveSmallIntegerField(default=1, help_text="1: the family's preference")
    requested_on = models.DateField()
    due_on = models.DateField(db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    costs_asked = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.WAITING, db_index=True
    )
    can_meet_needs = models.BooleanField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    costs = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan_version", "setting"], name="consultation_once_per_draft"),
            models.CheckConstraint(
                condition=~models.Q(status="answered")
                | models.Q(can_meet_needs__isnull=False, answered_at__isnull=False),
                name="consultation_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} consults {self.setting_id}"

    @property
    def is_waiting(self) -> bool:
        return self.status == ConsultationStatus.WAITING
