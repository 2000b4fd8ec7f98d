"""Findings of the second security test (issue 14) that are one rule each: who sees draft
assessments, caching of private pages, bad parameters, the production secret key."""

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from reporting.choices import RunStatus
from reporting.models import Assessment, AssessmentRow
from targets.models import RankingGroup, Unit
from tests.base import DemoTestCase


class DraftAssessmentTests(DemoTestCase):
    def setUp(self):
        self.group = RankingGroup.objects.filter(units__name="明湖办事处").first()
        self.unit = Unit.objects.get(name="明湖办事处")
        self.draft = Assessment.objects.create(
            kind="quarter", year=2031, number=1, group=self.group, computed_at=timezone.now()
        )
        AssessmentRow.objects.create(assessment=self.draft, unit=self.unit, score=88, rank=1)

    def page(self, username: str) -> str:
        self.client.force_login(User.objects.get(username=username))
        return self.client.get(reverse("reporting:assessments"), {"year": 2031}).content.decode()

    def test_a_reporter_does_not_see_a_draft_assessment(self):
        for username in ("minghu_reporter", "minghu_head"):
            assert "第1季度" not in self.page(username)
            assert "尚无已发布的考评结果" in self.page(username)

    def test_a_reporter_sees_it_once_published_and_the_lead_office_sees_the_draft(self):
        assert "第1季度" in self.page("admin")
        assert "第1季度" in self.page("leader")
        Assessment.objects.filter(pk=self.draft.pk).update(
            status=RunStatus.PUBLISHED, published_at=timezone.now()
        )
        assert "第1季度" in self.page("minghu_reporter")


class BadParameterTests(DemoTestCase):
    def setUp(self):
        self.client.force_login(User.objects.get(username="admin"))

    def test_a_year_out_of_range_is_a_clean_400(self):
        unit = Unit.objects.get(name="明湖办事处")
        urls = (
            reverse("projects:board"),
            reverse("reporting:assessments"),
            reverse("reporting:unit", args=[unit.pk]),
        )
        for url in urls:
            for year in ("-1", "99999", "abc"):
                response = self.client.get(url, {"year": year})
                assert response.status_code == 400, (url, year, response.status_code)
                assert "年份" in response.content.decode()

    def test_a_page_size_below_one_is_a_clean_400(self):
        for value in ("-1", "0", "x"):
            response = self.client.get(reverse("projects:list"), {"per_page": value})
            assert response.status_code == 400, value
            assert "正整数" in response.content.decode()

    def test_a_huge_page_size_is_capped(self):
        from common.params import MAX_PER_PAGE

        response = self.client.get(reverse("projects:list"), {"per_page": "100000"})
        assert response.status_code == 200
        table = response.context["table"]
        assert table.paginator.per_page == MAX_PER_PAGE
        assert len(table.page.object_list) == MAX_PER_PAGE


class PrivateCacheTests(DemoTestCase):
    def test_pages_seen_logged_in_are_not_stored_by_any_cache(self):
        self.client.force_login(User.objects.get(username="minghu_reporter"))
        for url in (reverse("home"), reverse("projects:list"), reverse("reporting:assessments")):
            response = self.client.get(url)
            assert response.status_code == 200
            assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url

    def test_a_downloaded_file_is_not_stored_either(self):
        self.client.force_login(User.objects.get(username="minghu_reporter"))
        response = self.client.get(reverse("projects:list_export"))
        assert response.status_code == 200 and response.has_header("Content-Disposition")
        assert "no-store" in response["Cache-Control"]
