"""Who, when, from where, and before/after for every figure, target and escalation change
(issue 14, M3): grid saves, official-figure edits, 分解表 edits and escalation moves each leave an
audit event with the user, the source address and each value before and after."""

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from reporting.choices import EscalationStatus
from reporting.models import Escalation, OfficialFigure, RankingScheme
from reporting.tests.monthly_setup import MonthlyUnit, grid_post
from targets.models import AllocationTable, Unit
from tests.base import DemoTestCase

ADDRESS = "10.20.30.40"


@pytest.mark.django_db
def test_a_month_grid_save_is_audited_with_the_address_and_each_amount_before_and_after(client):
    unit = MonthlyUnit()
    url = reverse("reporting:month", args=[unit.unit.pk, 2022, 10])
    client.force_login(unit.reporter)
    first, second = unit.projects[0], unit.projects[1]
    form = client.get(url).context["form"]
    data = grid_post(form, **{f"amount_{first.pk}": "1200.5", f"amount_{second.pk}": "0"})
    assert client.post(url, data, REMOTE_ADDR=ADDRESS).status_code == 302
    form = client.get(url).context["form"]
    assert (
        client.post(url, grid_post(form, **{f"amount_{first.pk}": "1300"}), REMOTE_ADDR=ADDRESS).status_code
        == 302
    )

    events = list(AuditEvent.objects.filter(action=AuditAction.FIGURE_CHANGE).order_by("pk"))
    assert [(e.user, e.source_ip) for e in events] == [(unit.reporter, ADDRESS)] * 2
    created = {change["project"]: change for change in events[0].detail["changes"]}
    assert (created[first.code]["before"], created[first.code]["after"]) == (None, "1200.5")
    assert events[1].detail["changes"] == [
        {"project": first.code, "month": "2022-10", "before": "1200.50", "after": "1300"}
    ]


class ChangeAuditTests(DemoTestCase):
    def setUp(self):
        self.admin = User.objects.get(username="admin")
        self.client.force_login(self.admin)

    def test_an_allocation_grid_save_is_audited_with_the_address_and_the_values(self):
        table = AllocationTable.objects.get(name="各办事处年度固定资产投资任务一览表")
        minghu = table.targets.get(unit__name="明湖办事处")
        page = self.client.get(reverse("targets:table_edit", args=[table.pk])).context["form"]
        data = {"reason": "调整", "table_version": str(page["table_version"].value())}
        for target in table.targets.all():
            data[f"unit_{target.unit_id}"] = str(target.value)
        # 50,000 moved from 明湖 to 祥云: the table stays balanced (rule 12).
        data[f"unit_{minghu.unit_id}"] = "1400000"
        data[f"unit_{table.targets.get(unit__name='祥云办事处').unit_id}"] = "240000"
        response = self.client.post(reverse("targets:table_edit", args=[table.pk]), data, REMOTE_ADDR=ADDRESS)
        assert response.status_code == 302
        event = AuditEvent.objects.get(action=AuditAction.TARGET_CHANGE, source_ip=ADDRESS)
        assert (event.user, event.source_ip, event.object_id) == (self.admin, ADDRESS, str(table.pk))
        assert event.detail["reason"] == "调整"
        assert sorted((c["unit"], c["before"], c["after"]) for c in event.detail["changes"]) == [
            ("明湖办事处", "1450000.00", "1400000"),
            ("祥云办事处", "190000.00", "240000"),
        ]

    def test_an_official_figure_edit_is_audited_with_the_address_and_the_values(self):
        unit = Unit.objects.get(name="明湖办事处")
        figure = OfficialFigure.objects.get(unit=unit, year=2022, month=10)
        url = reverse("reporting:figures_edit", args=[2022, 10])
        form = self.client.get(url).context["form"]
        data = {name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields}
        data[f"ytd_{unit.pk}"] = str(figure.ytd_completed + 100)
        assert self.client.post(url, data, REMOTE_ADDR=ADDRESS).status_code == 302
        event = AuditEvent.objects.get(action=AuditAction.FIGURE_CHANGE, source_ip=ADDRESS)
        assert (event.user, event.source_ip) == (self.admin, ADDRESS)
        assert event.detail["changes"] == [
            {
                "unit": "明湖办事处",
                "period": "2022年1-10月",
                "before": f"{figure.ytd_completed} / {figure.baseline}",
                "after": f"{figure.ytd_completed + 100} / {figure.baseline}",
            }
        ]

    def test_closing_an_escalation_is_audited_with_the_address_and_the_fields(self):
        unit = Unit.objects.get(name="明湖办事处")
        escalation = Escalation.objects.create(
            scheme=RankingScheme.objects.filter(group__units=unit).first(),
            unit=unit,
            year=2031,
            month=9,
            level=1,
            consecutive_bottom=1,
            action="通报批评",
            status=EscalationStatus.RECTIFYING,
            measures="加快入库",
        )
        url = reverse("reporting:escalation_detail", args=[escalation.pk])
        response = self.client.post(
            url, {"action": "close", "close-closed_on": "2031-10-20"}, REMOTE_ADDR=ADDRESS
        )
        assert response.status_code == 302
        event = AuditEvent.objects.get(action=AuditAction.ESCALATION_CHANGE, source_ip=ADDRESS)
        assert (event.user, event.source_ip, event.object_id) == (self.admin, ADDRESS, str(escalation.pk))
        assert event.detail["changes"] == [
            {"field": "status", "before": "rectifying", "after": "closed"},
            {"field": "closed_on", "before": None, "after": "2031-10-20"},
        ]
