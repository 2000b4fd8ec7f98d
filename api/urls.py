from django.urls import path
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts.permissions import authenticated_view

from . import pages, views

app_name = "api"

MONTH = "v1/units/<int:unit_id>/months/<int:year>/<int:month>/"

urlpatterns = [
    path("schema/", pages.schema_view, name="schema"),
    path(
        "docs/", authenticated_view(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"
    ),
    path("tokens/", pages.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", pages.token_revoke, name="token_revoke"),
    path("v1/units/", views.UnitList.as_view(), name="units"),
    path("v1/units/<int:unit_id>/", views.UnitDetail.as_view(), name="unit"),
    path("v1/ranking-groups/", views.RankingGroupList.as_view(), name="ranking_groups"),
    path("v1/plan-years/", views.PlanYearList.as_view(), name="plan_years"),
    path("v1/plan-years/<int:year>/", views.PlanYearDetail.as_view(), name="plan_year"),
    path("v1/projects/", views.ProjectList.as_view(), name="projects"),
    path("v1/projects/<str:code>/", views.ProjectDetail.as_view(), name="project"),
    path(MONTH + "reports/", views.MonthReports.as_view(), name="month_reports"),
    path(MONTH + "submission/", views.SubmissionDetail.as_view(), name="submission"),
    path(MONTH + "submission/submit/", views.SubmissionSubmit.as_view(), name="submission_submit"),
    path(MONTH + "submission/approve/", views.SubmissionApprove.as_view(), name="submission_approve"),
    path(MONTH + "submission/return/", views.SubmissionReturn.as_view(), name="submission_return"),
    path(MONTH + "submission/verify/", views.SubmissionVerify.as_view(), name="submission_verify"),
    path("v1/submissions/", views.SubmissionList.as_view(), name="submissions"),
    path("v1/figures/<int:year>/<int:month>/", views.Figures.as_view(), name="figures"),
    path("v1/rankings/", views.RankingList.as_view(), name="rankings"),
    path("v1/escalations/", views.EscalationList.as_view(), name="escalations"),
    path("v1/assessments/", views.AssessmentList.as_view(), name="assessments"),
    path("v1/bulletins/", views.BulletinList.as_view(), name="bulletins"),
    path(
        "v1/bulletins/<int:year>/<int:month>/<str:kind>/", views.BulletinFile.as_view(), name="bulletin_file"
    ),
]
