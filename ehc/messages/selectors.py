"""Reads for secure messages: a family member's Inbox and Sent Items and what they may see, unread counts,
the staff case page's messages, whom the team may write to, the council's message types, and its wording
when parents cannot send."""

from django.db.models import Prefetch, Q

from ehc.models import AccessStatus, Case, CaseAccess, Message
from tenants.configuration.models import CouncilConfiguration

NOT_ALLOWED = "You cannot send messages to the SEND team on the portal."
NOT_ALLOWED_TO_START = (
    "You cannot start a new message on the portal. You can reply to a message the SEND team sends you."
)


def messages_notice(config: CouncilConfiguration) -> str:
    """What a parent is told when they cannot send or reply: the council's own wording, else ours."""
    if config.messages_notice.strip():
        return config.messages_notice.strip()
    return NOT_ALLOWED_TO_START if config.parents_can_reply else NOT_ALLOWED


def unread_count_for(case: Case, user) -> int:
    """How many of the team's messages to this family member about the case they have not opened yet
    (the dashboard's "Messages (N unread)"). One query."""
    return Message.objects.filter(case=case, from_team=True, recipient=user, read_at__isnull=True).count()


def case_messages_prefetch() -> Prefetch:
    """For the staff case page's Messages section: case.messages.all with who sent each, who it was for
    and whom it replied to, in one query however many there are."""
    return Prefetch(
        "messages", queryset=Message.objects.select_related("sender", "recipient", "in_reply_to__sender")
    )


def family_messages_of(*, case: Case, user) -> tuple[list[Message], list[Message]]:
    """This family member's Inbox (the team's messages to them) and Sent Items (theirs to the team) for
    the case, newest first. One query, however many messages there are."""
    inbox, sent = [], []
    for message in (
        Message.objects.filter(case=case)
        .filter(Q(from_team=True, recipient=user) | Q(from_team=False, sender=user))
        .select_related("sender", "recipient", "in_reply_to__sender")
        .order_by("-sent_at", "-id")
    ):
        (inbox if message.from_team else sent).append(message)
    return inbox, sent


def family_can_see(message: Message, user) -> bool:
    """A family member sees the team's messages to them and their own messages to the team, nothing
    else: not what the team wrote to another member of the family."""
    if message.from_team:
        return message.recipient_id == user.pk
    return message.sender_id == user.pk


def message_recipients(*, case: Case) -> list[CaseAccess]:
    """The family members the team may write to about the case: those with active access. One query."""
    return list(
        CaseAccess.objects.filter(case=case, status=AccessStatus.ACTIVE, user__isnull=False)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "id")
    )


def message_type_names(config: CouncilConfiguration) -> list[str]:
    """The council's message types, in its order. One query."""
    return [t.name for t in config.message_types.all()]
