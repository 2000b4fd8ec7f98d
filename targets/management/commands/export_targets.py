from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from targets.models import AllocationTable, PlanYear
from targets.workbooks import allocation_workbook


class Command(BaseCommand):
    help = "导出年度分解表（版式同导入：标题、“单位：万元”、表头、合计行在前），一张表一个工作表。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True, help="年度，如 2022")
        parser.add_argument("--output", required=True, help="输出文件，如 分解表.xlsx")
        parser.add_argument("--table", help="只导出这张分解表（名称）；默认导出该年度全部分解表")

    def handle(self, *args, **options) -> None:
        year = options["year"]
        if not PlanYear.objects.filter(year=year).exists():
            raise CommandError(f"{year}年度计划不存在：尚未导入该年度的分解表，没有可导出的内容")
        tables = AllocationTable.objects.filter(plan_year__year=year)
        named = f"名为「{options['table']}」的" if options["table"] else ""
        if options["table"]:
            tables = tables.filter(name=options["table"])
        if not tables.exists():
            raise CommandError(f"{year}年度没有{named}分解表")
        output = Path(options["output"])
        allocation_workbook(tables=tables).save(output)
        self.stdout.write(f"已导出 {tables.count()} 张分解表：{output}")
