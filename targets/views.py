from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook

from accounts.permissions import ALL_UNITS_READERS, has_any_role, roles_required
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.figures import format_wan
from common.lists import ListPage
from common.params import MAX_PER_PAGE
from common.spreadsheets import XLSX_CONTENT_TYPE, SpreadsheetError, workbook_response_bytes

from .filtersets import AllocationTableFilterSet
from .forms import AllocationGridForm, PlanTotalForm, TargetImportForm, plain_amount
from .models import AllocationTable, PlanYear
from .selectors import (
    allocation_balance,
    allocation_grid_rows,
    allocation_table_history,
    allocation_tables_for_edit,
    allocation_tables_listed,
    plan_year_table_lines,
    plan_years_with_table_counts,
)
from .services.allocations import allocation_table_save, balance_summary, plan_year_total_change
from .services.imports import TargetImportError, targets_import
from .tables import AllocationChangeTable, AllocationTableTable, TableBalanceTable
from .workbooks import allocation_template_workbook, allocation_workbook, unit_header_for


def _xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    return HttpResponse(
        workbook_response_bytes(workbook),
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)},
    )


def plan_years(request) -> list:
    """The plan years with their table counts, read once however many parts of the page ask."""
    if not hasattr(request, "plan_years"):
        request.plan_years = list(plan_years_with_table_counts())
    return request.plan_years


def can_edit_tables(user) -> bool:
    return has_any_role(user, (Role.ADMIN,))


class AllocationTableList(ListPage):
    """年度固定资产投资任务分解表: every allocation table and its balance, the plan years above
    them with their own actions. Each table and each year exports as its workbook."""

    template_name = "targets/table_list.html"
    filterset_class = AllocationTableFilterSet
    table_class = AllocationTableTable
    per_page = MAX_PER_PAGE

    def queryset(self, request):
        return allocation_tables_listed()

    def filterset(self, request):
        return self.filterset_class(
            request.GET, queryset=self.queryset(request), request=request, plan_years=plan_years(request)
        )

    def table_kwargs(self, request) -> dict[str, object]:
        return {"can_edit": can_edit_tables(request.user)}

    def extra_context(self, request, filterset, table) -> dict:
        return {"plan_years": plan_years(request), "can_edit": can_edit_tables(request.user)}


ALLOCATION_TABLE_LIST = AllocationTableList()


@roles_required(*ALL_UNITS_READERS)
def table_list(request: HttpRequest) -> HttpResponse:
    return ALLOCATION_TABLE_LIST.page(request)


@roles_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def table_edit(request: HttpRequest, table_id: int) -> HttpResponse:
    table = get_object_or_404(allocation_tables_for_edit(), pk=table_id)
    rows = allocation_grid_rows(table)
    form = AllocationGridForm(request.POST or None, rows=rows, table_version=table.version)
    if form.is_bound and form.is_valid():
        try:
            saved = allocation_table_save(
                table=table,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                actor=request.user,
                expected_version=form.cleaned_data["table_version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not saved.changed:
                messages.info(request, "目标值没有变化，未作修改。")
            else:
                messages.success(
                    request, f"已保存 {saved.changed} 个单位的目标。{balance_summary(saved.balance)}"
                )
            return redirect("targets:table_edit", table_id=table.pk)
    return render(
        request,
        "targets/table_edit.html",
        {
            "table": table,
            "form": form,
            "balance": allocation_balance(table),
            "had_values": bool(table.targets.all()),
            "unit_header": unit_header_for([row.unit.kind for row in rows]),
            "history": [
                (version, AllocationChangeTable(version.changes))
                for version in allocation_table_history(table)
            ],
        },
    )


@roles_required(*ALL_UNITS_READERS)
@audited(AuditAction.EXPORT)
def table_export(request: HttpRequest, table_id: int) -> HttpResponse:
    table = get_object_or_404(AllocationTable.objects.select_related("plan_year"), pk=table_id)
    workbook = allocation_workbook(tables=AllocationTable.objects.filter(pk=table.pk))
    return _xlsx_response(workbook, f"{table.plan_year.year}年{table.name}.xlsx")


@roles_required(*ALL_UNITS_READERS)
@audited(AuditAction.EXPORT)
def plan_year_export(request: HttpRequest, plan_year_id: int) -> HttpResponse:
    plan_year = get_object_or_404(PlanYear, pk=plan_year_id)
    workbook = allocation_workbook(tables=plan_year.tables.all())
    return _xlsx_response(workbook, f"{plan_year.year}年固定资产投资任务分解表.xlsx")


@roles_required(Role.ADMIN)
@audited(AuditAction.DOWNLOAD)
def import_template(request: HttpRequest) -> HttpResponse:
    return _xlsx_response(allocation_template_workbook(), "分解表导入模板.xlsx")


@roles_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def table_import(request: HttpRequest) -> HttpResponse:
    latest = PlanYear.objects.first()
    form = TargetImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"year": latest.year if latest else clock.today().year},
    )
    errors: list[str] = []
    unknown_units = False
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = targets_import(
                source=upload,
                source_name=upload.name,
                year=form.cleaned_data["year"],
                table_name=form.cleaned_data["table_name"],
                reason=form.cleaned_data["reason"],
                create_units=form.cleaned_data["create_units"],
                actor=request.user,
            )
        except SpreadsheetError as error:
            errors = [str(error)]
        except TargetImportError as error:
            errors, unknown_units = error.errors, error.unknown_units
        else:
            for line in result.summary_lines():
                messages.success(request, line)
            return redirect("targets:table_list")
    return render(
        request,
        "targets/table_import.html",
        {"form": form, "errors": errors, "unknown_units": unknown_units},
    )


@roles_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def plan_total_edit(request: HttpRequest, plan_year_id: int) -> HttpResponse:
    plan_year = get_object_or_404(PlanYear, pk=plan_year_id)
    form = PlanTotalForm(request.POST or None, initial={"fai_target": plain_amount(plan_year.fai_target)})
    if form.is_bound and form.is_valid():
        try:
            changed = plan_year_total_change(
                plan_year=plan_year,
                fai_target=form.cleaned_data["fai_target"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            old, new = (
                format_wan(total, 2, decimals_if_any=True)
                for total in (changed.old_total, changed.plan_year.fai_target)
            )
            messages.success(request, f"{plan_year.year}年度投资目标已由 {old} 万元改为 {new} 万元。")
            for line in changed.unbalanced:
                messages.warning(request, f"请调平「{line.table.name}」：{balance_summary(line.balance)}")
            return redirect("targets:table_list")
    return render(
        request,
        "targets/plan_total_edit.html",
        {
            "plan_year": plan_year,
            "form": form,
            "balance_table": TableBalanceTable(plan_year_table_lines(plan_year.pk)),
        },
    )
