from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.spreadsheets import SpreadsheetError
from targets.choices import UnitKind
from targets.services.imports import TargetImportError, targets_import


class Command(BaseCommand):
    help = (
        "导入分解表（版式同种子000：标题行、“单位：万元”、序号/责任单位或所属办事处/投资目标[/入库目标]、合计行）。"
        "年度计划不存在时自动新建（投资目标取合计行）；各表须与年度计划总量相等。全部无误才保存。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Excel（.xlsx）文件；一个工作表一张表")
        parser.add_argument("--year", type=int, required=True, help="年度，如 2022")
        parser.add_argument(
            "--table", help="分解表名称；默认取工作表的标题行。文件有多个工作表时按名称选出其中一张"
        )
        parser.add_argument("--reason", default="", help="变更原因，记入变更历史（默认：导入《文件名》）")
        parser.add_argument(
            "--create-units", action="store_true", help="系统中没有的单位自动新增（不加时作为错误列出）"
        )
        parser.add_argument(
            "--kind",
            choices=UnitKind.values,
            help="新增单位的类别；默认按名称结尾判断（办事处/街道/镇→办事处，园区/开发区/保税区→园区，其余→局办）",
        )

    def handle(self, *args, **options) -> None:
        if options["kind"] and not options["create_units"]:
            raise CommandError("--kind 只能与 --create-units 一起使用")
        path = Path(options["file"])
        try:
            result = targets_import(
                source=path,
                source_name=path.name,
                year=options["year"],
                table_name=options["table"],
                # A command run is deliberate and scripted: the file's name stands in for a reason.
                reason=options["reason"] or f"导入《{path.name}》",
                create_units=options["create_units"],
                unit_kind=options["kind"],
            )
        except SpreadsheetError as error:
            raise CommandError(str(error)) from error
        except TargetImportError as error:
            for message in error.errors:
                self.stderr.write(message)
            if error.unknown_units:
                self.stderr.write("提示：确需新增这些单位时，加 --create-units 重新导入。")
            raise CommandError(f"导入失败：共 {len(error.errors)} 处错误，未保存任何数据。") from error
        for line in result.summary_lines():
            self.stdout.write(line)
