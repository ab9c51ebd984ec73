from django.conf import settings
from django.db import connection
from django.db.models import Prefetch
from django_tenants.utils import get_public_schema_name
from psycopg import sql

from core.models import Membership
from tenants.configuration.models import CouncilConfiguration
from tenants.models import Council, Domain
from tenants.schemas import council_schemas_active, council_schemas_rows, council_schemas_union


def councils_listed() -> list[Council]:
    """Active councils with their primary domain, for the platform's page (two queries, any number)."""
    primary = Prefetch("domains", queryset=Domain.objects.filter(is_primary=True), to_attr="primary_domains")
    return list(
        Council.objects.filter(is_active=True)
        .exclude(schema_name=get_public_schema_name())
        .prefetch_related(primary)
        .order_by("name")
    )


POLICY_FIELDS = (
    "password_min_length",
    "password_require_letter",
    "password_require_upper",
    "password_require_digit",
    "password_restrict_characters",
    "password_history",
)


def _member_configurations(*, user) -> list[tuple[str, dict]]:
    """(schema, password fields of its configuration) for each active council this person belongs to:
    one UNION ALL query over the councils' schemas (tenants.schemas), plus one for the list of councils."""
    schemas = [schema for schema, _ in council_schemas_active()]
    if not schemas:
        return []
    query = council_schemas_union(
        schemas=schemas,
        template=sql.SQL(
            "SELECT {schema}, {columns} FROM {config} "
            "WHERE EXISTS (SELECT 1 FROM {members} WHERE user_id = {user} AND is_active)"
        ),
        tables={"config": CouncilConfiguration, "members": Membership},
        columns=sql.SQL(", ").join(sql.Identifier(field) for field in POLICY_FIELDS),
        user=sql.Literal(user.pk),
    )
    return [(row[0], dict(zip(POLICY_FIELDS, row[1:], strict=True))) for row in council_schemas_rows(query)]


def council_schemas_of(*, user) -> list[str]:
    """The schemas of the active councils this person belongs to (two queries however many)."""
    return [schema for schema, _ in _member_configurations(user=user)]


def password_rules_of(*, user) -> list[CouncilConfiguration]:
    """The password rules of every council this person belongs to, each as an unsaved configuration
    holding only those fields (two queries however many): core asks it (core.councils)."""
    return [CouncilConfiguration(**fields) for _, fields in _member_configurations(user=user)]


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
    domain = (
        Domain.objects.filter(tenant__schema_name=connection.schema_name, is_primary=True)
        .values_list("domain", flat=True)
        .first()
    )
    port = f":{settings.SITE_URL_PORT}" if settings.SITE_URL_PORT else ""
    return f"{settings.SITE_URL_SCHEME}://{domain}{port}{path}"
