"""Invitations to a child's EHC record on the portal (issue 6), as Worcestershire runs them, and the
shorter path of councils without its identity check.

Which steps apply is decided by two settings of the council's configuration (``invitation_steps``):

- ``registration == "invitation"``: the identity check. The first email carries a unique code the
  parent quotes to the SEND team; a caseworker enters it (``access_verify``) and only then is the
  "Accept Portal Invitation" email with its link sent. Otherwise the link is sent at once.
- ``accounts_confirmed_by_team``: activation by the team. A parent's acceptance waits (ACCEPTED) until
  a caseworker activates it (``access_activate``). Otherwise the acceptance makes the access ACTIVE.

Worcestershire has both (INVITED -> VERIFIED -> bound -> ACCEPTED -> ACTIVE); Oxfordshire has neither
(VERIFIED -> bound -> ACTIVE). Codes and link tokens are never stored, only their HMAC-SHA256 digests
keyed with SECRET_KEY (as core/accounts/codes.py does), and never written to the audit log; the emails
that carry them hold them encrypted until sent (``notify``'s secrets). Emails say what is waiting and
give the case's short reference, never the child's name (ARCHITECTURE.md 8), and are sent by Celery
once the transaction commits.
"""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, Membership
from core.notifications import notify, notify_person
from core.roles import Role
from core.services import audit_record, membership_grant
from ehc.models import AccessStatus, Case, CaseAccess
from ehc.requests.services import REFERENCE_ALPHABET
from tenants.configuration.models import Registration
from tenants.selectors import council_name_current

CODE_LENGTH = 8
MAX_CODE_TRIES = 5
LINK_LIFETIME = datetime.timedelta(days=14)
# An address with one of these already has an invitation under way, or access.
OPEN_STATUSES = (AccessStatus.INVITED, AccessStatus.VERIFIED, AccessStatus.ACCEPTED, AccessStatus.ACTIVE)

RELATIONSHIPS = {"parent": "Parent or carer", "young_person": "Young person"}
RELATIONSHIP_MAX = CaseAccess._meta.get_field("relationship").max_length


@dataclass(frozen=True)
class Steps:
    identity_check: bool  # the code the parent quotes to the SEND team
    team_activation: bool  # the SEND team activates an accepted invitation


def invitation_steps(config) -> Steps:
    """The steps this council's invitations go through, from its configuration (see the module's doc)."""
    return Steps(
        identity_check=config.registration == Registration.INVITATION,
        team_activation=bool(config.accounts_confirmed_by_team),
    )


def _digest(purpose: str, secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{secret}".encode(), hashlib.sha256).hexdigest()


def code_normalise(entered: str) -> str:
    """What a caseworker typed, as the code was issued: upper case, no spaces or hyphens."""
    return "".join(entered.split()).replace("-", "").upper()


def _code_issue() -> tuple[str, str]:
    """A new identity code and its digest. The digest carries no per-row binding so that a code is
    unique across the council's invitations (a caseworker may be quoted one without knowing whose)."""
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(CODE_LENGTH))
        digest = _digest("invitation-code", code)
        if not CaseAccess.objects.filter(code_digest=digest).exists():
            return code, digest


def _token_issue() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _digest("invitation-link", token)


def token_digest(token: str) -> str:
    return _digest("invitation-link", token)


def link_expires(access: CaseAccess) -> datetime.datetime | None:
    """The acceptance link is sent when the access becomes VERIFIED (verified_at), and works 14 days."""
    return access.verified_at + LINK_LIFETIME if access.verified_at else None


def _locked(access: CaseAccess) -> CaseAccess:
    return CaseAccess.objects.select_for_update(of=("self",)).select_related("case").get(pk=access.pk)


