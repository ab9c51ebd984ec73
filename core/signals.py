from allauth.account.signals import (
    email_changed,
    email_confirmed,
    password_changed,
    password_reset,
    password_set,
)
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection
from django.dispatch import receiver

from core.accounts.registration import registration_details_drop
from core.accounts.services import account_change_notify
from core.middleware import PASSWORD_CHANGE_SESSION_KEY, SESSION_SCHEMA_KEY
from core.services import audit_record


@receiver(user_logged_in)
def bind_session_to_council(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_SCHEMA_KEY] = connection.schema_name
        registration_details_drop(request=request)  # an abandoned registration's name and address
    audit_record(actor=user, action="signin.succeeded", target=user)


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="signin.signed_out", target=user)


@receiver(user_login_failed)
def audit_sign_in_failure(sender, credentials, request=None, **kwargs):
    # The email tried is recorded (the council's own log); the password never is.
    audit_record(actor=None, action="signin.failed", detail={"email": credentials.get("email", "")})


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def audit_password(sender, request, user, **kwargs):
    audit_record(actor=user, action="account.password_changed", target=user)
    if request is not None and hasattr(request, "session"):
        request.session.pop(PASSWORD_CHANGE_SESSION_KEY, None)
    if user.email:
        account_change_notify(user=user, to=user.email, change="password")


@receiver(email_changed)
def audit_email_change(sender, request, user, from_email_address, to_email_address, **kwargs):
    audit_record(
        actor=user,
        action="account.email_changed",
        target=user,
        detail={"from": getattr(from_email_address, "email", ""), "to": to_email_address.email},
    )
    # The address the account had is told: if this was not its owner, they know, and how to act.
    if from_email_address is not None and from_email_address.email.lower() != to_email_address.email.lower():
        account_change_notify(user=user, to=from_email_address.email, change="email")


@receiver(email_confirmed)
def audit_email_confirmed(sender, request, email_address, **kwargs):
    user = email_address.user if email_address.user_id else getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        audit_record(actor=user, action="account.email_verified", target=user)
