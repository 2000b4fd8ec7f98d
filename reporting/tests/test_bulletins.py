"""The monthly bulletin (通报): its workbook and Word document on the demo, publication, pages, command.

Every workbook is read back with openpyxl; the demo's published 2022-05 bulletin is checked against the
output of ``rank --period 2022-05 --format json``, the interface outside checks use. The tests publish
the periods they need themselves (a no-op where the demo already has), and take 2022-10, the demo's
last month, as the period not published yet.
"""

import io
import json
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path
from unittest import mock

import docx
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import override_settings
from django.urls import reverse
from docx.shared import RGBColor
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.models import User
from common.periods import Period
from common.spreadsheets import StreamedWorkbook, display_width, workbook_response_bytes
from projects.models import Project, ProjectReport, ProjectYearPlan
from reporting.bulletin.service import (
    BulletinError,
    bulletin_content,
    bulletin_document,
    bulletin_publish,
    bulletin_workbook,
)
from reporting.choices import RunStatus
from reporting.models import Bulletin, Escalation, OfficialFigure, RankingRow, RankingRun
from reporting.selectors.bulletins import KEY_LEVELS, key_projects
from reporting.services.publication import period_publish
from targets.models import PlanYear
from tests.base import DemoTestCase

HEADER = [
    "序号",
    "单位",
    "年度目标",
    "累计完成",
    "完成率",
    "时序进度",
    "超(低)时序进度(个百分点)",
    "上年同期",
    "增速",
    "排名",
    "备注",
]
TITLE = "经开区固定资产投资完成情况通报（2022年1-5月）"
MAY = Period(2022, 5)
OCTOBER = Period(2022, 10)
DRAFT_TITLE = "经开区固定资产投资完成情况通报（2022年1-10月）（草稿）"
ONE_DECIMAL = Decimal("0.1")


def rank_json(period: str) -> list[dict]:
    out = StringIO()
    call_command("rank", "--period", period, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def read(workbook) -> object:
    """Save and reopen, so the tests see what Excel would."""
    return load_workbook(io.BytesIO(workbook_response_bytes(workbook)))


def stored_bytes(bulletin: Bulletin) -> tuple[bytes, bytes]:
    with bulletin.workbook.open("rb") as workbook, bulletin.document.open("rb") as document:
        return workbook.read(), document.read()


def title_of(document) -> str:
    """The 标题: after the 版头 (发文机关标志, 发文字号 and the red line), before the body; its period
    goes on a line of its own."""
    return next(
        paragraph.text.replace("\n", "") for paragraph in document.paragraphs if "通报\n（" in paragraph.text
    )


def units_on(sheet) -> dict[str, tuple]:
    """Data rows by unit name; row 4 is the 合计 row, the numbered units follow, then the note."""
    return {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True) if isinstance(row[0], int)}