def _failed_tries(access: CaseAccess) -> int:
    # The model has no counter: the audit log's failures since the code was issued are the count, kept
    # in the database (a cache could forget them and unlock the invitation).
    return AuditEvent.objects.filter(
        action="invitation.code_failed",
        target_type=CaseAccess._meta.label_lower,
        target_id=str(access.pk),
        at__gte=access.invited_at,
    ).count()


def _send_code(*, access: CaseAccess, code: str, council: str, config) -> None:
    contact = " or ".join(c for c in (config.contact_email, config.contact_phone) if c)
    reference, address = access.case.reference, access.email
    body = (
        f"{council} has invited you to its EHC Portal, to see a child's Education, Health and Care "
        f"(EHC) record online, reference {reference}.\n\n"
        "First, the SEND team needs to confirm who you are. Your unique code is:\n\n"
        "((code))\n\n"
        "Quote this code to the SEND team when you contact them"
        f"{f' ({contact})' if contact else ''} to verify your identity.\n\n"
        "Once they have, we will send you another email, titled Accept Portal Invitation, with a link "
        "to set up your account.\n\n"
        "If you were not expecting this email, you can ignore it."
    )
    # The code is sealed in the notification, never stored readable (see the module's doc).
    notify(
        key=f"invitation-code:{access.pk}:{access.invited_at.timestamp():.6f}",
        channel="email",
        to=address,
        kind="invitation",
        subject=f"{council}: invitation to the EHC Portal",
        body=body,
        secrets={"code": code},
    )


def _send_link(
    *, access: CaseAccess, token: str, base_url: str, council: str, identity_checked: bool
) -> None:
    link = base_url.rstrip("/") + reverse("invitation_accept_link", kwargs={"token": token})
    expires = timezone.localtime(link_expires(access))
    reference, address = access.case.reference, access.email
    opening = (
        f"{council}'s SEND team has confirmed who you are."
        if identity_checked
        else f"{council} has invited you to its EHC Portal."
    )
    body = (
        f"{opening} To see the Education, Health and Care (EHC) record for reference {reference} online, "
        "select this link, then sign in, or register for an account with this email address:\n\n"
        "((link))\n\n"
        f"The link works once, until {expires.day} {expires:%B %Y}. If you need to register first, "
        "select the link again once you have registered.\n\n"
        "If you were not expecting this email, you can ignore it."
    )
    # The link holds the token: sealed in the notification, never stored readable.
    notify(
        key=f"invitation-link:{access.pk}:{access.verified_at.timestamp():.6f}",
        channel="email",
        to=address,
        kind="invitation",
        subject=f"{council}: Accept Portal Invitation",
        body=body,
        secrets={"link": link},
    )


def _send_access(*, access: CaseAccess, base_url: str, council: str) -> None:
    reference = access.case.reference
    link = base_url.rstrip("/") + reverse("account_login")
    body = (
        f"Your customer SEND record is now available: you can now see the EHC record for reference "
        f"{reference}.\n\nSign in to the portal to see it:\n{link}\n\nMany thanks\nSEND Team, {council}"
    )
    notify_person(
        user=access.user,
        kind="access_granted",
        subject=f"{council}: Portal access to customer SEND record",
        body=body,
        key=f"access-granted:{access.pk}:{access.activated_at.timestamp():.6f}",
    )


def _grant_active(*, access: CaseAccess, by) -> None:
    """ACTIVE from now; someone with no membership here becomes a parent member so they can sign in.
    A person whose membership was ended keeps it ended: the SEND team restores that, not an invitation."""
    access.status = AccessStatus.ACTIVE
    access.activated_at = timezone.now()
    if not Membership.objects.filter(user_id=access.user_id).exists():
        membership_grant(user=access.user, role=Role.PARENT, by=by)


