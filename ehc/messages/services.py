"""Secure messages about a child's case, between a family member and the SEND team (Oxfordshire guide 4.4,
Worcestershire "Messages", Hertfordshire "Receiving a Message").

A family member's message goes to the team; a team message goes to one family member. The council
decides whether parents may start messages and whether they may reply (CouncilConfiguration), and these
services enforce it whoever calls them. Each write is one transaction with an audit row that never holds
the subject or the body; the person told about a new message learns only that there is one, with the
case's reference and a link to sign in (ARCHITECTURE.md 8)."""

import logging
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.notifications import notify, notify_person
from core.roles import STAFF_ROLES
from core.selectors import user_has_role
from core.services import audit_record
from ehc.messages.selectors import message_type_names, messages_notice
from ehc.models import AccessStatus, Case, CaseAccess, Message
from tenants.configuration.selectors import configuration_get
from tenants.selectors import council_name_current

logger = logging.getLogger(__name__)

SUBJECT_MAX = Message._meta.get_field("subject").max_length
TYPE_MAX = Message._meta.get_field("message_type").max_length
BODY_MAX = 20_000  # a long letter; more is a document to send another way
REPLY_PREFIX = "RE: "


def reply_subject(subject: str) -> str:
    """ "RE: <subject>" once, however many times the conversation has gone back and forth."""
    if subject[: len(REPLY_PREFIX)].upper() == REPLY_PREFIX.upper():
        return subject[:SUBJECT_MAX]
    return f"{REPLY_PREFIX}{subject}"[:SUBJECT_MAX]


def _checked(*, subject: str, body: str, message_type: str, types: list[str] | None) -> dict[str, str]:
    """Problems with what was typed, by field, in the order the form asks. ``types`` None: the type is
    the original message's (a reply) and is not checked against today's list."""
    errors = {}
    if types is not None and message_type not in types:
        errors["message_type"] = "Select a message type"
    if not subject:
        errors["subject"] = "Enter a subject"
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = f"Subject must be {SUBJECT_MAX} characters or less"
    if not body:
        errors["body"] = "Enter a message"
    elif len(body) > BODY_MAX:
        errors["body"] = f"Message must be {BODY_MAX:,} characters or less"
    return errors


