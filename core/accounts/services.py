"""Account services: telling a person that their account's sign-in details changed."""

import uuid

from django.urls import reverse
from django.utils import timezone

from core.accounts.stages import on_platform_host
from core.councils import council_name_current, council_url, sign_in_rules
from core.notifications import email_send, notify

CHANGES = {
    "email": "email address",
    "password": "password",
    "mobile": "mobile number",
}


def account_change_notify(*, user, to: str, change: str) -> None:
    """Tell ``to`` (the address the account had before the change) that its email address, password or
    mobile number changed, and what to do if it was not them. Names no child and no case, and not the
    new address or number. On a council's site it is a notification (recorded, retried); the platform's
    host has no notification table, so there it is sent at once."""
    what = CHANGES[change]
    when = timezone.localtime()
    if on_platform_host():
        council, reset, contact = "EHC Portal", "", ""
    else:
        council, reset = council_name_current(), council_url(reverse("account_reset_password"))
        contact = sign_in_rules().contact_email
    if change == "email":
        # This address no longer belongs to the account, so a password reset sent here would not work.
        advice = "contact the SEND team straight away, so that they can stop anyone using your account."
    else:
        advice = (
            f"reset your password now{f' at {reset}' if reset else ''}, then tell the SEND team, so that "
            "they can check what was done with your account."
        )
    if contact:
        advice += f" You can email them at {contact}."
    body = (
        f"The {what} of your {council} EHC Portal account was changed on "
        f"{when.day} {when:%B %Y} at {when:%H:%M}.\n\n"
        "If you made this change, you do not need to do anything.\n\n"
        f"If you did not, someone else may be using your account: {advice}"
    )
    subject = f"{council}: your account was changed ({what})"
    if on_platform_host():
        email_send(to=to, subject=subject, body=body)
        return
    notify(
        key=f"account-changed:{user.pk}:{change}:{uuid.uuid4().hex}",
        channel="email",
        to=to,
        kind="account_changed",
        subject=subject,
        body=body,
    )
