from django.urls import path

from . import views

app_name = "stewards"

urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("projects/<int:project_id>/", views.project_card, name="project"),
    path("projects/<int:project_id>/month/", views.record_month, name="record_month"),
    path("projects/<int:project_id>/photos/", views.add_photo, name="add_photo"),
    path("projects/<int:project_id>/problems/", views.add_problem, name="add_problem"),
    path("problems/<int:problem_id>/close/", views.close_problem, name="close_problem"),
]
