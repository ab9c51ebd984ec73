"""A council's record of who belongs to it, and its audit log. Both live in the council's schema."""

from django.conf import settings
from django.db import models

from core.roles import Role


class Membership(models.Model):
    # A foreign key across schemas: the identity lives in public, the membership in the council.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=40, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="membership_user_role_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.get_role_display()}"


class StaffInvitation(models.Model):
    """An offer of a role in this council, sent to an email address. Nobody holds the role until the
    owner of that address accepts it (core.staff.services): a council admin never picks an identity.
    The link's token is never stored, only its HMAC digest; it works once, for 7 days, on this
    council's site only."""

    email = models.EmailField()
    role = models.CharField(max_length=40, choices=Role.choices)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    # What the app that asked wants done once accepted, e.g. {"health_team": 3} (hub listens for it).
    follow_up = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["email"], name="staffinvitation_email_idx")]

    def __str__(self) -> str:
        return f"Invitation {self.pk}: {self.get_role_display()}"


class AuditEvent(models.Model):
    """Who did what, when, in this council. Written by services; never edited."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=60, blank=True)
    # The child's record the row is about: the case's reference (or a request's, before it is a case),
    # so that a council can list everything done with one child's record. Never a name.
    subject = models.CharField("Child's record", max_length=20, blank=True, db_default="")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "at"], name="audit_subject_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class Profile(models.Model):
    """What a council holds about a person who registered on its site: their address and, for a
    professional, their role and organisation. Kept in the council's schema (it is the controller)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_professional = models.BooleanField(
        "Is this account being used in a professional capacity?", default=False
    )
    professional_role = models.CharField("Role", max_length=100, blank=True)
    organisation = models.CharField(max_length=150, blank=True)
    property_name = models.CharField(max_length=100, blank=True)
    house_number = models.CharField("House no", max_length=30, blank=True)
    street = models.CharField(max_length=150)
    area = models.CharField(max_length=100, blank=True)
    town = models.CharField("Town/City", max_length=100)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8)
    mobile_phone = models.CharField(max_length=20, blank=True)
    notify_by_text = models.BooleanField(
        "Also send me a text message when something is waiting for me", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"


class FormDefinition(models.Model):
    """A form this council uses (a request-form variant, a form parents complete...). Its wording lives
    in versions; the newest published version is the one new forms start on."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=30, default="request")

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class FormVersion(models.Model):
    """One published wording of a form. Never edited: a change is a new version, so anything submitted
    on an earlier one still reads exactly as it was answered."""

    definition = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    schema = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["definition_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["definition", "number"], name="form_version_unique")]

    def __str__(self) -> str:
        return f"{self.definition.name} v{self.number}"


class Notification(models.Model):
    """One email or text message to send (ARCHITECTURE.md 6 and 8): written in the same transaction as
    the change it tells of, sent afterwards by the Celery task core.tasks.notification_send. ``key`` makes
    asking twice one notification; ``sent_at`` makes sending twice one message. Says what is waiting,
    never who: no child's name, date of birth or content (core.notifications.WAITING)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    key = models.CharField(
        max_length=200, unique=True, help_text="Idempotency key, e.g. document:12:34:email"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=254, help_text="Email address or mobile number")
    kind = models.CharField(max_length=40, db_index=True, help_text="A key of core.notifications.WAITING")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # One-time codes and links the body carries as ((placeholders)), encrypted with a key derived from
    # SECRET_KEY and erased once sent, so the database never holds them readable (invitations).
    sealed = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text="Given up: a permanent error, or every retry failed"
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    provider_id = models.CharField(max_length=100, blank=True, help_text="GOV.UK Notify's notification id")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="notification_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({'sent' if self.sent_at else 'not sent'})"


class StoredUpload(models.Model):
    """What is kept about a file that passed core.uploads.upload_check: the name it came with (shown,
    never used to store it), its checked type, size and digest. A subclass adds the ``file`` field
    with its own per-council path, and what the file belongs to."""

    original_name = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
