from allauth.account.decorators import reauthentication_required
from allauth.account.internal.decorators import login_stage_required
from allauth.account.internal.stagekit import stash_login
from allauth.account.views import SignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from core.accounts import codes
from core.accounts.forms import RegistrationDetailsForm, SignInCodeForm, UpdateAccountForm
from core.accounts.passwords import current_policy
from core.accounts.registration import (
    REGISTRATION_NEXT_SESSION_KEY,
    registration_details_drop,
    registration_details_get,
    registration_details_keep,
)
from core.accounts.services import account_change_notify
from core.accounts.stages import CouncilMembershipStage, SignInCodeStage, on_platform_host
from core.admission import admission_allowed, invitation_only_page
from core.councils import platform_councils_of, team_places_of
from core.models import Profile
from core.roles import HEALTH_ROLES, STAFF_ROLES, Role
from core.selectors import membership_roles
from core.services import audit_record, membership_grant


@require_http_methods(["GET", "POST"])
def register_details(request):
    """Register a new account - step 1."""
    if request.user.is_authenticated:
        return redirect("my_account")
    following = request.GET.get("next", "")
    if following and url_has_allowed_host_and_scheme(
        following, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Where the person was going (a form, an invitation): "Registration completed" leads back there.
        request.session[REGISTRATION_NEXT_SESSION_KEY] = following
    if not admission_allowed(request, following=request.session.get(REGISTRATION_NEXT_SESSION_KEY)):
        return invitation_only_page(request)
    initial = registration_details_get(request=request)
    form = RegistrationDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        registration_details_keep(request=request, details=dict(form.cleaned_data))
        return redirect("account_signup")
    return render(request, "core/accounts/register_details.html", {"form": form})


@require_http_methods(["GET", "POST"])
def register_cancel(request):
    """ "Cancel" on a registration step: step 1's answers are dropped, and home."""
    registration_details_drop(request=request)
    return redirect("home")


class RegisterAccountView(SignupView):
    """Register a new account - step 2 (allauth's sign-up, after step 1's details)."""

    template_name = "core/accounts/register_account.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated and not registration_details_get(request=request):
            return redirect("register_details")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "password_rules": current_policy().rules()}


@login_required
def registration_completed(request):
    following = request.session.pop(REGISTRATION_NEXT_SESSION_KEY, "")
    safe = following and url_has_allowed_host_and_scheme(
        following, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return render(
        request,
        "core/accounts/registration_completed.html",
        {"continue_url": following if safe else reverse("my_account")},
    )


@login_stage_required(stage=SignInCodeStage.key, redirect_urlname="account_login")
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    """Secure login - step 2."""
    stage = request._login_stage
    user = stage.login.user
    form = SignInCodeForm()
    if request.method == "POST":
        action = request.POST.get("action", "finish")
        if action == "cancel":
            return stage.abort()
        if action == "resend":
            if stage.state.get("sent_count", 0) >= codes.MAX_CODES_PER_SIGN_IN:
                messages.error(request, "You have asked for too many codes. Sign in again to get a new one.")
            else:
                channel = stage.send_code()
                stash_login(request, stage.login)
                audit_record(
                    actor=user, action="signin.code_resent", target=user, detail={"channel": channel}
                )
                messages.success(request, "We have sent you a new code.")
            return redirect("account_sign_in_code")
        form = SignInCodeForm(request.POST)
        if form.is_valid():
            outcome = codes.code_check(state=stage.state, entered=form.cleaned_data["code"], user_id=user.pk)
            stash_login(request, stage.login)
            if outcome.ok:
                return stage.exit()
            audit_record(
                actor=user,
                action="signin.locked" if codes.account_locked(user.pk) else "signin.code_failed",
                target=user,
                detail={"tries": stage.state.get("tries", 0)},
            )
            form.add_error("code", outcome.error)
    return render(
        request,
        "core/accounts/sign_in_code.html",
        {"form": form, "channel": stage.state.get("channel", "email")},
    )


@login_stage_required(stage=CouncilMembershipStage.key, redirect_urlname="account_login")
@require_http_methods(["GET", "POST"])
def join_council(request):
    """Someone with an EHC Portal identity signs in here for the first time: offer to join."""
    stage = request._login_stage
    user = stage.login.user
    allowed = admission_allowed(request, following=stage.login.redirect_url, email=user.email)
    error = ""
    if request.method == "POST":
        answer = request.POST.get("join")
        if answer == "yes" and not allowed:
            return invitation_only_page(request, signing_in=True)
        if answer == "yes":
            with transaction.atomic():
                membership_grant(user=stage.login.user, role=Role.PARENT, by=stage.login.user)
            return stage.exit()
        if answer == "no":
            return stage.abort()
        error = "Select yes if you want to use your account with this council"
    if not allowed:
        return invitation_only_page(request, signing_in=True)
    return render(request, "core/accounts/join_council.html", {"error": error})


def signed_out(request):
    return render(request, "core/accounts/signed_out.html")


@login_required
def my_account(request):
    on_platform = on_platform_host()
    # Profiles are kept by each council; the platform's host has none (its schema has no such table).
    profile = None if on_platform else Profile.objects.filter(user=request.user).first()
    roles = set() if on_platform else membership_roles(user=request.user)
    return render(
        request,
        "core/accounts/my_account.html",
        {
            "profile": profile,
            "is_council_admin": Role.COUNCIL_ADMIN in roles,
            "is_staff_member": bool(roles & STAFF_ROLES),
            "is_dco": Role.DESIGNATED_CLINICAL_OFFICER in roles,
            "is_education_professional": Role.EDUCATION_PROFESSIONAL in roles,
            "health_places": team_places_of(user=request.user) if roles & HEALTH_ROLES else [],
            "health_everywhere": on_platform and bool(platform_councils_of(user=request.user)),
        },
    )


def _changes_mobile(request) -> bool:
    """Whether this request would change the mobile number that sign-in codes and texts go to."""
    if request.method != "POST" or on_platform_host():
        return False
    current = Profile.objects.filter(user=request.user).values_list("mobile_phone", flat=True).first()
    return request.POST.get("mobile_phone", "").strip() != (current or "").strip()


@login_required
@reauthentication_required(enabled=_changes_mobile)
@require_http_methods(["GET", "POST"])
def update_account(request):
    """Names on the identity, the rest in this council's profile. A new mobile number (where sign-in codes
    may go) asks for the password first (allauth's reauthentication, then this request resumes), and the
    account's address is told."""
    if on_platform_host():
        raise Http404  # the platform's host keeps no profile: these details belong to a council
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    initial = {"forename": request.user.first_name, "surname": request.user.last_name}
    form = UpdateAccountForm(request.POST or None, instance=profile, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            request.user.first_name = form.cleaned_data["forename"]
            request.user.last_name = form.cleaned_data["surname"]
            request.user.save(update_fields=["first_name", "last_name"])
            form.save()
            audit_record(
                actor=request.user,
                action="account.updated",
                target=request.user,
                detail={"fields": form.changed_data},
            )
            if "mobile_phone" in form.changed_data:
                account_change_notify(user=request.user, to=request.user.email, change="mobile")
        messages.success(request, "Your details have been updated.")
        return redirect(reverse("my_account"))
    return render(request, "core/accounts/update_account.html", {"form": form})
