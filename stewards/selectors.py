"""What a 项目管家's phone page shows: their projects with this month's state, and one project's card."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, OuterRef, QuerySet, Subquery, Value, When

from projects.choices import ProblemStatus
from projects.models import Problem, Project, ProjectReport
from projects.selectors.photos import latest_photo, project_photos
from projects.selectors.warnings import open_problem_count, problem_list, steward_projects
from reporting.choices import SubmissionStatus
from reporting.models import Submission


def steward_cards(*, steward, on: date, year: int, month: int) -> QuerySet[Project]:
    """The steward's projects still in the libraries, each with: this month's report (its version,
    None when not reported), its unit's return status for the month, overdue milestones and problems
    (``with_warnings``), open problems and the latest photo's date."""
    report = ProjectReport.objects.filter(project=OuterRef("pk"), year=year, month=month).order_by()
    submission = Submission.objects.filter(unit=OuterRef("reporting_unit"), year=year, month=month)
    status_label = Case(
        *(When(month_submission_status=status, then=Value(status.label)) for status in SubmissionStatus),
        default=Value(""),
    )
    return steward_projects(steward=steward, on=on).annotate(
        month_report_version=Subquery(report.values("version")[:1]),
        month_submission_status=Subquery(submission.values("status")[:1]),
        month_submission_label=status_label,
        open_problem_count=open_problem_count(),
        **latest_photo(),
    )


def card_problems(*, project: Project, on: date) -> QuerySet[Problem]:
    """The project's problems not yet 销号, the most urgent first."""
    return problem_list(problems=project.problem_items.exclude(status=ProblemStatus.CLOSED), on=on).order_by(
        "deadline", "pk"
    )


def card_photos(*, project: Project, limit: int = 12):
    return project_photos(project=project)[:limit]
