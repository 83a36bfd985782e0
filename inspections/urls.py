from django.urls import path

from inspections import findings_views, offline, response, views

urlpatterns = [
    path("my/", views.my_inspections, name="my_inspections"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("my/session/", offline.session_state, name="offline_session"),
    path("my/login/", offline.session_login, name="offline_login"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/new/agencies/", views.round_agency_choices, name="round_agency_choices"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/workbook/", views.round_workbook, name="round_workbook"),
    path("rounds/<int:pk>/import/", views.round_import, name="round_import"),
    path(
        "rounds/<int:pk>/import/confirm/",
        views.round_import_confirm,
        name="round_import_confirm",
    ),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/history/", views.inspection_history_page, name="inspection_history"),
    path(
        "inspections/<int:pk>/answers/<int:answer_pk>/",
        views.answer_save,
        name="answer_save",
    ),
    path(
        "inspections/<int:pk>/answers/<int:answer_pk>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path("inspections/<int:pk>/submit/", views.inspection_submit, name="inspection_submit"),
    path("inspections/<int:pk>/return/", views.inspection_return, name="inspection_return"),
    path("inspections/<int:pk>/approve/", views.inspection_approve, name="inspection_approve"),
    path("inspections/<int:pk>/assign/", views.inspection_assign, name="inspection_assign"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("findings/", findings_views.finding_list, name="finding_list"),
    path("findings/export.xlsx", findings_views.finding_export, name="finding_export"),
    path("findings/due/", findings_views.finding_due_bulk, name="finding_due_bulk"),
    path(
        "findings/due/apply/", findings_views.finding_due_bulk_apply, name="finding_due_bulk_apply"
    ),
    path("findings/remind/", findings_views.finding_remind_bulk, name="finding_remind_bulk"),
    path(
        "findings/remind/send/",
        findings_views.finding_remind_bulk_apply,
        name="finding_remind_bulk_apply",
    ),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/due/", views.finding_due, name="finding_due"),
    path("findings/<int:pk>/verify/", views.finding_verify, name="finding_verify"),
    path(
        "findings/<int:pk>/record/upload/",
        views.finding_record_upload,
        name="finding_record_upload",
    ),
    path("findings/<int:pk>/return/", views.finding_return, name="finding_return"),
    path(
        "inspections/<int:pk>/response-link/",
        views.response_link_issue,
        name="response_link_issue",
    ),
    path(
        "inspections/<int:pk>/response-link/revoke/",
        views.response_link_revoke,
        name="response_link_revoke",
    ),
    # The agency's response link: no login, nothing else of the site (inspections/response.py).
    path("r/<str:token>/", response.response_page, name="response_page"),
    path(
        "r/<str:token>/findings/<int:finding_id>/",
        response.response_submit,
        name="response_submit",
    ),
    path("findings/files/<int:pk>/", views.corrective_file, name="corrective_file"),
]
