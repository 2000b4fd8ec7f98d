"""Every model has a working admin: its list, its add form and an object's change form open."""

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from targets.models import AllocationTable
from tests.base import DemoTestCase


class AdminTests(DemoTestCase):
    def setUp(self) -> None:
        self.client.force_login(User.objects.get(username="admin"))

    def test_every_admin_page_opens(self):
        request = RequestFactory().get("/admin/")
        request.user = User.objects.get(username="admin")
        for model, model_admin in admin.site._registry.items():
            opts = model._meta
            with self.subTest(opts.label):
                prefix = f"admin:{opts.app_label}_{opts.model_name}"
                assert self.client.get(reverse(f"{prefix}_changelist")).status_code == 200
                # Some records are added by the system only (the lockout's attempts, the roles).
                adds = model_admin.has_add_permission(request)
                assert self.client.get(reverse(f"{prefix}_add")).status_code == (200 if adds else 403)
                obj = model.objects.first()
                if obj is not None:
                    assert self.client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200

    def test_the_admin_lists_the_19_units(self):
        html = self.client.get(reverse("admin:targets_unit_changelist")).content.decode()
        assert "19 责任单位" in html

    def test_the_allocation_table_admin_shows_the_sum_and_the_difference(self):
        table = AllocationTable.objects.get(name="各办事处年度固定资产投资任务一览表")
        html = self.client.get(
            reverse("admin:targets_allocationtable_change", args=[table.pk])
        ).content.decode()
        assert "各行合计" in html
        assert "5,370,000" in html
        assert "0（平衡）" in html

    def test_the_allocation_table_admin_shows_an_imbalance(self):
        table = AllocationTable.objects.get(name="各办事处年度固定资产投资任务一览表")
        target = table.targets.get(unit__name="祥云办事处")
        target.value -= 1000
        target.save()
        html = self.client.get(reverse("admin:targets_allocationtable_changelist")).content.decode()
        assert "-1,000（不平衡）" in html
