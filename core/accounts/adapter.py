from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect

from core.accounts import limits
from core.accounts.codes import code_generate
from core.accounts.passwords import current_policy, policy_errors
from core.accounts.registration import (
    REGISTRATION_NEXT_SESSION_KEY,
    REGISTRATION_SESSION_KEY,  # noqa: F401 (imported from here by others)
    registration_details_drop,
    registration_details_get,
)
from core.accounts.stages import (
    ACCESS_REMOVED,
    CouncilMembershipStage,
    SignInCodeStage,
    council_access_removed,
    on_platform_host,
    platform_sign_in_allowed,
)
from core.admission import admission_allowed, invitation_only_page
from core.councils import council_name_current, sign_in_rules
from core.middleware import PASSWORD_CHANGE_SESSION_KEY
from core.models import Profile
from core.roles import Role
from core.selectors import membership_roles
from core.services import audit_record, membership_grant
from core.staff.services import staff_invitations_open_for

# Failed passwords per address tried, across every council's site (core.accounts.limits).
PASSWORD_FAILURE_LIMIT = 5
PASSWORD_FAILURE_WINDOW_SECONDS = 5 * 60


def _login_identity(credentials: dict) -> str:
    return credentials.get("email") or credentials.get("username") or ""


class CouncilAccountAdapter(DefaultAccountAdapter):
    """allauth, fitted to councils: one identity, a membership per council, the council's codes."""

    def authenticate(self, request, **credentials):
        """As allauth does; and if the password is right but no longer meets the rules of every council
        this person belongs to (a council joined later may be stricter), ask for a new one after sign-in."""
        user = super().authenticate(request, **credentials)
        if user is not None and on_platform_host() and not platform_sign_in_allowed(user):
            # Not someone the platform's host signs in: answered exactly as a wrong password is (the
            # same page and error, a failure counted), so the host does not tell whether it was right.
            self.pre_authenticate(request, **credentials)  # allauth gave back this try on success
            self.authentication_failed(request, **credentials)
            user_login_failed.send(
                sender=__name__, credentials={"email": _login_identity(credentials)}, request=request
            )
            return None
        password = credentials.get("password")
        if user is not None and password:
            broken = policy_errors(password, current_policy(user))
            if broken:
                request.session[PASSWORD_CHANGE_SESSION_KEY] = [e.messages[0] for e in broken]
            else:
                request.session.pop(PASSWORD_CHANGE_SESSION_KEY, None)
        return user

    def pre_authenticate(self, request, **credentials) -> None:
        super().pre_authenticate(request, **credentials)  # allauth's limit per IP address
        identity = _login_identity(credentials)
        if limits.failures_count(kind=limits.PASSWORD, identity=identity) >= PASSWORD_FAILURE_LIMIT:
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request, **credentials) -> None:
        super().authentication_failed(request, **credentials)
        limits.failure_record(
            kind=limits.PASSWORD,
            identity=_login_identity(credentials),
            window_seconds=PASSWORD_FAILURE_WINDOW_SECONDS,
        )

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # A password reset from the emailed link ends the lock, as allauth's own count does.
        super()._delete_login_attempts_cached_email(request, **credentials)
        limits.failures_clear(kind=limits.PASSWORD, identity=_login_identity(credentials))

    def pre_login(self, request, user, **kwargs):
        """Before any stage (and so before any email or text with a code): someone whose access to this
        council was removed goes no further."""
        response = super().pre_login(request, user, **kwargs)
        if response is not None or on_platform_host():
            return response
        if council_access_removed(user):
            clear_login(request)
            messages.error(request, ACCESS_REMOVED)
            return redirect("account_login")
        if not kwargs.get("signup") and not self._may_join_or_belongs(
            request, user, kwargs.get("redirect_url")
        ):
            # An invitation-only council and no invitation: said now, before a code is sent for nothing.
            clear_login(request)
            return invitation_only_page(request, signing_in=True)
        return response

    @staticmethod
    def _may_join_or_belongs(request, user, following: str | None) -> bool:
        return (
            admission_allowed(request, following=following, email=user.email)
            or bool(membership_roles(user=user))
            or bool(staff_invitations_open_for(email=user.email))
        )

    def is_open_for_signup(self, request) -> bool:
        # An invitation-only council: only someone following an invitation's link (allauth then shows
        # account/signup_closed.html and refuses the POST).
        following = request.session.get(REGISTRATION_NEXT_SESSION_KEY)
        return not on_platform_host() and admission_allowed(request, following=following)

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        request = self.request
        if request is not None and not admission_allowed(
            request, following=request.session.get(REGISTRATION_NEXT_SESSION_KEY), email=email
        ):
            raise ValidationError("Enter the email address your invitation was sent to")
        return email

    def get_login_stages(self) -> list[str]:
        # The second factor comes before anything is granted: joining a council needs the code too.
        stages = [
            "allauth.account.stages.EmailVerificationStage",
            f"{SignInCodeStage.__module__}.{SignInCodeStage.__name__}",
            f"{CouncilMembershipStage.__module__}.{CouncilMembershipStage.__name__}",
        ]
        # allauth's own MFA stages (authenticator apps) stay available after ours.
        return stages + [s for s in super().get_login_stages() if s.startswith("allauth.mfa.")]

    def _code_length(self) -> int:
        if on_platform_host():
            return 6
        return sign_in_rules().code_length

    def generate_email_verification_code(self) -> str:
        return code_generate(self._code_length())

    def format_email_subject(self, subject) -> str:
        name = "EHC Portal" if on_platform_host() else council_name_current()
        return f"{name}: {subject}"

    def save_user(self, request, user, form, commit=True):
        """Step 2 of registration saves the identity with step 1's details, and in this council a
        profile and a membership: registering on a council's site is joining it."""
        details = registration_details_get(request=request) or {}
        user.first_name = details.get("forename", "")
        user.last_name = details.get("surname", "")
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            profile_fields = {k: v for k, v in details.items() if k not in {"forename", "surname"}}
            Profile.objects.update_or_create(user=user, defaults=profile_fields)
            role = Role.EDUCATION_PROFESSIONAL if details.get("is_professional") else Role.PARENT
            membership_grant(user=user, role=role, by=user)
            audit_record(actor=user, action="account.registered", target=user, detail={"role": role})
        registration_details_drop(request=request)
        return user
