from django_tenants.utils import get_public_schema_name

from core.roles import STAFF_ROLES, Role

PLATFORM_COLOUR = "#0b0c0c"


def site(request) -> dict:
    """Branding for every page: the council (and its configuration) on a council's host, else none."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return {"council": None, "site_title": "EHC Portal", "brand_colour": PLATFORM_COLOUR}
    config = request.council_config
    return {
        "council": tenant,
        "council_config": config,
        "site_title": f"{config.service_name} - {tenant.name}",
        "brand_colour": config.brand_colour,
        # On pages behind core.decorators.role_required, the roles it read: no query of its own.
        "staff_navigation": bool(getattr(request, "council_roles", set()) & STAFF_ROLES),
        # On the health hub's pages, the team places hub.advice.access.health_required read.
        "health_navigation": bool(getattr(request, "health_places", None)),
        "health_manager": any(place.is_manager for place in getattr(request, "health_places", ())),
        # The Designated Clinical Officer's overview of every team's advice (hub's /health/dco/).
        "dco_navigation": Role.DESIGNATED_CLINICAL_OFFICER in getattr(request, "council_roles", set()),
    }
