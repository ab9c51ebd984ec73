import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from core.models import Membership
from core.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """People who registered proved their email address; pass verified_email=False for one who didn't."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    """Create inside the council's schema: ``with in_council(council): MembershipFactory(...)``."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.PARENT