def invitation_details_check(
    *, email: str, relationship: str, relationship_other: str = ""
) -> tuple[str, str]:
    """The address and the relationship as an invitation stores them, or ValidationError by the invite
    page's inputs, every problem at once. ``relationship`` is a key of RELATIONSHIPS, "other" (then
    ``relationship_other`` holds how they are related), or already the relationship's words."""
    email = email.strip().lower()
    errors = {}
    if not email:
        errors["email"] = "Enter the email address to send the invitation to"
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.com"
    if relationship == "other":
        words = relationship_other.strip()
        if not words:
            errors["relationship_other"] = "Enter how they are related to the child"
    else:
        words = RELATIONSHIPS.get(relationship, relationship.strip())
        if not words:
            errors["relationship"] = "Select how they are related to the child"
    if len(words) > RELATIONSHIP_MAX:
        errors["relationship_other"] = f"The relationship must be {RELATIONSHIP_MAX} characters or fewer"
    if errors:
        raise ValidationError(errors)
    return email, words


def invitation_send(
    *, case: Case, email: str, relationship: str, relationship_other: str = "", by, config, base_url: str
) -> CaseAccess:
    """Invite someone to see a child's record. With the identity check: INVITED, and an email with the
    code to quote. Without it: VERIFIED at once, and the Accept Portal Invitation email with its link.
    An address whose earlier invitation was declined or removed is invited again on the same row.
    The address and relationship are checked by ``invitation_details_check``."""
    email, relationship = invitation_details_check(
        email=email, relationship=relationship, relationship_other=relationship_other
    )
    steps = invitation_steps(config)
    council = council_name_current()
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)  # one invitation at a time per case
        earlier = list(
            CaseAccess.objects.select_for_update(of=("self",))
            .filter(Q(email__iexact=email) | Q(user__email__iexact=email), case=case)
            .select_related("case")
        )
        if any(row.status in OPEN_STATUSES for row in earlier):
            raise ValidationError(
                {"email": "This email address already has an invitation or access for this child"}
            )
        access = earlier[0] if earlier else CaseAccess(case=case)
        # Invited again after a decline or a removal: whoever takes up the new link binds it afresh.
        access.user = None
        now = timezone.now()
        access.email, access.relationship = email, relationship
        access.invited_by, access.invited_at = by, now
        access.accepted_at = access.activated_at = None
        if steps.identity_check:
            code, access.code_digest = _code_issue()
            access.status, access.token_digest, access.verified_at = AccessStatus.INVITED, "", None
        else:
            token, access.token_digest = _token_issue()
            access.status, access.code_digest, access.verified_at = AccessStatus.VERIFIED, "", now
        access.save()
        audit_record(
            actor=by,
            action="invitation.sent",
            target=access,
            detail={"case": case.reference, "identity_check": steps.identity_check},
        )
        if steps.identity_check:
            _send_code(access=access, code=code, council=council, config=config)
        else:
            _send_link(access=access, token=token, base_url=base_url, council=council, identity_checked=False)
    return access


def access_verify(*, access: CaseAccess, code: str, by, base_url: str) -> CaseAccess:
    """A caseworker enters the code the parent quoted. Right: VERIFIED, and the Accept Portal Invitation
    email. Wrong: refused and counted; the fifth wrong code locks the invitation until a new code is sent.
    The count is kept even though the code is refused (the refusal is raised after the commit)."""
    council = council_name_current()
    refusal = None
    with transaction.atomic():
        locked = _locked(access)
        if locked.status != AccessStatus.INVITED:
            raise ValidationError({"code": "This person's identity has already been checked"})
        if not locked.code_digest:
            raise ValidationError(
                {"code": "Too many incorrect codes: the invitation is locked. Send a new code."}
            )
        entered = code_normalise(code)
        if not entered:
            raise ValidationError({"code": "Enter the code the person quoted"})
        if hmac.compare_digest(_digest("invitation-code", entered), locked.code_digest):
            token, locked.token_digest = _token_issue()
            locked.status, locked.code_digest, locked.verified_at = AccessStatus.VERIFIED, "", timezone.now()
            locked.save(update_fields=["status", "code_digest", "token_digest", "verified_at"])
            audit_record(actor=by, action="invitation.verified", target=locked)
            _send_link(access=locked, token=token, base_url=base_url, council=council, identity_checked=True)
            return locked
        audit_record(actor=by, action="invitation.code_failed", target=locked)
        tries = _failed_tries(locked)
        if tries >= MAX_CODE_TRIES:
            locked.code_digest = ""
            locked.save(update_fields=["code_digest"])
            audit_record(actor=by, action="invitation.locked", target=locked, detail={"tries": tries})
            refusal = "The code is not correct. That was the 5th incorrect code: the invitation is locked. "
            refusal += "Send a new code from the case page."
        else:
            left = MAX_CODE_TRIES - tries
            locks = "code locks" if left == 1 else "codes lock"
            refusal = f"The code is not correct. {left} more incorrect {locks} the invitation."
    raise ValidationError({"code": refusal})


