from tenants.configuration.models import CouncilConfiguration


def configuration_get() -> CouncilConfiguration:
    """The current council's configuration (one query). Its migration creates the row in every schema."""
    return CouncilConfiguration.objects.get(pk=1)
