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

    page.select_option("#id_period", "2022-05")
    page.click("#period-form button[type=submit]")
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