def access_resend(*, access: CaseAccess, by, config, base_url: str) -> CaseAccess:
    """Send again: a new identity code (INVITED, locked or not), or a new acceptance link (VERIFIED, not
    yet used), each replacing the one before; the tries and the link's 14 days start again."""
    council = council_name_current()
    with transaction.atomic():
        locked = _locked(access)
        now = timezone.now()
        if locked.status == AccessStatus.INVITED:
            code, locked.code_digest = _code_issue()
            locked.invited_at = now
            locked.save(update_fields=["code_digest", "invited_at"])
            audit_record(actor=by, action="invitation.code_sent", target=locked)
            _send_code(access=locked, code=code, council=council, config=config)
        elif locked.status == AccessStatus.VERIFIED and locked.user_id is None:
            token, locked.token_digest = _token_issue()
            locked.verified_at = now
            locked.save(update_fields=["token_digest", "verified_at"])
            audit_record(actor=by, action="invitation.link_sent", target=locked)
            _send_link(
                access=locked,
                token=token,
                base_url=base_url,
                council=council,
                identity_checked=invitation_steps(config).identity_check,
            )
        else:
            raise ValidationError("There is nothing to send again for this invitation")
    return locked


class InvitationNotFound(Exception):
    """No invitation this person may take up with this link (unknown, used, expired, another address,
    or they already have one for the child): one answer for all, so a link reveals nothing."""


def invited_email_for_link(token: str) -> str | None:
    """The address an open acceptance link was sent to (core.admission: who may register or join an
    invitation-only council), or None for an unknown, used or expired link."""
    access = (
        CaseAccess.objects.filter(
            token_digest=token_digest(token), status=AccessStatus.VERIFIED, user__isnull=True
        )
        .only("email", "verified_at")
        .first()
    )
    if access is None or link_expires(access) < timezone.now():
        return None
    return access.email


def invitation_bind(*, token: str, user) -> CaseAccess:
    """The parent follows the acceptance link while signed in: the invitation becomes theirs (and waits
    in Invitations awaiting approval), and the link is used up.

    The account must have the address the invitation was sent to: the SEND team checked the person
    behind that address, so a forwarded or intercepted link is no use to another account."""
    with transaction.atomic():
        access = (
            CaseAccess.objects.select_for_update()
            .filter(token_digest=token_digest(token), status=AccessStatus.VERIFIED, user__isnull=True)
            .first()
        )
        if access is None or link_expires(access) < timezone.now():
            raise InvitationNotFound
        if access.email.lower() != (user.email or "").lower():
            raise InvitationNotFound
        if CaseAccess.objects.filter(case_id=access.case_id, user=user).exists():
            raise InvitationNotFound
        access.user, access.token_digest = user, ""
        access.save(update_fields=["user", "token_digest"])
        audit_record(actor=user, action="invitation.link_used", target=access)
    return access


