import factory
from django.contrib.auth import get_user_model

from core.models import Membership
from core.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password("correct horse battery staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    """Create inside the council's schema: ``with in_council(council): MembershipFactory(...)``."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.PARENT
