"""What core asks about councils, and the apps above it answer.

core is the bottom layer (docs/ARCHITECTURE.md, "Layers"): identities, memberships, sign-in,
notifications and audit, importing no app above it. Yet signing in needs the council's name, its
site's address and its sign-in rules, which tenants keeps (the Council row and its configuration), and
who may sign in on the platform's host depends on health roles that hub reads across councils. So core
asks its questions through this module, and the app that knows registers its answers in its
AppConfig.ready():

- tenants (``councils_answer``): the current council's name and an address on its site, its sign-in
  rules, the password rules of every council a person belongs to, and running a function in every
  council's schema (``councils_each``, which the tasks of every app call);
- hub (``health_answer``): the councils whose work a person sees from the platform's host, and their
  places in teams here, for the account menu.

tenants is always installed (it is the tenant model), so a question of its left unanswered is a
configuration error; hub's questions answer "none" without hub.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured


class PasswordRules(Protocol):
    """A council's password rules, as its configuration holds them (core.accounts.passwords reads them)."""

    password_min_length: int
    password_require_letter: bool
    password_require_upper: bool
    password_require_digit: bool
    password_restrict_characters: bool
    password_history: int


class SignInRules(PasswordRules, Protocol):
    """The council's sign-in rules: its code's length and channel, its password rules, and the address
    people are told to write to when their account changed without them."""

    code_length: int
    code_channel: str  # "email" or "sms"
    sms_code_roles: list[str]
    contact_email: str


class Named(Protocol):
    name: str


class TeamPlace(Protocol):
    """A person's place in a team here (hub: a health team's member), which the account menu links to."""

    team_id: int
    team: Named
    is_manager: bool


@dataclass
class _Answers:
    name_current: Callable[[], str] | None = None
    url: Callable[[str], str] | None = None
    sign_in_rules: Callable[[], SignInRules] | None = None
    password_rules_of: Callable[..., list[PasswordRules]] | None = None
    each: Callable[..., dict[str, object]] | None = None
    platform_councils_of: Callable[..., list[str]] = lambda *, user: []
    team_places_of: Callable[..., list[TeamPlace]] = lambda *, user: []


_answers = _Answers()
Answer = TypeVar("Answer")


def councils_answer(
    *,
    name_current: Callable[[], str],
    url: Callable[[str], str],
    sign_in_rules: Callable[[], SignInRules],
    password_rules_of: Callable[..., list[PasswordRules]],
    each: Callable[..., dict[str, object]],
) -> None:
    """tenants' answers (TenantsConfig.ready)."""
    _answers.name_current, _answers.url, _answers.sign_in_rules = name_current, url, sign_in_rules
    _answers.password_rules_of, _answers.each = password_rules_of, each


def health_answer(
    *, platform_councils_of: Callable[..., list[str]], team_places_of: Callable[..., list[TeamPlace]]
) -> None:
    """hub's answers (HubConfig.ready)."""
    _answers.platform_councils_of, _answers.team_places_of = platform_councils_of, team_places_of


def _tenants(answer: Answer | None) -> Answer:
    if answer is None:
        raise ImproperlyConfigured(
            "tenants has not answered core's questions (core.councils.councils_answer)"
        )
    return answer


def council_name_current() -> str:
    """The name of the council whose schema the connection is on (also in tasks and commands)."""
    return _tenants(_answers.name_current)()


def council_url(path: str = "/") -> str:
    """An absolute address on the current council's site, for links in emails sent without a request."""
    return _tenants(_answers.url)(path)


def sign_in_rules() -> SignInRules:
    """The sign-in rules of the council whose site this is (not on the platform's host)."""
    return _tenants(_answers.sign_in_rules)()


def password_rules_of(*, user) -> list[PasswordRules]:
    """The password rules of every active council this person belongs to."""
    return _tenants(_answers.password_rules_of)(user=user)


def councils_each(*, func: Callable[..., object], **kwargs) -> dict[str, object]:
    """Scheduled work: ``func(**kwargs)`` in every active council's schema; results by schema."""
    return _tenants(_answers.each)(func=func, **kwargs)


def platform_councils_of(*, user) -> list[str]:
    """The schemas of the councils whose work this person sees in one list on the platform's host
    (hub: where they hold a health role); with it, they may sign in there."""
    return _answers.platform_councils_of(user=user)


def team_places_of(*, user) -> list[TeamPlace]:
    """This person's places in teams in this council (hub: health teams), for the account menu."""
    return _answers.team_places_of(user=user)
