from django.urls import path, register_converter

from ehc.case_forms import views as case_form_views
from ehc.cases import views as case_views
from ehc.consultations import views as consultation_views
from ehc.definitions import views as definition_views
from ehc.documents import views as document_views
from ehc.entry import views as entry_views
from ehc.family import views as family_views
from ehc.invitations import views as invitation_views
from ehc.messages import views as message_views
from ehc.plans import views as plan_views
from ehc.plans.issued import views as plan_issued_views
from ehc.plans.urls import PlanSectionConverter
from ehc.records import views as record_views
from ehc.requests import views as request_views
from ehc.schools import views as school_views
from ehc.timeliness import views as timeliness_views
from ehc.workspace import views as workspace_views

register_converter(PlanSectionConverter, "plansection")

urlpatterns = [
    path("ehc-needs-assessment/", request_views.start, name="request_start"),
    path("ehc-needs-assessment/<slug:slug>/", request_views.begin, name="request_begin"),
    path("forms/<int:pk>/check-answers/", request_views.check, name="request_check"),
    path("forms/<int:pk>/submit/", request_views.confirm, name="request_confirm"),
    path("forms/<int:pk>/view/", request_views.view, name="request_view"),
    path("forms/<int:pk>/pdf/", request_views.pdf, name="request_pdf"),
    path("forms/<int:pk>/files/<int:file_id>/", request_views.attachment, name="request_attachment"),
    path("forms/<int:pk>/<slug:page>/", request_views.page_view, name="request_page"),
    path("account/recover-a-form/", request_views.recover, name="recover_form"),
    path("account/submitted-forms/", request_views.submitted, name="submitted_forms"),
    path("requests/", request_views.incoming, name="requests_incoming"),
    path("requests/<int:pk>/open-case/", request_views.case_open, name="case_open"),
    path("workspace/", workspace_views.workspace, name="workspace"),
    path("cases/", case_views.case_list, name="case_list"),
    path("cases/timeliness/", timeliness_views.case_timeliness, name="case_timeliness"),
    path("cases/new/", entry_views.case_new, name="case_new"),
    path("cases/new/paper/", entry_views.case_new_paper, name="case_new_paper"),
    path("cases/new/existing-plan/", entry_views.case_new_existing, name="case_new_existing"),
    path("cases/<str:reference>/", case_views.case_page, name="case_page"),
    path("cases/<str:reference>/plan/", plan_views.plan_page, name="plan_page"),
    path("cases/<str:reference>/plan/start/", plan_views.plan_start, name="plan_start"),
    path("cases/<str:reference>/plan/bring-in/", plan_views.plan_bring_in, name="plan_bring_in"),
    path("cases/<str:reference>/plan/<plansection:section>/", plan_views.plan_section, name="plan_section"),
    path("cases/<str:reference>/records/", record_views.case_records, name="case_records"),
    path("cases/<str:reference>/allocate/", case_views.case_allocate, name="case_allocate"),
    path("cases/<str:reference>/exceptions/add/", case_views.case_exception_add, name="case_exception_add"),
    path("cases/<str:reference>/response/", case_views.case_response, name="case_response"),
    path(
        "cases/<str:reference>/consultations/",
        consultation_views.case_consultations,
        name="case_consultations",
    ),
    path("schools/consultations/", consultation_views.school_consultations, name="school_consultations"),
    path(
        "schools/consultations/<int:pk>/",
        consultation_views.school_consultation,
        name="school_consultation",
    ),
    path(
        "schools/consultations/<int:pk>/draft/",
        consultation_views.school_consultation_draft,
        name="school_consultation_draft",
    ),
    path("schools/<int:pk>/members/", school_views.setting_members_page, name="school_members"),
    path(
        "cases/<str:reference>/documents/publish/",
        document_views.case_document_publish,
        name="case_document_publish",
    ),
    path(
        "cases/<str:reference>/documents/<int:pk>/",
        document_views.case_document_download,
        name="case_document_download",
    ),
    path("children/<str:reference>/", family_views.dashboard, name="family_dashboard"),
    path("children/<str:reference>/request/", family_views.request_details, name="family_request_details"),
    path("children/<str:reference>/involvements/", family_views.involvements, name="family_involvements"),
    path("children/<str:reference>/documents/", document_views.family_documents, name="family_documents"),
    path(
        "children/<str:reference>/documents/<int:pk>/",
        document_views.family_document_download,
        name="family_document_download",
    ),
    path("cases/<str:reference>/forms/send/", case_form_views.case_form_send, name="case_form_send"),
    path("children/<str:reference>/forms/", case_form_views.family_forms, name="family_forms"),
    path(
        "children/<str:reference>/forms/start/<slug:slug>/",
        case_form_views.family_form_start,
        name="family_form_start",
    ),
    path("cases/<str:reference>/invite/", invitation_views.case_invite, name="case_invite"),
    path(
        "cases/<str:reference>/access/<int:pk>/verify/",
        invitation_views.case_access_verify,
        name="case_access_verify",
    ),
    path(
        "cases/<str:reference>/access/<int:pk>/resend/",
        invitation_views.case_access_resend,
        name="case_access_resend",
    ),
    path(
        "cases/<str:reference>/access/<int:pk>/activate/",
        invitation_views.case_access_activate,
        name="case_access_activate",
    ),
    path(
        "cases/<str:reference>/access/<int:pk>/remove/",
        invitation_views.case_access_revoke,
        name="case_access_revoke",
    ),
    path("invitations/", invitation_views.invitations_pending, name="invitations_pending"),
    path("invitations/confirm/", invitation_views.invitations_confirm, name="invitations_confirm"),
    path("invitations/done/", invitation_views.invitations_done, name="invitations_done"),
    path(
        "invitations/accept/<str:token>/",
        invitation_views.invitation_accept_link,
        name="invitation_accept_link",
    ),
    path("council/forms/", definition_views.forms_list, name="forms_admin"),
    path("council/forms/<slug:slug>/", definition_views.form_edit, name="form_edit"),
    path("children/<str:reference>/messages/", message_views.family_messages, name="family_messages"),
    path(
        "children/<str:reference>/messages/new/", message_views.family_message_new, name="family_message_new"
    ),
    path("children/<str:reference>/messages/<int:pk>/", message_views.family_message, name="family_message"),
    path(
        "children/<str:reference>/messages/<int:pk>/reply/",
        message_views.family_message_reply,
        name="family_message_reply",
    ),
    path("cases/<str:reference>/messages/new/", message_views.case_message_new, name="case_message_new"),
    path("cases/<str:reference>/messages/<int:pk>/", message_views.case_message, name="case_message"),
    path(
        "cases/<str:reference>/messages/<int:pk>/reply/",
        message_views.case_message_reply,
        name="case_message_reply",
    ),
    # The issued plan (ehc/plans/issued/): issuing, its versions and their comparison.
    path(
        "cases/<str:reference>/plan/issue-draft/", plan_issued_views.plan_issue_draft, name="plan_issue_draft"
    ),
    path(
        "cases/<str:reference>/plan/issue-final/", plan_issued_views.plan_issue_final, name="plan_issue_final"
    ),
    path(
        "cases/<str:reference>/plan/start-final/", plan_issued_views.plan_final_start, name="plan_final_start"
    ),
    path(
        "cases/<str:reference>/plan/versions/<int:number>/",
        plan_issued_views.plan_version,
        name="plan_version",
    ),
    path("cases/<str:reference>/plan/compare/", plan_issued_views.plan_compare, name="plan_compare"),
    path("children/<str:reference>/plan/", plan_issued_views.family_plan, name="family_plan"),
    path(
        "children/<str:reference>/plan/compare/",
        plan_issued_views.family_plan_compare,
        name="family_plan_compare",
    ),
    path(
        "children/<str:reference>/plan/<int:number>/",
        plan_issued_views.family_plan_version,
        name="family_plan_version",
    ),
]
