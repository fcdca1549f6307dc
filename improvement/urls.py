from django.urls import path, re_path

from . import views

app_name = "improvement"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("start/", views.home, name="home"),
    path("inspections/<int:pk>/plan/", views.inspection_plan_dates, name="inspection_plan"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/actions/add/", views.action_add, name="action_add"),
    path("findings/<int:pk>/state/", views.finding_state, name="finding_state"),
    re_path(r"^findings\.(?P<fmt>csv|xlsx)$", views.findings_export, name="findings_export"),
    path("actions/", views.action_list, name="action_list"),
    re_path(r"^actions\.(?P<fmt>csv|xlsx)$", views.actions_export, name="actions_export"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/progress/", views.action_record_progress, name="action_progress"),
    path("actions/<int:pk>/rag/", views.action_rag_override, name="action_rag"),
    path("actions/<int:pk>/edit/", views.action_edit_view, name="action_edit"),
    path("actions/<int:pk>/findings/", views.action_findings, name="action_findings"),
    path("actions/<int:pk>/review/", views.action_review, name="action_review"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/accept/", views.evidence_accept_view, name="evidence_accept"),
    path("evidence/<int:pk>/return/", views.evidence_return_view, name="evidence_return"),
    path("downloads/", views.export_list, name="export_list"),
    path("downloads/<int:pk>/", views.export_download, name="export_download"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/preview/", views.report_preview, name="report_preview"),
    path("reports/save/", views.report_save, name="report_save"),
    path("reports/compare/", views.report_compare, name="report_compare"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/withdraw/", views.report_withdraw, name="report_withdraw"),
    re_path(r"^reports/(?P<pk>\d+)\.(?P<fmt>xlsx|pdf)$", views.report_detail, name="report_xlsx"),
]
