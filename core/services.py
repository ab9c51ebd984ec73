"""Writes that belong to the platform's core: memberships and audit records."""

from django.db import models

from core.models import AuditEvent, Membership
from core.roles import Role


def audit_record(
    *, actor, action: str, target: models.Model | None = None, detail: dict | None = None
) -> AuditEvent:
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