def invitations_respond(
    *, user, accept: list[int], wants_access: bool, config, base_url: str
) -> list[CaseAccess]:
    """The parent's answer to Invitations awaiting approval. Yes: the ticked children are ACCEPTED (or
    ACTIVE at once where the team does not activate accounts) and the others declined; No: all declined.
    Returns the invitations answered."""
    steps = invitation_steps(config)
    council = council_name_current()
    with transaction.atomic():
        pending = list(
            CaseAccess.objects.select_for_update(of=("self",))
            .filter(user=user, status=AccessStatus.VERIFIED)
            .select_related("case", "user")
            .order_by("id")
        )
        if not pending:
            raise ValidationError("There are no invitations waiting for your approval")
        chosen = {pk for pk in accept if pk in {a.pk for a in pending}} if wants_access else set()
        if wants_access and not chosen:
            raise ValidationError({"invitation": "Select the children whose records you want to see"})
        now = timezone.now()
        for access in pending:
            if access.pk in chosen:
                access.accepted_at = now
                if steps.team_activation:
                    access.status = AccessStatus.ACCEPTED
                    _send_accepted(access=access, council=council)
                else:
                    _grant_active(access=access, by=user)
                    _send_access(access=access, base_url=base_url, council=council)
                access.save(update_fields=["status", "accepted_at", "activated_at"])
                audit_record(
                    actor=user, action="invitation.accepted", target=access, detail={"to": access.status}
                )
            else:
                access.status = AccessStatus.DECLINED
                access.save(update_fields=["status"])
                audit_record(actor=user, action="invitation.declined", target=access)
    return pending


def _send_accepted(*, access: CaseAccess, council: str) -> None:
    reference = access.case.reference
    body = (
        f"You have accepted the invitation to see the EHC record for reference {reference} on "
        f"{council}'s EHC Portal.\n\nThe SEND team will now activate your access. We will email you "
        "when they have."
    )
    notify_person(
        user=access.user,
        kind="invitation_accepted",
        subject=f"{council}: invitation accepted",
        body=body,
        key=f"invitation-accepted:{access.pk}:{access.accepted_at.timestamp():.6f}",
    )


def access_activate(*, access: CaseAccess, by, base_url: str) -> CaseAccess:
    """The SEND team activates an accepted invitation: ACTIVE, and the Portal access email."""
    council = council_name_current()
    with transaction.atomic():
        locked = (
            CaseAccess.objects.select_for_update(of=("self",))
            .select_related("case", "user")
            .get(pk=access.pk)
        )
        if locked.status != AccessStatus.ACCEPTED:
            raise ValidationError("Only an accepted invitation can be activated")
        _grant_active(access=locked, by=by)
        locked.save(update_fields=["status", "activated_at"])
        audit_record(
            actor=by, action="access.activated", target=locked, detail={"case": locked.case.reference}
        )
        _send_access(access=locked, base_url=base_url, council=council)
    return locked


def access_revoke(*, access: CaseAccess, by) -> CaseAccess:
    """Remove a person's access to the child's record; they are told, without details."""
    council = council_name_current()
    with transaction.atomic():
        locked = (
            CaseAccess.objects.select_for_update(of=("self",))
            .select_related("case", "user")
            .get(pk=access.pk)
        )
        if locked.status != AccessStatus.ACTIVE:
            raise ValidationError("Only active access can be removed")
        locked.status = AccessStatus.REVOKED
        locked.save(update_fields=["status"])
        revoked = audit_record(
            actor=by, action="access.revoked", target=locked, detail={"case": locked.case.reference}
        )
        if locked.user_id:
            reference = locked.case.reference
            notify_person(
                user=locked.user,
                kind="access_removed",
                subject=f"{council}: portal access removed",
                body=(
                    f"Your access to the EHC record for reference {reference} on {council}'s EHC "
                    "Portal has been removed. If you think this is a mistake, contact the SEND team."
                ),
                key=f"access-removed:{locked.pk}:{revoked.pk}",
            )
    return locked
