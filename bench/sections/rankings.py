"""Ranking every active scheme for one period, against the same rows written by hand-written SQL.

Ours: ``period_rank`` on the open period (1-12月, a draft, so it is computed afresh each time) —
the call the nightly job, the 排名 page's 重新计算, ``manage.py rank`` and publication all make. In
one transaction it ranks every active scheme: reads the inputs, ranks them by the rules, stores the
rows and proposes the escalations, and tells the admins the draft is ready.
The limit, like for like: one transaction that clears the period's draft rows and writes the same
rows again with one hand-written ``INSERT … SELECT`` (the same figures and targets joined, the same
rounded metric ranked with ``RANK() OVER``, the bottom units' periods at the bottom counted from the
year's published runs and the ladder step they reach looked up, the note worded as the service
words it), then ``COMMIT``. Before timing, the section checks that the query and the service give
every unit the same rank, and that the two write the same rows, every column.

Ours updates the rows a draft already has in place (``ranking_rows_write``); the limit deletes them
and inserts them again, as the issue that set the goal defines it. Before each timed call of either,
the rows' table is vacuumed, untimed (``rows_vacuumed``).
"""

from __future__ import annotations

from django.db import connection, transaction

from bench.generate import OPEN_MONTH
from bench.harness import Line, alternate
from common.periods import Period
from reporting.services.ranking_rows import ROW_COLUMNS
from reporting.services.rankings import period_rank

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
), placed AS (
    SELECT scheme_id, unit_id, ytd_completed, baseline, target, value, rank,
           COALESCE(rank = MAX(rank) OVER (PARTITION BY scheme_id), FALSE) AS is_bottom,
           CASE WHEN missing THEN 'missing' WHEN value IS NULL THEN 'undefined' ELSE 'reported' END AS status
    FROM ranked
), earlier AS (
    -- the year's earlier published runs of each scheme, 1 for the latest
    SELECT r.id, r.scheme_id, ROW_NUMBER() OVER (PARTITION BY r.scheme_id ORDER BY r.month DESC) AS back
    FROM reporting_rankingrun r
    WHERE r.year = %(year)s AND r.month < %(month)s AND r.status = 'published'
), bottoms AS (
    -- the units each earlier run put at the bottom; gap 0 while they were there in every run since
    SELECT e.scheme_id, b.unit_id,
           e.back - ROW_NUMBER() OVER (PARTITION BY e.scheme_id, b.unit_id ORDER BY e.back) AS gap
    FROM earlier e
    JOIN reporting_rankingrow b ON b.run_id = e.id AND b.is_bottom
), streak AS (
    -- a bottom unit's periods at the bottom running: this one and the earlier ones in a row
    SELECT p.scheme_id, p.unit_id,
           1 + (SELECT COUNT(*) FROM bottoms o
                WHERE o.scheme_id = p.scheme_id AND o.unit_id = p.unit_id AND o.gap = 0) AS consecutive
    FROM placed p
    WHERE p.is_bottom
), reached AS (
    -- the highest step of the scheme's ladder the run reaches (December: no half-year trigger)
    SELECT DISTINCT ON (k.scheme_id, k.unit_id)
           k.scheme_id, k.unit_id, k.consecutive, l.level,
           CASE
               WHEN l.interviewer <> '' THEN l.interviewer || l.action || l.interviewee
               WHEN l.venue <> '' THEN '在' || l.venue || '上' || l.action
               ELSE l.action
           END AS title
    FROM streak k
    JOIN reporting_rankingscheme sc ON sc.id = k.scheme_id
    LEFT JOIN reporting_ladderstep l ON l.ladder_id = sc.ladder_id AND l.min_consecutive <= k.consecutive
    ORDER BY k.scheme_id, k.unit_id, l.level DESC NULLS LAST
)
SELECT p.scheme_id, p.unit_id, p.ytd_completed, p.baseline, p.target, p.value, p.rank, p.is_bottom, p.status,
       COALESCE(r.consecutive, 0) AS consecutive_bottom,
       COALESCE(r.level, 0) AS escalation_level,
       concat_ws('；',
           CASE WHEN p.status = 'missing' THEN '未报送' END,
           CASE WHEN p.is_bottom THEN
               CASE WHEN r.consecutive <= 1 THEN '倒数第一' ELSE '连续' || r.consecutive || '期倒数第一' END
           END,
           CASE WHEN r.level IS NOT NULL THEN r.level || '级：' || r.title END) AS note
FROM placed p
LEFT JOIN reached r ON r.scheme_id = p.scheme_id AND r.unit_id = p.unit_id
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
       row.is_bottom, row.consecutive_bottom, row.escalation_level, row.note
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


def rows_vacuumed() -> None:
    """The rows' table as autovacuum leaves it between two nightly rankings (untimed, before ours and
    before the limit alike): a ranking run seven times a second would otherwise meet the thousands
    of dead rows the one before it left."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM reporting_rankingrow")


def period_ranked(period: Period) -> list:
    return period_rank(period=period).runs


def stored_rows(period: Period, *fields: str) -> set[tuple]:
    from reporting.models import RankingRow

    return set(
        RankingRow.objects.filter(
            run__year=period.year, run__month=period.month, run__scheme__is_active=True
        ).values_list("run__scheme_id", "unit_id", *fields)
    )


# Every column of a row but its keys: the hand-written INSERT writes the same rows, the ladder's
# columns included.
WRITTEN = tuple(column for column in ROW_COLUMNS if column not in ("run_id", "unit_id"))


def measure(profile: str) -> list[Line]:
    if OPEN_MONTH[1] == 6:
        raise AssertionError("手写 SQL 不计半年考核末位（6月）：基准的开放月份不能是 6 月")
    period = Period(*OPEN_MONTH)
    period_ranked(period)
    expected = {
        (scheme, unit, rank, bool(bottom))
        for scheme, unit, _ytd, _base, _target, _value, rank, bottom, *_ in window_ranking(period)
    }
    differing = expected ^ stored_rows(period, "rank", "is_bottom")
    if differing:
        raise AssertionError(f"手写 SQL 与排名服务的名次不一致：{sorted(differing)[:5]}")
    ours_rows = stored_rows(period, *WRITTEN)
    hand_written_insert(period)
    differing = ours_rows ^ stored_rows(period, *WRITTEN)
    if differing:
        raise AssertionError(f"手写 INSERT 与排名服务写入的行不一致：{sorted(differing)[:5]}")
    ours, limit = alternate(
        lambda: period_ranked(period), lambda: hand_written_insert(period), repeat=7, before=rows_vacuumed
    )
    period_ranked(period)  # leave the draft as the service wrote it
    rows = len(expected)
    return [
        Line(
            figure=f"排名：全部启用方案 {period.label}（{rows} 行）",
            profile=profile,
            value=ours * 1000,
            limit=limit * 1000,
            unit="ms",
            goal=1.5,
            limit_label="手写 INSERT … SELECT（RANK() 窗口函数，连续末位与约谈级别）写入同样的行并提交",
        )
    ]
