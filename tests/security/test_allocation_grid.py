"""The 分解表 grid (issue 14, M4): a save based on what a colleague has since changed is refused,
with nothing saved, as on the month grid."""

from decimal import Decimal

from django.urls import reverse

from accounts.models import User
from targets.models import AllocationTable, Target
from targets.services.allocations import allocation_table_save
from tests.base import DemoTestCase


class StaleAllocationSaveTests(DemoTestCase):
    def setUp(self):
        self.table = AllocationTable.objects.get(name="各办事处年度固定资产投资任务一览表")
        self.minghu = self.table.targets.get(unit__name="明湖办事处")
        self.xiangyun = self.table.targets.get(unit__name="祥云办事处")
        self.client.force_login(User.objects.get(username="admin"))

    def page_data(self) -> dict[str, str]:
        """The grid as the page showed it now."""
        page = self.client.get(reverse("targets:table_edit", args=[self.table.pk]))
        form = page.context["form"]
        data = {"reason": "调整", "table_version": str(form["table_version"].value())}
        for target in Target.objects.filter(table=self.table):
            data[f"unit_{target.unit_id}"] = str(target.value)
        return data

    # Every save moves investment between 明湖 (1,450,000) and 祥云 (190,000), so the table stays
    # balanced (rule 12) and only the version decides.
    def test_a_stale_save_is_refused_and_the_colleagues_change_stays(self):
        mine, theirs = self.page_data(), self.page_data()
        theirs[f"unit_{self.xiangyun.unit_id}"] = "900000"
        theirs[f"unit_{self.minghu.unit_id}"] = "740000"
        assert (
            self.client.post(reverse("targets:table_edit", args=[self.table.pk]), theirs).status_code == 302
        )

        mine[f"unit_{self.minghu.unit_id}"] = "1400000"
        mine[f"unit_{self.xiangyun.unit_id}"] = "240000"
        refused = self.client.post(reverse("targets:table_edit", args=[self.table.pk]), mine)
        assert refused.status_code == 200
        assert "已被他人修改" in refused.content.decode()
        self.xiangyun.refresh_from_db()
        self.minghu.refresh_from_db()
        assert self.xiangyun.value == Decimal(900000)
        assert self.minghu.value == Decimal(740000)

    def test_a_save_on_the_latest_version_goes_through_and_moves_the_version_on(self):
        data = self.page_data()
        data[f"unit_{self.minghu.unit_id}"] = "1400000"
        data[f"unit_{self.xiangyun.unit_id}"] = "240000"
        assert self.client.post(reverse("targets:table_edit", args=[self.table.pk]), data).status_code == 302
        self.table.refresh_from_db()
        assert self.table.version == int(data["table_version"]) + 1
        self.minghu.refresh_from_db()
        assert self.minghu.value == Decimal(1400000)

    def test_the_service_refuses_an_old_version_on_any_database(self):
        version = self.table.version
        allocation_table_save(
            table=self.table,
            values={self.minghu.unit_id: Decimal(1), self.xiangyun.unit_id: Decimal(1639999)},
            reason="一",
            expected_version=version,
        )
        try:
            allocation_table_save(
                table=self.table,
                values={self.minghu.unit_id: Decimal(2), self.xiangyun.unit_id: Decimal(1639998)},
                reason="二",
                expected_version=version,
            )
        except Exception as error:
            assert "已被他人修改" in str(error)
        else:
            raise AssertionError("a save on an old version went through")
        self.minghu.refresh_from_db()
        assert self.minghu.value == Decimal(1)
