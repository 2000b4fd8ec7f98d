"""The reporting lists declared as list pages: the page filters, and its export holds what it shows."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from reporting.choices import EscalationStatus
from reporting.models import Escalation
from tests.base import DemoTestCase

HEADER = ["统计期", "单位", "排名方案", "级别", "处理方式", "连续末位", "状态", "约谈日期"]


class EscalationListTests(DemoTestCase):
    def setUp(self) -> None:
        self.client.force_login(User.objects.get(username="admin"))

    def test_the_status_filter_selects_the_escalations_of_that_status(self):
        pending = Escalation.objects.filter(status=EscalationStatus.PENDING).count()
        assert 0 < pending < Escalation.objects.exclude(status=EscalationStatus.WITHDRAWN).count()
        response = self.client.get(reverse("reporting:escalations"), {"status": EscalationStatus.PENDING})
        assert response.context["table"].paginator.count == pending
        assert "约谈及整改" in response.content.decode()

    def test_the_export_of_the_filtered_list_carries_the_pages_rows_and_columns(self):
        query = {"status": EscalationStatus.PENDING}
        table = self.client.get(reverse("reporting:escalations"), query).context["table"]
        assert [str(column.header) for column in table.columns] == HEADER
        response = self.client.get(reverse("reporting:escalation_export"), query)
        rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))
        assert list(rows[2]) == HEADER
        expected = [
            (
                e.period.label,
                e.unit.name,
                e.scheme.name,
                f"{e.level}级",
                e.action,
                f"{e.consecutive_bottom}期",
            )
            for e in Escalation.objects.filter(status=EscalationStatus.PENDING).order_by(
                "-year", "-month", "-level", "unit__sort_order"
            )
        ]
        shown = [tuple(row[:6]) for row in rows[3:]]
        assert shown == expected
        assert {row[6] for row in rows[3:]} == {EscalationStatus.PENDING.label}

    def test_a_unit_sees_and_exports_only_its_own_escalations(self):
        reporter = User.objects.get(username="minghu_reporter")
        self.client.force_login(reporter)
        response = self.client.get(reverse("reporting:escalation_export"))
        units = {
            row[1]
            for row in load_workbook(BytesIO(response.getvalue())).active.iter_rows(
                min_row=4, values_only=True
            )
        }
        assert units <= {reporter.unit.name}
