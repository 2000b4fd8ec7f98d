"""Ranking every active scheme for one period, against the same rows written by hand-written SQL.

Ours: ``ranking_compute`` for each active scheme on the open period (1-12月, a draft, so it is
computed afresh each time) — the job's and the page's own call, which reads the inputs, ranks them
by the rules, stores the rows and proposes the escalations, each scheme in its own transaction.
The limit, like for like: one transaction that clears the period's draft rows and writes the same
rows again with one hand-written ``INSERT … SELECT`` (the same figures and targets joined, the same
rounded metric ranked with ``RANK() OVER``), then ``COMMIT``. The section checks that the query and
the service give every unit the same rank before it times them.
"""

from __future__ import annotations

from django.db import connection, transaction

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
       COALESCE(rank = MAX(rank) OVER (PARTITION BY scheme_id), FALSE) AS is_bottom,
       CASE WHEN missing THEN 'missing' WHEN value IS NULL THEN 'undefined' ELSE 'reported' END AS status
FROM ranked
"""

CLEAR_SQL = """
DELETE FROM reporting_rankingrow
WHERE run_id IN (
    SELECT r.id FROM reporting_rankingrun r JOIN reporting_rankingscheme s ON s.id = r.scheme_id
    WHERE r.year = %(year)s AND r.month = %(month)s AND r.status = 'draft' AND s.is_active
)
"""

INSERT_SQL = f"""
INSERT INTO reporting_rankingrow (run_id, unit_id, ytd_completed, baseline, target, value, status, rank,
                                  is_bottom, consecutive_bottom, escalation_level, note)
SELECT r.id, row.unit_id, row.ytd_completed, row.baseline, row.target, row.value, row.status, row.rank,
       row.is_bottom, 0, 0, CASE WHEN row.status = 'missing' THEN '未报送' ELSE '' END
FROM ({RANKING_SQL}) row
JOIN reporting_rankingrun r ON r.scheme_id = row.scheme_id AND r.year = %(year)s AND r.month = %(month)s
"""


def window_ranking(period: Period) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(RANKING_SQL, {"year": period.year, "month": period.month})
        return cursor.fetchall()


def hand_written_insert(period: Period) -> None:
    """The limit: the period's rows cleared and written again by one INSERT … SELECT, committed."""
    params = {"year": period.year, "month": period.month}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CLEAR_SQL, params)
        cursor.execute(INSERT_SQL, params)


def compute_all(period: Period) -> list:
    return [ranking_compute(scheme=scheme, period=period) for scheme in active_schemes()]


def stored_rows(period: Period, *fields: str) -> set[tuple]:
    from reporting.models import RankingRow

    return set(
        RankingRow.objects.filter(
            run__year=period.year, run__month=period.month, run__scheme__is_active=True
        ).values_list("run__scheme_id", "unit_id", *fields)
    )


# What the hand-written INSERT writes; the ladder's columns it leaves at nought.
WRITTEN = ("ytd_completed", "baseline", "target", "value", "status", "rank", "is_bottom")


def measure(profile: str) -> list[Line]:
    period = Period(*OPEN_MONTH)
    compute_all(period)
    expected = {
        (scheme, unit, rank, bool(bottom))
        for scheme, unit, _ytd, _base, _target, _value, rank, bottom, _status in window_ranking(period)
    }
    differing = expected ^ stored_rows(period, "rank", "is_bottom")
    if differing:
        raise AssertionError(f"手写 SQL 与排名服务的名次不一致：{sorted(differing)[:5]}")
    ours_rows = stored_rows(period, *WRITTEN)
    hand_written_insert(period)
    differing = ours_rows ^ stored_rows(period, *WRITTEN)
    if differing:
        raise AssertionError(f"手写 INSERT 与排名服务写入的行不一致：{sorted(differing)[:5]}")
    ours, limit = alternate(lambda: compute_all(period), lambda: hand_written_insert(period), repeat=7)
    compute_all(period)  # leave the draft as the service writes it, ladder notes and all
    rows = len(expected)
    return [
        Line(
            figure=f"排名：全部启用方案 {period.label}（{rows} 行）",
            profile=profile,
            value=ours * 1000,
            limit=limit * 1000,
            unit="ms",
            goal=1.5,
            limit_label="手写 INSERT … SELECT（RANK() 窗口函数）写入同样的行并提交",
        )
    ]
