"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Nothing is downloaded by Playwright: the browser is /usr/bin/chromium, installed with apt-get when
missing, as are Chinese fonts (fonts-noto-cjk) when fontconfig lists none. Screenshots (and the
pages printed to A4) go to $SCREENSHOT_DIR, by default /tmp/investtrack-screenshots; the folder is
printed at the end of the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import connection
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from demo.constants import DEMO_PASSWORD
from tests.base import demo_rows_insert
from tests.browser.live_server import live_server_started
from tests.system_packages import apt_install, ensure_cjk_fonts

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/investtrack-screenshots"))


def _install_chromium() -> None:
    apt_install("chromium")
    if not CHROMIUM.exists():
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} is still missing", pytrace=False)


@pytest.fixture(scope="session")
def migrated_rows(django_db_setup) -> str:
    """The rows the migrations seeded (indicators, role groups, ladder presets), as serialized when
    the test database was set up. Read before Playwright starts: its greenlet gives later code a
    connection object of its own, which lacks them, so serialized_rollback alone cannot restore them."""
    return connection._test_serialized_contents


@pytest.fixture(scope="session")
def chromium(migrated_rows) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _install_chromium()
    # Without a Chinese font the screenshots show boxes where the pages have text.
    ensure_cjk_fonts()
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are plain
    # synchronous code that only looks async to Django's check.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request) -> Iterator[LiveServer]:
    """pytest-django's live server, at the address it would take, serving one request at a time over
    a test database in memory (``live_server_started``)."""
    address = (
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    )
    server = live_server_started(address)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


def pytest_terminal_summary(terminalreporter) -> None:
    if SCREENSHOT_DIR.exists() and any(SCREENSHOT_DIR.iterdir()):
        terminalreporter.write_line(f"Browser screenshots: {SCREENSHOT_DIR}")


def _restore(rows: str) -> None:
    """Save the migrations' rows again. A flush that ran post_migrate re-created content types and
    permissions under new ids: those are kept, and a group's permissions mapped by natural key."""
    if not ContentType.objects.exists():
        connection.creation.deserialize_db_from_string(rows)
        return
    objects = list(serializers.deserialize("json", rows))
    types = {
        o.object.pk: (o.object.app_label, o.object.model)
        for o in objects
        if isinstance(o.object, ContentType)
    }
    natural = {
        o.object.pk: (types[o.object.content_type_id], o.object.codename)
        for o in objects
        if isinstance(o.object, Permission)
    }
    current = {
        ((p.content_type.app_label, p.content_type.model), p.codename): p.pk
        for p in Permission.objects.select_related("content_type")
    }
    for deserialized in objects:
        if isinstance(deserialized.object, ContentType | Permission):
            continue
        if "permissions" in deserialized.m2m_data:
            deserialized.m2m_data["permissions"] = [
                current[natural[pk]] for pk in deserialized.m2m_data["permissions"]
            ]
        deserialized.save()


@pytest.fixture
def demo(transactional_db, migrated_rows, settings):
    """The demo jurisdiction in the live server's database, over the migrations' rows that an earlier
    transactional test flushed; the identity checks that stand between a demo login and the pages
    (forced password change, second factor) are tested elsewhere. ``demo_load`` runs once per
    session (its own tests are tests/test_loaddemo.py); each test gets the rows it added again."""
    _restore(migrated_rows)
    settings.FORCE_PASSWORD_CHANGE = False
    settings.OTP_REQUIRED = False
    return demo_rows_insert()


@dataclass
class Session:
    """One logged-in user's tab, with every console error and page error it met."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.location.get('url')}: {message.text}")

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def charts_drawn(self) -> int:
        """Wait until every chart of the page is drawn; return how many there are."""
        charts = self.page.locator("[data-chart]")
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('[data-chart]')].every(c => c.dataset.rendered === 'true')"
        )
        return charts.count()


@pytest.fixture
def log_in(chromium, live_server, demo):
    contexts = []

    def log_in_as(username: str, *, phone: bool = False) -> Session:
        """A desktop window, or with ``phone`` a 390×844 touch screen (the steward's page)."""
        size = {"width": 390, "height": 844} if phone else {"width": 1400, "height": 900}
        context = chromium.new_context(viewport=size, accept_downloads=True, is_mobile=phone, has_touch=phone)
        context.set_default_timeout(60_000)  # a loaded CI machine draws slowly; a real hang still fails
        contexts.append(context)
        session = Session(context.new_page(), live_server.url)
        session.page.on("console", session.console)
        session.page.on("pageerror", lambda error: session.errors.append(f"pageerror: {error}"))
        session.open("/login/")
        session.page.fill("input[name=username]", username)
        session.page.fill("input[name=password]", DEMO_PASSWORD)
        session.page.click("button[type=submit]")
        session.page.wait_for_load_state()
        assert "/login/" not in session.page.url, f"{username} could not log in"
        return session

    yield log_in_as
    for context in contexts:
        context.close()
