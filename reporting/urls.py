from django.urls import path

from .views import bulletins, cockpit, exports, figures, forecasts, history, imports, monthly, rankings

app_name = "reporting"

urlpatterns: list = []

urlpatterns += [
    path("rankings/", rankings.ranking_list, name="rankings"),
    path("rankings/compute/", rankings.ranking_compute_view, name="ranking_compute"),
    path("rankings/publish/", rankings.ranking_publish_view, name="ranking_publish"),
    path("escalations/", rankings.escalation_list, name="escalations"),
    path("escalations/export/", rankings.escalation_export, name="escalation_export"),
    path("escalations/<int:escalation_id>/", rankings.escalation_detail, name="escalation_detail"),
    path("assessments/", rankings.assessment_list, name="assessments"),
    path("assessments/export/", rankings.assessment_export, name="assessment_export"),
    path("assessments/publish/", rankings.assessment_publish_view, name="assessment_publish"),
    path("notifications/", rankings.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/open/",
        rankings.notification_open_view,
        name="notification_open",
    ),
]

# Monthly reporting (issue 3): returns, forecasts, official figures, imports, audit trail.
MONTH = "units/<int:unit_id>/<int:year>/<int:month>/"
urlpatterns += [
    path("my-unit/", monthly.my_unit, name="my_unit"),
    path("submissions/", monthly.submissions, name="submissions"),
    path("submissions/export/", monthly.submissions_export, name="submissions_export"),
    path(MONTH, monthly.month_grid, name="month"),
    path(MONTH + "rows/", monthly.month_rows_save, name="month_rows"),
    path(MONTH + "approve/", monthly.approve, name="approve"),
    path(MONTH + "verify/", monthly.verify, name="verify"),
    path(MONTH + "return/", monthly.send_back, name="return"),
    path(MONTH + "lock/", monthly.lock, name="lock"),
    path(MONTH + "unlock/", monthly.unlock, name="unlock"),
    path(MONTH + "forecast/", forecasts.forecast_edit, name="forecast"),
    path("forecasts/", forecasts.forecasts, name="forecasts"),
    path("forecasts/export/", forecasts.forecasts_export, name="forecasts_export"),
    path("figures/", figures.figures_latest, name="figures_latest"),
    path("figures/<int:year>/<int:month>/", figures.figures, name="figures"),
    path("figures/<int:year>/<int:month>/edit/", figures.figures_edit, name="figures_edit"),
    path("imports/reports/", imports.import_reports, name="import_reports"),
    path("imports/reports/template/", imports.import_reports_template, name="import_reports_template"),
    path("imports/figures/", imports.import_figures, name="import_figures"),
    path("imports/figures/template/", imports.import_figures_template, name="import_figures_template"),
    path("imports/projects/", imports.import_projects, name="import_projects"),
    path("imports/projects/template/", imports.import_projects_template, name="import_projects_template"),
    path("imports/platform/", imports.import_platform, name="import_platform"),
    path("projects/<int:project_id>/history/", history.project_history_view, name="project_history"),
    path(
        "projects/<int:project_id>/history/export/",
        history.project_history_export,
        name="project_history_export",
    ),
]

# Bulletins and background exports (issue 6).
urlpatterns += [
    path("bulletins/", bulletins.bulletin_list, name="bulletins"),
    path("bulletins/export/", bulletins.bulletin_export, name="bulletin_export"),
    path(
        "bulletins/<int:year>/<int:month>/workbook/",
        bulletins.bulletin_workbook_download,
        name="bulletin_workbook",
    ),
    path(
        "bulletins/<int:year>/<int:month>/document/",
        bulletins.bulletin_document_download,
        name="bulletin_document",
    ),
    path("bulletins/<int:year>/<int:month>/pdf/", bulletins.bulletin_pdf_download, name="bulletin_pdf"),
    path("exports/", exports.export_list, name="exports"),
    path("exports/project-list/", exports.project_list_export_job, name="export_project_list"),
    path("exports/<int:export_id>/", exports.export_detail, name="export_detail"),
    path("exports/<int:export_id>/rerun/", exports.export_rerun_view, name="export_rerun"),
    path("exports/<int:export_id>/status/", exports.export_status, name="export_status"),
    path("exports/<int:export_id>/download/", exports.export_download, name="export_download"),
]

# Dashboards (issue 5): the leaders' cockpit and a unit's year.
urlpatterns += [
    path("cockpit/", cockpit.cockpit_view, name="cockpit"),
    path("units/<int:unit_id>/", cockpit.unit_view, name="unit"),
]
