"""EHC needs assessment requests and their attachments, in the council's schema."""

from django.conf import settings
from django.db import connection, models

from core.formdefs import Definition, definition_from_dict
from core.models import FormVersion


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