def _sign_in_link(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{reverse('account_login')}?{urlencode({'next': path})}"


def _notify_new_message(*, message: Message, to: str, user, link: str) -> None:
    """Tell someone, once the message is committed, that a secure message is waiting: the case's
    reference and a link to sign in; never the child's name, the subject or the body (ARCHITECTURE.md 8).
    ``user`` is the person told, or None for the council's shared address. Sent by Celery, once per
    message (core.notifications)."""
    council, reference = council_name_current(), message.case.reference
    subject = f"{council}: you have a new message ({reference})"
    body = (
        f"You have a new secure message about case {reference}.\n\n"
        f"Sign in to the EHC Portal to read it:\n{link}\n"
    )
    key = f"message:{message.pk}"
    if user is not None:  # a person: by email, and by text message where they have one (Celery, once)
        notify_person(user=user, kind="new_message", subject=subject, body=body, key=key)
    else:  # the council's shared address
        notify(key=f"{key}:team", channel="email", to=to, kind="new_message", subject=subject, body=body)


def _active_access_locked(*, case_id: int, user) -> bool:
    """Whether ``user`` has active access to the case, holding their access row until the transaction
    ends so that removing it cannot slip between the check and the message."""
    return (
        CaseAccess.objects.select_for_update()
        .filter(case_id=case_id, user=user, status=AccessStatus.ACTIVE)
        .first()
        is not None
    )


def message_send_by_family(
    *,
    case: Case,
    sender,
    message_type: str,
    subject: str,
    body: str,
    in_reply_to: Message | None = None,
    base_url: str,
) -> Message:
    """A family member writes to the SEND team about the case: a new message, or a reply to one the team
    sent them (which keeps its type). Raises PermissionDenied (with the council's wording) when the
    council does not let parents start messages, or reply, or when the sender has no active access or
    the message replied to is not the team's to them about this case; ValidationError by field for what
    was typed. The case's caseworker, else the council's contact address, is told on commit."""
    config = configuration_get()
    if in_reply_to is None and not config.parents_can_start_messages:
        raise PermissionDenied(messages_notice(config))
    if in_reply_to is not None and not config.parents_can_reply:
        raise PermissionDenied(messages_notice(config))
    subject, body = subject.strip(), body.strip()
    if in_reply_to is not None:
        message_type = in_reply_to.message_type
        types = None
    else:
        message_type = message_type.strip()
        types = message_type_names(config)
    with transaction.atomic():
        if not _active_access_locked(case_id=case.pk, user=sender):
            raise PermissionDenied("No active access to this case")
        if in_reply_to is not None and not (
            in_reply_to.case_id == case.pk and in_reply_to.from_team and in_reply_to.recipient_id == sender.pk
        ):
            raise PermissionDenied("Not a message to you about this case")
        errors = _checked(subject=subject, body=body, message_type=message_type, types=types)
        if errors:
            raise ValidationError(errors)
        message = Message.objects.create(
            case=case,
            message_type=message_type[:TYPE_MAX],
            subject=subject,
            body=body,
            sender=sender,
            from_team=False,
            recipient=None,
            in_reply_to=in_reply_to,
        )
        audit_record(
            actor=sender,
            action="message.sent",
            target=message,
            detail={
                "case": case.reference,
                "from": "family",
                "in_reply_to": in_reply_to.pk if in_reply_to is not None else None,
            },
        )
        team_address = case.caseworker.email if case.caseworker_id else config.contact_email
        if team_address:
            path = reverse("case_message", kwargs={"reference": case.reference, "pk": message.pk})
            _notify_new_message(
                message=message,
                to=team_address,
                user=case.caseworker if case.caseworker_id else None,
                link=_sign_in_link(base_url, path),
            )
        else:
            logger.warning("message %s: no caseworker and no contact email to tell", message.pk)
    return message


def message_send_by_team(
    *,
    case: Case,
    sender,
    recipient,
    message_type: str,
    subject: str,
    body: str,
    in_reply_to: Message | None = None,
    base_url: str,
) -> Message:
    """A member of the SEND team writes to one family member with active access to the case: a new
    message, or a reply to a family member's message (to its sender, keeping its type). The team can
    always write, whatever the council lets parents do. Raises PermissionDenied for someone who is not
    staff here; ValidationError by field. The family member is told on commit."""
    if not user_has_role(user=sender, roles=STAFF_ROLES):
        raise PermissionDenied("Only the SEND team sends messages to the family")
    subject, body = subject.strip(), body.strip()
    if in_reply_to is not None:
        if in_reply_to.case_id != case.pk or in_reply_to.from_team:
            raise PermissionDenied("Not a family member's message about this case")
        recipient = in_reply_to.sender
        message_type = in_reply_to.message_type
        types = None
    else:
        message_type = message_type.strip()
        types = message_type_names(configuration_get())
    with transaction.atomic():
        errors = {}
        if recipient is None or not _active_access_locked(case_id=case.pk, user=recipient):
            errors["recipient"] = (
                "This person no longer has access to the case on the portal"
                if in_reply_to is not None
                else "Select who the message is for"
            )
        errors |= _checked(subject=subject, body=body, message_type=message_type, types=types)
        if errors:
            order = ["recipient", "message_type", "subject", "body"]
            raise ValidationError({key: errors[key] for key in order if key in errors})
        message = Message.objects.create(
            case=case,
            message_type=message_type[:TYPE_MAX],
            subject=subject,
            body=body,
            sender=sender,
            from_team=True,
            recipient=recipient,
            in_reply_to=in_reply_to,
        )
        audit_record(
            actor=sender,
            action="message.sent",
            target=message,
            detail={
                "case": case.reference,
                "from": "team",
                "to": recipient.pk,
                "in_reply_to": in_reply_to.pk if in_reply_to is not None else None,
            },
        )
        path = reverse("family_message", kwargs={"reference": case.reference, "pk": message.pk})
        _notify_new_message(
            message=message, to=recipient.email, user=recipient, link=_sign_in_link(base_url, path)
        )
    return message


def message_mark_read(*, message: Message, by) -> bool:
    """Mark a message read by the person it was for: a team message by its family recipient (who must
    still have active access), a family member's message by any member of the SEND team. Idempotent:
    the first opening is recorded and audited, later ones change nothing. Returns whether it changed.
    Raises PermissionDenied for anyone else."""
    with transaction.atomic():
        if message.from_team:
            if message.recipient_id != by.pk or not _active_access_locked(case_id=message.case_id, user=by):
                raise PermissionDenied("Not a message to you")
        elif not user_has_role(user=by, roles=STAFF_ROLES):
            raise PermissionDenied("Only the SEND team reads messages to the team")
        now = timezone.now()
        changed = Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        if changed:
            message.read_at = now
            audit_record(
                actor=by,
                action="message.read",
                target=message,
                detail={"case": message.case.reference, "by": "team" if not message.from_team else "family"},
            )
    return bool(changed)
