"""Reading a PDF the product wrote, with poppler's command-line tools, and the real LibreOffice the
conversion needs; both are installed with apt-get where missing (tests/system_packages.py)."""

from __future__ import annotations

import re
import subprocess
import tempfile

from tests.system_packages import ensure_cjk_fonts, ensure_commands

PAGE_SIZE = re.compile(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", re.MULTILINE)


def require_libreoffice() -> None:
    ensure_commands(
        {
            "soffice": "libreoffice-writer-nogui",
            "pdftotext": "poppler-utils",
            "pdfinfo": "poppler-utils",
            "pdffonts": "poppler-utils",
        }
    )
    ensure_cjk_fonts()


def _run(tool: list[str], data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        return subprocess.run(
            [*tool, pdf.name, *([] if tool[0] != "pdftotext" else ["-"])],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def pdf_text(data: bytes, *, layout: bool = False) -> str:
    """The text as pdftotext reads it; with ``layout`` each table row stays on one line."""
    return _run(["pdftotext", *(["-layout"] if layout else [])], data)


def without_spaces(text: str) -> str:
    """Text whose line breaks and spacing are the page's: a phrase may wrap anywhere."""
    return re.sub(r"\s+", "", text)


def page_sizes_mm(data: bytes) -> list[tuple[int, int]]:
    sizes = PAGE_SIZE.findall(_run(["pdfinfo", "-f", "1", "-l", "999"], data))
    return [(round(float(width) * 25.4 / 72), round(float(height) * 25.4 / 72)) for width, height in sizes]


def font_names(data: bytes) -> list[str]:
    """The embedded fonts' names (pdffonts' first column), e.g. BAAAAA+NotoSerifCJKjp-Regular."""
    lines = _run(["pdffonts"], data).splitlines()[2:]
    return [line.split()[0] for line in lines if line.strip()]
