"""The three imports: all-or-nothing, every error with its row and column, history for each change,
clear messages for files that are not usable, the same through commands and web uploads."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.roles import Role
from common.periods import Period
from common.spreadsheets import workbook_response_bytes
from projects.choices import Field, Stage
from projects.imports.spreadsheet import projects_import
from projects.models import Project, ProjectReport, ProjectYearPlan
from reporting.choices import SubmissionStatus
from reporting.imports import figures_import, reports_import
from reporting.models import OfficialFigure, Submission
from reporting.services.monthly import month_entries_save
from reporting.services.submissions import StaleEditError, submissions_lock_period
from reporting.tests.monthly_setup import MonthlyUnit
from targets.choices import UnitKind
from tests.factories import OfficialFigureFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

REPORT_HEADER = ["序号", "项目代码", "项目名称", "本月完成投资（万元）", "形象进度", "存在问题"]


def sheet(*rows, title: str | None = "2022年10月项目月报") -> io.BytesIO:
    """A workbook like the ones people send: a title, a unit line, then the table."""
    workbook = Workbook()
    if title:
        workbook.active.append([title])
        workbook.active.append([None, None, None, "单位：万元"])
    for row in rows:
        workbook.active.append(list(row))
    return io.BytesIO(workbook_response_bytes(workbook))


def database_state() -> tuple:
    return (
        list(ProjectReport.objects.order_by("pk").values_list("pk", "amount", "version")),
        ProjectReport.history.count(),
        list(OfficialFigure.objects.order_by("pk").values_list("pk", "ytd_completed", "baseline")),
        OfficialFigure.history.count(),
        list(Project.objects.order_by("pk").values_list("pk", "name", "total_investment")),
        Project.history.count(),
        list(Submission.objects.order_by("pk").values_list("pk", "status", "version")),
    )


def import_reports(source, **kwargs):
    defaults = {"year": 2022, "month": 10, "actor": None, "file_name": "月报.xlsx"}
    return reports_import(source=source, **(defaults | kwargs))


class TestReportsImport:
    def test_a_sheet_with_a_title_and_a_matching_total_is_imported_with_its_history(self):
        unit = MonthlyUnit()
        reviewer = UserFactory(role=Role.ADMIN)
        first, second = unit.projects
        source = sheet(
            REPORT_HEADER,
            ["合计", None, None, 1500.5, None, None],
            [1, first.code, first.name, 1200.5, "主体封顶", "资金紧张"],
            [2, second.code, None, 300, "装饰装修", None],
        )
        outcome = import_reports(source, actor=reviewer)
        assert outcome.saved and (outcome.created, outcome.updated) == (2, 0)
        report = ProjectReport.objects.get(project=first, month=10)
        assert (report.amount, report.progress, report.problems) == (
            Decimal("1200.5"),
            "主体封顶",
            "资金紧张",
        )
        record = report.history.get()
        assert (record.history_user, record.history_change_reason) == (reviewer, "导入：月报.xlsx")
        assert Submission.objects.get(unit=unit.unit, month=10).status == SubmissionStatus.DRAFT

    def test_a_project_without_a_code_is_matched_by_its_name(self):
        unit = MonthlyUnit(projects=1)
        source = sheet(["项目名称", "本月完成投资(万元)"], [unit.projects[0].name, 10], title=None)
        assert import_reports(source).saved
        assert ProjectReport.objects.get(month=10).project == unit.projects[0]

    def test_one_bad_row_saves_nothing_and_every_error_names_its_row_and_column(self):
        unit = MonthlyUnit(projects=2)
        first, second = unit.projects
        before = database_state()
        source = sheet(
            REPORT_HEADER,
            [1, first.code, None, 100, None, None],
            [2, second.code, None, -5, None, None],
            [3, "2099-000000-00-00-000000", None, 10, None, None],
            [4, first.code, None, 20, None, None],
            [5, None, None, 20, None, None],
            [6, second.code, "别的项目", 20, None, None],
        )
        outcome = import_reports(source)
        assert not outcome.saved
        assert outcome.errors == [
            "第5行 D列「本月完成投资(万元)」：不能为负数",
            "第6行 B列「项目代码」：未找到项目代码为「2099-000000-00-00-000000」的项目",
            "第7行：与第4行是同一个项目",
            "第8行 B列「项目代码」：请填写项目代码或项目名称",
            f"第9行 C列「项目名称」：与项目代码对应的项目名称「{second.name}」不符",
        ]
        assert database_state() == before

    def test_a_month_past_a_projects_total_investment_saves_nothing(self):
        unit = MonthlyUnit(projects=2)
        before = database_state()
        source = sheet(
            ["项目代码", "本月完成投资(万元)"],
            [unit.projects[0].code, 10],
            [unit.projects[1].code, 41001],
            title=None,
        )
        outcome = import_reports(source, confirm_unusual=True)
        assert outcome.errors == [
            "第3行 B列「本月完成投资(万元)」：填报后累计完成 50,001.00 万元，超过项目总投资 50,000.00 万元"
        ]
        assert database_state() == before

    def test_a_total_row_that_does_not_add_up_saves_nothing(self):
        unit = MonthlyUnit(projects=1)
        before = database_state()
        source = sheet(
            REPORT_HEADER,
            ["合计", None, None, 999, None, None],
            [1, unit.projects[0].code, None, 100, None, None],
        )
        outcome = import_reports(source)
        assert outcome.errors == ["第4行 D列「本月完成投资(万元)」：合计 999 与各行之和 100 不符"]
        assert database_state() == before

    def test_unusual_amounts_are_listed_and_saved_only_once_confirmed(self):
        unit = MonthlyUnit(projects=1)
        source = sheet(["项目代码", "本月完成投资(万元)"], [unit.projects[0].code, 5000], title=None)
        outcome = import_reports(source)
        assert not outcome.saved and not outcome.errors
        (item,) = outcome.confirmations
        assert item.startswith(
            f"第2行「{unit.projects[0].name}」：本月完成 5,000.00 万元，超过该项目月均完成额"
        )
        assert not ProjectReport.objects.filter(month=10).exists()
        assert import_reports(source, confirm_unusual=True).saved

    def test_a_units_own_upload_cannot_reach_another_units_project(self):
        unit, other = MonthlyUnit(projects=1), MonthlyUnit(projects=1)
        source = sheet(["项目代码", "本月完成投资(万元)"], [other.projects[0].code, 10], title=None)
        outcome = import_reports(source, unit=unit.unit)
        assert outcome.errors == [
            f"第2行 A列「项目代码」：未找到本单位项目代码为「{other.projects[0].code}」的项目"
        ]

    def test_a_submitted_or_locked_month_is_not_imported(self):
        unit = MonthlyUnit(projects=1)
        submissions_lock_period(year=2022, month=10, actor=None)
        source = sheet(["项目代码", "本月完成投资(万元)"], [unit.projects[0].code, 10], title=None)
        assert import_reports(source).errors == [f"第2行：{unit.unit.name}2022年10月已锁定，不能导入"]

    def test_a_grid_rendered_before_an_import_must_be_reloaded(self):
        unit = MonthlyUnit(projects=1)
        seen = unit.entries()
        import_reports(sheet(["项目代码", "本月完成投资(万元)"], [unit.projects[0].code, 10], title=None))
        with pytest.raises(StaleEditError):
            month_entries_save(
                unit=unit.unit,
                year=2022,
                month=10,
                entries=seen,
                submission_version=None,
                actor=unit.reporter,
            )

    def test_an_import_changes_a_report_and_keeps_the_old_value_in_the_history(self):
        unit = MonthlyUnit(projects=1)
        import_reports(sheet(["项目代码", "本月完成投资(万元)"], [unit.projects[0].code, 10], title=None))
        outcome = import_reports(
            sheet(["项目代码", "本月完成投资(万元)"], [unit.projects[0].code, 20], title=None)
        )
        assert (outcome.created, outcome.updated) == (0, 1)
        report = ProjectReport.objects.get(month=10)
        assert report.version == 2
        assert list(report.history.order_by("history_date").values_list("amount", flat=True)) == [
            Decimal("10"),
            Decimal("20"),
        ]

    @pytest.mark.parametrize("existing", [False, True], ids=["new reports", "changed reports"])
    def test_the_number_of_queries_does_not_grow_with_the_rows_or_the_units(self, existing):
        def queries(units: int, per_unit: int) -> int:
            ProjectReport.objects.filter(month=10).delete()
            projects = [
                p for _ in range(units) for p in MonthlyUnit(projects=per_unit, reported_months=2).projects
            ]
            if existing:
                import_reports(
                    sheet(["项目代码", "本月完成投资(万元)"], *[[p.code, 1] for p in projects], title=None)
                )
            rows = [[p.code, p.name, 2, "主体施工", ""] for p in projects]
            with CaptureQueriesContext(connection) as captured:
                outcome = import_reports(sheet(REPORT_HEADER[1:], *rows, title=None))
            assert outcome.saved and outcome.created + outcome.updated == len(projects)
            return len(captured)

        assert queries(units=2, per_unit=1) == queries(units=5, per_unit=10)

    def test_each_imported_report_gets_a_history_row_that_copies_it(self):
        unit = MonthlyUnit()
        admin = UserFactory(role=Role.ADMIN)
        rows = [[p.code, p.name, 40 + i, f"进度{i}", f"问题{i}"] for i, p in enumerate(unit.projects)]
        import_reports(sheet(REPORT_HEADER[1:], *rows, title=None), actor=admin)
        fields = (
            "id",
            "project_id",
            "year",
            "month",
            "amount",
            "progress",
            "problems",
            "version",
            "updated_by",
        )
        for report in ProjectReport.objects.filter(month=10).values(*fields):
            record = ProjectReport.history.get(id=report["id"])
            assert {
                name: getattr(record, "updated_by_id" if name == "updated_by" else name) for name in fields
            } == report
            assert (record.history_type, record.history_user, record.history_change_reason) == (
                "+",
                admin,
                "导入：月报.xlsx",
            )


FIGURE_HEADER = ["序号", "单位", "本年累计完成(万元)", "上年同期累计(万元)"]


class TestFiguresImport:
    def test_units_are_matched_by_name_short_name_or_code_and_each_figure_keeps_its_history(self):
        a, b, c = UnitFactory(name="明湖办事处", short_name="明湖"), UnitFactory(code="JH"), UnitFactory()
        OfficialFigureFactory(unit=c, month=5, ytd_completed=Decimal("1"), baseline=None)
        reviewer = UserFactory(role=Role.REVIEWER)
        source = sheet(
            FIGURE_HEADER,
            ["合计", None, 600, 500],
            [1, "明 湖", 100, 90],
            [2, "JH", 200, None],
            [3, c.name, 300, 410],
            title="2022年1-5月各单位固定资产投资",
        )
        outcome = figures_import(
            source=source, period=Period(2022, 5), actor=reviewer, file_name="统计数.xlsx"
        )
        assert outcome.saved and (outcome.created, outcome.updated) == (2, 1)
        figures = {f.unit: (f.ytd_completed, f.baseline) for f in OfficialFigure.objects.filter(month=5)}
        assert figures == {a: (100, 90), b: (200, None), c: (300, 410)}
        changed = OfficialFigure.objects.get(unit=c).history.order_by("history_date")
        assert [(h.ytd_completed, h.history_user) for h in changed] == [(1, None), (300, reviewer)]

    def test_an_unknown_or_repeated_unit_saves_nothing(self):
        unit = UnitFactory()
        before = database_state()
        source = sheet(FIGURE_HEADER, [1, unit.name, 100, 90], [2, "火星办事处", 1, 1], [3, unit.name, -1, 1])
        outcome = figures_import(source=source, period=Period(2022, 5), actor=None, file_name="x.xlsx")
        assert outcome.errors == [
            "第5行 B列「单位」：未找到单位「火星办事处」",
            "第6行 C列「本年累计完成(万元)」：不能为负数",
            "第6行 B列「单位」：与第4行是同一个单位",
        ]
        assert database_state() == before

    def test_a_published_period_is_not_changed(self):
        unit = UnitFactory()
        submissions_lock_period(year=2022, month=5, actor=None)
        outcome = figures_import(
            source=sheet(FIGURE_HEADER, [1, unit.name, 100, 90]),
            period=Period(2022, 5),
            actor=None,
            file_name="x",
        )
        assert outcome.errors == ["第4行 B列「单位」：2022年1-5月已发布锁定，不能修改该单位的数据"]


PROJECT_HEADER = [
    "项目代码",
    "项目名称",
    "属地单位",
    "责任局办",
    "项目领域",
    "项目级别",
    "总投资(万元)",
    "年度计划投资(万元)",
]


class TestProjectsImport:
    def test_new_projects_enter_the_reserve_and_existing_ones_are_updated_with_history(self):
        unit = MonthlyUnit(projects=1)
        bureau = UnitFactory(kind=UnitKind.BUREAU, name="建设局")
        existing = unit.projects[0]
        admin = UserFactory(role=Role.ADMIN)
        source = sheet(
            PROJECT_HEADER,
            ["合计", None, None, None, None, None, 150000, 30000],
            ["2022-410171-36-01-900001", "新项目", unit.unit.name, "建设局", "产业", "区重点", 100000, 20000],
            [existing.code, existing.name, unit.unit.short_name, bureau.name, "基础设施", None, 50000, 10000],
            title="项目汇总表",
        )
        outcome = projects_import(source=source, year=2022, actor=admin, file_name="项目.xlsx")
        assert outcome.saved and (outcome.created, outcome.updated) == (1, 1)
        new = Project.objects.get(code="2022-410171-36-01-900001")
        assert (new.stage, new.level, new.responsible_unit) == (Stage.RESERVE, "district", bureau)
        assert new.history.get().history_change_reason == "导入：项目.xlsx"
        existing.refresh_from_db()
        assert (existing.field, existing.responsible_unit) == ("infrastructure", bureau)
        assert existing.history.latest().history_user == admin
        assert ProjectYearPlan.objects.get(project=new, year=2022).planned_investment == 20000

    def test_a_bad_choice_or_unknown_unit_saves_nothing(self):
        unit = MonthlyUnit(projects=1)
        before = database_state()
        source = sheet(
            PROJECT_HEADER,
            ["2022-1", "甲", unit.unit.name, unit.unit.name, "航天", None, 100, None],
            ["2022-2", "乙", "火星办事处", unit.unit.name, "产业", None, 100, None],
            ["2022-1", "丙", unit.unit.name, unit.unit.name, "产业", None, 100, None],
            title=None,
        )
        outcome = projects_import(source=source, year=2022, actor=None, file_name="x.xlsx")
        assert outcome.errors == [
            "第2行 E列「项目领域」：「航天」不是有效的选项（可选：" + "、".join(Field.labels) + "）",
            "第3行 C列「属地单位」：未找到单位「火星办事处」",
            "第4行 A列「项目代码」：与第2行的项目代码重复",
        ]
        assert database_state() == before

    def test_a_units_own_upload_only_adds_its_own_projects(self):
        unit, other = MonthlyUnit(projects=1), MonthlyUnit(projects=1)
        source = sheet(
            PROJECT_HEADER,
            ["2022-9", "甲", other.unit.name, unit.unit.name, "产业", None, 100, None],
            [other.projects[0].code, "乙", unit.unit.name, unit.unit.name, "产业", None, 100, None],
            title=None,
        )
        outcome = projects_import(source=source, year=2022, actor=None, file_name="x.xlsx", unit=unit.unit)
        assert outcome.errors == [
            "第2行 C列「属地单位」：只能导入本单位的项目",
            "第3行 A列「项目代码」：该项目代码已存在且不属于本单位",
        ]


def encrypted() -> io.BytesIO:
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") for name in ("Root Entry", "EncryptedPackage")
    )
    return io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory)


BAD_FILES = {
    "not a spreadsheet": (
        lambda: io.BytesIO("单位,金额\n明湖,1\n".encode()),
        "文件不是有效的 Excel（.xlsx）文件",
    ),
    "too large": (lambda: io.BytesIO(b"PK" + bytes(10 * 1024 * 1024)), "文件过大（上限 10 MB）"),
    "password-protected": (encrypted, "文件已加密或设置了密码，请取消密码后再上传"),
    "no matching header": (lambda: sheet(["名称", "金额"], ["甲", 1]), "未找到表头"),
}
IMPORTS = {
    "reports": lambda source: import_reports(source),
    "figures": lambda source: figures_import(
        source=source, period=Period(2022, 5), actor=None, file_name="x"
    ),
    "projects": lambda source: projects_import(source=source, year=2022, actor=None, file_name="x"),
}


@pytest.mark.parametrize("kind", IMPORTS)
@pytest.mark.parametrize("bad", BAD_FILES)
def test_an_unusable_file_gets_a_clear_message_and_changes_nothing(kind, bad):
    MonthlyUnit(projects=1)
    make, message = BAD_FILES[bad]
    before = database_state()
    outcome = IMPORTS[kind](make())
    assert len(outcome.errors) == 1 and outcome.errors[0].startswith(message)
    assert database_state() == before


class TestCommands:
    def test_import_reports_prints_every_error_and_changes_nothing(self, tmp_path, capsys):
        unit = MonthlyUnit(projects=1)
        path = tmp_path / "月报.xlsx"
        path.write_bytes(
            sheet(["项目代码", "本月完成投资(万元)"], [unit.projects[0].code, -1], ["无此项目", 1]).read()
        )
        before = database_state()
        with pytest.raises(CommandError, match="共 2 处问题，数据库未作任何修改"):
            call_command("import_reports", str(path), "--period", "2022-10")
        errors = capsys.readouterr().err
        assert "第4行 B列「本月完成投资(万元)」：不能为负数" in errors
        assert "第5行 A列「项目代码」：未找到项目代码为「无此项目」的项目" in errors
        assert database_state() == before

    def test_import_reports_saves_a_good_file_as_the_named_user(self, tmp_path, capsys):
        unit = MonthlyUnit(projects=1)
        path = tmp_path / "月报.xlsx"
        path.write_bytes(sheet(["项目代码", "本月完成投资(万元)"], [unit.projects[0].code, 12]).read())
        call_command("import_reports", str(path), "--period", "2022-10", "--user", unit.reporter.username)
        assert "2022年10月项目月报导入成功：新增 1 条" in capsys.readouterr().out
        assert ProjectReport.objects.get(month=10).history.get().history_user == unit.reporter

    def test_import_reports_wants_confirmation_for_unusual_amounts(self, tmp_path):
        unit = MonthlyUnit(projects=1)
        path = tmp_path / "月报.xlsx"
        path.write_bytes(sheet(["项目代码", "本月完成投资(万元)"], [unit.projects[0].code, 9000]).read())
        with pytest.raises(CommandError, match="--confirm"):
            call_command("import_reports", str(path), "--period", "2022-10")
        call_command("import_reports", str(path), "--period", "2022-10", "--confirm", stdout=io.StringIO())
        assert ProjectReport.objects.get(month=10).amount == 9000

    def test_import_figures_and_import_projects_run_from_the_command_line(self, tmp_path):
        unit = UnitFactory()
        UnitFactory(kind=UnitKind.BUREAU, name="建设局")
        figures = tmp_path / "figures.xlsx"
        figures.write_bytes(sheet(FIGURE_HEADER, [1, unit.name, 100, 90]).read())
        call_command("import_figures", str(figures), "--period", "2022-05", stdout=io.StringIO())
        assert OfficialFigure.objects.get(unit=unit, month=5).ytd_completed == 100
        projects = tmp_path / "projects.xlsx"
        projects.write_bytes(
            sheet(
                PROJECT_HEADER,
                ["2022-410171-36-01-900002", "甲", unit.name, "建设局", "产业", None, 100, None],
            ).read()
        )
        call_command("import_projects", str(projects), stdout=io.StringIO())
        assert Project.objects.get(code="2022-410171-36-01-900002").reporting_unit == unit

    def test_a_period_of_january_is_refused_for_figures(self, tmp_path):
        with pytest.raises(CommandError, match="1月数据随2月一并发布"):
            call_command("import_figures", str(tmp_path / "x.xlsx"), "--period", "2022-01")


def upload(source: io.BytesIO, name: str = "月报.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, source.getvalue())


class TestUploadPages:
    def test_a_reporter_downloads_the_template_fills_it_and_uploads_it(self, client):
        unit = MonthlyUnit(projects=2)
        submissions_lock_period(year=2022, month=9, actor=None)
        client.force_login(unit.reporter)
        response = client.get(reverse("reporting:import_reports_template"))
        assert response["Content-Disposition"].startswith("attachment")
        workbook = load_workbook(io.BytesIO(response.content))
        rows = list(workbook.active.iter_rows(values_only=True))
        header = rows.index(("项目代码", "项目名称", "本月完成投资(万元)", "形象进度", "存在问题"))
        assert {row[0] for row in rows[header + 1 :] if row[0]} == {p.code for p in unit.projects}
        for row in range(header + 2, header + 4):
            workbook.active.cell(row=row, column=3, value=100)
        filled = io.BytesIO(workbook_response_bytes(workbook))

        response = client.post(
            reverse("reporting:import_reports"), {"month": "2022-10", "file": upload(filled)}
        )
        assert response.status_code == 302
        assert ProjectReport.objects.filter(month=10).count() == 2

    def test_the_upload_page_lists_every_error_and_saves_nothing(self, client):
        unit = MonthlyUnit(projects=1)
        client.force_login(unit.reporter)
        source = sheet(["项目代码", "本月完成投资(万元)"], [unit.projects[0].code, -1], ["无此项目", 1])
        response = client.post(
            reverse("reporting:import_reports"), {"month": "2022-10", "file": upload(source)}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "文件未导入，共 2 处问题" in html and "第4行 B列「本月完成投资(万元)」：不能为负数" in html
        assert not ProjectReport.objects.filter(month=10).exists()

    @pytest.mark.parametrize("bad", BAD_FILES)
    def test_an_unusable_upload_gets_a_message_never_a_server_error(self, client, bad):
        make, message = BAD_FILES[bad]
        client.force_login(UserFactory(role=Role.REVIEWER))
        response = client.post(
            reverse("reporting:import_figures"), {"period": "2022-05", "file": upload(make())}
        )
        assert response.status_code == 200
        assert message in response.content.decode()

    def test_the_figures_template_lists_the_units_and_reads_back(self, client):
        unit = UnitFactory()
        client.force_login(UserFactory(role=Role.REVIEWER))
        response = client.get(reverse("reporting:import_figures_template"))
        workbook = load_workbook(io.BytesIO(response.content))
        assert unit.name in [row[0] for row in workbook.active.iter_rows(values_only=True)]

    def test_the_projects_template_downloads(self, client):
        client.force_login(UserFactory(role=Role.ADMIN))
        response = client.get(reverse("reporting:import_projects_template"))
        assert response.status_code == 200
        assert "项目代码" in [c.value for c in load_workbook(io.BytesIO(response.content)).active[3]]

    def test_a_leader_may_not_import(self, client):
        client.force_login(UserFactory(role=Role.LEADER))
        for name in ("import_reports", "import_figures", "import_projects"):
            assert client.get(reverse(f"reporting:{name}")).status_code == 403


class TestProjectCodes:
    def test_a_new_project_with_a_code_outside_the_format_or_the_region_is_refused_naming_its_row(self):
        unit = MonthlyUnit(projects=1)
        UnitFactory(kind=UnitKind.BUREAU, name="建设局")
        before = database_state()
        source = sheet(
            PROJECT_HEADER,
            ["2022-410171-36-01-900001", "甲", unit.unit.name, "建设局", "产业", None, 100, None],
            ["2022-41017-36-01-900002", "乙", unit.unit.name, "建设局", "产业", None, 100, None],
            ["2022-410102-36-01-900003", "丙", unit.unit.name, "建设局", "产业", None, 100, None],
            title=None,
        )
        outcome = projects_import(source=source, year=2022, actor=None, file_name="x")
        assert not outcome.saved
        assert [error.split("：")[0] for error in outcome.errors] == ["第3行", "第4行"]
        assert "格式不正确" in outcome.errors[0] and "不属于本辖区" in outcome.errors[1]
        assert database_state() == before

    def test_an_existing_project_keeps_its_older_code_when_changed(self):
        unit = MonthlyUnit(projects=1)
        project = unit.projects[0]
        Project.objects.filter(pk=project.pk).update(code="经开备〔2015〕12号")
        row = [
            "经开备〔2015〕12号",
            "新名称",
            unit.unit.name,
            project.responsible_unit.name,
            "产业",
            None,
            100,
            None,
        ]
        source = sheet(PROJECT_HEADER, row)
        outcome = projects_import(source=source, year=2022, actor=None, file_name="x")
        assert outcome.saved and Project.objects.get(pk=project.pk).name == "新名称"
