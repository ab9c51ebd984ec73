"""Writes that belong to the platform's core: memberships and audit records."""

import logging
from collections.abc import Iterable

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.urls import reverse
from django_tenants.utils import get_public_schema_name

from core.models import AuditEvent, Membership
from core.notifications import email_send
from core.roles import Role
from tenants.selectors import council_name_current

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


def staff_invite(*, request, email: str, first_name: str, last_name: str, role: Role, by) -> Membership:
    """A council admin invites a member of staff: their identity (new, or the one they already have),
    a membership with the role, and an email with a link to set their password (or to sign in)."""
    email = email.strip().lower()
    with transaction.atomic():
        user, created = get_user_model().objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        # Only the person who reads this address can use the link, so the address counts as proved.
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        membership = membership_grant(user=user, role=role, by=by)
        audit_record(actor=by, action="staff.invited", target=membership, detail={"role": role})
    council = council_name_current()
    if user.has_usable_password():
        link = request.build_absolute_uri(reverse("account_login"))
        action = "Sign in with your existing EHC Portal password"
    else:
        key = default_token_generator.make_token(user)
        path = reverse(
            "account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key}
        )
        link = request.build_absolute_uri(path)
        action = "Set your password (the link works once, for 1 hour)"
    transaction.on_commit(
        lambda: email_send(
            to=email,
            subject=f"{council}: you have been invited to the EHC Portal",
            body=(
                f"{by.get_full_name() or 'A council admin'} has invited you to {council}'s EHC Portal as "
                f"{Role(role).label.lower()}.\n\n{action}:\n{link}\n\n"
                "Each time you sign in we will also send you a code."
            ),
        )
    )
    return membership
