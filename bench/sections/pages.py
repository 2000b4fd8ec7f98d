"""The cockpit and the project list, through Django's test client, against their own SQL run raw.

Each page is requested once to warm it, its queries are captured, and then the page and a raw
replay of exactly those SQL statements (with ``fetchall``) are timed turn about: the ratio is what
Django, the selectors and the templates add on top of the database's own work. The page's query
count at this profile is set beside the district's, counted the same way in a child process: a
page whose count grows with the data runs a query per row somewhere.
"""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.generate import PUBLISHED_THROUGH
from bench.harness import Line, alternate, run_section

PAGES = {
    "领导驾驶舱": ("reporting:cockpit", f"period=2022-{PUBLISHED_THROUGH:02d}"),
    "项目清单 第1页": ("projects:list", ""),
    "项目清单 筛选后": ("projects:list", "stage=construction&level=provincial&field=industry&page=2"),
}
VIEWER = "bench_leader"
DECLARE = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(OUT)? HOLD FOR ')


def client() -> Client:
    from django.contrib.auth import get_user_model

    browser = Client()
    browser.force_login(get_user_model().objects.get(username=VIEWER))
    return browser


def get(browser: Client, name: str):
    url_name, query = PAGES[name]
    response = browser.get(f"{reverse(url_name)}?{query}")
    if response.status_code != 200:
        raise AssertionError(f"{name}: HTTP {response.status_code}")
    return response


def captured(browser: Client, name: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        get(browser, name)
    return [query["sql"] for query in queries.captured_queries]


def replay(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for sql in statements:
            # A form's choices are read through a server-side cursor; the raw run reads the SELECT.
            raw.execute(DECLARE.sub("", sql))
            if raw.description is not None:
                raw.fetchall()


def query_counts(profile: str) -> dict[str, int]:
    """Each page's query count on this profile's database (what a child process reports)."""
    browser = client()
    for name in PAGES:
        get(browser, name)
    return {name: len(captured(browser, name)) for name in PAGES}


def measure(profile: str, mode: str = "lines"):
    if mode == "counts":
        return query_counts(profile)
    browser = client()
    counts = query_counts(profile)
    district = counts if profile == "district" else run_section("pages", "district", "counts")
    lines = []
    for name in PAGES:
        statements = captured(browser, name)
        ours, limit = alternate(
            lambda name=name: get(browser, name), lambda s=statements: replay(s), repeat=7
        )
        lines.append(
            Line(
                figure=f"{name}：服务器耗时（测试客户端，已预热）",
                profile=profile,
                value=ours * 1000,
                limit=limit * 1000,
                unit="ms",
                goal=3.0,
                limit_label=f"同样的 {len(statements)} 条 SQL 直接执行",
            )
        )
        lines.append(
            Line(
                figure=f"{name}：查询次数（{profile} 对 district）",
                profile=profile,
                value=counts[name],
                limit=district[name],
                unit="次",
                goal=1.0,
                limit_label="district 的查询次数",
                exact=True,
            )
        )
    return lines
