from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.periods import Period

from ...imports import figures_import
from ._imports import actor, add_user_argument, finish


class Command(BaseCommand):
    help = "导入单位官方统计数（单位、本年累计完成(万元)、上年同期累计(万元)）。有任何错误则不导入任何数据。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--period", required=True, help="统计期 YYYY-MM，即1月至该月，例如 2022-05")
        add_user_argument(parser)

    def handle(self, *args, **options) -> None:
        try:
            period = Period.parse(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        outcome = figures_import(
            source=options["file"],
            period=period,
            actor=actor(options["user"]),
            file_name=Path(options["file"]).name,
        )
        finish(self, outcome, what=f"{period.label}单位统计数")
