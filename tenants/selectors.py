from django.db import connection
from django.db.models import Prefetch
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Council, Domain


def councils_listed() -> list[Council]:
    """Active councils with their primary domain, for the platform's page (two queries, any number)."""
    primary = Prefetch("domains", queryset=Domain.objects.filter(is_primary=True), to_attr="primary_domains")
    return list(
        Council.objects.filter(is_active=True)
        .exclude(schema_name=get_public_schema_name())
        .prefetch_related(primary)
        .order_by("name")
    )


def council_schemas_of(*, user) -> list[str]:
    """The schemas of the active councils this person belongs to (one query per council: a person
    belongs to few, and the platform has tens of councils, not thousands)."""
    from core.models import Membership  # noqa: PLC0415 (tenant app model, imported when needed)

    schemas = []
    for schema in (
        Council.objects.filter(is_active=True)
        .exclude(schema_name=get_public_schema_name())
        .values_list("schema_name", flat=True)
    ):
        with schema_context(schema):
            if Membership.objects.filter(user_id=user.pk, is_active=True).exists():
                schemas.append(schema)
    return schemas


def password_policies_of(*, user) -> list:
    """The password policy of every council this person belongs to."""
    from core.accounts.passwords import policy_from_configuration  # noqa: PLC0415
    from tenants.configuration.selectors import configuration_get  # noqa: PLC0415

    policies = []
    for schema in council_schemas_of(user=user):
        with schema_context(schema):
            policies.append(policy_from_configuration(configuration_get()))
    return policies


def council_name_current() -> str:
    """The name of the council whose schema the connection is on (also inside tasks and commands,
    where django-tenants sets a stand-in tenant without the council's fields)."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Council):
        return tenant.name
    council = Council.objects.filter(schema_name=connection.schema_name).only("name").first()
    return council.name if council else "EHC Portal"


def council_url(path: str = "/") -> str:
    """An absolute address on the current council's site, for links in emails sent without a request at
    hand (Celery, services): its primary domain, with SITE_URL_SCHEME and SITE_URL_PORT. One query."""
    from django.conf import settings  # noqa: PLC0415

    domain = (
        Domain.objects.filter(tenant__schema_name=connection.schema_name, is_primary=True)
        .values_list("domain", flat=True)
        .first()
    )
    port = f":{settings.SITE_URL_PORT}" if settings.SITE_URL_PORT else ""
    return f"{settings.SITE_URL_SCHEME}://{domain}{port}{path}"
