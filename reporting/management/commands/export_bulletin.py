from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models.fields.files import FieldFile

from common.periods import Period
from reporting.bulletin.service import bulletin_document, bulletin_workbook, published_bulletin
from reporting.services.rankings import RankingError


class Command(BaseCommand):
    help = "导出该统计期的月度通报：已发布的输出存档文件（原样）；未发布的按当前数据生成草稿。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", required=True, help="统计期，如 2022-05 表示 2022年1-5月")
        parser.add_argument("--output", required=True, type=Path, help="通报表格（.xlsx）的输出路径")
        parser.add_argument("--docx", type=Path, help="同时输出通报文稿（.docx）的路径")

    def handle(self, *args, **options) -> None:
        try:
            period = Period.parse(options["period"])
            bulletin = published_bulletin(period=period)
            if bulletin is not None:
                options["output"].write_bytes(_read(bulletin.workbook))
                document = _read(bulletin.document)
                state = "已发布，存档文件"
            else:
                # Saved straight to the file: a province's workbook is never held in memory whole.
                bulletin_workbook(period=period).save(options["output"])
                document = bulletin_document(period=period) if options["docx"] else b""
                state = "草稿"
        except (ValueError, RankingError) as error:
            raise CommandError(str(error)) from error
        written = [options["output"]]
        if options["docx"]:
            options["docx"].write_bytes(document)
            written.append(options["docx"])
        self.stdout.write(f"{period.label}通报（{state}）已写入：{'、'.join(map(str, written))}")


def _read(stored: FieldFile) -> bytes:
    with stored.open("rb") as handle:
        return handle.read()
