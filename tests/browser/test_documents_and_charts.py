"""In a real browser, on a 1366×768 screen and on a 390×844 phone: the 通报's three files and the
project list's export arrive and open, the export carries what the page shows, and the charts' labels
neither overlap nor leave their chart, on the screen and printed on A4."""

from io import BytesIO

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reporting.tests.pdf_reading import pdf_text, require_libreoffice, without_spaces
from targets.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# A4 landscape less the print margins of investtrack.css (12 mm each side), in CSS pixels.
A4_PRINTED = {"width": round((297 - 24) / 25.4 * 96), "height": round((210 - 24) / 25.4 * 96)}
OCTOBER_TITLE = "经开区固定资产投资完成情况通报（2022年1-10月）（草稿）"

# Every visible <text> of each chart's SVG, as the four corners of its box on the screen: a rotated
# axis label (the bar charts turn theirs 30°) is a turned rectangle, not its bounding box.
CHART_LABELS = """() => [...document.querySelectorAll('[data-chart]')].flatMap(chart => {
    const frame = chart.getBoundingClientRect();
    return [...chart.querySelectorAll('svg text')]
        .filter(text => text.textContent.trim() && getComputedStyle(text).display !== 'none'
                        && Number(getComputedStyle(text).opacity) > 0 && text.getAttribute('opacity') !== '0')
        .map(text => {
            const box = text.getBBox(), matrix = text.getScreenCTM();
            const corners = [[box.x, box.y], [box.x + box.width, box.y],
                             [box.x + box.width, box.y + box.height], [box.x, box.y + box.height]]
                .map(([x, y]) => new DOMPoint(x, y).matrixTransform(matrix))
                .map(point => [point.x, point.y]);
            return {chart: chart.dataset.chart, text: text.textContent.trim(), corners: corners,
                    frame: [frame.left, frame.top, frame.right, frame.bottom]};
        });
})"""
TOLERANCE = 1  # px: anti-aliasing of a glyph's box


def _depth(one: list, other: list) -> float:
    """How far two convex boxes overlap (separating axis theorem): ≤ 0 when some axis separates them."""
    depth = float("inf")
    for polygon in (one, other):
        for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
            axis = (y1 - y2, x2 - x1)
            length = (axis[0] ** 2 + axis[1] ** 2) ** 0.5 or 1
            first = [(x * axis[0] + y * axis[1]) / length for x, y in one]
            second = [(x * axis[0] + y * axis[1]) / length for x, y in other]
            depth = min(depth, min(max(first), max(second)) - max(min(first), min(second)))
    return depth


def assert_labels_readable(labels: list[dict], where: str) -> None:
    assert labels, f"{where}: the charts have labels"
    for label in labels:
        left, top, right, bottom = label["frame"]
        inside = all(
            left - TOLERANCE <= x <= right + TOLERANCE and top - TOLERANCE <= y <= bottom + TOLERANCE
            for x, y in label["corners"]
        )
        assert inside, f"{where}: {label['text']!r} is clipped by its chart {label['chart']}"
    for index, one in enumerate(labels):
        for other in labels[index + 1 :]:
            if one["chart"] == other["chart"]:
                assert _depth(one["corners"], other["corners"]) <= TOLERANCE, (
                    f"{where}: {one['text']!r} and {other['text']!r} overlap in {one['chart']}"
                )


def download(page, selector: str, saved_as):
    with page.expect_download() as info:
        page.locator(selector).first.click()
    info.value.save_as(saved_as)
    return saved_as.read_bytes()


