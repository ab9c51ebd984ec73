"""EHC needs assessment requests and their attachments, in the council's schema."""

from django.conf import settings
from django.db import connection, models

from core.formdefs import Definition, definition_from_dict
from core.models import FormVersion
from ehc.workflow import Action, Stage


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
    def definition(self) -> Definition:
        return definition_from_dict(self.version.schema)

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


class Attachment(models.Model):
    request = models.ForeignKey(AssessmentRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Case(models.Model):
    """A child's EHC case, from the request to the plan and its reviews. Its stage moves only through
    ehc.services.case_transition; every move is a CaseEvent."""

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def child_name(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}".strip()


class CaseEvent(models.Model):
    """One thing that happened to a case: who, when it happened, when it was recorded, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40, choices=Action.choices)
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


class CaseException(models.Model):
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
