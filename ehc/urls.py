from django.urls import path

from ehc import cases, entry, form_admin, records, timeliness_views, views, workspace

urlpatterns = [
    path("ehc-needs-assessment/", views.start, name="request_start"),
    path("ehc-needs-assessment/<slug:slug>/", views.begin, name="request_begin"),
    path("forms/<int:pk>/check-answers/", views.check, name="request_check"),
    path("forms/<int:pk>/submit/", views.confirm, name="request_confirm"),
    path("forms/<int:pk>/view/", views.view, name="request_view"),
    path("forms/<int:pk>/pdf/", views.pdf, name="request_pdf"),
    path("forms/<int:pk>/files/<int:file_id>/", views.attachment, name="request_attachment"),
    path("forms/<int:pk>/<slug:page>/", views.page_view, name="request_page"),
    path("account/recover-a-form/", views.recover, name="recover_form"),
    path("account/submitted-forms/", views.submitted, name="submitted_forms"),
    path("requests/", views.incoming, name="requests_incoming"),
    path("requests/<int:pk>/open-case/", cases.case_open, name="case_open"),
    path("workspace/", workspace.workspace, name="workspace"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/timeliness/", timeliness_views.case_timeliness, name="case_timeliness"),
    path("cases/new/", entry.case_new, name="case_new"),
    path("cases/new/paper/", entry.case_new_paper, name="case_new_paper"),
    path("cases/new/existing-plan/", entry.case_new_existing, name="case_new_existing"),
    path("cases/<str:reference>/", cases.case_page, name="case_page"),
    path("cases/<str:reference>/records/", records.case_records, name="case_records"),
    path("cases/<str:reference>/allocate/", cases.case_allocate, name="case_allocate"),
    path("cases/<str:reference>/exceptions/add/", cases.case_exception_add, name="case_exception_add"),
    path("cases/<str:reference>/response/", cases.case_response, name="case_response"),
    path("council/forms/", form_admin.forms_list, name="forms_admin"),
    path("council/forms/<slug:slug>/", form_admin.form_edit, name="form_edit"),
]
