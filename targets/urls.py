from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("tables/", views.table_list, name="table_list"),
    path("tables/<int:table_id>/", views.table_edit, name="table_edit"),
    path("tables/<int:table_id>/export/", views.table_export, name="table_export"),
    path("plans/<int:plan_year_id>/export/", views.plan_year_export, name="plan_year_export"),
    path("plans/<int:plan_year_id>/total/", views.plan_total_edit, name="plan_total_edit"),
    path("import/", views.table_import, name="table_import"),
    path("import/template/", views.import_template, name="import_template"),
]
