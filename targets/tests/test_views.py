"""The 分解表 pages per role: list, grid, export, template and upload."""

import io
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import URLPattern, reverse
from openpyxl import Workbook, load_workbook

from accounts.models import User
from accounts.roles import Role
from common.spreadsheets import XLSX_CONTENT_TYPE, workbook_response_bytes
from targets import urls as target_urls
from targets.models import AllocationTable, MonthlyIntakeTarget, PlanYear, Target
from tests.base import DemoTestCase
from tests.factories import (
    AllocationTableFactory,
    PlanYearFactory,
    RankingGroupFactory,
    TargetFactory,
    UnitFactory,
    UserFactory,
)

from .seed_000 import (
    BUREAU_TITLE,
    SUBDISTRICT_TITLE,
    type_bureau_table,
    type_subdistrict_table,
    workbook_bytes,
)


def xlsx_upload(data: bytes, name: str = "分解表.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)


class AllocationPagesTestCase(DemoTestCase):
    """Loads the demo once for all the page tests below, which are grouped by page as mixins."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.subdistricts = AllocationTable.objects.get(name=SUBDISTRICT_TITLE)
        cls.bureaus = AllocationTable.objects.get(name=BUREAU_TITLE)
        cls.minghu = Target.objects.get(table=cls.subdistricts, unit__name="明湖办事处")

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def grid_data(self, reason: str = "", **changes: str) -> dict[str, str]:
        """The grid as posted: every unit's current value, with ``changes`` by unit name."""
        data = {
            "reason": reason,
            "table_version": str(AllocationTable.objects.get(pk=self.subdistricts.pk).version),
        }
        for target in Target.objects.filter(table=self.subdistricts).select_related("unit"):
            data[f"unit_{target.unit_id}"] = changes.get(target.unit.name, str(target.value))
        return data


class AccessTests:
    def test_every_allocation_view_declares_an_access_policy(self):
        for pattern in target_urls.urlpatterns:
            assert isinstance(pattern, URLPattern)
            assert getattr(pattern.callback, "access_policy", None), pattern.name

    def test_only_the_admin_may_edit_upload_or_download_the_template(self):
        urls = [
            reverse("targets:table_edit", kwargs={"table_id": self.subdistricts.pk}),
            reverse("targets:table_import"),
            reverse("targets:import_template"),
        ]
        for username in ("leader", "reviewer", "minghu_reporter", "minghu_head"):
            self.login(username)
            for url in urls:
                with self.subTest(username=username, url=url):
                    assert self.client.get(url).status_code == 403
        admin = UserFactory(role=Role.ADMIN)  # the role, not the demo admin's superuser flag
        self.client.force_login(admin)
        for url in urls:
            assert self.client.get(url).status_code == 200, url

    def test_leaders_and_reviewers_may_read_and_export_but_unit_users_may_not(self):
        urls = [
            reverse("targets:table_list"),
            reverse("targets:table_export", kwargs={"table_id": self.subdistricts.pk}),
            reverse("targets:plan_year_export", kwargs={"plan_year_id": self.subdistricts.plan_year_id}),
        ]
        for username, status in (("leader", 200), ("reviewer", 200), ("minghu_reporter", 403)):
            self.login(username)
            for url in urls:
                with self.subTest(username=username, url=url):
                    assert self.client.get(url).status_code == status

    def test_an_anonymous_visitor_is_sent_to_the_login_page(self):
        response = self.client.get(reverse("targets:table_list"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_the_navigation_shows_the_tables_to_those_who_may_read_them(self):
        link = f'href="{reverse("targets:table_list")}"'
        self.login("leader")
        assert link in self.client.get(reverse("home")).content.decode()
        self.login("minghu_reporter")
        assert link not in self.client.get(reverse("home")).content.decode()


class TableListTests:
    def test_the_admin_sees_both_tables_balanced_with_edit_and_export_links(self):
        self.login("admin")
        html = self.client.get(reverse("targets:table_list")).content.decode()
        assert BUREAU_TITLE in html and SUBDISTRICT_TITLE in html
        assert html.count("0（平衡）") == 2
        assert reverse("targets:table_edit", kwargs={"table_id": self.bureaus.pk}) in html
        assert reverse("targets:import_template") in html

    def test_the_leader_sees_no_edit_link(self):
        self.login("leader")
        html = self.client.get(reverse("targets:table_list")).content.decode()
        assert reverse("targets:table_export", kwargs={"table_id": self.bureaus.pk}) in html
        assert f'href="{reverse("targets:table_edit", kwargs={"table_id": self.bureaus.pk})}"' not in html
        assert reverse("targets:table_import") not in html

    def test_an_unbalanced_table_shows_its_difference_in_red(self):
        Target.objects.filter(pk=self.minghu.pk).update(value=Decimal(1400000))
        self.login("admin")
        html = self.client.get(reverse("targets:table_list")).content.decode()
        assert "-50,000（不平衡）" in html
        assert "text-danger" in html

    def test_the_year_filter_lists_the_tables_of_that_plan_year_only(self):
        plan = PlanYearFactory(year=2023)
        later = AllocationTableFactory(plan_year=plan)
        self.login("leader")
        url = reverse("targets:table_list")
        everything = self.client.get(url).context["table"]
        assert next(row.record.pk for row in everything.rows) == later.pk, "the newest year comes first"
        assert everything.paginator.count == AllocationTable.objects.count()
        response = self.client.get(url, {"year": 2022})
        listed = {row.record.pk for row in response.context["table"].rows}
        assert listed == {self.bureaus.pk, self.subdistricts.pk}
        html = response.content.decode()
        assert "2023年度 · 投资目标" in html, "every plan year keeps its line and its actions"
        assert [str(column.header) for column in response.context["table"].columns] == [
            "年度",
            "分解表",
            "指标",
            "对应排名组",
            "单位数",
            "各行合计(万元)",
            "计划总量(万元)",
            "差额(万元)",
            "",
        ]

    def test_the_year_filter_offers_every_year_once_and_all_of_them_once(self):
        PlanYearFactory(year=2023)
        self.login("leader")
        form = self.client.get(reverse("targets:table_list")).context["filterset"].form
        labels = [label for _value, label in form.fields["year"].choices]
        assert labels == ["全部年度", "2023年度", "2022年度"]

    def test_a_table_without_rows_sums_to_zero_and_says_how_far_it_is_from_the_plan(self):
        empty = AllocationTableFactory(plan_year=self.bureaus.plan_year, indicator=self.bureaus.indicator)
        self.login("admin")
        table = self.client.get(reverse("targets:table_list"), {"year": 2022}).context["table"]
        row = next(row for row in table.rows if row.record.pk == empty.pk)
        assert row.get_cell("row_sum") == "0"
        assert row.get_cell("row_count") == 0
        # The plan's 投资目标 is 5,370,000 万元 (seed 000): an empty table is that far short of it.
        assert row.get_cell("difference") == "-5,370,000（不平衡）"

    def test_the_list_runs_the_same_number_of_queries_however_many_tables(self):
        self.login("leader")
        url = reverse("targets:table_list")
        self.client.get(url)
        # session, user, roles, the clock, plan years, the tables' count (the table's paginator),
        # the tables, the unread notices; then the session's save (3)
        with self.assertNumQueries(11):
            self.client.get(url)
        plan = PlanYearFactory(year=2023)
        for _ in range(3):
            TargetFactory.create_batch(2, table=AllocationTableFactory(plan_year=plan))
        with self.assertNumQueries(11):
            self.client.get(url)


class GridTests:
    def grid_url(self, table=None) -> str:
        return reverse("targets:table_edit", kwargs={"table_id": (table or self.subdistricts).pk})

    def test_the_grid_shows_every_unit_the_sum_the_plan_total_and_the_difference(self):
        self.login("admin")
        html = self.client.get(self.grid_url()).content.decode()
        for name in ("明湖办事处", "祥云办事处"):
            assert name in html
        assert "所属办事处" in html
        assert f'name="unit_{self.minghu.unit_id}" value="1450000"' in html
        assert html.count("5,370,000") >= 2
        assert "0（平衡）" in html
        assert "/static/js/allocation_grid.js" in html
        assert 'data-plan-total="5370000.00"' in html

    def test_saving_a_change_needs_a_reason_and_saves_nothing_without_one(self):
        self.login("admin")
        response = self.client.post(self.grid_url(), self.grid_data(明湖办事处="1,400,000"))
        assert response.status_code == 200
        assert "该分解表已有数据，修改前请填写变更原因" in response.content.decode()
        self.minghu.refresh_from_db()
        assert self.minghu.value == Decimal(1450000)

    def test_a_change_with_a_reason_is_saved_and_listed_in_the_history(self):
        self.login("admin")
        data = self.grid_data(reason="明湖、潮河年中调整", 明湖办事处="1,400,000", 潮河办事处="1350000")
        response = self.client.post(self.grid_url(), data, follow=True)
        html = response.content.decode()
        assert "已保存 2 个单位的目标" in html
        assert "各行合计 5,370,000 万元" in html and "（平衡）" in html
        assert "明湖、潮河年中调整" in html
        assert "经发局管理员" in html
        assert "1,450,000 → 1,400,000" in html and "1,300,000 → 1,350,000" in html
        record = Target.history.filter(id=self.minghu.pk).latest("history_date")
        assert (record.value, record.history_change_reason) == (Decimal(1400000), "明湖、潮河年中调整")

    def test_rule_12_an_unbalanced_grid_is_refused_with_the_difference_and_saves_nothing(self):
        self.login("admin")
        response = self.client.post(self.grid_url(), self.grid_data(reason="暂存", 明湖办事处="1400000"))
        html = response.content.decode()
        assert response.status_code == 200
        refusal = f"2022年「{SUBDISTRICT_TITLE}」各行合计 5,320,000 万元，比2022年度计划总量 5,370,000 万元"
        assert f"{refusal}少 50,000 万元，未保存。" in html
        assert 'value="1400000"' in html, "the grid keeps what was typed"
        self.minghu.refresh_from_db()
        assert self.minghu.value == Decimal(1450000)

    def test_amounts_that_are_not_numbers_are_refused_per_unit(self):
        self.login("admin")
        response = self.client.post(
            self.grid_url(), self.grid_data(reason="x", 明湖办事处="一百万", 潮河办事处="-1")
        )
        html = response.content.decode()
        assert "输入一个数字" in html
        assert "确保该值大于或等于0" in html
        assert Target.objects.get(pk=self.minghu.pk).value == Decimal(1450000)

    def test_members_of_the_ranking_group_not_yet_in_the_table_may_be_added(self):
        group = RankingGroupFactory()
        table = AllocationTableFactory(
            plan_year=PlanYearFactory(year=2030, fai_target=Decimal(15)), ranking_group=group
        )
        listed, missing = UnitFactory(), UnitFactory()
        group.units.add(listed, missing)
        TargetFactory(table=table, unit=listed, value=Decimal(10))
        self.login("admin")

        shown = {"table_version": "1"}
        self.client.post(self.grid_url(table), {f"unit_{listed.pk}": "10", f"unit_{missing.pk}": "", **shown})
        assert table.targets.count() == 1
        self.client.post(
            self.grid_url(table),
            {f"unit_{listed.pk}": "10", f"unit_{missing.pk}": "4", "reason": "补录", **shown},
        )
        assert table.targets.count() == 1, "10 + 4 falls short of the plan's 15"
        self.client.post(
            self.grid_url(table),
            {f"unit_{listed.pk}": "10", f"unit_{missing.pk}": "5", "reason": "补录", **shown},
        )
        assert dict(table.targets.values_list("unit_id", "value")) == {listed.pk: 10, missing.pk: 5}

    def test_the_grid_runs_the_same_number_of_queries_however_many_units(self):
        admin = UserFactory(role=Role.ADMIN)
        self.client.force_login(admin)
        table = AllocationTableFactory(
            plan_year=self.subdistricts.plan_year, ranking_group=RankingGroupFactory()
        )
        TargetFactory.create_batch(2, table=table)
        self.client.get(self.grid_url(table))
        # session, user, roles, the clock, table, targets, group members, balance, history, the unread
        # notices; the session's save (3)
        with self.assertNumQueries(13):
            self.client.get(self.grid_url(table))
        for target in TargetFactory.create_batch(8, table=table):
            target.value += 1
            target.save()
        table.ranking_group.units.add(*UnitFactory.create_batch(3))
        with self.assertNumQueries(13):
            self.client.get(self.grid_url(table))


class ExportTests:
    def test_a_table_exports_in_seed_000s_layout(self):
        self.login("leader")
        response = self.client.get(reverse("targets:table_export", kwargs={"table_id": self.subdistricts.pk}))

        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert "2022%E5%B9%B4" in response["Content-Disposition"]  # 2022年…, RFC 5987 encoded
        ws = load_workbook(io.BytesIO(response.content)).active
        assert ws["A1"].value == SUBDISTRICT_TITLE
        assert "A1:D1" in ws.merged_cells
        assert [cell.value for cell in ws[3]] == ["序号", "所属办事处", "投资目标", "入库目标"]
        assert [cell.value for cell in ws[4]] == ["合计", None, 5370000, None]
        assert [cell.value for cell in ws[5]] == [
            1,
            "明湖办事处",
            1450000,
            "单月新增不少于10个，总投资不低于5亿元",
        ]
        assert ws["C5"].number_format == "#,##0"

    def test_a_plan_year_exports_each_table_on_its_own_sheet(self):
        self.login("reviewer")
        url = reverse("targets:plan_year_export", kwargs={"plan_year_id": self.subdistricts.plan_year_id})
        workbook = load_workbook(io.BytesIO(self.client.get(url).content))
        assert workbook.sheetnames == [BUREAU_TITLE, SUBDISTRICT_TITLE]
        assert [cell.value for cell in workbook[BUREAU_TITLE][3]] == ["序号", "责任单位", "投资目标"]

    def test_an_unknown_table_is_not_found(self):
        self.login("leader")
        assert (
            self.client.get(reverse("targets:table_export", kwargs={"table_id": 999999})).status_code == 404
        )


class UploadTests:
    upload_url = reverse("targets:table_import")

    def test_the_page_offers_the_template_and_starts_at_the_latest_year(self):
        self.login("admin")
        html = self.client.get(self.upload_url).content.decode()
        assert 'name="year" value="2022"' in html
        assert reverse("targets:import_template") in html

    def test_seed_000s_tables_typed_as_printed_upload_without_edits(self):
        self.login("admin")
        data = workbook_bytes(type_bureau_table, type_subdistrict_table)
        response = self.client.post(self.upload_url, {"file": xlsx_upload(data), "year": 2022}, follow=True)
        html = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("targets:table_list")
        assert f"更新分解表「{BUREAU_TITLE}」：目标值无变化" in html
        assert f"更新分解表「{SUBDISTRICT_TITLE}」：目标值无变化" in html

    def test_the_page_shows_every_error_with_row_and_column_and_saves_nothing(self):
        workbook = Workbook()
        for row in (["局办表"], ["序号", "责任单位", "投资目标"], [1, "建设局", "abc"], [2, "无此局", 5]):
            workbook.active.append(row)
        self.login("admin")
        response = self.client.post(
            self.upload_url, {"file": xlsx_upload(workbook_response_bytes(workbook)), "year": 2023}
        )
        html = response.content.decode()
        assert "导入失败，未保存任何数据" in html
        assert "第3行 C列「投资目标」：「abc」不是有效的数字" in html
        assert "第4行 B列「责任单位」：系统中没有单位「无此局」" in html
        assert "勾选“自动新增系统中没有的单位”" in html
        assert not AllocationTable.objects.filter(plan_year__year=2023).exists()

    def test_a_file_that_is_not_xlsx_is_refused_on_the_page(self):
        self.login("admin")
        response = self.client.post(self.upload_url, {"file": xlsx_upload(b"a,b\n", "表.csv"), "year": 2022})
        assert "文件不是有效的 Excel（.xlsx）文件" in response.content.decode()

    def test_an_upload_changing_existing_values_needs_a_reason(self):
        data = workbook_bytes(type_subdistrict_table)
        edited = load_workbook(io.BytesIO(data))
        edited.active["C5"], edited.active["C6"] = 1400000, 1350000
        buffer = io.BytesIO()
        edited.save(buffer)
        self.login("admin")

        response = self.client.post(self.upload_url, {"file": xlsx_upload(buffer.getvalue()), "year": 2022})
        assert "该分解表已有数据，修改前请填写变更原因" in response.content.decode()
        assert Target.objects.get(pk=self.minghu.pk).value == Decimal(1450000)

        self.client.post(
            self.upload_url, {"file": xlsx_upload(buffer.getvalue()), "year": 2022, "reason": "年中调整"}
        )
        assert Target.objects.get(pk=self.minghu.pk).value == Decimal(1400000)
        assert MonthlyIntakeTarget.objects.filter(plan_year__year=2022).count() == 6

    def test_the_upload_page_runs_a_fixed_number_of_queries(self):
        self.login("admin")
        self.client.get(self.upload_url)
        # session, user, latest plan year, roles, the clock, the unread notices; the session's save (3)
        with self.assertNumQueries(9):
            self.client.get(self.upload_url)


class PlanTotalTests:
    def total_url(self) -> str:
        return reverse("targets:plan_total_edit", kwargs={"plan_year_id": self.subdistricts.plan_year_id})

    def test_only_the_admin_may_change_the_plan_total(self):
        for username in ("leader", "reviewer", "minghu_head"):
            self.login(username)
            assert self.client.get(self.total_url()).status_code == 403
        self.client.force_login(UserFactory(role=Role.ADMIN))
        html = self.client.get(self.total_url()).content.decode()
        assert "当前投资目标：<strong>5,370,000 万元</strong>" in html
        assert SUBDISTRICT_TITLE in html and BUREAU_TITLE in html

    def test_the_list_offers_the_change_to_the_admin_only(self):
        self.login("admin")
        assert self.total_url() in self.client.get(reverse("targets:table_list")).content.decode()
        self.login("leader")
        assert self.total_url() not in self.client.get(reverse("targets:table_list")).content.decode()

    def test_a_new_total_is_saved_and_names_the_tables_now_unbalanced(self):
        self.login("admin")
        response = self.client.post(
            self.total_url(), {"fai_target": "5,570,000", "reason": "经管委会研究调增"}, follow=True
        )
        html = response.content.decode()
        assert "2022年度投资目标已由 5,370,000 万元改为 5,570,000 万元。" in html
        # Both tables still add up to 5,370,000: each is 200,000 short of the new total.
        assert html.count("差额 -200,000 万元（不平衡）") == 2
        assert PlanYear.objects.get(year=2022).fai_target == Decimal(5570000)
        # The page's list of the year's tables says the same, each difference in bold red.
        html = self.client.get(self.total_url()).content.decode()
        for title in (SUBDISTRICT_TITLE, BUREAU_TITLE):
            red = '<td class="fw-bold text-danger text-end">-200,000</td>'
            assert re.search(rf"<td >{title}</td><td [^>]*>5,370,000</td>{red}", html), title

    def test_a_change_without_a_reason_is_refused_on_the_page(self):
        self.login("admin")
        response = self.client.post(self.total_url(), {"fai_target": "5570000", "reason": ""})
        assert "请填写修改原因。" in response.content.decode()
        assert PlanYear.objects.get(year=2022).fai_target == Decimal(5370000)


class AllocationPageTests(
    AccessTests, TableListTests, GridTests, ExportTests, UploadTests, PlanTotalTests, AllocationPagesTestCase
):
    pass


class TemplateDownloadTests(TestCase):
    def test_the_admin_downloads_the_blank_template(self):
        self.client.force_login(UserFactory(role=Role.ADMIN))
        response = self.client.get(reverse("targets:import_template"))
        ws = load_workbook(io.BytesIO(response.content)).active
        assert [cell.value for cell in ws[3]] == ["序号", "责任单位", "投资目标", "入库目标"]
