"""Debian packages some tests need beyond PyPI (Chromium, LibreOffice, CJK fonts, poppler's pdftotext),
installed with apt-get when missing, so that a test that needs them runs everywhere rather than being
skipped. Without apt-get the test fails and says what to install."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

_updated = False


def apt_install(*packages: str) -> None:
    global _updated
    apt = shutil.which("apt-get")
    if apt is None:
        pytest.fail(f"apt-get is not available to install {' '.join(packages)}", pytrace=False)
    commands = [] if _updated else [[apt, "update"]]
    commands.append([apt, "install", "-y", "--no-install-recommends", *packages])
    for command in commands:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        if result.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}", pytrace=False)
    _updated = True


def has_cjk_font() -> bool:
    """A Simplified Chinese face fontconfig knows (what Chromium and LibreOffice draw Chinese with)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    result = subprocess.run([fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, check=False)
    return bool(result.stdout.strip())


def ensure_cjk_fonts() -> None:
    if not has_cjk_font():
        apt_install("fonts-noto-cjk", "fontconfig")
        if not has_cjk_font():
            pytest.fail(
                "apt-get installed fonts-noto-cjk but fontconfig lists no Chinese font", pytrace=False
            )


def ensure_commands(commands: dict[str, str]) -> None:
    """Each command on the PATH, installing its package (command → package) when it is missing."""
    missing = {package for command, package in commands.items() if shutil.which(command) is None}
    if missing:
        apt_install(*sorted(missing))
    still = [command for command in commands if shutil.which(command) is None]
    if still:
        pytest.fail(f"still missing after apt-get install: {', '.join(still)}", pytrace=False)
