from django.urls import path

from hub.advice import views as advice_views
from hub.dco import views as dco_views
from hub.reading import views as reading_views

urlpatterns = [
    path("health/", advice_views.my_cases, name="hub_my_cases"),
    path("health/team/", advice_views.team_cases, name="hub_team_cases"),
    path("health/advice/<int:pk>/", advice_views.advice_case, name="hub_advice_case"),
    path("health/advice/<int:pk>/request/", advice_views.advice_request_details, name="hub_advice_request"),
    path("health/advice/<int:pk>/allocate/", advice_views.advice_allocate, name="hub_advice_allocate"),
    path("health/advice/<int:pk>/write/", advice_views.advice_write, name="hub_advice_write"),
    path("health/advice/<int:pk>/submit/", advice_views.advice_submit, name="hub_advice_submit"),
    path(
        "health/advice/<int:pk>/submit-team/", advice_views.advice_team_submit, name="hub_advice_team_submit"
    ),
    path("health/advice/<int:pk>/view/", advice_views.advice_view, name="hub_advice_view"),
    path("health/advice/<int:pk>/pdf/", advice_views.advice_pdf, name="hub_advice_pdf"),
    path("health/advice/<int:pk>/files/<int:file_id>/", advice_views.advice_file, name="hub_advice_file"),
    path("health/dco/", dco_views.dco_cases, name="hub_dco_cases"),
    path("health/dco/<int:pk>/", dco_views.dco_advice, name="hub_dco_advice"),
    path("health/dco/<int:pk>/files/<int:file_id>/", dco_views.dco_advice_file, name="hub_dco_advice_file"),
    path(
        "health/advice/<int:pk>/case-advice/<int:other_pk>/",
        advice_views.other_advice_view,
        name="hub_other_advice_view",
    ),
    path(
        "health/advice/<int:pk>/case-advice/<int:other_pk>/pdf/",
        advice_views.other_advice_pdf,
        name="hub_other_advice_pdf",
    ),
    path(
        "health/advice/<int:pk>/case-advice/<int:other_pk>/files/<int:file_id>/",
        advice_views.other_advice_file,
        name="hub_other_advice_file",
    ),
    path("cases/<str:reference>/advice/<int:pk>/", reading_views.case_advice_view, name="case_advice_view"),
    path("cases/<str:reference>/advice/<int:pk>/pdf/", reading_views.case_advice_pdf, name="case_advice_pdf"),
    path(
        "cases/<str:reference>/advice/<int:pk>/files/<int:file_id>/",
        reading_views.case_advice_file,
        name="case_advice_file",
    ),
    path(
        "children/<str:reference>/advice/<int:pk>/",
        reading_views.family_advice_view,
        name="family_advice_view",
    ),
    path(
        "children/<str:reference>/advice/<int:pk>/files/<int:file_id>/",
        reading_views.family_advice_file,
        name="family_advice_file",
    ),
]
