"""Each council's schema: which schemas are active councils', one query over all of them, and running a
function in each.

Reads across councils (the strictest password policy of a person's councils, hub's list of advice
across councils) are one UNION ALL over the councils' schemas rather than a query per council, so
their cost does not grow with the number of councils. They are built here, and only here, with
psycopg's sql module: each schema's name and table identifiers, and every value, are quoted by the
driver, never pasted into the text.
"""

from collections.abc import Callable, Mapping, Sequence

from django.db import connection
from django.db.models import Model
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists
from psycopg import sql

from tenants.models import Council


def council_schemas_active() -> list[tuple[str, str]]:
    """(schema name, council name) of every active council, by name; never the public schema, which
    has the platform's own Council row and none of a council's tables (one query)."""
    return list(
        Council.objects.filter(is_active=True)
        .exclude(schema_name=get_public_schema_name())
        .order_by("name")
        .values_list("schema_name", "name")
    )


def council_schemas_union(
    *,
    schemas: Sequence[str],
    template: sql.Composable,
    tables: Mapping[str, type[Model]],
    **values: sql.Composable,
) -> sql.Composed:
    """``template`` once for each schema, joined with UNION ALL. In each copy ``{schema}`` is the
    schema's name as a literal (so a row says which council it came from), each name in ``tables`` is
    that model's table in that schema, and each of ``values`` is the same in every copy."""
    return sql.SQL(" UNION ALL ").join(
        template.format(
            schema=sql.Literal(schema),
            **{name: sql.Identifier(schema, model._meta.db_table) for name, model in tables.items()},
            **values,
        )
        for schema in schemas
    )


def council_schemas_rows(query: sql.Composable) -> list[tuple]:
    """The rows of a query built by council_schemas_union (one query)."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(connection.connection))
        return cursor.fetchall()


def council_schemas_each(*, func: Callable[..., object], **kwargs) -> dict[str, object]:
    """Scheduled work: run ``func(**kwargs)`` in every active council's schema, one after another,
    skipping a council whose schema is not there yet (still being created). Returns results by schema.
    core's councils_each asks this (core/councils.py), so every app's tasks call that one name."""
    results = {}
    for schema, _ in council_schemas_active():
        if not schema_exists(schema):
            continue
        with schema_context(schema):
            results[schema] = func(**kwargs)
    return results
