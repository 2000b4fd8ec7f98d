"""The 通报 as PDF: converted from the Word file by LibreOffice, and offered only where it is installed.

The tests stand a small script in for LibreOffice's ``soffice``: it is called as LibreOffice is and
writes the PDF where LibreOffice would, so the tests need no office suite on the machine."""

import os
import stat
import tempfile
from pathlib import Path
from unittest import mock

from django.urls import reverse

from accounts.models import User
from common.pdf import pdf_available
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
        return mock.patch.dict(os.environ, {"PATH": str(self.bin)})

    def test_without_libreoffice_no_pdf_is_offered_and_its_address_is_not_found(self):
        with self.without_libreoffice():
            assert not pdf_available()
            page = self.client.get(reverse("reporting:bulletins")).content.decode()
            assert "通报文稿（Word）" in page and "通报文稿（PDF）" not in page
            assert self.client.get(reverse("reporting:bulletin_pdf", args=[2022, 5])).status_code == 404

    def test_with_libreoffice_the_published_word_file_is_converted_and_offered(self):
        with self.with_libreoffice():
            page = self.client.get(reverse("reporting:bulletins")).content.decode()
            assert reverse("reporting:bulletin_pdf", args=[2022, 5]) in page
            response = self.client.get(reverse("reporting:bulletin_pdf", args=[2022, 5]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content == b"%PDF-1.4 converted"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment") and ".pdf" in disposition
