from django.db.models import Prefetch
from django_tenants.utils import get_public_schema_name

from tenants.models import Council, Domain


def councils_listed() -> list[Council]:
    """Active councils with their primary domain, for the platform's page (two queries, any number)."""
    primary = Prefetch("domains", queryset=Domain.objects.filter(is_primary=True), to_attr="primary_domains")
    return list(
        Council.objects.filter(is_active=True)
        .exclude(schema_name=get_public_schema_name())
        .prefetch_related(primary)
        .order_by("name")
    )
