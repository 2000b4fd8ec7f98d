"""The project lists' rows for their .xlsx exports, read as plain values.

The columns are the tables' (``common.lists.export_columns``); most lists write their rows through
the table too (``common.lists.table_rows``). The project list and the boards may hold every project
of a province (100,000 rows), too many for a model instance a row: they read the same cells from one
``values`` query in chunks, keyed by the table's column names, and a test holds them to the table's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from accounts.models import User
from common.lists import ITERATOR_CHUNK

from .choices import Field, Level, Stage
from .models import Project, Tag
from .rules import plan_completion_pct
from .tables import TAG_SEPARATOR, project_warnings, warnings_text

_LEVELS, _FIELDS, _STAGES = dict(Level.choices), dict(Field.choices), dict(Stage.choices)


def _display_name(relation: str):
    """A unit's ``display_name`` in SQL: its short name, else its name."""
    return Coalesce(NullIf(F(f"{relation}__short_name"), Value("")), F(f"{relation}__name"))


def _tags(projects: QuerySet[Project]) -> dict[int, str]:
    """Each tagged project's tags as the table's column joins them, in the tags' order."""
    through = Project.tags.through.objects.filter(project__in=projects.order_by().values("pk"))
    names = defaultdict(list)
    for project_id, name in through.order_by(*(f"tag__{field}" for field in Tag._meta.ordering)).values_list(
        "project_id", "tag__name"
    ):
        names[project_id].append(name)
    return {project_id: TAG_SEPARATOR.join(tags) for project_id, tags in names.items()}


def board_rows(projects: QuerySet[Project], *, with_tags: bool) -> Iterator[dict[str, object]]:
    """A row per project of a board or list queryset (``with_warnings``, ``annual_plan``), in its order,
    keyed by the names of ``ProjectListTable``'s and ``ProjectBoardTable``'s columns; two queries however
    many rows, and one more ``with_tags``."""
    stewards = {
        user.pk: str(user) for user in User.objects.filter(stewarded_projects__isnull=False).distinct()
    }
    tags = _tags(projects) if with_tags else {}
    # The project list adds the year's 累计完成 (and so its 完成率); the boards do not show them.
    with_ytd = "ytd_completed" in projects.query.annotations
    values = projects.prefetch_related(None).values(
        *(("ytd_completed",) if with_ytd else ()),
        "pk",
        "name",
        "code",
        "level",
        "field",
        "stage",
        "is_registered",
        "total_investment",
        "annual_plan",
        "steward_id",
        "leader_in_charge",
        "overdue_milestone_count",
        "overdue_problem_count",
        "is_missing_registration",
        reporting_unit_name=_display_name("reporting_unit"),
        responsible_unit_name=_display_name("responsible_unit"),
    )
    for row in values.iterator(chunk_size=ITERATOR_CHUNK):
        ytd = row.get("ytd_completed")
        warnings = project_warnings(
            overdue_milestones=row["overdue_milestone_count"],
            overdue_problems=row["overdue_problem_count"],
            is_missing_registration=row["is_missing_registration"],
            total_investment=row["total_investment"],
            has_steward=row["steward_id"] is not None,
            leader_in_charge=row["leader_in_charge"],
        )
        yield {
            "name": row["name"],
            "code": row["code"],
            "warnings": warnings_text(warnings),
            "stage": _STAGES.get(row["stage"], row["stage"]),
            "reporting_unit": row["reporting_unit_name"],
            "responsible_unit": row["responsible_unit_name"],
            "level": _LEVELS.get(row["level"], row["level"]),
            "field": _FIELDS.get(row["field"], row["field"]),
            "tags": tags.get(row["pk"]),
            "total_investment": row["total_investment"],
            "annual_plan": row["annual_plan"],
            "ytd_completed": ytd,
            "completion_pct": plan_completion_pct(ytd, row["annual_plan"]) if with_ytd else None,
            "is_registered": "已入库" if row["is_registered"] else "未入库",
            "steward": stewards.get(row["steward_id"]),
            "leader_in_charge": row["leader_in_charge"] or None,
        }
