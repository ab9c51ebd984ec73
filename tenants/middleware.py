from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from tenants.configuration.selectors import configuration_get


class CouncilMiddleware(TenantMainMiddleware):
    """Routes a request to its council's schema by host, as django-tenants does, and:

    - answers an unknown host, or a council that is switched off, with a plain 404 page (not a crash,
      and not the platform's pages);
    - gives council requests ``request.council_config``, read once, on first use.
    """

    def get_tenant(self, domain_model, hostname):
        domain = domain_model.objects.select_related("tenant").get(domain=hostname, tenant__is_active=True)
        return domain.tenant

    def no_tenant_found(self, request, hostname):
        return render(request, "core/unknown_host.html", {"site_title": "EHC Portal"}, status=404)

    def process_request(self, request):
        response = super().process_request(request)
        if response is None and request.tenant.schema_name != get_public_schema_name():
            request.council_config = SimpleLazyObject(configuration_get)
        return response
