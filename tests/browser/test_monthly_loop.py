"""The monthly loop as five people, each starting from the home page: the reporter submits, the head
approves (seeing the amount the reporter confirmed as unusual marked), the reviewer returns it with
a reason, the reporter opens the notice from the header, sees the reason on home and resubmits,
the head approves again, the reviewer verifies, the admin reads the readiness table and publishes,
and the bottom unit sees its escalation. The demo's day is 2022-11-09, 1-10月 is drafted."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from reporting.choices import EscalationStatus, RunStatus, SubmissionStatus
from reporting.models import Escalation, RankingRun, Submission
from reporting.selectors.monthly import month_grid_rows
from targets.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REASON = "滨湖路改造项目本月完成额与形象进度不符，请核实"


def follow(session, link_text: str) -> None:
    session.page.get_by_role("link", name=link_text).first.click()
    session.page.wait_for_load_state()


def click(session, button_text: str) -> None:
    session.page.get_by_role("button", name=button_text).first.click()
    session.page.wait_for_load_state()


def main_text(session) -> str:
    return session.page.locator("main").inner_text()


def unusual_line(unit: Unit):
    """A line of the unit's October, other than the first, that can take an amount far above its
    usual month (more than 3× it and more than its year plan) within its total investment."""
    for row in month_grid_rows(unit=unit, year=2022, month=10)[1:]:
        amount = (max(row.usual_month or 0, (row.annual_plan or 0) / 3) * 3 + 100).quantize(Decimal("1"))
        if row.other_months_total + amount <= row.project.total_investment:
            return SimpleNamespace(project=row.project, amount=amount)
    raise AssertionError("no line of the demo can take an unusual amount")


def test_five_people_close_the_month_from_their_home_pages(log_in, screenshot_dir):
    minghu = Unit.objects.get(name="明湖办事处")

    def state() -> str:
        return Submission.objects.get(unit=minghu, year=2022, month=10).status

    unusual = unusual_line(minghu)
    reporter = log_in("minghu_reporter")
    assert "明湖办事处 2022年10月月报" in main_text(reporter)
    follow(reporter, "填报2022年10月数据")
    reporter.page.locator("input[type=number]").first.fill("123.45")
    reporter.page.locator(f"input[name=amount_{unusual.project.pk}]").fill(str(unusual.amount))
    click(reporter, "保存并报送")
    assert "部分数据需要修改或确认，尚未保存" in main_text(reporter)
    reporter.page.get_by_label("我已核实").check()
    click(reporter, "保存并报送")
    assert "已保存并报送" in main_text(reporter)

    head = log_in("minghu_head")
    assert "待审批的报送" in main_text(head)
    confirmed = head.page.locator(".awaiting-approval .confirmed-unusual").inner_text()
    assert "填报人已核实的异常数据（1项）" in confirmed and unusual.project.name in confirmed
    follow(head, "明湖办事处2022年10月")
    assert head.page.locator(".confirmed-mark").count() == 1
    assert unusual.project.name in head.page.locator(".alert.confirmed-unusual").inner_text()
    head.page.screenshot(path=screenshot_dir / "loop-confirmed-for-the-head.png", full_page=True)
    click(head, "审批通过")
    assert state() == SubmissionStatus.APPROVED

    reviewer = log_in("reviewer")
    assert "明湖办事处2022年10月" in main_text(reviewer)
    follow(reviewer, "明湖办事处2022年10月")
    follow(reviewer, "退回修改")
    reviewer.page.locator("textarea, input[name=reason]").first.fill(REASON)
    click(reviewer, "确定退回")
    assert state() == SubmissionStatus.DRAFT

    reporter.open("/")
    home = main_text(reporter)
    assert f"明湖办事处2022年10月报送已被退回：{REASON}" in home
    assert "退回人：统计局审核员" in home
    unread = int(reporter.page.locator(".unread-count").inner_text())
    reporter.page.screenshot(path=screenshot_dir / "loop-returned-home.png", full_page=True)
    # The notice, opened from the header, leads to the return and is read from then on.
    reporter.page.locator(".header-notices .dropdown-toggle").click()
    follow(reporter, "明湖办事处2022年10月报送被退回")
    assert reporter.page.url.endswith(f"/reporting/units/{minghu.pk}/2022/10/")
    counts = reporter.page.locator(".unread-count")
    assert (int(counts.inner_text()) if counts.count() else 0) == unread - 1
    reporter.open("/")
    follow(reporter, "修改并重新报送")
    click(reporter, "保存并报送")
    assert state() == SubmissionStatus.SUBMITTED
    reporter.open("/")
    assert "报送已被退回" not in main_text(reporter)

    head.open("/")
    follow(head, "明湖办事处2022年10月")
    click(head, "审批通过")
    reviewer.open("/")
    follow(reviewer, "明湖办事处2022年10月")
    click(reviewer, "审核通过")
    assert state() == SubmissionStatus.VERIFIED

    admin = log_in("admin")
    assert "2022年1-10月报送就绪情况" in main_text(admin)
    follow(admin, "查看排名草稿并发布")
    readiness = admin.page.locator(".readiness").inner_text()
    assert "明湖办事处\t已审核" in readiness
    assert "前程办事处\t未报送\t排名按统计局数据" in readiness
    admin.page.screenshot(path=screenshot_dir / "loop-readiness.png", full_page=True)
    boxes = admin.page.locator("input[name=confirm_unit]")
    labels = admin.page.locator(".publish-form label").all_inner_texts()
    assert "前程办事处：未报送，排名按统计局数据" in labels
    assert not any(label.startswith("明湖办事处：") for label in labels), "明湖 is verified now"
    for index in range(boxes.count()):
        boxes.nth(index).check()
    admin.page.once("dialog", lambda dialog: dialog.accept())
    click(admin, "发布2022年1-10月通报")
    assert "2022年1-10月已发布，排名、约谈和通报不再改变。" in main_text(admin)
    assert admin.page.get_by_role("button", name="重新计算草稿").count() == 0
    assert set(RankingRun.objects.filter(year=2022, month=10).values_list("status", flat=True)) == {
        RunStatus.PUBLISHED
    }

    # 祥云 was bottom: 通报批评 needs no meeting and is done with the 通报; its head is told so.
    escalation = Escalation.objects.get(year=2022, month=10, unit__name="祥云办事处")
    assert escalation.status == EscalationStatus.CLOSED
    unit = log_in("xiangyun_head")
    unit.open("/reporting/notifications/")
    follow(unit, "2022年1-10月排名已发布")
    page = main_text(unit)
    assert "祥云办事处：2022年1-10月 通报批评" in page
    assert "无需约谈，随通报发布即完成" in page
    unit.page.screenshot(path=screenshot_dir / "loop-escalation.png", full_page=True)
    for session in (reporter, head, reviewer, admin, unit):
        assert session.errors == []
