"""Two sign-in stages of our own, run by allauth's login stage machinery after the password:

1. the person must belong to this council (or choose to join it);
2. secure login step 2: a code sent by email, or by SMS where the council says so for their role.
"""

from allauth.account.stages import LoginStage
from allauth.core.internal.httpkit import headed_redirect_response
from django.contrib import messages
from django.db import connection
from django_tenants.utils import get_public_schema_name

from core.accounts import codes
from core.councils import SignInRules, council_name_current, platform_councils_of, sign_in_rules
from core.models import Membership, Profile
from core.notifications import email_send, sms_send
from core.selectors import membership_roles
from core.staff.services import staff_invitations_open_for


def on_platform_host() -> bool:
    return connection.schema_name == get_public_schema_name()


def platform_sign_in_allowed(user) -> bool:
    """Who may sign in on the platform's host: its operators, and people with a health role in an
    active council (hub's list across councils)."""
    return user.is_staff or bool(platform_councils_of(user=user))


def council_access_removed(user) -> bool:
    """Someone whose membership of this council was ended: they may not sign in here, nor rejoin by
    signing in. Checked before any code is sent (CouncilAccountAdapter.pre_login) and again by the stage."""
    return not membership_roles(user=user) and Membership.objects.filter(user=user).exists()


ACCESS_REMOVED = "Your access to this portal has been removed. Contact the SEND team."


class CouncilMembershipStage(LoginStage):
    key = "council_membership"
    urlname = "account_join_council"

    def handle(self):
        user = self.login.user
        if user is None:
            return None, True  # allauth's sign-up for an address already registered: it reveals nothing
        if on_platform_host():
            # On the bare host: the platform's operators, and health staff for their list of advice
            # requests across the councils they work for. Nobody else.
            allowed = platform_sign_in_allowed(user)
            return (None, True) if allowed else (headed_redirect_response("account_login"), False)
        if membership_roles(user=user):
            return None, True
        if staff_invitations_open_for(email=user.email):
            # Invited to a role here: they are asked whether they accept it, not offered to join.
            return headed_redirect_response("staff_invitation_answer"), True
        if Membership.objects.filter(user=user).exists():
            # Their access here was removed: they cannot give it back to themselves by joining.
            messages.error(self.request, ACCESS_REMOVED)
            return headed_redirect_response("account_login"), False
        return headed_redirect_response(self.urlname), True


def code_channel(*, user, config: SignInRules) -> tuple[str, str]:
    """('sms', number) or ('email', address) for this person in this council."""
    roles = membership_roles(user=user)
    wants_sms = config.code_channel == "sms" or bool(roles & set(config.sms_code_roles))
    if wants_sms:
        profile = Profile.objects.filter(user=user).only("mobile_phone").first()
        if profile and profile.mobile_phone:
            return "sms", profile.mobile_phone
    return "email", user.email


class SignInCodeStage(LoginStage):
    key = "sign_in_code"
    urlname = "account_sign_in_code"

    def handle(self):
        if self.login.signup or self.login.user is None:
            return None, True  # they have just proved their email address with a code
        if on_platform_host() and not platform_sign_in_allowed(self.login.user):
            return headed_redirect_response("account_login"), False  # operators and health staff only
        if not self.state.get("digest"):
            self.send_code()
        return headed_redirect_response(self.urlname), True

    def send_code(self) -> str:
        """Issue a new code for this sign-in and send it; returns the channel used."""
        user = self.login.user
        if on_platform_host():
            length, channel, address, council_name = 6, "email", user.email, "EHC Portal"
        else:
            config = sign_in_rules()
            length, council_name = config.code_length, council_name_current()
            channel, address = code_channel(user=user, config=config)
        code = codes.code_issue(state=self.state, length=length)
        self.state["channel"] = channel
        if channel == "sms":
            sms_send(
                to=address, body=f"{council_name}: your sign-in code is {code}. It expires in 10 minutes."
            )
        else:
            email_send(
                to=address,
                subject=f"{council_name}: your sign-in code",
                body=(
                    f"Your sign-in code for {council_name}'s EHC Portal is:\n\n{code}\n\n"
                    "It expires in 10 minutes and works once.\n\n"
                    "If you did not try to sign in, change your password: someone else may know it."
                ),
            )
        return channel
