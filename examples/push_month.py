#!/usr/bin/env python3
"""Push one unit's month of project reports to InvestTrack from a spreadsheet, through the open API.

This is what a unit's own system does instead of typing its figures again:

    export INVESTTRACK_TOKEN=...            # python manage.py create_api_token minghu_reporter
    python examples/push_month.py --url http://127.0.0.1:8000 --period 2022-10 --template month.xlsx
    # fill in 本月完成投资(万元), 形象进度, 存在问题 in month.xlsx, then
    python examples/push_month.py --url http://127.0.0.1:8000 --period 2022-10 month.xlsx --submit

The sheet has the columns of the report import (项目代码, 本月完成投资(万元), 形象进度, 存在问题; a title
and a 单位：万元 line above the header are fine). The whole month is sent in one request: it is saved
all or nothing, with the month grid's checks; sending the same file again changes nothing. Only the
standard library and openpyxl are needed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook, load_workbook

COLUMNS = {
    "项目代码": "project_code",
    "本月完成投资(万元)": "amount",
    "形象进度": "progress",
    "存在问题": "problems",
}
HEADER_ROWS_SEARCHED = 10

# send(method, url, body) -> (status, parsed JSON): urllib by default; tests pass their own.
Send = Callable[[str, str, dict | None], tuple[int, dict]]


def urllib_send(token: str) -> Send:
    def send(method: str, url: str, body: dict | None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    return send


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        error = body.get("error", {})
        lines = [f"HTTP {status}：{error.get('message', body)}"]
        lines += [f"  - {item['message']}" for item in error.get("errors", [])]
        super().__init__("\n".join(lines))


def _call(send: Send, method: str, url: str, body: dict | None = None) -> dict:
    status, data = send(method, url, body)
    if status >= 400:
        raise ApiError(status, data)
    return data


def own_unit(send: Send, base: str) -> int:
    """A unit user's token reads only its own unit."""
    units = _call(send, "GET", f"{base}/api/v1/units/")["results"]
    if len(units) != 1:
        raise SystemExit("该令牌可查看多个单位，请用 --unit 指定单位 id。")
    return units[0]["id"]


def normalise(text) -> str:
    return "".join(str(text or "").replace("（", "(").replace("）", ")").split())


def read_sheet(path: str) -> list[dict]:
    sheet = load_workbook(path, read_only=True, data_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(
        (i for i, row in enumerate(rows[:HEADER_ROWS_SEARCHED]) if "项目代码" in map(normalise, row)), None
    )
    if header_at is None:
        raise SystemExit(f"前 {HEADER_ROWS_SEARCHED} 行中没有找到「项目代码」列。")
    names = [normalise(cell) for cell in rows[header_at]]
    positions = {COLUMNS[name]: names.index(name) for name in COLUMNS if name in names}
    lines = []
    for row in rows[header_at + 1 :]:
        code = str(row[positions["project_code"]] or "").strip()
        if not code or code == "合计":
            continue
        line = {key: row[position] for key, position in positions.items()}
        line["project_code"] = code
        lines.append(line)
    return lines


def _amount(value) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return str(Decimal(str(value).replace(",", "")))
    except InvalidOperation:
        return str(value)  # the server names the row and the column


def push_month(
    send: Send, *, base: str, unit: int, year: int, month: int, lines: list[dict], submit: bool
) -> dict:
    """Read the month as it stands (for its versions), then send every line in one request."""
    url = f"{base}/api/v1/units/{unit}/months/{year}/{month}/reports/"
    current = _call(send, "GET", url)
    versions = {line["project_code"]: line["version"] for line in current["lines"]}
    entries = [
        {
            "project_code": line["project_code"],
            "amount": _amount(line.get("amount")),
            "progress": str(line.get("progress") or ""),
            "problems": str(line.get("problems") or ""),
            "version": versions.get(line["project_code"]),
        }
        for line in lines
    ]
    body = {"submission_version": current["submission_version"], "entries": entries, "submit": submit}
    return _call(send, "PUT", url, body)


def write_template(send: Send, *, base: str, unit: int, year: int, month: int, path: str) -> int:
    current = _call(send, "GET", f"{base}/api/v1/units/{unit}/months/{year}/{month}/reports/")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([f"{year}年{month}月项目月报"])
    sheet.append(["单位：万元"])
    sheet.append(["项目代码", "项目名称", "本月完成投资(万元)", "形象进度", "存在问题"])
    for line in current["lines"]:
        sheet.append(
            [line["project_code"], line["project_name"], line["amount"], line["progress"], line["problems"]]
        )
    workbook.save(path)
    return len(current["lines"])


def main(argv: list[str] | None = None, *, send: Send | None = None) -> int:
    parser = argparse.ArgumentParser(description="通过开放接口报送一个单位一个月的项目月报。")
    parser.add_argument("file", help="月报表格 .xlsx（与 --template 同用时为要写出的模板）")
    parser.add_argument("--url", default=os.environ.get("INVESTTRACK_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("INVESTTRACK_TOKEN", ""))
    parser.add_argument("--period", required=True, help="月份 YYYY-MM")
    parser.add_argument("--unit", type=int, help="单位 id；单位用户的令牌可省略")
    parser.add_argument("--submit", action="store_true", help="保存后同时报送")
    parser.add_argument("--template", action="store_true", help="写出本单位本月的填报模板")
    args = parser.parse_args(argv)
    if send is None:
        if not args.token:
            parser.error("请用 --token 或环境变量 INVESTTRACK_TOKEN 提供接口令牌。")
        send = urllib_send(args.token)
    base = args.url.rstrip("/")
    year, month = (int(part) for part in args.period.split("-"))
    try:
        unit = args.unit or own_unit(send, base)
        if args.template:
            count = write_template(send, base=base, unit=unit, year=year, month=month, path=args.file)
            print(f"已写出模板 {args.file}：{count} 个项目。")
            return 0
        saved = push_month(
            send,
            base=base,
            unit=unit,
            year=year,
            month=month,
            lines=read_sheet(args.file),
            submit=args.submit,
        )
    except ApiError as error:
        print(error, file=sys.stderr)
        return 1
    submission = saved["submission"]
    print(f"已保存：修改 {saved['changed']} 个项目；报送状态：{submission['status_display']}。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
