"""Sign-in codes (secure login step 2).

A code is single-use, new at every sign-in, valid 10 minutes, of the council's length, drawn from a
secure random source, and stored only as a keyed hash inside the sign-in it was sent for (allauth's
stashed login, in the server-side session), so it cannot be used for any other sign-in. Five wrong
tries kill it; an identity sees at most ten failed codes in five minutes, counted across every council's
site (core.accounts.limits).
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings

from core.accounts import limits

CODE_LIFETIME_SECONDS = 10 * 60
MAX_TRIES_PER_CODE = 5
ACCOUNT_FAILURE_LIMIT = 10
ACCOUNT_FAILURE_WINDOW_SECONDS = 5 * 60
MAX_CODES_PER_SIGN_IN = 5  # the first code and four "send me a new code"


def _digest(code: str, binding: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"sign-in-code:{binding}:{code}".encode(), hashlib.sha256).hexdigest()


def code_generate(length: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def code_issue(*, state: dict, length: int) -> str:
    """Put a fresh code into this sign-in's state (replacing any earlier one) and return it to send."""
    code = code_generate(length)
    binding = secrets.token_hex(16)
    state.update(
        digest=_digest(code, binding),
        binding=binding,
        issued_at=time.time(),
        tries=0,
        used=False,
        sent_count=state.get("sent_count", 0) + 1,
    )
    return code


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""
    dead: bool = False  # no more tries with this code: a new one is needed


def account_locked(user_id) -> bool:
    return limits.failures_count(kind=limits.SIGN_IN_CODE, identity=str(user_id)) >= ACCOUNT_FAILURE_LIMIT


def _record_failure(user_id) -> None:
    limits.failure_record(
        kind=limits.SIGN_IN_CODE, identity=str(user_id), window_seconds=ACCOUNT_FAILURE_WINDOW_SECONDS
    )


def _refusal(state: dict, user_id, now: float) -> str:
    """Why no code can be accepted for this sign-in now, or "" if one can."""
    if account_locked(user_id):
        return "Too many incorrect codes. Wait 5 minutes, then sign in again."
    if not state.get("digest") or state.get("used"):
        return "This code has already been used. Ask for a new code."
    if now - state["issued_at"] > CODE_LIFETIME_SECONDS:
        return "This code has expired. Select 'Please send me a new code'."
    if state["tries"] >= MAX_TRIES_PER_CODE:
        return "You have entered too many incorrect codes. Ask for a new code."
    return ""


def code_check(*, state: dict, entered: str, user_id, now: float | None = None) -> Outcome:
    refusal = _refusal(state, user_id, time.time() if now is None else now)
    if refusal:
        return Outcome(False, refusal, dead=True)
    entered = entered.strip().replace(" ", "")
    if hmac.compare_digest(_digest(entered, state["binding"]), state["digest"]):
        state["used"] = True
        return Outcome(True)
    state["tries"] += 1
    _record_failure(user_id)
    if state["tries"] >= MAX_TRIES_PER_CODE:
        return Outcome(False, "You have entered too many incorrect codes. Ask for a new code.", dead=True)
    left = MAX_TRIES_PER_CODE - state["tries"]
    return Outcome(False, f"The code is not correct. You have {left} more {'try' if left == 1 else 'tries'}.")
