from django.urls import path

from hub.advice import views

urlpatterns = [
    path("health/", views.my_cases, name="hub_my_cases"),
    path("health/team/", views.team_cases, name="hub_team_cases"),
    path("health/advice/<int:pk>/", views.advice_case, name="hub_advice_case"),
    path("health/advice/<int:pk>/request/", views.advice_request_details, name="hub_advice_request"),
    path("health/advice/<int:pk>/allocate/", views.advice_allocate, name="hub_advice_allocate"),
    path("health/advice/<int:pk>/write/", views.advice_write, name="hub_advice_write"),
    path("health/advice/<int:pk>/submit/", views.advice_submit, name="hub_advice_submit"),
    path("health/advice/<int:pk>/view/", views.advice_view, name="hub_advice_view"),
    path("health/advice/<int:pk>/pdf/", views.advice_pdf, name="hub_advice_pdf"),
    path("health/advice/<int:pk>/files/<int:file_id>/", views.advice_file, name="hub_advice_file"),
    path("cases/<str:reference>/advice/<int:pk>/", views.case_advice_view, name="case_advice_view"),
    path("cases/<str:reference>/advice/<int:pk>/pdf/", views.case_advice_pdf, name="case_advice_pdf"),
    path(
        "cases/<str:reference>/advice/<int:pk>/files/<int:file_id>/",
        views.case_advice_file,
        name="case_advice_file",
    ),
    path("children/<str:reference>/advice/<int:pk>/", views.family_advice_view, name="family_advice_view"),
    path(
        "children/<str:reference>/advice/<int:pk>/files/<int:file_id>/",
        views.family_advice_file,
        name="family_advice_file",
    ),
]
