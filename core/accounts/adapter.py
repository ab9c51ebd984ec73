from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.db import transaction

from core.accounts.passwords import current_policy, policy_errors
from core.accounts.stages import CouncilMembershipStage, SignInCodeStage, on_platform_host
from core.admission import admission_allowed
from core.middleware import PASSWORD_CHANGE_SESSION_KEY
from core.models import Profile
from core.roles import Role
from core.services import audit_record, membership_grant
from tenants.selectors import council_name_current

REGISTRATION_SESSION_KEY = "registration_details"
REGISTRATION_NEXT_SESSION_KEY = "registration_next"  # where registration leads back to (an invitation)


class CouncilAccountAdapter(DefaultAccountAdapter):
    """allauth, fitted to councils: one identity, a membership per council, the council's codes."""

    def authenticate(self, request, **credentials):
        """As allauth does; and if the password is right but no longer meets the rules of every council
        this person belongs to (a council joined later may be stricter), ask for a new one after sign-in."""
        user = super().authenticate(request, **credentials)
        password = credentials.get("password")
        if user is not None and password:
            broken = policy_errors(password, current_policy(user))
            if broken:
                request.session[PASSWORD_CHANGE_SESSION_KEY] = [e.messages[0] for e in broken]
            else:
                request.session.pop(PASSWORD_CHANGE_SESSION_KEY, None)
        return user

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
        from tenants.configuration.selectors import configuration_get  # noqa: PLC0415

        return configuration_get().code_length

    def generate_email_verification_code(self) -> str:
        from core.accounts.codes import code_generate  # noqa: PLC0415

        return code_generate(self._code_length())

    def format_email_subject(self, subject) -> str:
        name = "EHC Portal" if on_platform_host() else council_name_current()
        return f"{name}: {subject}"

    def save_user(self, request, user, form, commit=True):
        """Step 2 of registration saves the identity with step 1's details, and in this council a
        profile and a membership: registering on a council's site is joining it."""
        details = request.session.get(REGISTRATION_SESSION_KEY) or {}
        user.first_name = details.get("forename", "")
        user.last_name = details.get("surname", "")
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            profile_fields = {k: v for k, v in details.items() if k not in {"forename", "surname"}}
            Profile.objects.update_or_create(user=user, defaults=profile_fields)
            role = Role.EDUCATION_PROFESSIONAL if details.get("is_professional") else Role.PARENT
            membership_grant(user=user, role=role, by=user)
            audit_record(actor=user, action="account.registered", target=user, detail={"role": role})
        request.session.pop(REGISTRATION_SESSION_KEY, None)
        return user
