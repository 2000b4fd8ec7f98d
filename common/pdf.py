"""Word to PDF through LibreOffice, where the machine has it.

The product offers a PDF only when ``pdf_available()``: LibreOffice is optional, and a server without
it offers Word and Excel alone rather than a link that fails.

The conversion reads ``fontconfig/fonts.conf`` beside this module: the fonts GB/T 9704 names (仿宋, 宋体,
方正小标宋简体, 黑体) are seldom installed on a server, and fontconfig's own choice for an unknown name is
a sans-serif face in its Japanese form. The file sends each to an installed face of its kind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CONVERTERS = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 120
FONT_CONFIGURATION = Path(__file__).resolve().parent / "fontconfig" / "fonts.conf"
UNAVAILABLE = "本机未安装 LibreOffice，无法将通报转换为 PDF；请下载 Word 或 Excel 版本。"


class PdfUnavailable(RuntimeError):
    pass


def pdf_converter() -> str | None:
    return next((path for name in CONVERTERS if (path := shutil.which(name))), None)


def pdf_available() -> bool:
    return pdf_converter() is not None


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF LibreOffice prints from a .docx, in a private profile so parallel requests never share one."""
    converter = pdf_converter()
    if converter is None:
        raise PdfUnavailable(UNAVAILABLE)
    with tempfile.TemporaryDirectory(prefix="investtrack-pdf-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(data)
        result = subprocess.run(
            [
                converter,
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
            env={**os.environ, "FONTCONFIG_FILE": str(FONT_CONFIGURATION)},
        )
        target = source.with_suffix(".pdf")
        if result.returncode != 0 or not target.exists():
            raise PdfUnavailable(f"PDF 转换失败：{result.stderr.decode(errors='replace')[-200:]}")
        return target.read_bytes()
