"""On a phone-sized screen: a steward records October and two photos, one of them queued without
signal and sent once when the connection returns; the leader sees them, another unit cannot."""

from datetime import datetime

import pytest
from django.db.models import Avg
from django.urls import reverse

from projects.choices import Stage
from projects.models import Project, ProjectReport, SitePhoto
from projects.tests import images
from stewards.models import OutboxReceipt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MONTH = 10


def _photo(name: str, colour: str, day: int) -> dict:
    data = images.jpeg(
        size=(1200, 900),
        colour=colour,
        taken=datetime(2022, MONTH, day, 10, 30),
        position=(34.7265, 113.7456),
    )
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


def _all_sent(page) -> None:
    page.wait_for_function(
        "() => { const box = document.getElementById('outbox');"
        " return box.dataset.waiting === '0' && box.dataset.failed === '0'; }"
    )


def test_a_steward_records_the_month_and_photos_and_a_photo_queued_offline_arrives_once(
    log_in, screenshot_dir
):
    project = (
        Project.objects.filter(steward__username="minghu_head", stage=Stage.UNDER_CONSTRUCTION)
        .order_by("pk")
        .first()
    )
    before = SitePhoto.objects.filter(project=project).count()
    steward = log_in("minghu_head", phone=True)
    page = steward.page

    steward.open(reverse("stewards:home"))
    assert (
        page.locator(".steward-card").count()
        == Project.objects.filter(
            steward__username="minghu_head", stage__in=["reserve", "to_start", "construction", "completed"]
        ).count()
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    page.screenshot(path=screenshot_dir / "steward-home.png", full_page=True)
    card = reverse("stewards:project", args=[project.pk])
    page.click(f".steward-card[href='{card}']")
    page.wait_for_url(f"**{card}")
    _all_sent(page)
    scope = page.evaluate("() => navigator.serviceWorker.ready.then((registration) => registration.scope)")
    assert scope.endswith("/stewards/"), "the service worker keeps the steward's pages"

    usual = ProjectReport.objects.filter(project=project, month__lt=MONTH).aggregate(avg=Avg("amount"))["avg"]
    amount = page.locator("#id_amount")
    if not amount.input_value():
        amount.fill(f"{usual:.2f}")
    page.fill("#id_progress", "主体结构施工至六层，外架同步提升")
    page.get_by_role("button", name="保存本月进度").click()
    page.wait_for_function(
        "() => document.getElementById('outbox-sent').textContent.includes('形象进度已保存')"
    )
    _all_sent(page)
    report = ProjectReport.objects.get(project=project, year=2022, month=MONTH)
    assert report.progress == "主体结构施工至六层，外架同步提升"

    page.set_input_files("#photo-files", files=[_photo("IMG_2001.JPG", "seagreen", 12)])
    page.get_by_role("button", name="上传照片").click()
    page.wait_for_function("() => document.getElementById('outbox-sent').textContent.includes('照片已上传')")
    _all_sent(page)
    assert SitePhoto.objects.filter(project=project).count() == before + 1

    page.context.set_offline(True)
    page.set_input_files("#photo-files", files=[_photo("IMG_2002.JPG", "sienna", 13)])
    page.get_by_role("button", name="上传照片").click()
    page.wait_for_function("() => document.getElementById('outbox').dataset.waiting === '1'")
    status = page.locator("#outbox-status").inner_text()
    assert "1 条记录保存在本机、等待发送" in status and "无网络" in status
    assert "IMG_2002.JPG" in page.locator("#outbox-waiting").inner_text()
    page.screenshot(path=screenshot_dir / "steward-offline.png", full_page=True)
    page.wait_for_timeout(1500)
    assert SitePhoto.objects.filter(project=project).count() == before + 1, "nothing is sent without signal"

    page.context.set_offline(False)
    _all_sent(page)
    assert "所有记录均已发送" in page.locator("#outbox-status").inner_text()
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # a second flush finds nothing to send
    page.wait_for_timeout(500)
    photos = SitePhoto.objects.filter(project=project, uploaded_by__username="minghu_head").exclude(
        caption__startswith="主体施工至"
    )
    assert photos.count() == 2 and SitePhoto.objects.filter(project=project).count() == before + 2
    assert OutboxReceipt.objects.filter(action="photo").count() == 2
    assert all(photo.taken_at and photo.latitude for photo in photos)

    page.reload()
    assert page.locator("#photos .photo-item").count() == before + 2
    page.screenshot(path=screenshot_dir / "steward-project.png", full_page=True)

    # Without signal the page the service worker kept still opens, and still takes a record.
    page.context.set_offline(True)
    page.reload()
    assert project.name in page.locator("h1").inner_text()
    page.fill("#id_problems", "塔吊基础待验收")
    page.get_by_role("button", name="保存本月进度").click()
    page.wait_for_function("() => document.getElementById('outbox').dataset.waiting === '1'")
    page.context.set_offline(False)
    _all_sent(page)
    assert ProjectReport.objects.get(project=project, year=2022, month=MONTH).problems == "塔吊基础待验收"
    # The photos themselves are never kept on the phone (no-store): offline, only their images fail.
    offline_photos = [
        error for error in steward.errors if "/projects/photos/" in error and "DISCONNECTED" in error
    ]
    assert [error for error in steward.errors if error not in offline_photos] == []

    kept = (
        "() => caches.keys().then((names) => names.some((name) => name.startsWith('investtrack-stewards-')))"
    )
    assert page.evaluate(kept)
    page.click(".navbar-toggler")
    page.wait_for_selector("#main-nav.show")  # a click while the menu still unfolds falls on nothing
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login/")
    page.wait_for_function(f"() => ({kept})().then((found) => !found)")
    assert not page.evaluate(kept), "the pages kept for the steward leave the phone with the session"

    leader = log_in("leader")
    leader.open(reverse("projects:detail", args=[project.pk]))
    assert leader.page.locator("#photos .photo-item").count() == before + 2
    assert "主体结构施工至六层" in leader.page.locator("body").inner_text()
    leader.page.screenshot(path=screenshot_dir / "project-photos.png", full_page=True)

    outsider = log_in("chaohe_reporter")
    for photo in photos:
        response = outsider.page.request.get(
            outsider.base_url + reverse("projects:photo_display", args=[photo.pk])
        )
        assert response.status == 403
