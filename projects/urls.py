from django.urls import path

from .views import boards, intake, listing, photos, problems, project, rollover, stewards

app_name = "projects"

urlpatterns = [
    path("", boards.board, name="board"),
    path("export/", boards.board_export, name="board_export"),
    path("units/<int:unit_id>/", boards.unit_board, name="unit_board"),
    path("<int:project_id>/", project.detail, name="detail"),
    path("<int:project_id>/move/", project.move, name="move"),
    path("<int:project_id>/exit/", project.exit_request, name="exit"),
    path("<int:project_id>/exit/approve/", project.exit_approve, name="exit_approve"),
    path("<int:project_id>/exit/reject/", project.exit_reject, name="exit_reject"),
    path("<int:project_id>/procedures/", project.procedures, name="procedures"),
    path("<int:project_id>/stewardship/", project.stewardship, name="stewardship"),
    path("<int:project_id>/milestones/", project.milestones, name="milestones"),
    path("<int:project_id>/register/", project.register, name="register"),
    path("<int:project_id>/year-plan/", project.year_plan, name="year_plan"),
    path("<int:project_id>/problems/new/", problems.problem_new, name="problem_new"),
    path("<int:project_id>/photos/new/", photos.photo_upload, name="photo_upload"),
    path("photos/<int:photo_id>/", photos.photo_edit, name="photo_edit"),
    path("photos/<int:photo_id>/thumbnail.jpg", photos.photo_thumbnail, name="photo_thumbnail"),
    path("photos/<int:photo_id>/photo.jpg", photos.photo_display, name="photo_display"),
    path("photos/<int:photo_id>/record.jpg", photos.photo_master, name="photo_master"),
    path("exits/", project.exits, name="exits"),
    path("problems/", problems.problem_index, name="problems"),
    path("problems/export/", problems.problem_export, name="problem_export"),
    path("problems/<int:problem_id>/", problems.problem_edit, name="problem_edit"),
    path("problems/<int:problem_id>/close/", problems.problem_close_view, name="problem_close"),
    path("intake/", intake.intake, name="intake"),
    path("intake/missing/", intake.missing_registration, name="missing_registration"),
    path("intake/evidence/", intake.registration_evidence, name="registration_evidence"),
    path("intake/missing/export/", intake.missing_registration_export, name="missing_registration_export"),
    path("reserve/", intake.reserve, name="reserve"),
    path("mine/", stewards.my_projects, name="mine"),
    path("dispatch/", stewards.dispatch, name="dispatch"),
    path("milestones/overdue/", stewards.overdue_milestone_list, name="overdue_milestones"),
    path("rollover/", rollover.rollover, name="rollover"),
    path("year-plans/", rollover.year_plans, name="year_plans"),
    path("list/", listing.project_list, name="list"),
    path("list/export/", listing.project_list_export, name="list_export"),
]
