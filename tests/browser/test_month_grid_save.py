"""In a real browser: 保存草稿 on the month grid saves the changed line without reloading the page,
so the reporter stays where they were, and the line's 本年累计 and the unit's totals are the saved ones."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.models import ProjectReport
from targets.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


# How long the script's answer may take on a loaded machine (expect's own default is 5 s).
ANSWER_MS = 60_000
# A change small enough to pass every rule (no confirmation asked) whatever the line held.
DELTA = Decimal("1.23")


def wan(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_saving_a_draft_keeps_the_scroll_and_the_focus_and_updates_the_line_and_the_unit_totals(log_in):
    reporter = log_in("minghu_reporter")
    page = reporter.page
    minghu = Unit.objects.get(name="明湖办事处")
    reporter.open(reverse("reporting:month", args=[minghu.pk, 2022, 10]))
    rows = page.locator(".month-grid tbody tr[data-project]")
    assert rows.count() >= 8, "the demo's month has enough lines to scroll"

    # The last line of the grid, scrolled into view inside the grid's box.
    row = rows.last
    amount = row.locator("td.grid-amount input[type=number]")
    amount.scroll_into_view_if_needed()
    box = page.locator(".month-grid-scroll")
    scrolled = box.evaluate("box => box.scrollTop")
    assert scrolled > 0, "the grid's box has scrolled to its last line"
    window_scrolled = page.evaluate("window.scrollY")
    page.evaluate("window.notReloaded = true")

    before = row.get_attribute("data-before")
    old_amount = wan(amount.input_value() or "0")
    total_amount = wan(page.locator("#total-amount").inner_text())
    total_ytd = wan(page.locator("#total-ytd").inner_text())
    new_amount = old_amount + DELTA
    amount.fill(str(new_amount))
    page.click("button[value=save]")

    expect(page.locator("#grid-status")).to_contain_text("草稿已保存：共修改 1 个项目。", timeout=ANSWER_MS)
    assert page.evaluate("window.notReloaded") is True, "the page was not reloaded"
    assert box.evaluate("box => box.scrollTop") == scrolled
    assert page.evaluate("window.scrollY") == window_scrolled
    assert amount.evaluate("input => input === document.activeElement"), "the focus is back in the line"

    expected_ytd = Decimal(before) + new_amount
    assert wan(row.locator("td.ytd").inner_text()) == expected_ytd
    assert wan(page.locator("#total-amount").inner_text()) == total_amount + DELTA
    assert wan(page.locator("#total-ytd").inner_text()) == total_ytd + DELTA
    project_id = int(row.get_attribute("data-project"))
    report = ProjectReport.objects.get(project_id=project_id, year=2022, month=10)
    assert report.amount == new_amount
    assert row.locator(f"input[name=version_{project_id}]").input_value() == str(report.version)
    assert "table-warning" not in (row.get_attribute("class") or "")

    # A second change to the same line goes out with the new version and is saved too.
    amount.fill(str(new_amount + 1))
    amount.press("Control+s")
    # The message reads as after the first save: the line's new version says the answer came.
    version = row.locator(f"input[name=version_{project_id}]")
    expect(version).to_have_value(str(report.version + 1), timeout=ANSWER_MS)
    expect(page.locator("#grid-status")).to_contain_text("草稿已保存：共修改 1 个项目。")
    assert wan(row.locator("td.ytd").inner_text()) == expected_ytd + 1
    assert ProjectReport.objects.get(project_id=project_id, year=2022, month=10).amount == new_amount + 1
    assert box.evaluate("box => box.scrollTop") == scrolled
    assert reporter.errors == []


def test_a_refused_line_says_why_next_to_it_and_keeps_what_was_typed(log_in):
    reporter = log_in("minghu_reporter")
    page = reporter.page
    minghu = Unit.objects.get(name="明湖办事处")
    reporter.open(reverse("reporting:month", args=[minghu.pk, 2022, 10]))
    row = page.locator(".month-grid tbody tr[data-project]").nth(1)
    amount = row.locator("td.grid-amount input[type=number]")
    amount.fill("-5")
    page.click("button[value=save]")

    expect(page.locator("#grid-status")).to_contain_text("尚未保存", timeout=ANSWER_MS)
    expect(row.locator(".text-danger")).to_contain_text("不能为负数", timeout=ANSWER_MS)
    assert amount.input_value() == "-5"
    assert amount.get_attribute("aria-invalid") == "true"
    assert "table-danger" in row.get_attribute("class")
    # The browser logs the 422 answer itself as a failed resource; the page's script raised nothing.
    assert [error for error in reporter.errors if error.startswith("pageerror")] == []
