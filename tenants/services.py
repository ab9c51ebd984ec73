"""Provisioning: the platform's own tenant, and creating councils and inviting their first admin. The
only place (with hub's cross-council selector, through tenants.schemas) that crosses schemas."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from core.models import StaffInvitation
from core.roles import Role
from core.staff.services import staff_invitation_send
from tenants.models import Council, Domain
from tenants.selectors import council_url

SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{1,61}$")
DOMAIN_NAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
)
RESERVED_SCHEMAS = {"public", "information_schema"}


@dataclass(frozen=True)
class CouncilCreated:
    council: Council
    created: bool


def platform_ensure(*, domain: str) -> Council:
    """The public tenant and the bare host that serves the platform's own pages."""
    council, _ = Council.objects.get_or_create(
        schema_name=get_public_schema_name(), defaults={"name": "EHC Portal", "short_name": "EHC Portal"}
    )
    Domain.objects.get_or_create(domain=domain, defaults={"tenant": council, "is_primary": True})
    return council


def council_schema_refusal(*, schema_name: str) -> str:
    """Why a new council may not have this schema name, or '' if it may. A schema already in the
    database (one a deleted council left, say) is refused: django-tenants would adopt it and migrate
    it, and the new council would inherit whatever it holds."""
    if not SCHEMA_NAME.match(schema_name) or schema_name.startswith("pg_") or schema_name in RESERVED_SCHEMAS:
        return "Use lower-case letters, digits and underscores, starting with a letter"
    if schema_exists(schema_name):
        return (
            f"A schema named {schema_name} already exists in the database (perhaps left by a council that "
            "was removed): choose another schema name"
        )
    return ""


def _validate(*, schema_name: str, domains: list[str]) -> None:
    errors = {}
    if not SCHEMA_NAME.match(schema_name) or schema_name.startswith("pg_") or schema_name in RESERVED_SCHEMAS:
        errors["schema_name"] = "Use lower-case letters, digits and underscores, starting with a letter"
    elif not Council.objects.filter(schema_name=schema_name).exists():
        refusal = council_schema_refusal(schema_name=schema_name)
        if refusal:
            errors["schema_name"] = refusal
    if not domains:
        errors["domains"] = "Give at least one domain"
    bad = [d for d in domains if not DOMAIN_NAME.match(d)]
    if bad:
        errors["domains"] = f"Not a valid domain: {', '.join(bad)}"
    if errors:
        raise ValidationError(errors)


def council_create(*, name: str, short_name: str, schema_name: str, domains: list[str]) -> CouncilCreated:
    """Create a council, its schema (migrated), its configuration row and its domains.

    Idempotent on schema_name and name: the same council asked for again is returned with any missing
    domains added; another council's schema name is refused. A domain
    that already belongs to another council is refused, so one host can never reach two councils; so is
    a schema already in the database with no council (council_schema_refusal): nothing is created.
    """
    domains = [d.strip().lower() for d in domains if d.strip()]
    _validate(schema_name=schema_name, domains=domains)
    taken = Domain.objects.filter(domain__in=domains).exclude(tenant__schema_name=schema_name)
    if taken.exists():
        raise ValidationError({"domains": f"Already used by another council: {taken.first().domain}"})

    council = Council.objects.filter(schema_name=schema_name).first()
    if council is not None and council.name != name:
        # Not the same council asked for again: adding this call's domains would route them to it.
        raise ValidationError({"schema_name": f"Already used by another council: {council.name}"})
    created = council is None
    if created:
        # Saving creates and migrates the schema (django-tenants); the migration creates the
        # configuration row. If that fails, nothing is left half-made: drop what was made.
        council = Council(schema_name=schema_name, name=name, short_name=short_name)
        try:
            council.save(verbosity=0)
        except Exception:
            if council.pk:
                council.delete(force_drop=True)
            raise
    with transaction.atomic():
        for position, domain in enumerate(domains):
            Domain.objects.get_or_create(
                domain=domain,
                defaults={"tenant": council, "is_primary": position == 0 and not council.domains.exists()},
            )
    return CouncilCreated(council=council, created=created)


def council_admin_add(*, council: Council, email: str) -> StaffInvitation:
    """Invite a council's first admin, as any role is given (core.staff.services): an invitation to the
    address, emailed with a link to the council's site. The person becomes an admin only once they
    accept it as the owner of the address (setting their password through the link if they are new),
    so an operator's typing never gives someone a role they did not accept, nor reveals anyone."""
    with schema_context(council.schema_name):
        return staff_invitation_send(
            email=email,
            first_name="",
            last_name="",
            role=Role.COUNCIL_ADMIN,
            by=None,
            base_url=council_url("/"),
        )


def council_run(*, council: Council, func, **kwargs):
    """Run ``func(**kwargs)`` in a council's schema (for commands and provisioning)."""
    with schema_context(council.schema_name):
        return func(**kwargs)
