"""The 在线平台's project-list export fills in what it knows about our projects, matched on 项目代码."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from projects.imports.platform import platform_projects_import
from projects.models import Project
from reporting.tests.monthly_setup import MonthlyUnit

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "项目代码",
    "项目名称",
    "项目单位",
    "建设地点",
    "所属行业",
    "项目类型",
    "总投资(万元)",
    "审批（核准、备案）日期",
    "办理状态",
    "项目联系人",
    "联系电话",
]


def export(*rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["投资项目在线审批监管平台 项目列表"])
    sheet.append(HEADER)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def row(code, *, company="郑州某科技有限公司", approved="2021-05-08", person="王经理", phone="13800000000"):
    return [
        code,
        "平台上的项目名称",
        company,
        "经开区",
        "通用设备制造业",
        "备案",
        50000,
        approved,
        "已办结",
        person,
        phone,
    ]


def test_blanks_are_filled_from_the_platform_and_what_units_typed_is_kept():
    unit = MonthlyUnit(projects=2)
    blank, typed = unit.projects
    Project.objects.filter(pk=blank.pk).update(
        company="", contact_person="", contact_phone="", approval_on=None
    )
    Project.objects.filter(pk=typed.pk).update(company="本单位填写的公司", approval_on=date(2020, 1, 2))
    outcome = platform_projects_import(
        source=export(
            row(blank.code), row(typed.code), row("2022-410171-36-03-777777"), row("2022-410102-36-03-1")
        ),
        actor=unit.reporter,
        file_name="平台导出.xlsx",
    )
    assert outcome.saved and (outcome.matched, outcome.updated) == (2, 2)
    assert outcome.unmatched == ["2022-410171-36-03-777777"]
    blank.refresh_from_db()
    typed.refresh_from_db()
    assert (blank.company, blank.contact_person, blank.approval_on) == (
        "郑州某科技有限公司",
        "王经理",
        date(2021, 5, 8),
    )
    assert (typed.company, typed.approval_on, typed.name) == (
        "本单位填写的公司",
        date(2020, 1, 2),
        unit.projects[1].name,
    )
    assert blank.history.latest().history_change_reason == "导入：平台导出.xlsx"


def test_a_bad_date_is_named_by_row_and_column_and_nothing_is_saved():
    unit = MonthlyUnit(projects=2)
    Project.objects.update(company="")
    outcome = platform_projects_import(
        source=export(row(unit.projects[0].code), row(unit.projects[1].code, approved="去年")),
        actor=None,
        file_name="x",
    )
    assert outcome.errors == ["第4行 I列「审批（核准、备案）日期」：「去年」不是有效的日期"]
    assert set(Project.objects.values_list("company", flat=True)) == {""}


def test_the_command_fills_in_and_lists_the_codes_not_registered_here(tmp_path):
    unit = MonthlyUnit(projects=1)
    Project.objects.update(company="")
    path = tmp_path / "平台导出.xlsx"
    path.write_bytes(export(row(unit.projects[0].code), row("2022-410171-36-03-777777")).read())
    out = io.StringIO()
    call_command("import_platform_projects", str(path), stdout=out)
    assert "匹配项目 1 个，补填信息 1 个" in out.getvalue() and "2022-410171-36-03-777777" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(export(row(unit.projects[0].code, approved="去年")).read())
    with pytest.raises(CommandError, match="未导入"):
        call_command("import_platform_projects", str(bad), stderr=io.StringIO())


def test_a_unit_uploads_on_its_page_and_fills_in_only_its_own_projects(client):
    unit, other = MonthlyUnit(projects=1), MonthlyUnit(projects=1)
    Project.objects.update(company="")
    client.force_login(unit.reporter)
    upload = export(row(unit.projects[0].code), row(other.projects[0].code))
    upload.name = "平台导出.xlsx"
    response = client.post("/reporting/imports/platform/", {"file": upload})
    assert response.status_code == 200 and "匹配项目 1 个，补填信息 1 个" in response.content.decode()
    assert Project.objects.get(pk=unit.projects[0].pk).company == "郑州某科技有限公司"
    assert Project.objects.get(pk=other.projects[0].pk).company == ""
