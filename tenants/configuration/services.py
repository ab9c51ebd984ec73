from django.db import transaction

from core.services import audit_record
from tenants.configuration.models import CouncilConfiguration


def configuration_update(
    *, configuration: CouncilConfiguration, by, changed: list[str]
) -> CouncilConfiguration:
    """Save a council's configuration and audit which settings changed (ARCHITECTURE.md 3)."""
    with transaction.atomic():
        configuration.save()
        audit_record(
            actor=by, action="configuration.changed", target=configuration, detail={"fields": changed}
        )
    return configuration
