"""Writes that belong to the platform's core: memberships and audit records (staff invitations and a
council admin's changes to memberships: core.staff.services)."""

import logging

from django.db import connection, models
from django_tenants.utils import get_public_schema_name

from core.models import AuditEvent, Membership
from core.roles import Role

logger = logging.getLogger(__name__)


def audit_record(
    *, actor, action: str, target: models.Model | None = None, detail: dict | None = None
) -> AuditEvent | None:
    if connection.schema_name == get_public_schema_name():
        # The platform's own host keeps no council audit log; operators' actions go to the log.
        logger.info("platform audit: %s by %s", action, getattr(actor, "pk", None))
        return None
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail or {},
    )


def membership_grant(*, user, role: Role, by=None) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        created = True
    if created:
        audit_record(actor=by, action="membership.granted", target=membership, detail={"role": role})
    return membership
