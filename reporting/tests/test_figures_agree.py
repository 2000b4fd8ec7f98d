"""The same period read on the cockpit, in the 通报 workbook, in its Word document and in the PDF
LibreOffice prints from it: every figure a leader compares is the same string in all of them (the
demo's 1-10月, drafted, as the lead office sees it)."""

import io
import re

import docx
import pytest
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html
from openpyxl import load_workbook

from accounts.models import User
from common.figures import format_wan
from common.pdf import docx_to_pdf
from common.periods import Period
from common.spreadsheets import workbook_response_bytes
from reporting.bulletin.service import bulletin_document, bulletin_workbook
from reporting.tests.pdf_reading import pdf_text, require_libreoffice, without_spaces
from targets.models import Unit
from tests.base import DemoTestCase

OCTOBER = Period(2022, 10)
GAP = re.compile(r"(?:落后|超过)时序进度 \d+\.\d 个百分点|与时序进度持平")


def xlsx_text(cell) -> str:
    """A workbook cell as Excel shows it with its number format (#,##0 or 0.0)."""
    places = len(cell.number_format.split(".")[1]) if "." in cell.number_format else 0
    return format_wan(cell.value, places)


class FiguresAgreeAcrossFormatsTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.names = {unit.name: unit.display_name for unit in Unit.objects.all()}
        # The three are made once for the class; each test reads its own parsed copy.
        client = Client()
        client.force_login(User.objects.get(username="admin"))
        page = client.get(reverse("reporting:cockpit") + f"?period={OCTOBER}")
        assert page.status_code == 200
        cls.page_html = page.content.decode()
        cls.workbook_bytes = workbook_response_bytes(bulletin_workbook(period=OCTOBER))
        cls.document_bytes = bulletin_document(period=OCTOBER)

    def setUp(self):
        self.page = lxml_html.fromstring(self.page_html)
        self.workbook = load_workbook(io.BytesIO(self.workbook_bytes))
        self.document = docx.Document(io.BytesIO(self.document_bytes))

    def cockpit_rows(self) -> dict[str, tuple[str, str]]:
        """办事处 on the cockpit: unit → (累计完成, 增速)."""
        section = next(
            section
            for section in self.page.xpath("//section[contains(@class, 'cockpit-group')]")
            if "办事处" in section.xpath(".//div[contains(@class, 'card-header')]/a")[0].text_content()
        )
        rows = {}
        for row in section.xpath(".//table/tbody/tr"):
            cells = [cell.text_content().strip() for cell in row.xpath("./td")]
            rows[cells[1]] = (cells[2], cells[3])
        return rows

    def test_the_gap_to_time_progress_reads_the_same_on_the_cockpit_and_in_the_word_text(self):
        cockpit = self.page.xpath("//span[@class='time-progress-gap']")[0].text_content().strip()
        assert GAP.fullmatch(cockpit), cockpit
        text = "\n".join(paragraph.text for paragraph in self.document.paragraphs)
        assert GAP.findall(text)[0] == cockpit
        headline = (
            self.page.xpath("//div[contains(@class, 'cockpit-headline')]//div[@class='display-6']")[1]
            .text_content()
            .split()[0]
        )
        assert f"占年度目标的{headline}" in text

    def test_each_sub_districts_amount_and_growth_read_the_same_in_all_three(self):
        cockpit = self.cockpit_rows()
        sheet = self.workbook["办事处"]
        header = [cell.value for cell in sheet[3]]
        unit_column, ytd_column, growth_column = (header.index(name) for name in ("单位", "累计完成", "增速"))
        workbook = {
            self.names[row[unit_column].value]: (
                xlsx_text(row[ytd_column]),
                f"{xlsx_text(row[growth_column])}%",
            )
            for row in sheet.iter_rows(min_row=5)
            if isinstance(row[0].value, int)
        }
        table = self.document.tables[0]
        word_header = [cell.text for cell in table.rows[0].cells]
        word = {
            self.names[cells[word_header.index("单位")].text]: (
                cells[word_header.index("累计完成")].text,
                f"{cells[word_header.index('增速')].text}%",
            )
            for cells in (row.cells for row in table.rows[2:])
        }
        assert len(cockpit) == 6
        assert cockpit == workbook == word

    def test_the_bureaus_total_says_why_it_differs_from_the_sub_districts_total(self):
        totals = {name: self.workbook[name]["D4"].value for name in ("办事处", "局办")}
        assert totals["办事处"] != totals["局办"]
        note = next(
            row[0].value
            for row in self.workbook["局办"].iter_rows(min_row=5)
            if isinstance(row[0].value, str) and row[0].value.startswith("注：")
        )
        assert (
            f"局办合计按责任口径（按项目责任单位）统计，累计完成{format_wan(totals['局办'])}万元；"
            f"办事处合计按属地口径统计为{format_wan(totals['办事处'])}万元。"
        ) in note
        text = "\n".join(paragraph.text for paragraph in self.document.paragraphs)
        assert f"办事处合计按属地口径（按项目所在地）统计，累计完成{format_wan(totals['办事处'])}万元" in text

    @pytest.mark.libreoffice
    def test_the_pdf_reads_as_the_cockpit_figure_by_figure(self):
        require_libreoffice()
        pdf = docx_to_pdf(self.document_bytes)
        text = without_spaces(pdf_text(pdf))
        headline = self.page.xpath("//div[contains(@class, 'cockpit-headline')]//div[@class='display-6']")
        total_yi, completion, growth = (element.text_content().split()[0] for element in headline[:3])
        gap = self.page.xpath("//span[@class='time-progress-gap']")[0].text_content().strip()
        assert (
            f"全区固定资产投资累计完成{total_yi}亿元，占年度目标的{completion}，"
            f"时序进度83.3%，{without_spaces(gap)}，同比增长{growth}。"
        ) in text
        # A table row is one line of the layout text, its cells in the order of the Word table; a
        # wrapped 备注 may be drawn into a neighbouring cell, so the figures are looked up as words.
        lines = pdf_text(pdf, layout=True).splitlines()
        full_names = {short: name for name, short in self.names.items()}
        for unit, (ytd, growth) in self.cockpit_rows().items():
            row = next(line.split() for line in lines if full_names[unit] in line.split()[:2])
            assert ytd in row and growth.removesuffix("%") in row, (unit, ytd, growth, row)
