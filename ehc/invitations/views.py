"""Invitations to a child's EHC record (issue 6): the SEND team's pages (invite, check identity, send
again, activate, remove) and the parent's (the acceptance link, Invitations awaiting approval, the
confirmation). Which steps a council uses: ehc.invitations.services.invitation_steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.decorators import role_required
from core.errors import errors_by_field
from core.inputs import whole_number
from core.roles import STAFF_ROLES
from ehc.cases.access import case_for_staff, case_item_for_staff
from ehc.invitations import services
from ehc.invitations.selectors import invitations_pending_of
from ehc.models import AccessStatus, CaseAccess

RESPONSE_SESSION_KEY = "invitation_response"  # the answers between Confirm and Submit (ids only)
ANSWERED_SESSION_KEY = "invitations_answered"  # which invitations the last Submit answered (ids only)
INVITE_ORDER = ["email", "relationship", "relationship_other"]


def _base_url(request) -> str:
    """This council's host as the request reached it: links in emails point back to it."""
    return request.build_absolute_uri("/")


def _case_page(case) -> str:
    return reverse("case_page", kwargs={"reference": case.reference}) + "#family-access"


def _staff_access(request, reference: str, pk: int) -> CaseAccess:
    """An access row of this case in this council (404 otherwise, as for any case), audited. One query,
    and the audit row."""
    return case_item_for_staff(request, CaseAccess.objects.all(), reference=reference, pk=pk)


def _invite_answers(posted) -> dict:
    """The invite page's answers as the service takes them (a relationship not offered is no answer)."""
    choice = posted.get("relationship", "")
    return {
        "email": posted.get("email", ""),
        "relationship": choice if choice in {*services.RELATIONSHIPS, "other"} else "",
        "relationship_other": posted.get("relationship_other", ""),
    }


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_invite(request, reference):
    """Invite a parent or carer: the details, then a check before anything is sent."""
    case = case_for_staff(request, reference)
    steps = services.invitation_steps(request.council_config)
    errors, posted, template = {}, {}, "ehc/invitations/invite.html"
    if request.method == "POST":
        posted = request.POST
        step, answers = posted.get("step", "check"), _invite_answers(posted)
        try:
            if step == "send":
                access = services.invitation_send(
                    case=case,
                    **answers,
                    by=request.user,
                    config=request.council_config,
                    base_url=_base_url(request),
                )
            else:
                _, relationship = services.invitation_details_check(**answers)
        except ValidationError as error:
            errors = errors_by_field(error, order=INVITE_ORDER, field="email")
        else:
            if step == "send":
                sent = "the code to quote to the SEND team" if steps.identity_check else "the acceptance link"
                messages.success(request, f"Invitation sent to {access.email}, with {sent}.")
                return redirect(_case_page(case))
            if step == "check":
                template = "ehc/invitations/invite_check.html"
                posted = {**posted.dict(), "relationship_label": relationship}
    return render(
        request,
        template,
        {"case": case, "steps": steps, "errors": errors, "posted": posted},
        status=400 if errors else 200,
    )


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_access_verify(request, reference, pk):
    """The caseworker enters the code the person quoted to confirm who they are."""
    access = _staff_access(request, reference, pk)
    if access.status != AccessStatus.INVITED:
        messages.error(request, "This person's identity has already been checked.")
        return redirect(_case_page(access.case))
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        try:
            services.access_verify(
                access=access, code=posted.get("code", ""), by=request.user, base_url=_base_url(request)
            )
        except ValidationError as error:
            errors = errors_by_field(error, field="code")
            access.refresh_from_db(fields=["code_digest"])
            if not access.code_digest:  # locked: the code box gives way to "Send a new code"
                errors = {"resend": errors["code"]}
        else:
            messages.success(
                request, f"Identity checked. The Accept Portal Invitation email has gone to {access.email}."
            )
            return redirect(_case_page(access.case))
    return render(
        request,
        "ehc/invitations/verify.html",
        {"case": access.case, "access": access, "errors": errors, "posted": posted},
        status=400 if errors else 200,
    )


