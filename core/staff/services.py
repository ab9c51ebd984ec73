"""Who works in a council's portal, and with which role: staff invitations, and a council admin's changes
to the memberships of people already in the council.

A role is given only by invitation to an email address, and only once the owner of that address accepts
it: signed in as that address (an identity that already has a password), or, for a new identity or one
whose address was never proved, by setting a password through the emailed link, which proves the address.
A council admin never chooses an identity from the platform's people. Every grant, change and removal is
written to the council's audit log, in the same transaction as the change.
"""

import datetime
import hashlib
import hmac
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from core.councils import council_name_current
from core.models import Membership, StaffInvitation
from core.notifications import notify
from core.roles import Role
from core.services import audit_record, membership_grant

INVITATION_LIFETIME = datetime.timedelta(days=7)

# Sent inside the acceptance's transaction, with ``invitation`` and ``user``: the app that asked for a
# ``follow_up`` (hub: a place in a health team) does it then. core never imports the apps above it.
staff_invitation_accepted = Signal()


class InvitationNotFound(Exception):
    """No invitation open for this link here: unknown (or another council's), used, withdrawn or expired."""


def _digest(token: str) -> str:
    # The schema is part of what is signed: a token is worth nothing on another council's site even if
    # the same row id or digest existed there.
    message = f"staff-invitation:{connection.schema_name}:{token}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _open(queryset):
    return queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


def staff_invitations_open():
    """Invitations still waiting for an answer, newest first."""
    return _open(StaffInvitation.objects.all()).select_related("invited_by")


def staff_invitation_for_token(*, token: str) -> StaffInvitation:
    """The open invitation this link's token belongs to, in this council. Raises InvitationNotFound."""
    invitation = _open(StaffInvitation.objects.filter(token_digest=_digest(token))).first()
    if invitation is None:
        raise InvitationNotFound
    return invitation


def staff_invitations_open_for(*, email: str) -> list[StaffInvitation]:
    return list(_open(StaffInvitation.objects.filter(email=email.strip().lower())).order_by("id"))


def address_proved(user) -> bool:
    """Whether this identity has a password and an address its owner has proved. Without both, whoever
    registered it may not be the owner of the address: the invitation's link sets the password instead."""
    return (
        user.has_usable_password()
        and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def organisation_member_check(
    *, first_name: str, last_name: str, email: str, name_words: tuple[str, str] = ("forename", "surname")
) -> tuple[str, list[Membership]]:
    """Check the details of someone an organisation's manager (a health team's, a school's) adds: both
    names (in the words the page labels them), an address in the right format, and access here not
    removed by the council (a manager does not give it back). Returns the address, lower-cased, and the
    memberships held with it here; refuses by field."""
    errors = {}
    if not first_name.strip():
        errors["first_name"] = f"Enter their {name_words[0]}"
    if not last_name.strip():
        errors["last_name"] = f"Enter their {name_words[1]}"
    try:
        validate_email(email.strip())
    except ValidationError:
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    email = email.strip().lower()
    memberships = list(Membership.objects.filter(user__email__iexact=email).select_related("user"))
    if not errors and any(not m.is_active for m in memberships):
        errors["email"] = (
            "This person's access to the portal was removed: ask the council's portal administrator"
        )
    if errors:
        raise ValidationError(errors)
    return email, memberships


def staff_invitation_send(
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    by,
    base_url: str,
    follow_up: dict | None = None,
) -> StaffInvitation:
    """Invite someone to a role here: an invitation and an email with its link. Nothing is granted yet.
    An earlier open invitation to the same address for the same role is withdrawn (the newest link is
    the one that works). Refuses someone who already holds the role here."""
    email = email.strip().lower()
    role = Role(role)
    if Membership.objects.filter(user__email__iexact=email, role=role, is_active=True).exists():
        raise ValidationError({"email": f"This person is already a {role.label.lower()} here"})
    now = timezone.now()
    with transaction.atomic():
        for earlier in _open(StaffInvitation.objects.select_for_update().filter(email=email, role=role)):
            earlier.revoked_at, earlier.revoked_by = now, by
            earlier.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(
                actor=by, action="staff.invitation_withdrawn", target=earlier, detail={"replaced": True}
            )
        identity = get_user_model().objects.filter(email__iexact=email).first()
        if identity is not None and identity.has_usable_password() and not address_proved(identity):
            # Someone registered this address and never proved it: their password is not the owner's.
            # The owner sets one through the invitation's link.
            identity.set_unusable_password()
            identity.save(update_fields=["password"])
            audit_record(actor=by, action="account.unproved_password_removed", target=identity)
        token = secrets.token_urlsafe(32)
        invitation = StaffInvitation.objects.create(
            email=email,
            role=role,
            first_name=first_name.strip()[:150],
            last_name=last_name.strip()[:150],
            invited_by=by,
            token_digest=_digest(token),
            follow_up=follow_up or {},
            expires_at=now + INVITATION_LIFETIME,
        )
        audit_record(actor=by, action="staff.invited", target=invitation, detail={"role": role.value})
        council = council_name_current()
        link = base_url.rstrip("/") + reverse("staff_invitation_link", kwargs={"token": token})
        inviter = (by.get_full_name() if by is not None else "") or "A council admin"
        notify(
            key=f"staff-invitation:{invitation.pk}",
            channel="email",
            to=email,
            kind="invitation",
            subject=f"{council}: invitation to work in the EHC Portal",
            body=(
                f"{inviter} has invited you to {council}'s EHC Portal as {role.label.lower()}.\n\n"
                "You will have this role only once you accept it. Open this link to accept it (if you "
                "are new to the EHC Portal, you set your password there first):\n((link))\n\n"
                f"The link works once, until {timezone.localtime(invitation.expires_at):%-d %B %Y}. "
                "If you were not expecting this invitation, ignore this email.\n\n"
                "Each time you sign in we will also send you a code."
            ),
            secrets={"link": link},
        )
    return invitation


def _locked_open(invitation: StaffInvitation) -> StaffInvitation:
    locked = _open(StaffInvitation.objects.select_for_update().filter(pk=invitation.pk)).first()
    if locked is None:
        raise InvitationNotFound
    return locked


def staff_invitation_accept(*, invitation: StaffInvitation, user) -> Membership:
    """The owner of the invited address, signed in as it, accepts: the membership is granted now."""
    with transaction.atomic():
        locked = _locked_open(invitation)
        if (user.email or "").strip().lower() != locked.email:
            raise PermissionDenied("This invitation was sent to another email address")
        membership = membership_grant(user=user, role=Role(locked.role), by=user)
        locked.accepted_at, locked.accepted_by = timezone.now(), user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            actor=user, action="staff.invitation_accepted", target=locked, detail={"role": locked.role}
        )
        staff_invitation_accepted.send(sender=StaffInvitation, invitation=locked, user=user)
    return membership


