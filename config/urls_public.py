"""URLs on the bare platform host (the public schema)."""

from django.urls import include, path

from core import views as core_views
from core.admin_site import platform_admin_site
from hub.everywhere import views as hub_views
from tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.platform_home, name="home"),
    path("accessibility", core_views.accessibility, name="accessibility"),
    path("privacy", core_views.privacy, name="privacy"),
    path("cookies", core_views.cookies, name="cookies"),
    path("contact", core_views.contact, name="contact"),
    path("", include("core.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", platform_admin_site.urls),
    path("health/", hub_views.advice_everywhere, name="hub_everywhere"),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler429 = "core.views.too_many_requests"
handler500 = "core.views.server_error"
