"""Findings of the second security test (issue 14) that are one rule each: who sees draft
assessments, caching of private pages, bad parameters, the production secret key."""

from django.contrib.auth.models import Group
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
            assert "尚无考评结果" in self.page(username)

    def test_a_reporter_sees_it_once_published_and_the_lead_office_sees_the_draft(self):
        assert "第1季度" in self.page("admin")
        assert "第1季度" in self.page("leader")
        Assessment.objects.filter(pk=self.draft.pk).update(
            status=RunStatus.PUBLISHED, published_at=timezone.now()
        )
        assert "第1季度" in self.page("minghu_reporter")
