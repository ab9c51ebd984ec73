"""Secure messages pages. The family's Messages page (Inbox and Sent Items for a child, Oxfordshire guide
4.4), a message, and the Secure Message form for a new message or a reply, as far as the council allows;
the SEND team's message, new message and reply pages, reached from the case page's Messages section
(ehc/templates/ehc/cases/_messages.html). Every write goes through ehc.messages.services, which enforces
the council's rules whatever calls it."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.decorators import role_required
from core.errors import errors_by_field
from core.roles import STAFF_ROLES
from ehc.cases.access import case_for_staff
from ehc.family.access import family_case_or_404
from ehc.messages import services
from ehc.messages.selectors import (
    family_can_see,
    family_messages_of,
    message_recipients,
    message_type_names,
    messages_notice,
)
from ehc.messages.services import reply_subject
from ehc.models import Case, Message

FAMILY_ORDER = ["message_type", "subject", "body"]
TEAM_ORDER = ["recipient", "message_type", "subject", "body"]
RELATED = ("sender", "recipient", "in_reply_to__sender", "in_reply_to__recipient")


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


# The family's side


def _notice(config) -> str:
    """The council's wording when parents cannot start messages or cannot reply, else nothing."""
    if config.parents_can_start_messages and config.parents_can_reply:
        return ""
    return messages_notice(config)


def _refused(request, case, *, reason: str = ""):
    """403 with the council's own wording: the page a parent reaches by a URL the council does not allow."""
    return render(
        request,
        "ehc/messages/not_allowed.html",
        {"case": case, "section": "messages", "notice": reason or messages_notice(request.council_config)},
        status=403,
    )


@login_required
@require_GET
def family_messages(request, reference):
    """The child's Inbox (the SEND team's messages to this person) and Sent Items (theirs to the team)."""
    case = family_case_or_404(request, reference)
    inbox, sent = family_messages_of(case=case, user=request.user)
    config = request.council_config
    return render(
        request,
        "ehc/messages/list.html",
        {
            "case": case,
            "section": "messages",
            "inbox": inbox,
            "sent": sent,
            "unread": sum(1 for m in inbox if m.read_at is None),
            "can_start": config.parents_can_start_messages,
            "notice": _notice(config),
        },
    )


@login_required
@require_GET
def family_message(request, reference, pk):
    """One message. Opening a message from the SEND team marks it read (once: reading it again changes
    nothing, so a GET may do it)."""
    case = family_case_or_404(request, reference)
    message = get_object_or_404(Message.objects.select_related(*RELATED), pk=pk, case=case)
    if not family_can_see(message, request.user):
        raise Http404("No such message")
    message.case = case
    if message.from_team and message.read_at is None:
        services.message_mark_read(message=message, by=request.user)
    original = message.in_reply_to
    config = request.council_config
    return render(
        request,
        "ehc/messages/message.html",
        {
            "case": case,
            "section": "messages",
            "message": message,
            "original": original if original is not None and family_can_see(original, request.user) else None,
            "can_reply": message.from_team and config.parents_can_reply,
            "notice": _notice(config) if message.from_team else "",
        },
    )


def _family_form(request, case, *, original: Message | None):
    """The Secure Message form, new or a reply; on Send, the service decides (and refuses what the
    council does not allow, however the request was made)."""
    config = request.council_config
    allowed = config.parents_can_reply if original is not None else config.parents_can_start_messages
    if not allowed:
        return _refused(request, case)
    types = message_type_names(config) if original is None else []
    errors = {}
    if request.method == "POST":
        posted = request.POST
        try:
            services.message_send_by_family(
                case=case,
                sender=request.user,
                message_type=posted.get("message_type", ""),
                subject=posted.get("subject", ""),
                body=posted.get("body", ""),
                in_reply_to=original,
                base_url=_base_url(request),
            )
        except PermissionDenied as refused:
            return _refused(request, case, reason=str(refused))
        except ValidationError as error:
            errors = errors_by_field(error, order=FAMILY_ORDER)
        else:
            flash.success(request, "Your message has been sent. It is in your Sent Items.")
            return redirect("family_messages", reference=case.reference)
    else:
        posted = {"subject": reply_subject(original.subject) if original is not None else ""}
    return render(
        request,
        "ehc/messages/form.html",
        {
            "case": case,
            "section": "messages",
            "original": original,
            "types": types,
            "posted": posted,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def family_message_new(request, reference):
    case = family_case_or_404(request, reference)
    return _family_form(request, case, original=None)


@login_required
@require_http_methods(["GET", "POST"])
def family_message_reply(request, reference, pk):
    case = family_case_or_404(request, reference)
    original = get_object_or_404(
        Message.objects.select_related("sender", "recipient"),
        pk=pk,
        case=case,
        from_team=True,
        recipient=request.user,
    )
    return _family_form(request, case, original=original)


# The SEND team's side


def _staff_case(request, reference: str) -> Case:
    return case_for_staff(request, reference, queryset=Case.objects.select_related("caseworker"))


@role_required(*STAFF_ROLES)
@require_GET
def case_message(request, reference, pk):
    """A message about the case. Opening a family member's message marks it read for the team."""
    case = _staff_case(request, reference)
    message = get_object_or_404(Message.objects.select_related(*RELATED), pk=pk, case=case)
    message.case = case
    if not message.from_team and message.read_at is None:
        services.message_mark_read(message=message, by=request.user)
    return render(
        request,
        "ehc/messages/case_message.html",
        {"case": case, "message": message, "original": message.in_reply_to},
    )


def _team_form(request, case, *, original: Message | None):
    recipients = message_recipients(case=case) if original is None else []
    types = message_type_names(request.council_config) if original is None else []
    errors = {}
    if request.method == "POST":
        posted = request.POST
        if original is None:
            chosen = next((a.user for a in recipients if str(a.user_id) == posted.get("recipient")), None)
        else:
            chosen = original.sender
        try:
            message = services.message_send_by_team(
                case=case,
                sender=request.user,
                recipient=chosen,
                message_type=posted.get("message_type", ""),
                subject=posted.get("subject", ""),
                body=posted.get("body", ""),
                in_reply_to=original,
                base_url=_base_url(request),
            )
        except ValidationError as error:
            errors = errors_by_field(error, order=TEAM_ORDER)
        else:
            name = message.recipient.get_full_name() or message.recipient.email
            flash.success(request, f"Message sent to {name}. They are emailed that there is a new message.")
            return redirect(reverse("case_page", kwargs={"reference": case.reference}) + "#messages")
    else:
        posted = {"subject": reply_subject(original.subject) if original is not None else ""}
    return render(
        request,
        "ehc/messages/case_form.html",
        {
            "case": case,
            "original": original,
            "recipients": recipients,
            "types": types,
            "posted": posted,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_message_new(request, reference):
    """Write to a family member with active access to the case. The team can always write."""
    return _team_form(request, _staff_case(request, reference), original=None)


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_message_reply(request, reference, pk):
    """Reply to a family member's message: to them, with its type, "RE: subject" and the original below."""
    case = _staff_case(request, reference)
    original = get_object_or_404(Message.objects.select_related("sender"), pk=pk, case=case, from_team=False)
    return _team_form(request, case, original=original)