def staff_invitation_accept_with_password(*, invitation: StaffInvitation, password: str):
    """Someone new (or whose address was never proved) sets their password through the invitation's
    link, which proves the address, and so accepts the role the page named. Returns the identity.
    The password must already have been validated (the form does it, against the council's policy)."""
    with transaction.atomic():
        locked = _locked_open(invitation)
        user, created = get_user_model().objects.get_or_create(
            email=locked.email, defaults={"first_name": locked.first_name, "last_name": locked.last_name}
        )
        if not created and address_proved(user):
            # They have a password of their own: they sign in with it to accept, it is not replaced here.
            raise PermissionDenied("Sign in to accept this invitation")
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.filter(user=user).exclude(email__iexact=locked.email).update(primary=False)
        EmailAddress.objects.update_or_create(
            user=user, email=locked.email, defaults={"verified": True, "primary": True}
        )
        audit_record(
            actor=user,
            action="account.password_set_by_invitation",
            target=user,
            detail={"new_identity": created},
        )
        staff_invitation_accept(invitation=locked, user=user)
    return user


def staff_invitation_withdraw(*, invitation: StaffInvitation, by) -> StaffInvitation:
    with transaction.atomic():
        try:
            locked = _locked_open(invitation)
        except InvitationNotFound:
            raise ValidationError(
                "This invitation has already been accepted, withdrawn or has expired"
            ) from None
        locked.revoked_at, locked.revoked_by = timezone.now(), by
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=by, action="staff.invitation_withdrawn", target=locked, detail={"role": locked.role}
        )
    return locked


def _locked_membership(*, membership: Membership, by) -> Membership:
    locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if locked.user_id == by.pk:
        raise ValidationError("You cannot change your own access: ask another council admin")
    return locked


def membership_role_change(*, membership: Membership, role: Role, by) -> Membership:
    """A council admin changes the role of someone already working here (never of anyone else)."""
    role = Role(role)
    with transaction.atomic():
        locked = _locked_membership(membership=membership, by=by)
        if not locked.is_active:
            raise ValidationError("This person's access has been removed: restore it first")
        if locked.role == role:
            return locked
        if Membership.objects.filter(user_id=locked.user_id, role=role).exists():
            raise ValidationError({"role": f"They already have a {role.label.lower()} role here"})
        before = locked.role
        locked.role = role
        locked.save(update_fields=["role"])
        audit_record(
            actor=by,
            action="membership.role_changed",
            target=locked,
            detail={"from": before, "to": role.value},
        )
    return locked


def membership_deactivate(*, membership: Membership, by) -> Membership:
    """Remove a person's access with this role: they can no longer use it (kept, so it can be restored
    and so a team manager cannot give it back)."""
    with transaction.atomic():
        locked = _locked_membership(membership=membership, by=by)
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
            audit_record(
                actor=by, action="membership.deactivated", target=locked, detail={"role": locked.role}
            )
    return locked


def membership_reactivate(*, membership: Membership, by) -> Membership:
    """Restore access a council admin removed: the role the person accepted before, nothing new."""
    with transaction.atomic():
        locked = _locked_membership(membership=membership, by=by)
        if not locked.is_active:
            locked.is_active = True
            locked.save(update_fields=["is_active"])
            audit_record(
                actor=by, action="membership.reactivated", target=locked, detail={"role": locked.role}
            )
    return locked
