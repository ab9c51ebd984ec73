from django.shortcuts import render
from django.views.decorators.http import require_GET

from tenants.selectors import councils_listed


@require_GET
def platform_home(request):
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    councils = [
        {"name": council.name, "url": f"{request.scheme}://{council.primary_domains[0].domain}{suffix}/"}
        for council in councils_listed()
        if council.primary_domains
    ]
    return render(request, "tenants/platform_home.html", {"councils": councils})
