import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.accounts.passwords import Policy, policy_errors
from core.identity.models import PasswordHistory
from tests.factories import MembershipFactory, UserFactory, council_person

WORCESTERSHIRE = Policy(
    min_length=15,
    require_letter=True,
    require_upper=True,
    require_digit=True,
    restrict_characters=True,
    history=8,
)


def messages(password, policy=WORCESTERSHIRE, user=None):
    return [error.messages[0] for error in policy_errors(password, policy, user)]


@pytest.mark.parametrize(
    ("password", "broken"),
    [
        ("Short1Pass", "Your password must be at least 15 characters long"),
        ("123456789012345678", "Your password must contain at least one letter"),
        ("Valid Pass 12345 ✓", "Your password must contain only letters, digits, and special characters"),
        ("lower-case-only-2026", "Your password must contain at least one upper-case letter"),
        ("No-Digits-In-This-One", "Your password must contain at least one numerical digit"),
    ],
)
def test_each_worcestershire_rule_is_named_when_broken(password, broken):
    assert broken in messages(password)


def test_every_broken_rule_is_named_together():
    assert messages("ab") == [
        "Your password must be at least 15 characters long",
        "Your password must contain at least one upper-case letter",
        "Your password must contain at least one numerical digit",
    ]


def test_a_good_worcestershire_password_passes():
    assert messages("Kettle-Orchard-Lantern-42") == []


def test_platform_default_has_length_only_and_allows_long_passphrases():
    default = Policy()
    assert default.rules()[0] == "It must be at least 12 characters long"
    assert messages("all lower case words", default) == []
    assert messages("a" * 11, default) == ["Your password must be at least 12 characters long"]
    assert messages("correct horse battery staple " * 3, default) == []  # 87 characters allowed


@pytest.mark.django_db
def test_history_refuses_the_current_and_previous_eight_passwords(worcestershire):
    user = UserFactory(email="history@example.com")
    passwords = [f"Kettle-Orchard-Lantern-{n:02d}" for n in range(10)]
    for password in passwords:
        user.set_password(password)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() >= 9
    assert messages(passwords[-1], user=user) == ["Your password must be different to your current password"]
    for previous in passwords[1:9]:
        assert messages(previous, user=user) == [
            "Your password must be different to your previous 8 passwords"
        ]
    assert messages(passwords[0], user=user) == []  # nine changes ago: allowed again
    assert all(
        entry.startswith("md5$") for entry in PasswordHistory.objects.values_list("password", flat=True)
    )


@pytest.mark.django_db
def test_django_validation_applies_the_current_councils_policy(oxfordshire, worcestershire):
    user = UserFactory.build(email="parent@example.com", first_name="Pat")
    with schema_context(oxfordshire.schema_name):
        validate_password("garden path walk", user)  # Oxfordshire: the platform default
    with schema_context(worcestershire.schema_name), pytest.raises(ValidationError) as error:
        validate_password("garden path walk", user)
    assert "Your password must contain at least one upper-case letter" in error.value.messages
    with schema_context(oxfordshire.schema_name), pytest.raises(ValidationError) as common:
        validate_password("password1234", user)
    assert "This password is too common." in common.value.messages


@pytest.mark.django_db
def test_the_demo_password_meets_every_reference_councils_policy(settings):
    from core.accounts.passwords import password_policies_of  # noqa: PLC0415

    user = UserFactory.build(email="demo-check@example.com")
    admin = council_person("admin@worcestershire.example")
    assert password_policies_of(user=admin)
    for schema in ("oxfordshire", "worcestershire", "hertfordshire", "nelincs"):
        with schema_context(schema):
            validate_password(settings.DEMO_PASSWORD, user)


@pytest.mark.django_db
def test_the_strictest_policy_is_read_in_two_queries_whatever_the_number_of_councils(assert_queries):
    from core.accounts.passwords import password_policies_of  # noqa: PLC0415
    from tenants.selectors import council_schemas_of  # noqa: PLC0415

    person = UserFactory(email="many-councils@example.com")
    for schema in ("oxfordshire", "worcestershire", "nelincs"):
        with schema_context(schema):
            MembershipFactory(user=person, role="parent")
    with assert_queries(2):  # the councils, then one UNION over their schemas
        policies = password_policies_of(user=person)
    assert sorted(p.min_length for p in policies) == [12, 12, 15]  # Worcestershire's is 15
    assert any(p.history == 8 for p in policies)
    assert sorted(council_schemas_of(user=person)) == ["nelincs", "oxfordshire", "worcestershire"]
    assert council_schemas_of(user=UserFactory(email="no-councils@example.com")) == []
