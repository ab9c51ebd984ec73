"""A council's configuration as data (ARCHITECTURE.md 3), kept in the council's own schema.

One CouncilConfiguration row per schema, with the council's support teams, message types and stage
descriptions beside it. Pages read it on every request, so a change takes effect on the next one.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models

from core.roles import Role

from .colour import HEX_COLOUR, contrast_ratio

WHITE = "#ffffff"
MIN_CONTRAST = 4.5  # WCAG 2.2 AA for the header's white text


class RequestFormVariant(models.TextChoices):
    PARENT = "parent", "Parents/Young Person"
    EARLY_YEARS = "early_years", "Early Years"
    PRIMARY = "primary", "Primary School"
    SECONDARY = "secondary", "Secondary School/Further Education"


class ParentForm(models.TextChoices):
    PARENTAL_SUPPORTING_DOCUMENTS = "parental_supporting_documents", "Parental Supporting Documents"
    PARENTAL_PREFERENCE = "parental_preference", "Parental Preference Form"


class CodeChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message (SMS)"


class Registration(models.TextChoices):
    OPEN = "open", "Anyone may register"
    INVITATION = "invitation", "By invitation only: nobody registers or joins without an invitation"


def validate_brand_colour(value: str) -> None:
    if not HEX_COLOUR.match(value):
        raise ValidationError("Enter the colour as # followed by 6 hexadecimal digits, like #1d70b8")
    ratio = contrast_ratio(value, WHITE)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            f"White text on {value} has a contrast of {ratio:.1f}:1; choose a darker colour "
            f"(at least {MIN_CONTRAST}:1 is needed)"
        )


def logo_path(instance: "CouncilConfiguration", filename: str) -> str:
    # Files are kept under the council's own prefix (ARCHITECTURE.md 7).
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"{connection.schema_name}/branding/logo.{extension}"


def default_variants() -> list[str]:
    return [RequestFormVariant.PARENT.value]


def default_upload_types() -> list[str]:
    return ["doc", "docx", "pdf", "jpg", "jpeg", "png"]


class CouncilConfiguration(models.Model):
    # Branding and contact
    logo = models.FileField(
        upload_to=logo_path, blank=True, help_text="PNG, JPEG or SVG, shown in the header at 40 pixels high"
    )
    logo_alt_text = models.CharField(max_length=150, blank=True, help_text="Defaults to the council's name")
    brand_colour = models.CharField(
        max_length=7, default="#1d70b8", validators=[validate_brand_colour], help_text="Header background"
    )
    service_name = models.CharField(max_length=100, default="EHC Portal")
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    contact_hours = models.CharField(
        max_length=150, blank=True, help_text="e.g. Monday to Friday, 9am to 5pm"
    )
    local_offer_url = models.URLField("Local Offer link", blank=True)
    caseworker_title = models.CharField(
        max_length=60, default="SEN Officer", help_text="Your title for the role, e.g. EHCP Coordinator"
    )

    # Forms
    request_form_variants = ArrayField(
        models.CharField(max_length=30, choices=RequestFormVariant.choices),
        default=default_variants,
        help_text="Which EHC needs assessment request forms are offered",
    )
    parent_forms = ArrayField(
        models.CharField(max_length=40, choices=ParentForm.choices),
        default=list,
        blank=True,
        help_text="Forms parents can start themselves",
    )

    # Sign-in
    registration = models.CharField(
        max_length=20,
        choices=Registration.choices,
        default=Registration.OPEN,
        help_text=(
            "By invitation only: the register page and joining from another council's account are closed "
            "to anyone without an invitation (a family's invitation to a child's record, or a staff "
            "invitation); parents' invitations start with an identity check"
        ),
    )
    accounts_confirmed_by_team = models.BooleanField(
        default=False,
        help_text=(
            "A parent who accepts an invitation to a child's record sees it only once the SEND team "
            "activates their access"
        ),
    )
    code_length = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(6), MaxValueValidator(10)],
        help_text="Digits in a sign-in code",
    )
    code_channel = models.CharField(max_length=10, choices=CodeChannel.choices, default=CodeChannel.EMAIL)
    sms_code_roles = ArrayField(
        models.CharField(max_length=40, choices=Role.choices),
        default=list,
        blank=True,
        help_text="Roles whose sign-in code is sent by text message whatever the default channel",
    )
    session_idle_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(720)]
    )

    # Password policy (NCSC / OWASP ASVS 5.0 by default: length, no composition rules, no rotation)
    password_min_length = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(12), MaxValueValidator(64)]
    )
    password_require_letter = models.BooleanField(default=False)
    password_require_upper = models.BooleanField(default=False)
    password_require_digit = models.BooleanField(default=False)
    password_restrict_characters = models.BooleanField(
        default=False, help_text="Only letters, digits and special characters"
    )
    password_history = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(24)],
        help_text="Must differ from this many previous passwords",
    )

    # Messages
    parents_can_start_messages = models.BooleanField(default=True)
    parents_can_reply = models.BooleanField(default=True)
    messages_notice = models.TextField(
        "What parents are told when they cannot send or reply",
        blank=True,
        help_text="The council's own wording, shown on the messages pages when parents cannot send or reply",
    )

    # Health advice (North East Lincolnshire's guide: "All health advice is checked and collated by the
    # Designated Clinical Officer prior to submission to the Local Authority")
    advice_checked_by_dco = models.BooleanField(
        "The Designated Clinical Officer checks health advice before it goes to the council",
        default=False,
        help_text=(
            "A health team's submitted advice waits for the Designated Clinical Officer to mark it as "
            "checked before the SEND team and the family see it"
        ),
    )

    # Uploads
    upload_types = ArrayField(models.CharField(max_length=10), default=default_upload_types)
    upload_max_mb = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "portal configuration"
        verbose_name_plural = "portal configuration"
        constraints = [
            # One row per council schema.
            models.CheckConstraint(condition=models.Q(id=1), name="configuration_singleton"),
        ]

    def __str__(self) -> str:
        return "Portal configuration"

    def clean(self) -> None:
        if self.parents_can_reply is False and self.parents_can_start_messages:
            raise ValidationError(
                {"parents_can_reply": "Parents who can start a message must also be able to reply"}
            )


class SupportTeam(models.Model):
    configuration = models.ForeignKey(CouncilConfiguration, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class MessageType(models.Model):
    configuration = models.ForeignKey(
        CouncilConfiguration, on_delete=models.CASCADE, related_name="message_types"
    )
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["configuration", "name"], name="message_type_unique")]

    def __str__(self) -> str:
        return self.name


# The stages are a case's (ehc.workflow.Stage), a layer above this app: ehc hands them over in its
# AppConfig.ready(), and the field reads them when asked (Django's callable choices), so the admin's list
# and get_stage_display() show ehc's stages and their words while this app imports nothing of ehc.
_STAGE_CHOICES: list[tuple[str, str]] = []


def stage_choices_register(*, choices: list[tuple[str, str]]) -> None:
    _STAGE_CHOICES[:] = choices


def stage_choices() -> list[tuple[str, str]]:
    return list(_STAGE_CHOICES)


class StageDescription(models.Model):
    configuration = models.ForeignKey(
        CouncilConfiguration, on_delete=models.CASCADE, related_name="stage_descriptions"
    )
    stage = models.CharField(max_length=30, choices=stage_choices)
    what_happens = models.TextField("What happens in this stage?")

    class Meta:
        ordering = ["stage"]
        constraints = [
            models.UniqueConstraint(fields=["configuration", "stage"], name="stage_description_unique")
        ]

    def __str__(self) -> str:
        return self.get_stage_display()
