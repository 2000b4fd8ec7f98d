"""CPU milliseconds of the month grid's requests, for ``bench.sections.surge``:
``python bench/grid_cpu.py DATABASE USERNAME GRID_URL REPEAT``.

It drives the pages only through what a browser sees (the grid's URL, its HTML form, the
``data-rows-url`` of the grid's script), so the same script measures this checkout and an older
one: the section runs it with the older checkout first on ``PYTHONPATH`` and as its working
directory, to set today's costs beside ours in the same run, on the same database. Each figure is
the median of ``REPEAT`` requests' process CPU time (``time.process_time``: the Python side of the
request; PostgreSQL runs in its own processes). Prints one JSON object:

- ``grid``: a GET of the grid;
- ``post_and_grid``: the whole grid posted without the script (two amounts changed by a cent) and
  the page the redirect brings back;
- ``rows`` (when the page has the script's save): the same two lines saved as JSON, and nothing else.
"""

from __future__ import annotations

import gc
import json
import os
import re
import statistics
import sys
import time
from decimal import Decimal
from html import unescape

_INPUT = re.compile(r"<input\b[^>]*>")
_TEXTAREA = re.compile(r"<textarea\b[^>]*\bname=\"([^\"]*)\"[^>]*>(.*?)</textarea>", re.S)
_ATTRIBUTE = re.compile(r'\b(type|name|value)="([^"]*)"')
_ROWS_URL = re.compile(r'data-rows-url="([^"]+)"')
CENT = Decimal("0.01")


def form_fields(page: str) -> dict[str, str]:
    """What a browser posts from the grid's form (the one holding ``submission_version``)."""
    for form in page.split("<form")[1:]:
        form = form.split("</form>", 1)[0]
        if 'name="submission_version"' not in form:
            continue
        fields = {}
        for tag in _INPUT.findall(form):
            attributes = dict(_ATTRIBUTE.findall(tag))
            if "name" in attributes and attributes.get("type") not in ("checkbox", "submit"):
                fields[unescape(attributes["name"])] = unescape(attributes.get("value", ""))
        for name, text in _TEXTAREA.findall(form):
            fields[unescape(name)] = unescape(text.removeprefix("\n"))
        return fields
    raise RuntimeError("填报表页面中没有可编辑的表单")


def _cpu_ms(request) -> float:
    gc.collect()
    start = time.process_time()
    request()
    return (time.process_time() - start) * 1000


def _toggled(fields: dict[str, str], names: list[str], original: dict[str, str]) -> dict[str, str]:
    """The two amounts a cent away from where they started, or back: the figures never drift."""
    changed = {}
    for name in names:
        start = original.setdefault(name, fields[name])
        changed[name] = str(Decimal(start) - CENT) if fields[name] == start else start
    return changed


def measure(username: str, grid_url: str, repeat: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))

    def page() -> str:
        response = client.get(grid_url)
        if response.status_code != 200:
            raise RuntimeError(f"填报表：HTTP {response.status_code}")
        return response.content.decode()

    html = page()
    fields = form_fields(html)
    names = [n for n, v in fields.items() if n.startswith("amount_") and v and Decimal(v) >= CENT][:2]
    if len(names) < 2:
        raise RuntimeError("填报表中可修改的金额不足两行")
    original: dict[str, str] = {}
    figures: dict[str, list[float]] = {"grid": [], "post_and_grid": []}

    def post_and_grid(data: dict[str, str]) -> None:
        response = client.post(grid_url, data)
        if response.status_code != 302:
            raise RuntimeError(f"整表保存：HTTP {response.status_code}")
        client.get(response["Location"])

    for _ in range(repeat + 1):  # the first round warms the caches and is not counted
        grid = _cpu_ms(page)
        fields = form_fields(page())
        data = fields | _toggled(fields, names, original) | {"action": "save"}
        cycle = _cpu_ms(lambda data=data: post_and_grid(data))
        figures["grid"].append(grid)
        figures["post_and_grid"].append(cycle)

    rows_url = _ROWS_URL.search(html)
    if rows_url:
        figures["rows"] = []
        token = form_fields(html)["csrfmiddlewaretoken"]
        fields = form_fields(page())
        version = fields["submission_version"] or None
        versions = {name: fields[name.replace("amount_", "version_")] or None for name in names}
        for _ in range(repeat + 1):
            amounts = _toggled(fields, names, original)
            body = {
                "submission_version": version,
                "rows": [
                    {
                        "project": int(name.removeprefix("amount_")),
                        "amount": amount,
                        "progress": fields[name.replace("amount_", "progress_")],
                        "problems": fields[name.replace("amount_", "problems_")],
                        "version": versions[name],
                        "confirm": None,
                    }
                    for name, amount in amounts.items()
                ],
            }
            answer = {}

            def save(body=body, answer=answer) -> None:
                response = client.post(
                    unescape(rows_url.group(1)),
                    json.dumps(body),
                    content_type="application/json",
                    HTTP_X_CSRFTOKEN=token,
                )
                if response.status_code != 200:
                    raise RuntimeError(
                        f"保存改动的行：HTTP {response.status_code} {response.content[:300]!r}"
                    )
                answer.update(response.json())

            figures["rows"].append(_cpu_ms(save))
            version = answer["submission_version"]
            for name in names:
                versions[name] = answer["rows"][name.removeprefix("amount_")]["version"]
            fields |= amounts
    return {name: statistics.median(values[1:]) for name, values in figures.items()}


def main(argv: list[str]) -> None:
    database, username, grid_url, repeat = argv
    server = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"{server.rstrip('/')}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investtrack.settings")
    import django

    django.setup()
    print(json.dumps(measure(username, grid_url, int(repeat))))


if __name__ == "__main__":
    main(sys.argv[1:])