class BulletinFileTests(DemoTestCase):
    """The demo's 2022-05 bulletin as published after 2022-02 … 2022-04, and the 2022-10 draft."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for month in (2, 3, 4, 5):
            period_publish(period=Period(2022, month))
        cls.ranked = rank_json("2022-05")
        bulletin = Bulletin.objects.get(year=2022, month=5)
        cls.workbook_bytes, cls.document_bytes = stored_bytes(bulletin)
        cls.draft_bytes = workbook_response_bytes(bulletin_workbook(period=OCTOBER))
        cls.draft_document_bytes = bulletin_document(period=OCTOBER)

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # Read once, outside setUpTestData: attributes set there are deep-copied for every test.
        cls.workbook = load_workbook(io.BytesIO(cls.workbook_bytes))
        cls.draft = load_workbook(io.BytesIO(cls.draft_bytes))
        cls.document = docx.Document(io.BytesIO(cls.document_bytes))
        cls.text = "\n".join(paragraph.text for paragraph in cls.document.paragraphs)

    def test_it_has_a_sheet_per_ranking_group_then_the_escalations_and_the_key_projects(self):
        assert self.workbook.sheetnames == ["办事处", "局办", "末位约谈", "重点项目"]

    def test_every_sheet_has_the_merged_title(self):
        for sheet in self.workbook.worksheets:
            assert sheet["A1"].value == TITLE, sheet.title
            assert sheet["A1"].font.bold
            assert f"A1:{get_column_letter(sheet.max_column)}1" in sheet.merged_cells
            assert sheet.oddHeader.left.text == "&A" and not sheet.oddHeader.right.text

    def test_a_draft_says_so_in_the_title_and_the_page_header_of_every_sheet(self):
        assert self.draft.sheetnames == self.workbook.sheetnames
        for sheet in self.draft.worksheets:
            assert sheet["A1"].value == DRAFT_TITLE, sheet.title
            assert sheet.oddHeader.right.text == "草稿"

    def test_the_ranking_sheets_carry_the_unit_line_and_the_bulletin_header(self):
        for name in ("办事处", "局办"):
            sheet = self.workbook[name]
            assert sheet["A2"].value == "单位：万元、%"
            assert "A2:K2" in sheet.merged_cells
            assert [cell.value for cell in sheet[3]] == HEADER
            assert sheet["B4"].value == "合计"

    def test_ranks_and_values_match_the_rank_command_for_2022_05(self):
        value_column = {"办事处": HEADER.index("增速"), "局办": HEADER.index("完成率")}
        for group, column in value_column.items():
            expected = {row["unit"]: row for row in self.ranked if row["group"] == group}
            shown = units_on(self.workbook[group])
            assert set(shown) == set(expected)
            for unit, row in shown.items():
                assert row[column] == expected[unit]["value"], unit
                assert row[HEADER.index("排名")] == expected[unit]["rank"], unit
                note = row[HEADER.index("备注")] or ""
                assert ("倒数第一" in note) == expected[unit]["bottom"], unit
                level = expected[unit]["escalation_level"]
                assert (f"{level}级" in note) == bool(level), unit

    def test_rates_follow_from_the_amounts_and_time_progress_to_one_decimal(self):
        for row in units_on(self.workbook["办事处"]).values():
            target, ytd, completion, progress, gap, baseline, growth = row[2:9]
            assert Decimal(str(completion)) == (Decimal(str(ytd)) * 100 / Decimal(str(target))).quantize(
                ONE_DECIMAL, ROUND_HALF_UP
            )
            assert progress == 41.7
            assert Decimal(str(gap)) == Decimal(str(completion)) - Decimal("41.7")
            assert Decimal(str(growth)) == ((Decimal(str(ytd)) / Decimal(str(baseline)) - 1) * 100).quantize(
                ONE_DECIMAL, ROUND_HALF_UP
            )

    def test_the_total_row_sums_the_official_figures_of_the_group(self):
        sheet = self.workbook["办事处"]
        figures = OfficialFigure.objects.filter(
            year=2022, month=5, unit__ranking_groups__name="办事处"
        ).aggregate(ytd=Sum("ytd_completed"), baseline=Sum("baseline"))
        assert Decimal(str(sheet["D4"].value)) == figures["ytd"]
        assert Decimal(str(sheet["H4"].value)) == figures["baseline"]
        assert sheet["C4"].value == 5370000, "the sub-districts' targets add up to seed 000's total"
        assert sheet["A4"].font.bold

    def test_numbers_are_formatted_with_separators_and_one_decimal(self):
        sheet = self.workbook["办事处"]
        for column in "CDH":
            assert sheet[f"{column}5"].number_format == "#,##0", column
        for column in "EFGI":
            assert sheet[f"{column}5"].number_format == "0.0", column
        assert sheet["B5"].border.left.style == "thin"
        assert sheet["A3"].font.bold and sheet["A3"].fill.fgColor.rgb.endswith("D9D9D9")

    def test_it_prints_on_a4_landscape_fitted_to_the_page_width_with_the_title_rows_repeated(self):
        for sheet in self.workbook.worksheets:
            assert sheet.page_setup.orientation == "landscape", sheet.title
            assert int(sheet.page_setup.paperSize) == 9, sheet.title  # A4
            # fitToWidth="1" is the file format's default, which Excel and XlsxWriter leave out.
            assert int(sheet.page_setup.fitToWidth or 1) == 1 and int(sheet.page_setup.fitToHeight) == 0
            assert sheet.sheet_properties.pageSetUpPr.fitToPage
            header_row = 2 if sheet.title == "末位约谈" else 3
            assert sheet.print_title_rows == f"$1:${header_row}"
            assert sheet.freeze_panes == f"A{header_row + 1}"

    def test_the_unit_column_is_wide_enough_for_the_longest_chinese_name(self):
        sheet = self.workbook["局办"]
        assert sheet.column_dimensions["B"].width >= display_width("自然资源和规划分局")

    def test_the_escalation_sheet_lists_the_bottom_unit_with_its_level_and_action(self):
        sheet = self.workbook["末位约谈"]
        assert [cell.value for cell in sheet[2]][:6] == [
            "序号",
            "排名组",
            "单位",
            "连续倒数第一期数",
            "约谈级别",
            "处理方式",
        ]
        assert [cell.value for cell in sheet[3]][:8] == [
            1,
            "办事处",
            "京航办事处",
            1,
            "一级：通报批评",
            "通报批评",
            "—",
            "—",
        ]
        # The bureaus follow seed 003's ladder: bottom once → 表态发言 at the key-project meeting,
        # twice running → 分管区领导约谈单位主要负责人.
        bottom = RankingRow.objects.select_related("unit").get(
            run__year=2022, run__month=5, run__scheme__group__name="局办", is_bottom=True
        )
        level, action = (
            ("一级：在全区重点项目推进会议上表态发言", "在全区重点项目推进会议上表态发言")
            if bottom.consecutive_bottom == 1
            else ("二级：分管区领导约谈单位主要负责人", "分管区领导约谈单位主要负责人")
        )
        assert [cell.value for cell in sheet[4]][:6] == [
            2,
            "局办",
            bottom.unit.name,
            bottom.consecutive_bottom,
            level,
            action,
        ]
        assert sheet["A5"].value.startswith("注：约谈级别、约谈人、被约谈人取自约谈办法的对应级别")

    def test_the_published_april_bulletin_names_the_third_interview_in_a_row(self):
        bulletin = Bulletin.objects.get(year=2022, month=4)
        with bulletin.workbook.open("rb") as handle:
            stored = load_workbook(handle)
        sheet = stored["末位约谈"]
        assert sheet["A1"].value == "经开区固定资产投资完成情况通报（2022年1-4月）"
        assert [cell.value for cell in sheet[3]][2:8] == [
            "前程办事处",
            3,
            "三级：区主要领导约谈主要负责同志",
            "区主要领导约谈主要负责同志",
            "区主要领导",
            "主要负责同志",
        ]
        assert not stored["办事处"].oddHeader.right.text

    def test_the_key_projects_carry_their_stage_plan_and_reports_up_to_the_period(self):
        sheet = self.workbook["重点项目"]
        header = [cell.value for cell in sheet[3]]
        assert header[:8] == [
            "序号",
            "项目名称",
            "项目代码",
            "属地单位",
            "责任局办",
            "项目级别",
            "所在库",
            "总投资",
        ]
        assert header[8:] == ["年度计划投资", "累计完成", "完成率", "形象进度", "最新现场照片"]
        rows = {
            row[2]: row for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)
        }
        assert len(rows) == Project.objects.filter(level__in=KEY_LEVELS).exclude(stage="exited").count()
        project = Project.objects.filter(level__in=KEY_LEVELS, reports__month=5).first()
        row = rows[project.code]
        ytd = ProjectReport.objects.filter(project=project, year=2022, month__lte=5).aggregate(
            total=Sum("amount")
        )
        plan = ProjectYearPlan.objects.get(project=project, year=2022).planned_investment
        assert Decimal(str(row[9])) == ytd["total"]
        assert Decimal(str(row[8])) == plan
        assert Decimal(str(row[10])) == (ytd["total"] * 100 / plan).quantize(ONE_DECIMAL, ROUND_HALF_UP)
        assert row[6] == project.get_stage_display()
        assert row[11] == ProjectReport.objects.get(project=project, year=2022, month=5).progress
        assert sheet["H4"].number_format == "#,##0" and sheet["K4"].number_format == "0.0"

    def test_the_key_project_query_does_not_grow_with_the_projects(self):
        with self.assertNumQueries(1):
            assert len(list(key_projects(period=MAY))) > 100

    def test_the_key_projects_are_read_from_the_database_as_the_sheet_is_written_not_held(self):
        content = bulletin_content(period=MAY)
        assert not isinstance(content.key_projects, tuple | list)
        with self.assertNumQueries(1):
            lines = list(content.key_projects)
        assert len(lines) == key_projects(period=MAY).count() > 100
        assert list(content.key_projects) == lines, "each reading gives the same lines"

    def test_the_ranking_lines_are_kept_out_of_memory_and_each_reading_gives_the_same_lines(self):
        content = bulletin_content(period=MAY)
        group = content.groups[0]
        assert not isinstance(group.lines, tuple | list)
        with self.assertNumQueries(0):
            lines = list(group.lines)
            assert list(group.lines) == lines, "each reading gives the same lines"
        assert (
            len(group.lines)
            == len(lines)
            == RankingRow.objects.filter(run__year=2022, run__month=5, run__scheme__name=group.scheme).count()
        )
        assert [line.serial for line in lines] == list(range(1, len(lines) + 1))
        assert sum(line.target for line in lines if line.target is not None) == group.total.target

    def test_text_from_users_is_written_as_text_never_as_a_formula(self):
        project = Project.objects.filter(level__in=KEY_LEVELS, reports__month=5).first()
        Project.objects.filter(pk=project.pk).update(name='=HYPERLINK("http://evil.example","点我")')
        ProjectReport.objects.filter(project=project, month=5).update(progress="@SUM(1+1)")
        sheet = read(bulletin_workbook(period=MAY))["重点项目"]
        row = next(row for row in sheet.iter_rows(min_row=4) if row[2].value == project.code)
        for cell in (row[1], row[11]):
            assert cell.data_type == "s" and cell.quotePrefix, cell.value
        assert row[1].value.startswith("=HYPERLINK") and row[11].value == "@SUM(1+1)"

    def test_the_workbook_is_streamed_and_the_key_project_names_still_fit_their_column(self):
        workbook = bulletin_workbook(period=MAY)
        assert isinstance(workbook, StreamedWorkbook) and workbook.book.constant_memory
        sheet = read(workbook)["重点项目"]
        assert sheet.column_dimensions["B"].width == 36, "the name column keeps its set width"
        codes = [row[2].value for row in sheet.iter_rows(min_row=4) if row[2].value]
        assert len(codes) > 100
        assert sheet.column_dimensions["C"].width >= max(display_width(code) for code in codes)

    def test_the_title_names_the_deployment(self):
        with override_settings(DEPLOYMENT_NAME="二七区"):
            sheet = read(bulletin_workbook(period=MAY))["办事处"]
        assert sheet["A1"].value == "二七区固定资产投资完成情况通报（2022年1-5月）"

    def test_a_period_nobody_ranked_yet_is_a_draft_that_ranks_nothing(self):
        RankingRun.objects.filter(year=2022, month=10).delete()
        Escalation.objects.filter(year=2022, month=10).delete()
        sheet = read(bulletin_workbook(period=OCTOBER))["办事处"]
        assert sheet["A1"].value == DRAFT_TITLE
        assert "尚未计算排名" in sheet["A4"].value
        assert not RankingRun.objects.filter(year=2022, month=10).exists(), "a read writes nothing"

    def test_a_period_without_figures_says_so_for_every_group(self):
        workbook = read(bulletin_workbook(period=Period(2022, 12)))
        for group in ("办事处", "局办"):
            assert "本期无数据" in workbook[group]["A4"].value, group
        assert not RankingRun.objects.filter(year=2022, month=12).exists()

    def test_it_opens_with_the_jurisdictions_total_against_target_time_progress_and_last_year(self):
        figures = OfficialFigure.objects.filter(
            year=2022, month=5, unit__ranking_groups__name="办事处"
        ).aggregate(ytd=Sum("ytd_completed"), baseline=Sum("baseline"))
        target = PlanYear.objects.get(year=2022).fai_target
        total_yi = (figures["ytd"] / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP)
        completion = (figures["ytd"] * 100 / target).quantize(ONE_DECIMAL, ROUND_HALF_UP)
        growth = ((figures["ytd"] / figures["baseline"] - 1) * 100).quantize(ONE_DECIMAL, ROUND_HALF_UP)
        gap = abs(completion - Decimal("41.7"))
        side = "超过" if completion > Decimal("41.7") else "落后"
        assert (
            f"截至2022年5月，全区固定资产投资累计完成{total_yi}亿元，占年度目标的{completion}%，"
            f"时序进度41.7%，{side}时序进度 {gap} 个百分点，同比增长{growth}%。"
        ) in self.text

    def test_it_names_the_first_and_the_last_of_each_group_and_what_follows_for_the_last(self):
        for group, metric in (("办事处", "增速"), ("局办", "完成率")):
            rows = [row for row in self.ranked if row["group"] == group]
            first = next(row for row in rows if row["rank"] == 1)
            last = next(row for row in rows if row["bottom"])
            assert f"{group}中，{metric}第一的是{first['unit']}（{first['value']}%）" in self.text
            assert f"倒数第一的是{last['unit']}（{last['value']}%）" in self.text
        assert "京航办事处本期排名倒数第一，予以通报批评（1级）。" in self.text

    def test_before_publication_what_follows_for_the_last_is_only_proposed(self):
        draft = docx.Document(io.BytesIO(self.draft_document_bytes))
        assert title_of(draft) == DRAFT_TITLE
        assert "排名倒数第一，拟" in "\n".join(paragraph.text for paragraph in draft.paragraphs)

    def test_the_title_follows_the_letterhead_and_the_tables_follow_on_a4_landscape(self):
        texts = [paragraph.text for paragraph in self.document.paragraphs]
        assert texts[:4] == ["郑州经济技术开发区经济发展局", "", "郑经发〔2022〕5号", ""]
        assert texts[4] == TITLE.replace("（", "\n（", 1), "the title, the period on its own line"
        authority = self.document.paragraphs[0].runs[0]
        assert authority.font.color.rgb == RGBColor(0xFF, 0x00, 0x00)
        assert authority.font.name == "方正小标宋简体"
        assert 'w:color="FF0000"' in self.document.paragraphs[2]._p.xml, "the red line under the 文号"
        portrait, landscape = self.document.sections
        assert (round(portrait.page_width.mm), round(portrait.page_height.mm)) == (210, 297)
        assert (round(landscape.page_width.mm), round(landscape.page_height.mm)) == (297, 210)
        # GB/T 9704-2012 5.2: 天头 37mm, 订口 28mm, 版心 156mm × 225mm.
        margins = [
            round(getattr(portrait, f"{side}_margin").mm) for side in ("top", "bottom", "left", "right")
        ]
        assert margins == [37, 35, 28, 26]
        normal = self.document.styles["Normal"]
        assert (normal.font.name, normal.font.size.pt) == ("仿宋", 16)

    def test_the_signatory_and_the_date_close_the_text_before_the_tables(self):
        texts = [paragraph.text for paragraph in self.document.paragraphs]
        signatory = texts.index("郑州经济技术开发区经济发展局", 1)
        assert texts[signatory + 1] == "2022年11月9日", "the demo's business date is the 成文日期"
        assert texts.index("各单位完成情况及排名见附表。") < signatory < texts.index("附表1")
        assert f"附表：1．{self.ranked[0]['group']}" not in texts
        assert any(text.startswith("附表：1．") for text in texts)

    def test_no_text_names_another_jurisdiction(self):
        text = "\n".join(paragraph.text for paragraph in self.document.paragraphs)
        for name in ("管城", "二七区", "海州", "郑州市"):
            assert name not in text
        assert "按照末位增速约谈制，" in text

    def test_the_ranking_tables_hold_the_same_rows_as_the_rank_command(self):
        subdistricts, bureaus = self.document.tables
        assert [cell.text for cell in subdistricts.rows[0].cells] == HEADER
        widths = [column.width.mm for column in subdistricts.columns]
        # What they print is checked on a real conversion (test_bulletin_pdf): 5,370,000 and
        # 自然资源和规划分局 each on one line.
        assert round(widths[2]) == 23 and round(widths[1]) == 38
        assert round(sum(widths)) == 297 - 37 - 35, "the table fills the landscape page between the margins"
        assert subdistricts.rows[1].cells[1].text == "合计"
        for table, group in ((subdistricts, "办事处"), (bureaus, "局办")):
            shown = {row.cells[1].text: row.cells[9].text for row in table.rows[2:]}
            expected = {row["unit"]: str(row["rank"]) for row in self.ranked if row["group"] == group}
            assert shown == expected


class BulletinPublicationTests(DemoTestCase):
    """Publishing, the pages and the command, with 2022-02 and 2022-03 published and 2022-10 not."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for month in (2, 3):
            period_publish(period=Period(2022, month))

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.folder = Path(directory.name)

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def url(self, month: int, kind: str = "workbook") -> str:
        return reverse(f"reporting:bulletin_{kind}", kwargs={"year": 2022, "month": month})

    def export(self, period: str, *extra: str) -> str:
        out = StringIO()
        call_command(
            "export_bulletin", "--period", period, "--output", str(self.folder / "b.xlsx"), *extra, stdout=out
        )
        return out.getvalue()

    def stored(self) -> tuple[bytes, bytes]:
        return stored_bytes(Bulletin.objects.get(year=2022, month=2))

    def test_publishing_the_period_stores_the_workbook_and_the_document(self):
        bulletin = Bulletin.objects.get(year=2022, month=2)
        assert bulletin.status == RunStatus.PUBLISHED and bulletin.published_at is not None
        workbook, document = self.stored()
        assert load_workbook(io.BytesIO(workbook))["办事处"]["A1"].value.endswith("（2022年1-2月）")
        assert title_of(docx.Document(io.BytesIO(document))).endswith("（2022年1-2月）")

    def test_publishing_twice_keeps_the_same_stored_bytes(self):
        before = self.stored()
        assert bulletin_publish(period=Period(2022, 2)) is False
        period_publish(period=Period(2022, 2))
        assert self.stored() == before
        assert Bulletin.objects.filter(year=2022, month=2).count() == 1

    def test_a_bulletin_is_not_published_before_its_rankings(self):
        runs = list(RankingRun.objects.filter(year=2022, month=10).values_list("pk", "status"))
        with self.assertRaises(BulletinError):
            bulletin_publish(period=OCTOBER)
        assert not Bulletin.objects.filter(year=2022, month=10).exists()
        assert list(RankingRun.objects.filter(year=2022, month=10).values_list("pk", "status")) == runs, (
            "nor does it rank the period"
        )

    def test_anyone_with_a_role_downloads_the_published_files_unchanged(self):
        bulletin = Bulletin.objects.get(year=2022, month=2)
        self.login("minghu_reporter")
        for kind, stored in (("workbook", bulletin.workbook), ("document", bulletin.document)):
            response = self.client.get(self.url(2, kind))
            assert response.status_code == 200
            with stored.open("rb") as handle:
                assert b"".join(response.streaming_content) == handle.read()
        assert "2022%E5%B9%B41-2%E6%9C%88" in response["Content-Disposition"]

    def test_only_the_lead_offices_readers_download_a_draft(self):
        self.login("minghu_reporter")
        assert self.client.get(self.url(10)).status_code == 403
        assert self.client.get(self.url(10, "document")).status_code == 403
        for username in ("admin", "reviewer", "leader"):
            self.login(username)
            response = self.client.get(self.url(10))
            assert response.status_code == 200, username
            assert load_workbook(io.BytesIO(response.content))["办事处"]["A1"].value == DRAFT_TITLE
        assert "%EF%BC%88%E8%8D%89%E7%A8%BF%EF%BC%89" in response["Content-Disposition"]  # （草稿）

    def test_a_user_without_a_role_or_a_login_gets_nothing(self):
        assert self.client.get(self.url(2)).status_code == 302
        self.client.force_login(User.objects.create_user("nobody", password="Ceshi@2022pass"))
        assert self.client.get(self.url(2)).status_code == 403

    def test_a_draft_of_a_period_without_figures_explains_why_there_is_none(self):
        self.login("leader")
        response = self.client.get(self.url(12))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content))["办事处"]
        assert "本期无数据" in sheet["A4"].value

    def test_a_month_that_is_no_period_is_not_found(self):
        self.login("leader")
        assert self.client.get(reverse("reporting:bulletin_workbook", args=[2022, 1])).status_code == 404

    def test_the_list_offers_drafts_only_to_the_lead_offices_readers(self):
        self.login("leader")
        html = self.client.get(reverse("reporting:bulletins"), {"period": "2022-10"}).content.decode()
        assert "2022年1-2月" in html and self.url(2) in html
        assert "2022年1-10月" in html and self.url(10) in html
        self.login("minghu_reporter")
        html = self.client.get(reverse("reporting:bulletins"), {"period": "2022-10"}).content.decode()
        assert self.url(2) in html and self.url(10) not in html

    def test_the_list_runs_the_same_number_of_queries_however_many_bulletins(self):
        self.login("leader")
        with self.assertNumQueries(11):
            self.client.get(reverse("reporting:bulletins"))
        period_publish(period=OCTOBER)
        with self.assertNumQueries(11):
            self.client.get(reverse("reporting:bulletins"))

    def test_export_bulletin_writes_a_published_periods_stored_files_unchanged(self):
        assert "已发布" in self.export("2022-02", "--docx", str(self.folder / "b.docx"))
        bulletin = Bulletin.objects.get(year=2022, month=2)
        with bulletin.workbook.open("rb") as workbook, bulletin.document.open("rb") as document:
            assert (self.folder / "b.xlsx").read_bytes() == workbook.read()
            assert (self.folder / "b.docx").read_bytes() == document.read()

    def test_export_bulletin_writes_a_draft_and_its_word_version_for_an_unpublished_period(self):
        assert "草稿" in self.export("2022-10", "--docx", str(self.folder / "b.docx"))
        assert load_workbook(self.folder / "b.xlsx")["局办"]["A1"].value == DRAFT_TITLE
        assert title_of(docx.Document(self.folder / "b.docx")) == DRAFT_TITLE

    def test_export_bulletin_saves_a_draft_straight_to_its_file_not_to_bytes_first(self):
        with mock.patch.object(
            StreamedWorkbook, "save", autospec=True, side_effect=StreamedWorkbook.save
        ) as save:
            self.export("2022-10")
        assert save.call_args.args[1] == self.folder / "b.xlsx"
        assert load_workbook(self.folder / "b.xlsx")["局办"]["A1"].value == DRAFT_TITLE

    def test_export_bulletin_refuses_a_bad_period_in_chinese(self):
        with self.assertRaisesMessage(CommandError, "统计期格式应为 YYYY-MM"):
            self.export("五月")

    def test_downloads_run_a_fixed_number_of_queries(self):
        self.login("leader")
        for month in (2, 3):
            with self.assertNumQueries(8):
                self.client.get(self.url(month))
        self.client.get(self.url(10))  # ranks the period if nobody has yet
        # One query reads each scheme's rows (two schemes): a number that grows with the schemes
        # configured, never with the units ranked; the letterhead and the business date are one each.
        with self.assertNumQueries(17):
            self.client.get(self.url(10))