@role_required(*STAFF_ROLES)
@require_POST
def case_access_resend(request, reference, pk):
    access = _staff_access(request, reference, pk)
    try:
        access = services.access_resend(
            access=access, by=request.user, config=request.council_config, base_url=_base_url(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        what = "code" if access.status == AccessStatus.INVITED else "acceptance link"
        messages.success(request, f"A new {what} has been sent to {access.email}.")
    return redirect(_case_page(access.case))


@role_required(*STAFF_ROLES)
@require_POST
def case_access_activate(request, reference, pk):
    access = _staff_access(request, reference, pk)
    try:
        services.access_activate(access=access, by=request.user, base_url=_base_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Access activated. They have been emailed that the record is available.")
    return redirect(_case_page(access.case))


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_access_revoke(request, reference, pk):
    """Remove a person's access, after a page asking the caseworker to confirm it."""
    access = _staff_access(request, reference, pk)
    if request.method == "GET":
        return render(request, "ehc/invitations/revoke.html", {"access": access, "case": access.case})
    try:
        services.access_revoke(access=access, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Access removed.")
    return redirect(_case_page(access.case))


@require_GET
def invitation_accept_link(request, token):
    """The link in the Accept Portal Invitation email. Signed out: sign in (or register) first and come
    back here. Signed in: the invitation becomes this person's and waits for their answer."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))
    try:
        services.invitation_bind(token=token, user=request.user)
    except services.InvitationNotFound:
        return render(request, "ehc/invitations/not_found.html", status=404)
    return redirect("invitations_pending")


@login_required
@require_http_methods(["GET", "POST"])
def invitations_pending(request):
    """Account Setup: Invitations awaiting approval."""
    pending = invitations_pending_of(request.user)
    saved = request.session.get(RESPONSE_SESSION_KEY) or {}
    errors = {}
    chosen, answer = set(saved.get("accept", [])), saved.get("continue", "")
    if request.method == "POST" and pending:
        ids = {access.pk for access in pending}
        chosen = {whole_number(v) for v in request.POST.getlist("invitation")} & ids
        answer = request.POST.get("continue", "")
        if answer not in {"yes", "no"}:
            errors["continue"] = "Select yes if you wish to continue with setting up your account"
        elif answer == "yes" and not chosen:
            errors["invitation"] = "Select the children whose records you want to see"
        if not errors:
            request.session[RESPONSE_SESSION_KEY] = {"accept": sorted(chosen), "continue": answer}
            return redirect("invitations_confirm")
    return render(
        request,
        "ehc/invitations/pending.html",
        {"pending": pending, "chosen": chosen, "answer": answer, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitations_confirm(request):
    """Confirm: "You will not be able to make any further changes once you press the Submit button"."""
    saved = request.session.get(RESPONSE_SESSION_KEY)
    pending = invitations_pending_of(request.user)
    if not saved or not pending:
        return redirect("invitations_pending")
    wants_access = saved["continue"] == "yes"
    accepting = [a for a in pending if wants_access and a.pk in saved["accept"]]
    declining = [a for a in pending if a not in accepting]
    if request.method == "POST":
        try:
            answered = services.invitations_respond(
                user=request.user,
                accept=saved["accept"],
                wants_access=wants_access,
                config=request.council_config,
                base_url=_base_url(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("invitations_pending")
        request.session.pop(RESPONSE_SESSION_KEY, None)
        request.session[ANSWERED_SESSION_KEY] = [access.pk for access in answered]
        return redirect("invitations_done")
    return render(
        request,
        "ehc/invitations/confirm.html",
        {"accepting": accepting, "declining": declining, "wants_access": wants_access},
    )


@login_required
@require_GET
def invitations_done(request):
    ids = request.session.get(ANSWERED_SESSION_KEY) or []
    answered = list(
        CaseAccess.objects.filter(user=request.user, pk__in=ids)
        .select_related("case")
        .order_by("case__child_first_name", "case__child_last_name", "id")
    )
    if not answered:
        return redirect("invitations_pending")
    return render(
        request,
        "ehc/invitations/done.html",
        {
            "accepted": [a for a in answered if a.status == AccessStatus.ACCEPTED],
            "active": [a for a in answered if a.status == AccessStatus.ACTIVE],
            "declined": [a for a in answered if a.status == AccessStatus.DECLINED],
        },
    )
