"""Writes that belong to the platform's core: memberships and audit records (staff invitations and a
council admin's changes to memberships: core.staff.services)."""

import logging
from collections.abc import Iterable

from django.db import connection, models
from django_tenants.utils import get_public_schema_name

from core.models import AuditEvent, Membership
from core.roles import Role

logger = logging.getLogger(__name__)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    detail: dict | None = None,
    subject: str = "",
) -> AuditEvent | None:
    """One row in this council's audit log. ``subject`` is the child's record it is about (a case's or a
    request's reference); when it is not given, a target that knows its child's record
    (``audit_subject``, read without a query) gives it."""
    if connection.schema_name == get_public_schema_name():
        # The platform's own host keeps no council audit log; operators' actions go to the log.
        logger.info("platform audit: %s by %s", action, getattr(actor, "pk", None))
        return None
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        subject=subject or getattr(target, "audit_subject", "") or "",
        detail=detail or {},
    )


def record_read(
    *,
    actor,
    action: str,
    subjects: Iterable[str],
    target: models.Model | None = None,
    detail: dict | None = None,
) -> int:
    """Someone other than the family read a child's record: one audit row per child's record shown
    (``subjects``, their references), written in ONE insert whatever their number, so a list page
    costs one query more however many children it shows. The guards that load a record for staff and
    health teams call this; pages never do. ``detail`` says which page and names no person's details.
    Returns the number of rows written."""
    subjects = list(dict.fromkeys(s for s in subjects if s))
    if not subjects:
        return 0
    if connection.schema_name == get_public_schema_name():
        logger.info("platform audit: %s by %s", action, getattr(actor, "pk", None))
        return 0
    actor = actor if actor is not None and actor.is_authenticated else None
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            subject=subject,
            detail=detail or {},
        )
        for subject in subjects
    )
    return len(subjects)


def membership_grant(*, user, role: Role, by=None) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        created = True
    if created:
        audit_record(actor=by, action="membership.granted", target=membership, detail={"role": role})
    return membership
