from django.db import models


class Role(models.TextChoices):
    """What a person may be in a council (ARCHITECTURE.md 2)."""

    PARENT = "parent", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person"
    EDUCATION_PROFESSIONAL = "education_professional", "Education professional"
    CASEWORKER = "caseworker", "Caseworker"
    SEND_MANAGER = "send_manager", "SEND manager"
    COUNCIL_ADMIN = "council_admin", "Council admin"
    HEALTH_TEAM_MANAGER = "health_team_manager", "Health team manager"
    HEALTH_PROFESSIONAL = "health_professional", "Health professional"
    DESIGNATED_CLINICAL_OFFICER = "designated_clinical_officer", "Designated clinical officer"


STAFF_ROLES = frozenset({Role.CASEWORKER, Role.SEND_MANAGER, Role.COUNCIL_ADMIN})
HEALTH_ROLES = frozenset(
    {Role.HEALTH_TEAM_MANAGER, Role.HEALTH_PROFESSIONAL, Role.DESIGNATED_CLINICAL_OFFICER}
)
