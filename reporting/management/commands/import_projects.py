from pathlib import Path

from django.core.management.base import BaseCommand

from common import clock
from projects.imports.spreadsheet import projects_import

from ...selectors.periods import open_reporting_month
from ._imports import actor, add_user_argument, finish


class Command(BaseCommand):
    help = "导入项目（按项目代码新增或更新；新项目进入储备库）。有任何错误则不导入任何数据。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--year", type=int, help="“年度计划投资(万元)”所属年度（默认当前填报年度）")
        add_user_argument(parser)

    def handle(self, *args, **options) -> None:
        year = options["year"] or open_reporting_month(today=clock.today()).year
        outcome = projects_import(
            source=options["file"],
            year=year,
            actor=actor(options["user"]),
            file_name=Path(options["file"]).name,
        )
        finish(self, outcome, what="项目")
