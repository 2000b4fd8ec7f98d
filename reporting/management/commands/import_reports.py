from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...forms import parse_month
from ...imports import reports_import
from ._imports import actor, add_user_argument, finish


class Command(BaseCommand):
    help = "导入项目月报（项目代码、本月完成投资(万元)、形象进度、存在问题）。有任何错误则不导入任何数据。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--period", required=True, help="填报月份 YYYY-MM，例如 2022-10（1月为 2022-01）")
        parser.add_argument(
            "--confirm", action="store_true", help="确认导入超过月均3倍或超过年度计划的金额（须已核实）"
        )
        add_user_argument(parser)

    def handle(self, *args, **options) -> None:
        month = parse_month(options["period"])
        if month is None:
            raise CommandError(f"填报月份格式应为 YYYY-MM，例如 2022-10：{options['period']}")
        outcome = reports_import(
            source=options["file"],
            year=month[0],
            month=month[1],
            actor=actor(options["user"]),
            file_name=Path(options["file"]).name,
            confirm_unusual=options["confirm"],
        )
        finish(self, outcome, what=f"{month[0]}年{month[1]}月项目月报", confirm_hint="加 --confirm ")
