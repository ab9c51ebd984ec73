"""The health hub (North East Lincolnshire's EHC Hub guide): the health teams a council asks for advice,
who is in them, the advice requests sent to them, their allocation and the advice written.

All of it lives in the council's schema: the council is the controller of what it asks and receives.
A health professional who serves several councils has one identity and a membership (and team
places) in each; the cross-council list reads each council's schema (hub.everywhere.selectors)."""

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from core.models import StoredUpload
from ehc.models import OfACase


class HealthTeam(models.Model):
    """A health team the SEND team asks for advice, with the central email address that hears of every
    request sent to it ("All health teams have provided a central email address")."""

    name = models.CharField(max_length=150, unique=True, help_text="As the SEND team and families see it")
    email = models.EmailField(
        "Central team email address", help_text="Told of every advice request, without case details"
    )
    is_active = models.BooleanField("Can be asked for advice", default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HealthTeamMember(models.Model):
    """A person's place in a team. Managers see the team's cases and allocate them ("Users with manager
    level access"); every member sees the requests allocated to them."""

    team = models.ForeignKey(HealthTeam, on_delete=models.CASCADE, related_name="members")
    # A foreign key across schemas: the identity lives in public, the place in the council.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_manager = models.BooleanField(
        "Manager level access", default=False, help_text="Sees Team cases and allocates requests"
    )

    class Meta:
        ordering = ["team_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="health_team_member_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id}"


class AdviceStatus(models.TextChoices):
    AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
    ALLOCATED = "allocated", "Allocated"
    NOT_KNOWN = "not_known", "Child not known to service"
    SUBMITTED = "submitted", "Advice submitted"
    # Where the council has its Designated Clinical Officer check health advice first
    # (CouncilConfiguration.advice_checked_by_dco): submitted by the team, not yet gone to the council.
    AWAITING_CHECK = "awaiting_check", "Submitted: waiting for the Designated Clinical Officer's check"


# Open for the team: the advice is still theirs to allocate or write (reminders, My cases' deadlines).
OPEN_STATUSES = (AdviceStatus.AWAITING_ALLOCATION, AdviceStatus.ALLOCATED)
# Not yet with the council: the team's open requests and advice waiting for the DCO's check (the council's
# due date is still open; the DCO's overview counts them as due or overdue).
NOT_WITH_COUNCIL = (*OPEN_STATUSES, AdviceStatus.AWAITING_CHECK)


class AdviceRequest(OfACase, models.Model):
    """The council's request to one health team for advice on one case (Regulation 6(1)(c)), made by the
    SEND team's "Request advice" on the case, due 6 weeks later (Regulation 8). Its ``event`` is the
    case's REQUEST_ADVICE event, so one request on the case's timeline is one request here."""

    case = models.ForeignKey("ehc.Case", on_delete=models.CASCADE, related_name="advice_requests")
    event = models.OneToOneField("ehc.CaseEvent", on_delete=models.CASCADE, related_name="advice_request")
    team = models.ForeignKey(HealthTeam, on_delete=models.PROTECT, related_name="advice_requests")
    requested_on = models.DateField()
    due_on = models.DateField(help_text="6 weeks from the request, from the statutory clock")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=30, choices=AdviceStatus.choices, default=AdviceStatus.AWAITING_ALLOCATION, db_index=True
    )
    # The team's answer to "Is the child known to the service?", and the details it gave.
    known_to_service = models.BooleanField(null=True)
    response_details = models.TextField("Details", blank=True)
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The advice itself, as typed (draft) and as submitted, on one version of the advice template.
    version = models.ForeignKey("core.FormVersion", null=True, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The Designated Clinical Officer's check, where the council has one: when, by whom, and the note
    # back to the team (optional).
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    check_note = models.TextField("Note to the team", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["team", "status", "due_on"], name="advice_team_status_due_idx")]

    def __str__(self) -> str:
        return f"Advice from {self.team_id} on {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaits_check(self) -> bool:
        return self.status == AdviceStatus.AWAITING_CHECK

    @property
    def submitted_in_time(self) -> bool | None:
        """Whether the team submitted by the due date (None before it submitted)."""
        if self.submitted_at is None:
            return None
        return timezone.localdate(self.submitted_at) <= self.due_on


def advice_attachment_path(instance: "AdviceAttachment", filename: str) -> str:
    # Per-council prefix, and a name the uploader does not choose (ARCHITECTURE.md 7).
    return (
        f"{connection.schema_name}/advice/{instance.advice_request_id}/"
        f"{instance.sha256[:16]}.{instance.extension}"
    )


class AdviceAttachment(StoredUpload):
    """A clinic letter or report uploaded with the advice ("Uploading files to the hub"), checked like
    every upload and served only through views that check the viewer and audit the download."""

    advice_request = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE, related_name="attachments")
    # The professional's part it was uploaded with (null only for a file of the release before parts).
    contribution = models.ForeignKey(
        "AdviceContribution", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=advice_attachment_path, max_length=300)


class AdviceContribution(models.Model):
    """One professional's part of a team's advice. A manager may add several team members to one request
    ("select a team member name from the dropdown box, click on 'add'"); each writes their own part on
    the advice template, over several visits, with their own clinic letters, and submits it. The team's
    advice is submitted when the last part is in, or by a manager with the parts that are in; it then
    reads part by part, each under its author's name.

    The request's own ``allocated_to``, ``version`` and ``answers`` predate parts: migration 0004 turned
    each into a part, and ``allocated_to`` is still set to the first professional added, for the code of
    the release before, which runs while the councils' schemas are migrated. Nothing reads them now."""

    advice_request = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE, related_name="contributions")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The part as typed, on one version of the advice template (its version once first saved).
    version = models.ForeignKey("core.FormVersion", null=True, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    done_at = models.DateTimeField("Submitted", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["advice_request", "professional"], name="advice_contribution_one_per_professional"
            )
        ]

    def __str__(self) -> str:
        return f"Part of {self.advice_request_id} by {self.professional_id}"

    @property
    def author(self) -> str:
        person = self.professional
        if person is None:
            return "A former team member"
        return person.get_full_name() or person.email
