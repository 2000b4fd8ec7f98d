"""Ranking every active scheme for one period, against one hand-written SQL window query.

Ours: ``ranking_compute`` for each active scheme on the open period (1-12月, a draft, so it is
computed afresh each time) — the job's and the page's own call, which also stores the rows and
proposes the escalations. The limit: one SQL statement that joins the same figures and targets,
computes the same rounded metric and ranks it with ``RANK() OVER``, returning the same rows. The
section checks that both give every unit the same rank before it times them.
"""

from __future__ import annotations

from django.db import connection

from bench.generate import OPEN_MONTH
from bench.harness import Line, alternate
from common.periods import Period
from reporting.selectors.rankings import active_schemes
from reporting.services.rankings import ranking_compute

RANKING_SQL = """
WITH entry AS (
    SELECT s.id AS scheme_id, u.id AS unit_id, f.id IS NULL AS missing,
           CASE
               WHEN f.id IS NULL THEN NULL
               WHEN s.metric = 'growth'
                   THEN round((f.ytd_completed - f.baseline) * 100 / NULLIF(f.baseline, 0), 1)
               WHEN s.metric = 'completion_rate' THEN round(f.ytd_completed * 100 / NULLIF(t.value, 0), 1)
               WHEN s.metric = 'amount' THEN round(f.ytd_completed, 2)
           END AS value,
           f.ytd_completed, f.baseline, t.value AS target
    FROM reporting_rankingscheme s
    JOIN targets_rankinggroup_units gu ON gu.rankinggroup_id = s.group_id
    JOIN targets_unit u ON u.id = gu.unit_id AND u.is_active
    LEFT JOIN reporting_officialfigure f ON f.unit_id = u.id AND f.year = %(year)s AND f.month = %(month)s
    LEFT JOIN targets_allocationtable a
        ON a.id = COALESCE(s.allocation_table_id, (
            SELECT a2.id FROM targets_allocationtable a2
            JOIN targets_planyear p ON p.id = a2.plan_year_id
            JOIN targets_indicator i ON i.id = a2.indicator_id
            WHERE p.year = %(year)s AND i.code = 'fai' AND a2.ranking_group_id = s.group_id
            LIMIT 1))
    LEFT JOIN targets_target t ON t.table_id = a.id AND t.unit_id = u.id
    WHERE s.is_active
), ranked AS (
    SELECT *,
           CASE
               WHEN value IS NOT NULL THEN RANK() OVER (PARTITION BY scheme_id ORDER BY value DESC NULLS LAST)
               WHEN missing THEN COUNT(value) OVER (PARTITION BY scheme_id) + 1
           END AS rank
    FROM entry
)
SELECT scheme_id, unit_id, ytd_completed, baseline, target, value, rank,
       rank = MAX(rank) OVER (PARTITION BY scheme_id) AS is_bottom
FROM ranked
ORDER BY scheme_id, rank NULLS LAST, unit_id
"""


def window_ranking(period: Period) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(RANKING_SQL, {"year": period.year, "month": period.month})
        return cursor.fetchall()


def compute_all(period: Period) -> list:
    return [ranking_compute(scheme=scheme, period=period) for scheme in active_schemes()]


def stored_ranks(period: Period) -> set[tuple]:
    from reporting.models import RankingRow

    return set(
        RankingRow.objects.filter(
            run__year=period.year, run__month=period.month, run__scheme__is_active=True
        ).values_list("run__scheme_id", "unit_id", "rank", "is_bottom")
    )


def measure(profile: str) -> list[Line]:
    period = Period(*OPEN_MONTH)
    compute_all(period)
    expected = {
        (scheme, unit, rank, bool(bottom)) for scheme, unit, *_, rank, bottom in window_ranking(period)
    }
    differing = expected ^ stored_ranks(period)
    if differing:
        raise AssertionError(f"手写 SQL 与排名服务的名次不一致：{sorted(differing)[:5]}")
    ours, limit = alternate(lambda: compute_all(period), lambda: window_ranking(period), repeat=7)
    rows = len(expected)
    return [
        Line(
            figure=f"排名：全部启用方案 {period.label}（{rows} 行）",
            profile=profile,
            value=ours * 1000,
            limit=limit * 1000,
            unit="ms",
            goal=1.5,
            limit_label="一条手写 SQL（RANK() 窗口函数）",
        )
    ]