@pytest.mark.parametrize("size", SIZES)
def test_the_bulletins_three_files_and_the_project_list_export_arrive_and_open(log_in, screenshot_dir, size):
    require_libreoffice()
    leader = log_in("leader")
    page = leader.page
    page.set_viewport_size(SIZES[size])

    leader.open(reverse("reporting:bulletins"))
    page.screenshot(path=screenshot_dir / f"bulletins-{size}.png", full_page=True)
    workbook_url = reverse("reporting:bulletin_workbook", args=[2022, 10])
    document_url = reverse("reporting:bulletin_document", args=[2022, 10])
    pdf_url = reverse("reporting:bulletin_pdf", args=[2022, 10])

    workbook = load_workbook(
        BytesIO(download(page, f"a[href='{workbook_url}']", screenshot_dir / f"bulletin-{size}.xlsx"))
    )
    assert workbook["办事处"]["A1"].value == OCTOBER_TITLE
    document = docx.Document(
        BytesIO(download(page, f"a[href='{document_url}']", screenshot_dir / f"bulletin-{size}.docx"))
    )
    title = next(paragraph.text for paragraph in document.paragraphs if "通报\n（" in paragraph.text)
    assert title.replace("\n", "") == OCTOBER_TITLE
    pdf = download(page, f"a[href='{pdf_url}']", screenshot_dir / f"bulletin-{size}.pdf")
    assert pdf.startswith(b"%PDF")
    assert OCTOBER_TITLE in without_spaces(pdf_text(pdf))
    # The 重点项目 sheet's 项目代码 is text: Excel shows 2022-410171-… as typed, never as a number.
    key_projects = workbook["重点项目"]
    header_row, code_column = next(
        (cell.row, cell.column)
        for row in key_projects.iter_rows(max_row=6)
        for cell in row
        if cell.value == "项目代码"
    )
    codes = [key_projects.cell(row, code_column) for row in range(header_row + 1, key_projects.max_row + 1)]
    codes = [cell for cell in codes if cell.value is not None]
    assert codes and all(cell.data_type == "s" and cell.number_format in ("@", "General") for cell in codes)

    leader.open(reverse("projects:list"))
    shown = [text.strip() for text in page.locator("table thead th").all_inner_texts() if text.strip()]
    assert "累计完成(万元)" in shown and "完成率" in shown
    page.screenshot(path=screenshot_dir / f"project-list-{size}.png", full_page=True)
    export = load_workbook(
        BytesIO(download(page, "#export-link", screenshot_dir / f"project-list-{size}.xlsx"))
    ).active
    rows = list(export.iter_rows())
    header_index = next(index for index, row in enumerate(rows) if row[0].value == "项目名称")
    exported = [cell.value for cell in rows[header_index]]
    # A percentage column names its unit in the file, where the cell holds a number.
    assert [label for label in shown if label not in exported and f"{label}(%)" not in exported] == []
    data = [row for row in rows[header_index + 1 :] if row[0].value]
    assert data, "the export has the listed projects"
    by_label = {label: position for position, label in enumerate(exported)}
    for row in data:
        code = row[by_label["项目代码"]]
        assert code.data_type == "s" and "#" not in code.number_format, code.value
        ytd, rate = row[by_label["累计完成(万元)"]], row[by_label["完成率(%)"]]
        assert ytd.number_format == "#,##0" and rate.number_format == "0.0"
    for cell in (cell for row in rows[:header_index] for cell in row if cell.value):
        assert cell.data_type == "s", f"the title {cell.value!r} (its year) is text"
    assert leader.errors == []


@pytest.mark.parametrize("medium", ["screen", "print"])
def test_the_charts_labels_neither_overlap_nor_leave_the_chart(log_in, screenshot_dir, medium):
    leader = log_in("leader")
    page = leader.page
    page.set_viewport_size(SIZES["desktop"])
    minghu = Unit.objects.get(name="明湖办事处")
    pages = {
        "cockpit": reverse("reporting:cockpit") + "?period=2022-10",
        "unit": reverse("reporting:unit", args=[minghu.pk]) + "?period=2022-10",
    }
    for name, url in pages.items():
        leader.open(url)
        assert leader.charts_drawn() >= 2
        if medium == "print":
            page.emulate_media(media="print")
            page.evaluate(
                "() => document.querySelectorAll('[data-chart]').forEach(c => c.dataset.rendered = '')"
            )
            page.set_viewport_size(A4_PRINTED)  # the printed column: charts redraw to its width
            leader.charts_drawn()
            page.pdf(
                path=screenshot_dir / f"{name}-a4.pdf", format="A4", landscape=True, print_background=True
            )
        page.screenshot(path=screenshot_dir / f"{name}-charts-{medium}.png", full_page=True)
        assert_labels_readable(page.evaluate(CHART_LABELS), f"{name} ({medium})")
        page.emulate_media(media="screen")
        page.set_viewport_size(SIZES["desktop"])
    assert leader.errors == []
