"""In a real browser: a leader's cockpit, unit page, project list and export; a reporter's month."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.choices import Stage
from projects.models import Project
from reporting.choices import SubmissionStatus
from reporting.models import RankingRow, Submission
from targets.models import Unit

# The live server reads the demo from the database, so each test commits it; serialized_rollback
# brings back what the migrations seeded (the indicators) after the previous test flushed it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_leader_reads_the_cockpit_follows_the_bottom_unit_and_exports_the_filtered_projects(
    log_in, screenshot_dir
):
    leader = log_in("leader")
    page = leader.page

    leader.open(reverse("reporting:cockpit"))
    assert leader.charts_drawn() >= 4
    assert "2022年1-10月" in page.locator("h1").inner_text()

    page.fill("#id_period_picker", "2022-05")
    page.click(".period-picker button[type=submit]")
    page.wait_for_url("**/reporting/cockpit/?period=2022-05")
    assert "2022年1-5月" in page.locator("h1").inner_text()
    assert leader.charts_drawn() >= 4
    page.screenshot(path=screenshot_dir / "cockpit.png", full_page=True)
    page.emulate_media(media="print")
    page.pdf(path=screenshot_dir / "cockpit-a4.pdf", format="A4", landscape=True, print_background=True)
    page.emulate_media(media="screen")

    bottom = RankingRow.objects.select_related("unit").get(
        run__year=2022, run__month=5, run__scheme__group__name__contains="办事处", is_bottom=True
    )
    callout = page.locator(".cockpit-bottom").first
    assert bottom.unit.display_name in callout.inner_text()
    callout.get_by_text("查看该单位进度最落后的项目").click()
    page.wait_for_url(f"**{reverse('reporting:unit', args=[bottom.unit.pk])}?period=2022-05*")
    assert leader.charts_drawn() == 2
    assert page.locator("#worst-projects tbody tr").count() > 0
    page.screenshot(path=screenshot_dir / "unit.png", full_page=True)

    leader.open(reverse("projects:list"))
    total = Project.objects.count()
    assert f"共 {total} 个项目" in page.locator("h1").inner_text()
    page.select_option("#id_stage", Stage.UNDER_CONSTRUCTION.value)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**stage=construction*")
    under_construction = Project.objects.filter(stage=Stage.UNDER_CONSTRUCTION).count()
    assert f"共 {under_construction} 个项目" in page.locator("h1").inner_text()
    page.screenshot(path=screenshot_dir / "project-list.png", full_page=True)

    with page.expect_download() as download_info:
        page.click("#export-link")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = screenshot_dir / "project-list.xlsx"
    download.save_as(saved)
    rows = list(load_workbook(BytesIO(saved.read_bytes())).active.iter_rows(values_only=True))
    header = next(index for index, row in enumerate(rows) if row[0] == "项目名称")
    assert len([row for row in rows[header + 1 :] if row[0]]) == under_construction

    assert leader.errors == []


def test_a_reporter_enters_and_submits_octobers_month(log_in, screenshot_dir):
    reporter = log_in("minghu_reporter")
    page = reporter.page
    minghu = Unit.objects.get(name="明湖办事处")

    reporter.open(reverse("reporting:month", args=[minghu.pk, 2022, 10]))
    amounts = page.locator("input[type=number]")
    assert amounts.count() > 0
    amounts.first.fill("123.45")
    page.click("button[value=save]")
    page.wait_for_load_state()
    assert "草稿已保存" in page.locator("main").inner_text()

    page.click("button[value=submit]")
    page.wait_for_load_state()
    assert "已保存并报送" in page.locator("main").inner_text()
    page.screenshot(path=screenshot_dir / "month-submitted.png", full_page=True)
    assert Submission.objects.get(unit=minghu, year=2022, month=10).status == SubmissionStatus.SUBMITTED
    assert reporter.errors == []


SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", SIZES)
def test_the_month_grid_is_made_for_the_keyboard_and_the_phone(log_in, screenshot_dir, size):
    reporter = log_in("minghu_reporter")
    page = reporter.page
    page.set_viewport_size(SIZES[size])
    minghu = Unit.objects.get(name="明湖办事处")
    reporter.open(reverse("reporting:month", args=[minghu.pk, 2022, 10]))
    amounts = page.locator("td.grid-amount input[type=number]")
    assert amounts.count() >= 3
    first, second = amounts.nth(0), amounts.nth(1)
    first.fill("715.89")
    first.press("ArrowDown")
    assert second.evaluate("input => input === document.activeElement"), "↓ moves to the next row"
    assert first.input_value() == "715.89", "↓ does not step the amount"
    second.press("ArrowUp")
    assert first.evaluate("input => input === document.activeElement")
    first.press("Enter")
    assert second.evaluate("input => input === document.activeElement"), "Enter moves on, it does not save"
    assert "草稿已保存" not in page.locator("main").inner_text()
    # Tab goes from the amount to the two text fields of the row, then the next row's amount.
    second.press("Tab")
    assert page.evaluate("document.activeElement.name").startswith("progress_")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name").startswith("problems_")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement") == amounts.nth(2).evaluate("input => input") or (
        page.evaluate("document.activeElement.name").startswith("amount_")
    )
    spin = first.evaluate("input => getComputedStyle(input).appearance")
    assert spin in ("textfield", "none")
    if size == "desktop":
        header = page.locator(".month-grid thead th").first
        page.locator(".month-grid-scroll").evaluate("box => box.scrollTo(0, 10000)")
        box = page.locator(".month-grid-scroll").bounding_box()
        assert abs(header.bounding_box()["y"] - box["y"]) < 2, "the header stays at the top of the grid"
    else:
        card = page.locator(".month-grid tbody tr").first
        assert card.evaluate("row => getComputedStyle(row).display") == "flex", "each project is a card"
        amount = first.bounding_box()
        assert amount["x"] >= 0 and amount["x"] + amount["width"] <= 390, "the amount is on screen"
        # The three tops are read in one go: the page may still be scrolling after the Tab presses.
        name_y, amount_y, stage_y = card.evaluate(
            """row => ['td.grid-project', 'td.grid-amount', 'td[data-label="所在库"]'].map(
                selector => row.querySelector(selector).getBoundingClientRect().top)"""
        )
        assert name_y < amount_y < stage_y, "the amount comes first, after the project's name"
    page.screenshot(path=screenshot_dir / f"month-grid-{size}.png", full_page=True)
    assert reporter.errors == []


@pytest.mark.parametrize("size", SIZES)
def test_the_cockpit_reads_in_percentage_points_with_one_period_picker(log_in, screenshot_dir, size):
    leader = log_in("leader")
    page = leader.page
    page.set_viewport_size(SIZES[size])
    leader.open(reverse("reporting:cockpit") + "?period=2022-10")
    assert leader.charts_drawn() >= 4
    gap = page.locator(".time-progress-gap").inner_text()
    assert "个百分点" in gap and "-" not in gap
    picker = page.locator(".period-picker button")
    assert picker.count() == 1
    assert picker.bounding_box()["height"] < 40, "查看 stays on one line"
    page.screenshot(path=screenshot_dir / f"cockpit-{size}.png", full_page=True)
    leader.open(reverse("reporting:rankings") + "?period=2022-10")
    assert page.locator(".period-picker input[type=month]").input_value() == "2022-10"
    page.screenshot(path=screenshot_dir / f"rankings-{size}.png", full_page=True)
    assert leader.errors == []
