"""The council's password policy as a Django password validator (ARCHITECTURE.md 2).

The platform default follows NCSC and OWASP ASVS 5.0: a minimum length (12 unless the council sets
more), long passwords allowed, no composition rules, no rotation; Django's common-password and
similarity validators run beside this one. A council may add composition and history rules; every
broken rule is reported, each in its own words.
"""

import re
import string
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import get_public_schema_name

from core.councils import PasswordRules, password_rules_of, sign_in_rules
from core.identity.models import PasswordHistory

MAX_LENGTH = 256  # far above any passphrase; bounds the hashing work an attacker can ask for
SPECIAL_CHARACTERS = string.punctuation + " £"
ALLOWED = set(string.ascii_letters + string.digits + SPECIAL_CHARACTERS)


@dataclass(frozen=True)
class Policy:
    min_length: int = 12
    require_letter: bool = False
    require_upper: bool = False
    require_digit: bool = False
    restrict_characters: bool = False
    history: int = 0

    def rules(self) -> list[str]:
        """The rules as the person is told them before typing (Worcestershire's guide's wording)."""
        rules = [f"It must be at least {self.min_length} characters long"]
        if self.require_letter:
            rules.append("It must contain at least one letter")
        if self.restrict_characters:
            rules.append("It must contain only letters, digits, and special characters")
        if self.require_upper:
            rules.append("It must contain at least one upper-case letter")
        if self.require_digit:
            rules.append("It must contain at least one numerical digit")
        if self.history:
            rules.append("It must be different to your current password")
            rules.append(f"It must be different to your previous {self.history} passwords")
        else:
            rules.append("It must not be a common password or too like your name or email address")
        return rules


def strictest(policies: list[Policy]) -> Policy:
    """One policy that satisfies them all: a person in several councils meets the strictest rules."""
    return Policy(
        min_length=max(p.min_length for p in policies),
        require_letter=any(p.require_letter for p in policies),
        require_upper=any(p.require_upper for p in policies),
        require_digit=any(p.require_digit for p in policies),
        restrict_characters=any(p.restrict_characters for p in policies),
        history=max(p.history for p in policies),
    )


def current_policy(user=None) -> Policy:
    """The policy of the council whose site this is (the platform default on the platform's host),
    made stricter by every other council the person belongs to."""
    policies = [Policy()]
    if connection.schema_name != get_public_schema_name():
        policies.append(policy_from_configuration(sign_in_rules()))
    if user is not None and user.pk:
        policies.extend(password_policies_of(user=user))
    return strictest(policies)


def password_policies_of(*, user) -> list[Policy]:
    """The password policy of every council this person belongs to (two queries however many)."""
    return [policy_from_configuration(rules) for rules in password_rules_of(user=user)]


def policy_from_configuration(config: PasswordRules) -> Policy:
    return Policy(
        min_length=config.password_min_length,
        require_letter=config.password_require_letter,
        require_upper=config.password_require_upper,
        require_digit=config.password_require_digit,
        restrict_characters=config.password_restrict_characters,
        history=config.password_history,
    )


def policy_errors(password: str, policy: Policy, user=None) -> list[ValidationError]:
    errors = []
    if len(password) < policy.min_length:
        errors.append(
            ValidationError(
                f"Your password must be at least {policy.min_length} characters long",
                code="password_too_short",
            )
        )
    if len(password) > MAX_LENGTH:
        errors.append(
            ValidationError(f"Your password must be {MAX_LENGTH} characters or fewer", code="too_long")
        )
    if policy.require_letter and not re.search(r"[A-Za-z]", password):
        errors.append(ValidationError("Your password must contain at least one letter", code="no_letter"))
    if policy.restrict_characters and set(password) - ALLOWED:
        errors.append(
            ValidationError(
                "Your password must contain only letters, digits, and special characters",
                code="bad_characters",
            )
        )
    if policy.require_upper and not re.search(r"[A-Z]", password):
        errors.append(
            ValidationError("Your password must contain at least one upper-case letter", code="no_upper")
        )
    if policy.require_digit and not re.search(r"\d", password):
        errors.append(
            ValidationError("Your password must contain at least one numerical digit", code="no_digit")
        )
    if policy.history and user is not None and user.pk:
        if user.password and check_password(password, user.password):
            errors.append(
                ValidationError("Your password must be different to your current password", code="current")
            )
        else:
            # The newest history row is the current password; the N before it are the "previous N".
            previous = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
                : policy.history + 1
            ]
            if any(check_password(password, encoded) for encoded in previous):
                errors.append(
                    ValidationError(
                        f"Your password must be different to your previous {policy.history} passwords",
                        code="reused",
                    )
                )
    return errors


class CouncilPasswordPolicy:
    """AUTH_PASSWORD_VALIDATORS entry that applies the current council's policy."""

    def validate(self, password: str, user=None) -> None:
        errors = policy_errors(password, current_policy(user), user)
        if errors:
            raise ValidationError(errors)

    def password_changed(self, password: str, user=None) -> None:
        # Called by Django when a password is saved: keep the new hash for councils' history rules.
        if user is not None and user.pk and user.password:
            PasswordHistory.objects.create(user=user, password=user.password)

    def get_help_text(self) -> str:
        return "Your password must meet the following requirements: " + "; ".join(current_policy().rules())
