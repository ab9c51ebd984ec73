"""URLs on a council's host (a council schema)."""

from django.urls import include, path

from core import views as core_views
from core.admin_site import council_admin_site
from core.staff import views as core_staff
from ehc.family import views as ehc_family

urlpatterns = [
    path("", ehc_family.home, name="home"),
    path("accessibility", core_views.accessibility, name="accessibility"),
    path("privacy", core_views.privacy, name="privacy"),
    path("cookies", core_views.cookies, name="cookies"),
    path("contact", core_views.contact, name="contact"),
    path("branding/logo", core_views.council_logo, name="council-logo"),
    path("", include("core.accounts.urls")),
    path("", include("ehc.urls")),
    path("", include("hub.urls")),
    path("staff/", core_staff.staff_list, name="staff_list"),
    path("staff/invite/", core_staff.staff_invite_view, name="staff_invite"),
    path(
        "staff/invitations/<int:pk>/withdraw/",
        core_staff.staff_invitation_withdraw,
        name="staff_invitation_withdraw",
    ),
    path("staff/<int:pk>/role/", core_staff.staff_member_change_role, name="staff_member_change_role"),
    path("staff/<int:pk>/remove/", core_staff.staff_member_remove, name="staff_member_remove"),
    path("staff/<int:pk>/restore/", core_staff.staff_member_restore, name="staff_member_restore"),
    path("staff/invitation/<str:token>/", core_staff.staff_invitation_link, name="staff_invitation_link"),
    path("accounts/invited/", core_staff.staff_invitation_answer, name="staff_invitation_answer"),
    path("accounts/", include("allauth.urls")),
    path("admin/", council_admin_site.urls),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler429 = "core.views.too_many_requests"
handler500 = "core.views.server_error"
