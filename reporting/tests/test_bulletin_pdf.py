"""The 通报 as PDF: converted from the Word file by LibreOffice, and offered only where it is installed.

Where the product finds no LibreOffice, it offers no PDF. A small script stands in for ``soffice`` to
follow the published file through the conversion; the demo's 1-10月 draft is then converted by a real
LibreOffice (installed with apt-get when missing) and read back with pdftotext."""

import os
import stat
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from accounts.models import User
from common.pdf import pdf_available
from reporting.tests.pdf_reading import (
    font_names,
    page_sizes_mm,
    pdf_text,
    require_libreoffice,
    without_spaces,
)
from tests.base import DemoTestCase

FAKE_SOFFICE = """#!/bin/sh
out=""; prev=""; source=""
for arg in "$@"; do
  if [ "$prev" = "--outdir" ]; then out="$arg"; fi
  prev="$arg"; source="$arg"
done
printf '%%PDF-1.4 converted' > "$out/$(basename "$source" .docx).pdf"
"""


class BulletinPdfTests(DemoTestCase):
    def setUp(self):
        self.client.force_login(User.objects.get(username="leader"))
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.bin = Path(folder.name)

    def with_libreoffice(self):
        script = self.bin / "soffice"
        script.write_text(FAKE_SOFFICE)
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        return mock.patch.dict(os.environ, {"PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}"})

    def without_libreoffice(self):
        return mock.patch("common.pdf.shutil.which", return_value=None)

    def test_without_libreoffice_no_pdf_is_offered_and_its_address_says_why_in_chinese(self):
        with self.without_libreoffice():
            assert not pdf_available()
            page = self.client.get(reverse("reporting:bulletins")).content.decode()
            assert "通报文稿（Word）" in page and "通报文稿（PDF）" not in page
            assert "2022/10/pdf" not in page, "nor for the draft"
            response = self.client.get(reverse("reporting:bulletin_pdf", args=[2022, 5]))
        assert response.status_code == 404
        text = response.content.decode()
        assert "本机未安装 LibreOffice，无法将通报转换为 PDF；请下载 Word 或 Excel 版本。" in text
        assert reverse("reporting:bulletins") in text

    def test_with_libreoffice_the_published_word_file_is_converted_and_offered(self):
        with self.with_libreoffice():
            page = self.client.get(reverse("reporting:bulletins")).content.decode()
            assert reverse("reporting:bulletin_pdf", args=[2022, 5]) in page
            response = self.client.get(reverse("reporting:bulletin_pdf", args=[2022, 5]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content == b"%PDF-1.4 converted"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment") and ".pdf" in disposition


@pytest.mark.libreoffice
class RealLibreOfficeTests(DemoTestCase):
    """The demo's 1-10月 通报 as the lead office downloads it, printed by LibreOffice itself.

    The PDF is downloaded once for the class (a conversion takes seconds); each test reads it."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        require_libreoffice()
        cls.pdf = cls.download()

    def setUp(self):
        self.client.force_login(User.objects.get(username="leader"))

    @staticmethod
    def download() -> bytes:
        client = Client()
        client.force_login(User.objects.get(username="leader"))
        page = client.get(reverse("reporting:bulletins")).content.decode()
        address = reverse("reporting:bulletin_pdf", args=[2022, 10])
        assert address in page, "the draft's PDF is offered where LibreOffice is installed"
        response = client.get(address)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        return response.content

    def test_the_pdf_carries_the_letterhead_the_title_and_the_cockpits_figure(self):
        cockpit = lxml_html.fromstring(
            self.client.get(reverse("reporting:cockpit") + "?period=2022-10").content
        )
        headline = cockpit.xpath("//div[contains(@class, 'cockpit-headline')]//div[@class='display-6']")
        total_yi, completion = (element.text_content().split()[0] for element in headline[:2])
        pdf = self.pdf
        text = without_spaces(pdf_text(pdf))
        assert text.startswith("郑州经济技术开发区经济发展局郑经发〔2022〕10号")
        assert "经开区固定资产投资完成情况通报（2022年1-10月）（草稿）" in text
        assert f"全区固定资产投资累计完成{total_yi}亿元，占年度目标的{completion}，" in text
        assert text.index("各单位完成情况及排名见附表。") < text.index("2022年11月9日") < text.index("附表1")

    def test_the_letter_is_a4_portrait_and_the_tables_a4_landscape(self):
        sizes = page_sizes_mm(self.pdf)
        assert sizes[0] == (210, 297)
        assert sizes[-1] == (297, 210)
        assert sizes == sorted(sizes), "the portrait pages come first"

    def test_the_standards_fonts_fall_back_to_chinese_serif_and_sans_faces(self):
        fonts = font_names(self.pdf)
        assert any("Serif" in name or "Song" in name or "Ming" in name for name in fonts), fonts
        assert any("Sans" in name or "Hei" in name for name in fonts), fonts
        assert not any("DejaVu" in name or "Liberation" in name for name in fonts), (
            "no text fell to a face without Chinese",
            fonts,
        )

    def test_each_table_row_stays_on_one_line(self):
        lines = pdf_text(self.pdf, layout=True).splitlines()
        total = next(line for line in lines if line.split()[:1] == ["合计"])
        assert "5,370,000" in total.split()
        assert any("自然资源和规划分局" in line and "500,000" in line for line in lines)
