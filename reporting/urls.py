from django.urls import path

from .views import rankings

app_name = "reporting"

urlpatterns: list = []

urlpatterns += [
    path("rankings/", rankings.ranking_list, name="rankings"),
    path("rankings/compute/", rankings.ranking_compute_view, name="ranking_compute"),
    path("rankings/publish/", rankings.ranking_publish_view, name="ranking_publish"),
    path("escalations/", rankings.escalation_list, name="escalations"),
    path("escalations/<int:escalation_id>/", rankings.escalation_detail, name="escalation_detail"),
    path("assessments/", rankings.assessment_list, name="assessments"),
    path("notifications/", rankings.notification_list, name="notifications"),
]
