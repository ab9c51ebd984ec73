from django.db import connection
from django.db.models import Prefetch
from django_tenants.utils import get_public_schema_name
from psycopg import sql

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


POLICY_FIELDS = (
    "password_min_length",
    "password_require_letter",
    "password_require_upper",
    "password_require_digit",
    "password_restrict_characters",
    "password_history",
)


def _active_schemas() -> list[str]:
    return list(
        Council.objects.filter(is_active=True)
        .exclude(schema_name=get_public_schema_name())
        .values_list("schema_name", flat=True)
    )


def _member_configurations(*, user) -> list[tuple[str, dict]]:
    """(schema, password fields of its configuration) for each active council this person belongs to:
    one UNION query over the councils' schemas (composed with psycopg's sql module: identifiers and
    values quoted by the driver), plus one for the list of councils."""
    from core.models import Membership  # noqa: PLC0415 (tenant app models, imported when needed)
    from tenants.configuration.models import CouncilConfiguration  # noqa: PLC0415

    schemas = _active_schemas()
    if not schemas:
        return []
    config_table, membership_table = CouncilConfiguration._meta.db_table, Membership._meta.db_table
    one = sql.SQL(
        "SELECT {schema_name}, {columns} FROM {config} "
        "WHERE EXISTS (SELECT 1 FROM {members} WHERE user_id = {user} AND is_active)"
    )
    query = sql.SQL(" UNION ALL ").join(
        one.format(
            schema_name=sql.Literal(schema),
            columns=sql.SQL(", ").join(sql.Identifier(field) for field in POLICY_FIELDS),
            config=sql.Identifier(schema, config_table),
            members=sql.Identifier(schema, membership_table),
            user=sql.Literal(user.pk),
        )
        for schema in schemas
    )
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(connection.connection))
        return [(row[0], dict(zip(POLICY_FIELDS, row[1:], strict=True))) for row in cursor.fetchall()]


def council_schemas_of(*, user) -> list[str]:
    """The schemas of the active councils this person belongs to (two queries however many)."""
    return [schema for schema, _ in _member_configurations(user=user)]


def password_policies_of(*, user) -> list:
    """The password policy of every council this person belongs to (two queries however many)."""
    from core.accounts.passwords import policy_from_configuration  # noqa: PLC0415
    from tenants.configuration.models import CouncilConfiguration  # noqa: PLC0415

    return [
        policy_from_configuration(CouncilConfiguration(**fields))
        for _, fields in _member_configurations(user=user)
    ]


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
